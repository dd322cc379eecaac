"""Resolution policies: which of the territories a lead matches win, in what order.

Named-account matches beat rule matches whatever the policy; catch-alls only appear when
nothing else matched (see :class:`~prmcore.lead_routing.TerritoryIndex`).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Sequence

from prmcore.lead_routing.territory import PolicyKind, ResolutionPolicy
from prmcore.lead_routing.territory_index import MatchKind, TerritoryMatch

__all__ = ["resolve"]

_NAMED = MatchKind.NAMED_ACCOUNT


def _first_match_key(m: TerritoryMatch) -> tuple[int, int]:
    return (m.priority, m.order)


def _specific_key(m: TerritoryMatch) -> tuple[int, int, int, int]:
    return (-m.depth, -m.specificity, m.priority, m.order)


def resolve(matches: Sequence[TerritoryMatch], policy: ResolutionPolicy) -> list[TerritoryMatch]:
    """The winning territories, best first: one for ``first_match`` and ``most_specific``,
    up to ``policy.winners`` for ``rank``.

    Examples:
        >>> from prmcore.lead_routing import ResolutionPolicy
        >>> a = TerritoryMatch("de", MatchKind.RULE, 0, 100, 0, 0)
        >>> b = TerritoryMatch("muc", MatchKind.RULE, 1, 170, 5, 1)
        >>> [m.territory_id for m in resolve([a, b], ResolutionPolicy("first_match"))]
        ['de']
        >>> [m.territory_id for m in resolve([a, b], ResolutionPolicy("rank", winners=2))]
        ['muc', 'de']

    .. versionadded:: 0.1.0
    """
    if not matches:
        return []
    if len(matches) == 1:
        return [matches[0]]
    if policy.kind is PolicyKind.MOST_SPECIFIC or (
        policy.kind is PolicyKind.RANK and policy.winners == 1
    ):
        return [_most_specific(matches)]
    pool: Sequence[TerritoryMatch] = matches
    for m in matches:
        if m.kind is _NAMED:
            pool = [m for m in matches if m.kind is _NAMED]
            break
    if policy.kind is PolicyKind.FIRST_MATCH:
        return [min(pool, key=_first_match_key)]
    return sorted(pool, key=_specific_key)[: policy.winners]


def _most_specific(matches: Sequence[TerritoryMatch]) -> TerritoryMatch:
    """``min(pool, key=_specific_key)`` of the named-account matches, or else of all,
    without building the keys: deepest, then most specific, then lowest priority, then first
    in the model (the first of equals stays)."""
    best = matches[0]
    named = best.kind is _NAMED
    for m in matches[1:]:
        if m.kind is _NAMED:
            if not named:
                best = m
                named = True
                continue
        elif named:
            continue
        if m.depth != best.depth:
            better = m.depth > best.depth
        elif m.specificity != best.specificity:
            better = m.specificity > best.specificity
        elif m.priority != best.priority:
            better = m.priority < best.priority
        else:
            better = m.order < best.order
        if better:
            best = m
    return best
