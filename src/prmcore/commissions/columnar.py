"""The columnar simulation: a year of commissions in integer minor units, lines kept as arrays.

``simulate(plan, transactions, columnar=True)`` gives the same ledger as the object engine
(the same lines, in the same order, with the same ids, amounts and explanations) for the plans
it supports, much faster and in a fraction of the memory. It works in whole minor units and
scaled integers: a graduated schedule is linear inside each tier, so ``f(after) - f(before)``
is exact integer arithmetic, and the running amount is rounded to the minor unit with the
plan version's rounding mode, as the object engine does. Ledger lines are stored as parallel
arrays in a :class:`ColumnarLedger` and become :class:`~prmcore.commissions.LedgerLine`
objects, with their explanations, only when they are asked for.

Supported: components on a revenue basis with a rate (by product line and partner kind) or a
schedule in the graduated or threshold-bonus mode, accumulated over the period or the plan
year, with product-line and partner-kind filters and level multipliers; splits; refunds and
clawbacks with a clawback window; payouts with the payout policy. Anything else (a volume,
package or interpolated schedule, a units or quota basis, accelerators, SPIFFs, caps, floors,
draws, overrides, other currencies) raises :class:`UnsupportedFeature` naming every such
feature, rather than giving a different answer: use the object engine for those plans.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from itertools import pairwise
from typing import Any

from prmcore._checks import trusted_construction
from prmcore.commissions._settlement import payout_explanation
from prmcore.commissions.batch import TransactionBatch
from prmcore.commissions.engine import PartnerProfile, _Calculator
from prmcore.commissions.ledger import Ledger, LedgerLine, LineKind
from prmcore.commissions.plan import Accumulation, Basis, CommissionPlan, Component, PlanVersion
from prmcore.commissions.statements import Statement
from prmcore.errors import CurrencyMismatch, PrmError, ValidationError
from prmcore.money import Money, RateSource, minor_units
from prmcore.periods import Period
from prmcore.tiers import Boundary, TierMode
from prmcore.tiers._numbers import CONTEXT, ZERO

__all__ = ["ColumnarLedger", "UnsupportedFeature"]

_CREDIT, _CLAWBACK, _PAYOUT = 0, 1, 2
_KINDS = (LineKind.CREDIT, LineKind.CLAWBACK, LineKind.PAYOUT)
_CATEGORIES = ("earnings", "clawbacks", "payout")
_ONE = Decimal(1)


class UnsupportedFeature(PrmError):
    """The columnar simulation does not handle a feature of the plan or of the input.

    :attr:`features` lists each one with where it is (``versions[0].caps``). Simulate such a
    plan with the object engine (``simulate(plan, transactions)``).

    .. versionadded:: 0.1.0
    """

    features: tuple[str, ...]

    def __init__(self, features: Iterable[str]) -> None:
        self.features = tuple(features)
        super().__init__(
            "the columnar simulation does not support: "
            + "; ".join(self.features)
            + " (simulate without columnar=True)"
        )

    def __reduce__(self) -> tuple[type[UnsupportedFeature], tuple[tuple[str, ...]]]:
        return (type(self), (self.features,))


# -- exact integer rounding -------------------------------------------------------------------


# A line's ``code``: a credit's component code (0 and up), ``-1 - version index`` for a
# clawback, ``_PAYOUT_BASE - settlement index`` for a payout.
_PAYOUT_BASE = -(1 << 24)


def _kind_of(code: int) -> int:
    if code >= 0:
        return _CREDIT
    return _CLAWBACK if code > _PAYOUT_BASE else _PAYOUT


def _half_even(n: int, d: int) -> int:
    """``n / d`` (``d > 0``) rounded to an integer half to even (``ROUND_HALF_EVEN``)."""
    q, r = divmod(n, d)
    twice = 2 * r
    return q + 1 if twice > d or (twice == d and q & 1) else q


def _half_up(n: int, d: int) -> int:
    """``n / d`` (``d > 0``) rounded to an integer half away from zero, as
    ``Decimal.quantize`` rounds with ``ROUND_HALF_UP``."""
    q, r = divmod(n, d)
    twice = 2 * r
    return q + 1 if twice > d or (twice == d and n > 0) else q


def _scaled(value: Decimal, exponent: int) -> int:
    """``value * 10**exponent``, which must be a whole number."""
    scaled = value.scaleb(exponent, CONTEXT)
    assert scaled == scaled.to_integral_value()
    return int(scaled)


def _places(value: Decimal) -> int:
    """How many decimal places *value* needs (0 for a whole number)."""
    exponent = value.normalize(CONTEXT).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


# -- the compiled plan ------------------------------------------------------------------------


class _Comp:
    """One component of one version, in integers (scale: see :class:`_Plan`)."""

    __slots__ = (
        "code",
        "component",
        "details",
        "enter_min",
        "find",
        "intercepts",
        "key",
        "kinds",
        "lines",
        "mult",
        "n",
        "rate_cache",
        "rates",
        "schedule",
        "slopes",
        "uppers",
        "version",
        "version_index",
        "year",
    )

    def __init__(
        self, code: int, key: int, version: PlanVersion, version_index: int, component: Component
    ) -> None:
        self.code = code
        self.key = key
        self.version = version
        self.version_index = version_index
        self.component = component
        self.year = component.accumulate is Accumulation.YEAR
        self.lines = frozenset(component.product_lines)
        self.kinds = frozenset(component.partner_kinds)
        self.mult = component.level_multiplier
        self.schedule = component.schedule
        self.rate_cache: dict[tuple[str | None, Any], int] = {}
        # (low tier, high tier) -> (tiers touched, rate), for schedule components
        self.details: dict[tuple[int, int], tuple[tuple[int, ...], Decimal | None]] = {}
        self.uppers: list[int] = []
        self.intercepts: list[int] = []
        self.slopes: list[int] = []
        self.rates: tuple[Decimal, ...] = ()
        self.enter_min = 0
        self.n = 0
        self.find: Callable[[Sequence[int], int], int] = bisect_left


class _Plan:
    """What the columnar run needs from a plan, with every rate scaled to integers.

    Amounts are whole minor units; a component's running amount is an integer in units of
    ``10**-scale`` minor units (``scale`` covers every rate, intercept and multiplier)."""

    def __init__(self, plan: CommissionPlan, profiles: Mapping[str, PartnerProfile]) -> None:
        self.plan = plan
        self.digits = minor_units(plan.currency)
        problems: list[str] = []
        rate_places = 0
        intercept_places = 0
        for v, version in enumerate(plan.versions):
            where = f"versions[{v}]"
            for name in ("accelerators", "spiffs", "caps", "floors", "overrides"):
                if getattr(version, name):
                    problems.append(f"{where}.{name}")
            if version.draw is not None:
                problems.append(f"{where}.draw")
            for k, component in enumerate(version.components):
                at = f"{where}.components[{k}]"
                if component.basis is not Basis.REVENUE:
                    problems.append(f"{at}.basis ({component.basis.value})")
                schedule = component.schedule
                if schedule is None:
                    rates = [r.rate for r in component.rates]
                    if component.rate is not None:
                        rates.append(component.rate)
                    for rate in rates:
                        rate_places = max(rate_places, _places(rate))
                    continue
                if schedule.mode not in (TierMode.GRADUATED, TierMode.THRESHOLD_BONUS):
                    problems.append(f"{at}.mode ({schedule.mode.value})")
                    continue
                engine = schedule._engine
                for slope in engine.slopes:
                    rate_places = max(rate_places, _places(slope))
                for intercept in engine.intercepts:
                    intercept_places = max(intercept_places, _places(intercept))
        self.mult_places = 0
        self.uses_mult = any(c.level_multiplier for v in plan.versions for c in v.components)
        if self.uses_mult:
            for profile in profiles.values():
                self.mult_places = max(self.mult_places, _places(profile.commission_multiplier))
        if problems:
            raise UnsupportedFeature(problems)
        self.rate_scale = max(rate_places, intercept_places - self.digits, 0)
        self.scale = self.rate_scale + self.mult_places
        self.divisor = 10**self.scale
        self.unit_mult = 10**self.mult_places
        self.component_keys: dict[str, int] = {}
        self.comps: list[_Comp] = []
        self.by_version: list[tuple[_Comp, ...]] = []
        self.version_index = {id(v): i for i, v in enumerate(plan.versions)}
        for v, version in enumerate(plan.versions):
            compiled = []
            for component in version.components:
                key = self.component_keys.setdefault(component.id, len(self.component_keys))
                comp = _Comp(len(self.comps), key, version, v, component)
                if comp.schedule is not None:
                    self._compile_schedule(comp)
                self.comps.append(comp)
                compiled.append(comp)
            self.by_version.append(tuple(compiled))

    def _compile_schedule(self, comp: _Comp) -> None:
        assert comp.schedule is not None
        engine = comp.schedule._engine
        m = self.digits
        lower_inclusive = engine.boundary is Boundary.LOWER_INCLUSIVE
        # x (whole minor units) is within an upper bound u (in major units) when
        # x <= u * 10**m: compare with floor(u * 10**m), or for [lower, upper) tiers
        # x < u * 10**m: compare with ceil(u * 10**m).
        scaled_uppers = [upper.scaleb(m, CONTEXT) for upper in engine.uppers]
        if lower_inclusive:
            comp.uppers = [int(u.to_integral_value(rounding=ROUND_CEILING)) for u in scaled_uppers]
            comp.find = bisect_right
        else:
            comp.uppers = [int(u.to_integral_value(rounding=ROUND_FLOOR)) for u in scaled_uppers]
            comp.find = bisect_left
        # The first basis that enters a tier: above the start, or at it for [lower, upper)
        # tiers with a start above 0 (component schedules start at 0).
        start = engine.start.scaleb(m, CONTEXT)
        entered = engine.start_entered
        comp.enter_min = int(
            start.to_integral_value(rounding=ROUND_CEILING if entered else ROUND_FLOOR)
        ) + (0 if entered else 1)
        comp.n = engine.n
        comp.rates = engine.rates
        comp.slopes = [_scaled(slope, self.rate_scale) for slope in engine.slopes]
        comp.intercepts = [_scaled(i, self.rate_scale + m) for i in engine.intercepts]

    def tier(self, comp: _Comp, x: int) -> int:
        """The tier of basis *x* (minor units), -1 below the first.

        Raises:
            AboveTopTierError: *x* is beyond a bounded top tier.
        """
        if x < comp.enter_min:
            return -1
        i = comp.find(comp.uppers, x)
        if i == comp.n:
            assert comp.schedule is not None
            engine = comp.schedule._engine
            basis = Decimal(x).scaleb(-self.digits)
            engine.find(basis, basis, "basis")  # raises AboveTopTierError
        return i

    def credit_detail(
        self, comp: _Comp, before: int, after: int, product_line: str | None, kind: Any
    ) -> tuple[tuple[int, ...], Decimal | None]:
        """The tiers touched and the rate of a credit, as the object engine records them."""
        if comp.schedule is None:
            return (), comp.component.rate_for(product_line, kind)
        low = self.tier(comp, before)
        high = self.tier(comp, after)
        found = comp.details.get((low, high))
        if found is None:
            tiers = tuple(range(max(low, 0), high + 1)) if high >= 0 else ()
            rate = comp.rates[high] if max(low, 0) == high else None
            found = comp.details[(low, high)] = (tiers, rate)
        return found

    def rate_of(self, comp: _Comp, product_line: str | None, kind: Any) -> int:
        """The component's scaled rate for a product line and partner kind."""
        found = comp.rate_cache.get((product_line, kind))
        if found is None:
            rate = comp.component.rate_for(product_line, kind)
            found = comp.rate_cache[(product_line, kind)] = _scaled(rate, self.rate_scale)
        return found


