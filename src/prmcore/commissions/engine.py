"""The commission engine: what a plan says is due, line by line, and the lines a run appends.

:func:`calculate` is pure: from a plan, the transactions and the partners' profiles it works
out every line the plan says is due for each period up to a given one — credits
(``f(cumulative_after) - f(cumulative_before)`` per component), SPIFFs, overrides,
clawbacks, caps and carry-forward, and, for closed periods, true-ups and floors. Each line
has a *key* (what it is for). :func:`run_period` compares that with the ledger and appends
only the differences, in open periods; at close it also settles draws, recoveries and the
payout. Running the same period twice therefore appends nothing, a late transaction or a
corrected plan version appends difference lines, and a closed period is never written to.

Rounding: a component's lines are the steps of its rounded cumulative amount
(``round(E_after) - round(E_before)``), so every line is a whole number of minor units and a
period's lines add up exactly to the rounded total, with no drift.

The hot loop works on plain ``Decimal`` values and precomputed schedules; inputs are validated
when they are built, so the engine does not check them again.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, trusted_construction
from prmcore.commissions._settlement import Balances, settle
from prmcore.commissions.ledger import SETTLEMENT_KINDS, LedgerLine, LineKind
from prmcore.commissions.plan import (
    Accumulation,
    Basis,
    CommissionPlan,
    Component,
    PlanVersion,
    Scope,
)
from prmcore.commissions.transactions import Transaction, TransactionKind
from prmcore.domain import Partner, PartnerKind
from prmcore.errors import CurrencyMismatch, ValidationError
from prmcore.money import Money, RateSource, convert, minor_units
from prmcore.periods import Period
from prmcore.tiers import Benefits, TierMode
from prmcore.tiers._numbers import CONTEXT, ZERO, format_amount, format_rate, to_decimal

__all__ = [
    "Calculation",
    "ledger_line",
    "DueLine",
    "PartnerProfile",
    "RunResult",
    "calculate",
    "run_period",
]

_HUNDRED = Decimal(100)
_ONE = Decimal(1)


def _multiplier(value: object) -> Any:
    return to_decimal(value, "a commission multiplier")


@attrs.frozen
class PartnerProfile(Validated):
    """What the engine needs to know about a partner: its kind, its distributor and its
    program level's commission multiplier (plain data, from
    :func:`prmcore.tiers.commission_multiplier` or :class:`~prmcore.tiers.Benefits`).

    Args:
        partner_id: The partner.
        kind: Its :class:`~prmcore.domain.PartnerKind`, or ``None`` when unknown.
        parent_id: The distributor it buys through, for overrides.
        commission_multiplier: Multiplies component credits (default 1).

    .. versionadded:: 0.1.0
    """

    partner_id: str
    kind: PartnerKind | None = None
    parent_id: str | None = None
    commission_multiplier: Decimal = attrs.field(default=_ONE, converter=_multiplier)

    def _validate(self, c: Checks) -> None:
        c.identifier("partner_id", self.partner_id)
        if self.kind is not None:
            c.member("kind", self.kind, PartnerKind)
        c.optional_identifier("parent_id", self.parent_id)
        if c.decimal("commission_multiplier", self.commission_multiplier):
            c.require(self.commission_multiplier >= 0, "commission_multiplier", "must be >= 0")

    @classmethod
    def from_partner(cls, partner: Partner, benefits: Benefits | None = None) -> PartnerProfile:
        """The profile of *partner*, with the multiplier of its level's *benefits*."""
        multiplier = _ONE if benefits is None else benefits.commission_multiplier
        return cls(partner.id, partner.kind, partner.parent_id, multiplier)


class DueLine:
    """One line the plan says is due, before it is reconciled with the ledger.

    Attributes are those of :class:`~prmcore.commissions.LedgerLine` without the posting
    (id, period, posting day).

    .. versionadded:: 0.1.0
    """

    __slots__ = (
        "_explanation",
        "_lazy",
        "amount",
        "basis",
        "basis_after",
        "basis_before",
        "component_id",
        "for_period",
        "fx",
        "key",
        "kind",
        "partner_id",
        "rate",
        "refers_to",
        "tiers",
        "transaction_id",
        "version",
    )

    def __init__(
        self,
        key: str,
        kind: LineKind,
        for_period: Period,
        partner_id: str,
        amount: Decimal,
        version: PlanVersion,
        explanation: str,
        *,
        transaction_id: str | None = None,
        refers_to: str | None = None,
        component_id: str | None = None,
        tiers: tuple[int, ...] = (),
        basis: Decimal | None = None,
        basis_before: Decimal | None = None,
        basis_after: Decimal | None = None,
        rate: Decimal | None = None,
        fx: tuple[Money, Decimal, dt.date, str] | None = None,
        lazy: tuple[Callable[..., str], tuple[Any, ...]] | None = None,
    ) -> None:
        self.key = key
        self.kind = kind
        self.for_period = for_period
        self.partner_id = partner_id
        self.amount = amount
        self.version = version
        self._explanation = explanation
        self._lazy = lazy
        self.transaction_id = transaction_id
        self.refers_to = refers_to
        self.component_id = component_id
        self.tiers = tiers
        self.basis = basis
        self.basis_before = basis_before
        self.basis_after = basis_after
        self.rate = rate
        self.fx = fx

    @property
    def explanation(self) -> str:
        """How the amount came about; built when first asked for, since a run that finds a
        line already in the ledger never needs it."""
        lazy = self._lazy
        if lazy is not None:
            func, args = lazy
            self._explanation = func(*args)
            self._lazy = None
        return self._explanation

    def __repr__(self) -> str:
        return f"DueLine({self.key!r}, {self.amount})"


