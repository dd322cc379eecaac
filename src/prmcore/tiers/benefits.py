"""Benefits of a partner-program level, as typed plain data for other engines.

Each :class:`~prmcore.tiers.ProgramLevel` carries :class:`Benefits`: a commission multiplier,
a discount rate, an MDF (market development funds) accrual rate, a lead-routing weight and any
custom entries the host needs. The commission and routing engines do not import programs; they
take the plain values that :func:`benefits_for`, :func:`commission_multiplier`,
:func:`discount_rate`, :func:`mdf_accrual_rate` and :func:`routing_weight` return.

An unknown level id raises :class:`~prmcore.errors.NotFoundError` (it names a level that does
not exist, which is a lookup failure rather than malformed data).

Examples:
    >>> from decimal import Decimal
    >>> gold = Benefits(commission_multiplier="1.25", discount_rate="0.30", routing_weight=3)
    >>> gold.commission_multiplier, gold.routing_weight
    (Decimal('1.25'), Decimal('3'))

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from prmcore._checks import Checks, Validated
from prmcore.errors import ValidationError
from prmcore.serialization import converter, storage_converter
from prmcore.tiers._numbers import check_number, refuse_float, to_decimal

if TYPE_CHECKING:
    from prmcore.tiers.program import Program

__all__ = [
    "Benefits",
    "CustomBenefit",
    "benefits_for",
    "commission_multiplier",
    "discount_rate",
    "mdf_accrual_rate",
    "routing_weight",
]

CustomBenefit: TypeAlias = str | Decimal | int | bool
"""The value of a custom benefit entry: text, an exact number or a flag. Never a ``float``.

On the wire a Decimal is written as ``{"decimal": "0.5"}`` so that it loads back as a Decimal
and not as text; JSON numbers with a fraction (read by
:func:`~prmcore.serialization.from_json` as Decimal) load as Decimals too.

