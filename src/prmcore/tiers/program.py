"""Partner programs: an ordered ladder of levels, each with requirements or a composite score.

A :class:`Program` defines its :class:`~prmcore.tiers.Metric` s and its
:class:`ProgramLevel` s (Registered, Silver, Gold, Platinum...). Each level has a ``rank`` (the
ladder's order, higher is better), a tuple of :class:`Requirement` s ("trailing-12-month
revenue of at least USD 250,000"), optionally a :class:`CompositeScore`, and its
:class:`~prmcore.tiers.Benefits`. A program is validated as a whole: duplicate level ids or
ranks, requirements on unknown metrics, thresholds of the wrong type or currency and composite
weights that make no sense are all reported together, each with its path
(``levels[2].requirements[0].threshold``). It loads from dict/JSON with
:func:`prmcore.serialization.from_dict`.

Whether a partner qualifies for a level is decided by :func:`~prmcore.tiers.eligibility`;
which level it holds, by a :class:`~prmcore.tiers.LevelPolicy`.

Examples:
    >>> from prmcore.money import Money
    >>> from prmcore.tiers import Metric
    >>> program = Program(
    ...     "partners", "Partner Program",
    ...     metrics=[Metric("revenue", "money", "trailing-12-month revenue", currency="USD",
    ...                     window_months=12)],
    ...     levels=[ProgramLevel("registered", "Registered", 0),
    ...             ProgramLevel("gold", "Gold", 2,
    ...                          [Requirement("revenue", Money(250_000, "USD"))])],
    ... )
    >>> [level.id for level in program.ladder]
    ['registered', 'gold']

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Context, Decimal
from types import MappingProxyType
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, to_tuple
from prmcore.errors import NotFoundError
from prmcore.money import Money
from prmcore.tiers._numbers import check_number, to_decimal
from prmcore.tiers.benefits import Benefits
from prmcore.tiers.metrics import (
    Metric,
    MetricValue,
    _check_metric_value,
    _to_metric_value,
)

__all__ = [
    "CompositeScore",
    "Program",
    "ProgramLevel",
    "Requirement",
]

# Composite scores divide (value / target); 34 digits keep them exact far beyond any display.
SCORE_CONTEXT = Context(prec=34)


def _to_threshold(value: MetricValue | str) -> Any:
    return _to_metric_value(value, "a threshold")


@attrs.frozen
class Requirement(Validated):
    """One requirement of a level: the metric's value must be at least *threshold*.

    Args:
        metric_id: The id of a metric the program defines.
        threshold: The least value that meets the requirement (inclusive), not negative:
            :class:`~prmcore.money.Money` in the metric's currency for money metrics, an
            ``int`` for counts, an ``int`` or ``Decimal`` (a str is read as a Decimal) for
            numbers and percentages.

    Raises:
        TypeError: *threshold* is a ``float``.
        ValidationError: A bad metric id, or a threshold that is not Money, an int or a
            finite Decimal, or is negative (path ``threshold``). Whether the threshold fits
            the metric is checked by the :class:`Program`.

    Examples:
        >>> Requirement("deals", 12)
        Requirement(metric_id='deals', threshold=12)

    .. versionadded:: 0.1.0
    """

    metric_id: str
    threshold: MetricValue = attrs.field(converter=_to_threshold)

    def _validate(self, c: Checks) -> None:
        c.identifier("metric_id", self.metric_id)
        _check_metric_value(c, "threshold", self.threshold, negative=False)


def _to_weights(value: object) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: to_decimal(v, "a weight") for k, v in value.items()})
    return value


def _to_values(value: object) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _to_metric_value(v, "a target") for k, v in value.items()})
    return value


def _to_mark(value: str | int | Decimal) -> Any:
    return to_decimal(value, "a pass mark")


def _to_cap(value: str | int | Decimal) -> Any:
    return to_decimal(value, "a cap")


def _keys(c: Checks, path: str, mapping: object) -> list[str]:
    """The keys of *mapping* that are valid ids (others are reported)."""
    if not c.instance(path, mapping, Mapping):
        return []
    assert isinstance(mapping, Mapping)
    return [key for key in mapping if c.identifier(f"{path}.<key {key!r}>", key)]


@attrs.frozen
class CompositeScore(Validated):
    """A weighted score over several metrics, with per-metric caps and minimums and a pass mark.

    The score is::

        score = Σ weights[m] * min(max(value[m] / targets[m], 0), cap[m])   (over weighted m)

    where ``cap[m]`` is ``caps[m]`` or *default_cap*. So a metric at its target contributes its
    full weight, a metric above target at most ``weight * cap``, and a negative value (net
    refunds) nothing. Division is exact Decimal arithmetic to 34 significant digits; nothing is
    rounded. The level's composite is met when ``score >= pass_mark`` **and** every metric in
    *minimums* has a value of at least its minimum (a minimum may name a metric without a
    weight). With weights that add up to 100 the score reads as points out of 100.

    Args:
        weights: Metric id to weight, each greater than 0; at least one.
        targets: Metric id to the value that earns the full weight, greater than 0; exactly
            the weighted metrics. Money targets are in the metric's currency.
        pass_mark: The least passing score, greater than 0 and at most the highest possible
            score (``Σ weights[m] * cap[m]``).
        caps: Metric id to the largest ratio ``value / target`` that counts, greater than 0;
            only weighted metrics.
        minimums: Metric id to the least value that metric must have, at least 0.
        default_cap: The cap of weighted metrics not in *caps*; default 1 (no credit beyond
            target).

    Raises:
        TypeError: A number is a ``float``.
        ValidationError: Listing every problem with its path (``weights.revenue``,
            ``targets.deals``, ``pass_mark``, ...). Whether targets and minimums fit their
            metrics is checked by the :class:`Program`.

    Examples:
        >>> score = CompositeScore(weights={"revenue": 60, "csat": 40},
        ...                        targets={"revenue": Money(100_000, "USD"), "csat": 90},
        ...                        pass_mark=80, caps={"revenue": "1.5"})
        >>> score.max_score
        Decimal('130.0')

    .. versionadded:: 0.1.0
    """

    weights: Mapping[str, Decimal] = attrs.field(converter=_to_weights, hash=False)
    targets: Mapping[str, MetricValue] = attrs.field(converter=_to_values, hash=False)
    pass_mark: Decimal = attrs.field(converter=_to_mark)
    caps: Mapping[str, Decimal] = attrs.field(
        factory=lambda: MappingProxyType({}), converter=_to_weights, hash=False
    )
    minimums: Mapping[str, MetricValue] = attrs.field(
        factory=lambda: MappingProxyType({}), converter=_to_values, hash=False
    )
    default_cap: Decimal = attrs.field(default=Decimal(1), converter=_to_cap)

    def _validate(self, c: Checks) -> None:
        weighted = _keys(c, "weights", self.weights)
        weights_ok = isinstance(self.weights, Mapping)
        if weights_ok and not self.weights:
            c.add("weights", "give at least one weighted metric")
        # & rather than "and": every number is checked even when one is bad.
        numbers_ok = weights_ok and 0 < len(weighted) == len(self.weights)
        for key in weighted:
            numbers_ok &= check_number(c, f"weights.{key}", self.weights[key], above=True)
        numbers_ok &= check_number(c, "default_cap", self.default_cap, above=True)
        for key in _keys(c, "targets", self.targets):
            value = self.targets[key]
            if _check_metric_value(c, f"targets.{key}", value, negative=False):
                amount = value.amount if isinstance(value, Money) else value
                c.require(amount > 0, f"targets.{key}", "must be greater than 0")
            if weights_ok and key not in self.weights:
                c.add(f"targets.{key}", "has no weight; give it a weight or remove the target")
        if isinstance(self.targets, Mapping):
            for key in weighted:
                if key not in self.targets:
                    c.add(f"targets.{key}", "required for a weighted metric but missing")
        cap_keys = _keys(c, "caps", self.caps)
        numbers_ok &= isinstance(self.caps, Mapping) and len(cap_keys) == len(self.caps)
        for key in cap_keys:
            numbers_ok &= check_number(c, f"caps.{key}", self.caps[key], above=True)
            if weights_ok and key not in self.weights:
                c.add(f"caps.{key}", "caps only apply to weighted metrics")
        for key in _keys(c, "minimums", self.minimums):
            _check_metric_value(c, f"minimums.{key}", self.minimums[key], negative=False)
        if check_number(c, "pass_mark", self.pass_mark, above=True) and numbers_ok:
            top = self.max_score
            if self.pass_mark > top:
                c.add(
                    "pass_mark",
                    f"must be at most the highest possible score {top}, got {self.pass_mark}",
                )

    def cap_for(self, metric_id: str) -> Decimal:
        """The cap that applies to *metric_id*: its entry in :attr:`caps` or
        :attr:`default_cap`.

        .. versionadded:: 0.1.0
        """
        return self.caps.get(metric_id, self.default_cap)

    @property
    def max_score(self) -> Decimal:
        """The highest possible score: ``Σ weights[m] * cap[m]``.

        .. versionadded:: 0.1.0
        """
        return sum(
            (SCORE_CONTEXT.multiply(w, self.cap_for(m)) for m, w in self.weights.items()),
            Decimal(0),
        )


@attrs.frozen
class ProgramLevel(Validated):
    """One rung of a program's ladder.

    A partner qualifies for a level when it meets **this level's own** requirements (and its
    composite, if any); requirements of lower levels are not checked again, so write each
    level's requirements in full. A level with no requirements and no composite (such as
    "Registered") is met by everyone.

    Args:
        id: The level's id, stored on :attr:`Partner.program_level_id
            <prmcore.domain.Partner.program_level_id>` (``"gold"``).
        name: For people (``"Gold"``).
        rank: The level's place on the ladder; higher is better; unique in the program.
        requirements: What the level requires; each metric at most once.
        composite: An optional :class:`CompositeScore` that must be passed as well.
        benefits: What partners at this level get.

    Raises:
        ValidationError: Listing every bad field.

    .. versionadded:: 0.1.0
    """

    id: str
    name: str
    rank: int
    requirements: tuple[Requirement, ...] = attrs.field(default=(), converter=to_tuple)
    composite: CompositeScore | None = None
    benefits: Benefits = attrs.field(factory=Benefits)

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("name", self.name, max_length=200)
        c.integer("rank", self.rank)
        if c.each(
            "requirements",
            self.requirements,
            lambda path, item: c.instance(path, item, Requirement),
        ):
            seen: set[str] = set()
            for i, requirement in enumerate(self.requirements):
                if requirement.metric_id in seen:
                    c.add(
                        f"requirements[{i}].metric_id",
                        f"metric {requirement.metric_id!r} is already required by this level",
                    )
                seen.add(requirement.metric_id)
        if self.composite is not None:
            c.instance("composite", self.composite, CompositeScore)
        c.instance("benefits", self.benefits, Benefits)


@attrs.frozen
class Program(Validated):
    """A partner program: its metrics and its ladder of levels.

    Args:
        id: The program's id.
        name: For people.
        metrics: Every metric the levels use; ids unique.
        levels: The levels, in any order (a list is accepted); ids and ranks unique; at least
            one. :attr:`ladder` gives them by rank.

    Raises:
        ValidationError: Listing every problem with its path: duplicate metric ids
            (``metrics[1].id``), level ids (``levels[2].id``) or ranks (``levels[2].rank``),
            requirements on unknown metrics (``levels[1].requirements[0].metric_id``),
            thresholds that do not fit their metric (``levels[1].requirements[0].threshold``:
            wrong type, wrong currency, a fraction for a count), and the same for composite
            weights, targets, caps and minimums (``levels[3].composite.targets.revenue``).

    .. versionadded:: 0.1.0
    """

    id: str
    name: str
    metrics: tuple[Metric, ...] = attrs.field(converter=to_tuple)
    levels: tuple[ProgramLevel, ...] = attrs.field(converter=to_tuple)

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("name", self.name, max_length=200)
        known: dict[str, Metric] = {}
        if c.each("metrics", self.metrics, lambda path, m: c.instance(path, m, Metric)):
            for i, metric in enumerate(self.metrics):
                if metric.id in known:
                    c.add(f"metrics[{i}].id", f"duplicate metric id {metric.id!r}")
                known.setdefault(metric.id, metric)
        metrics_ok = isinstance(self.metrics, tuple) and all(
            isinstance(m, Metric) for m in self.metrics
        )
        if not c.each("levels", self.levels, lambda path, lv: c.instance(path, lv, ProgramLevel)):
            return
        if not self.levels:
            c.add("levels", "give at least one level")
        ids: dict[str, int] = {}
        ranks: dict[int, int] = {}
        for i, level in enumerate(self.levels):
            if level.id in ids:
                c.add(
                    f"levels[{i}].id",
                    f"duplicate level id {level.id!r} (also levels[{ids[level.id]}])",
                )
            ids.setdefault(level.id, i)
            if level.rank in ranks:
                c.add(
                    f"levels[{i}].rank",
                    f"duplicate rank {level.rank} (also levels[{ranks[level.rank]}])",
                )
            ranks.setdefault(level.rank, i)
            if metrics_ok:
                self._check_level(c, f"levels[{i}]", level, known)

    @staticmethod
    def _check_level(c: Checks, path: str, level: ProgramLevel, known: dict[str, Metric]) -> None:
        def metric(where: str, metric_id: str) -> Metric | None:
            found = known.get(metric_id)
            if found is None:
                c.add(where, f"unknown metric {metric_id!r}; defined: {', '.join(known) or 'none'}")
            return found

        for j, requirement in enumerate(level.requirements):
            where = f"{path}.requirements[{j}]"
            found = metric(f"{where}.metric_id", requirement.metric_id)
            if found is not None:
                found._check_value(c, f"{where}.threshold", requirement.threshold, threshold=True)
        composite = level.composite
        if composite is None:
            return
        where = f"{path}.composite"
        for key in composite.weights:
            metric(f"{where}.weights.{key}", key)
        for part in ("targets", "minimums"):
            for key, value in getattr(composite, part).items():
                found = known.get(key)
                if found is None:
                    if part == "minimums":
                        metric(f"{where}.{part}.{key}", key)
                    continue  # a target without a known metric is reported at weights
                found._check_value(c, f"{where}.{part}.{key}", value, threshold=True)

    @functools.cached_property
    def ladder(self) -> tuple[ProgramLevel, ...]:
        """The levels by rank, lowest first (sorted once: a program is immutable).

        .. versionadded:: 0.1.0
        """
        return tuple(sorted(self.levels, key=lambda level: level.rank))

    def level(self, level_id: str) -> ProgramLevel:
        """The level with id *level_id*.

        Raises:
            NotFoundError: There is no such level.

        .. versionadded:: 0.1.0
        """
        for level in self.levels:
            if level.id == level_id:
                return level
        raise NotFoundError("ProgramLevel", level_id)

    def metric(self, metric_id: str) -> Metric:
        """The metric with id *metric_id*.

        Raises:
            NotFoundError: There is no such metric.

        .. versionadded:: 0.1.0
        """
        for metric in self.metrics:
            if metric.id == metric_id:
                return metric
        raise NotFoundError("Metric", metric_id)

    def rank_of(self, level_id: str) -> int:
        """The rank of the level *level_id*.

        Raises:
            NotFoundError: There is no such level.

        .. versionadded:: 0.1.0
        """
        return self.level(level_id).rank
