"""Per-company facts that matching's pre-scoring bound reads, computed once per identity.

``CompanyIdentity._features`` builds an :class:`IdentityFeatures` on first use and keeps it,
so a stored registration's facts are built once, when it is first compared, never per check.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from prmcore.conflicts.names import STOPWORDS, legal_form_countries

if TYPE_CHECKING:  # pragma: no cover - typing only
    from prmcore.conflicts.identity import CompanyIdentity

__all__ = ["IdentityFeatures"]

_LOOSE_RULES = (
    (re.compile(r"ks"), "x"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"y"), "i"),
    (re.compile(r"w"), "v"),
    (re.compile(r"(.)\1+"), r"\1"),
)


@lru_cache(maxsize=1 << 16)
def _loose(text: str) -> str:
    # Cached: the same words come back in every comparison of a name.
    for pattern, replacement in _LOOSE_RULES:
        text = pattern.sub(replacement, text)
    return text


def _content(tokens: tuple[str, ...]) -> tuple[str, ...]:
    words = tuple(t for t in tokens if t not in STOPWORDS)
    return words or tokens


class IdentityFeatures:
    """What the bound in :mod:`prmcore.conflicts.matching` needs of one identity.

    Attributes:
        key: The name key.
        tokens: The words of the key, as a set.
        token_count: How many words the key has.
        words: The content words (:data:`~prmcore.conflicts.STOPWORDS` left out unless the
            name is nothing else), in order.
        loose_words: Each content word after loose phonetic folding.
        word_facts: For each content word: it, its loose spelling and their lengths.
        acronym_words: The content words that may be an acronym (2 to 8 letters).
        initials: The initials of the words without stopwords, and of all words.
        joined: The words without spaces; ``loose_joined``: after loose folding.
        domains: The identity domains; ``labels``: their first labels.
        schemes: The id schemes present.
        forms: The legal-form labels; ``form_countries``: the countries that use any.
        country: The country, or ``None``.
    """

    __slots__ = (
        "acronym_words",
        "country",
        "domains",
        "form_countries",
        "forms",
        "initials",
        "joined",
        "key",
        "labels",
        "loose_joined",
        "loose_words",
        "schemes",
        "token_count",
        "tokens",
        "word_facts",
        "words",
    )

    def __init__(self, identity: CompanyIdentity) -> None:
        name = identity.name
        tokens = name.tokens
        self.key = name.key
        self.tokens = frozenset(tokens)
        self.token_count = len(tokens)
        self.words = _content(tokens)
        self.loose_words = tuple(_loose(word) for word in self.words)
        self.word_facts = tuple(
            (word, loose, len(word), len(loose))
            for word, loose in zip(self.words, self.loose_words, strict=True)
        )
        self.acronym_words = tuple(w for w in self.words if 2 <= len(w) <= 8 and w.isalpha())
        self.initials = (
            "".join(t[0] for t in tokens if t not in STOPWORDS),
            "".join(t[0] for t in tokens),
        )
        self.joined = "".join(tokens)
        self.loose_joined = _loose(self.joined)
        self.domains = frozenset(identity.domains)
        self.labels = frozenset(d.split(".", 1)[0] for d in identity.domains)
        self.schemes = frozenset(scheme for scheme, _ in identity.ids)
        self.forms = frozenset(name.legal_forms)
        self.form_countries: frozenset[str] = frozenset().union(
            *map(legal_form_countries, name.legal_forms)
        )
        self.country = identity.country