@attrs.frozen
class Calculation:
    """What :func:`calculate` found: every due line by key, in calculation order, and the
    periods calculated.

    .. versionadded:: 0.1.0
    """

    due: Mapping[str, DueLine]
    """The due lines by key."""
    periods: tuple[Period, ...]
    """The periods calculated, in order."""

    def total(self) -> Decimal:
        """The sum of every due line."""
        return sum((line.amount for line in self.due.values()), ZERO)

    def by_partner(self) -> dict[str, Decimal]:
        """The sum of the due lines of each partner."""
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in self.due.values():
            totals[line.partner_id] += line.amount
        return dict(totals)


class _Compiled:
    """A component with what the hot loop needs precomputed."""

    __slots__ = (
        "component",
        "engine",
        "kinds",
        "lines",
        "mult",
        "rates",
        "volume",
        "year",
    )

    def __init__(self, component: Component) -> None:
        self.component = component
        schedule = component.schedule
        self.engine = None if schedule is None else schedule._engine
        self.volume = schedule is not None and schedule.mode is TierMode.VOLUME
        self.year = component.accumulate is Accumulation.YEAR
        self.lines = frozenset(component.product_lines)
        self.kinds = frozenset(component.partner_kinds)
        self.mult = component.level_multiplier
        self.rates: dict[tuple[str | None, PartnerKind | None], Decimal] = {}

    def rate(self, product_line: str | None, kind: PartnerKind | None) -> Decimal:
        key = (product_line, kind)
        found = self.rates.get(key)
        if found is None:
            found = self.rates[key] = self.component.rate_for(product_line, kind)
        return found


