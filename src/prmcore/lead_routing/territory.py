"""Territories and territory models: who covers which leads, as data.

A :class:`Territory` covers leads three ways:

* **named accounts**: listed account ids or web domains. A lead of a named account goes to the
  territories that name it, whatever its geography says (named accounts beat geography, and
  the territory's include and exclude rules do not apply to them);
* **rules**: an ``include`` condition (and optionally a :class:`~prmcore.lead_routing.GeoCircle`
  it must also lie in) minus an ``exclude`` condition; exclusion beats inclusion;
* **catch-all**: a territory marked ``catch_all`` takes leads that no other territory covers.

Territories form a hierarchy through ``parent_id``: a child covers a lead by rule only where
every ancestor with rules covers it too, and an ancestor's exclusion excludes for the child as
well. Each territory is in force from ``effective_from`` to ``effective_to`` (both inclusive),
and a child only while its ancestors are.

A :class:`TerritoryModel` is one versioned alignment: the territories, the
:class:`ResolutionPolicy` that decides between overlapping matches, and a status (draft,
active, archived).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Any

import attrs

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.domain.ids import PartnerId
from prmcore.errors import InvalidTransition, NotFoundError
from prmcore.lead_routing.geo import GeoCircle
from prmcore.rules import AllOf, Condition, specificity

__all__ = [
    "MODEL_TRANSITIONS",
    "ModelStatus",
    "PolicyKind",
    "PoolMember",
    "ResolutionPolicy",
    "Territory",
    "TerritoryModel",
]


def _to_decimal_or_none(value: object) -> Any:
    if isinstance(value, float):
        raise TypeError(
            f"float {value!r} is not accepted for a weight or quota: pass an int, str or Decimal"
        )
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


@attrs.frozen
class PoolMember(Validated):
    """A partner in a territory's pool.

    Args:
        partner_id: The partner.
        weight: Its weight for weighted strategies (round robin, random); ``None`` takes the
            weight from the router's weight source (the program level's routing weight), else 1.
            0 means never.
        quota: Its target share for the quota strategy (any scale: shares are relative);
            ``None`` uses the weight.

    Raises:
        ValidationError: A bad id, or a negative or non-finite weight or quota.
        TypeError: A float weight or quota.

    .. versionadded:: 0.1.0
    """

    partner_id: PartnerId
    weight: Decimal | None = attrs.field(default=None, converter=_to_decimal_or_none)
    quota: Decimal | None = attrs.field(default=None, converter=_to_decimal_or_none)

    def _validate(self, c: Checks) -> None:
        c.identifier("partner_id", self.partner_id)
        for name in ("weight", "quota"):
            value = getattr(self, name)
            if value is not None:
                c.decimal(name, value, minimum=Decimal(0))


def _to_frozenset(value: object) -> Any:
    if isinstance(value, list | tuple | set):
        return frozenset(value)
    return value


def _to_domains(value: object) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(v.strip().lower().rstrip(".") if isinstance(v, str) else v for v in value)
    return value


@attrs.frozen
class Territory(Validated):
    """One territory: what it covers, where it sits in the hierarchy and who it routes to.

    Args:
        id: Unique in its model.
        name: Display name.
        include: The rule a lead must satisfy (``None``: no rule coverage, only named accounts
            or a catch-all).
        exclude: Leads satisfying this are never covered by rule, even when ``include`` holds.
        near: A circle the lead's coordinates must lie in (in addition to ``include``); a lead
            without coordinates is not near anything.
        named_accounts: Account ids this territory owns.
        named_domains: Web domains this territory owns (lower-cased).
        catch_all: Takes leads no other territory covers.
        parent_id: The parent territory.
        priority: For "first match": lower numbers are tried first.
        effective_from: First day in force (inclusive); ``None``: always was.
        effective_to: Last day in force (inclusive); ``None``: open-ended.
        members: The partner pool.
        strategy: The name of the router's selection strategy for this territory (``None``:
            the router's default).

    Raises:
        ValidationError: Listing every problem (``members[1].partner_id``, ``effective_to``,
            ``catch_all`` together with rules, a territory covering nothing, ...).

    .. versionadded:: 0.1.0
    """

    id: str
    name: str
    include: Condition | None = None
    exclude: Condition | None = None
    near: GeoCircle | None = None
    named_accounts: frozenset[str] = attrs.field(default=frozenset(), converter=_to_frozenset)
    named_domains: frozenset[str] = attrs.field(default=frozenset(), converter=_to_domains)
    catch_all: bool = False
    parent_id: str | None = None
    priority: int = 0
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    members: tuple[PoolMember, ...] = attrs.field(default=(), converter=to_tuple)
    strategy: str | None = None

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("name", self.name, max_length=300)
        for name in ("include", "exclude"):
            value = getattr(self, name)
            if value is not None:
                c.instance(name, value, Condition)
        if self.near is not None:
            c.instance("near", self.near, GeoCircle)
        for name in ("named_accounts", "named_domains"):
            values = getattr(self, name)
            if c.instance(name, values, frozenset):
                for value in sorted(values, key=repr):
                    c.identifier(name, value)
        c.instance("catch_all", self.catch_all, bool)
        if self.catch_all is True and (self.include is not None or self.near is not None):
            c.add("catch_all", "a catch-all covers every lead: give it no include or near rule")
        if c.optional_identifier("parent_id", self.parent_id) and self.parent_id == self.id:
            c.add("parent_id", "a territory cannot be its own parent")
        c.integer("priority", self.priority)
        if c.optional_date("effective_from", self.effective_from) and c.optional_date(
            "effective_to", self.effective_to
        ):
            c.date_order("effective_from", self.effective_from, "effective_to", self.effective_to)
        if c.each("members", self.members, lambda p, v: c.instance(p, v, PoolMember)):
            seen: set[str] = set()
            for index, member in enumerate(self.members):
                if member.partner_id in seen:
                    c.add(f"members[{index}].partner_id", f"duplicate {member.partner_id!r}")
                seen.add(member.partner_id)
        if self.strategy is not None:
            c.identifier("strategy", self.strategy)

    @property
    def has_rule(self) -> bool:
        """True when the territory covers leads by rule (``include`` or ``near``)."""
        return self.include is not None or self.near is not None

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the territory itself is in force on *day* (ancestors not considered)."""
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


