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
    return tokens if not words or len(words) == len(tokens) else words


class IdentityFeatures:
    """What the bound in :mod:`prmcore.conflicts.matching` needs of one identity.

    Attributes:
        key: The name key.
        tokens: The words of the key.
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
        forms: The legal-form labels; ``form_countries``: the countries that use any (a set).
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
        # Tuples, shared with the identity or between companies where they are equal: kept
        # for every stored company, they should cost little memory and give the garbage
        # collector nothing to follow.
        name = identity.name
        tokens = name.tokens
        self.key = name.key
        self.tokens = tokens
        self.token_count = len(tokens)
        self.words = words = _content(tokens)
        loose = tuple(_loose(word) for word in words)
        self.loose_words = words if loose == words else loose
        self.word_facts = tuple(
            (word, loose_word, len(word), len(loose_word))
            for word, loose_word in zip(words, self.loose_words, strict=True)
        )
        acronyms = tuple(w for w in words if 2 <= len(w) <= 8 and w.isalpha())
        self.acronym_words = words if acronyms == words else acronyms
        self.initials = (
            "".join(t[0] for t in tokens if t not in STOPWORDS),
            "".join(t[0] for t in tokens),
        )
        self.joined = "".join(tokens)
        self.loose_joined = _loose(self.joined)
        self.domains = identity.domains
        self.labels = tuple(d.split(".", 1)[0] for d in identity.domains)
        self.schemes = tuple(scheme for scheme, _ in identity.ids)
        self.forms = name.legal_forms
        self.form_countries = _form_countries(name.legal_forms)
        self.country = identity.country


@lru_cache(maxsize=1024)
def _form_countries(forms: tuple[str, ...]) -> frozenset[str]:
    # Few combinations of legal forms occur: one set for each, shared.
    return frozenset().union(*map(legal_form_countries, forms))
