"""Whether two :class:`~prmcore.conflicts.CompanyRef` name the same customer.

Matching adds up evidence in points (log-odds, as in Fellegi-Sunter record linkage): each
signal — exact ids, registrable domains, name, country, legal form — adds points when the two
sides agree and takes points away when they disagree; a signal missing on either side adds
nothing. The total becomes a score between 0 and 1 through the logistic function, and the
score falls into a band: ``match``, ``review`` or ``no-match``. Exact ids in the same scheme
decide on their own (configurable). Every weight and threshold is a field of
:class:`MatchConfig`, and every verdict lists each signal with its contribution.

Examples:
    >>> from prmcore.conflicts import CompanyRef
    >>> m = match_companies(CompanyRef("IBM"), CompanyRef("International Business Machines Corp"))
    >>> m.is_match, m.band.value
    (True, 'match')
    >>> match_companies(CompanyRef("Bank of America"), CompanyRef("America First Bank")).band.value
    'no-match'

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import attrs
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from prmcore._checks import Checks, Validated, to_enum, to_tuple
from prmcore.conflicts._features import IdentityFeatures, _content, _loose
from prmcore.conflicts.domains import is_free_mail
from prmcore.conflicts.identity import CompanyIdentity, CompanyRef
from prmcore.conflicts.names import STOPWORDS, NameParts, legal_form_countries, parse_name

__all__ = [
    "GENERIC_WORDS",
    "CompanyMatch",
    "MatchBand",
    "MatchConfig",
    "MatchReason",
    "Signal",
    "could_match",
    "match_companies",
    "name_similarity",
]

_GENERIC = """
group holdings international global national american european services solutions systems
technologies consulting partners industries enterprises management products resources
development company trading bank insurance financial capital investments logistics software
digital energy health medical engineering construction manufacturing electric communications
media network networks data labs laboratories pharmaceuticals chemicals foods food motors
motor automotive retail store stores shop consulting north south east west central united
first new general
"""

GENERIC_WORDS: frozenset[str] = frozenset(_GENERIC.split())
"""Words that many unrelated companies share; they count for less in name similarity."""


class MatchBand(enum.StrEnum):
    """Which band a score falls into.

    - ``match``: the score is at least :attr:`MatchConfig.match_threshold`; the same customer.
    - ``review``: at least :attr:`MatchConfig.review_threshold`; a person should look.
    - ``no-match``: below that; different customers.

    .. versionadded:: 0.1.0
    """

    MATCH = "match"
    REVIEW = "review"
    NO_MATCH = "no-match"


class Signal(enum.StrEnum):
    """A piece of evidence that matching weighs.

    .. versionadded:: 0.1.0
    """

    IDS = "ids"
    DOMAIN = "domain"
    NAME = "name"
    COUNTRY = "country"
    LEGAL_FORM = "legal_form"


def _to_float(value: object) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _float_field(default: float) -> Any:
    return attrs.field(default=default, converter=_to_float)


@attrs.frozen
class MatchConfig(Validated):
    """Weights (in points of evidence) and thresholds for :func:`match_companies`.

    Points are log-odds: ``score = 1 / (1 + exp(-(prior + sum of contributions)))``, so
    0 points is a score of 0.5, +2.2 is 0.9 and +4.6 is 0.99.

    Args:
        prior: Points before any evidence.
        name_weight: Points for identical name keys; a name similarity ``s`` adds
            ``name_weight * (s - name_pivot) / (1 - name_pivot)``.
        name_pivot: The name similarity worth 0 points (between 0 and 1, exclusive).
        name_floor: The fewest points a name can add (names that have nothing in common).
        token_threshold: Two words count as the same word (a typo) from this similarity on.
        generic_word_weight: How much a generic word (:data:`GENERIC_WORDS`) shared by both
            names counts, against 1.0 for a distinctive word; words on one side only always
            count 1.0.
        acronym_similarity: Name similarity of an acronym of three or more letters and the
            words it abbreviates ("IBM" and "International Business Machines").
        short_acronym_similarity: The same for two-letter acronyms, which are ambiguous.
        loose_factor: Words equal only after loose phonetic folding ("Yandeks"/"Yandex",
            "Soni"/"Sony": ks→x, y→i, ph→f, ck→k, kh→h, w→v, double letters single) have
            their similarity multiplied by this.
        domain_agree: Points when the two sides share a registrable domain.
        domain_label_agree: Points when their domains differ only in the public suffix
            (``acme.com`` and ``acme.de``).
        domain_disagree: Points when both have domains and none is shared (negative).
        country_agree: Points for the same country.
        country_disagree: Points for different countries (negative).
        legal_form_disagree: Points when both have legal forms and no country uses both
            (a German GmbH and a US Inc. are different entities; negative).
        ids_decide: Whether exact ids in a scheme both sides have decide alone: any equal
            and none different is a match with score 1, all different a no-match with score 0.
        id_agree: Points for an equal id when ``ids_decide`` is off, or when ids conflict.
        id_disagree: Points for a different id in the same scheme (negative), likewise.
        match_threshold: The lowest score in the ``match`` band.
        review_threshold: The lowest score in the ``review`` band.
        extra_free_mail: More registrable domains never to use as identity (a host's list).

    Raises:
        ValidationError: Listing every bad field (a threshold outside 0..1, a review
            threshold above the match threshold, a positive disagreement weight, ...).

    Examples:
        >>> MatchConfig().match_threshold
        0.9
        >>> strict = MatchConfig(match_threshold=0.99)

    .. versionadded:: 0.1.0
    """

    prior: float = _float_field(0.0)
    name_weight: float = _float_field(8.0)
    name_pivot: float = _float_field(0.75)
    name_floor: float = _float_field(-4.0)
    token_threshold: float = _float_field(0.8)
    generic_word_weight: float = _float_field(0.5)
    acronym_similarity: float = _float_field(0.92)
    short_acronym_similarity: float = _float_field(0.8)
    loose_factor: float = _float_field(0.95)
    domain_agree: float = _float_field(8.0)
    domain_label_agree: float = _float_field(1.0)
    domain_disagree: float = _float_field(-8.0)
    country_agree: float = _float_field(0.5)
    country_disagree: float = _float_field(-2.0)
    legal_form_disagree: float = _float_field(-1.0)
    ids_decide: bool = True
    id_agree: float = _float_field(12.0)
    id_disagree: float = _float_field(-12.0)
    match_threshold: float = _float_field(0.9)
    review_threshold: float = _float_field(0.5)
    extra_free_mail: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)

    def _validate(self, c: Checks) -> None:
        def number(path: str, value: object, low: float, high: float) -> bool:
            if isinstance(value, bool):
                c.add(path, f"must be a number, got bool {value!r}")
                return False
            if not c.instance(path, value, float):
                return False
            assert isinstance(value, float)
            return c.require(
                math.isfinite(value) and low <= value <= high,
                path,
                f"must be a number from {low} to {high}, got {value!r}",
            )

        inf = math.inf
        for name in ("prior", "name_weight", "domain_agree", "domain_label_agree"):
            number(name, getattr(self, name), -inf if name == "prior" else 0.0, inf)
        for name in ("country_agree", "id_agree"):
            number(name, getattr(self, name), 0.0, inf)
        for name in (
            "name_floor",
            "domain_disagree",
            "country_disagree",
            "legal_form_disagree",
            "id_disagree",
        ):
            number(name, getattr(self, name), -inf, 0.0)
        for name in (
            "token_threshold",
            "generic_word_weight",
            "acronym_similarity",
            "short_acronym_similarity",
            "loose_factor",
        ):
            number(name, getattr(self, name), 0.0, 1.0)
        number("name_pivot", self.name_pivot, 0.0, 0.999)
        match_ok = number("match_threshold", self.match_threshold, 0.0, 1.0)
        review_ok = number("review_threshold", self.review_threshold, 0.0, 1.0)
        if match_ok and review_ok:
            c.require(
                self.review_threshold <= self.match_threshold,
                "review_threshold",
                f"must not be above match_threshold ({self.match_threshold})",
            )
        c.instance("ids_decide", self.ids_decide, bool)
        c.each("extra_free_mail", self.extra_free_mail, lambda p, v: c.text(p, v))


def _to_band(value: object) -> Any:
    return to_enum(MatchBand, value)


@attrs.frozen
class MatchReason:
    """One signal's part in a :class:`CompanyMatch`.

    Args:
        signal: Which signal.
        contribution: Points it added (negative: taken away; 0: not compared).
        detail: What was compared and found, in words.
        decisive: True when this signal alone decided the verdict (exact ids).

    .. versionadded:: 0.1.0
    """

    signal: Signal
    contribution: float
    detail: str
    decisive: bool = False

    def __str__(self) -> str:
        points = "decisive" if self.decisive else f"{self.contribution:+.2f}"
        return f"{self.signal.value:<10} {points:>8}  {self.detail}"


@attrs.frozen
class CompanyMatch:
    """The verdict of :func:`match_companies`.

    Args:
        is_match: True when the band is ``match``.
        score: Between 0 and 1; the logistic of :attr:`evidence` (exactly 1 or 0 when ids
            decided).
        band: ``match``, ``review`` or ``no-match``.
        reasons: One :class:`MatchReason` per signal, in a fixed order.
        evidence: The sum of points (prior included).

    Examples:
        >>> from prmcore.conflicts import CompanyRef
        >>> m = match_companies(CompanyRef("Acme", domain="acme.com"), CompanyRef("ACME Ltd"))
        >>> print(m.explain().splitlines()[0])
        match (score 0.9997, evidence +8.00)

    .. versionadded:: 0.1.0
    """

    is_match: bool
    score: float
    band: MatchBand = attrs.field(converter=_to_band)
    reasons: tuple[MatchReason, ...]
    evidence: float

    def explain(self) -> str:
        """The verdict and each signal's contribution, one per line."""
        head = f"{self.band.value} (score {self.score:.4f}, evidence {self.evidence:+.2f})"
        return "\n".join([head, *(f"  {reason}" for reason in self.reasons)])


# -- name similarity -------------------------------------------------------------------------


def _spelling(x: str, y: str, config: MatchConfig) -> float:
    """Edit similarity (optimal string alignment: a swap of neighbours is one edit), or a
    little less when equal only after loose folding."""
    if x == y:
        return 1.0
    exact = OSA.normalized_similarity(x, y)
    if exact >= config.loose_factor:
        return exact  # loose folding can give at most loose_factor
    loose = config.loose_factor * OSA.normalized_similarity(_loose(x), _loose(y))
    return max(exact, loose)


def _soft_jaccard(a: tuple[str, ...], b: tuple[str, ...], config: MatchConfig) -> float:
    """Weighted Jaccard over words, where two words within a typo of each other match."""

    def weight(word: str) -> float:
        return config.generic_word_weight if word in GENERIC_WORDS else 1.0

    pairs = sorted(
        ((_spelling(x, y, config), i, j) for i, x in enumerate(a) for j, y in enumerate(b)),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched = shared = 0.0
    for sim, i, j in pairs:
        if sim < config.token_threshold:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        mean = (weight(a[i]) + weight(b[j])) / 2
        matched += sim * mean
        shared += mean
    # A generic word that is shared says little; one that is not shared says as much as any.
    unmatched = (len(a) - len(used_a)) + (len(b) - len(used_b))
    return matched / (shared + unmatched)


def _collapse_acronym(acronym: str, tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    """Replace the run of *tokens* whose initials spell *acronym* by the acronym itself."""
    size = len(acronym)
    for skip_stopwords in (True, False):
        words = [t for t in tokens if not (skip_stopwords and t in STOPWORDS)]
        for start in range(len(words) - size + 1):
            if "".join(w[0] for w in words[start : start + size]) == acronym:
                return (*words[:start], acronym, *words[start + size :])
    return None


def _acronym_similarity(short: NameParts, long: NameParts, config: MatchConfig) -> float:
    best = 0.0
    long_words = _content(long.tokens)
    for token in _content(short.tokens):
        if not (2 <= len(token) <= 8 and token.isalpha()) or token in long.tokens:
            continue
        collapsed = _collapse_acronym(token, long.tokens)
        if collapsed is None or len(collapsed) >= len(long_words):
            continue
        factor = config.acronym_similarity if len(token) > 2 else config.short_acronym_similarity
        best = max(best, factor * _soft_jaccard(_content(short.tokens), collapsed, config))
    return best


def _name_similarity(a: NameParts, b: NameParts, config: MatchConfig) -> tuple[float, str]:
    if a.key == b.key:
        return 1.0, f"same name key {a.key!r}"
    if (a.key, a.tokens) > (b.key, b.tokens):  # one order, so the result is symmetric
        a, b = b, a
    words_a, words_b = _content(a.tokens), _content(b.tokens)
    candidates = [
        (_soft_jaccard(words_a, words_b, config), "words"),
        (_acronym_similarity(a, b, config), "acronym"),
        (_acronym_similarity(b, a, config), "acronym"),
    ]
    if len(a.tokens) != len(b.tokens):
        # Words split or joined ("Coca Cola", "CocaCola"): compare the names without spaces.
        # Only then, because across whole names a long shared generic word ("Carter
        # Logistics", "Porter Logistics") would hide a different distinctive one.
        compact = _spelling("".join(a.tokens), "".join(b.tokens), config)
        candidates.append((compact, "spelling without spaces"))
    sim, how = max(candidates, key=lambda c: c[0])
    return sim, f"{a.key!r} ~ {b.key!r}: similarity {sim:.3f} by {how}"


def name_similarity(
    a: str | NameParts, b: str | NameParts, config: MatchConfig | None = None
) -> float:
    """How alike two company names are, from 0 to 1 (1 for equal name keys). Symmetric.

    The best of: a weighted word Jaccard, order-free, in which two words match when their
    edit similarity (or, a little discounted, their similarity after loose phonetic folding:
    "Yandeks"/"Yandex") reaches ``token_threshold`` and shared generic words count less;
    acronym expansion ("IBM" and "International Business Machines"); and, when the names
    have different numbers of words, the edit similarity of the names without spaces
    ("Coca Cola" and "CocaCola").

    Args:
        a: A name as written, or :class:`~prmcore.conflicts.NameParts`.
        b: The other name.
        config: Weights; the defaults of :class:`MatchConfig` when ``None``.

    Examples:
        >>> name_similarity("IBM", "International Business Machines Corp.")
        0.92
        >>> round(name_similarity("Bank of America", "America First Bank"), 2)
        0.6

    .. versionadded:: 0.1.0
    """
    parts_a = parse_name(a) if isinstance(a, str) else a
    parts_b = parse_name(b) if isinstance(b, str) else b
    return _name_similarity(parts_a, parts_b, config or MatchConfig())[0]


# -- the matcher -----------------------------------------------------------------------------


def _ids_reason(
    a: CompanyIdentity, b: CompanyIdentity, config: MatchConfig
) -> tuple[MatchReason, bool | None]:
    """The ids reason, and the decision (True/False) when ids decide alone."""
    ids_b = dict(b.ids)
    common = [(scheme, value, ids_b[scheme]) for scheme, value in a.ids if scheme in ids_b]
    if not common:
        return MatchReason(Signal.IDS, 0.0, "no id scheme on both sides"), None
    equal = [scheme for scheme, x, y in common if x == y]
    differ = [scheme for scheme, x, y in common if x != y]
    detail = "; ".join([*(f"{s} equal" for s in equal), *(f"{s} different" for s in differ)])
    if config.ids_decide and not (equal and differ):
        return MatchReason(Signal.IDS, 0.0, detail, decisive=True), bool(equal)
    points = len(equal) * config.id_agree + len(differ) * config.id_disagree
    return MatchReason(Signal.IDS, points, detail), None


def _domain_reason(a: CompanyIdentity, b: CompanyIdentity, config: MatchConfig) -> MatchReason:
    extra = frozenset(config.extra_free_mail)
    # Identity domains never hold the built-in free-mail list; only a host's extra list can
    # remove more of them.
    da = {d for d in a.domains if not is_free_mail(d, extra)} if extra else set(a.domains)
    db = {d for d in b.domains if not is_free_mail(d, extra)} if extra else set(b.domains)
    ignored = sorted({*a.ignored_domains, *b.ignored_domains, *(a.domains + b.domains)} - da - db)
    note = f" ({', '.join(ignored)} ignored: free mail)" if ignored else ""
    if not da or not db:
        return MatchReason(Signal.DOMAIN, 0.0, "no usable domain on both sides" + note)
    shared = sorted(da & db)
    if shared:
        return MatchReason(Signal.DOMAIN, config.domain_agree, f"same domain {shared[0]}" + note)
    labels = {d.split(".", 1)[0] for d in da} & {d.split(".", 1)[0] for d in db}
    listed = f"{', '.join(sorted(da))} vs {', '.join(sorted(db))}"
    if labels:
        return MatchReason(
            Signal.DOMAIN, config.domain_label_agree, f"same name, other suffix: {listed}" + note
        )
    return MatchReason(Signal.DOMAIN, config.domain_disagree, f"different domains: {listed}" + note)


def _name_points(sim: float, config: MatchConfig) -> float:
    points = config.name_weight * (sim - config.name_pivot) / (1 - config.name_pivot)
    return max(points, config.name_floor)


def _name_reason(a: CompanyIdentity, b: CompanyIdentity, config: MatchConfig) -> MatchReason:
    sim, detail = _name_similarity(a.name, b.name, config)
    return MatchReason(Signal.NAME, _name_points(sim, config), detail)


def _country_reason(a: CompanyIdentity, b: CompanyIdentity, config: MatchConfig) -> MatchReason:
    if a.country is None or b.country is None:
        return MatchReason(Signal.COUNTRY, 0.0, "no country on both sides")
    if a.country == b.country:
        return MatchReason(Signal.COUNTRY, config.country_agree, f"same country {a.country}")
    pair = sorted((a.country, b.country))
    return MatchReason(
        Signal.COUNTRY, config.country_disagree, f"different countries {pair[0]} vs {pair[1]}"
    )


def _legal_form_reason(a: CompanyIdentity, b: CompanyIdentity, config: MatchConfig) -> MatchReason:
    fa, fb = a.name.legal_forms, b.name.legal_forms
    if not fa or not fb:
        return MatchReason(Signal.LEGAL_FORM, 0.0, "no legal form on both sides")
    listed = " vs ".join(sorted((" ".join(fa), " ".join(fb))))
    countries_a = frozenset().union(*map(legal_form_countries, fa))
    countries_b = frozenset().union(*map(legal_form_countries, fb))
    if set(fa) & set(fb) or countries_a & countries_b:
        return MatchReason(Signal.LEGAL_FORM, 0.0, f"compatible legal forms: {listed}")
    return MatchReason(
        Signal.LEGAL_FORM,
        config.legal_form_disagree,
        f"legal forms of different countries: {listed}",
    )


_DEFAULT_CONFIG = MatchConfig()


def _score(evidence: float) -> float:
    return round(1.0 / (1.0 + math.exp(-max(min(evidence, 700.0), -700.0))), 6)


def _band(score: float, config: MatchConfig) -> MatchBand:
    if score >= config.match_threshold:
        return MatchBand.MATCH
    if score >= config.review_threshold:
        return MatchBand.REVIEW
    return MatchBand.NO_MATCH


def match_companies(
    a: CompanyRef, b: CompanyRef, config: MatchConfig | None = None
) -> CompanyMatch:
    """Decide whether *a* and *b* name the same customer, and explain why.

    Exact ids in a scheme both sides have decide alone (unless ``config.ids_decide`` is off or
    the ids conflict, one scheme equal and another different). Otherwise every signal adds
    points — domains, name, country, legal form — and the total gives the score and band.
    The result does not depend on the order of *a* and *b*.

    Args:
        a: One company.
        b: The other.
        config: Weights and thresholds; the defaults of :class:`MatchConfig` when ``None``.

    Raises:
        TypeError: *a* or *b* is not a :class:`~prmcore.conflicts.CompanyRef`.

    Examples:
        >>> from prmcore.conflicts import CompanyRef
        >>> m = match_companies(
        ...     CompanyRef("Acme UK", domain="shop.acme.co.uk"),
        ...     CompanyRef("ACME United Kingdom Ltd", email="jo@acme.co.uk"),
        ... )
        >>> m.band.value, [r.signal.value for r in m.reasons if r.contribution > 0]
        ('match', ['domain', 'name'])
        >>> same_duns = match_companies(
        ...     CompanyRef("Globex", ids={"duns": "150483782"}),
        ...     CompanyRef("Initech", ids={"duns": "15-048-3782"}),
        ... )
        >>> same_duns.is_match, same_duns.score
        (True, 1.0)

    .. versionadded:: 0.1.0
    """
    for side in (a, b):
        if not isinstance(side, CompanyRef):
            raise TypeError(f"match_companies needs CompanyRef values, got {type(side).__name__}")
    config = config or _DEFAULT_CONFIG
    ia, ib = a.identity, b.identity
    ids_reason, decided = _ids_reason(ia, ib, config)
    reasons = (
        ids_reason,
        _domain_reason(ia, ib, config),
        _name_reason(ia, ib, config),
        _country_reason(ia, ib, config),
        _legal_form_reason(ia, ib, config),
    )
    evidence = config.prior + math.fsum(r.contribution for r in reasons)
    score = (1.0 if decided else 0.0) if decided is not None else _score(evidence)
    band = _band(score, config)
    return CompanyMatch(
        is_match=band is MatchBand.MATCH,
        score=score,
        band=band,
        reasons=reasons,
        evidence=round(evidence, 6),
    )


_SCREEN_RATIO = 60.0


def could_match(a: CompanyRef, b: CompanyRef) -> bool:
    """A fast screen before :func:`match_companies`: ``False`` when the two can hardly be the
    same customer, so that scoring them is not worth its cost.

    True when they share a registrable domain or an exact id, when the acronym of one is a
    word of the other ("IBM" and "International Business Machines"), or when their name keys
    are alike to rapidfuzz (``token_sort_ratio`` of the keys, or ``ratio`` of the keys without
    spaces, at least 60 of 100). It is a heuristic, not a bound: on the project's labelled set
    and in the conflict benchmark no pair it turns down is scored ``match`` or ``review``.

    Examples:
        >>> from prmcore.conflicts import CompanyRef
        >>> could_match(CompanyRef("IBM"), CompanyRef("International Business Machines"))
        True
        >>> could_match(CompanyRef("Acme Widgets"), CompanyRef("Zenith Foods"))
        False

    .. versionadded:: 0.1.0
    """
    ia, ib = a.identity, b.identity
    if set(ia.domains) & set(ib.domains) or set(ia.ids) & set(ib.ids):
        return True
    na, nb = ia.name, ib.name
    if (na.acronym is not None and na.acronym in nb.tokens) or (
        nb.acronym is not None and nb.acronym in na.tokens
    ):
        return True
    if fuzz.token_sort_ratio(na.key, nb.key) >= _SCREEN_RATIO:
        return True
    return fuzz.ratio(na.key.replace(" ", ""), nb.key.replace(" ", "")) >= _SCREEN_RATIO


# -- the bound before scoring ----------------------------------------------------------------

# Added to every bound on name similarity, against float rounding in the exact computation.
_MARGIN = 1e-9


def _alike_words_reach(
    fa: IdentityFeatures, fb: IdentityFeatures, threshold: float, loose_factor: float, wanted: int
) -> bool:
    """Whether _soft_jaccard can match *wanted* word pairs of *fa* and *fb*: it matches at
    most the fewer, of words of *fa* and of words of *fb*, that have a word on the other side
    within *threshold* by edit similarity, or by loose similarity times *loose_factor*. Either
    similarity is at most the shorter length over the longer (an edit distance is at least
    the difference of the lengths), which rules most word pairs out without computing it."""
    spare = len(fa.words) - wanted  # words of fa that may lack a partner
    # The length test is looser by far more than its rounding, so it never rules out a pair
    # that the similarity itself would let through.
    by_length = threshold - 1e-12
    alike_b: set[int] = set()
    b_facts = tuple(enumerate(fb.word_facts))
    for x, loose_x, size_x, loose_size_x in fa.word_facts:
        found = False
        for j, (y, loose_y, size_y, loose_size_y) in b_facts:
            if x == y:
                found = True
                alike_b.add(j)
                continue
            short, long = (size_x, size_y) if size_x < size_y else (size_y, size_x)
            if short >= by_length * long and OSA.normalized_similarity(x, y) >= threshold:
                found = True
                alike_b.add(j)
                continue
            short, long = (
                (loose_size_x, loose_size_y)
                if loose_size_x < loose_size_y
                else (loose_size_y, loose_size_x)
            )
            if (
                loose_factor * short >= by_length * long
                and loose_factor * OSA.normalized_similarity(loose_x, loose_y) >= threshold
            ):
                found = True
                alike_b.add(j)
        if not found:
            spare -= 1
            if spare < 0:
                return False
    return len(alike_b) >= wanted


class _Bound:
    """Whether :func:`match_companies` of two companies can reach a band, decided without
    scoring when it provably cannot; built once per config and band.

    :meth:`may_reach` is ``False`` only when the score is provably below the band's
    threshold. The bound: every signal but the name is computed exactly (ids in a scheme both
    sides have are not bounded: the pair is scored), and the name similarity is bounded from
    above by the most each of its parts can reach. Equal name keys give 1. An acronym reading
    is possible only when a short word of one side spells consecutive initials of the other's
    words; then the pair is scored. The spelling without spaces is computed exactly. The
    weighted word Jaccard ``matched / (shared + unmatched)`` is at most ``k / (la + lb - k)``
    for ``la`` and ``lb`` content words of which at most ``k`` pairs are within
    ``token_threshold`` of each other (each pair adds at most its weight, at most 1, to
    ``matched`` and ``shared``, and the quotient grows with ``shared``). The score never
    falls as the evidence grows, nor the evidence as the name similarity grows, so a bound
    below the threshold proves the verdict.
    """

    __slots__ = (
        "_any",
        "_config",
        "_least",
        "_least_name",
        "_margin",
        "_most_name",
        "_name_terms",
    )

    def __init__(self, config: MatchConfig, band: MatchBand) -> None:
        self._config = config
        threshold = config.review_threshold if band is MatchBand.REVIEW else config.match_threshold
        self._least = _least_evidence(threshold)
        self._any = self._least == -math.inf  # any evidence reaches the band
        # A margin far above the rounding of a sum of a few floats keeps the bound on the
        # safe side of it (the scale: the largest magnitudes in the sum).
        scale = 0.0 if self._any else abs(self._least)
        scale += abs(config.prior) + config.name_weight - config.name_floor
        scale += config.domain_agree + config.domain_label_agree - config.domain_disagree
        scale += config.country_agree - config.country_disagree - config.legal_form_disagree
        self._margin = 1e-9 * (1.0 + scale)
        self._most_name = _name_points(1.0 + _MARGIN, config)
        self._name_terms = (
            config.name_weight,
            config.name_pivot,
            1 - config.name_pivot,
            config.name_floor,
        )
        # The similarity is never below 0, so the name never adds less than this.
        self._least_name = _name_points(0.0, config)

    @property
    def config(self) -> MatchConfig:
        return self._config

    def may_reach(self, a: CompanyIdentity, b: CompanyIdentity) -> bool:
        """False only when match_companies(a, b) provably scores below the band."""
        return bool(self.reachable(a, (b,)))

    def reachable(self, a: CompanyIdentity, others: Sequence[CompanyIdentity]) -> list[int]:
        """The positions in *others* of those whose match with *a* may reach the band: all
        but those for which match_companies(a, other) provably scores below it."""
        if self._any:
            return list(range(len(others)))
        config = self._config
        a_features = a._features
        # Sets of this side's facts, once for all the others (whose facts are tuples).
        schemes = frozenset(a_features.schemes)
        domains, labels = frozenset(a_features.domains), frozenset(a_features.labels)
        forms, form_countries = frozenset(a_features.forms), a_features.form_countries
        country = a_features.country
        base = self._least - config.prior - self._margin
        extra = bool(config.extra_free_mail)
        most_name, least_name = self._most_name, self._least_name
        found = []
        for i, b in enumerate(others):
            fb = b._features
            if schemes and not schemes.isdisjoint(fb.schemes):
                found.append(i)  # ids may decide alone
                continue
            # The name points needed for the evidence (the prior plus every contribution)
            # to reach the least evidence of the band; the other contributions are those of
            # _domain_reason, _country_reason and _legal_form_reason, computed here from the
            # features (written out: this runs for every candidate pair).
            need = base
            if extra:
                need -= _domain_reason(a, b, config).contribution
            elif domains and fb.domains:
                if not domains.isdisjoint(fb.domains):
                    need -= config.domain_agree
                elif not labels.isdisjoint(fb.labels):
                    need -= config.domain_label_agree
                else:
                    need -= config.domain_disagree
            if country is not None and fb.country is not None:
                need -= config.country_agree if country == fb.country else config.country_disagree
            if (
                forms
                and fb.forms
                and forms.isdisjoint(fb.forms)
                and form_countries.isdisjoint(fb.form_countries)
            ):
                need -= config.legal_form_disagree
            if most_name < need:
                continue  # not even equal names would do
            if least_name >= need or self._name_may_reach(a_features, fb, need):
                found.append(i)
        return found

    def _name_may_reach(self, fa: IdentityFeatures, fb: IdentityFeatures, need: float) -> bool:
        """Whether the name's points may reach *need*."""
        config = self._config
        if fa.key == fb.key:
            return True
        for short, long in ((fa, fb), (fb, fa)):
            for token in short.acronym_words:
                if token not in long.tokens and (
                    token in long.initials[0] or token in long.initials[1]
                ):
                    return True  # an acronym reading is possible
        if fa.token_count != fb.token_count:
            # _spelling of the names without spaces, with the loose spellings kept.
            compact = (
                1.0 if fa.joined == fb.joined else OSA.normalized_similarity(fa.joined, fb.joined)
            )
            if compact < config.loose_factor:
                loose = OSA.normalized_similarity(fa.loose_joined, fb.loose_joined)
                compact = max(compact, config.loose_factor * loose)
            if _name_points(compact + _MARGIN, config) >= need:
                return True
        # The weighted word Jaccard: the fewest word pairs whose bound would do, if any.
        total = len(fa.words) + len(fb.words)
        w, pivot, span, floor = self._name_terms
        for wanted in range(min(len(fa.words), len(fb.words)) + 1):
            # _name_points of the bound, written out (the same operations).
            if max(w * (wanted / (total - wanted) + _MARGIN - pivot) / span, floor) >= need:
                break
        else:
            return False  # not even every word matched would do
        threshold = config.token_threshold - _MARGIN
        return _alike_words_reach(fa, fb, threshold, config.loose_factor, wanted)


def _may_reach(
    a: CompanyIdentity, b: CompanyIdentity, config: MatchConfig, band: MatchBand
) -> bool:
    """``False`` only when :func:`match_companies` of *a* and *b* provably scores below
    *band* (``match`` or ``review``); see :class:`_Bound`."""
    return _Bound(config, band).may_reach(a, b)


@lru_cache(maxsize=64)
def _least_evidence(threshold: float) -> float:
    """The least evidence whose score (:func:`_score`) reaches *threshold* (at most 1, as
    every threshold is): ``-inf`` when any does. The score never falls as the evidence grows,
    so bisection over floats finds the exact boundary."""
    low, high = -750.0, 750.0  # the score is clamped at +-700: 0 below, 1 above
    if _score(low) >= threshold:
        return -math.inf
    while True:
        middle = (low + high) / 2
        if middle in (low, high):
            return high
        if _score(middle) >= threshold:
            high = middle
        else:
            low = middle
