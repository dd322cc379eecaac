"""Eligibility: which program levels a partner's metrics qualify it for, and what it lacks.

:func:`eligibility` is a pure function of a :class:`~prmcore.tiers.Program` and a
:class:`~prmcore.tiers.PartnerMetrics`. It returns an :class:`EligibilityReport` with, for every
level from the lowest rank up, every requirement met or unmet with its value, threshold and
shortfall, the composite score line by line, and the highest level the partner qualifies for.
:func:`gap_to_next` turns a report into the gaps to the next level, structured and as an
English sentence ("needs USD 50,000.00 more trailing-12-month revenue and 1 more person certified
in Security Specialist").

**Levels are judged on their own requirements.** A partner qualifies for a level when it meets
that level's requirements and passes its composite (if any); lower levels are not checked
again. Programs normally write each level's requirements in full, so qualifying for Gold also
means qualifying for Silver; if a program does not, the *highest* qualifying level still wins.

**Missing values count as zero.** A metric the program uses but the partner's values lack is
evaluated as zero (``Money.zero(currency)``, ``0``) and reported with ``supplied=False``, so a
partner never qualifies through a value the host forgot to compute.

Evaluation never changes its inputs (they are frozen), reads no clock and rounds nothing; Money
in gap sentences is formatted with babel for display only.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal
from typing import Any

import attrs

from prmcore._build import slot_setters
from prmcore._checks import Checks
from prmcore.errors import NotFoundError, ValidationError
from prmcore.money import Money, _difference
from prmcore.tiers.metrics import Metric, MetricKind, MetricValue, PartnerMetrics
from prmcore.tiers.program import SCORE_CONTEXT, CompositeScore, Program, ProgramLevel

__all__ = [
    "CompositeResult",
    "EligibilityReport",
    "Gap",
    "LevelGap",
    "LevelResult",
    "RequirementResult",
    "ScoreLine",
    "eligibility",
    "gap_to_next",
]

_ZERO = Decimal(0)
_INT_LIMIT = 10**24
_CENT = Decimal("0.01")


@attrs.frozen
class RequirementResult:
    """Whether one requirement (or one composite minimum) is met.

    Attributes:
        metric_id: The metric.
        met: ``value >= threshold``.
        value: The partner's value (zero of the metric's kind when not supplied).
        threshold: The least value that meets it.
        shortfall: ``threshold - value`` when unmet, zero of the metric's kind when met.
        supplied: False when the partner's metrics had no value (it was taken as zero).

    .. versionadded:: 0.1.0
    """

    metric_id: str
    met: bool
    value: MetricValue
    threshold: MetricValue
    shortfall: MetricValue
    supplied: bool = True


@attrs.frozen
class ScoreLine:
    """One metric's part of a composite score.

    Attributes:
        metric_id: The metric.
        value: The partner's value (zero when not supplied).
        target: The value that earns the full weight.
        weight: The metric's weight.
        cap: The largest ratio that counts.
        ratio: ``min(max(value / target, 0), cap)``.
        points: ``weight * ratio``.

    .. versionadded:: 0.1.0
    """

    metric_id: str
    value: MetricValue
    target: MetricValue
    weight: Decimal
    cap: Decimal
    ratio: Decimal
    points: Decimal


@attrs.frozen
class CompositeResult:
    """A level's composite score and whether it is passed.

    Attributes:
        score: The sum of the lines' points (exact).
        pass_mark: The least passing score.
        lines: One :class:`ScoreLine` per weighted metric, in the order of the weights.
        minimums: One :class:`RequirementResult` per minimum.
        met: ``score >= pass_mark`` and every minimum met.

    .. versionadded:: 0.1.0
    """

    score: Decimal
    pass_mark: Decimal
    lines: tuple[ScoreLine, ...]
    minimums: tuple[RequirementResult, ...]
    met: bool

    @property
    def score_shortfall(self) -> Decimal:
        """How many points the score lacks: ``pass_mark - score``, or 0 when it passes.

        .. versionadded:: 0.1.0
        """
        return max(self.pass_mark - self.score, _ZERO)


@attrs.frozen
class LevelResult:
    """The verdict on one level.

    Attributes:
        level_id: The level.
        name: Its name.
        rank: Its rank.
        qualified: Every requirement met and the composite (if any) passed.
        requirements: One :class:`RequirementResult` per requirement, in the level's order.
        composite: The composite result, or ``None`` when the level has none.

    .. versionadded:: 0.1.0
    """

    level_id: str
    name: str
    rank: int
    qualified: bool
    requirements: tuple[RequirementResult, ...]
    composite: CompositeResult | None = None


@attrs.frozen
class EligibilityReport:
    """What :func:`eligibility` found for one partner on one day.

    Attributes:
        program_id: The program.
        partner_id: The partner.
        as_of: The day the metric values were computed for.
        levels: One :class:`LevelResult` per level, lowest rank first.
        qualified_level_id: The highest-ranked level the partner qualifies for, or ``None``.
        next_level_id: The level ranked right above :attr:`qualified_level_id` (the lowest
            level when it is ``None``), or ``None`` at the top of the ladder.
        metrics: The program's metric definitions, so that :func:`gap_to_next` can word the
            gaps from the report alone.

    .. versionadded:: 0.1.0
    """

    program_id: str
    partner_id: str
    as_of: dt.date
    levels: tuple[LevelResult, ...]
    qualified_level_id: str | None
    next_level_id: str | None
    metrics: tuple[Metric, ...] = ()

    def metric(self, metric_id: str) -> Metric:
        """The definition of the metric *metric_id*.

        Raises:
            NotFoundError: The report's program has no such metric.

        .. versionadded:: 0.1.0
        """
        for metric in self.metrics:
            if metric.id == metric_id:
                return metric
        raise NotFoundError("Metric", metric_id)

    def level(self, level_id: str) -> LevelResult:
        """The result for *level_id*.

        Raises:
            NotFoundError: The report has no such level.

        .. versionadded:: 0.1.0
        """
        for result in self.levels:
            if result.level_id == level_id:
                return result
        raise NotFoundError("ProgramLevel", level_id)

    @property
    def qualified_levels(self) -> tuple[str, ...]:
        """The ids of every level the partner qualifies for, lowest rank first.

        .. versionadded:: 0.1.0
        """
        return tuple(result.level_id for result in self.levels if result.qualified)


@attrs.frozen
class Gap:
    """One thing a partner lacks for a level.

    Attributes:
        metric_id: The metric, or ``None`` for the composite score itself.
        shortfall: How much more is needed (Money, an int or a Decimal).
        phrase: The gap in words: ``"USD 50,000.00 more trailing-12-month revenue"``,
            ``"1 more person certified in Security Specialist"``,
            ``"12.5 more composite score points"``.

    .. versionadded:: 0.1.0
    """

    metric_id: str | None
    shortfall: MetricValue
    phrase: str


@attrs.frozen
class LevelGap:
    """The gaps to one level (see :func:`gap_to_next`).

    Attributes:
        level_id: The target level, or ``None`` when there is none (top of the ladder).
        name: Its name (``""`` when there is none).
        gaps: One :class:`Gap` per unmet requirement, then per unmet composite minimum, then
            the composite score; empty when the partner qualifies for the level.
        sentence: ``"needs "`` and the phrases joined with ", " and a final " and "; ``""``
            exactly when :attr:`gaps` is empty.

    .. versionadded:: 0.1.0
    """

    level_id: str | None
    name: str
    gaps: tuple[Gap, ...]
    sentence: str


# -- building results on the hot path -------------------------------------------------------------

_NEW = object.__new__
(_RR_METRIC, _RR_MET, _RR_VALUE, _RR_THRESHOLD, _RR_SHORTFALL, _RR_SUPPLIED) = slot_setters(
    RequirementResult, ("metric_id", "met", "value", "threshold", "shortfall", "supplied")
)
(_LR_ID, _LR_NAME, _LR_RANK, _LR_QUALIFIED, _LR_REQUIREMENTS, _LR_COMPOSITE) = slot_setters(
    LevelResult, ("level_id", "name", "rank", "qualified", "requirements", "composite")
)
(_ER_PROGRAM, _ER_PARTNER, _ER_AS_OF, _ER_LEVELS, _ER_QUALIFIED, _ER_NEXT, _ER_METRICS) = (
    slot_setters(
        EligibilityReport,
        (
            "program_id",
            "partner_id",
            "as_of",
            "levels",
            "qualified_level_id",
            "next_level_id",
            "metrics",
        ),
    )
)


def _requirement_result(
    metric_id: str, met: bool, value: Any, threshold: Any, shortfall: Any
) -> RequirementResult:
    """``RequirementResult(metric_id, met, value, threshold, shortfall, True)``, built field by
    field (see :mod:`prmcore._build`)."""
    result: RequirementResult = _NEW(RequirementResult)
    _RR_METRIC(result, metric_id)
    _RR_MET(result, met)
    _RR_VALUE(result, value)
    _RR_THRESHOLD(result, threshold)
    _RR_SHORTFALL(result, shortfall)
    _RR_SUPPLIED(result, True)
    return result


def _level_result(
    level_id: str,
    name: str,
    rank: int,
    qualified: bool,
    requirements: tuple[RequirementResult, ...],
    composite: CompositeResult | None,
) -> LevelResult:
    """``LevelResult(...)`` of these fields, built field by field."""
    result: LevelResult = _NEW(LevelResult)
    _LR_ID(result, level_id)
    _LR_NAME(result, name)
    _LR_RANK(result, rank)
    _LR_QUALIFIED(result, qualified)
    _LR_REQUIREMENTS(result, requirements)
    _LR_COMPOSITE(result, composite)
    return result


def _eligibility_report(
    program_id: str,
    partner_id: str,
    as_of: dt.date,
    levels: tuple[LevelResult, ...],
    qualified_level_id: str | None,
    next_level_id: str | None,
    metrics: tuple[Metric, ...],
) -> EligibilityReport:
    """``EligibilityReport(...)`` of these fields, built field by field."""
    report: EligibilityReport = _NEW(EligibilityReport)
    _ER_PROGRAM(report, program_id)
    _ER_PARTNER(report, partner_id)
    _ER_AS_OF(report, as_of)
    _ER_LEVELS(report, levels)
    _ER_QUALIFIED(report, qualified_level_id)
    _ER_NEXT(report, next_level_id)
    _ER_METRICS(report, metrics)
    return report


# -- evaluation ---------------------------------------------------------------------------------


def _amount(value: MetricValue) -> Decimal | int:
    return value.amount if isinstance(value, Money) else value


def _value_for(metric: Metric, values: Mapping[str, MetricValue]) -> tuple[MetricValue, bool]:
    if metric.id in values:
        return values[metric.id], True
    return metric.zero(), False


def _requirement(
    metric: Metric, threshold: MetricValue, values: Mapping[str, MetricValue]
) -> RequirementResult:
    value, supplied = _value_for(metric, values)
    met = _amount(value) >= _amount(threshold)
    shortfall: MetricValue
    if met:
        shortfall = metric.zero()
    elif isinstance(threshold, Money):
        assert isinstance(value, Money)
        shortfall = _difference(threshold, value)
    elif metric.kind is MetricKind.COUNT:
        shortfall = int(threshold - value)  # type: ignore[operator]
    else:
        shortfall = Decimal(threshold) - Decimal(value)  # type: ignore[arg-type]
    return RequirementResult(metric.id, met, value, threshold, shortfall, supplied)


def _composite(
    program: Program, composite: CompositeScore, values: Mapping[str, MetricValue]
) -> CompositeResult:
    ctx = SCORE_CONTEXT
    lines: list[ScoreLine] = []
    score = _ZERO
    for metric_id, weight in composite.weights.items():
        metric = program.metric(metric_id)
        value, _ = _value_for(metric, values)
        target = composite.targets[metric_id]
        cap = composite.cap_for(metric_id)
        ratio = ctx.divide(Decimal(_amount(value)), Decimal(_amount(target)))
        ratio = min(max(ratio, _ZERO), cap)
        points = ctx.multiply(weight, ratio)
        score = ctx.add(score, points)
        lines.append(ScoreLine(metric_id, value, target, weight, cap, ratio, points))
    minimums = tuple(
        _requirement(program.metric(metric_id), minimum, values)
        for metric_id, minimum in composite.minimums.items()
    )
    met = score >= composite.pass_mark and all(m.met for m in minimums)
    return CompositeResult(score, composite.pass_mark, tuple(lines), minimums, met)


# One requirement, resolved for the program: the metric id, the threshold and its amount (what a
# value is compared with), the metric's zero, whether the metric counts money or whole things,
# the result for a partner without a value, and the results for small int values seen so far.
_Line = tuple[
    str, MetricValue, "Decimal | int", MetricValue, bool, bool, "RequirementResult", dict[int, Any]
]  # the last: int value -> RequirementResult
# One level: the level, its requirements' lines, and its result when it has no requirement and
# no composite (the same for every partner, so built once).
_Rung = tuple[ProgramLevel, tuple[_Line, ...], "LevelResult | None"]
_PLANS: dict[int, tuple[Program, tuple[_Rung, ...]]] = {}
_MISSING = object()
# Results are immutable, so the result for an int value (a count, a whole percentage) is built
# once per requirement and shared; only small values are kept, so that the store stays small.
_SHARED_INTS = range(1001)


def _plan(program: Program) -> tuple[_Rung, ...]:
    """Each level of the ladder with its requirements' metrics and threshold amounts, looked
    up once per program (programs are immutable) rather than once per partner."""
    entry = _PLANS.get(id(program))
    if entry is not None and entry[0] is program:
        return entry[1]
    rungs: list[_Rung] = []
    for level in program.ladder:
        lines: list[_Line] = []
        for requirement in level.requirements:
            metric = program.metric(requirement.metric_id)
            threshold = requirement.threshold
            zero = metric.zero()
            missing = _requirement(metric, threshold, {})
            money = isinstance(threshold, Money)
            count = metric.kind is MetricKind.COUNT
            lines.append(
                (metric.id, threshold, _amount(threshold), zero, money, count, missing, {})
            )
        fixed = None
        if not lines and level.composite is None:
            fixed = LevelResult(level.id, level.name, level.rank, True, ())
        rungs.append((level, tuple(lines), fixed))
    plan = tuple(rungs)
    if len(_PLANS) >= 64:  # a few programs per process; never grow without bound
        _PLANS.clear()
    _PLANS[id(program)] = (program, plan)
    return plan


def _result(
    metric_id: str, threshold: Any, least: Any, zero: MetricValue, count: bool, value: int
) -> RequirementResult:
    """The result for a supplied int *value* of a count, number or percentage metric."""
    met = value >= least
    shortfall: MetricValue
    if met:
        shortfall = zero
    elif count:
        shortfall = int(threshold - value)
    else:
        shortfall = Decimal(threshold) - Decimal(value)
    return RequirementResult(metric_id, met, value, threshold, shortfall, True)


def _judge(
    program: Program, partner_id: str, as_of: dt.date, values: Mapping[str, MetricValue]
) -> EligibilityReport:
    """The report for checked *values* (what :func:`eligibility` returns once its inputs
    passed their checks). Every partner of a batch comes through here, so each level's
    requirements are judged in the loop itself."""
    results = []
    top = -1
    i = -1
    get = values.get
    for level, lines, fixed in _plan(program):
        i += 1
        if fixed is not None:
            result = fixed  # immutable: one result serves every partner
        else:
            requirements = []
            qualified = True
            for metric_id, threshold, least, zero, money, count, missing, shared in lines:
                # Values fit their metric (checked), so a money metric's value is Money.
                value: Any = get(metric_id, _MISSING)
                line: RequirementResult | None
                if value is _MISSING:
                    line = missing
                elif type(value) is int and value in _SHARED_INTS:
                    line = shared.get(value)
                    if line is None:
                        line = shared[value] = _result(
                            metric_id, threshold, least, zero, count, value
                        )
                else:
                    met = (value.amount if money else value) >= least
                    shortfall: Any
                    if met:
                        shortfall = zero
                    elif money:
                        shortfall = _difference(threshold, value)  # type: ignore[arg-type]
                    elif count:
                        shortfall = int(threshold - value)
                    else:
                        shortfall = Decimal(threshold) - Decimal(value)  # type: ignore[arg-type]
                    line = _requirement_result(metric_id, met, value, threshold, shortfall)
                if not line.met:
                    qualified = False
                requirements.append(line)
            composite = level.composite
            scored = None if composite is None else _composite(program, composite, values)
            qualified = qualified and (scored is None or scored.met)
            result = _level_result(
                level.id, level.name, level.rank, qualified, tuple(requirements), scored
            )
        if result.qualified:
            top = i
        results.append(result)
    following = results[top + 1].level_id if top + 1 < len(results) else None
    return _eligibility_report(
        program.id,
        partner_id,
        as_of,
        tuple(results),
        results[top].level_id if top >= 0 else None,
        following,
        program.metrics,
    )


def _plainly_fits(metric: Metric, value: object) -> bool:
    """The common values that need no full check: Money in the metric's currency, a
    non-negative int count, an int percentage from 0 to 100 (anything else is checked by
    :meth:`Metric._check_value`)."""
    kind = metric.kind
    if kind is MetricKind.MONEY:
        return type(value) is Money and value.currency == metric.currency
    if type(value) is not int:
        return False
    if kind is MetricKind.COUNT:
        return 0 <= value < _INT_LIMIT
    return kind is MetricKind.PERCENTAGE and 0 <= value <= 100


def _check_inputs(program: object, metrics: object) -> None:
    c = Checks()
    program_ok = c.instance("program", program, Program)
    metrics_ok = c.instance("metrics", metrics, PartnerMetrics)
    if program_ok and metrics_ok:
        assert isinstance(program, Program)
        assert isinstance(metrics, PartnerMetrics)
        values = metrics.values
        for metric in program.metrics:
            value = values.get(metric.id, _MISSING)
            if value is _MISSING or _plainly_fits(metric, value):
                continue
            metric._check_value(c, f"metrics.values.{metric.id}", value, threshold=False)
    c.done()


def eligibility(program: Program, metrics: PartnerMetrics) -> EligibilityReport:
    """Judge every level of *program* against a partner's *metrics*.

    Each level is judged on its own requirements and composite (see the module docs); the
    report lists levels lowest rank first.

    Args:
        program: The program.
        metrics: The partner's metric values as of one day.

    Raises:
        ValidationError: *program* or *metrics* has the wrong type, or a value does not fit
            its metric (``metrics.values.revenue: must be in USD ...``, a negative count, a
            fraction for a count, a percentage above 100). Values for metrics the program
            does not define are ignored.

    Examples:
        >>> report = eligibility(program, metrics)  # doctest: +SKIP
        >>> report.qualified_level_id  # doctest: +SKIP
        'silver'

    .. versionadded:: 0.1.0
    """
    _check_inputs(program, metrics)
    return _judge(program, metrics.partner_id, metrics.as_of, metrics.values)


# -- gaps ---------------------------------------------------------------------------------------


def _number(value: Decimal | int) -> str:
    """A number for people: thousands separators, no exponent, no trailing fraction zeros."""
    if isinstance(value, int):
        return f"{value:,}"
    normal = value.normalize(SCORE_CONTEXT)
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        normal = normal.quantize(Decimal(1))
    return format(normal, ",f")


def _phrase(metric: Metric, shortfall: MetricValue, locale: str) -> str:
    if isinstance(shortfall, Money):
        return f"{shortfall.format(locale, format_type='code')} more {metric.label}"
    if metric.kind is MetricKind.PERCENTAGE:
        points = "percentage point" if shortfall == 1 else "percentage points"
        return f"{_number(shortfall)} more {points} of {metric.label}"
    noun = metric.noun(shortfall)
    words = f"{noun} {metric.label}" if noun else metric.label
    return f"{_number(shortfall)} more {words}"


def _join(phrases: list[str]) -> str:
    if not phrases:
        return ""
    if len(phrases) == 1:
        return f"needs {phrases[0]}"
    return f"needs {', '.join(phrases[:-1])} and {phrases[-1]}"


def gap_to_next(
    report: EligibilityReport,
    *,
    level_id: str | None = None,
    locale: str = "en_US",
) -> LevelGap:
    """The gaps between a partner and a level: by default the next level up.

    Gaps are listed in the level's order: unmet requirements, then unmet composite minimums,
    then the composite score. The sentence joins their phrases: "needs A", "needs A and B",
    "needs A, B and C". Money is formatted with babel in *locale* (``USD 50,000.00`` in
    ``en_US``); counts use the metric's unit noun with the right plural ("1 more person",
    "2 more people").

    Args:
        report: From :func:`eligibility`.
        level_id: The level to measure against; default :attr:`EligibilityReport.next_level_id`
            (then at the top of the ladder there is no next level: no gaps, ``level_id=None``).
        locale: The locale for money amounts.

    Raises:
        NotFoundError: *level_id* is not a level of the report.
        ValidationError: *report* is not an :class:`EligibilityReport`, *level_id* is not an
            id, or *locale* is not a locale babel knows (path ``locale``).

    Examples:
        >>> gap_to_next(report).sentence  # doctest: +SKIP
        'needs USD 50,000.00 more trailing-12-month revenue and 1 more person certified in Security Specialist'

    .. versionadded:: 0.1.0
    """  # noqa: E501
    c = Checks()
    c.instance("report", report, EligibilityReport)
    c.optional_identifier("level_id", level_id)
    c.done()
    target = report.next_level_id if level_id is None else level_id
    if target is None:
        return LevelGap(None, "", (), "")
    result = report.level(target)
    gaps: list[Gap] = []
    unmet = [r for r in result.requirements if not r.met]
    composite = result.composite
    if composite is not None:
        unmet.extend(m for m in composite.minimums if not m.met)
    try:
        for requirement in unmet:
            metric = report.metric(requirement.metric_id)
            phrase = _phrase(metric, requirement.shortfall, locale)
            gaps.append(Gap(requirement.metric_id, requirement.shortfall, phrase))
    except ValidationError as err:
        raise ValidationError([attrs.evolve(p, path="locale") for p in err.problems]) from None
    if composite is not None and composite.score < composite.pass_mark:
        points = composite.score_shortfall
        # Rounded up for display only, so a tiny shortfall never reads as "0 more".
        shown = _number(points.quantize(_CENT, rounding=ROUND_CEILING, context=SCORE_CONTEXT))
        gaps.append(Gap(None, points, f"{shown} more composite score points"))
    return LevelGap(target, result.name, tuple(gaps), _join([g.phrase for g in gaps]))
