"""Evaluate many partners against one program: certified headcounts, eligibility, the level
decision and certification compliance, with what depends only on the program, the policy and
the certifications worked out once.

A :class:`ProgramEvaluator` is built once for a :class:`~prmcore.tiers.Program`, a
:class:`~prmcore.tiers.LevelPolicy`, a
:class:`~prmcore.certifications.CertificationCatalog` and the awards (an
:class:`~prmcore.certifications.AwardIndex`), and then evaluates one partner per
:meth:`~ProgramEvaluator.evaluate` call. The result is exactly what the functions give one by
one —

1. the certified headcounts: :func:`~prmcore.certifications.compliance` with one
   "at least one person" requirement per :class:`CertifiedHeadcount`, each metric's value being
   the number of people counted;
2. the eligibility report: :func:`~prmcore.tiers.eligibility` on the partner's values with the
   headcounts added (a supplied value for a headcount metric is replaced by the count);
3. the decision: :func:`~prmcore.tiers.decide` on the earlier evaluations and the new one (an
   earlier evaluation on the same day is replaced);
4. the compliance report: :func:`~prmcore.certifications.compliance` with the certification
   requirements (:meth:`ProgramEvaluator.certification_requirements`) of the partner's level
   after the decision (a ``pending`` change is not applied);

— but the program's requirement lookups, the level positions, each level's certification
requirements and the catalog's ``satisfies`` closure are resolved once, the inputs that were
checked at construction are not checked again for every partner, and the people counted are
looked up once per partner for the headcounts and the compliance report together. Every
partner's own inputs are still checked: common values (Money in the metric's currency, whole
counts, percentages from 0 to 100, plain numbers) pass a quick test, and anything else goes
through the full checks of the functions above, so a bad value raises the same problem.

:class:`~prmcore.tiers.service.ProgramService` evaluates partners with it.

Examples:
    >>> evaluator = ProgramEvaluator(program, policy, catalog, AwardIndex(awards, catalog),
    ...                              [CertifiedHeadcount("certified_security", "sec-spec")])
    ... # doctest: +SKIP
    >>> result = evaluator.evaluate("acme", as_of, {"revenue": Money(300_000, "USD")},
    ...                             affiliations, current_level="silver")  # doctest: +SKIP
    >>> result.decision.kind, result.compliance.compliant  # doctest: +SKIP
    (<DecisionKind.PROMOTE: 'promote'>, True)

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from prmcore._build import slot_setters
from prmcore._checks import _ID_RE, _TRUSTED, Checks, Validated, to_tuple
from prmcore.certifications import (
    AwardIndex,
    CertificationAward,
    CertificationCatalog,
    CertificationRequirement,
    CertificationTypeId,
    ComplianceReport,
    compliance,
)
from prmcore.certifications import RequirementResult as CertificationResult
from prmcore.domain import Affiliation, PartnerId, PersonId
from prmcore.errors import Problem, ValidationError
from prmcore.money import Money
from prmcore.tiers._numbers import MAX_MAGNITUDE
from prmcore.tiers.eligibility import EligibilityReport, LevelGap, _judge, eligibility, gap_to_next
from prmcore.tiers.level_policy import (
    DecisionKind,
    LevelDecision,
    LevelEvaluation,
    LevelHistory,
    LevelPolicy,
    _Decider,
    decide,
)
from prmcore.tiers.metrics import MetricKind, MetricValue, PartnerMetrics
from prmcore.tiers.program import Program

__all__ = [
    "CertifiedHeadcount",
    "PartnerEvaluation",
    "ProgramEvaluator",
]

_LIMIT = int(MAX_MAGNITUDE)
_NO_VALUES: Mapping[str, MetricValue] = {}
_CHANGES = (DecisionKind.PROMOTE, DecisionKind.DEMOTE)
_ON = operator.attrgetter("on")
_NEW = object.__new__


@attrs.frozen
class CertifiedHeadcount(Validated):
    """A program metric whose value is the number of people affiliated with the partner who
    hold a certification type (or a type that satisfies it) on the day.

    Args:
        metric_id: A ``count`` metric of the program (``"certified_security"``).
        type_id: The certification type it counts.

    Raises:
        ValidationError: A bad id.

    .. versionadded:: 0.1.0
    """

    metric_id: str
    """The program metric."""
    type_id: CertificationTypeId
    """The certification type counted."""

    def _validate(self, c: Checks) -> None:
        c.identifier("metric_id", self.metric_id)
        c.identifier("type_id", self.type_id)


@attrs.frozen
class PartnerEvaluation:
    """What :meth:`ProgramEvaluator.evaluate` (and
    :meth:`ProgramService.evaluate <prmcore.tiers.service.ProgramService.evaluate>`) found for
    one partner.

    .. versionadded:: 0.1.0
    """

    partner_id: PartnerId
    """The partner."""
    report: EligibilityReport
    """Every level judged, with values, thresholds and shortfalls."""
    decision: LevelDecision
    """What the level policy decided."""
    level_id: str | None
    """The partner's level after the decision (a pending change is not applied)."""
    compliance: ComplianceReport
    """The certification requirements of that level: held, required and the gaps."""

    def gap(self, level_id: str | None = None, *, locale: str = "en_US") -> LevelGap:
        """The gaps to *level_id*, in words (see :func:`~prmcore.tiers.gap_to_next`). By
        default, to the level ranked right above the partner's level after the decision (the
        next level up for a partner without one); at the top of the ladder, no gaps.

        Raises:
            NotFoundError: *level_id* is not a level of the program.

        .. versionadded:: 0.1.0
        """
        if level_id is None and self.level_id is not None:
            ranked = [result.level_id for result in self.report.levels]
            above = ranked.index(self.level_id) + 1
            if above == len(ranked):
                return LevelGap(None, "", (), "")
            level_id = ranked[above]
        return gap_to_next(self.report, level_id=level_id, locale=locale)


