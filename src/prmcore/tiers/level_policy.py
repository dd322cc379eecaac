"""Level policy: which program level a partner holds, given when it qualified.

Eligibility (:func:`~prmcore.tiers.eligibility`) says what a partner qualifies for on one day;
the *assigned* level changes only as a :class:`LevelPolicy` allows. :func:`decide` is a pure
function of the policy, the program, the partner's current level and :class:`LevelHistory`, a
sequence of dated :class:`LevelEvaluation` s (or :class:`~prmcore.tiers.EligibilityReport` s)
and the decision date; it returns a :class:`LevelDecision` — promote, demote, hold, or pending
(when approval is required) — with the target level, the effective date and the reason in
words. Apply an approved decision with :meth:`LevelDecision.change` and
:meth:`LevelHistory.append`.

**Standing.** An evaluation states the highest level the partner qualified for on its date
(``None``: none). The partner's *standing* at an evaluation is the highest level qualified for
on that evaluation or on any evaluation dated inside :func:`~prmcore.periods.trailing`
``(lookback_months, its date)`` (with ``lookback_months=0``, that evaluation alone). The
standing on a day ``d`` is the standing at the latest evaluation dated on or before ``d``;
with no such evaluation there is no evidence and nothing changes.

**Rules**, for a decision on ``as_of`` with current level ``L``:

- *Placement*: a partner without a level is placed at its standing, effective ``as_of``
  (cadence does not delay placement).
- *Promotion* (standing above ``L``): with no cadence, to the standing, effective ``as_of``.
  With a cadence calendar, promotions take effect on the first day ``b`` of the calendar
  period containing ``as_of``, to the standing on ``b``, provided that standing is above ``L``
  and ``b`` is not before the last change; otherwise the decision holds and names the next
  period start. A decision made late in a quarter is therefore effective from the quarter's
  first day, and running :func:`decide` daily or monthly gives the same result.
- *Demotion* (standing below ``L``) happens only when it is due, by either rule that is set:
  the **grace** rule when the partner has stood below ``L`` on every evaluation since the
  first one below it (counting only evaluations on or after the last change) for at least
  ``grace_months`` — effective ``as_of``; the **annual review** rule when the partner's
  standing on the latest review date ``R`` on or before ``as_of`` was below ``L`` and ``R`` is
  after the last change — effective ``R``. When both are due, the earlier date wins. A
  demotion goes to the standing on its effective date, or to the lowest level when the
  partner qualifies for none: the policy never removes a partner from the program.
- *Approval*: with ``approval_required`` a due change comes back as ``pending``; the host
  approves it with :meth:`LevelDecision.change` (naming the approver) or lets it lapse.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

import attrs

from prmcore._checks import (
    _TRUSTED,
    Checks,
    Validated,
    to_enum,
    to_tuple,
    trusted_construction,
)
from prmcore.errors import InvalidTransition
from prmcore.periods import PeriodCalendar, add_months, trailing
from prmcore.tiers.eligibility import EligibilityReport
from prmcore.tiers.program import Program, ProgramLevel

__all__ = [
    "DecisionKind",
    "LevelChange",
    "LevelDecision",
    "LevelEvaluation",
    "LevelHistory",
    "LevelPolicy",
    "decide",
]


@attrs.frozen
class LevelEvaluation(Validated):
    """The highest level a partner qualified for on one day (``None``: none).

    Args:
        on: The day of the evaluation (the metrics' ``as_of``).
        level_id: The qualifying level, or ``None``.

    Raises:
        ValidationError: A bad date or level id.

    .. versionadded:: 0.1.0
    """

    on: dt.date
    level_id: str | None

    def _validate(self, c: Checks) -> None:
        c.date("on", self.on)
        c.optional_identifier("level_id", self.level_id)

    @classmethod
    def from_report(cls, report: EligibilityReport) -> LevelEvaluation:
        """The evaluation stated by an :class:`~prmcore.tiers.EligibilityReport`.

        .. versionadded:: 0.1.0
        """
        return cls(report.as_of, report.qualified_level_id)


@attrs.frozen
class LevelPolicy(Validated):
    """How a partner's assigned level follows its eligibility (see the module docs).

    Args:
        promotion_cadence: ``None`` to promote immediately, or a calendar from
            :mod:`prmcore.periods` (``QuarterCalendar()``) whose period starts are the only
            days promotions take effect.
        grace_months: Demote once the partner has stood below its level for this many months
            (0: at the first evaluation below it); ``None`` to demote only at the review.
        review_month: The month (1-12) of the annual review at which partners below their
            level are demoted; ``None`` for no review.
        review_day: The day of the review month (1-31, clamped to the month's end).
        lookback_months: A partner stands at the highest level it qualified for on any
            evaluation in this many months up to the evaluation (0: that evaluation only).
        approval_required: Return due changes as ``pending`` instead of applying them.

    Raises:
        ValidationError: Listing every bad field; also when neither *grace_months* nor
            *review_month* is set (partners could never be demoted).

    Examples:
        >>> from prmcore.periods import QuarterCalendar
        >>> LevelPolicy(promotion_cadence=QuarterCalendar(), grace_months=None,
        ...             review_month=1, lookback_months=3).review_month
        1

    .. versionadded:: 0.1.0
    """

    promotion_cadence: PeriodCalendar | None = None
    grace_months: int | None = 0
    review_month: int | None = None
    review_day: int = 1
    lookback_months: int = 0
    approval_required: bool = False

    def _validate(self, c: Checks) -> None:
        if self.promotion_cadence is not None:
            c.instance("promotion_cadence", self.promotion_cadence, PeriodCalendar)
        if self.grace_months is not None:
            c.integer("grace_months", self.grace_months, minimum=0, maximum=1200)
        if self.review_month is not None:
            c.integer("review_month", self.review_month, minimum=1, maximum=12)
        c.integer("review_day", self.review_day, minimum=1, maximum=31)
        c.integer("lookback_months", self.lookback_months, minimum=0, maximum=1200)
        c.instance("approval_required", self.approval_required, bool)
        if self.grace_months is None and self.review_month is None:
            c.add("grace_months", "set grace_months or review_month, or nobody is ever demoted")

    def review_on_or_before(self, d: dt.date) -> dt.date | None:
        """The latest annual review date on or before *d*, or ``None`` (no review set, or
        none within the supported dates).

        .. versionadded:: 0.1.0
        """
        if self.review_month is None:
            return None
        review = self._review_in(d.year)
        if review <= d:
            return review
        return None if d.year == dt.MINYEAR else self._review_in(d.year - 1)

    def review_after(self, d: dt.date) -> dt.date | None:
        """The first annual review date after *d*, or ``None``.

        .. versionadded:: 0.1.0
        """
        if self.review_month is None:
            return None
        review = self._review_in(d.year)
        if review > d:
            return review
        return None if d.year == dt.MAXYEAR else self._review_in(d.year + 1)

    def _review_in(self, year: int) -> dt.date:
        assert self.review_month is not None
        last = _calendar.monthrange(year, self.review_month)[1]
        return dt.date(year, self.review_month, min(self.review_day, last))


@attrs.frozen
class LevelChange(Validated):
    """One change of a partner's assigned level: an entry of :class:`LevelHistory`.

    Args:
        partner_id: The partner.
        from_level: The level before (``None`` for the first placement).
        to_level: The level from *effective_on*.
        effective_on: The first day at the new level.
        reason: Why, in words.
        approved_by: Who approved it, when approval was required.

    Raises:
        ValidationError: Listing every bad field; *to_level* equal to *from_level*.

    .. versionadded:: 0.1.0
    """

    partner_id: str
    from_level: str | None
    to_level: str
    effective_on: dt.date
    reason: str
    approved_by: str | None = None

    def _validate(self, c: Checks) -> None:
        c.identifier("partner_id", self.partner_id)
        c.optional_identifier("from_level", self.from_level)
        if c.identifier("to_level", self.to_level):
            c.require(self.to_level != self.from_level, "to_level", "must differ from from_level")
        c.date("effective_on", self.effective_on)
        c.text("reason", self.reason, max_length=1000)
        c.optional_text("approved_by", self.approved_by, max_length=200)


@attrs.frozen
class LevelHistory(Validated):
    """The append-only record of a partner's level changes, oldest first.

    Changes are ordered by effective date (equal dates keep their order), each belongs to
    *partner_id*, and each starts from the level the previous one ended at.

    Args:
        partner_id: The partner.
        changes: The changes, oldest first (a list is accepted).

    Raises:
        ValidationError: Listing every problem (``changes[2].from_level: must be 'silver',
            the level after changes[1]``).

    Examples:
        >>> import datetime as dt
        >>> history = LevelHistory("p-1").append(
        ...     LevelChange("p-1", None, "silver", dt.date(2026, 1, 1), "placed"))
        >>> history.level_on(dt.date(2025, 12, 31)), history.level_on(dt.date(2026, 1, 1))
        (None, 'silver')

    .. versionadded:: 0.1.0
    """

    partner_id: str
    changes: tuple[LevelChange, ...] = attrs.field(default=(), converter=to_tuple)

    def _validate(self, c: Checks) -> None:
        c.identifier("partner_id", self.partner_id)
        if not c.each("changes", self.changes, lambda p, x: c.instance(p, x, LevelChange)):
            return
        previous: LevelChange | None = None
        for i, change in enumerate(self.changes):
            path = f"changes[{i}]"
            c.require(
                change.partner_id == self.partner_id,
                f"{path}.partner_id",
                f"must be {self.partner_id!r}, the history's partner",
            )
            if previous is not None:
                c.require(
                    change.from_level == previous.to_level,
                    f"{path}.from_level",
                    f"must be {previous.to_level!r}, the level after changes[{i - 1}]",
                )
                c.require(
                    change.effective_on >= previous.effective_on,
                    f"{path}.effective_on",
                    f"must not be before changes[{i - 1}] ({previous.effective_on.isoformat()})",
                )
            previous = change

    def last_change(self, on: dt.date) -> LevelChange | None:
        """The latest change effective on or before *on*, or ``None``.

        .. versionadded:: 0.1.0
        """
        found = None
        for change in self.changes:
            if change.effective_on <= on:
                found = change
        return found

    def level_on(self, on: dt.date) -> str | None:
        """The level in effect on *on* (``None`` before the first change).

        .. versionadded:: 0.1.0
        """
        last = self.last_change(on)
        return None if last is None else last.to_level

    def append(self, change: LevelChange) -> LevelHistory:
        """A new history with *change* added at the end (this one is unchanged).

        Raises:
            ValidationError: The change does not follow the last one (partner, level or
                date), with the path ``changes[n]...``.

        .. versionadded:: 0.1.0
        """
        return LevelHistory(self.partner_id, (*self.changes, change))


class DecisionKind(enum.StrEnum):
    """What :func:`decide` concluded.

    .. versionadded:: 0.1.0
    """

    PROMOTE = "promote"
    DEMOTE = "demote"
    HOLD = "hold"
    PENDING = "pending"


def _to_decision_kind(value: DecisionKind | str) -> DecisionKind:
    result: DecisionKind = to_enum(DecisionKind, value)
    return result


def _to_optional_kind(value: DecisionKind | str | None) -> Any:
    return None if value is None else to_enum(DecisionKind, value)


@attrs.frozen
class LevelDecision(Validated):
    """The outcome of :func:`decide`.

    Args:
        partner_id: The partner.
        kind: promote, demote, hold or pending.
        from_level: The current level.
        to_level: The new level (the current one for a hold).
        effective_on: The first day at the new level (``None`` for a hold).
        reason: Why, in words.
        proposed: For ``pending``: the change waiting for approval, ``promote`` or ``demote``.

    Raises:
        ValidationError: Listing every bad field.

    .. versionadded:: 0.1.0
    """

    partner_id: str
    kind: DecisionKind = attrs.field(converter=_to_decision_kind)
    from_level: str | None
    to_level: str | None
    effective_on: dt.date | None
    reason: str
    proposed: DecisionKind | None = attrs.field(default=None, converter=_to_optional_kind)

    def _validate(self, c: Checks) -> None:
        c.identifier("partner_id", self.partner_id)
        c.member("kind", self.kind, DecisionKind)
        c.optional_identifier("from_level", self.from_level)
        c.optional_identifier("to_level", self.to_level)
        c.optional_date("effective_on", self.effective_on)
        c.text("reason", self.reason, max_length=1000)
        changing = self.kind is not DecisionKind.HOLD
        c.require(
            (self.effective_on is not None) == changing,
            "effective_on",
            "a change needs an effective date; a hold has none",
        )
        c.require(
            (self.proposed in (DecisionKind.PROMOTE, DecisionKind.DEMOTE))
            == (self.kind is DecisionKind.PENDING),
            "proposed",
            "pending decisions propose promote or demote; other kinds propose nothing",
        )

    @property
    def changes_level(self) -> bool:
        """True for promote, demote and pending.

        .. versionadded:: 0.1.0
        """
        return self.kind is not DecisionKind.HOLD

    def change(self, approved_by: str | None = None) -> LevelChange:
        """The :class:`LevelChange` that applies this decision, for :meth:`LevelHistory.append`.

        Args:
            approved_by: Who approved it; required for a ``pending`` decision.

        Raises:
            InvalidTransition: The decision is a hold, or pending without *approved_by*.

        .. versionadded:: 0.1.0
        """
        if self.kind is DecisionKind.HOLD:
            raise InvalidTransition("LevelDecision", "hold", "change", ())
        if self.kind is DecisionKind.PENDING and approved_by is None:
            raise InvalidTransition("LevelDecision", "pending", "change without approved_by", ())
        assert self.to_level is not None
        assert self.effective_on is not None
        return LevelChange(
            self.partner_id,
            self.from_level,
            self.to_level,
            self.effective_on,
            self.reason,
            approved_by,
        )


# -- the decision --------------------------------------------------------------------------------


class _Standing:
    """Standings (ladder positions; -1 for none) at each evaluation, per the lookback."""

    def __init__(
        self, evaluations: list[LevelEvaluation], position: dict[str, int], lookback: int
    ) -> None:
        self.evaluations = evaluations
        self.positions = [-1 if e.level_id is None else position[e.level_id] for e in evaluations]
        self.standing: list[tuple[int, dt.date]] = []
        for i, evaluation in enumerate(evaluations):
            start = trailing(lookback, evaluation.on).start if lookback else evaluation.on
            best = (self.positions[i], evaluation.on)
            for j in range(i):
                if evaluations[j].on >= start and self.positions[j] > best[0]:
                    best = (self.positions[j], evaluations[j].on)
            self.standing.append(best)

    def index_on(self, d: dt.date) -> int:
        """The index of the latest evaluation on or before *d*, or -1."""
        found = -1
        for i, evaluation in enumerate(self.evaluations):
            if evaluation.on <= d:
                found = i
        return found

    def on(self, d: dt.date) -> tuple[int, dt.date] | None:
        """``(position, date qualified)`` on *d*, or ``None`` without evidence."""
        i = self.index_on(d)
        return None if i < 0 else self.standing[i]


def _evaluations(c: Checks, items: object, partner_id: object) -> list[LevelEvaluation]:
    found: list[LevelEvaluation] = []
    if isinstance(items, str) or not isinstance(items, Sequence):
        c.add("evaluations", f"must be a sequence of evaluations, got {type(items).__name__}")
        return found
    assert isinstance(items, Sequence)
    seen: dict[dt.date, int] = {}
    for i, item in enumerate(items):
        path = f"evaluations[{i}]"
        if isinstance(item, EligibilityReport):
            c.require(
                item.partner_id == partner_id,
                f"{path}.partner_id",
                f"must be {partner_id!r}, the history's partner",
            )
            with trusted_construction():  # a report's day and level are valid already
                item = LevelEvaluation.from_report(item)
        if not c.instance(path, item, LevelEvaluation):
            continue
        if item.on in seen:
            c.add(f"{path}.on", f"another evaluation (evaluations[{seen[item.on]}]) has this date")
            continue
        seen[item.on] = i
        found.append(item)
    return sorted(found, key=lambda e: e.on)


def _items(evaluations: object) -> Sequence[object]:
    """The items of *evaluations* when it is a sequence (not a string), else none."""
    if isinstance(evaluations, str) or not isinstance(evaluations, Sequence):
        return ()
    return evaluations


def decide(
    policy: LevelPolicy,
    program: Program,
    current_level: str | None,
    history: LevelHistory,
    evaluations: Sequence[LevelEvaluation | EligibilityReport],
    as_of: dt.date,
) -> LevelDecision:
    """Decide a partner's level on *as_of* under *policy* (the rules are in the module docs).

    Only evaluations dated on or before *as_of* are used; they may come in any order.

    Args:
        policy: The level policy.
        program: The program (for the ladder's order and level names).
        current_level: The partner's level in effect on *as_of* (``None``: not placed yet).
        history: The partner's level changes.
        evaluations: Dated qualifying levels, as :class:`LevelEvaluation` or
            :class:`~prmcore.tiers.EligibilityReport`; at most one per date.
        as_of: The day of the decision.

    Raises:
        ValidationError: Listing every problem: wrong argument types, an unknown level
            (``current_level``, ``evaluations[3].level_id``), two evaluations on one date, a
            report for another partner, or a *current_level* that disagrees with *history*.

    Examples:
        >>> decide(LevelPolicy(), program, "silver", history, evaluations,
        ...        dt.date(2026, 4, 1)).kind  # doctest: +SKIP
        <DecisionKind.PROMOTE: 'promote'>

    .. versionadded:: 0.1.0
    """
    c = Checks()
    c.instance("policy", policy, LevelPolicy)
    program_ok = c.instance("program", program, Program)
    history_ok = c.instance("history", history, LevelHistory)
    date_ok = c.date("as_of", as_of)
    c.optional_identifier("current_level", current_level)
    partner_id = history.partner_id if history_ok else None
    found = _evaluations(c, evaluations, partner_id)
    position: dict[str, int] = {}
    if program_ok:
        position = {level.id: i for i, level in enumerate(program.ladder)}
        if isinstance(current_level, str) and current_level not in position:
            c.add("current_level", f"unknown level {current_level!r}")
        for i, item in enumerate(_items(evaluations)):
            level_id = getattr(item, "level_id", getattr(item, "qualified_level_id", None))
            if isinstance(level_id, str) and level_id not in position:
                c.add(f"evaluations[{i}].level_id", f"unknown level {level_id!r}")
    if history_ok and date_ok:
        in_effect = history.level_on(as_of)
        if history.changes and in_effect != current_level:
            c.add(
                "current_level",
                f"must be {in_effect!r}, the level the history has in effect on "
                f"{as_of.isoformat()}",
            )
    c.done()
    last = history.last_change(as_of)
    return _Decider(
        policy,
        program.ladder,
        position,
        current_level,
        history.partner_id,
        None if last is None else last.effective_on,
        found,
        as_of,
    ).decide()


class _Decider:
    """The rules of the module docs, for checked inputs: *position* maps each level id to its
    place on *ladder*, *since* is the effective date of the last change on or before *as_of*
    (``None``: none), *evaluations* are sorted by date, at most one per date."""

    def __init__(
        self,
        policy: LevelPolicy,
        ladder: tuple[ProgramLevel, ...],
        position: dict[str, int],
        current: str | None,
        partner_id: str,
        since: dt.date | None,
        evaluations: list[LevelEvaluation],
        as_of: dt.date,
    ) -> None:
        self.policy = policy
        self.ladder = ladder
        self.current = current
        self.partner_id = partner_id
        self.as_of = as_of
        usable = [e for e in evaluations if e.on <= as_of]
        self.standings = _Standing(usable, position, policy.lookback_months)
        self.cur = -1 if current is None else position[current]
        self.since = since

    def name(self, position: int) -> str:
        return self.ladder[position].name

    def decision(
        self, kind: DecisionKind, to: int | None, effective: dt.date | None, reason: str
    ) -> LevelDecision:
        to_level = self.current if to is None else self.ladder[to].id
        proposed = None
        if kind is not DecisionKind.HOLD and self.policy.approval_required:
            kind, proposed = DecisionKind.PENDING, kind
            reason += "; waiting for approval"
        # Built from validated inputs (the history's partner, the program's level ids, a
        # checked date), so the checks are not run again (as in trusted_construction(), without
        # the cost of a generator-based context manager for every partner).
        token = _TRUSTED.set(True)
        try:
            return LevelDecision(
                self.partner_id, kind, self.current, to_level, effective, reason, proposed
            )
        finally:
            _TRUSTED.reset(token)

    def hold(self, reason: str) -> LevelDecision:
        return self.decision(DecisionKind.HOLD, None, None, reason)

    def decide(self) -> LevelDecision:
        now = self.standings.on(self.as_of)
        if now is None:
            return self.hold(f"no evaluation on or before {self.as_of.isoformat()}")
        rank, qualified_on = now
        if self.current is None:
            if rank < 0:
                return self.hold("qualifies for no level yet")
            return self.decision(
                DecisionKind.PROMOTE,
                rank,
                self.as_of,
                f"placed at {self.name(rank)}: qualified on {qualified_on.isoformat()}",
            )
        if rank > self.cur:
            return self.promote(rank, qualified_on)
        if rank < self.cur:
            return self.demote()
        return self.hold(f"qualifies for {self.name(self.cur)}, the current level")

    def promote(self, rank: int, qualified_on: dt.date) -> LevelDecision:
        cadence = self.policy.promotion_cadence
        if cadence is None:
            return self.decision(
                DecisionKind.PROMOTE,
                rank,
                self.as_of,
                f"qualified for {self.name(rank)} on {qualified_on.isoformat()}",
            )
        period = cadence.period_containing(self.as_of)
        start = period.start
        at_start = self.standings.on(start)
        if (
            at_start is not None
            and at_start[0] > self.cur
            and (self.since is None or start >= self.since)
        ):
            return self.decision(
                DecisionKind.PROMOTE,
                at_start[0],
                start,
                f"qualified for {self.name(at_start[0])} on {at_start[1].isoformat()}; "
                f"promotions take effect at the start of {period}",
            )
        following = cadence.next_period(period)
        return self.hold(
            f"qualified for {self.name(rank)} on {qualified_on.isoformat()}; promotions take "
            f"effect at the start of a period, next on {following.start.isoformat()}"
        )

    def lapse_start(self) -> dt.date | None:
        """The first evaluation below the current level after the last one at or above it,
        counting evaluations on or after the last change; ``None`` without one."""
        evaluations = self.standings.evaluations
        first_below: dt.date | None = None
        for i, evaluation in enumerate(evaluations):
            if self.since is not None and evaluation.on < self.since:
                continue
            if self.standings.standing[i][0] >= self.cur:
                first_below = None
            elif first_below is None:
                first_below = evaluation.on
        return first_below

    def demote(self) -> LevelDecision:
        name = self.name(self.cur)
        if self.cur == 0:
            return self.hold(f"qualifies for no level, and {name} is already the lowest")
        due: list[tuple[dt.date, str]] = []
        waiting: list[dt.date] = []
        grace = self.policy.grace_months
        lapse = self.lapse_start()
        if grace is not None and lapse is not None:
            ends = add_months(lapse, grace)
            if ends <= self.as_of:
                months = "no grace period" if grace == 0 else f"a {grace}-month grace period"
                due.append(
                    (self.as_of, f"not qualified for {name} since {lapse.isoformat()} ({months})")
                )
            else:
                waiting.append(ends)
        review = self.policy.review_on_or_before(self.as_of)
        if review is not None and (self.since is None or review > self.since):
            standing = self.standings.on(review)
            if standing is not None and standing[0] < self.cur:
                due.append((review, f"not qualified for {name} at the annual review on {review}"))
        following = self.policy.review_after(self.as_of)
        if following is not None:
            waiting.append(following)
        if not due:
            below = f"not qualified for {name}"
            if lapse is not None:
                below += f" since {lapse.isoformat()}"
            return self.hold(
                f"{below}; a demotion is possible from {min(waiting).isoformat()}"
                if waiting
                else below
            )
        effective, reason = min(due)
        standing = self.standings.on(effective)
        assert standing is not None
        target = max(standing[0], 0)
        if standing[0] < 0:
            reason += f"; qualifies for no level, so to the lowest ({self.name(0)})"
        return self.decision(DecisionKind.DEMOTE, target, effective, reason)
