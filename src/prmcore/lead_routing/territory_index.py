"""The compiled territory index: which territories may cover a lead, found without testing
every territory's rule.

Each territory's coverage rule (its own ``include`` and its ancestors') is split into
conjuncts, and one conjunct the index understands is chosen as its *key*: an exact value or
set of values (an inverted map per field: country, industry, size class), a postal-code prefix
(each prefix holds the territories of its shorter prefixes too, so the longest prefix of the
lead's code that the map has gives them all, found in at most as many dictionary look-ups as
there are prefix lengths), a numeric range (a sorted partition of the
number line, found by bisection), a multi-valued ``contains`` (an inverted map per item) or a
:class:`~prmcore.lead_routing.GeoCircle` (a latitude/longitude grid). An ``any`` group is
indexed under a key of each alternative. When a territory has several keys, the one with the
shortest posting lists wins. Territories with nothing indexable are scanned for every lead.
The index reads every field its keys use once per lead.

The index yields *candidates*, a superset of the territories that cover the lead; the full
compiled rule (includes, excludes, circles, effective dates) runs only on those, so the
result is always exactly what evaluating every territory would give (:class:`BruteForceMatcher`,
which the property tests and the benchmark compare against).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import math
import operator
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs

from prmcore.lead_routing.geo import GeoCircle, GeoGrid
from prmcore.lead_routing.territory import Territory, TerritoryModel
from prmcore.rules import (
    AllOf,
    AnyOf,
    Between,
    Compare,
    CompareOp,
    Condition,
    Contains,
    ContainsMode,
    In,
    StartsWith,
    conjuncts,
)
from prmcore.rules._access import COLLECTIONS, _is_mapping, make_resolver, normaliser
from prmcore.rules._values import Kind

__all__ = ["BruteForceMatcher", "MatchKind", "TerritoryIndex", "TerritoryMatch"]


class MatchKind(enum.StrEnum):
    """How a territory covers a lead.

    .. versionadded:: 0.1.0
    """

    NAMED_ACCOUNT = "named_account"
    """The territory names the lead's account id or domain."""
    RULE = "rule"
    """The territory's rules (and its ancestors') hold and no exclusion does."""
    CATCH_ALL = "catch_all"
    """Nothing else covers the lead; this catch-all does."""


@attrs.frozen
class TerritoryMatch:
    """One territory that covers a lead, with what resolution policies rank by.

    Attributes:
        territory_id: The territory.
        kind: How it covers the lead.
        depth: Its depth in the hierarchy (0 for a root).
        specificity: Its rule's specificity (0 for named accounts and catch-alls).
        priority: Its priority (lower first for "first match").
        order: Its position in the model.

    .. versionadded:: 0.1.0
    """

    territory_id: str
    kind: MatchKind
    depth: int
    specificity: int
    priority: int
    order: int


_INF: Final = math.inf
_RULE: Final = MatchKind.RULE