def certification_requirements(
    program: Program, counted: Mapping[str, CertificationTypeId], level_id: str | None
) -> list[CertificationRequirement]:
    """The certification requirements of *level_id*: each of its requirements on a metric in
    *counted* (metric id to certification type) with a positive whole threshold (an ``int``,
    or a ``Decimal`` such as ``Decimal(2)`` or ``Decimal("2.0")``), as "at least *threshold*
    people holding the type". Empty for ``None`` or a level not in *program*."""
    if level_id is None or level_id not in {level.id for level in program.levels}:
        return []
    found = []
    for requirement in program.level(level_id).requirements:
        type_id = counted.get(requirement.metric_id)
        least = _whole(requirement.threshold)
        if type_id is not None and least is not None and least > 0:
            found.append(CertificationRequirement(type_id, least))
    return found


def _whole(threshold: object) -> int | None:
    """A threshold as an ``int`` when it is a whole number (an ``int``, or a finite whole
    ``Decimal``), else ``None`` (Money, a fraction)."""
    if isinstance(threshold, int) and not isinstance(threshold, bool):
        return threshold
    if isinstance(threshold, Decimal) and threshold.is_finite():
        whole = threshold.to_integral_value()
        if threshold == whole:
            return int(whole)
    return None


def _quick_fit(kind: MetricKind, currency: str | None, value: object) -> bool:
    """Whether *value* is a common value that certainly passes every check for a metric of
    *kind* unchanged (:class:`PartnerMetrics` would not convert it, :func:`eligibility` would
    accept it); anything else gets the full checks."""
    if kind is MetricKind.MONEY:
        return type(value) is Money and value.currency == currency
    if type(value) is int:
        if kind is MetricKind.COUNT:
            return 0 <= value < _LIMIT
        if kind is MetricKind.PERCENTAGE:
            return 0 <= value <= 100
        return -_LIMIT < value < _LIMIT
    if type(value) is Decimal and kind is not MetricKind.COUNT:
        if not value.is_finite() or (value.is_zero() and value.is_signed()):
            return False  # refused, or converted from -0
        if kind is MetricKind.PERCENTAGE:
            return 0 <= value <= 100
        return -_LIMIT < value < _LIMIT
    return False