# -- the ledger -------------------------------------------------------------------------------


class ColumnarLedger:
    """The ledger of a columnar simulation: its lines as parallel arrays.

    It reads like a :class:`~prmcore.commissions.Ledger` (``lines``, iteration, ``len``,
    :meth:`for_partner`, :meth:`for_period`, :meth:`total`), building each
    :class:`~prmcore.commissions.LedgerLine`, explanation included, only when it is asked
    for; :meth:`amounts_by_partner` and :meth:`statements` work on the arrays directly.

    .. versionadded:: 0.1.0
    """

    def __init__(self, run: _Run) -> None:
        """Take over the lines of a columnar run (see ``simulate(..., columnar=True)``)."""
        self._run = run
        self._lines: tuple[LedgerLine, ...] | None = None

    def __len__(self) -> int:
        return len(self._run.amount)

    def __getitem__(self, index: int) -> LedgerLine:
        """The line at *index*, built on demand."""
        return self._run.line(range(len(self._run.amount))[index])

    def __iter__(self) -> Iterator[LedgerLine]:
        run = self._run
        for i in range(len(run.amount)):
            yield run.line(i)

    @property
    def lines(self) -> tuple[LedgerLine, ...]:
        """Every line, in ledger order (built once, on first use)."""
        if self._lines is None:
            self._lines = tuple(self)
        return self._lines

    def to_ledger(self) -> Ledger:
        """The same lines in an ordinary :class:`~prmcore.commissions.Ledger`."""
        return Ledger(self.lines)

    def for_partner(self, partner_id: str) -> list[LedgerLine]:
        """The lines of *partner_id*, in ledger order."""
        run = self._run
        code = run.partner_codes.get(partner_id)
        if code is None:
            return []
        return [run.line(i) for i, p in enumerate(run.partner) if p == code]

    def for_period(self, period: Period) -> list[LedgerLine]:
        """The lines posted in *period*, in ledger order."""
        run = self._run
        index = run.period_index.get(period)
        if index is None:
            return []
        start, stop = run.period_bounds(index)
        return [run.line(i) for i in range(start, stop)]

    def total(self, currency: str) -> Money:
        """The sum of every line, in *currency* (the plan currency)."""
        return Money(self._run.decimal(sum(self._run.amount)), currency)

    def amounts_by_partner(
        self, kinds: Iterable[LineKind | str] | None = None
    ) -> dict[str, Decimal]:
        """The sum of the lines of one of *kinds* (default: every kind) of each partner with
        such a line, sorted by partner id."""
        run = self._run
        wanted = set(_KINDS) if kinds is None else {LineKind(k) for k in kinds}
        codes = [code for code, kind in enumerate(_KINDS) if kind in wanted]
        flags = [run.has[code] for code in codes]
        sums = [run.sums[code] for code in codes]
        names = run.partner_ids
        return {
            names[p]: run.decimal(sum(column[p] for column in sums))
            for p in run.by_name
            if any(flag[p] for flag in flags)
        }

    def statements(
        self, period: Period, *, plan_id: str, currency: str, partners: Iterable[str] = ()
    ) -> list[Statement]:
        """The statements for *period*, as
        :func:`~prmcore.commissions.statements_for` makes them from :attr:`lines` (every
        partner with a line up to *period*, and *partners*, sorted by id), with only the
        period's lines built."""
        run = self._run
        index = run.period_index.get(period)
        last = index if index is not None else sum(1 for p in run.periods if p <= period) - 1
        opening: dict[int, int] = defaultdict(int)
        start, stop = run.period_bounds(last) if last >= 0 else (0, 0)
        own_from = start if index is not None else stop
        for i in range(own_from):
            opening[run.partner[i]] += run.amount[i]
        sums: dict[int, list[int]] = {}
        own: dict[int, list[int]] = defaultdict(list)
        for i in range(own_from, stop):
            p = run.partner[i]
            figures = sums.get(p)
            if figures is None:
                figures = sums[p] = [0, 0, 0]
            figures[_kind_of(run.code[i])] += run.amount[i]
            own[p].append(i)
        names = run.partner_ids
        codes = run.partner_codes
        ids = sorted({names[p] for p in opening} | {names[p] for p in sums} | set(partners))
        zero = Money.zero(currency)
        nothing = zero + Money(ZERO, currency)
        out = []
        for pid in ids:
            code = codes.get(pid, -1)
            earned, clawed, paid = sums.get(code, (0, 0, 0))
            open_value = opening.get(code, 0)

            def money(value: int) -> Money:
                return zero + Money(run.decimal(value), currency)

            out.append(
                Statement(
                    plan_id=plan_id,
                    partner_id=pid,
                    period=period,
                    opening=money(open_value),
                    earnings=money(earned),
                    adjustments=nothing,
                    clawbacks=money(clawed),
                    draws=nothing,
                    recoveries=nothing,
                    payout=money(-paid),
                    closing=money(open_value + earned + clawed + paid),
                    lines=[run.line(i) for i in own.get(code, ())],
                )
            )
        return out