class _Compiled:
    """A territory ready for matching: its chain's predicates, circles and dates."""

    __slots__ = (
        "catch_all",
        "circles",
        "depth",
        "direct",
        "excludes",
        "first_day",
        "has_rule",
        "last_day",
        "matches",
        "order",
        "priority",
        "residual",
        "rule",
        "rule_match",
        "specificity",
        "territory_id",
        "trivial",
    )

    def __init__(self, model: TerritoryModel, order: int, territory: Territory) -> None:
        chain = (territory, *model.ancestors(territory.id))
        self.order = order
        self.territory_id = territory.id
        self.depth = len(chain) - 1
        self.priority = territory.priority
        self.catch_all = territory.catch_all
        self.has_rule = territory.has_rule
        rule = model.rule_of(territory.id)
        self.rule = rule.compile() if rule is not None else None
        self.residual = self.rule
        self.trivial = False  # True once the index key implies the whole rule
        self.direct = False  # trivial and in force on every day: a candidate is a match
        self.specificity = model.specificity_of(territory.id)
        self.excludes = tuple(t.exclude.compile() for t in chain if t.exclude is not None)
        self.circles = tuple(t.near for t in chain if t.near is not None)
        starts = [t.effective_from for t in chain if t.effective_from is not None]
        ends = [t.effective_to for t in chain if t.effective_to is not None]
        self.first_day = max(starts) if starts else dt.date.min
        self.last_day = min(ends) if ends else dt.date.max
        # Matches are immutable: build the three possible ones once.
        self.matches = {
            kind: TerritoryMatch(
                self.territory_id,
                kind,
                self.depth,
                self.specificity if kind is MatchKind.RULE else 0,
                self.priority,
                self.order,
            )
            for kind in MatchKind
        }
        self.rule_match = self.matches[MatchKind.RULE]

    def in_force(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def excluded(self, lead: Any) -> bool:
        for exclude in self.excludes:  # noqa: SIM110 - a plain loop is faster than any()
            if exclude(lead):
                return True
        return False

    def covers_by_rule(self, lead: Any, *, keyed: bool = False) -> bool:
        """Whether the rule holds; with *keyed*, the lead is known to hit the territory's
        index key, so only the conjuncts the key does not imply are tested."""
        if not self.has_rule:
            return False
        rule = self.residual if keyed else self.rule
        if rule is not None and not rule(lead):
            return False
        if self.circles:
            point = _point(lead)
            if point is None:
                return False
            for circle in self.circles:
                if not circle.contains(*point):
                    return False
        return not self.excluded(lead)

    def covers_keyed(self, lead: Any) -> bool:
        """``covers_by_rule(lead, keyed=True)`` for a territory found through the index
        (which has a rule)."""
        residual = self.residual
        if residual is not None and not residual(lead):
            return False
        if self.circles:
            point = _point(lead)
            if point is None:
                return False
            for circle in self.circles:
                if not circle.contains(*point):
                    return False
        for exclude in self.excludes:  # noqa: SIM110 - a plain loop is faster than any()
            if exclude(lead):
                return False
        return True

    def match(self, kind: MatchKind) -> TerritoryMatch:
        return self.matches[kind]


_PLAIN: dict[type, bool] = {}


def _get(record: Any, name: str) -> Any:
    # An ABC isinstance check per read would cost more than the read: remember per type.
    kind = type(record)
    plain = _PLAIN.get(kind)
    if plain is None:
        plain = _PLAIN[kind] = not issubclass(kind, Mapping)
    return getattr(record, name, None) if plain else record.get(name)


def _point(lead: Any) -> tuple[float, float] | None:
    location = _get(lead, "location")
    lat = _get(location, "latitude")
    lon = _get(location, "longitude")
    if isinstance(lat, bool) or isinstance(lon, bool):
        return None
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return float(lat), float(lon)
    return None


def _named(lead: Any) -> tuple[str | None, str | None]:
    account = _get(lead, "account_id")
    domain = _get(lead, "domain")
    return (
        account if isinstance(account, str) else None,
        domain if isinstance(domain, str) else None,
    )


def _compile_all(model: TerritoryModel) -> list[_Compiled]:
    return [_Compiled(model, i, t) for i, t in enumerate(model.territories)]


def _named_maps(
    model: TerritoryModel,
) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    accounts: dict[str, list[int]] = {}
    domains: dict[str, list[int]] = {}
    for i, territory in enumerate(model.territories):
        for account in territory.named_accounts:
            accounts.setdefault(account, []).append(i)
        for domain in territory.named_domains:
            domains.setdefault(domain, []).append(i)
    return accounts, domains


class _Matcher:
    """What both matchers share: named accounts, catch-alls and the final assembly."""

    def __init__(self, model: TerritoryModel) -> None:
        self.model = model
        self._compiled = _compile_all(model)
        self._accounts, self._domains = _named_maps(model)
        self._catch_alls = [c for c in self._compiled if c.catch_all]

    def _named_matches(self, lead: Any, day: dt.date) -> dict[int, TerritoryMatch]:
        account, domain = _named(lead)
        found: dict[int, TerritoryMatch] = {}
        for table, key in ((self._accounts, account), (self._domains, domain)):
            if key is None:
                continue
            for i in table.get(key, ()):
                compiled = self._compiled[i]
                if compiled.in_force(day):
                    found[i] = compiled.match(MatchKind.NAMED_ACCOUNT)
        return found

    def _finish(
        self, lead: Any, day: dt.date, found: dict[int, TerritoryMatch]
    ) -> list[TerritoryMatch]:
        if not found:
            return [
                c.match(MatchKind.CATCH_ALL)
                for c in self._catch_alls
                if c.in_force(day) and not c.excluded(lead)
            ]
        return [found[i] for i in sorted(found)]


class BruteForceMatcher(_Matcher):
    """Matches a lead by testing every territory's compiled rule: the reference the index is
    checked against, and the baseline of the routing benchmark.

    Args:
        model: The territory model.

    .. versionadded:: 0.1.0
    """

    def match(self, lead: Any, on: dt.date) -> list[TerritoryMatch]:
        """The territories covering *lead* on day *on*, in model order: named-account and
        rule matches, or else the catch-alls that do not exclude it."""
        found = self._named_matches(lead, on)
        for compiled in self._compiled:
            if (
                compiled.order not in found
                and compiled.in_force(on)
                and compiled.covers_by_rule(lead)
            ):
                found[compiled.order] = compiled.match(MatchKind.RULE)
        return self._finish(lead, on, found)


# -- keys --------------------------------------------------------------------------------------

# A key is a tuple whose first item names the table: ("eq", field, kind, value),
# ("prefix", field, prefix), ("contains", field, kind, value), ("range", field, lo, lo_incl,
# hi, hi_incl) or ("geo", circle). A keyset is a list of keys: the territory is a candidate
# when the lead hits any of them.
Key = tuple[Any, ...]
_STATIC: Final = {"eq": 0, "prefix": 1, "contains": 2, "range": 3, "geo": 4}
_INDEXED_KINDS: Final = (Kind.STR, Kind.NUMBER)


def _leaf_keys(node: Condition) -> list[Key] | None:
    if isinstance(node, Compare):
        kind = node.kind
        if node.op is CompareOp.EQ and kind in _INDEXED_KINDS:
            return [("eq", node.field, kind, node.value)]
        if kind is Kind.NUMBER and node.op.ordering:
            value = node.value
            if node.op in (CompareOp.LT, CompareOp.LE):
                return [("range", node.field, -_INF, False, value, node.op is CompareOp.LE)]
            return [("range", node.field, value, node.op is CompareOp.GE, _INF, False)]
        return None
    if isinstance(node, In):
        if node.kind in _INDEXED_KINDS:
            return [("eq", node.field, node.kind, v) for v in sorted(node.values, key=repr)]
        return None
    if isinstance(node, StartsWith):
        return [("prefix", node.field, p) for p in sorted(node.prefixes)]
    if isinstance(node, Contains):
        if node.kind not in _INDEXED_KINDS:
            return None
        values = sorted(node.values, key=repr)
        if node.mode is ContainsMode.ALL:
            return [("contains", node.field, node.kind, values[0])]
        return [("contains", node.field, node.kind, v) for v in values]
    if isinstance(node, Between):
        if node.kind is Kind.NUMBER:
            bounds = node.bounds
            return [
                ("range", node.field, node.low, bounds.low_inclusive, node.high,
                 bounds.high_inclusive)
            ]  # fmt: skip
        return None
    if isinstance(node, AnyOf):
        if not node.conditions:
            return None
        union: list[Key] = []
        for child in node.conditions:
            options = _options(child)
            if not options:
                return None
            best: list[Key] = min(options, key=_static_cost)
            union.extend(best)
        return union
    return None


def _options(condition: Condition) -> list[list[Key]]:
    """Every keyset that would do for *condition*: one per indexable conjunct, and one per
    pair of an exact-value conjunct with an indexable conjunct on another field (a composite
    key such as country and postal prefix)."""
    out: list[list[Key]] = []
    leaves: list[tuple[str, list[Key]]] = []
    for part in conjuncts(condition):
        keys = _leaf_keys(part)
        if keys:
            out.append(keys)
            if not isinstance(part, AnyOf):
                leaves.append((keys[0][1], keys))
    for outer_field, outer in leaves:
        if outer[0][0] != "eq":
            continue
        for inner_field, inner in leaves:
            if inner_field == outer_field or len(outer) * len(inner) > _MAX_COMPOSITE:
                continue
            out.append([("and", e, x) for e in outer for x in inner])
    return out


_MAX_COMPOSITE: Final = 64


def _prefix_signature(keyset: list[Key]) -> tuple[Any, str, frozenset[str]] | None:
    """``(outer keys, field, prefixes)`` for a keyset of prefix keys (each maybe inside a
    composite), else ``None``."""
    outers = set()
    fields = set()
    prefixes = set()
    for key in keyset:
        outer = None
        if key[0] == "and":
            outer, key = key[1], key[2]
        if key[0] != "prefix":
            return None
        outers.add(outer)
        fields.add(key[1])
        prefixes.add(key[2])
    if len(fields) != 1:
        return None
    return frozenset(outers), fields.pop(), frozenset(prefixes)


def _undominated(options: list[list[Key]]) -> list[list[Key]]:
    """Drop the prefix keysets that a longer prefix of the same rule makes redundant (a
    child's inherited ``starts_with '8'`` next to its own ``starts_with '80'``): counting
    them would make every prefix look as crowded as its whole subtree."""
    signatures = [_prefix_signature(keys) for keys in options]
    out = []
    for i, keys in enumerate(options):
        mine = signatures[i]
        if mine is not None and any(
            other is not None
            and other != mine
            and other[:2] == mine[:2]
            and all(any(q.startswith(p) for p in mine[2]) for q in other[2])
            for other in signatures
        ):
            continue
        out.append(keys)
    return out


def _implies(key: Key, part: Condition) -> bool:
    """Whether a lead hitting *key* is known to satisfy the conjunct *part*."""
    table = key[0]
    if table == "and":
        return _implies(key[1], part) or _implies(key[2], part)
    if table == "eq":
        _, path, kind, value = key
        if isinstance(part, Compare) and part.op is CompareOp.EQ:
            return part.field == path and part.kind is kind and part.value == value
        if isinstance(part, In):
            return part.field == path and part.kind is kind and value in part.values
        return False
    if table == "prefix":
        _, path, prefix = key
        return (
            isinstance(part, StartsWith)
            and part.field == path
            and any(prefix.startswith(q) for q in part.prefixes)
        )
    if table == "contains":
        _, path, kind, value = key
        return (
            isinstance(part, Contains)
            and part.mode is ContainsMode.ANY
            and part.field == path
            and part.kind is kind
            and value in part.values
        )
    return False  # ranges and circles are found as supersets: always test them


def _static_cost(keyset: list[Key]) -> tuple[int, int]:
    return (max(_STATIC[k[2][0] if k[0] == "and" else k[0]] for k in keyset), len(keyset))


def _count_key(key: Key) -> Key:
    if key[0] == "range":
        return ("range", key[1])
    if key[0] == "geo":
        return ("geo",)
    if key[0] == "and":
        return ("and", key[1], _count_key(key[2]))
    return key


class _Ranges:
    """Intervals of numbers, found by bisection over their sorted end points."""

    def __init__(self, intervals: Sequence[tuple[Any, bool, Any, bool, int]]) -> None:
        points = sorted(
            {p for lo, _, hi, _, _ in intervals for p in (lo, hi) if p not in (_INF, -_INF)}
        )
        self._points = points
        slots: list[list[int]] = [[] for _ in range(2 * len(points) + 1)]
        for lo, lo_incl, hi, hi_incl, key in intervals:
            if lo == -_INF:
                first = 0
            else:
                at = bisect.bisect_left(points, lo)
                first = 2 * at + 1 if lo_incl else 2 * at + 2
            if hi == _INF:
                last = len(slots) - 1
            else:
                at = bisect.bisect_left(points, hi)
                last = 2 * at + 1 if hi_incl else 2 * at
            for slot in range(first, last + 1):
                slots[slot].append(key)
        self._slots = slots

    def lookup(self, value: Any) -> list[int]:
        points = self._points
        at = bisect.bisect_left(points, value)
        if at < len(points) and points[at] == value:
            return self._slots[2 * at + 1]
        return self._slots[2 * at]


Lookup = Callable[[Sequence[Any], set[int]], None]


class TerritoryIndex(_Matcher):
    """A territory model compiled for fast matching.

    Build it once per model (it is immutable and safe to share between threads) and call
    :meth:`match` per lead.

    Args:
        model: The territory model.

    Examples:
        >>> from prmcore.rules import field
        >>> from prmcore.lead_routing import Territory, TerritoryModel
        >>> model = TerritoryModel("m", 1, [
        ...     Territory("de", "Germany", include=field("location.country").eq("DE")),
        ...     Territory("muc", "München", parent_id="de",
        ...               include=field("location.postal_code").starts_with("80")),
        ... ])
        >>> index = TerritoryIndex(model)
        >>> lead = {"location": {"country": "DE", "postal_code": "80331"}}
        >>> [m.territory_id for m in index.match(lead, dt.date(2026, 1, 1))]
        ['de', 'muc']

    .. versionadded:: 0.1.0
    """

    def __init__(self, model: TerritoryModel) -> None:
        super().__init__(model)
        chosen: dict[int, list[Key]] = {}
        options = {c.order: self._territory_options(model, c) for c in self._compiled if c.has_rule}
        counts: Counter[Key] = Counter(
            _count_key(k) for opts in options.values() for keyset in opts for k in keyset
        )

        def key_cost(key: Key) -> int:
            if key[0] == "prefix":
                path, prefix = key[1], key[2]
                return sum(counts[("prefix", path, prefix[:n])] for n in range(1, len(prefix) + 1))
            if key[0] == "and" and key[2][0] == "prefix":
                outer, path, prefix = key[1], key[2][1], key[2][2]
                return sum(
                    counts[("and", outer, ("prefix", path, prefix[:n]))]
                    for n in range(1, len(prefix) + 1)
                )
            return counts[_count_key(key)]

        def cost(keyset: list[Key]) -> tuple[int, int, int]:
            return (sum(key_cost(k) for k in keyset), *_static_cost(keyset))

        self._scan: list[int] = []
        for order, opts in options.items():
            if opts:
                best = chosen[order] = min(opts, key=cost)
                self._set_residual(model, self._compiled[order], best)
            else:
                self._scan.append(order)
        slots: dict[str, int] = {}
        self._lookups = _build_lookups(chosen, slots)
        self._read = _reader(tuple(slots))
        self._grid = _build_grid(chosen)
        self._has_named = bool(self._accounts or self._domains)
        self.indexed = len(chosen)
        """How many territories are found through the index."""
        self.scanned = len(self._scan)
        """How many territories have no indexable rule and are tested for every lead."""

    @staticmethod
    def _territory_options(model: TerritoryModel, compiled: _Compiled) -> list[list[Key]]:
        rule = model.rule_of(compiled.territory_id)
        opts = _options(rule) if rule is not None else []
        opts.extend([("geo", circle)] for circle in compiled.circles)
        return _undominated(opts)

    @staticmethod
    def _set_residual(model: TerritoryModel, compiled: _Compiled, keyset: list[Key]) -> None:
        rule = model.rule_of(compiled.territory_id)
        if rule is None:
            return
        rest = tuple(p for p in conjuncts(rule) if not all(_implies(k, p) for k in keyset))
        compiled.residual = None if not rest else AllOf(rest).compile()
        compiled.trivial = (
            compiled.residual is None and not compiled.circles and not compiled.excludes
        )
        compiled.direct = (
            compiled.trivial
            and compiled.first_day == dt.date.min
            and (compiled.last_day == dt.date.max)
        )

    def candidates(self, lead: Any) -> list[int]:
        """The positions (in the model) of the territories that may cover *lead* by rule:
        a superset of those that do, in model order."""
        values = self._read(lead)
        found: set[int] = set(self._scan)
        for lookup in self._lookups:
            lookup(values, found)
        self._near(lead, found)
        return sorted(found)

    def _named_from(self, account: Any, domain: Any, on: dt.date, found: dict[int, Any]) -> None:
        # As _named_matches, from the values read for the lead.
        for table, key in ((self._accounts, account), (self._domains, domain)):
            if isinstance(key, str):
                for i in table.get(key, ()):
                    compiled = self._compiled[i]
                    if compiled.first_day <= on <= compiled.last_day:
                        found[i] = compiled.matches[MatchKind.NAMED_ACCOUNT]

    def _near(self, lead: Any, found: set[int]) -> None:
        if self._grid is not None:
            point = _point(lead)
            if point is not None:
                found.update(self._grid.near(*point))

    def match(self, lead: Any, on: dt.date) -> list[TerritoryMatch]:
        """The territories covering *lead* on day *on*, in model order: named-account and
        rule matches, or else the catch-alls that do not exclude it. The same as
        :meth:`BruteForceMatcher.match`, found faster."""
        values = self._read(lead)
        found: dict[int, TerritoryMatch] = {}
        if self._has_named:
            self._named_from(values[-2], values[-1], on, found)
        compiled = self._compiled
        candidates: set[int] = set(self._scan)
        for lookup in self._lookups:
            lookup(values, candidates)
        if self._grid is not None:
            self._near(lead, candidates)
        for i in candidates:
            if i in found:
                continue
            territory = compiled[i]
            if territory.direct or (
                territory.first_day <= on <= territory.last_day and territory.covers_keyed(lead)
            ):
                found[i] = territory.rule_match
        if not found:
            return self._finish(lead, on, found)
        if len(found) == 1:
            return list(found.values())
        return [found[i] for i in sorted(found)]


def _build_lookups(chosen: dict[int, list[Key]], slots: dict[str, int]) -> list[Lookup]:
    """The look-up functions serving every chosen key but circles (composite keys as nested
    look-ups). Each reads its field from the lead's values at the position *slots* gives the
    field (added there when new), so a field is read once per lead however many look-ups use
    it."""
    eq: dict[tuple[str, Kind], dict[Any, list[int]]] = {}
    contains: dict[tuple[str, Kind], dict[Any, list[int]]] = {}
    prefixes: dict[str, dict[str, list[int]]] = {}
    ranges: dict[str, list[tuple[Any, bool, Any, bool, int]]] = {}
    nested: dict[tuple[str, Kind], dict[Any, dict[int, list[Key]]]] = {}
    for order in sorted(chosen):
        for key in chosen[order]:
            table = key[0]
            if table == "eq":
                eq.setdefault((key[1], key[2]), {}).setdefault(key[3], []).append(order)
            elif table == "contains":
                contains.setdefault((key[1], key[2]), {}).setdefault(key[3], []).append(order)
            elif table == "prefix":
                prefixes.setdefault(key[1], {}).setdefault(key[2], []).append(order)
            elif table == "range":
                ranges.setdefault(key[1], []).append((*key[2:6], order))
            elif table == "and":
                outer = key[1]
                by_value = nested.setdefault((outer[1], outer[2]), {})
                by_value.setdefault(outer[3], {}).setdefault(order, []).append(key[2])
            # Circles are served by the index's grid (see _build_grid); composite keys
            # never hold one.

    def slot(path: str) -> int:
        return slots.setdefault(path, len(slots))

    lookups: list[Lookup] = []
    # One look-up per field serves its exact values and the composite keys they start.
    for path, kind in sorted(eq.keys() | nested.keys(), key=lambda k: (k[0], k[1].value)):
        at = slot(path)
        subs = {
            value: _build_lookups(sub, slots) for value, sub in nested.get((path, kind), {}).items()
        }
        lookups.append(_eq_lookup(at, kind, eq.get((path, kind), {}), subs))
    for (path, kind), values in sorted(contains.items(), key=_by_field):
        lookups.append(_contains_lookup(slot(path), kind, values))
    for path, table in sorted(prefixes.items()):
        lookups.append(_prefix_lookup(slot(path), table))
    for path, intervals in sorted(ranges.items()):
        lookups.append(_range_lookup(slot(path), _Ranges(intervals)))
    return lookups


def _build_grid(chosen: dict[int, list[Key]]) -> GeoGrid | None:
    """The grid of the circles among the chosen keys (``None`` without any)."""
    grid: GeoGrid | None = None
    for order in sorted(chosen):
        for key in chosen[order]:
            if key[0] == "geo":
                if grid is None:
                    grid = GeoGrid()
                circle: GeoCircle = key[1]
                grid.add(order, circle)
    return grid


def _reader(paths: tuple[str, ...]) -> Callable[[Any], Sequence[Any]]:
    """A function reading every one of *paths* from a lead, as
    :func:`~prmcore.rules._access.make_resolver` reads each, then its account id and domain
    (the last two values; strings, or anything else for none). For an object, one C-level
    attribute getter reads all of them; whenever that cannot give the exact answer (a
    mapping, a missing attribute or ``None`` on the way, a method), each path's resolver and
    the named-account reading decide."""
    resolvers = tuple(make_resolver(path) for path in paths)
    getter = operator.attrgetter(*paths, "account_id", "domain")

    def read(lead: Any) -> Sequence[Any]:
        if not _is_mapping(type(lead)):
            try:
                values: tuple[Any, ...] = getter(lead)
            except AttributeError:
                pass
            else:
                for value in values:
                    if callable(value):
                        break
                else:
                    return values
        return [*(resolve(lead) for resolve in resolvers), *_named(lead)]

    return read


def _by_field(item: tuple[tuple[str, Kind], Any]) -> tuple[str, str]:
    return (item[0][0], item[0][1].value)


def _eq_lookup(
    at: int, kind: Kind, hits: dict[Any, list[int]], subs: dict[Any, list[Lookup]]
) -> Lookup:
    """The look-up of a field's exact values: the territories keyed by the lead's value
    (*hits*), and the look-ups of the composite keys it starts (*subs*)."""
    table = {
        value: (tuple(hits.get(value, ())), tuple(subs.get(value, ())))
        for value in hits.keys() | subs.keys()
    }
    if kind is Kind.STR:
        # normaliser(Kind.STR) inlined: a non-empty string is its own key.
        def text_lookup(values: Sequence[Any], found: set[int]) -> None:
            value = values[at]
            if isinstance(value, str) and value:
                entry = table.get(value)
                if entry is not None:
                    keyed, inner = entry
                    if keyed:
                        found.update(keyed)
                    for sub in inner:
                        sub(values, found)

        return text_lookup
    norm = normaliser(kind)

    def lookup(values: Sequence[Any], found: set[int]) -> None:
        value = norm(values[at])
        if value is not None:
            entry = table.get(value)
            if entry is not None:
                keyed, inner = entry
                if keyed:
                    found.update(keyed)
                for sub in inner:
                    sub(values, found)

    return lookup


def _contains_lookup(at: int, kind: Kind, table: dict[Any, list[int]]) -> Lookup:
    norm = normaliser(kind)

    def lookup(values: Sequence[Any], found: set[int]) -> None:
        items = values[at]
        if isinstance(items, COLLECTIONS):
            for item in items:
                value = norm(item)
                if value is not None:
                    hits = table.get(value)
                    if hits:
                        found.update(hits)

    return lookup


def _prefix_lookup(at: int, table: dict[str, list[int]]) -> Lookup:
    """Longest-prefix look-up: each prefix in *table* holds its own territories and those
    of its shorter prefixes, so the longest prefix of the lead's code found gives them all."""
    lengths = tuple(sorted({len(p) for p in table}, reverse=True))
    covering = {
        prefix: tuple(
            sorted({i for n in range(len(prefix) + 1) for i in table.get(prefix[:n], ())})
        )
        for prefix in table
    }

    def lookup(values: Sequence[Any], found: set[int]) -> None:
        value = values[at]
        if isinstance(value, str) and value:
            size = len(value)
            for n in lengths:
                if n <= size:
                    hits = covering.get(value[:n])
                    if hits is not None:
                        found.update(hits)
                        return

    return lookup


def _range_lookup(at: int, ranges: _Ranges) -> Lookup:
    norm = normaliser(Kind.NUMBER)

    def lookup(values: Sequence[Any], found: set[int]) -> None:
        value = norm(values[at])
        if value is not None:
            hits = ranges.lookup(value)
            if hits:
                found.update(hits)

    return lookup