(_LD_PARTNER, _LD_KIND, _LD_FROM, _LD_TO, _LD_ON, _LD_REASON, _LD_PROPOSED) = slot_setters(
    LevelDecision,
    ("partner_id", "kind", "from_level", "to_level", "effective_on", "reason", "proposed"),
    final_values=True,
)
(_CR_REQUIREMENT, _CR_PEOPLE) = slot_setters(CertificationResult, ("requirement", "people"))
(_CP_PARTNER, _CP_AS_OF, _CP_RESULTS) = slot_setters(
    ComplianceReport, ("partner_id", "as_of", "results")
)
(_PE_PARTNER, _PE_REPORT, _PE_DECISION, _PE_LEVEL, _PE_COMPLIANCE) = slot_setters(
    PartnerEvaluation, ("partner_id", "report", "decision", "level_id", "compliance")
)


def _decision(
    partner_id: str,
    kind: DecisionKind,
    from_level: str | None,
    to_level: str | None,
    effective_on: dt.date | None,
    reason: str,
    proposed: DecisionKind | None,
) -> LevelDecision:
    """The :class:`LevelDecision` the constructor builds from these fields, which are already
    in their final form and valid together (the kind, target, date, reason and proposal of a
    decision built before, a checked partner id and current level): nothing is converted or
    checked again (see :mod:`prmcore._build`)."""
    decision: LevelDecision = _NEW(LevelDecision)
    _LD_PARTNER(decision, partner_id)
    _LD_KIND(decision, kind)
    _LD_FROM(decision, from_level)
    _LD_TO(decision, to_level)
    _LD_ON(decision, effective_on)
    _LD_REASON(decision, reason)
    _LD_PROPOSED(decision, proposed)
    return decision


def _certification_result(
    requirement: CertificationRequirement, people: tuple[PersonId, ...]
) -> CertificationResult:
    """``RequirementResult(requirement, people)`` of the certifications, built field by field."""
    result: CertificationResult = _NEW(CertificationResult)
    _CR_REQUIREMENT(result, requirement)
    _CR_PEOPLE(result, people)
    return result


def _compliance_report(
    partner_id: str, as_of: dt.date, results: tuple[CertificationResult, ...]
) -> ComplianceReport:
    """``ComplianceReport(partner_id, as_of, results)``, built field by field."""
    report: ComplianceReport = _NEW(ComplianceReport)
    _CP_PARTNER(report, partner_id)
    _CP_AS_OF(report, as_of)
    _CP_RESULTS(report, results)
    return report


def _partner_evaluation(
    partner_id: str,
    report: EligibilityReport,
    decision: LevelDecision,
    level_id: str | None,
    compliance: ComplianceReport,
) -> PartnerEvaluation:
    """``PartnerEvaluation(...)`` of these fields, built field by field."""
    evaluation: PartnerEvaluation = _NEW(PartnerEvaluation)
    _PE_PARTNER(evaluation, partner_id)
    _PE_REPORT(evaluation, report)
    _PE_DECISION(evaluation, decision)
    _PE_LEVEL(evaluation, level_id)
    _PE_COMPLIANCE(evaluation, compliance)
    return evaluation


def _values_problems(err: ValidationError) -> ValidationError:
    """Problems with the partner's metric values, at ``values.<metric>`` whether
    :class:`PartnerMetrics` or :func:`eligibility` found them."""
    return ValidationError(
        [Problem(p.path.removeprefix("metrics."), p.message) for p in err.problems]
    )


