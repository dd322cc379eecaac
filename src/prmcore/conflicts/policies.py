"""Resolution policies: what a program does about a registration's conflicts.

A policy is any object with a ``name`` and a :meth:`~ResolutionPolicy.resolve` method that
turns a registration and its :class:`~prmcore.conflicts.ConflictReport` into a
:class:`Resolution`: approve, reject, send to review, or approve at a reduced benefit, always
naming the policy and the reason. Five are shipped:

* :class:`FirstToRegister` — the earliest submission wins (``submitted_at``, then id);
* :class:`IncumbentWins` — a partner that won a deal with the customer recently wins;
* :class:`HigherLevelWins` — the partner at the higher program level wins;
* :class:`ManualReview` — conflicts whose customer match is in the grey zone go to a person;
* :class:`ReducedBenefitForSecond` — a later partner is approved, at a reduced benefit.

Policies decide the contest between partners (``partner_vs_partner``). The other classes are
handled the same way by every shipped policy, before the contest: a same-partner duplicate is
rejected, a house or another partner's named account is rejected, an existing customer or open
opportunity and an out-of-territory customer go to review. Policies that cannot decide a
contest (a tie, no incumbent) hand it to a fallback, :class:`FirstToRegister` by default.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from prmcore.conflicts.detector import Conflict, ConflictClass, ConflictReport
from prmcore.conflicts.matching import MatchBand
from prmcore.conflicts.registration import DealRegistration
from prmcore.errors import ValidationError

__all__ = [
    "Decision",
    "FirstToRegister",
    "HigherLevelWins",
    "IncumbentWins",
    "ManualReview",
    "ReducedBenefitForSecond",
    "Resolution",
    "ResolutionPolicy",
]


class Decision(enum.StrEnum):
    """What a policy decided for a registration.

    .. versionadded:: 0.1.0
    """

    APPROVE = "approve"
    APPROVE_REDUCED = "approve_reduced"
    REJECT = "reject"
    REVIEW = "review"


@attrs.frozen
class Resolution:
    """A policy's outcome for one registration.

    Args:
        decision: Approve, approve at a reduced benefit, reject or review.
        policy: The name of the policy that decided.
        reason: Why, in words.
        benefit_factor: The share of the usual benefit (``1``; less for ``approve_reduced``,
            ``0`` when rejected).
        winner_id: The registration that holds the customer after this decision, when a
            contest was decided.
        conflict_classes: The conflict classes the decision was about.

    .. versionadded:: 0.1.0
    """

    decision: Decision
    policy: str
    reason: str
    benefit_factor: Decimal = Decimal(1)
    winner_id: str | None = None
    conflict_classes: tuple[ConflictClass, ...] = ()

    def __str__(self) -> str:
        return f"{self.decision.value} by {self.policy}: {self.reason}"


@runtime_checkable
class ResolutionPolicy(Protocol):
    """**Protocol:** decides what happens to a registration given its conflicts.

    .. versionadded:: 0.1.0
    """

    @property
    def name(self) -> str:
        """A short, stable name for the policy (shown in every :class:`Resolution`)."""
        ...

    def resolve(self, registration: DealRegistration, report: ConflictReport) -> Resolution:
        """The outcome for *registration* given *report* (from the detector)."""
        ...


def _others(conflicts: tuple[Conflict, ...]) -> str:
    return ", ".join(sorted(str(c.other_id) for c in conflicts))


def _before_contest(
    name: str, registration: DealRegistration, report: ConflictReport
) -> Resolution | None:
    """The outcome every shipped policy gives for the classes other than the partner
    contest, or ``None`` to go on with the contest."""
    if not report.conflicts:
        return Resolution(Decision.APPROVE, name, "no conflict found")
    duplicates = report.of_class(ConflictClass.SAME_PARTNER_DUPLICATE)
    if duplicates:
        return Resolution(
            Decision.REJECT,
            name,
            f"duplicate of the partner's own registration {_others(duplicates)}",
            Decimal(0),
            winner_id=min(str(c.other_id) for c in duplicates),
            conflict_classes=(ConflictClass.SAME_PARTNER_DUPLICATE,),
        )
    accounts = report.of_class(ConflictClass.HOUSE_OR_NAMED_ACCOUNT)
    if accounts:
        return Resolution(
            Decision.REJECT,
            name,
            accounts[0].rule,
            Decimal(0),
            conflict_classes=(ConflictClass.HOUSE_OR_NAMED_ACCOUNT,),
        )
    review = [
        cls
        for cls in (ConflictClass.EXISTING_CUSTOMER, ConflictClass.OUT_OF_TERRITORY)
        if report.of_class(cls)
    ]
    if review:
        rules = "; ".join(c.rule for cls in review for c in report.of_class(cls))
        return Resolution(Decision.REVIEW, name, rules, conflict_classes=tuple(review))
    return None


def _contest(report: ConflictReport) -> tuple[Conflict, ...]:
    return report.of_class(ConflictClass.PARTNER_VS_PARTNER)


def _claim_time(registration: DealRegistration) -> dt.datetime:
    return registration.submitted_at or registration.created_at


@attrs.frozen
class FirstToRegister:
    """The earliest submission wins: the registration submitted first (ties: the smaller id)
    is approved, later ones rejected.

    .. versionadded:: 0.1.0
    """

    name: str = "first_to_register"

    def resolve(self, registration: DealRegistration, report: ConflictReport) -> Resolution:
        """See :class:`ResolutionPolicy`."""
        early = _before_contest(self.name, registration, report)
        if early is not None:
            return early
        return self._contest(registration, _contest(report))

    def _contest(self, registration: DealRegistration, contest: tuple[Conflict, ...]) -> Resolution:
        mine = (_claim_time(registration), str(registration.id))
        rivals = sorted(
            ((c.other_submitted_at or mine[0], str(c.other_id)) for c in contest),
        )
        first = rivals[0]
        classes = (ConflictClass.PARTNER_VS_PARTNER,)
        if mine < first:
            return Resolution(
                Decision.APPROVE,
                self.name,
                f"registered first ({mine[0].isoformat()}), before {_others(contest)}",
                winner_id=mine[1],
                conflict_classes=classes,
            )
        return Resolution(
            Decision.REJECT,
            self.name,
            f"registration {first[1]} was submitted first ({first[0].isoformat()})",
            Decimal(0),
            winner_id=first[1],
            conflict_classes=classes,
        )


_FIRST = FirstToRegister()


@attrs.frozen
class IncumbentWins:
    """A partner that won a deal with the customer in the last ``days`` wins the contest;
    without an incumbent, the fallback decides.

    Args:
        days: How far back a win counts (at most the detector's ``incumbent_days``, which
            limits the prior wins it reports).
        fallback: Decides contests without an incumbent.

    .. versionadded:: 0.1.0
    """

    days: int = 365
    fallback: FirstToRegister = _FIRST
    name: str = "incumbent_wins"

    def resolve(self, registration: DealRegistration, report: ConflictReport) -> Resolution:
        """See :class:`ResolutionPolicy`."""
        early = _before_contest(self.name, registration, report)
        if early is not None:
            return early
        since = report.as_of - dt.timedelta(days=self.days)
        recent = [w for w in report.prior_wins if w.won_at >= since]
        classes = (ConflictClass.PARTNER_VS_PARTNER,)
        if not recent:
            outcome = self.fallback.resolve(registration, report)
            return attrs.evolve(
                outcome,
                policy=self.name,
                reason=f"no incumbent in the last {self.days} days; {outcome.policy}: "
                f"{outcome.reason}",
            )
        incumbent = recent[0]  # newest first
        if incumbent.partner_id == registration.partner_id:
            return Resolution(
                Decision.APPROVE,
                self.name,
                f"the partner is the incumbent: it won {incumbent.registration_id} on "
                f"{incumbent.won_at.date().isoformat()}",
                winner_id=str(registration.id),
                conflict_classes=classes,
            )
        return Resolution(
            Decision.REJECT,
            self.name,
            f"partner {incumbent.partner_id} is the incumbent: it won "
            f"{incumbent.registration_id} on {incumbent.won_at.date().isoformat()}",
            Decimal(0),
            conflict_classes=classes,
        )


@attrs.frozen
class HigherLevelWins:
    """The partner at the higher program level wins the contest; equal levels go to the
    fallback.

    Args:
        levels: Each partner's level rank (higher is better; partners not listed rank 0),
            for example from the program-level assignments.
        fallback: Decides ties.

    .. versionadded:: 0.1.0
    """

    levels: Mapping[str, int] = attrs.field(factory=dict)
    fallback: FirstToRegister = _FIRST
    name: str = "higher_level_wins"

    def resolve(self, registration: DealRegistration, report: ConflictReport) -> Resolution:
        """See :class:`ResolutionPolicy`."""
        early = _before_contest(self.name, registration, report)
        if early is not None:
            return early
        contest = _contest(report)
        mine = self.levels.get(registration.partner_id, 0)
        best = max(self.levels.get(str(c.other_partner_id), 0) for c in contest)
        classes = (ConflictClass.PARTNER_VS_PARTNER,)
        if mine > best:
            return Resolution(
                Decision.APPROVE,
                self.name,
                f"the partner's level ({mine}) is above every rival's (at most {best})",
                winner_id=str(registration.id),
                conflict_classes=classes,
            )
        if mine < best:
            top = sorted(
                str(c.other_id)
                for c in contest
                if self.levels.get(str(c.other_partner_id), 0) == best
            )
            return Resolution(
                Decision.REJECT,
                self.name,
                f"registration {top[0]} belongs to a partner at a higher level ({best} > {mine})",
                Decimal(0),
                winner_id=top[0],
                conflict_classes=classes,
            )
        tied = tuple(c for c in contest if self.levels.get(str(c.other_partner_id), 0) == best)
        outcome = self.fallback._contest(registration, tied)
        return attrs.evolve(
            outcome,
            policy=self.name,
            reason=f"levels tied at {mine}; {outcome.policy}: {outcome.reason}",
        )


@attrs.frozen
class ManualReview:
    """Conflicts whose customer match is in the grey zone (the ``review`` band) go to a
    person; clear cases go to the fallback.

    .. versionadded:: 0.1.0
    """

    fallback: FirstToRegister = _FIRST
    name: str = "manual_review"

    def resolve(self, registration: DealRegistration, report: ConflictReport) -> Resolution:
        """See :class:`ResolutionPolicy`."""
        if not report.conflicts:
            return Resolution(Decision.APPROVE, self.name, "no conflict found")
        grey = [c for c in report.conflicts if c.band is MatchBand.REVIEW]
        if grey:
            scores = ", ".join(f"{c.other_id} {c.score:.3f}" for c in grey)
            return Resolution(
                Decision.REVIEW,
                self.name,
                f"the customer may or may not be the same (grey zone: {scores})",
                conflict_classes=tuple(sorted({c.conflict_class for c in grey})),
            )
        outcome = self.fallback.resolve(registration, report)
        return attrs.evolve(outcome, policy=self.name, reason=f"clear case; {outcome.reason}")


def _factor(value: object) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"float {value!r} is not accepted for factor: pass a str or Decimal")
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValidationError(f"must be a Decimal, got {value!r}", "factor")
    try:
        factor = Decimal(value)
    except ArithmeticError:
        raise ValidationError(f"not a decimal number: {value!r}", "factor") from None
    if not (factor.is_finite() and 0 <= factor <= 1):
        raise ValidationError(f"must be between 0 and 1, got {value}", "factor")
    return factor


@attrs.frozen
class ReducedBenefitForSecond:
    """A later partner is approved too, at a reduced benefit; the first keeps the full one.

    Args:
        factor: The share of the usual benefit the later partner gets (between 0 and 1).

    Raises:
        ValidationError: *factor* is not between 0 and 1.
        TypeError: *factor* is a float.

    .. versionadded:: 0.1.0
    """

    factor: Decimal = attrs.field(default=Decimal("0.5"), converter=_factor)
    name: str = "reduced_benefit_for_second"

    def resolve(self, registration: DealRegistration, report: ConflictReport) -> Resolution:
        """See :class:`ResolutionPolicy`."""
        early = _before_contest(self.name, registration, report)
        if early is not None:
            return early
        first = _FIRST._contest(registration, _contest(report))
        if first.decision is Decision.APPROVE:
            return attrs.evolve(first, policy=self.name)
        return Resolution(
            Decision.APPROVE_REDUCED,
            self.name,
            f"approved as a later partner at {self.factor} of the benefit; {first.reason}",
            self.factor,
            winner_id=first.winner_id,
            conflict_classes=first.conflict_classes,
        )