class ModelStatus(enum.StrEnum):
    """Where a territory model is in its lifecycle: ``draft → active → archived``.

    .. versionadded:: 0.1.0
    """

    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


MODEL_TRANSITIONS: Mapping[ModelStatus, frozenset[ModelStatus]] = MappingProxyType(
    {
        ModelStatus.DRAFT: frozenset({ModelStatus.ACTIVE, ModelStatus.ARCHIVED}),
        ModelStatus.ACTIVE: frozenset({ModelStatus.ARCHIVED}),
        ModelStatus.ARCHIVED: frozenset(),
    }
)
"""The allowed status changes of a :class:`TerritoryModel`.

.. versionadded:: 0.1.0
"""


class PolicyKind(enum.StrEnum):
    """How overlapping territory matches are ranked.

    .. versionadded:: 0.1.0
    """

    FIRST_MATCH = "first_match"
    """Lowest ``priority`` first, then model order."""
    MOST_SPECIFIC = "most_specific"
    """Deepest in the hierarchy first, then the most specific rule
    (:func:`~prmcore.rules.specificity`), then priority, then model order."""
    RANK = "rank"
    """As most specific, keeping the best ``winners`` territories: the router tries them in
    order until one has an eligible partner."""


def _to_policy_kind(value: object) -> PolicyKind:
    result: PolicyKind = to_enum(PolicyKind, value)
    return result


def _to_status(value: object) -> ModelStatus:
    result: ModelStatus = to_enum(ModelStatus, value)
    return result


@attrs.frozen
class ResolutionPolicy(Validated):
    """How the router chooses among the territories a lead matches.

    Whatever the kind, territories that name the lead's account beat those that match by
    rule, and catch-all territories are used only when nothing else matched.

    Args:
        kind: A :class:`PolicyKind` or its value.
        winners: How many territories to keep (only for ``rank``; the others keep 1).

    Raises:
        ValidationError: Unknown kind; ``winners`` below 1, or above 1 for a kind other than
            ``rank``.

    .. versionadded:: 0.1.0
    """

    kind: PolicyKind = attrs.field(default=PolicyKind.MOST_SPECIFIC, converter=_to_policy_kind)
    winners: int = 1

    def _validate(self, c: Checks) -> None:
        kind_ok = c.member("kind", self.kind, PolicyKind)
        if (
            c.integer("winners", self.winners, minimum=1, maximum=1000)
            and kind_ok
            and self.kind is not PolicyKind.RANK
        ):
            c.require(self.winners == 1, "winners", "only the rank policy keeps several winners")


