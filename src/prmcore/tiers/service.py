"""The program service: evaluate partners against the program ladder, apply the level policy,
watch certification compliance, and announce every change, all in one unit of work per call.

For each partner, :meth:`ProgramService.evaluate`:

1. computes the *certified headcount* metrics (a :class:`CertifiedHeadcount` names a count
   metric of the program and the certification type it counts) from the people affiliated
   with the partner on ``as_of`` and their awards, with
   :func:`~prmcore.certifications.compliance`, and adds the host's own metric values
   (revenue, deals, customer satisfaction...);
2. judges every level with :func:`~prmcore.tiers.eligibility` and stores the dated evaluation
   in the partner's :class:`~prmcore.tiers.LevelRecord`;
3. decides the assigned level with :func:`~prmcore.tiers.decide` under the
   :class:`~prmcore.tiers.LevelPolicy`: a promotion or demotion is appended to the history,
   stored on the partner (``program_level_id``) and announced with
   :class:`~prmcore.tiers.LevelChanged`; a change that needs approval is stored as pending and
   announced once with :class:`~prmcore.tiers.LevelChangePending` (until
   :meth:`ProgramService.approve` applies it, or a later evaluation no longer calls for it);
4. checks the certification requirements of the partner's level — its requirements on
   headcount metrics, read as "at least N people holding the type" — and publishes
   :class:`~prmcore.certifications.ComplianceLost` when the partner falls short, once per
   lapse (the record remembers the last result).

Events are published after the commit; a failure anywhere (a bad metric value for the tenth
partner, a conflict) rolls the whole call back and publishes nothing.

:meth:`ProgramService.at_risk` answers "which partners will fall out of compliance for their
level soon, if nobody renews", with :func:`~prmcore.certifications.forecast_compliance_loss`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from prmcore._checks import Checks, to_tuple
from prmcore.certifications import (
    AwardIndex,
    CertificationAward,
    CertificationRequirement,
    ComplianceLost,
    ComplianceReport,
    compliance,
    forecast_compliance_loss,
)
from prmcore.certifications.service import load_catalog
from prmcore.domain import Affiliation, Partner, PartnerId, PartnerStatus, ProgramLevelId
from prmcore.errors import InvalidTransition, Problem, ValidationError, join_path
from prmcore.events import Clock, DomainEvent, IdFactory
from prmcore.repositories.protocols import UnitOfWork
from prmcore.tiers.evaluator import (
    CertifiedHeadcount,
    PartnerEvaluation,
    ProgramEvaluator,
    certification_requirements,
)
from prmcore.tiers.events import LevelChanged, decision_event
from prmcore.tiers.level_policy import (
    DecisionKind,
    LevelChange,
    LevelDecision,
    LevelEvaluation,
    LevelPolicy,
)
from prmcore.tiers.level_record import LevelRecord
from prmcore.tiers.metrics import MetricKind, MetricValue
from prmcore.tiers.program import Program

__all__ = [
    "CertifiedHeadcount",
    "ComplianceRisk",
    "PartnerEvaluation",
    "ProgramService",
]

_NO_VALUES: Mapping[str, MetricValue] = {}


@attrs.frozen
class ComplianceRisk:
    """A partner that will not meet its level's certification requirements on
    :attr:`loses_on` unless someone renews or gets certified.

    .. versionadded:: 0.1.0
    """

    partner_id: PartnerId
    """The partner."""
    level_id: str
    """Its current level."""
    loses_on: dt.date
    """The first day a requirement is no longer met."""
    report: ComplianceReport
    """How it stands on the day asked about."""


class ProgramService:
    """Evaluates partners against a program, applies its level policy and watches their
    certification compliance, publishing :class:`~prmcore.tiers.LevelChanged`,
    :class:`~prmcore.tiers.LevelChangePending` and
    :class:`~prmcore.certifications.ComplianceLost`.

    Args:
        uow_factory: Makes a new, not yet entered unit of work; each call uses one.
        clock: Gives the time stamped on events.
        ids: Gives the event ids.
        program: The program ladder.
        policy: How assigned levels follow eligibility.
        headcounts: The program's metrics computed from certifications.

    Raises:
        ValidationError: Listing every problem: *program* or *policy* of the wrong type, a
            headcount for a metric the program does not have (``headcounts[0].metric_id``),
            that is not a ``count`` metric, or that appears twice.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdFactory,
        program: Program,
        policy: LevelPolicy,
        headcounts: Iterable[CertifiedHeadcount] = (),
    ) -> None:
        counts = to_tuple(headcounts)
        c = Checks()
        program_ok = c.instance("program", program, Program)
        c.instance("policy", policy, LevelPolicy)
        seen: set[str] = set()
        for i, headcount in enumerate(counts):
            path = f"headcounts[{i}]"
            if not c.instance(path, headcount, CertifiedHeadcount) or not program_ok:
                continue
            metric = next((m for m in program.metrics if m.id == headcount.metric_id), None)
            if metric is None:
                c.add(f"{path}.metric_id", f"the program has no metric {headcount.metric_id!r}")
            elif metric.kind is not MetricKind.COUNT:
                c.add(f"{path}.metric_id", f"must be a count metric, not {metric.kind.value}")
            if headcount.metric_id in seen:
                c.add(f"{path}.metric_id", f"metric {headcount.metric_id!r} is counted twice")
            seen.add(headcount.metric_id)
        c.done()
        self._uow_factory = uow_factory
        self._clock = clock
        self._ids = ids
        self._program = program
        self._policy = policy
        self._headcounts = counts
        self._counted = {h.metric_id: h.type_id for h in counts}

    @property
    def program(self) -> Program:
        """The program the service evaluates against."""
        return self._program

    def certification_requirements(self, level_id: str | None) -> list[CertificationRequirement]:
        """The certification requirements of *level_id*: each of its requirements on a
        headcount metric, as "at least *threshold* people holding the type". Empty for
        ``None`` or a level that is not in the program.
        """
        return certification_requirements(self._program, self._counted, level_id)

    # -- evaluation -------------------------------------------------------------------------

    def evaluate(
        self,
        as_of: dt.date,
        metrics: Mapping[str, Mapping[str, MetricValue]] | None = None,
        *,
        partner_ids: Iterable[PartnerId | str] | None = None,
    ) -> list[PartnerEvaluation]:
        """Evaluate partners on *as_of*, apply the level policy and check compliance, in one
        unit of work; publish the events after the commit.

        Args:
            as_of: The day evaluated (each metric value covers its window ending that day).
            metrics: By partner id, the host's metric values (Money, int or Decimal); metrics
                a partner lacks count as zero. Headcount metrics are computed, not supplied.
            partner_ids: The partners to evaluate (default: every ``active`` partner).

        Returns:
            One :class:`PartnerEvaluation` per partner, sorted by partner id.

        Raises:
            NotFoundError: A partner in *partner_ids* does not exist.
            ValidationError: A bad value (``metrics.p-1.revenue``), a supplied value for a
                headcount metric, metrics for a partner that is not evaluated, a stored level
                that is not in the program, a stored award of an unknown type.
            ConflictError: Another unit changed a partner or record meanwhile.
        """
        c = Checks()
        c.date("as_of", as_of)
        given = metrics if metrics is not None else {}
        c.instance("metrics", given, Mapping)
        c.done()
        with self._uow_factory() as uow:
            partners, affiliations, awards = self._load(uow, partner_ids)
            self._check_metrics(given, {p.id for p in partners})
            catalog = load_catalog(uow)
            evaluator = ProgramEvaluator(
                self._program, self._policy, catalog, AwardIndex(awards, catalog), self._headcounts
            )
            records = {r.partner_id: r for r in uow.level_records.list()}
            now = self._clock.now()
            results: list[PartnerEvaluation] = []
            events: list[DomainEvent] = []
            for partner in partners:
                result, found = self._evaluate_one(
                    uow,
                    evaluator,
                    partner,
                    given.get(partner.id, _NO_VALUES),
                    affiliations.get(partner.id, []),
                    records.get(partner.id),
                    as_of,
                    now,
                )
                results.append(result)
                events.extend(found)
            uow.collect(*events)
            uow.commit()
        return results

    def _load(
        self, uow: UnitOfWork, partner_ids: Iterable[PartnerId | str] | None
    ) -> tuple[list[Partner], dict[str, list[Affiliation]], list[CertificationAward]]:
        if partner_ids is None:
            partners = uow.partners.list(status=PartnerStatus.ACTIVE)
            everyone = uow.affiliations.list()
            awards = uow.certification_awards.list()
        else:
            wanted = sorted(set(partner_ids))
            partners = [uow.partners.get(PartnerId(pid)) for pid in wanted]
            everyone = [a for p in partners for a in uow.affiliations.for_partner(p.id)]
            people = sorted({a.person_id for a in everyone})
            awards = [a for person in people for a in uow.certification_awards.for_person(person)]
        by_partner: dict[str, list[Affiliation]] = {}
        for affiliation in everyone:
            by_partner.setdefault(affiliation.partner_id, []).append(affiliation)
        return partners, by_partner, awards

    def _check_metrics(self, given: Mapping[str, object], evaluated: set[PartnerId]) -> None:
        c = Checks()
        for partner_id, values in given.items():
            if partner_id not in evaluated:
                c.add(f"metrics.{partner_id}", "is not a partner being evaluated")
            elif c.instance(f"metrics.{partner_id}", values, Mapping):
                assert isinstance(values, Mapping)
                for metric_id in values:
                    if metric_id in self._counted:
                        c.add(
                            f"metrics.{partner_id}.{metric_id}",
                            "is computed from certifications; do not supply it",
                        )
        c.done()

    def _evaluate_one(
        self,
        uow: UnitOfWork,
        evaluator: ProgramEvaluator,
        partner: Partner,
        values: Mapping[str, MetricValue],
        affiliations: Sequence[Affiliation],
        stored: LevelRecord | None,
        as_of: dt.date,
        now: dt.datetime,
    ) -> tuple[PartnerEvaluation, list[DomainEvent]]:
        record = stored or LevelRecord(partner.id)
        history = record.history
        current = history.level_on(as_of) if history.changes else partner.program_level_id
        try:
            result = evaluator.evaluate(
                partner.id,
                as_of,
                values,
                affiliations,
                current_level=current,
                history=history,
                evaluations=record.evaluations,
            )
        except ValidationError as err:
            raise _partner_problems(err, partner.id) from None
        record = record.with_evaluation(LevelEvaluation.from_report(result.report))
        decision = result.decision
        events: list[DomainEvent] = []
        pending = None
        if decision.kind in (DecisionKind.PROMOTE, DecisionKind.DEMOTE):
            change = decision.change()
            record = attrs.evolve(record, history=history.append(change))
            uow.partners.update(
                attrs.evolve(partner, program_level_id=ProgramLevelId(change.to_level))
            )
            events.append(self._event(decision, now))
        elif decision.kind is DecisionKind.PENDING:
            pending = decision
            earlier = record.pending
            if earlier is not None and _same_change(earlier, decision):
                pending = earlier  # announced already
            else:
                events.append(self._event(decision, now))
        report_now = result.compliance
        if not report_now.compliant and record.compliant is not False:
            events.append(
                ComplianceLost.for_report(
                    report_now, level_id=result.level_id, id=self._ids(), occurred_at=now
                )
            )
        record = attrs.evolve(record, pending=pending, compliant=report_now.compliant)
        if stored is None:
            uow.level_records.add(record)
        else:
            uow.level_records.update(record)
        return result, events

    def _event(self, decision: LevelDecision, now: dt.datetime) -> DomainEvent:
        event = decision_event(decision, id=self._ids(), occurred_at=now)
        assert event is not None
        return event

    # -- approval ---------------------------------------------------------------------------

    def approve(self, partner_id: PartnerId | str, approved_by: str) -> LevelChange:
        """Apply the partner's pending level change, approved by *approved_by*, and publish
        :class:`~prmcore.tiers.LevelChanged`.

        Returns:
            The change as appended to the partner's level history.

        Raises:
            NotFoundError: No such partner, or it was never evaluated.
            InvalidTransition: The partner has no pending change.
            ValidationError: A bad *approved_by*, or the change no longer follows the history.
            ConflictError: Another unit changed the partner or record meanwhile.
        """
        with self._uow_factory() as uow:
            record = uow.level_records.get(PartnerId(partner_id))
            partner = uow.partners.get(PartnerId(partner_id))
            pending = record.pending
            if pending is None:
                raise InvalidTransition("LevelRecord", "no pending change", "approved", ())
            change = pending.change(approved_by)
            history = record.history.append(change)
            uow.level_records.update(attrs.evolve(record, history=history, pending=None))
            uow.partners.update(
                attrs.evolve(partner, program_level_id=ProgramLevelId(change.to_level))
            )
            assert pending.proposed is not None
            uow.collect(
                LevelChanged.for_change(
                    change, pending.proposed, id=self._ids(), occurred_at=self._clock.now()
                )
            )
            uow.commit()
        return change

    # -- reading ----------------------------------------------------------------------------

    def at_risk(self, as_of: dt.date, within_days: int) -> list[ComplianceRisk]:
        """The active partners that will stop meeting their level's certification requirements
        within *within_days* days after *as_of* if nobody renews (already out of compliance
        counts: they lose it the next day), soonest first, then by partner id. Reads only.

        Raises:
            ValidationError: A bad *as_of* or *within_days* (at least 0).
        """
        c = Checks()
        c.date("as_of", as_of)
        c.integer("within_days", within_days, minimum=0, maximum=36600)
        c.done()
        horizon = as_of + dt.timedelta(days=within_days) if as_of < dt.date.max else as_of
        with self._uow_factory() as uow:
            partners, affiliations, awards = self._load(uow, None)
            catalog = load_catalog(uow)
            index = AwardIndex(awards, catalog)
            risks: list[ComplianceRisk] = []
            for partner in partners:
                level = partner.program_level_id
                needed = self.certification_requirements(level)
                if not needed:
                    continue
                assert level is not None
                mine = affiliations.get(partner.id, [])
                loses = forecast_compliance_loss(partner.id, needed, mine, index, catalog, as_of)
                if loses is not None and loses <= horizon:
                    report = compliance(partner.id, needed, mine, index, catalog, as_of)
                    risks.append(ComplianceRisk(partner.id, level, loses, report))
        return sorted(risks, key=lambda r: (r.loses_on, r.partner_id))


def _partner_problems(err: ValidationError, partner_id: str) -> ValidationError:
    """Problems found while evaluating a partner: its metric values at
    ``metrics.<partner>.<metric>``, anything else (a stored level the program does not know)
    at ``partners.<partner>...``."""
    problems = []
    for problem in err.problems:
        if problem.path.startswith("values."):
            path = join_path(f"metrics.{partner_id}", problem.path.removeprefix("values."))
        else:
            path = join_path(f"partners.{partner_id}", problem.path)
        problems.append(Problem(path, problem.message))
    return ValidationError(problems)


def _same_change(earlier: LevelDecision, later: LevelDecision) -> bool:
    return (earlier.proposed, earlier.from_level, earlier.to_level) == (
        later.proposed,
        later.from_level,
        later.to_level,
    )
