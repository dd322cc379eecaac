"""Self-deduplication: which of many companies name the same customer.

:func:`find_duplicates` files every company in a :class:`~prmcore.conflicts.BlockingIndex`
and compares each pair in which one is a candidate of the other (see
:meth:`~prmcore.conflicts.BlockingIndex.candidates`), once: pairs that
:func:`~prmcore.conflicts.could_match` turns down (with ``screen`` on), or that provably
cannot reach the band asked for, are not scored; the others are scored with
:func:`~prmcore.conflicts.match_companies`. The result is what scoring every such pair would
give; only the work differs.

Examples:
    >>> from prmcore.conflicts import CompanyRef
    >>> pairs = find_duplicates([
    ...     ("r-1", CompanyRef("Acme Widgets GmbH", domain="acme.de")),
    ...     ("r-2", CompanyRef("Zenith Foods")),
    ...     ("r-3", CompanyRef("ACME Widgets", email="jo@acme.de")),
    ... ])
    >>> [(p.first, p.second, p.match.band.value) for p in pairs]
    [('r-1', 'r-3', 'match')]

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from prmcore._checks import Checks
from prmcore.conflicts.blocking import BlockingConfig, BlockingIndex
from prmcore.conflicts.identity import CompanyRef
from prmcore.conflicts.matching import (
    CompanyMatch,
    MatchBand,
    MatchConfig,
    _Bound,
    could_match,
    match_companies,
)

__all__ = ["DuplicatePair", "find_duplicates"]


@attrs.frozen
class DuplicatePair:
    """Two entries that name the same customer.

    Args:
        first: The entry given first.
        second: The entry given later.
        match: Their customer match (``match_companies(first, second)``).

    .. versionadded:: 0.1.0
    """

    first: str
    second: str
    match: CompanyMatch


def find_duplicates(
    entries: Iterable[tuple[str, CompanyRef]],
    *,
    band: MatchBand | str = MatchBand.MATCH,
    screen: bool = True,
    match_config: MatchConfig | None = None,
    blocking: BlockingConfig | None = None,
) -> list[DuplicatePair]:
    """Every pair of *entries* naming the same customer (see the module docs).

    Args:
        entries: ``(entry, company)`` pairs; entry names must be unique.
        band: The least band that counts: ``match`` (default) or ``review``.
        screen: Leave out pairs that :func:`~prmcore.conflicts.could_match` turns down, as
            :class:`~prmcore.conflicts.ConflictDetector` does by default.
        match_config: Weights and thresholds; the defaults of
            :class:`~prmcore.conflicts.MatchConfig` when ``None``.
        blocking: Limits of the blocking index.

    Returns:
        The pairs whose match reaches *band*, ordered by their first and then their second
        entry's position in *entries*.

    Raises:
        ValidationError: An entry name given twice, or *band* is ``no-match`` or unknown.
        TypeError: A company is not a :class:`~prmcore.conflicts.CompanyRef`.

    .. versionadded:: 0.1.0
    """
    c = Checks()
    c.one_of("band", band, ("match", "review"))
    items = list(entries)
    index = BlockingIndex(blocking)
    for i, (entry, ref) in enumerate(items):
        if c.require(entry not in index, f"entries[{i}]", f"entry {entry!r} given twice"):
            index.add(entry, ref)
    c.done()
    wanted = MatchBand(band)
    config = match_config or MatchConfig()
    refs = [ref for _, ref in items]
    identities = [ref.identity for ref in refs]
    names = [entry for entry, _ in items]
    threshold = config.review_threshold if wanted is MatchBand.REVIEW else config.match_threshold
    bound = _Bound(config, wanted)
    keys = [index._keys[index._slots[entry]] for entry in names]
    found: list[DuplicatePair] = []
    # Slot i of the fresh index is entry i. Each pair in which either side is a candidate of
    # the other is compared once: from the earlier side, and from the later one only when the
    # earlier one did not list it (``compared`` holds, for each later entry, the earlier
    # entries that did).
    compared: dict[int, set[int]] = {}
    for me, (strong, name) in enumerate(keys):
        done = compared.pop(me, None)
        others = []
        for other in index._query(strong, name):
            if other == me or (done is not None and other in done):
                continue
            if other > me:
                later = compared.get(other)
                if later is None:
                    compared[other] = {me}
                else:
                    later.add(me)
            others.append(other)
        for at in bound.reachable(identities[me], [identities[other] for other in others]):
            other = others[at]
            first, second = (me, other) if me < other else (other, me)
            if screen and not could_match(refs[first], refs[second]):
                continue
            match = match_companies(refs[first], refs[second], config)
            if match.score >= threshold:
                found.append(DuplicatePair(names[first], names[second], match))
    found.sort(key=lambda p: (index._slots[p.first], index._slots[p.second]))
    return found