@attrs.frozen
class TerritoryModel(Validated):
    """One versioned territory alignment.

    Args:
        id: The model's id (the same across its versions).
        version: The alignment's version number, from 1.
        territories: The territories, in model order (which breaks the last ties).
        policy: How overlapping matches are resolved.
        status: :class:`ModelStatus`; change it with :meth:`transition`.
        description: Free text.

    Raises:
        ValidationError: Listing every problem: duplicate territory ids, unknown parents,
            cycles (``territories[3].parent_id``), bad territories.

    .. versionadded:: 0.1.0
    """

    id: str
    version: int
    territories: tuple[Territory, ...] = attrs.field(converter=to_tuple)
    policy: ResolutionPolicy = attrs.field(factory=ResolutionPolicy)
    status: ModelStatus = attrs.field(default=ModelStatus.DRAFT, converter=_to_status)
    description: str | None = None

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.integer("version", self.version, minimum=1)
        c.instance("policy", self.policy, ResolutionPolicy)
        c.member("status", self.status, ModelStatus)
        c.optional_text("description", self.description, max_length=2000)
        if not c.each("territories", self.territories, lambda p, v: c.instance(p, v, Territory)):
            return
        index: dict[str, int] = {}
        for i, territory in enumerate(self.territories):
            if territory.id in index:
                c.add(f"territories[{i}].id", f"duplicate territory id {territory.id!r}")
            else:
                index[territory.id] = i
        for i, territory in enumerate(self.territories):
            if territory.parent_id is not None and territory.parent_id not in index:
                c.add(f"territories[{i}].parent_id", f"unknown territory {territory.parent_id!r}")
        reported: set[str] = set()
        for i, territory in enumerate(self.territories):
            seen = {territory.id}
            parent = territory.parent_id
            while parent is not None and parent in index:
                if parent in seen:
                    if territory.id not in reported:
                        c.add(f"territories[{i}].parent_id", "the parents form a cycle")
                        reported.update(seen)
                    break
                seen.add(parent)
                parent = self.territories[index[parent]].parent_id

    @cached_property
    def _by_id(self) -> Mapping[str, Territory]:
        return MappingProxyType({t.id: t for t in self.territories})

    def territory(self, territory_id: str) -> Territory:
        """The territory with *territory_id*.

        Raises:
            NotFoundError: The model has none.
        """
        found = self._by_id.get(territory_id)
        if found is None:
            raise NotFoundError("Territory", territory_id)
        return found

    def ancestors(self, territory_id: str) -> tuple[Territory, ...]:
        """The territory's ancestors, nearest first.

        Raises:
            NotFoundError: No such territory.
        """
        out: list[Territory] = []
        parent = self.territory(territory_id).parent_id
        while parent is not None:
            found = self._by_id[parent]
            out.append(found)
            parent = found.parent_id
        return tuple(out)

    def depth(self, territory_id: str) -> int:
        """How many ancestors the territory has (0 for a root).

        Raises:
            NotFoundError: No such territory.
        """
        return len(self.ancestors(territory_id))

    def children(self, territory_id: str | None) -> tuple[Territory, ...]:
        """The territories whose parent is *territory_id* (the roots for ``None``)."""
        return tuple(t for t in self.territories if t.parent_id == territory_id)

    def in_force_on(self, territory_id: str, day: dt.date) -> bool:
        """Whether the territory and all its ancestors are in force on *day*.

        Raises:
            NotFoundError: No such territory.
        """
        chain = (self.territory(territory_id), *self.ancestors(territory_id))
        return all(t.in_force_on(day) for t in chain)

    def rule_of(self, territory_id: str) -> Condition | None:
        """The include rules of the territory and its ancestors joined with *and* (nearest
        last), or ``None`` when the territory has no rule coverage.

        Raises:
            NotFoundError: No such territory.
        """
        territory = self.territory(territory_id)
        if not territory.has_rule:
            return None
        parts = [
            t.include
            for t in (*reversed(self.ancestors(territory_id)), territory)
            if t.include is not None
        ]
        return AllOf(tuple(parts))

    def specificity_of(self, territory_id: str) -> int:
        """The :func:`~prmcore.rules.specificity` of :meth:`rule_of`, plus 60 for each
        ``near`` circle on the way (0 without rule coverage).

        Raises:
            NotFoundError: No such territory.
        """
        rule = self.rule_of(territory_id)
        if rule is None:
            return 0
        chain = (self.territory(territory_id), *self.ancestors(territory_id))
        return specificity(rule) + 60 * sum(1 for t in chain if t.near is not None)

    def partner_ids(self) -> frozenset[PartnerId]:
        """Every partner in any territory's pool."""
        return frozenset(m.partner_id for t in self.territories for m in t.members)

    def transition(self, target: ModelStatus | str) -> TerritoryModel:
        """A copy in status *target* (``draft → active → archived``; a draft may also be
        archived unused).

        Raises:
            InvalidTransition: The lifecycle does not allow it.
        """
        wanted = to_enum(ModelStatus, target)
        if not isinstance(wanted, ModelStatus) or wanted not in MODEL_TRANSITIONS[self.status]:
            raise InvalidTransition(
                "TerritoryModel",
                self.status.value,
                str(getattr(wanted, "value", wanted)),
                sorted(s.value for s in MODEL_TRANSITIONS[self.status]),
            )
        return attrs.evolve(self, status=wanted)

    def next_draft(self, territories: Iterable[Territory] | None = None) -> TerritoryModel:
        """A new draft one version higher, with *territories* (default: the same ones)."""
        return TerritoryModel(
            id=self.id,
            version=self.version + 1,
            territories=tuple(self.territories if territories is None else territories),
            policy=self.policy,
            status=ModelStatus.DRAFT,
            description=self.description,
        )
