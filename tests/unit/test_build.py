"""Result objects built field by field are the objects their constructors build."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import attrs
import pytest

from prmcore._build import slot_setters
from prmcore.certifications import CertificationRequirement, ComplianceReport
from prmcore.certifications import RequirementResult as CertificationResult
from prmcore.money import Money
from prmcore.tiers import (
    DecisionKind,
    EligibilityReport,
    LevelDecision,
    LevelResult,
    RequirementResult,
)
from prmcore.tiers.evaluator import (
    PartnerEvaluation,
    _certification_result,
    _compliance_report,
    _decision,
    _partner_evaluation,
)

eligibility_module: Any = importlib.import_module("prmcore.tiers.eligibility")

DAY = dt.date(2026, 6, 30)


def same(built: object, constructed: object) -> None:
    assert type(built) is type(constructed)
    assert built == constructed
    assert hash(built) == hash(constructed)
    assert repr(built) == repr(constructed)
    assert attrs.astuple(built, recurse=False) == attrs.astuple(constructed, recurse=False)  # type: ignore[arg-type]


def test_eligibility_results_built_field_by_field_are_the_constructed_ones() -> None:
    fields = ("revenue", False, Money(5, "USD"), Money(9, "USD"), Money(4, "USD"))
    requirement = eligibility_module._requirement_result(*fields)
    same(requirement, RequirementResult(*fields, True))
    level = ("gold", "Gold", 2, False, (requirement,), None)
    built_level = eligibility_module._level_result(*level)
    same(built_level, LevelResult(*level))
    report = ("prog", "p-1", DAY, (built_level,), None, "gold", ())
    same(eligibility_module._eligibility_report(*report), EligibilityReport(*report))


def test_evaluation_results_built_field_by_field_are_the_constructed_ones() -> None:
    needed = CertificationRequirement("sec", 2)  # type: ignore[arg-type]
    result = _certification_result(needed, ("u-1",))  # type: ignore[arg-type]
    same(result, CertificationResult(needed, ("u-1",)))  # type: ignore[arg-type]
    report = _compliance_report("p-1", DAY, (result,))
    same(report, ComplianceReport("p-1", DAY, (result,)))  # type: ignore[arg-type]
    decision = _decision("p-1", DecisionKind.HOLD, "gold", "gold", None, "r", None)
    same(decision, LevelDecision("p-1", "hold", "gold", "gold", None, "r"))
    eligibility = EligibilityReport("prog", "p-1", DAY, (), None, None)
    fields = ("p-1", eligibility, decision, None, report)
    same(_partner_evaluation(*fields), PartnerEvaluation(*fields))  # type: ignore[arg-type]


@attrs.frozen
class Plain:
    a: int
    b: str = "x"


@attrs.frozen
class Converted:
    a: int = attrs.field(converter=int)


@attrs.frozen
class Checked:
    a: int

    def __attrs_post_init__(self) -> None:
        pass


def test_slot_setters_refuse_a_class_whose_fields_differ_or_are_converted() -> None:
    set_a, set_b = slot_setters(Plain, ("a", "b"))
    built = object.__new__(Plain)
    set_a(built, 1)
    set_b(built, "y")
    assert built == Plain(1, "y")
    with pytest.raises(TypeError, match="has the fields"):
        slot_setters(Plain, ("a",))
    with pytest.raises(TypeError, match="converts or checks"):
        slot_setters(Converted, ("a",))
    with pytest.raises(TypeError, match="converts or checks"):
        slot_setters(Checked, ("a",))
    assert len(slot_setters(Checked, ("a",), final_values=True)) == 1