# -- the run ----------------------------------------------------------------------------------


class _Run:
    """One columnar simulation: its inputs, and the line arrays it fills."""

    def __init__(
        self,
        plan: CommissionPlan,
        compiled: _Plan,
        batch: TransactionBatch,
        profiles: Mapping[str, PartnerProfile],
        periods: Sequence[Period],
        posted_on: dt.date,
    ) -> None:
        self.plan = plan
        self.compiled = compiled
        self.batch = batch
        self.profiles = profiles
        self.periods = tuple(periods)
        self.period_index = {p: i for i, p in enumerate(self.periods)}
        self.posted_on = posted_on
        self.digits = compiled.digits
        self.partner_ids: list[str] = list(batch._partners)
        self.partner_codes = {p: i for i, p in enumerate(self.partner_ids)}
        for pid in profiles:
            if pid not in self.partner_codes:
                self.partner_codes[pid] = len(self.partner_ids)
                self.partner_ids.append(pid)
        # The line columns. ``basis`` and ``extra`` depend on the kind: for a credit the basis
        # credited and the cumulative basis after it; for a clawback what the sale earned and
        # the sale's row; for a payout the period's change and the opening balance. ``code``
        # is a credit's component code, or the version index of a clawback or payout. Lines
        # are in period order: period ``k`` holds ``period_start[k]:period_start[k + 1]``.
        self.partner = array("i")
        self.txn = array("i")
        self.amount = array("q")
        self.extra = array("q")
        self.code = array("i")
        self.period_start = array("i", [0] * (len(self.periods) + 1))
        # By line index: what a clawback's sale earned, and a payout's change in the period.
        self.aux: dict[int, int] = {}
        self.settle_versions: list[PlanVersion] = []
        self.day_versions: dict[int, int] = {}
        self.refund_exponents: dict[int, int] = {}
        self._explainer: _Calculator | None = None

    # -- building lines ---------------------------------------------------------------------

    def period_bounds(self, index: int) -> tuple[int, int]:
        return self.period_start[index], self.period_start[index + 1]

    def period_of(self, i: int) -> int:
        return bisect_right(self.period_start, i, 0, len(self.periods)) - 1

    def decimal(self, value: int) -> Decimal:
        return Decimal(value).scaleb(-self.digits)

    @property
    def explainer(self) -> _Calculator:
        if self._explainer is None:
            self._explainer = _Calculator(self.plan, self.profiles, None, frozenset())
        return self._explainer

    def line(self, i: int) -> LedgerLine:
        plan = self.plan
        run_kind = _kind_of(self.code[i])
        index = self.period_of(i)
        period = self.periods[index]
        partner_id = self.partner_ids[self.partner[i]]
        amount = self.decimal(self.amount[i])
        line_id = f"{plan.id}/{period}/{i - self.period_start[index] + 1:07d}"
        explainer = self.explainer
        batch = self.batch
        if run_kind == _PAYOUT:
            version = self.settle_versions[_PAYOUT_BASE - self.code[i]]
            explanation = payout_explanation(
                period,
                self.decimal(self.extra[i]),
                self.decimal(self.aux[i]),
                -amount,
                explainer.money,
            )
            with trusted_construction():
                return LedgerLine(
                    id=line_id,
                    plan_id=plan.id,
                    partner_id=partner_id,
                    period=period,
                    for_period=period,
                    kind=LineKind.PAYOUT,
                    key=f"payout|{period}|{partner_id}",
                    amount=amount,
                    currency=plan.currency,
                    plan_version_id=version.id,
                    plan_version_hash=version.hash,
                    explanation=explanation,
                    posted_on=self.posted_on,
                    component_id="payout",
                )
        t = self.txn[i]
        txn_id = batch._ids[t]
        if run_kind == _CLAWBACK:
            version = plan.versions[-1 - self.code[i]]
            sale = self.extra[i]
            sale_id = batch._ids[sale]
            explanation = explainer.explain_clawback(
                txn_id,
                batch.money(t),
                sale_id,
                batch.money(sale).amount,
                self.decimal(self.aux[i]),
                amount,
            )
            with trusted_construction():
                return LedgerLine(
                    id=line_id,
                    plan_id=plan.id,
                    partner_id=partner_id,
                    period=period,
                    for_period=period,
                    kind=LineKind.CLAWBACK,
                    key=f"clawback|{txn_id}|{partner_id}",
                    amount=amount,
                    currency=plan.currency,
                    plan_version_id=version.id,
                    plan_version_hash=version.hash,
                    explanation=explanation,
                    posted_on=self.posted_on,
                    transaction_id=txn_id,
                    refers_to=sale_id,
                )
        comp = self.compiled.comps[self.code[i]]
        component = comp.component
        version = comp.version
        delta_units = self.share_of(t, self.partner[i])
        after_units = self.extra[i]
        profile = explainer.profile(partner_id)
        code = batch._line_codes[t] if batch._line_codes is not None else 0
        product_line = batch._lines[code - 1] if code else None
        tiers, rate = self.compiled.credit_detail(
            comp, after_units - delta_units, after_units, product_line, profile.kind
        )
        delta = self.decimal(delta_units)
        after = self.decimal(after_units)
        before = self.decimal(after_units - delta_units)
        day = dt.date.fromordinal(batch._dates[t])
        calendar = plan.calendar
        scope = calendar.year_containing(day) if comp.year else calendar.period_containing(day)
        multiplier = profile.commission_multiplier if comp.mult else _ONE
        explanation = explainer.explain_credit(
            component,
            False,
            delta,
            before,
            after,
            rate,
            tiers,
            multiplier,
            amount,
            scope,
            None,
        )
        with trusted_construction():
            return LedgerLine(
                id=line_id,
                plan_id=plan.id,
                partner_id=partner_id,
                period=period,
                for_period=period,
                kind=LineKind.CREDIT,
                key=f"credit|{txn_id}|{partner_id}|{component.id}",
                amount=amount,
                currency=plan.currency,
                plan_version_id=version.id,
                plan_version_hash=version.hash,
                explanation=explanation,
                posted_on=self.posted_on,
                transaction_id=txn_id,
                component_id=component.id,
                tiers=tiers,
                basis=delta,
                basis_before=before,
                basis_after=after,
                rate=rate,
            )

    # -- the calculation --------------------------------------------------------------------

    def order(self, through_end: int) -> list[int]:
        """The rows dated up to *through_end* (an ordinal), in the object engine's order:
        by date, sales before refunds, then by id."""
        batch = self.batch
        dates, kinds, ids = batch._dates, batch._kinds, batch._ids
        n = len(ids)
        groups = [d + d + k for d, k in zip(dates, kinds, strict=True)]
        if all(a <= b for a, b in pairwise(groups)):
            order = list(range(n))
        else:
            order = sorted(range(n), key=groups.__getitem__)
        # Within a day and kind, by id: sort only the runs that are not in id order already.
        ordered = [groups[i] for i in order]
        start = 0
        while start < n:
            stop = bisect_right(ordered, ordered[start], start)
            run = order[start:stop]
            if any(ids[a] > ids[b] for a, b in pairwise(run)):
                order[start:stop] = sorted(run, key=ids.__getitem__)
            start = stop
        del order[bisect_right(ordered, 2 * through_end + 1) :]
        return order

    def calculate(self, through: Period) -> None:
        plan = self.plan
        compiled = self.compiled
        batch = self.batch
        calendar = plan.calendar
        divisor = compiled.divisor
        unit_mult = compiled.unit_mult
        amounts = batch._amounts
        dates = batch._dates
        kinds = batch._kinds
        ids = batch._ids
        credit_end = batch._credit_end
        credit_partner = batch._credit_partner
        credit_share = batch._credit_share
        line_codes = batch._line_codes
        product_lines = batch._lines
        order = self.order(through.end.toordinal())

        # Per partner: kind and scaled multiplier.
        partners = len(self.partner_ids)
        kinds_of: list[Any] = []
        mults: list[int] = []
        for pid in self.partner_ids:
            profile = self.profiles.get(pid)
            kinds_of.append(None if profile is None else profile.kind)
            multiplier = _ONE if profile is None else profile.commission_multiplier
            # Only components with level multipliers use them (mult_places covers them).
            mults.append(_scaled(multiplier, compiled.mult_places) if compiled.uses_mult else 1)
        share_scale = max((_places(s) for s in batch._shares), default=0)
        share_units = [_scaled(s, share_scale) for s in batch._shares]

        # Refunds: which rows they refer to.
        wanted = set(batch._refund_of.values())
        sale_row: dict[str, int] = {}
        if wanted:
            for i, tid in enumerate(ids):
                if tid in wanted and kinds[i] == 0:
                    sale_row[tid] = i
        refunded: dict[int, int] = {}
        done = bytearray(len(ids))
        earned = array("q", bytes(8 * len(credit_partner)))

        # Running state by (partner, component id, scope start): cumulative basis, exact
        # amount (scaled), rounded amount, the tier of the cumulative basis and the component
        # that tier is of. ``slots`` keeps each partner and component's current state at hand.
        keys = len(compiled.component_keys)
        state: dict[tuple[int, int, int], list[Any]] = {}
        slots: list[list[Any] | None] = [None] * (partners * keys)
        # Per partner: this period's sum and the balance carried in (for settling), whether
        # it has a line of each kind, and the sums of its clawbacks and payouts.
        posted = self.posted = [0] * partners
        self.opening = [0] * partners
        has_credit = bytearray(partners)
        self.has = (has_credit, bytearray(partners), bytearray(partners))
        self.known = bytearray(partners)
        for pid in self.profiles:
            self.known[self.partner_codes[pid]] = 1
        self.clawed = [0] * partners
        self.paid = [0] * partners
        self.by_name = sorted(range(partners), key=self.partner_ids.__getitem__)

        add_partner = self.partner.append
        add_txn = self.txn.append
        add_amount = self.amount.append
        add_extra = self.extra.append
        add_code = self.code.append
        lines = self.amount
        tier = compiled.tier
        rate_of = compiled.rate_of

        current = -1  # the period being filled

        def state_of(p: int, key: int, scope: int) -> list[Any]:
            found = state.get((p, key, scope))
            if found is None:
                found = state[(p, key, scope)] = [0, 0, 0, -2, None, scope]
            return found

        ones = unit_mult == 1 and all(m == 1 for m in mults)
        units_list = [unit_mult] * partners if unit_mult != 1 else None

        def scale_of(comp: _Comp) -> list[int] | None:
            """What a component's values are multiplied by, per partner (None: by 1)."""
            if comp.mult:
                return None if ones else mults
            return units_list

        fast: _Comp | None = None
        key0 = enter0 = n0 = code0 = scope0 = 0
        find0: Callable[[Sequence[int], int], int] = bisect_left
        uppers0: list[int] = []
        slopes0: list[int] = []
        intercepts0: list[int] = []
        factors0: list[int] | None = None

        def settle_through(last: int) -> None:
            nonlocal current
            while current < last:
                if current >= 0:
                    self.settle(current)
                current += 1
                self.period_start[current] = len(lines)

        last_day = -1
        period_code = period_start = year_start = v = 0
        comps: tuple[_Comp, ...] = ()
        half_even = False
        for i in order:
            day = dates[i]
            if day != last_day:
                # Rows are in date order: a day's period and version are looked up once.
                last_day = day
                date = dt.date.fromordinal(day)
                version = plan.version_on(date)  # raises for a day before the plan
                period = calendar.period_containing(date)
                period_code = self.period_index[period]
                period_start = period.start.toordinal()
                year_start = calendar.year_containing(date).start.toordinal()
                v = compiled.version_index[id(version)]
                comps = compiled.by_version[v]
                half_even = plan.versions[v].rounding == ROUND_HALF_EVEN
                # One unfiltered schedule component (the common case): its figures as locals.
                fast = None
                if len(comps) == 1 and comps[0].schedule is not None:
                    fast = comps[0]
                    if fast.lines or fast.kinds:
                        fast = None
                    else:
                        key0, enter0, find0, uppers0 = (
                            fast.key,
                            fast.enter_min,
                            fast.find,
                            fast.uppers,
                        )
                        n0, slopes0, intercepts0, code0 = (
                            fast.n,
                            fast.slopes,
                            fast.intercepts,
                            fast.code,
                        )
                        scope0 = year_start if fast.year else period_start
                        factors0 = scale_of(fast)
                if period_code != current:
                    settle_through(period_code)
            if kinds[i]:
                self.refund(order, i, refunded, done, earned, sale_row)
                continue
            amount = amounts[i]
            first = credit_end[i - 1] if i else 0
            stop = credit_end[i]
            parts: Iterable[tuple[int, int]]
            if stop - first == 1:
                parts = ((first, amount),)
            else:
                split = self.allocate(
                    amount, [share_units[credit_share[j]] for j in range(first, stop)]
                )
                parts = zip(range(first, stop), split, strict=True)
            if fast is not None:
                # The loop below for one component, unrolled.
                for row, share in parts:
                    p = credit_partner[row]
                    slot = p * keys + key0
                    st = slots[slot]
                    if st is None or st[5] != scope0:
                        st = slots[slot] = state_of(p, key0, scope0)
                    before = st[0]
                    after = before + share
                    st[0] = after
                    low = st[3] if st[4] is fast else tier(fast, before)
                    if after < enter0:
                        high = -1
                    else:
                        high = find0(uppers0, after)
                        if high == n0:
                            tier(fast, after)  # raises AboveTopTierError
                    st[3] = high
                    st[4] = fast
                    if high == low:
                        value = slopes0[high] * share if high >= 0 else 0
                    else:
                        value = (intercepts0[high] + slopes0[high] * after if high >= 0 else 0) - (
                            intercepts0[low] + slopes0[low] * before if low >= 0 else 0
                        )
                    if factors0 is not None:
                        value *= factors0[p]
                    exact = st[1] + value
                    st[1] = exact
                    if half_even:
                        paid, rest = divmod(exact, divisor)
                        rest += rest
                        if rest > divisor or (rest == divisor and paid & 1):
                            paid += 1
                    else:
                        paid = _half_up(exact, divisor)
                    credited = paid - st[2]
                    st[2] = paid
                    if credited:
                        add_partner(p)
                        add_txn(i)
                        add_amount(credited)
                        add_extra(after)
                        add_code(code0)
                        posted[p] += credited
                        has_credit[p] = 1
                    earned[row] = credited
                done[i] = 1
                continue
            line = None
            if line_codes is not None and line_codes[i]:
                line = product_lines[line_codes[i] - 1]
            for row, share in parts:
                p = credit_partner[row]
                total = 0
                for comp in comps:
                    if (comp.lines and line not in comp.lines) or (
                        comp.kinds and kinds_of[p] not in comp.kinds
                    ):
                        continue
                    scope = year_start if comp.year else period_start
                    slot = p * keys + comp.key
                    st = slots[slot]
                    if st is None or st[5] != scope:
                        st = slots[slot] = state_of(p, comp.key, scope)
                    before = st[0]
                    after = before + share
                    st[0] = after
                    if comp.schedule is not None:
                        low = st[3] if st[4] is comp else tier(comp, before)
                        if after < comp.enter_min:
                            high = -1
                        else:
                            high = comp.find(comp.uppers, after)
                            if high == comp.n:
                                tier(comp, after)  # raises AboveTopTierError
                        st[3] = high
                        st[4] = comp
                        if high == low:
                            value = comp.slopes[high] * share if high >= 0 else 0
                        else:
                            value = (
                                comp.intercepts[high] + comp.slopes[high] * after
                                if high >= 0
                                else 0
                            ) - (
                                comp.intercepts[low] + comp.slopes[low] * before if low >= 0 else 0
                            )
                    else:
                        value = rate_of(comp, line, kinds_of[p]) * share
                    value *= mults[p] if comp.mult else unit_mult
                    exact = st[1] + value
                    st[1] = exact
                    if half_even:
                        paid, rest = divmod(exact, divisor)
                        rest += rest
                        if rest > divisor or (rest == divisor and paid & 1):
                            paid += 1
                    else:
                        paid = _half_up(exact, divisor)
                    credited = paid - st[2]
                    st[2] = paid
                    total += credited
                    if credited:
                        add_partner(p)
                        add_txn(i)
                        add_amount(credited)
                        add_extra(after)
                        add_code(comp.code)
                        posted[p] += credited
                        has_credit[p] = 1
                earned[row] = total
            done[i] = 1
        settle_through(len(self.periods) - 1)
        self.settle(current)
        self.period_start[len(self.periods)] = len(lines)
        # What is left of the balances once clawbacks and payouts are taken out: credits.
        credits = [
            balance - clawed - paid
            for balance, clawed, paid in zip(self.opening, self.clawed, self.paid, strict=True)
        ]
        self.sums = (credits, self.clawed, self.paid)

    def share_of(self, t: int, partner: int) -> int:
        """The part of sale *t* credited to *partner* (minor units)."""
        batch = self.batch
        first = batch._credit_end[t - 1] if t else 0
        stop = batch._credit_end[t]
        amount = batch._amounts[t]
        if stop - first == 1:
            return amount
        shares = batch._shares
        scale = max(_places(shares[batch._credit_share[j]]) for j in range(first, stop))
        parts = self.allocate(
            amount, [_scaled(shares[batch._credit_share[j]], scale) for j in range(first, stop)]
        )
        rows = [batch._credit_partner[j] for j in range(first, stop)]
        return parts[rows.index(partner)]

    def version_of_day(self, day: int) -> int:
        """The index of the version in effect on the day with ordinal *day*."""
        found = self.day_versions.get(day)
        if found is None:
            version = self.plan.version_on(dt.date.fromordinal(day))
            found = self.day_versions[day] = self.compiled.version_index[id(version)]
        return found

    def refunded_text(self, i: int, sale: int, refunded: dict[int, int]) -> str:
        """The refunds of *sale* with refund *i*, written as the object engine writes their
        Decimal sum (which keeps the finest exponent of the amounts added)."""
        batch = self.batch
        exponent = min(0, batch._exponents[i], self.refund_exponents.get(sale, 0))
        total = self.decimal(refunded.get(sale, 0) + batch._amounts[i])
        return str(total.quantize(Decimal((0, (1,), exponent)), context=CONTEXT))

    def allocate(self, units: int, shares: list[int]) -> list[int]:
        """Split *units* by *shares* (scaled percentages) with the largest remainder, ties
        to the earlier share: the same parts as the object engine."""
        total = sum(shares)
        if len(shares) == 2:
            a, b = units * shares[0], units * shares[1]
            part_a, rest_a = divmod(a, total)
            part_b, rest_b = divmod(b, total)
            if units - part_a - part_b:  # one unit left: to the larger remainder
                if rest_a >= rest_b:
                    part_a += 1
                else:
                    part_b += 1
            return [part_a, part_b]
        exact = [units * share for share in shares]
        parts = [value // total for value in exact]
        left = units - sum(parts)
        order = sorted(range(len(exact)), key=lambda k: (parts[k] * total - exact[k], k))
        for k in order[:left]:
            parts[k] += 1
        return parts

    def refund(
        self,
        order: list[int],
        i: int,
        refunded: dict[int, int],
        done: bytearray,
        earned: array[int],
        sale_row: dict[str, int],
    ) -> None:
        batch = self.batch
        refund_of = batch._refund_of[i]
        sale = sale_row.get(refund_of, -1)
        if sale < 0 or not done[sale]:
            raise ValidationError(
                f"refers to sale {refund_of!r}, which is not among the transactions "
                "(or is dated after the refund)",
                path=f"transactions[{order.index(i)}].refund_of",
            )
        v = self.version_of_day(batch._dates[sale])
        version = self.plan.versions[v]
        before_units = refunded.get(sale, 0)
        after_units = before_units + batch._amounts[i]
        if after_units > batch._amounts[sale]:
            raise ValidationError(
                f"refunds of {refund_of!r} total {self.refunded_text(i, sale, refunded)}, "
                f"more than the sale's {batch.money(sale).amount}",
                path=f"transactions[{order.index(i)}].amount",
            )
        refunded[sale] = after_units
        exponents = self.refund_exponents
        exponents[sale] = min(exponents.get(sale, 0), batch._exponents[i])
        window = version.clawback.window_days
        if window is not None and batch._dates[i] - batch._dates[sale] > window:
            return
        # round(earned * refunded / sale) in minor units, as the object engine rounds the
        # same quotient (in a 60-digit context, which holds it exactly enough for any
        # amount below 2**63 minor units to round the same way).
        total = batch._amounts[sale]
        half_even = version.rounding == ROUND_HALF_EVEN
        first = batch._credit_end[sale - 1] if sale else 0
        for row in range(first, batch._credit_end[sale]):
            earned_units = earned[row]
            if not total:
                value = -earned_units
            elif half_even:
                value = _half_even(earned_units * before_units, total) - _half_even(
                    earned_units * after_units, total
                )
            else:
                value = _half_up(earned_units * before_units, total) - _half_up(
                    earned_units * after_units, total
                )
            if not value:
                continue
            p = batch._credit_partner[row]
            self.partner.append(p)
            self.txn.append(i)
            self.amount.append(value)
            self.aux[len(self.amount) - 1] = earned_units
            self.extra.append(sale)
            self.code.append(-1 - v)
            self.posted[p] += value
            self.clawed[p] += value
            self.has[_CLAWBACK][p] = 1

    def settle(self, index: int) -> None:
        """The payout lines that close period *index* (the plans supported have no draws),
        for every partner with a line so far, in id order, as
        :func:`prmcore.commissions._settlement.settle` makes them."""
        plan = self.plan
        period = self.periods[index]
        version = plan.version_on(max(period.start, plan.versions[0].effective_from))
        self.settle_versions.append(version)
        code = len(self.settle_versions) - 1
        policy = version.payout
        hold = policy.hold_while_negative
        minimum = int(
            policy.minimum.scaleb(self.digits, CONTEXT).to_integral_value(rounding=ROUND_CEILING)
        )
        posted, opening, paid = self.posted, self.opening, self.paid
        has_credit, has_clawback, has_payout = self.has
        known = self.known
        for p in self.by_name:
            if not (has_credit[p] or has_clawback[p] or known[p]):
                continue
            change = posted[p]
            balance = opening[p] + change
            pay = balance if hold else max(balance, change)
            if pay > 0 and pay >= minimum:
                self.partner.append(p)
                self.txn.append(-1)
                self.amount.append(-pay)
                self.aux[len(self.amount) - 1] = change
                self.extra.append(opening[p])
                self.code.append(_PAYOUT_BASE - code)
                paid[p] -= pay
                has_payout[p] = 1
                change -= pay
            opening[p] += change
            posted[p] = 0


def simulate_columnar(
    plan: CommissionPlan,
    batch: TransactionBatch,
    *,
    periods: Sequence[Period],
    through: Period,
    partners: Mapping[str, PartnerProfile] | None,
    rates: RateSource | None,
    posted_on: dt.date,
) -> ColumnarLedger:
    """The ledger of ``simulate(..., columnar=True)`` (see the module docs).

    Raises:
        UnsupportedFeature: The plan or the input has a feature this path does not handle.
        ValidationError: As the object engine raises it for the same input.
        CurrencyMismatch: Transactions in another currency and no *rates*.
    """
    profiles = partners or {}
    compiled = _Plan(plan, profiles)
    if batch.currency != plan.currency:
        if rates is None:
            raise CurrencyMismatch(batch.currency, plan.currency, "credit")
        raise UnsupportedFeature([f"transactions in {batch.currency} (converting currencies)"])
    if not plan.calendar.is_period(through):
        raise ValidationError(f"{through} is not a period of the plan's calendar", "through")
    run = _Run(plan, compiled, batch, profiles, periods, posted_on)
    try:
        run.calculate(through)
    except OverflowError:
        raise UnsupportedFeature(["amounts beyond 2**63 minor units"]) from None
    return ColumnarLedger(run)