class ProgramEvaluator:
    """Evaluates partners one after another against one program, policy and set of awards (see
    the module docs): the same results as the engine functions, with the per-program work done
    once.

    Args:
        program: The program ladder.
        policy: How assigned levels follow eligibility.
        catalog: The certification types.
        awards: An :class:`~prmcore.certifications.AwardIndex` built with *catalog* (kept, not
            copied), or the awards to index.
        headcounts: The program's metrics computed from certifications.

    Raises:
        ValidationError: Listing every problem: an argument of the wrong type, an index built
            with another catalog (``awards``), an award of an unknown type
            (``awards[3].type_id``), a headcount for a metric the program does not have
            (``headcounts[0].metric_id``), that is not a ``count`` metric or that appears
            twice, or for a certification type not in the catalog (``headcounts[0].type_id``).

    .. versionadded:: 0.1.0
    """

    __slots__ = (
        "_catalog",
        "_counted",
        "_decisions",
        "_headcount_metrics",
        "_headcount_requirements",
        "_headcount_types",
        "_headcounts",
        "_index",
        "_kinds",
        "_level_requirements",
        "_policy",
        "_position",
        "_program",
    )

    def __init__(
        self,
        program: Program,
        policy: LevelPolicy,
        catalog: CertificationCatalog,
        awards: AwardIndex | Iterable[CertificationAward],
        headcounts: Iterable[CertifiedHeadcount] = (),
    ) -> None:
        counts = to_tuple(headcounts)
        c = Checks()
        program_ok = c.instance("program", program, Program)
        c.instance("policy", policy, LevelPolicy)
        catalog_ok = c.instance("catalog", catalog, CertificationCatalog)
        seen: set[str] = set()
        for i, headcount in enumerate(counts):
            path = f"headcounts[{i}]"
            if not c.instance(path, headcount, CertifiedHeadcount):
                continue
            if program_ok:
                metric = next((m for m in program.metrics if m.id == headcount.metric_id), None)
                if metric is None:
                    c.add(f"{path}.metric_id", f"the program has no metric {headcount.metric_id!r}")
                elif metric.kind is not MetricKind.COUNT:
                    c.add(f"{path}.metric_id", f"must be a count metric, not {metric.kind.value}")
                if headcount.metric_id in seen:
                    c.add(f"{path}.metric_id", f"metric {headcount.metric_id!r} is counted twice")
                seen.add(headcount.metric_id)
            if catalog_ok and headcount.type_id not in catalog:
                c.add(f"{path}.type_id", f"unknown certification type {headcount.type_id!r}")
        index: AwardIndex | None = None
        if isinstance(awards, AwardIndex):
            c.require(
                not catalog_ok or awards.catalog is catalog or awards.catalog == catalog,
                "awards",
                "the AwardIndex was built with a different catalog",
            )
            index = awards
        elif catalog_ok:
            try:
                index = AwardIndex(awards, catalog)
            except ValidationError as err:
                c.problems.extend(err.problems)
        c.done()
        assert index is not None
        self._program = program
        self._policy = policy
        self._catalog = catalog
        self._index = index
        self._headcounts = counts
        self._counted = {h.metric_id: h.type_id for h in counts}
        self._headcount_metrics = tuple(h.metric_id for h in counts)
        self._headcount_types = tuple(h.type_id for h in counts)
        self._headcount_requirements = tuple(CertificationRequirement(h.type_id) for h in counts)
        self._kinds = {m.id: (m.kind, m.currency) for m in program.metrics}
        self._position = {level.id: i for i, level in enumerate(program.ladder)}
        self._decisions: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._level_requirements = {
            level.id: tuple(certification_requirements(program, self._counted, level.id))
            for level in program.levels
        }

    @property
    def program(self) -> Program:
        """The program.

        .. versionadded:: 0.1.0
        """
        return self._program

    @property
    def policy(self) -> LevelPolicy:
        """The level policy.

        .. versionadded:: 0.1.0
        """
        return self._policy

    @property
    def index(self) -> AwardIndex:
        """The awards, indexed.

        .. versionadded:: 0.1.0
        """
        return self._index

    @property
    def headcounts(self) -> tuple[CertifiedHeadcount, ...]:
        """The metrics computed from certifications.

        .. versionadded:: 0.1.0
        """
        found: tuple[CertifiedHeadcount, ...] = self._headcounts
        return found

    def certification_requirements(self, level_id: str | None) -> list[CertificationRequirement]:
        """The certification requirements of *level_id*: each of its requirements on a
        headcount metric with a positive whole threshold, as "at least *threshold* people
        holding the type". Empty for ``None`` or a level that is not in the program.

        .. versionadded:: 0.1.0
        """
        return list(self._level_requirements.get(level_id, ())) if level_id is not None else []

    def evaluate(
        self,
        partner_id: PartnerId | str,
        as_of: dt.date,
        values: Mapping[str, MetricValue] | None = None,
        affiliations: Iterable[Affiliation] = (),
        *,
        current_level: str | None = None,
        history: LevelHistory | None = None,
        evaluations: Iterable[LevelEvaluation] = (),
    ) -> PartnerEvaluation:
        """Evaluate one partner on *as_of* (the steps are in the module docs). Nothing is
        stored and nothing is announced: that is the service's job.

        Args:
            partner_id: The partner.
            as_of: The day evaluated.
            values: The host's metric values (Money, int or Decimal); metrics the partner
                lacks count as zero; headcount metrics are computed.
            affiliations: Affiliations; only those with *partner_id* active on *as_of* count
                (others are ignored, so a host may pass everyone's).
            current_level: The partner's level in effect on *as_of* (``None``: not placed).
            history: The partner's level changes (default: none).
            evaluations: The partner's earlier evaluations (one on *as_of* is replaced by
                this one).

        Returns:
            The report, the decision, the level after it and the compliance report for it.

        Raises:
            TypeError: A value is a ``float``.
            ValidationError: As the functions of each step raise it, listing every problem:
                a bad *partner_id* or *as_of*, an item that is not an affiliation
                (``affiliations[2]``), a value that does not fit its metric
                (``values.revenue``), an unknown *current_level* or one that disagrees with
                *history*, bad *evaluations* (``evaluations[1].on``).

        .. versionadded:: 0.1.0
        """
        given = _NO_VALUES if values is None else values
        kept = (
            [e for e in evaluations if not isinstance(e, LevelEvaluation) or e.on != as_of]
            if evaluations
            else []
        )
        # Both paths may read the affiliations, so a one-shot iterable is read into a list.
        mine = affiliations if isinstance(affiliations, list | tuple) else list(affiliations)
        quick = self._quick(partner_id, as_of, given, mine, current_level, history, kept)
        if quick is not None:
            return quick
        return self._checked(partner_id, as_of, given, mine, current_level, history, kept)

    # -- the quick path -----------------------------------------------------------------------

    def _quick(
        self,
        partner_id: object,
        as_of: object,
        values: object,
        affiliations: Iterable[object],
        current_level: object,
        history: object,
        kept: Sequence[object],
    ) -> PartnerEvaluation | None:
        """The evaluation when every input is plainly valid, else ``None`` (then the full
        checks run and report what is wrong)."""
        if not (
            isinstance(partner_id, str)
            and _ID_RE.match(partner_id)
            and type(as_of) is dt.date
            and (type(values) is dict or isinstance(values, Mapping))
        ):
            return None
        position = self._position
        if current_level is not None and not (
            isinstance(current_level, str) and current_level in position
        ):
            return None
        since: dt.date | None = None
        if history is not None:
            if not isinstance(history, LevelHistory) or history.partner_id != partner_id:
                return None
            if history.changes:
                if history.level_on(as_of) != current_level:
                    return None
                last = history.last_change(as_of)
                since = None if last is None else last.effective_on
        earlier: tuple[tuple[dt.date, str | None], ...] = ()
        if kept:
            days: set[dt.date] = set()
            for evaluation in kept:
                if (
                    not isinstance(evaluation, LevelEvaluation)
                    or evaluation.on in days
                    or (evaluation.level_id is not None and evaluation.level_id not in position)
                ):
                    return None
                days.add(evaluation.on)
            earlier = tuple(sorted((e.on, e.level_id) for e in kept))  # type: ignore[attr-defined]
        kinds = self._kinds
        counted = self._counted
        for key, value in values.items():
            if key in counted:
                continue  # replaced by the count
            kind = kinds.get(key)
            if kind is None:
                return None
            if type(value) is Money:
                if kind[1] != value.currency:  # also refuses it for a metric without currency
                    return None
            elif not _quick_fit(kind[0], kind[1], value):
                return None
        people: set[PersonId] = set()
        for affiliation in affiliations:
            if not isinstance(affiliation, Affiliation):
                return None
            if (
                affiliation.partner_id == partner_id
                and affiliation.start <= as_of
                and (affiliation.end is None or as_of <= affiliation.end)
            ):
                people.add(affiliation.person_id)

        # Every input is valid: from here on nothing can fail.
        index = self._index
        types = self._headcount_types
        holders = (
            dict(zip(types, index._holders(people, types, as_of), strict=True)) if types else {}
        )
        merged = dict(values)
        for metric_id, type_id in zip(self._headcount_metrics, types, strict=True):
            merged[metric_id] = len(holders[type_id])
        report = _judge(self._program, partner_id, as_of, merged)
        decision = self._decide(partner_id, as_of, current_level, since, report, kept, earlier)
        level = decision.to_level if decision.kind in _CHANGES else current_level
        needed = () if level is None else self._level_requirements[level]
        missing = [r.type_id for r in needed if r.type_id not in holders]
        if missing:
            holders.update(zip(missing, index._holders(people, missing, as_of), strict=True))
        results = tuple([_certification_result(r, holders[r.type_id]) for r in needed])
        report_now = _compliance_report(partner_id, as_of, results)
        return _partner_evaluation(partner_id, report, decision, level, report_now)

    def _decide(
        self,
        partner_id: str,
        as_of: dt.date,
        current_level: str | None,
        since: dt.date | None,
        report: EligibilityReport,
        kept: Sequence[object],
        earlier: tuple[tuple[dt.date, str | None], ...],
    ) -> LevelDecision:
        """:func:`decide` for checked inputs. A decision depends on the partner only through
        its current level, last change and dated evaluations, so partners that share these
        share the decision's kind, target, date and reason, worked out once."""
        qualified = report.qualified_level_id
        key = (current_level, since, as_of, qualified, earlier)
        known = self._decisions.get(key)
        if known is not None:
            kind, to_level, effective_on, reason, proposed = known
            return _decision(
                partner_id, kind, current_level, to_level, effective_on, reason, proposed
            )
        token = _TRUSTED.set(True)  # built from checked values: not checked again
        try:
            found = [*kept, LevelEvaluation(as_of, qualified)]
            found.sort(key=_ON)
            decision = _Decider(
                self._policy,
                self._program.ladder,
                self._position,
                current_level,
                partner_id,
                since,
                found,  # type: ignore[arg-type]
                as_of,
            ).decide()
            if len(self._decisions) >= 4096:  # never grow without bound
                self._decisions.clear()
            self._decisions[key] = (
                decision.kind,
                decision.to_level,
                decision.effective_on,
                decision.reason,
                decision.proposed,
            )
            return decision
        finally:
            _TRUSTED.reset(token)

    # -- the checked path ---------------------------------------------------------------------

    def _checked(
        self,
        partner_id: PartnerId | str,
        as_of: dt.date,
        values: Mapping[str, MetricValue],
        affiliations: Iterable[Affiliation],
        current_level: str | None,
        history: LevelHistory | None,
        kept: Sequence[object],
    ) -> PartnerEvaluation:
        """The steps one by one with every check (they raise for bad inputs)."""
        mine = list(affiliations)
        index, catalog = self._index, self._catalog
        counted = compliance(partner_id, self._headcount_requirements, mine, index, catalog, as_of)
        if not isinstance(values, Mapping):
            raise ValidationError(
                f"must be a mapping of metric ids to values, got {type(values).__name__}",
                "values",
            )
        computed = {
            metric_id: result.held
            for metric_id, result in zip(self._headcount_metrics, counted.results, strict=True)
        }
        try:
            report = eligibility(
                self._program, PartnerMetrics(partner_id, as_of, {**values, **computed})
            )
        except ValidationError as err:
            raise _values_problems(err) from None
        if history is None:
            history = LevelHistory(partner_id)
        found: list[Any] = [*kept, report]  # decide checks each item
        decision = decide(self._policy, self._program, current_level, history, found, as_of)
        level = decision.to_level if decision.kind in _CHANGES else current_level
        needed = self.certification_requirements(level)
        report_now = compliance(partner_id, needed, mine, index, catalog, as_of)
        return PartnerEvaluation(PartnerId(partner_id), report, decision, level, report_now)
