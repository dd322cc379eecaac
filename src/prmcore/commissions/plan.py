"""Commission plans as data: effective-dated versions of components, quotas, accelerators,
SPIFFs, caps, floors, draws, overrides and clawback and payout policies.

A :class:`CommissionPlan` has a currency, a period calendar and one or more
:class:`PlanVersion` s, each effective from a date until the next one starts. Plans are plain
validated data: build them in code, or load them with :func:`plan_from_dict`,
:func:`plan_from_json` or :func:`plan_from_toml`, which list every problem with its path
(``versions[1].components[0].tiers[2].up_to``) and never evaluate anything as code.

Examples:
    >>> import datetime as dt
    >>> from prmcore.periods import MonthCalendar
    >>> from prmcore.tiers import Tier
    >>> plan = CommissionPlan(
    ...     id="resale-2026", name="Resale 2026", currency="EUR", calendar=MonthCalendar(),
    ...     versions=[PlanVersion(id="v1", effective_from=dt.date(2026, 1, 1), components=[
    ...         Component(id="base", mode="graduated",
    ...                   tiers=[Tier(10_000, "0.05"), Tier(None, "0.08")]),
    ...     ])],
    ... )
    >>> plan.version_on(dt.date(2026, 3, 1)).id
    'v1'

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import json
import tomllib
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.domain import PartnerKind
from prmcore.errors import ValidationError
from prmcore.money import currency_codes
from prmcore.periods import PeriodCalendar
from prmcore.serialization import converter, from_dict, from_json, to_dict
from prmcore.tiers import Boundary, Tier, TierMode, TierSchedule
from prmcore.tiers._numbers import ZERO, check_number, to_decimal
from prmcore.tiers.schedule import _UNKNOWN, _check_bounds, _raw_bound

__all__ = [
    "Accelerator",
    "Accumulation",
    "Basis",
    "Cap",
    "ClawbackPolicy",
    "CommissionPlan",
    "Component",
    "Draw",
    "Floor",
    "Override",
    "PayoutPolicy",
    "PlanVersion",
    "RateRule",
    "Scope",
    "Spiff",
    "plan_from_dict",
    "plan_from_json",
    "plan_from_toml",
    "plan_to_dict",
]

_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_ROUNDINGS = (ROUND_HALF_EVEN, ROUND_HALF_UP)


class Basis(enum.StrEnum):
    """What a component's rate or tiers measure, accumulated over its scope.

    - ``revenue``: the credited amount in the plan currency.
    - ``units``: the credited number of units.
    - ``attainment``: cumulative revenue as a percentage of the version's ``quota``.

    .. versionadded:: 0.1.0
    """

    REVENUE = "revenue"
    UNITS = "units"
    ATTAINMENT = "attainment"


class Accumulation(enum.StrEnum):
    """Over what a basis accumulates: the pay ``period`` (month, quarter, ...) or the plan
    ``year`` (year to date, the calendar's :meth:`~prmcore.periods.PeriodCalendar.year_containing`).

    .. versionadded:: 0.1.0
    """

    PERIOD = "period"
    YEAR = "year"


class Scope(enum.StrEnum):
    """Where a cap or floor applies: per ``transaction``, per ``period`` or per plan ``year``.

    .. versionadded:: 0.1.0
    """

    TRANSACTION = "transaction"
    PERIOD = "period"
    YEAR = "year"


def _basis(value: Basis | str) -> Basis:
    result: Basis = to_enum(Basis, value)
    return result


def _accumulation(value: Accumulation | str) -> Accumulation:
    result: Accumulation = to_enum(Accumulation, value)
    return result


def _scope(value: Scope | str) -> Scope:
    result: Scope = to_enum(Scope, value)
    return result


def _mode(value: TierMode | str | None) -> TierMode | None:
    result: TierMode | None = None if value is None else to_enum(TierMode, value)
    return result


def _boundary(value: Boundary | str) -> Boundary:
    result: Boundary = to_enum(Boundary, value)
    return result


def _kind(value: PartnerKind | str | None) -> PartnerKind | None:
    result: PartnerKind | None = None if value is None else to_enum(PartnerKind, value)
    return result


def _kinds(value: object) -> Any:
    items = to_tuple(value)
    if isinstance(items, tuple):
        return tuple(to_enum(PartnerKind, item) for item in items)
    return items


def _number(value: object) -> Any:
    return to_decimal(value, "a commission plan number")


def _optional_number(value: object) -> Any:
    return None if value is None else to_decimal(value, "a commission plan number")


def _check_ids(c: Checks, path: str, values: object) -> None:
    c.each(path, values, c.identifier, unique=True)


def _check_kinds(c: Checks, path: str, values: object) -> None:
    c.each(path, values, lambda p, v: c.member(p, v, PartnerKind), unique=True)


@attrs.frozen
class RateRule(Validated):
    """A rate for transactions of one product line and/or one partner kind.

    The most specific rule wins: one naming both the product line and the partner kind, then
    one naming the product line, then one naming the kind; with none, the component's
    ``rate`` applies.

    Args:
        rate: The rate per unit of basis (``0.05`` is 5% of revenue), at least 0.
        product_line: The product line id, or ``None`` for any.
        partner_kind: The partner kind, or ``None`` for any.

    Raises:
        TypeError: *rate* is a float.
        ValidationError: Every problem with its path.

    .. versionadded:: 0.1.0
    """

    rate: Decimal = attrs.field(converter=_number)
    """The rate per unit of basis."""
    product_line: str | None = None
    """The product line it applies to, or ``None``."""
    partner_kind: PartnerKind | None = attrs.field(default=None, converter=_kind)
    """The partner kind it applies to, or ``None``."""

    def _validate(self, c: Checks) -> None:
        check_number(c, "rate", self.rate)
        c.optional_identifier("product_line", self.product_line)
        if self.partner_kind is not None:
            c.member("partner_kind", self.partner_kind, PartnerKind)


@attrs.frozen
class Component(Validated):
    """One way a plan pays: a rate, or a tier schedule, on a basis.

    A component pays either by **rate** (``rate`` and/or ``rates``: rate x basis, where a
    revenue rate is scaled by the version's accelerators) or by **tiers** (``mode`` and
    ``tiers``: a :class:`~prmcore.tiers.TierSchedule` applied to the cumulative basis, each
    transaction credited ``f(cumulative_after) - f(cumulative_before)``). ``volume`` schedules
    credit each transaction provisionally at the rate of the tier it reaches and true up to
    ``f(total)`` when the period closes.

    Args:
        id: The component's id, unique in its version.
        basis: What is measured (:class:`Basis`), default revenue.
        rate: The default rate per unit of basis.
        rates: :class:`RateRule` s by product line and partner kind.
        mode: The :class:`~prmcore.tiers.TierMode` of the tiers.
        tiers: The tiers (amounts in the plan currency per unit of basis).
        boundary: The tier boundary convention.
        package_size: For ``package`` mode.
        accumulate: Whether the basis accumulates over the ``period`` or the plan ``year``.
        product_lines: Only transactions of these product lines count (empty: all).
        partner_kinds: Only partners of these kinds are paid (empty: all).
        level_multiplier: Whether the partner's level ``commission_multiplier`` applies.

    Raises:
        TypeError: A number is a float.
        ValidationError: Every problem with its path, including the tier schedule's own
            (``tiers[2].up_to: must be greater than tiers[1].up_to (5000)``).

    .. versionadded:: 0.1.0
    """

    id: str
    """The component's id."""
    basis: Basis = attrs.field(default=Basis.REVENUE, converter=_basis)
    """What the rate or tiers measure."""
    rate: Decimal | None = attrs.field(default=None, converter=_optional_number)
    """The default rate."""
    rates: tuple[RateRule, ...] = attrs.field(default=(), converter=to_tuple)
    """Rates by product line and partner kind."""
    mode: TierMode | None = attrs.field(default=None, converter=_mode)
    """The tier mode, for a tiered component."""
    tiers: tuple[Tier, ...] = attrs.field(default=(), converter=to_tuple)
    """The tiers, for a tiered component."""
    boundary: Boundary = attrs.field(default=Boundary.UPPER_INCLUSIVE, converter=_boundary)
    """The boundary convention of the tiers."""
    package_size: Decimal | None = attrs.field(default=None, converter=_optional_number)
    """Units per package, for ``package`` mode."""
    accumulate: Accumulation = attrs.field(default=Accumulation.PERIOD, converter=_accumulation)
    """Over what the basis accumulates."""
    product_lines: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    """Product lines that count (empty: all)."""
    partner_kinds: tuple[PartnerKind, ...] = attrs.field(default=(), converter=_kinds)
    """Partner kinds that are paid (empty: all)."""
    level_multiplier: bool = True
    """Whether the partner's level multiplier applies."""

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.member("basis", self.basis, Basis)
        c.member("accumulate", self.accumulate, Accumulation)
        c.member("boundary", self.boundary, Boundary)
        if self.rate is not None:
            check_number(c, "rate", self.rate)
        c.each("rates", self.rates, lambda p, v: c.instance(p, v, RateRule))
        _check_ids(c, "product_lines", self.product_lines)
        _check_kinds(c, "partner_kinds", self.partner_kinds)
        c.instance("level_multiplier", self.level_multiplier, bool)
        by_rate = self.rate is not None or bool(self.rates)
        by_tiers = self.mode is not None or bool(self.tiers)
        if by_rate and by_tiers:
            c.add("", "give either a rate (rate/rates) or tiers (mode/tiers), not both")
        elif not by_rate and not by_tiers:
            c.add("", "give a rate (rate/rates) or tiers (mode/tiers)")
        elif by_tiers:
            self._check_schedule(c)
        elif self.package_size is not None:
            c.add("package_size", "only package tiers use package_size")

    def _check_schedule(self, c: Checks) -> None:
        if self.mode is None:
            c.add("mode", "tiers need a mode (graduated, volume, package, ...)")
            return
        if not c.member("mode", self.mode, TierMode):
            return
        try:
            TierSchedule(
                self.mode,
                self.tiers,
                boundary=self.boundary,
                package_size=self.package_size,
            )
        except ValidationError as err:
            c.problems.extend(p for p in err.problems if p.path != "boundary")

    @functools.cached_property
    def schedule(self) -> TierSchedule | None:
        """The component's :class:`~prmcore.tiers.TierSchedule`, or ``None`` for a rate."""
        if self.mode is None:
            return None
        return TierSchedule(
            self.mode, self.tiers, boundary=self.boundary, package_size=self.package_size
        )

    def rate_for(self, product_line: str | None, partner_kind: PartnerKind | None) -> Decimal:
        """The rate that applies to a transaction of *product_line* for a partner of
        *partner_kind* (the most specific :class:`RateRule`, else ``rate``, else 0).

        Examples:
            >>> c = Component(id="c", rate="0.05", rates=[RateRule("0.08", product_line="fw")])
            >>> c.rate_for("fw", None), c.rate_for("edr", None)
            (Decimal('0.08'), Decimal('0.05'))
        """
        best: tuple[int, Decimal] | None = None
        for rule in self.rates:
            if rule.product_line is not None and rule.product_line != product_line:
                continue
            if rule.partner_kind is not None and rule.partner_kind is not partner_kind:
                continue
            score = (2 if rule.product_line is not None else 0) + (
                1 if rule.partner_kind is not None else 0
            )
            if best is None or score > best[0]:
                best = (score, rule.rate)
        if best is not None:
            return best[1]
        return self.rate if self.rate is not None else ZERO

    def applies_to(self, product_line: str | None, partner_kind: PartnerKind | None) -> bool:
        """Whether a transaction of *product_line* credited to a partner of *partner_kind*
        counts for this component."""
        if self.product_lines and product_line not in self.product_lines:
            return False
        return not self.partner_kinds or partner_kind in self.partner_kinds


@attrs.frozen
class Accelerator(Validated):
    """A multiplier on revenue rates once quota attainment passes a percentage.

    ``Accelerator(above="100", multiplier="1.5")`` pays every unit of revenue beyond 100% of
    quota at 1.5 times the component's rate. The slice of one deal that crosses the threshold
    is paid at both rates, each on its part.

    Args:
        above: The attainment percentage beyond which the multiplier applies, at least 0.
        multiplier: The multiplier, at least 0.

    .. versionadded:: 0.1.0
    """

    above: Decimal = attrs.field(converter=_number)
    """The attainment percentage beyond which it applies."""
    multiplier: Decimal = attrs.field(converter=_number)
    """The multiplier."""

    def _validate(self, c: Checks) -> None:
        check_number(c, "above", self.above)
        check_number(c, "multiplier", self.multiplier)


@attrs.frozen
class Spiff(Validated):
    """A sales incentive for a product line within a date window: a flat amount per unit
    and/or a rate on revenue, paid on top of the components.

    Args:
        id: The SPIFF's id.
        product_lines: The product lines it rewards (at least one).
        start: The first day of the window.
        end: The last day of the window (inclusive).
        per_unit: The amount per unit sold, at least 0.
        rate: The rate on revenue, at least 0.

    .. versionadded:: 0.1.0
    """

    id: str
    """The SPIFF's id."""
    product_lines: tuple[str, ...] = attrs.field(converter=to_tuple)
    """The product lines it rewards."""
    start: dt.date
    """The first day of the window."""
    end: dt.date
    """The last day of the window."""
    per_unit: Decimal = attrs.field(default=ZERO, converter=_number)
    """The flat amount per unit."""
    rate: Decimal = attrs.field(default=ZERO, converter=_number)
    """The rate on revenue."""

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        if c.instance("product_lines", self.product_lines, tuple) and not self.product_lines:
            c.add("product_lines", "name at least one product line")
        _check_ids(c, "product_lines", self.product_lines)
        if c.date("start", self.start) & c.date("end", self.end):
            c.date_order("start", self.start, "end", self.end)
        ok = check_number(c, "per_unit", self.per_unit) & check_number(c, "rate", self.rate)
        if ok and not self.per_unit and not self.rate:
            c.add("", "give a per_unit amount or a rate above 0")

    def covers(self, day: dt.date, product_line: str | None) -> bool:
        """Whether a transaction on *day* of *product_line* earns this SPIFF."""
        return self.start <= day <= self.end and product_line in self.product_lines


@attrs.frozen
class Cap(Validated):
    """An upper limit on what a partner earns per transaction, period or plan year.

    Caps apply after the tier math and the level multiplier. With *carry_forward*, the excess
    of a period (or year) cap is paid in the following periods, as far as their own cap leaves
    room; otherwise it is forfeited.

    Args:
        scope: A :class:`Scope`.
        amount: The most that is paid in the scope, at least 0 (plan currency).
        carry_forward: Whether capped excess carries forward (period and year scopes only).

    .. versionadded:: 0.1.0
    """

    scope: Scope = attrs.field(converter=_scope)
    """Where the cap applies."""
    amount: Decimal = attrs.field(converter=_number)
    """The limit."""
    carry_forward: bool = False
    """Whether capped excess carries forward."""

    def _validate(self, c: Checks) -> None:
        ok = c.member("scope", self.scope, Scope)
        check_number(c, "amount", self.amount)
        if c.instance("carry_forward", self.carry_forward, bool) and ok:
            c.require(
                not (self.carry_forward and self.scope is Scope.TRANSACTION),
                "carry_forward",
                "only period and year caps carry their excess forward",
            )


@attrs.frozen
class Floor(Validated):
    """A guaranteed minimum per transaction, period or plan year, topped up when the scope
    closes (a transaction's floor at once).

    Args:
        scope: A :class:`Scope`.
        amount: The least that is paid, at least 0 (plan currency).

    .. versionadded:: 0.1.0
    """

    scope: Scope = attrs.field(converter=_scope)
    """Where the floor applies."""
    amount: Decimal = attrs.field(converter=_number)
    """The minimum."""

    def _validate(self, c: Checks) -> None:
        c.member("scope", self.scope, Scope)
        check_number(c, "amount", self.amount)


@attrs.frozen
class Draw(Validated):
    """An advance paid when a period's earnings fall short of *amount*.

    At each period close, a partner whose earnings for the period are below *amount* is paid
    the difference as a draw. A *recoverable* draw is owed back: from the period *delay*
    periods after it, each period's positive earnings are withheld at *recovery_rate* until
    it is repaid. *maximum* limits the recoverable draw outstanding at any time.

    Args:
        amount: The earnings level the draw tops up to, per period, above 0.
        recoverable: Whether the draw is recovered from later earnings.
        recovery_rate: The share of later earnings withheld, in (0, 1]; default 1.
        delay: Periods after a draw before its recovery starts; default 0 (the next period).
        maximum: The most recoverable draw outstanding, or ``None`` for no limit.

    .. versionadded:: 0.1.0
    """

    amount: Decimal = attrs.field(converter=_number)
    """The earnings level topped up to."""
    recoverable: bool = True
    """Whether it is recovered."""
    recovery_rate: Decimal = attrs.field(default=_ONE, converter=_number)
    """The share of later earnings withheld."""
    delay: int = 0
    """Periods before recovery starts."""
    maximum: Decimal | None = attrs.field(default=None, converter=_optional_number)
    """The most outstanding."""

    def _validate(self, c: Checks) -> None:
        check_number(c, "amount", self.amount, above=True)
        c.instance("recoverable", self.recoverable, bool)
        if check_number(c, "recovery_rate", self.recovery_rate, above=True):
            c.require(self.recovery_rate <= _ONE, "recovery_rate", "must be at most 1")
        c.integer("delay", self.delay, minimum=0)
        if self.maximum is not None:
            check_number(c, "maximum", self.maximum)


@attrs.frozen
class Override(Validated):
    """A distributor override: the parent of a partner of *from_kinds* earns *rate* on the
    revenue credited to that partner.

    Args:
        rate: The override rate on credited revenue, at least 0.
        from_kinds: The kinds of the crediting partners (default resellers).

    .. versionadded:: 0.1.0
    """

    rate: Decimal = attrs.field(converter=_number)
    """The override rate."""
    from_kinds: tuple[PartnerKind, ...] = attrs.field(
        default=(PartnerKind.RESELLER,), converter=_kinds
    )
    """The partner kinds whose deals roll up."""

    def _validate(self, c: Checks) -> None:
        check_number(c, "rate", self.rate)
        _check_kinds(c, "from_kinds", self.from_kinds)


@attrs.frozen
class ClawbackPolicy(Validated):
    """How refunds claw commission back.

    A refund reverses the refunded share of everything the original sale earned (credits,
    SPIFFs, overrides), at the amounts it was credited, so a full refund nets the deal to
    exactly zero. A refund more than *window_days* after the sale claws nothing.

    Args:
        window_days: Days after the sale during which a refund claws back; ``None`` (the
            default) for always.

    .. versionadded:: 0.1.0
    """

    window_days: int | None = None
    """The clawback window in days."""

    def _validate(self, c: Checks) -> None:
        if self.window_days is not None:
            c.integer("window_days", self.window_days, minimum=0)


@attrs.frozen
class PayoutPolicy(Validated):
    """How a closed period's balance is paid out.

    Args:
        hold_while_negative: With a negative balance (say, after clawbacks), pay nothing
            until it is positive again (the default); otherwise pay the period's own positive
            net earnings and carry the negative balance.
        minimum: Pay nothing below this amount; it stays in the balance.

    .. versionadded:: 0.1.0
    """

    hold_while_negative: bool = True
    """Whether payout waits for a positive balance."""
    minimum: Decimal = attrs.field(default=ZERO, converter=_number)
    """The smallest payout."""

    def _validate(self, c: Checks) -> None:
        c.instance("hold_while_negative", self.hold_while_negative, bool)
        check_number(c, "minimum", self.minimum)


@attrs.frozen
class PlanVersion(Validated):
    """One version of a plan, effective from a date until the next version starts.

    Args:
        id: The version's id, unique in the plan.
        effective_from: The first day it applies to (by transaction date).
        components: What it pays (at least one component or SPIFF in all).
        quota: The revenue quota for attainment and accelerators (plan currency), above 0.
        quota_scope: Whether the quota is per ``period`` or per plan ``year``.
        accelerators: Multipliers on revenue rates beyond attainment thresholds.
        spiffs: SPIFFs.
        caps: Caps (at most one per scope).
        floors: Floors (at most one per scope).
        draw: A draw, or ``None``.
        overrides: Distributor overrides.
        clawback: The clawback policy.
        payout: The payout policy.
        rounding: ``ROUND_HALF_EVEN`` (default) or ``ROUND_HALF_UP``, for every payable line.

    Raises:
        TypeError: A number is a float.
        ValidationError: Every problem with its path.

    .. versionadded:: 0.1.0
    """

    id: str
    """The version's id."""
    effective_from: dt.date
    """The first day it applies to."""
    components: tuple[Component, ...] = attrs.field(default=(), converter=to_tuple)
    """What it pays."""
    quota: Decimal | None = attrs.field(default=None, converter=_optional_number)
    """The revenue quota."""
    quota_scope: Accumulation = attrs.field(default=Accumulation.PERIOD, converter=_accumulation)
    """The quota's scope."""
    accelerators: tuple[Accelerator, ...] = attrs.field(default=(), converter=to_tuple)
    """Accelerators."""
    spiffs: tuple[Spiff, ...] = attrs.field(default=(), converter=to_tuple)
    """SPIFFs."""
    caps: tuple[Cap, ...] = attrs.field(default=(), converter=to_tuple)
    """Caps."""
    floors: tuple[Floor, ...] = attrs.field(default=(), converter=to_tuple)
    """Floors."""
    draw: Draw | None = None
    """The draw."""
    overrides: tuple[Override, ...] = attrs.field(default=(), converter=to_tuple)
    """Distributor overrides."""
    clawback: ClawbackPolicy = attrs.field(factory=ClawbackPolicy)
    """The clawback policy."""
    payout: PayoutPolicy = attrs.field(factory=PayoutPolicy)
    """The payout policy."""
    rounding: str = ROUND_HALF_EVEN
    """The rounding mode of payable lines."""

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.date("effective_from", self.effective_from)
        components_ok = c.each(
            "components", self.components, lambda p, v: c.instance(p, v, Component)
        )
        if components_ok:
            seen: set[str] = set()
            for i, component in enumerate(self.components):
                if component.id in seen:
                    c.add(f"components[{i}].id", f"duplicate component id {component.id!r}")
                seen.add(component.id)
        c.each("accelerators", self.accelerators, lambda p, v: c.instance(p, v, Accelerator))
        c.each("spiffs", self.spiffs, lambda p, v: c.instance(p, v, Spiff))
        c.each("overrides", self.overrides, lambda p, v: c.instance(p, v, Override))
        if components_ok and not self.components and not self.spiffs:
            c.add("components", "give at least one component or SPIFF")
        if self.quota is not None:
            check_number(c, "quota", self.quota, above=True)
        c.member("quota_scope", self.quota_scope, Accumulation)
        needs_quota = bool(self.accelerators) or (
            components_ok and any(x.basis is Basis.ATTAINMENT for x in self.components)
        )
        if needs_quota and self.quota is None:
            c.add("quota", "attainment components and accelerators need a quota")
        self._check_scoped(c, "caps", self.caps, Cap)
        self._check_scoped(c, "floors", self.floors, Floor)
        if self.draw is not None:
            c.instance("draw", self.draw, Draw)
        c.instance("clawback", self.clawback, ClawbackPolicy)
        c.instance("payout", self.payout, PayoutPolicy)
        c.one_of("rounding", self.rounding, _ROUNDINGS)

    @staticmethod
    def _check_scoped(c: Checks, path: str, items: object, kind: type) -> None:
        if not c.each(path, items, lambda p, v: c.instance(p, v, kind)):
            return
        assert isinstance(items, tuple)
        seen: set[Scope] = set()
        for i, item in enumerate(items):
            if item.scope in seen:
                c.add(f"{path}[{i}].scope", f"only one {item.scope.value} entry is allowed")
            seen.add(item.scope)

    def cap(self, scope: Scope) -> Cap | None:
        """The cap of *scope*, or ``None``."""
        return next((cap for cap in self.caps if cap.scope is scope), None)

    def floor(self, scope: Scope) -> Floor | None:
        """The floor of *scope*, or ``None``."""
        return next((floor for floor in self.floors if floor.scope is scope), None)

    @functools.cached_property
    def hash(self) -> str:
        """A short SHA-256 fingerprint of the version's content; every ledger line records it,
        so a corrected version (same id, other content) is told apart.

        Examples:
            >>> v = PlanVersion(id="v1", effective_from=dt.date(2026, 1, 1),
            ...                 components=[Component(id="c", rate="0.05")])
            >>> len(v.hash), v.hash == attrs.evolve(v, quota="1000").hash
            (16, False)
        """
        text = json.dumps(to_dict(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @functools.cached_property
    def accelerator_schedule(self) -> TierSchedule | None:
        """Accelerators as a graduated schedule on cumulative revenue whose "rates" are the
        multipliers: ``schedule.increment(before, after)`` is the accelerated revenue of a
        deal, which a revenue rate then multiplies. ``None`` without accelerators."""
        if not self.accelerators or self.quota is None:
            return None
        steps = sorted((a.above, a.multiplier) for a in self.accelerators)
        tiers: list[Tier] = []
        multiplier = _ONE
        for above, next_multiplier in steps:
            bound = self.quota * above / _HUNDRED
            if bound > 0 and (not tiers or bound > tiers[-1].up_to):  # type: ignore[operator]
                tiers.append(Tier(bound, multiplier))
            multiplier = next_multiplier
        tiers.append(Tier(None, multiplier))
        return TierSchedule.graduated(tiers)


@attrs.frozen
class CommissionPlan(Validated):
    """A commission plan: a currency, a period calendar and effective-dated versions.

    Args:
        id: The plan's id.
        name: Its display name.
        currency: The ISO 4217 code every line is paid in.
        calendar: The :class:`~prmcore.periods.PeriodCalendar` of pay periods (month,
            quarter, fiscal year...); its ``year_containing`` is the plan year.
        versions: The versions, by increasing ``effective_from`` (at least one).

    Raises:
        TypeError: A number is a float.
        ValidationError: Every problem with its path (``versions[1].effective_from``).

    .. versionadded:: 0.1.0
    """

    id: str
    """The plan's id."""
    name: str
    """Its display name."""
    currency: str
    """The plan currency."""
    calendar: PeriodCalendar
    """The pay-period calendar."""
    versions: tuple[PlanVersion, ...] = attrs.field(converter=to_tuple)
    """The versions, oldest first."""

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("name", self.name)
        if c.instance("currency", self.currency, str):
            c.require(
                self.currency in currency_codes(),
                "currency",
                f"unknown ISO 4217 currency code {self.currency!r}",
            )
        c.instance("calendar", self.calendar, PeriodCalendar)
        if not c.each("versions", self.versions, lambda p, v: c.instance(p, v, PlanVersion)):
            return
        if not self.versions:
            c.add("versions", "give at least one version")
        ids: set[str] = set()
        for i, version in enumerate(self.versions):
            if version.id in ids:
                c.add(f"versions[{i}].id", f"duplicate version id {version.id!r}")
            ids.add(version.id)
            if i and version.effective_from <= self.versions[i - 1].effective_from:
                c.add(
                    f"versions[{i}].effective_from",
                    f"must be after versions[{i - 1}].effective_from "
                    f"({self.versions[i - 1].effective_from.isoformat()})",
                )

    def version_on(self, day: dt.date) -> PlanVersion:
        """The version in effect on *day*.

        Raises:
            ValidationError: *day* is before the first version (path ``date``).
        """
        found: PlanVersion | None = None
        for version in self.versions:
            if version.effective_from <= day:
                found = version
            else:
                break
        if found is None:
            raise ValidationError(
                f"plan {self.id!r} has no version in effect on {day.isoformat()} (the first "
                f"starts {self.versions[0].effective_from.isoformat()})",
                path="date",
            )
        return found

    def version(self, version_id: str) -> PlanVersion:
        """The version with *version_id*.

        Raises:
            ValidationError: There is none (path ``version_id``).
        """
        for version in self.versions:
            if version.id == version_id:
                return version
        raise ValidationError(f"plan {self.id!r} has no version {version_id!r}", "version_id")


def plan_to_dict(plan: CommissionPlan) -> Any:
    """The plan as JSON-ready data that :func:`plan_from_dict` loads back.

    .. versionadded:: 0.1.0
    """
    return to_dict(plan)


def plan_from_dict(data: object) -> CommissionPlan:
    """Load a plan from a dict, validating fully.

    Raises:
        TypeError: A number is a float (write it as a string).
        ValidationError: Every problem with its path, for example
            ``versions[1].components[0].tiers[2].up_to``.

    .. versionadded:: 0.1.0
    """
    return from_dict(CommissionPlan, data)


def plan_from_json(text: str | bytes) -> CommissionPlan:
    """Load a plan from JSON (numbers with a fraction are read as Decimal), validating fully.

    Raises:
        ValidationError: The text is not JSON, or every problem of the data with its path.

    .. versionadded:: 0.1.0
    """
    return from_json(CommissionPlan, text)


def plan_from_toml(text: str) -> CommissionPlan:
    """Load a plan from TOML (with :mod:`tomllib`; TOML floats are read as Decimal),
    validating fully.

    Raises:
        ValidationError: The text is not TOML, or every problem of the data with its path.

    Examples:
        >>> plan = plan_from_toml('''
        ... id = "p"
        ... name = "Plan"
        ... currency = "USD"
        ... calendar = { kind = "quarter" }
        ... [[versions]]
        ... id = "v1"
        ... effective_from = 2026-01-01
        ... [[versions.components]]
        ... id = "base"
        ... rate = 0.05
        ... ''')
        >>> plan.versions[0].components[0].rate
        Decimal('0.05')

    .. versionadded:: 0.1.0
    """
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"not valid TOML: {exc}") from None
    return from_dict(CommissionPlan, data)


# -- loading ----------------------------------------------------------------------------------

_load_component_fields = converter.get_structure_hook(Component)


def _load_component(data: object, cls: type[Component]) -> Component:
    """Load a component field by field, and also report the order of its tier bounds when
    some tier failed to load (the generic loader cannot check the tiers as a whole then).

    TOML has no null, so the open top tier is written without ``up_to``: a last tier that
    leaves it out is open."""
    if isinstance(data, Mapping) and isinstance(data.get("tiers"), list | tuple) and data["tiers"]:
        last = data["tiers"][-1]
        if isinstance(last, Mapping) and "up_to" not in last:
            data = {**data, "tiers": [*data["tiers"][:-1], {**last, "up_to": None}]}
    try:
        component: Component = _load_component_fields(data, cls)
    except ValidationError as err:
        if not isinstance(data, Mapping) or not isinstance(data.get("tiers"), list | tuple):
            raise
        bounds = [
            _raw_bound(t["up_to"]) if isinstance(t, Mapping) and "up_to" in t else _UNKNOWN
            for t in data["tiers"]
        ]
        c = Checks()
        _check_bounds(c, ZERO, bounds)
        extra = [p for p in c.problems if p not in err.problems]
        if not extra:
            raise
        raise ValidationError([*err.problems, *extra]) from None
    return component


converter.register_structure_hook(Component, _load_component)
