"""The certification catalog: every certification type of a program, validated as a whole.

A :class:`CertificationCatalog` checks what a single type cannot: that ids are unique, that every
prerequisite and every ``satisfies`` entry names a type in the catalog, and that prerequisites
do not form a cycle (nobody could ever earn a type that needs itself). It resolves ``satisfies``
transitively, once, so the engines can ask which types count for which in constant time.

``satisfies`` may form a cycle: two types that satisfy each other are equivalent (a renamed
certification and its legacy name, say). The closure is computed by a graph search that visits
each type once, so a cycle never loops.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

import attrs

from prmcore._checks import Checks, Validated, to_tuple
from prmcore.certifications.award import CertificationAward
from prmcore.certifications.certification_type import CertificationType, CertificationTypeId
from prmcore.errors import NotFoundError

__all__ = ["CertificationCatalog"]


def _closure(
    edges: Mapping[CertificationTypeId, tuple[CertificationTypeId, ...]],
) -> dict[CertificationTypeId, frozenset[CertificationTypeId]]:
    """Each node with everything reachable from it (itself included); cycles are fine."""
    result: dict[CertificationTypeId, frozenset[CertificationTypeId]] = {}
    for start in edges:
        seen = {start}
        todo = [start]
        while todo:
            for target in edges.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        result[start] = frozenset(seen)
    return result


def _cycles(
    edges: Mapping[CertificationTypeId, tuple[CertificationTypeId, ...]],
) -> list[list[CertificationTypeId]]:
    """Every elementary cycle found by a depth-first search, each as a list of nodes, rotated
    to start at its smallest id, without repeats."""
    state: dict[CertificationTypeId, int] = {}  # 1 = on the stack, 2 = done
    found: dict[tuple[CertificationTypeId, ...], list[CertificationTypeId]] = {}
    for root in edges:
        if root in state:
            continue
        stack: list[tuple[CertificationTypeId, Iterator[CertificationTypeId]]] = [
            (root, iter(edges[root]))
        ]
        path = [root]
        state[root] = 1
        while stack:
            node, targets = stack[-1]
            target = next(targets, None)
            if target is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(target) == 1:
                cycle = path[path.index(target) :]
                first = cycle.index(min(cycle))
                rotated = cycle[first:] + cycle[:first]
                found.setdefault(tuple(rotated), rotated)
            elif target not in state and target in edges:
                state[target] = 1
                path.append(target)
                stack.append((target, iter(edges[target])))
    return list(found.values())


@attrs.frozen
class CertificationCatalog(Validated):
    """The certification types of a program, checked together.

    Args:
        types: Every type (a list is accepted).

    Raises:
        ValidationError: Listing every problem: an item that is not a
            :class:`~prmcore.certifications.CertificationType` (``types[1]``), a duplicate id
            (``types[3].id``), an unknown prerequisite or ``satisfies`` id
            (``types[2].prerequisites[0]``), a cycle of prerequisites, spelled out
            (``types[0].prerequisites[1]``: ``prerequisites form a cycle: a -> b -> a``).

    Examples:
        >>> from prmcore.certifications import CertificationType, Duration
        >>> specialist = CertificationType("spec", "Specialist", validity=Duration(years=2))
        >>> expert = CertificationType(
        ...     "expert", "Expert", validity=Duration(years=3), satisfies=["spec"]
        ... )
        >>> catalog = CertificationCatalog([specialist, expert])
        >>> sorted(catalog.qualifying_types("spec"))
        ['expert', 'spec']

    .. versionadded:: 0.1.0
    """

    types: tuple[CertificationType, ...] = attrs.field(converter=to_tuple)
    """Every type, in the order given."""

    def _validate(self, c: Checks) -> None:
        if not c.each("types", self.types, lambda p, t: c.instance(p, t, CertificationType)):
            return
        first: dict[str, int] = {}
        for i, ctype in enumerate(self.types):
            if ctype.id in first:
                c.add(
                    f"types[{i}].id", f"duplicate id {ctype.id!r} (also types[{first[ctype.id]}])"
                )
            else:
                first[ctype.id] = i
        for i, ctype in enumerate(self.types):
            for field in ("prerequisites", "satisfies"):
                for k, target in enumerate(getattr(ctype, field)):
                    c.require(
                        target in first,
                        f"types[{i}].{field}[{k}]",
                        f"unknown certification type {target!r}",
                    )
        edges = {
            self.types[i].id: tuple(t for t in self.types[i].prerequisites if t in first)
            for i in first.values()
        }
        for cycle in _cycles(edges):
            i = first[cycle[0]]
            k = self.types[i].prerequisites.index(cycle[1 % len(cycle)])
            spelled = " -> ".join([*cycle, cycle[0]])
            c.add(f"types[{i}].prerequisites[{k}]", f"prerequisites form a cycle: {spelled}")

    # -- lookups ------------------------------------------------------------------------------

    @functools.cached_property
    def _by_id(self) -> Mapping[CertificationTypeId, CertificationType]:
        return MappingProxyType({ctype.id: ctype for ctype in self.types})

    @functools.cached_property
    def _covered(self) -> Mapping[CertificationTypeId, frozenset[CertificationTypeId]]:
        by_id = self._by_id
        return MappingProxyType(_closure({type_id: by_id[type_id].satisfies for type_id in by_id}))

    @functools.cached_property
    def _qualifying(self) -> Mapping[CertificationTypeId, frozenset[CertificationTypeId]]:
        inverse: dict[CertificationTypeId, set[CertificationTypeId]] = {
            t: set() for t in self._by_id
        }
        for source, targets in self._covered.items():
            for target in targets:
                inverse.setdefault(target, set()).add(source)
        return MappingProxyType({t: frozenset(sources) for t, sources in inverse.items()})

    def __contains__(self, type_id: object) -> bool:
        return type_id in self._by_id

    def __len__(self) -> int:
        return len(self.types)

    def get(self, type_id: str) -> CertificationType:
        """The type with id *type_id*.

        Raises:
            NotFoundError: No type in the catalog has that id.

        .. versionadded:: 0.1.0
        """
        try:
            return self._by_id[CertificationTypeId(type_id)]
        except KeyError:
            raise NotFoundError("CertificationType", type_id) from None

    def covered_types(self, type_id: str) -> frozenset[CertificationTypeId]:
        """The types an award of *type_id* counts for: itself and everything it satisfies,
        directly or through other types.

        Raises:
            NotFoundError: *type_id* is not in the catalog.

        .. versionadded:: 0.1.0
        """
        self.get(type_id)
        return self._covered[CertificationTypeId(type_id)]

    def qualifying_types(self, type_id: str) -> frozenset[CertificationTypeId]:
        """The types whose awards count for *type_id*: itself and every type that satisfies
        it, directly or through other types.

        Raises:
            NotFoundError: *type_id* is not in the catalog.

        .. versionadded:: 0.1.0
        """
        self.get(type_id)
        return self._qualifying[CertificationTypeId(type_id)]

    def qualifying_awards(
        self, type_id: str, awards: Iterable[CertificationAward]
    ) -> list[CertificationAward]:
        """The awards among *awards* that count for *type_id* (whatever their status), in
        the order given.

        Raises:
            NotFoundError: *type_id* is not in the catalog.

        Examples:
            >>> import datetime as dt
            >>> from prmcore.certifications import CertificationType, Duration
            >>> catalog = CertificationCatalog([
            ...     CertificationType("spec", "Specialist", validity=Duration(years=2)),
            ...     CertificationType("expert", "Expert", validity=Duration(years=3),
            ...                       satisfies=["spec"]),
            ... ])
            >>> held = CertificationAward(
            ...     "a-1", "p-1", "expert", dt.date(2026, 1, 1), dt.date(2029, 1, 1)
            ... )
            >>> [a.id for a in catalog.qualifying_awards("spec", [held])]
            ['a-1']

        .. versionadded:: 0.1.0
        """
        wanted = self.qualifying_types(type_id)
        return [award for award in awards if award.type_id in wanted]
