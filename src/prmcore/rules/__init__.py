"""A small declarative condition language over the fields of a record.

Conditions test fields of a record (a :class:`~prmcore.domain.Lead`, any object with
attributes, or a mapping) with comparisons, sets, ranges, prefixes and multi-valued
``contains``, combined with ``all``/``any``/``not``. They are data: built in Python with
:func:`field` and ``&``, ``|``, ``~``, or loaded from dict/JSON (every problem reported with
its path, nothing evaluated as code), and they round-trip exactly. They compile to fast
closures and explain every verdict::

    from prmcore.rules import LEAD_SCHEMA, condition_from_json, field

    south_germany = field("location.country").eq("DE") & field(
        "location.postal_code"
    ).starts_with("8", "9")
    mid_market = condition_from_json(
        '{"field": "employees", "op": "between", "low": 50, "high": 500}', schema=LEAD_SCHEMA
    )

Territories, eligibility gates and conflict policies are built on these conditions.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.rules._values import Scalar
from prmcore.rules.analysis import conjuncts, fields, specificity, walk, walk_with_paths
from prmcore.rules.builder import FieldRef, all_of, any_of, field, not_
from prmcore.rules.compiler import compile_condition, evaluate
from prmcore.rules.conditions import (
    ALWAYS,
    NEVER,
    AllOf,
    AnyOf,
    Between,
    Bounds,
    Compare,
    CompareOp,
    Condition,
    Contains,
    ContainsMode,
    Exists,
    In,
    Leaf,
    Not,
    NotIn,
    Predicate,
    StartsWith,
)
from prmcore.rules.explain import Explanation, explain
from prmcore.rules.loading import (
    MAX_DEPTH,
    OPERATORS,
    condition_from_dict,
    condition_from_json,
    condition_to_dict,
    condition_to_json,
)
from prmcore.rules.schema import LEAD_SCHEMA, FieldKind, FieldSpec, Schema

__all__ = [
    "ALWAYS",
    "LEAD_SCHEMA",
    "MAX_DEPTH",
    "NEVER",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Between",
    "Bounds",
    "Compare",
    "CompareOp",
    "Condition",
    "Contains",
    "ContainsMode",
    "Exists",
    "Explanation",
    "FieldKind",
    "FieldRef",
    "FieldSpec",
    "In",
    "Leaf",
    "Not",
    "NotIn",
    "Predicate",
    "Scalar",
    "Schema",
    "StartsWith",
    "all_of",
    "any_of",
    "compile_condition",
    "condition_from_dict",
    "condition_from_json",
    "condition_to_dict",
    "condition_to_json",
    "conjuncts",
    "evaluate",
    "explain",
    "field",
    "fields",
    "not_",
    "specificity",
    "walk",
    "walk_with_paths",
]
