"""Trying a new territory alignment before it goes live: simulate a draft model on a sample of
leads, diff it against the active one, respect locks, then activate it.

A :class:`RoutingLocks` names leads and accounts that must stay where they are: a realignment
reports their would-be moves separately (:attr:`ModelDiff.locked`) and never applies them.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from prmcore.domain import Lead
from prmcore.errors import ValidationError
from prmcore.lead_routing.resolution import resolve
from prmcore.lead_routing.territory import ModelStatus, TerritoryModel
from prmcore.lead_routing.territory_index import TerritoryIndex

__all__ = [
    "ModelDiff",
    "RoutingLocks",
    "Simulation",
    "TerritoryChange",
    "activate",
    "diff_models",
    "simulate",
]


@attrs.frozen
class RoutingLocks:
    """Leads and accounts excluded from realignment.

    Args:
        lead_ids: Locked leads.
        account_ids: Locked accounts (every lead of the account is locked).

    .. versionadded:: 0.1.0
    """

    lead_ids: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    account_ids: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)

    def locks(self, lead: Lead) -> bool:
        """Whether *lead* is locked (itself or through its account)."""
        return lead.id in self.lead_ids or (
            lead.account_id is not None and lead.account_id in self.account_ids
        )


@attrs.frozen
class Simulation:
    """Which territories a model gives each lead of a sample.

    Attributes:
        model_id: The model.
        model_version: Its version.
        assignments: Lead id to its winning territory ids, best first (empty: the fallback
            queue).

    .. versionadded:: 0.1.0
    """

    model_id: str
    model_version: int
    assignments: Mapping[str, tuple[str, ...]] = attrs.field(hash=False)

    def per_territory(self) -> dict[str, int]:
        """How many leads each territory wins first (``""`` for the fallback queue)."""
        counts = Counter(ids[0] if ids else "" for ids in self.assignments.values())
        return dict(sorted(counts.items()))


def simulate(model: TerritoryModel, leads: Iterable[Lead], on: dt.date) -> Simulation:
    """Resolve every lead of *leads* on day *on* under *model* (any status: drafts too).

    .. versionadded:: 0.1.0
    """
    index = TerritoryIndex(model)
    out: dict[str, tuple[str, ...]] = {}
    for lead in leads:
        winners = resolve(index.match(lead, on), model.policy)
        out[lead.id] = tuple(m.territory_id for m in winners)
    return Simulation(model.id, model.version, MappingProxyType(out))


@attrs.frozen
class TerritoryChange:
    """A lead whose territories differ between two models.

    .. versionadded:: 0.1.0
    """

    lead_id: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"lead_id": self.lead_id, "before": list(self.before), "after": list(self.after)}


@attrs.frozen
class ModelDiff:
    """The difference two models make on a sample of leads.

    Attributes:
        base: The active model's simulation.
        proposed: The proposed model's simulation.
        changes: Leads that would move (locked ones excluded), by lead id.
        locked: Leads that would move but are locked, so stay.
        unchanged: How many leads keep their territories.

    .. versionadded:: 0.1.0
    """

    base: Simulation
    proposed: Simulation
    changes: tuple[TerritoryChange, ...]
    locked: tuple[TerritoryChange, ...]
    unchanged: int

    def moves(self) -> dict[tuple[str, str], int]:
        """How many leads move from one first territory to another (``""``: fallback)."""
        counts = Counter(
            (c.before[0] if c.before else "", c.after[0] if c.after else "") for c in self.changes
        )
        return dict(sorted(counts.items()))

    def assignments(self) -> dict[str, tuple[str, ...]]:
        """The territories after realignment: the proposed ones, except that locked leads keep
        their current ones."""
        out = dict(self.proposed.assignments)
        for change in self.locked:
            out[change.lead_id] = change.before
        return out


def diff_models(
    active: TerritoryModel,
    proposed: TerritoryModel,
    leads: Iterable[Lead],
    on: dt.date,
    *,
    locks: RoutingLocks | None = None,
) -> ModelDiff:
    """Simulate both models on *leads* and list what would move.

    Raises:
        ValidationError: The models are not two versions of one model.

    .. versionadded:: 0.1.0
    """
    if active.id != proposed.id:
        raise ValidationError(
            f"cannot diff model {proposed.id!r} against {active.id!r}: not the same model",
            "proposed.id",
        )
    sample = list(leads)
    base = simulate(active, sample, on)
    new = simulate(proposed, sample, on)
    lock = locks or RoutingLocks()
    changes: list[TerritoryChange] = []
    held: list[TerritoryChange] = []
    unchanged = 0
    for lead in sample:
        before, after = base.assignments[lead.id], new.assignments[lead.id]
        if before == after:
            unchanged += 1
            continue
        change = TerritoryChange(lead.id, before, after)
        (held if lock.locks(lead) else changes).append(change)
    return ModelDiff(base, new, tuple(changes), tuple(held), unchanged)


def activate(
    proposed: TerritoryModel, current: TerritoryModel | None = None
) -> tuple[TerritoryModel, TerritoryModel | None]:
    """Make the draft *proposed* active and archive *current*: returns both as changed.

    Raises:
        InvalidTransition: *proposed* is not a draft or *current* is not active.
        ValidationError: They are not versions of one model, or *proposed* is not newer.

    .. versionadded:: 0.1.0
    """
    if current is not None:
        if current.id != proposed.id:
            raise ValidationError(
                f"model {proposed.id!r} cannot replace {current.id!r}", "proposed.id"
            )
        if proposed.version <= current.version:
            raise ValidationError(
                f"version {proposed.version} is not newer than the active {current.version}",
                "proposed.version",
            )
    new = proposed.transition(ModelStatus.ACTIVE)
    old = current.transition(ModelStatus.ARCHIVED) if current is not None else None
    return new, old