.. versionadded:: 0.1.0
"""

_ONE = Decimal(1)


def _to_multiplier(value: str | int | Decimal) -> Any:
    return to_decimal(value, "a commission multiplier")


def _to_rate(value: str | int | Decimal) -> Any:
    return to_decimal(value, "a benefit rate")


def _to_weight(value: str | int | Decimal) -> Any:
    return to_decimal(value, "a routing weight")


def _to_custom(value: object) -> Any:
    if isinstance(value, Mapping):
        for item in value.values():
            refuse_float(item, "a custom benefit")
        return MappingProxyType(dict(value))
    return value


@attrs.frozen
class Benefits(Validated):
    """What partners at one program level get.

    Args:
        commission_multiplier: Multiplies the commission the plan computes (``1.25`` pays
            25% more); at least 0; default 1.
        discount_rate: The partner's discount off list price as a fraction in [0, 1]
            (``0.30`` is 30%); default 0.
        mdf_accrual_rate: The share of the partner's revenue that accrues as market
            development funds, a fraction in [0, 1]; default 0.
        routing_weight: The partner's weight in weighted lead routing, at least 0 (0 means
            never routed by weight); default 1.
        custom: Extra entries by key (an id), each text, an int, a Decimal or a bool
            (``{"deal_reg_bonus_days": 30, "badge": "gold"}``). Copied and read-only.

    Numbers may be given as ``str``, ``int`` or ``Decimal``; they are stored as ``Decimal``.

    Raises:
        TypeError: A number (or a custom value) is a ``float``.
        ValidationError: Listing every bad field (``discount_rate: must be at most 1``,
            ``custom.badge``, ...).

    Examples:
        >>> Benefits(discount_rate="1.5")
        Traceback (most recent call last):
        ...
        prmcore.errors.ValidationError: 1 problem: discount_rate: must be at most 1, got 1.5

    .. versionadded:: 0.1.0
    """

    commission_multiplier: Decimal = attrs.field(default=_ONE, converter=_to_multiplier)
    """Multiplies computed commissions."""
    discount_rate: Decimal = attrs.field(default=Decimal(0), converter=_to_rate)
    """Discount off list price, a fraction."""
    mdf_accrual_rate: Decimal = attrs.field(default=Decimal(0), converter=_to_rate)
    """MDF accrual as a fraction of revenue."""
    routing_weight: Decimal = attrs.field(default=_ONE, converter=_to_weight)
    """Weight in weighted lead routing."""
    custom: Mapping[str, CustomBenefit] = attrs.field(
        factory=lambda: MappingProxyType({}), converter=_to_custom, hash=False
    )
    """Host-defined entries."""

    def _validate(self, c: Checks) -> None:
        check_number(c, "commission_multiplier", self.commission_multiplier)
        for name in ("discount_rate", "mdf_accrual_rate"):
            value = getattr(self, name)
            if check_number(c, name, value) and value > _ONE:
                c.add(name, f"must be at most 1, got {value}")
        check_number(c, "routing_weight", self.routing_weight)
        if not c.instance("custom", self.custom, Mapping):
            return
        entries: Mapping[Any, object] = self.custom
        for key, value in entries.items():
            if not c.identifier(f"custom.<key {key!r}>", key):
                continue
            path = f"custom.{key}"
            if isinstance(value, Decimal):
                c.require(value.is_finite(), path, f"must be a finite number, got {value}")
            elif not isinstance(value, str | int):  # bool is an int
                c.add(
                    path,
                    f"must be a str, int, Decimal or bool, got {type(value).__name__} {value!r}",
                )
            elif isinstance(value, str):
                c.text(path, value, max_length=500)


def benefits_for(program: Program, level_id: str) -> Benefits:
    """The :class:`Benefits` of the level *level_id* in *program*.

    Raises:
        NotFoundError: *program* has no level *level_id*.

    Examples:
        >>> benefits_for(program, "gold").discount_rate  # doctest: +SKIP
        Decimal('0.30')

    .. versionadded:: 0.1.0
    """
    return program.level(level_id).benefits


def commission_multiplier(program: Program, level_id: str) -> Decimal:
    """The commission multiplier of level *level_id*, for the commission engine.

    Raises:
        NotFoundError: *program* has no level *level_id*.

    .. versionadded:: 0.1.0
    """
    return benefits_for(program, level_id).commission_multiplier


def discount_rate(program: Program, level_id: str) -> Decimal:
    """The discount rate (a fraction) of level *level_id*.

    Raises:
        NotFoundError: *program* has no level *level_id*.

    .. versionadded:: 0.1.0
    """
    return benefits_for(program, level_id).discount_rate


def mdf_accrual_rate(program: Program, level_id: str) -> Decimal:
    """The MDF accrual rate (a fraction of revenue) of level *level_id*.

    Raises:
        NotFoundError: *program* has no level *level_id*.

    .. versionadded:: 0.1.0
    """
    return benefits_for(program, level_id).mdf_accrual_rate


def routing_weight(program: Program, level_id: str) -> Decimal:
    """The lead-routing weight of level *level_id*, for the routing engine (0: never).

    Raises:
        NotFoundError: *program* has no level *level_id*.

    .. versionadded:: 0.1.0
    """
    return benefits_for(program, level_id).routing_weight


# -- dict / JSON -------------------------------------------------------------------------------


def _structure_custom(value: object, _: object) -> CustomBenefit:
    refuse_float(value, "a custom benefit")
    if isinstance(value, Mapping):
        if set(value) != {"decimal"} or not isinstance(value["decimal"], str):
            raise ValidationError(
                "a custom Decimal is written {'decimal': '<number as a string>'}, "
                f"got {dict(value)!r}"
            )
        try:
            return Decimal(value["decimal"])
        except InvalidOperation:
            raise ValidationError(f"not a decimal number: {value['decimal']!r}") from None
    if isinstance(value, str | int | Decimal):  # bool is an int
        return value
    raise ValidationError(
        f"must be a string, an integer, a boolean or {{'decimal': '...'}}, "
        f"got {type(value).__name__} {value!r}"
    )


def _unstructure_custom(value: CustomBenefit) -> Any:
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


def _is_custom(cls: object) -> bool:
    return cls == CustomBenefit


for _conv in (converter, storage_converter):
    _conv.register_structure_hook_func(_is_custom, _structure_custom)
    _conv.register_unstructure_hook_func(_is_custom, _unstructure_custom)