class _Calculator:
    """One calculation's state; see :func:`calculate`."""

    def __init__(
        self,
        plan: CommissionPlan,
        partners: Mapping[str, PartnerProfile],
        rates: RateSource | None,
        closed: frozenset[Period],
    ) -> None:
        self.plan = plan
        self.currency = plan.currency
        digits = minor_units(plan.currency)
        self.quantum = Decimal((0, (1,), -digits))
        self.money_format = f",.{digits}f"
        self.limits: dict[str, tuple[Any, Any]] = {
            v.id: (v.cap(Scope.TRANSACTION), v.floor(Scope.TRANSACTION)) for v in plan.versions
        }
        self.partners = partners
        self.rates = rates
        self.closed = closed
        self.due: dict[str, DueLine] = {}
        self.period_cache: dict[dt.date, tuple[Period, Period]] = {}
        self.version_cache: dict[dt.date, PlanVersion] = {}
        self.compiled: dict[str, tuple[_Compiled, ...]] = {
            v.id: tuple(_Compiled(x) for x in v.components) for v in plan.versions
        }
        # Running state: cumulative basis, exact and rounded amounts by
        # (partner, component, scope start).
        # [cumulative basis, exact amount, rounded amount] by (partner, component, scope start)
        self.state: dict[tuple[str, str, dt.date], list[Decimal]] = {}
        self.tier_spans: dict[tuple[int, int], tuple[int, ...]] = {}
        self.revenue: dict[tuple[str, dt.date], Decimal] = {}
        # What each sale earned, by sale and partner (for clawbacks), with its version.
        # What each sale earned by partner, as compact pairs: a year holds millions of sales.
        self.earned: dict[str, tuple[tuple[str, Decimal], ...]] = {}
        self.sales: dict[str, Transaction] = {}
        self.refunded: dict[str, Decimal] = {}
        # Period and year earnings by partner, and capped excess waiting to be paid.
        self.period_total: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.year_total: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.year_capped: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.pool: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.year_pool: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.default_profiles: dict[str, PartnerProfile] = {}

    # -- lookups ----------------------------------------------------------------------------

    def periods_of(self, day: dt.date) -> tuple[Period, Period]:
        found = self.period_cache.get(day)
        if found is None:
            calendar = self.plan.calendar
            found = self.period_cache[day] = (
                calendar.period_containing(day),
                calendar.year_containing(day),
            )
        return found

    def version_on(self, day: dt.date) -> PlanVersion:
        found = self.version_cache.get(day)
        if found is None:
            found = self.version_cache[day] = self.plan.version_on(day)
        return found

    def profile(self, partner_id: str) -> PartnerProfile:
        found = self.partners.get(partner_id)
        if found is None:
            found = self.default_profiles.get(partner_id)
            if found is None:
                with trusted_construction():
                    found = PartnerProfile(partner_id)
                self.default_profiles[partner_id] = found
        return found

    def allocate(
        self, amount: Decimal, shares: list[Decimal], version: PlanVersion
    ) -> list[Decimal]:
        """Split *amount* by percentage *shares* (totalling 100) into whole minor units with
        the largest-remainder method, ties to the earlier share: the same parts as
        :meth:`prmcore.money.Money.allocate`, in exact integer arithmetic."""
        quantum = self.quantum
        whole = amount.quantize(quantum, rounding=version.rounding, context=CONTEXT)
        units = int(whole.scaleb(-quantum.as_tuple().exponent, CONTEXT))  # type: ignore[operator]
        sign = -1 if units < 0 else 1
        units = abs(units)
        exact = [CONTEXT.multiply(units, share) for share in shares]  # in hundredths
        parts = [int(value // _HUNDRED) for value in exact]
        left = units - sum(parts)
        order = sorted(range(len(exact)), key=lambda i: (parts[i] * _HUNDRED - exact[i], i))
        for i in order[:left]:
            parts[i] += 1
        return [Decimal(sign * part) * quantum for part in parts]

    def round(self, value: Decimal, version: PlanVersion) -> Decimal:
        return value.quantize(self.quantum, rounding=version.rounding, context=CONTEXT)

    def money(self, value: Decimal) -> str:
        # Amounts here are whole minor units (or sums of them): the format shows them exactly.
        return f"{value:{self.money_format}} {self.currency}"

    def add(self, line: DueLine) -> None:
        self.due[line.key] = line
        if line.kind is not LineKind.CLAWBACK:
            # Caps, floors and carry-forward measure what was earned, not what was refunded.
            self.period_total[line.partner_id] += line.amount

    # -- transactions -----------------------------------------------------------------------

    def convert(
        self, txn: Transaction
    ) -> tuple[Decimal, tuple[Money, Decimal, dt.date, str] | None]:
        money = txn.amount
        if money.currency == self.currency:
            return money.amount, None
        if self.rates is None:
            error = CurrencyMismatch(money.currency, self.currency, "credit")
            error.add_note(
                f"transaction {txn.id!r} is in {money.currency} and the plan pays in "
                f"{self.currency}: pass a RateSource as rates= to convert it"
            )
            raise error
        converted = convert(money, self.currency, txn.date, self.rates)
        fx = (money, converted.rate, converted.rate_date, converted.source)
        return converted.amount.amount, fx

    def sale(self, txn: Transaction, period: Period, year: Period) -> None:
        version = self.version_on(txn.date)
        amount, fx = self.convert(txn)
        self.sales[txn.id] = txn
        credits = txn.credits
        if len(credits) == 1:
            parts = [(credits[0].partner_id, amount, txn.units)]
        else:
            shares = self.allocate(amount, [c.share for c in credits], version)
            parts = [
                (
                    c.partner_id,
                    part,
                    CONTEXT.divide(CONTEXT.multiply(txn.units, c.share), _HUNDRED),
                )
                for c, part in zip(credits, shares, strict=True)
            ]
        earned: dict[str, Decimal] = {}
        compiled = self.compiled[version.id]
        accelerators = version.accelerator_schedule
        quota_start = year.start if version.quota_scope is Accumulation.YEAR else period.start
        line_of = txn.product_line
        for partner_id, share, units in parts:
            profile = self.profile(partner_id)
            kind = profile.kind
            qkey = (partner_id, quota_start)
            rev_before = self.revenue.get(qkey, ZERO)
            rev_after = rev_before + share
            self.revenue[qkey] = rev_after
            total = ZERO
            for comp in compiled:
                if (comp.lines and line_of not in comp.lines) or (
                    comp.kinds and kind not in comp.kinds
                ):
                    continue
                total += self.credit(
                    txn,
                    comp,
                    version,
                    profile,
                    period,
                    year,
                    share,
                    units,
                    rev_before,
                    rev_after,
                    accelerators,
                    fx,
                )
            for spiff in version.spiffs if version.spiffs else ():
                if spiff.covers(txn.date, line_of):
                    value = self.round(spiff.per_unit * units + spiff.rate * share, version)
                    if value:
                        self.add(
                            DueLine(
                                f"spiff|{txn.id}|{partner_id}|{spiff.id}",
                                LineKind.SPIFF,
                                period,
                                partner_id,
                                value,
                                version,
                                f"SPIFF {spiff.id}: {format_amount(units)} units x "
                                f"{format_amount(spiff.per_unit)} + {self.money(share)} x "
                                f"{format_rate(spiff.rate, percent=True)} = {self.money(value)}",
                                transaction_id=txn.id,
                                component_id=spiff.id,
                                basis=share,
                                fx=fx,
                            )
                        )
                        total += value
            cap, floor = self.limits[version.id]
            if cap is not None or floor is not None:
                total += self.transaction_limits(txn, version, period, partner_id, total)
            earned[partner_id] = earned.get(partner_id, ZERO) + total
            if profile.parent_id is not None and version.overrides:
                self.overrides(txn, version, period, profile, share, fx, earned)
        self.earned[txn.id] = tuple(earned.items())

    def credit(
        self,
        txn: Transaction,
        comp: _Compiled,
        version: PlanVersion,
        profile: PartnerProfile,
        period: Period,
        year: Period,
        share: Decimal,
        units: Decimal,
        rev_before: Decimal,
        rev_after: Decimal,
        accelerators: Any,
        fx: tuple[Money, Decimal, dt.date, str] | None,
    ) -> Decimal:
        component = comp.component
        partner_id = profile.partner_id
        scope = year if comp.year else period
        basis = component.basis
        if basis is Basis.REVENUE:
            delta = share
        elif basis is Basis.UNITS:
            delta = units
        else:
            assert version.quota is not None
            delta = CONTEXT.divide(CONTEXT.multiply(share, _HUNDRED), version.quota)
        ckey = (partner_id, component.id, scope.start)
        state = self.state.get(ckey)
        if state is None:
            state = self.state[ckey] = [ZERO, ZERO, ZERO]
        before = state[0]
        after = CONTEXT.add(before, delta)
        state[0] = after
        engine = comp.engine
        rate: Decimal | None
        accelerated: Decimal | None = None
        if engine is None:
            rate = comp.rate(txn.product_line, profile.kind)
            if basis is Basis.REVENUE and accelerators is not None:
                accelerated = accelerators.increment_unchecked(rev_before, rev_after)
                value = rate * accelerated
            else:
                value = CONTEXT.multiply(rate, delta)
            tiers: tuple[int, ...] = ()
        else:
            if engine.package_size is None:
                low = engine.find(before, before, "basis")
                high = engine.find(after, after, "basis")
            else:
                low = engine.find(engine.measure(before), before, "basis")
                high = engine.find(engine.measure(after), after, "basis")
            if comp.volume:
                rate = engine.rates[high] if high >= 0 else ZERO
                value = rate * delta
            else:
                rate = engine.rates[high] if max(low, 0) == high else None
                if engine.linear and engine.package_size is None:
                    # f(x) = intercept + slope * x inside the tier found above
                    intercepts, slopes = engine.intercepts, engine.slopes
                    ctx = CONTEXT
                    value = ctx.subtract(
                        ctx.add(intercepts[high], ctx.multiply(slopes[high], after))
                        if high >= 0
                        else ZERO,
                        ctx.add(intercepts[low], ctx.multiply(slopes[low], before))
                        if low >= 0
                        else ZERO,
                    )
                else:
                    value = engine.value(after, "after") - engine.value(before, "before")
            span = (low, high)
            shared = self.tier_spans.get(span)  # shared: a ledger holds millions of these
            if shared is None:
                shared = self.tier_spans[span] = (
                    tuple(range(max(low, 0), high + 1)) if high >= 0 else ()
                )
            tiers = shared
        multiplier = profile.commission_multiplier
        if comp.mult and multiplier != _ONE:
            value = CONTEXT.multiply(value, multiplier)
        exact = CONTEXT.add(state[1], value)
        state[1] = exact
        paid_before = state[2]
        paid: Decimal = exact.quantize(self.quantum, rounding=version.rounding, context=CONTEXT)
        state[2] = paid
        amount = paid - paid_before
        self.add(
            DueLine(
                f"credit|{txn.id}|{partner_id}|{component.id}",
                LineKind.CREDIT,
                period,
                partner_id,
                amount,
                version,
                "",
                transaction_id=txn.id,
                component_id=component.id,
                tiers=tiers,
                basis=delta,
                basis_before=before,
                basis_after=after,
                rate=rate,
                fx=fx,
                lazy=(
                    self.explain_credit,
                    (
                        component,
                        comp.volume,
                        delta,
                        before,
                        after,
                        rate,
                        tiers,
                        multiplier if comp.mult else _ONE,
                        amount,
                        scope,
                        accelerated,
                    ),
                ),
            )
        )
        return amount

    def explain_credit(
        self,
        component: Component,
        volume: bool,
        delta: Decimal,
        before: Decimal,
        after: Decimal,
        rate: Decimal | None,
        tiers: tuple[int, ...],
        multiplier: Decimal,
        amount: Decimal,
        scope: Period,
        accelerated: Decimal | None = None,
    ) -> str:
        basis = component.basis.value
        if component.basis is Basis.REVENUE:
            spec = self.money_format
            head = (
                f"{component.id}: {delta:{spec}} {self.currency} {basis} (cumulative "
                f"{before:{spec}} -> {after:{spec}} in {scope})"
            )
        else:
            head = (
                f"{component.id}: {format_amount(delta)} {basis} (cumulative "
                f"{format_amount(before)} -> {format_amount(after)} in {scope})"
            )
        if component.schedule is None:
            body = f" at {format_rate(rate or ZERO, percent=True)}"
            if accelerated is not None and accelerated != delta:
                body += f" on {self.money(accelerated)} after accelerators"
        elif volume:
            body = f" provisionally at tier {tiers[-1] + 1 if tiers else 0}'s rate " + (
                f"{format_rate(rate or ZERO, percent=True)}, trued up at close"
            )
        else:
            touched = ", ".join(str(t + 1) for t in tiers) or "none"
            body = f" = f(after) - f(before) over tier(s) {touched}"
        level = f" x level multiplier {multiplier.normalize()}" if multiplier != _ONE else ""
        return f"{head}{body}{level}: {self.money(amount)}"

    def transaction_limits(
        self,
        txn: Transaction,
        version: PlanVersion,
        period: Period,
        partner_id: str,
        total: Decimal,
    ) -> Decimal:
        cap = version.cap(Scope.TRANSACTION)
        if cap is not None and total > cap.amount:
            excess = self.round(total - cap.amount, version)
            self.add(
                DueLine(
                    f"cap|{txn.id}|{partner_id}|transaction",
                    LineKind.CAP,
                    period,
                    partner_id,
                    -excess,
                    version,
                    f"capped at {self.money(cap.amount)} per transaction: {self.money(-excess)}",
                    transaction_id=txn.id,
                    component_id="transaction",
                )
            )
            return -excess
        floor = version.floor(Scope.TRANSACTION)
        if floor is not None and total < floor.amount:
            top_up = self.round(floor.amount - total, version)
            self.add(
                DueLine(
                    f"floor|{txn.id}|{partner_id}|transaction",
                    LineKind.FLOOR,
                    period,
                    partner_id,
                    top_up,
                    version,
                    f"floor of {self.money(floor.amount)} per transaction: {self.money(top_up)}",
                    transaction_id=txn.id,
                    component_id="transaction",
                )
            )
            return top_up
        return ZERO

    def overrides(
        self,
        txn: Transaction,
        version: PlanVersion,
        period: Period,
        profile: PartnerProfile,
        share: Decimal,
        fx: tuple[Money, Decimal, dt.date, str] | None,
        earned: dict[str, Decimal],
    ) -> None:
        parent = profile.parent_id
        if parent is None or not version.overrides:
            return
        for i, override in enumerate(version.overrides):
            if profile.kind not in override.from_kinds:
                continue
            value = self.round(override.rate * share, version)
            if not value:
                continue
            self.add(
                DueLine(
                    f"override|{txn.id}|{parent}|{profile.partner_id}|{i}",
                    LineKind.OVERRIDE,
                    period,
                    parent,
                    value,
                    version,
                    f"override on {profile.partner_id}'s {self.money(share)} at "
                    f"{format_rate(override.rate, percent=True)}: {self.money(value)}",
                    transaction_id=txn.id,
                    component_id=f"override-{i}",
                    basis=share,
                    rate=override.rate,
                    fx=fx,
                )
            )
            earned[parent] = earned.get(parent, ZERO) + value

    def refund(self, txn: Transaction, index: int, period: Period) -> None:
        assert txn.refund_of is not None
        found = self.sales.get(txn.refund_of)
        if found is None:
            raise ValidationError(
                f"refers to sale {txn.refund_of!r}, which is not among the transactions "
                "(or is dated after the refund)",
                path=f"transactions[{index}].refund_of",
            )
        sale = found
        version = self.version_on(sale.date)
        if txn.amount.currency != sale.amount.currency:
            raise CurrencyMismatch(txn.amount.currency, sale.amount.currency, "refund")
        before = self.refunded.get(sale.id, ZERO)
        after = before + txn.amount.amount
        if after > sale.amount.amount:
            raise ValidationError(
                f"refunds of {sale.id!r} total {after}, more than the sale's {sale.amount.amount}",
                path=f"transactions[{index}].amount",
            )
        self.refunded[sale.id] = after
        window = version.clawback.window_days
        if window is not None and (txn.date - sale.date).days > window:
            return
        total = sale.amount.amount
        for partner_id, earned in self.earned.get(sale.id, ()):
            if total:
                ctx = CONTEXT
                back_before = self.round(ctx.divide(ctx.multiply(earned, before), total), version)
                back_after = self.round(ctx.divide(ctx.multiply(earned, after), total), version)
            else:
                back_before, back_after = ZERO, earned
            value = back_before - back_after
            if not value:
                continue
            self.add(
                DueLine(
                    f"clawback|{txn.id}|{partner_id}",
                    LineKind.CLAWBACK,
                    period,
                    partner_id,
                    value,
                    version,
                    self.explain_clawback(txn.id, txn.amount, sale.id, total, earned, value),
                    transaction_id=txn.id,
                    refers_to=sale.id,
                )
            )

    def explain_clawback(
        self,
        refund_id: str,
        refunded: Money,
        sale_id: str,
        total: Decimal,
        earned: Decimal,
        value: Decimal,
    ) -> str:
        share = format_rate(refunded.amount / total if total else _ONE, percent=True)
        return (
            f"refund {refund_id} of {refunded} ({share} of sale {sale_id}) reverses that "
            f"share of the {self.money(earned)} it earned: {self.money(value)}"
        )

    # -- periods ----------------------------------------------------------------------------

    def close_period(self, period: Period, year: Period, partners: Iterable[str]) -> None:
        """Period-level lines for *period*: caps and carry-forward always; true-ups and floors
        when the period is closed."""
        version = self.plan.version_on(max(period.start, self.plan.versions[0].effective_from))
        closed = period in self.closed
        last_of_year = period.end >= year.end
        if closed:
            self.true_ups(period, year, version)
        cap = version.cap(Scope.PERIOD)
        year_cap = version.cap(Scope.YEAR)
        floor = version.floor(Scope.PERIOD)
        year_floor = version.floor(Scope.YEAR)
        waiting = {p for p, v in self.pool.items() if v} | {
            p for p, v in self.year_pool.items() if v
        }
        active = set(self.period_total) | set(self.year_total) | waiting
        for partner_id in sorted(set(partners) | active):
            earned = self.period_total.get(partner_id, ZERO)
            if cap is not None:
                earned += self.period_cap(period, version, partner_id, earned, cap)
            if closed and floor is not None and earned < floor.amount:
                top_up = self.round(floor.amount - earned, version)
                self.add(
                    DueLine(
                        f"floor|{period}|{partner_id}|period",
                        LineKind.FLOOR,
                        period,
                        partner_id,
                        top_up,
                        version,
                        f"floor of {self.money(floor.amount)} for {period}: earned "
                        f"{self.money(earned)}, topped up by {self.money(top_up)}",
                        component_id="period",
                    )
                )
                earned += top_up
            self.year_total[partner_id] += earned
            if year_cap is not None:
                self.year_cap(period, version, partner_id, year_cap)
            if closed and last_of_year and year_floor is not None:
                year_earned = self.year_total[partner_id] - self.year_capped[partner_id]
                if year_earned < year_floor.amount:
                    top_up = self.round(year_floor.amount - year_earned, version)
                    self.add(
                        DueLine(
                            f"floor|{year}|{partner_id}|year",
                            LineKind.FLOOR,
                            period,
                            partner_id,
                            top_up,
                            version,
                            f"floor of {self.money(year_floor.amount)} for {year}: earned "
                            f"{self.money(year_earned)}, topped up by {self.money(top_up)}",
                            component_id="year",
                        )
                    )
        self.period_total.clear()
        if last_of_year:
            self.year_total.clear()
            self.year_capped.clear()

    def period_cap(
        self,
        period: Period,
        version: PlanVersion,
        partner_id: str,
        earned: Decimal,
        cap: Any,
    ) -> Decimal:
        pool = self.pool.get(partner_id, ZERO)
        if earned > cap.amount:
            excess = self.round(earned - cap.amount, version)
            if cap.carry_forward:
                self.pool[partner_id] = pool + excess
            self.add(
                DueLine(
                    f"cap|{period}|{partner_id}|period",
                    LineKind.CAP,
                    period,
                    partner_id,
                    -excess,
                    version,
                    f"capped at {self.money(cap.amount)} for {period}: "
                    f"earned {self.money(earned)}, "
                    + ("excess carried forward" if cap.carry_forward else "excess forfeited")
                    + f": {self.money(-excess)}",
                    component_id="period",
                )
            )
            return -excess
        if pool > 0:
            release = self.round(min(pool, cap.amount - earned), version)
            if release > 0:
                self.pool[partner_id] = pool - release
                self.add(
                    DueLine(
                        f"carry_forward|{period}|{partner_id}|period",
                        LineKind.CARRY_FORWARD,
                        period,
                        partner_id,
                        release,
                        version,
                        f"capped excess carried forward into {period}, within the "
                        f"{self.money(cap.amount)} cap: {self.money(release)}",
                        component_id="period",
                    )
                )
                return release
        return ZERO

    def year_cap(self, period: Period, version: PlanVersion, partner_id: str, cap: Any) -> None:
        ytd = self.year_total[partner_id] - self.year_capped[partner_id]
        pool = self.year_pool.get(partner_id, ZERO)
        if ytd > cap.amount:
            excess = self.round(ytd - cap.amount, version)
            self.year_capped[partner_id] += excess
            if cap.carry_forward:
                self.year_pool[partner_id] = pool + excess
            self.add(
                DueLine(
                    f"cap|{period}|{partner_id}|year",
                    LineKind.CAP,
                    period,
                    partner_id,
                    -excess,
                    version,
                    f"capped at {self.money(cap.amount)} for the plan year: year to date "
                    f"{self.money(ytd)}, "
                    + (
                        "excess carried into the next plan year"
                        if cap.carry_forward
                        else "excess forfeited"
                    )
                    + f": {self.money(-excess)}",
                    component_id="year",
                )
            )
        elif pool > 0:
            release = self.round(min(pool, cap.amount - ytd), version)
            if release > 0:
                self.year_pool[partner_id] = pool - release
                self.year_capped[partner_id] -= release
                self.add(
                    DueLine(
                        f"carry_forward|{period}|{partner_id}|year",
                        LineKind.CARRY_FORWARD,
                        period,
                        partner_id,
                        release,
                        version,
                        f"capped excess of an earlier plan year paid within the "
                        f"{self.money(cap.amount)} cap: {self.money(release)}",
                        component_id="year",
                    )
                )

    def true_ups(self, period: Period, year: Period, version: PlanVersion) -> None:
        compiled = {c.component.id: c for c in self.compiled[version.id]}
        for ckey, state in list(self.state.items()):
            cumulative = state[0]
            partner_id, component_id, start = ckey
            comp = compiled.get(component_id)
            if comp is None or not comp.volume or comp.engine is None:
                continue
            if start != (year.start if comp.year else period.start):
                continue
            profile = self.profile(partner_id)
            target = comp.engine.value(cumulative, "basis")
            if comp.mult:
                target *= profile.commission_multiplier
            rounded = self.round(target, version)
            value = rounded - state[2]
            state[1] = target
            state[2] = rounded
            if not value:
                continue
            tier = comp.engine.find(comp.engine.measure(cumulative), cumulative, "basis")
            self.add(
                DueLine(
                    f"true_up|{period}|{partner_id}|{component_id}",
                    LineKind.TRUE_UP,
                    period,
                    partner_id,
                    value,
                    version,
                    f"{component_id}: volume true-up at close of {period}: "
                    f"f({format_amount(cumulative)})"
                    f" = {self.money(rounded)} at tier {tier + 1}, less "
                    f"{self.money(rounded - value)} credited: {self.money(value)}",
                    component_id=component_id,
                    tiers=(tier,) if tier >= 0 else (),
                    basis_after=cumulative,
                    rate=comp.engine.rates[tier] if tier >= 0 else None,
                )
            )


def calculate(
    plan: CommissionPlan,
    transactions: Iterable[Transaction],
    *,
    through: Period,
    partners: Mapping[str, PartnerProfile] | None = None,
    rates: RateSource | None = None,
    closed: Iterable[Period] = (),
) -> Calculation:
    """Work out every line *plan* says is due for the periods up to *through*.

    Transactions are taken in date order (sales before refunds on a day, then by id); those
    dated after *through* are left out. Periods in *closed* (and only those) get their
    true-up and floor lines.

    Args:
        plan: The plan.
        transactions: Sales and refunds, in any order (a refund's sale must be among them).
        through: The last period to calculate (a period of the plan's calendar).
        partners: Profiles by partner id; a partner without one has no kind, no distributor
            and a multiplier of 1.
        rates: Exchange rates for transactions in other currencies.
        closed: The closed periods.

    Raises:
        ValidationError: *through* is not a period of the plan's calendar, a refund names an
            unknown sale or refunds more than it, a transaction predates the plan.
        CurrencyMismatch: A transaction in another currency and no *rates*.
        MissingRateError: *rates* has no rate for a transaction.

    .. versionadded:: 0.1.0
    """
    if not plan.calendar.is_period(through):
        raise ValidationError(f"{through} is not a period of the plan's calendar", "through")
    calc = _Calculator(plan, partners or {}, rates, frozenset(closed))
    items = sorted(
        (t for t in transactions if t.date <= through.end),
        key=lambda t: (t.date, t.kind is TransactionKind.REFUND, t.id),
    )
    periods: list[Period] = []
    current: tuple[Period, Period] | None = None
    known = tuple(partners or ())
    for index, txn in enumerate(items):
        period, year = calc.periods_of(txn.date)
        if current is None or period != current[0]:
            if current is not None:
                _advance(calc, current, period, periods, known)
            current = (period, year)
            periods.append(period)
        if txn.kind is TransactionKind.SALE:
            calc.sale(txn, period, year)
        else:
            calc.refund(txn, index, period)
    if current is None:
        current = (through, plan.calendar.year_containing(through.start))
        periods.append(through)
    _advance(calc, current, None, periods, known, through=through)
    return Calculation(calc.due, tuple(periods))


def _advance(
    calc: _Calculator,
    current: tuple[Period, Period],
    upcoming: Period | None,
    periods: list[Period],
    known: Sequence[str],
    *,
    through: Period | None = None,
) -> None:
    """Close the books of *current* and of every empty period up to *upcoming* (or through
    *through*), so caps, carry-forward, floors and true-ups happen in each."""
    calendar = calc.plan.calendar
    period, year = current
    while True:
        calc.close_period(period, year, known)
        following = calendar.next_period(period)
        if upcoming is not None and following.start >= upcoming.start:
            return
        if through is not None and following.start > through.start:
            return
        period, year = following, calendar.year_containing(following.start)
        if period.start < calc.plan.versions[0].effective_from:
            continue
        periods.append(period)


def ledger_line(
    plan: CommissionPlan,
    due: DueLine,
    period: Period,
    line_id: str,
    amount: Decimal,
    note: str,
    as_of: dt.date,
) -> LedgerLine:
    """The ledger line posting *amount* of *due* in *period* (built without re-checking:
    everything in it was validated or computed)."""
    fx = due.fx
    original, fx_rate, fx_date, fx_source = fx if fx is not None else (None, None, None, None)
    version = due.version
    return LedgerLine(
        id=line_id,
        plan_id=plan.id,
        partner_id=due.partner_id,
        period=period,
        for_period=due.for_period,
        kind=due.kind,
        key=due.key,
        amount=amount,
        currency=plan.currency,
        plan_version_id=version.id,
        plan_version_hash=version.hash,
        explanation=note + due.explanation,
        posted_on=as_of,
        transaction_id=due.transaction_id,
        refers_to=due.refers_to,
        component_id=due.component_id,
        tiers=due.tiers,
        basis=due.basis,
        basis_before=due.basis_before,
        basis_after=due.basis_after,
        rate=due.rate,
        original_amount=original,
        fx_rate=fx_rate,
        fx_date=fx_date,
        fx_source=fx_source,
    )


@attrs.frozen
class RunResult:
    """What :func:`run_period` appended, and the calculation behind it.

    .. versionadded:: 0.1.0
    """

    period: Period
    """The period run."""
    lines: tuple[LedgerLine, ...]
    """The new lines (none when nothing changed)."""
    closed: bool
    """Whether the run closed the period."""


def run_period(
    plan: CommissionPlan,
    period: Period,
    transactions: Iterable[Transaction],
    ledger: Iterable[LedgerLine] = (),
    *,
    as_of: dt.date,
    partners: Mapping[str, PartnerProfile] | None = None,
    rates: RateSource | None = None,
    closed: Iterable[Period] = (),
    close: bool = False,
    line_ids: Any = None,
) -> RunResult:
    """Run *period*: the lines to append to *ledger* so that it holds what *plan* says is
    due, and, with *close*, the period's true-ups, floors, draws, recoveries and payout.

    Differences for closed periods (late transactions, corrected plan versions) are posted in
    *period*. Nothing is computed for a period in *closed*: it is never written again.

    Args:
        plan: The plan.
        period: The open period to run (a period of the plan's calendar).
        transactions: Every sale and refund of the plan up to *period* (at least those of the
            plan years involved).
        ledger: The lines appended so far.
        as_of: The day of the run, recorded on every new line.
        partners: Partner profiles by id.
        rates: Exchange rates.
        closed: The periods closed before.
        close: Whether to close *period* with this run.
        line_ids: An optional callable ``(period, n) -> id`` for new line ids (default
            ``"<plan>/<period>/<n>"``).

    Raises:
        ValidationError: A bad argument, or a transaction problem (see :func:`calculate`).
        CurrencyMismatch: A transaction in another currency without *rates*.
        MissingRateError: A rate is missing.

    .. versionadded:: 0.1.0
    """
    closed_set = frozenset(closed)
    c = Checks()
    c.date("as_of", as_of)
    c.instance("period", period, Period)
    c.done()
    lines = list(ledger)
    if period in closed_set:
        return RunResult(period, (), False)
    calc_closed = closed_set | {period} if close else closed_set
    calculation = calculate(
        plan,
        transactions,
        through=period,
        partners=partners,
        rates=rates,
        closed=calc_closed,
    )
    existing: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[Period, int] = defaultdict(int)
    for line in lines:
        counts[line.period] += 1
        if line.kind not in SETTLEMENT_KINDS:
            existing[line.key] += line.amount
    make_id = line_ids or (lambda p, n: f"{plan.id}/{p}/{n:07d}")
    new: list[LedgerLine] = []

    def post(due: DueLine, amount: Decimal, note: str) -> None:
        counts[period] += 1
        new.append(
            ledger_line(plan, due, period, make_id(period, counts[period]), amount, note, as_of)
        )

    with trusted_construction():
        for key, due in calculation.due.items():
            have = existing.pop(key, None)
            if have is None:
                if due.amount:
                    post(due, due.amount, "")
                continue
            difference = due.amount - have
            if difference:
                post(
                    due,
                    difference,
                    f"difference for {due.for_period} ({format_amount(have)} posted, "
                    f"{format_amount(due.amount)} due): ",
                )
        by_key = {line.key: line for line in lines}
        for key, have in existing.items():
            if not have:
                continue
            old = by_key[key]
            version = plan.version_on(max(old.for_period.start, plan.versions[0].effective_from))
            gone = DueLine(
                key,
                old.kind,
                old.for_period,
                old.partner_id,
                ZERO,
                version,
                old.explanation,
                transaction_id=old.transaction_id,
                refers_to=old.refers_to,
                component_id=old.component_id,
            )
            post(gone, -have, f"no longer due ({format_amount(have)} posted, 0 due): ")
        if close:
            balances = Balances.of([*lines, *new], period)
            new.extend(settle(plan, period, balances, partners or {}, as_of, make_id, counts))
    return RunResult(period, tuple(new), close)
