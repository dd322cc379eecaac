"""Building immutable result objects on hot paths.

An ``attrs`` frozen, slotted class's ``__init__`` sets each field through a bound
``object.__setattr__``, which costs more than the work of many per-partner evaluations. For
result classes with no converter, validator or post-init step, writing each field through its
slot descriptor builds the same object (equal, same hash and repr) in under half the time.
:func:`slot_setters` returns those descriptors' setters, in the class's field order, and checks
that the class still has exactly the fields the caller writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["slot_setters"]


def slot_setters(
    cls: type, names: tuple[str, ...], *, final_values: bool = False
) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of *cls*'s fields *names*, which must be every field of the
    ``attrs`` class in order, none with a converter or validator, and the class without a
    post-init step (else building field by field would differ from the constructor). With
    *final_values*, converters and checks are allowed: the caller only ever writes values in
    their final form that pass the checks (taken from an object built before)."""
    fields = attrs.fields(cls)
    if tuple(field.name for field in fields) != names:
        raise TypeError(f"{cls.__name__} has the fields {[f.name for f in fields]}, not {names}")
    if not final_values and (
        any(f.converter is not None or f.validator is not None for f in fields)
        or hasattr(cls, "__attrs_post_init__")
    ):
        raise TypeError(f"{cls.__name__} converts or checks its fields")
    return tuple(cls.__dict__[name].__set__ for name in names)
