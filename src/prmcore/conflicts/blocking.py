"""The blocking index: which stored companies are worth scoring against a new one.

Scoring every stored registration against every new one grows with the store; the index
instead files each company under a few *blocking keys* and returns, for a new company, only
the entries that share a key with it. Keys come from every identity signal:

* ``domain``: each registrable domain (free mail is never a key);
* ``id``: each exact registry id (``duns``, ``lei``, ``tax_id``, ...);
* ``acronym``: the acronym of the name, and each short word that may be one ("IBM" and
  "International Business Machines" share ``ibm``);
* ``token``: each word of the name key, and the name key without spaces ("Coca Cola" and
  "CocaCola");
* ``typo``: each word with one letter deleted, for words of four letters or more (two words
  one typo apart share such a key), and the word after loose phonetic folding ("Yandeks" and
  "Yandex").

Name keys that many entries share ("group", "bank") say little: a name key whose block holds
more than :attr:`BlockingConfig.max_block_size` entries is skipped, unless no name key of the
query is smaller, in which case the smallest is used. Domain and id keys are always used.
Candidates are ranked by the keys they share, each weighing 1 / its block size (a rare word,
or a typo of one, outweighs many common words), and at most
:attr:`BlockingConfig.max_candidates` are returned (those sharing a domain or id always), so
the cost of a query grows with its candidates, not with the size of the index.

The index is incremental: :meth:`BlockingIndex.add` and :meth:`BlockingIndex.remove` keep it
current as registrations come and go.

Examples:
    >>> from prmcore.conflicts import CompanyRef
    >>> index = BlockingIndex()
    >>> index.add("r-1", CompanyRef("International Business Machines Corp."))
    >>> index.add("r-2", CompanyRef("Acme Widgets", domain="acme.com"))
    >>> index.candidates(CompanyRef("IBM"))
    ['r-1']
    >>> index.candidates(CompanyRef("Totally Different", email="jo@acme.com"))
    ['r-2']

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

import attrs

from prmcore._checks import Checks, Validated
from prmcore.conflicts.identity import CompanyRef

__all__ = ["BlockingConfig", "BlockingIndex", "blocking_keys"]

_DELETION_MIN = 4  # shorter words only block as themselves: their deletions are too common
_DELETION_MAX_WORDS = 4


@attrs.frozen
class BlockingConfig(Validated):
    """Limits of the :class:`BlockingIndex`.

    Args:
        max_block_size: A name-derived key whose block is larger than this is skipped in a
            query (unless it is the query's smallest name key).
        max_candidates: The most candidates a query returns (entries sharing a domain or an
            id are always returned on top).

    Raises:
        ValidationError: Listing every bad field.

    .. versionadded:: 0.1.0
    """

    max_block_size: int = 100
    max_candidates: int = 100

    def _validate(self, c: Checks) -> None:
        c.integer("max_block_size", self.max_block_size, minimum=1)
        c.integer("max_candidates", self.max_candidates, minimum=1)


def blocking_keys(ref: CompanyRef) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The blocking keys of *ref*: ``(strong, name)``.

    Strong keys (``d:`` domains, ``i:`` ids) are always used; name keys (``a:`` acronyms,
    ``t:`` words, ``x:`` typo and loose spellings) are used when their block is small enough.

    Examples:
        >>> strong, name = blocking_keys(CompanyRef("Acme GmbH", domain="www.acme.de"))
        >>> strong
        ('d:acme.de',)
        >>> sorted(k for k in name if not k.startswith("x:"))
        ['a:acme', 't:acme']

    .. versionadded:: 0.1.0
    """
    identity = ref.identity
    strong = [f"d:{domain}" for domain in identity.domains]
    strong += [f"i:{scheme}:{value}" for scheme, value in identity.ids]
    parts = identity.name
    # The content words and their loose spellings, kept with the identity for matching too.
    features = identity._features
    name = {f"t:{word}" for word in features.words}
    name.update(f"a:{word}" for word in features.acronym_words)
    if parts.acronym is not None:
        name.add(f"a:{parts.acronym}")
    if len(parts.tokens) > 1:
        name.add(f"t:{features.joined}")
    words = features.words
    loose = dict(zip(words, features.loose_words, strict=True))
    longest = sorted(words, key=lambda w: (-len(w), w))[:_DELETION_MAX_WORDS]
    for word in longest:
        name.add(f"x:{loose[word]}")
        if len(word) >= _DELETION_MIN:
            # Each spelling with one letter deleted.
            name.update([f"x:{word[:i]}{word[i + 1 :]}" for i in range(len(word))])
    return tuple(strong), tuple(sorted(name))


class BlockingIndex:
    """An incremental inverted index from blocking keys to entries (see the module docs).

    Entries are named by the caller (a registration id, ``"account:acct-1"``, ...). Keys are
    held as hashes to keep the index small; a hash collision can only add a candidate, never
    lose one, and every candidate is scored anyway.

    Args:
        config: The limits; the defaults of :class:`BlockingConfig` when ``None``.

    .. versionadded:: 0.1.0
    """

    def __init__(self, config: BlockingConfig | None = None) -> None:
        self._config = config or BlockingConfig()
        self._slots: dict[str, int] = {}
        self._names: dict[int, str] = {}
        # Per slot: (strong key hashes, name key hashes), so that remove() finds its blocks.
        self._keys: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        # A block is a single slot (most keys) or a list of slots.
        self._blocks: dict[int, int | list[int]] = {}
        self._next = 0

    @property
    def config(self) -> BlockingConfig:
        """The limits in use."""
        return self._config

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, entry: object) -> bool:
        return entry in self._slots

    def _unfile(self, slot: int, key: int) -> None:
        block = self._blocks.get(key)
        if block is None:  # pragma: no cover - a key filed twice for one slot
            return
        if isinstance(block, int):
            if block == slot:
                del self._blocks[key]
            return
        at = bisect.bisect_left(block, slot)
        if at < len(block) and block[at] == slot:
            del block[at]
        if len(block) == 1:
            self._blocks[key] = block[0]

    def add(self, entry: str, ref: CompanyRef) -> None:
        """File *entry* under the keys of *ref*; an entry already present is re-filed.

        Raises:
            TypeError: *ref* is not a :class:`~prmcore.conflicts.CompanyRef`.
        """
        if not isinstance(ref, CompanyRef):
            raise TypeError(f"BlockingIndex.add needs a CompanyRef, got {type(ref).__name__}")
        if entry in self._slots:
            self.remove(entry)
        slot = self._next
        self._next += 1
        self._slots[entry] = slot
        self._names[slot] = entry
        strong, name = blocking_keys(ref)
        # The name keys' hashes as candidates() computes them, so that candidates_of() of an
        # entry returns exactly what candidates() of its ref returns.
        keys = (tuple(set(map(hash, strong))), tuple(map(hash, name)))
        self._keys[slot] = keys
        blocks = self._blocks
        for key in keys[0] + keys[1]:
            # A block is one slot or a list of them. Slots only grow, so a block's list is
            # sorted and this slot, if filed already (a key shared by the strong and the name
            # keys), is its last: checking the end keeps filing O(1), where a membership test
            # made loading quadratic in block size.
            block = blocks.get(key)
            if block is None:
                blocks[key] = slot
            elif isinstance(block, int):
                if block != slot:
                    blocks[key] = [block, slot]
            elif block[-1] != slot:
                block.append(slot)

    def add_many(self, entries: Iterable[tuple[str, CompanyRef]]) -> int:
        """:meth:`add` each ``(entry, ref)``; return how many were added."""
        count = 0
        for entry, ref in entries:
            self.add(entry, ref)
            count += 1
        return count

    def remove(self, entry: str) -> bool:
        """Take *entry* out of the index; return whether it was there."""
        slot = self._slots.pop(entry, None)
        if slot is None:
            return False
        del self._names[slot]
        strong, name = self._keys.pop(slot)
        for key in strong + name:
            self._unfile(slot, key)
        return True

    def _block(self, key: int) -> tuple[int, ...]:
        block = self._blocks.get(key)
        if block is None:
            return ()
        if isinstance(block, int):
            return (block,)
        return tuple(block)

    def candidates(self, ref: CompanyRef) -> list[str]:
        """The entries worth scoring against *ref*: those sharing a domain or id key, then
        those with the most weight of usable name keys (each 1 / its block size), at most
        ``max_candidates`` of the latter; sorted by entry.

        Raises:
            TypeError: *ref* is not a :class:`~prmcore.conflicts.CompanyRef`.
        """
        if not isinstance(ref, CompanyRef):
            raise TypeError(
                f"BlockingIndex.candidates needs a CompanyRef, got {type(ref).__name__}"
            )
        strong, name = blocking_keys(ref)
        slots = self._query(set(map(hash, strong)), list(map(hash, name)))
        return sorted(self._names[slot] for slot in slots)

    def candidates_of(self, entry: str) -> list[str]:
        """The candidates of an entry in the index, from the keys it was filed under: the same
        as :meth:`candidates` of the ref it was added with (the entry itself included), without
        computing the keys again.

        Raises:
            KeyError: *entry* is not in the index.
        """
        slots = self._query(*self._keys[self._slots[entry]])
        return sorted(self._names[slot] for slot in slots)

    def _query(self, strong: Iterable[int], name: Iterable[int]) -> list[int]:
        """The candidates' slots (unordered) for these key hashes; see :meth:`candidates`."""
        sure: set[int] = set()
        for key in strong:
            sure.update(self._block(key))
        # The blocks themselves, not copies: a common word's block is skipped unread, and
        # copying it only to learn its size cost more than the rest of the query.
        found = self._blocks
        blocks: list[Sequence[int]] = []
        for key in name:
            filed = found.get(key)
            if filed is not None:
                blocks.append((filed,) if isinstance(filed, int) else filed)
        limit = self._config.max_block_size
        usable = [b for b in blocks if len(b) <= limit]
        if not usable and blocks:
            usable = [min(blocks, key=len)]
        if not usable:
            return list(sure)
        named = set().union(*usable)
        named -= sure
        if len(named) <= self._config.max_candidates:
            return [*sure, *named]  # all of them: no ranking needed
        # Each shared key counts by how rare it is (1 / block size), so that a rare word or a
        # typo of one outweighs many shared common words.
        weight: dict[int, float] = {}
        for block in usable:
            share = 1.0 / len(block)
            for slot in block:
                weight[slot] = weight.get(slot, 0.0) + share
        for slot in sure:
            weight.pop(slot, None)
        ranked = sorted(weight, key=lambda s: (-weight[s], self._names[s]))
        chosen = ranked[: self._config.max_candidates]
        return [*sure, *chosen]

    def block_sizes(self) -> dict[str, int]:
        """How many keys the index holds and how large its blocks are, for reports."""
        sizes = [1 if isinstance(b, int) else len(b) for b in self._blocks.values()]
        return {
            "entries": len(self._slots),
            "keys": len(sizes),
            "largest_block": max(sizes, default=0),
        }
