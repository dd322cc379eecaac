"""Company-name normalisation: a name key that never becomes empty, legal forms, acronyms.

The key is what two spellings of one company have in common: Unicode NFKC, case folding,
transliteration to ASCII (``anyascii``), ``&`` written as ``and``, punctuation and a leading
"the" dropped, common abbreviations written out, and the legal form ("GmbH & Co. KG",
"Co., Ltd.", "株式会社", "ООО") taken off and kept separately. Normalisation never removes the
whole name: "Limited Ltd" keys as ``limited``, and text with no letters or digits at all keys as
itself.

Examples:
    >>> parse_name("The Müller & Söhne GmbH & Co. KG")
    NameParts(key='mueller and soehne', tokens=('mueller', 'and', 'soehne'), legal_forms=('GmbH & Co. KG',), acronym='ms')
    >>> name_key("株式会社日立製作所")
    'rilizhizuosuo'

.. versionadded:: 0.1.0
"""  # noqa: E501

# Legal forms and examples are written in their own scripts on purpose.
# ruff: noqa: RUF001, RUF002
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache

import attrs
from anyascii import anyascii

__all__ = [
    "LEGAL_FORMS",
    "LegalForm",
    "NameParts",
    "STOPWORDS",
    "acronym_of",
    "fold_text",
    "legal_form_countries",
    "legal_forms_of_country",
    "name_key",
    "parse_name",
]


@attrs.frozen
class LegalForm:
    """A company legal form as written in one or more countries.

    Args:
        label: The canonical way to write it (``"GmbH & Co. KG"``); this is what
            :attr:`NameParts.legal_forms` holds.
        countries: ISO 3166-1 alpha-2 codes of the countries that use it.
        variants: Spellings that mean it ("GmbH", "Gesellschaft mit beschränkter Haftung");
            each is folded with :func:`fold_text` before it is compared with a name.
        position: Where in a name it is written: ``"suffix"`` (most forms), ``"prefix"``
            ("PT", "ООО") or ``"either"``.

    Examples:
        >>> form = next(f for f in LEGAL_FORMS if f.label == "Pty Ltd")
        >>> form.countries
        ('AU',)

    .. versionadded:: 0.1.0
    """

    label: str
    countries: tuple[str, ...]
    variants: tuple[str, ...]
    position: str = "suffix"


def _form(label: str, countries: str, *variants: str, position: str = "suffix") -> LegalForm:
    return LegalForm(label, tuple(countries.split()), (label, *variants), position)


# Chained forms are their own entries ("GmbH & Co. KG", "Co., Ltd.") so that the label is the
# one a reader expects; stripping still loops, so "Acme Holdings Pte. Ltd. Inc." loses both.
LEGAL_FORMS: tuple[LegalForm, ...] = (
    # English-speaking countries and international
    _form("Inc.", "US CA PH", "inc", "incorporated"),
    _form("Corp.", "US CA PH", "corp", "corporation"),
    _form("Co.", "US GB CA AU JP KR CN", "co", "company", "cie", "compagnie"),
    _form("& Co.", "US GB DE", "and co", "and company", "and cie"),
    _form("LLC", "US", "l l c", "limited liability company", "limited liability co"),
    _form("LLP", "US GB IN", "limited liability partnership"),
    _form("LP", "US GB", "limited partnership"),
    _form("L3C", "US"),
    _form("PC", "US", "professional corporation"),
    _form("PLLC", "US"),
    _form("Ltd.", "GB IE IN NZ HK IL ZA", "ltd", "limited", "ltee", "ltda"),
    _form("PLC", "GB IE", "public limited company", "p l c"),
    _form("Co., Ltd.", "JP KR CN TW TH VN", "co ltd", "company limited", "co limited"),
    _form("Pty Ltd", "AU", "pty ltd", "pty limited", "proprietary limited"),
    _form("Pty", "AU ZA", "proprietary"),
    _form("Pte. Ltd.", "SG", "pte ltd", "pte limited"),
    _form("Sdn. Bhd.", "MY", "sdn bhd", "sendirian berhad"),
    _form("Bhd.", "MY", "bhd", "berhad"),
    _form("CIC", "GB", "community interest company"),
    _form("ULC", "CA", "unlimited liability company"),
    # German-speaking countries
    _form(
        "GmbH & Co. KG",
        "DE AT",
        "gmbh and co kg",
        "gmbh co kg",
        "gmbh und co kg",
        "gmbh and cie kg",
    ),
    _form("AG & Co. KG", "DE", "ag and co kg"),
    _form("GmbH & Co. KGaA", "DE", "gmbh and co kgaa"),
    _form("GmbH", "DE AT CH", "ges m b h", "gesellschaft mit beschraenkter haftung"),
    _form("gGmbH", "DE", "ggmbh"),
    _form("UG (haftungsbeschränkt)", "DE", "ug haftungsbeschraenkt", "ug"),
    _form("AG", "DE AT CH", "aktiengesellschaft"),
    _form("KG", "DE AT CH", "kommanditgesellschaft"),
    _form("KGaA", "DE", "kommanditgesellschaft auf aktien"),
    _form("OHG", "DE", "offene handelsgesellschaft"),
    _form("e.K.", "DE", "ek", "e kfm", "eingetragener kaufmann"),
    _form("e.V.", "DE", "ev", "eingetragener verein"),
    _form("SE", "EU DE FR NL", "societas europaea"),
    # French-speaking countries
    _form(
        "SA",
        "FR BE CH LU ES PT BR MX AR PL",
        "s a",
        "societe anonyme",
        "sociedad anonima",
        "spolka akcyjna",
    ),
    _form("SAS", "FR", "societe par actions simplifiee"),
    _form("SASU", "FR"),
    _form("SARL", "FR LU MA", "sa rl", "s a r l", "societe a responsabilite limitee"),
    _form("EURL", "FR"),
    _form("SNC", "FR IT", "societe en nom collectif"),
    _form("SCA", "FR LU", "societe en commandite par actions"),
    _form("SCOP", "FR"),
    _form("SPRL", "BE"),
    _form("SRL", "BE IT RO AR", "s r l", "societa a responsabilita limitata"),
    # Italian, Spanish, Portuguese
    _form("S.p.A.", "IT", "spa", "societa per azioni"),
    _form("S.a.p.A.", "IT", "sapa"),
    _form("S.L.", "ES", "sl", "sociedad limitada"),
    _form("S.L.U.", "ES", "slu"),
    _form("S.A.U.", "ES", "sau"),
    _form("S.A. de C.V.", "MX", "sa de cv"),
    _form("S. de R.L. de C.V.", "MX", "s de rl de cv", "srl de cv"),
    _form("S.A.S.", "CO", "sociedad por acciones simplificada"),
    _form("Ltda.", "BR PT CO CL", "limitada"),
    _form("S/A", "BR", "s/a"),
    _form("EIRELI", "BR"),
    _form("Lda.", "PT", "lda"),
    # Benelux and Nordic countries
    _form("B.V.", "NL BE", "bv", "besloten vennootschap"),
    _form("N.V.", "NL BE", "nv", "naamloze vennootschap"),
    _form("V.O.F.", "NL", "vof"),
    _form("C.V.", "NL", "cv", "commanditaire vennootschap"),
    _form("AB", "SE", "aktiebolag", "aktiebolaget", position="either"),
    _form("(publ)", "SE", "publ"),
    _form("A/S", "DK NO", "as", "aktieselskab", "aksjeselskap"),
    _form("ApS", "DK", "aps", "anpartsselskab"),
    _form("ASA", "NO", "allmennaksjeselskap"),
    _form("Oy", "FI", "osakeyhtio"),
    _form("Oyj", "FI", "julkinen osakeyhtio"),
    _form("hf.", "IS", "hf"),
    _form("ehf.", "IS", "ehf"),
    # Central and Eastern Europe
    _form("Sp. z o.o.", "PL", "sp z oo", "spolka z ograniczona odpowiedzialnoscia"),
    _form("Sp.k.", "PL", "sp k", "spk"),
    _form("s.r.o.", "CZ SK", "sro", "spol s r o", "spol sro"),
    _form("a.s.", "CZ SK", "akciova spolecnost"),
    _form("Kft.", "HU", "kft"),
    _form("Zrt.", "HU", "zrt"),
    _form("Nyrt.", "HU", "nyrt"),
    _form("d.o.o.", "SI HR RS BA", "doo"),
    _form("d.d.", "SI HR", "dd"),
    _form("EOOD", "BG"),
    _form("OOD", "BG"),
    _form("A.Ş.", "TR", "as", "anonim sirketi"),
    _form("Ltd. Şti.", "TR", "ltd sti", "limited sirketi"),
    _form("A.E.", "GR", "ae", "anonymi etaireia"),
    # Russian-speaking countries (written before or after the name)
    _form(
        "ООО",
        "RU BY KZ",
        "ooo",
        "obshchestvo s ogranichennoy otvetstvennostyu",
        position="either",
    ),
    _form("ОАО", "RU", "oao", position="either"),
    _form("ЗАО", "RU", "zao", position="either"),
    _form("ПАО", "RU", "pao", position="either"),
    _form("АО", "RU KZ", "ao", position="either"),
    _form("ИП", "RU", "ip", position="prefix"),
    _form("ТОВ", "UA", "tov", position="either"),
    _form("ПрАТ", "UA", "prat", position="either"),
    # Asia
    _form("K.K.", "JP", "kk", "kabushiki kaisha", "kabushikigaisha", position="either"),
    _form("G.K.", "JP", "gk", "godo kaisha", position="either"),
    _form("Y.K.", "JP", "yk", "yugen kaisha", position="either"),
    _form("Co., Ltd.", "KR", "jusighoesa", "jusikhoesa", position="either"),
    _form("PT", "ID", "perseroan terbatas", position="prefix"),
    _form("Tbk", "ID", "tbk", "terbuka"),
    _form("CV", "ID", position="prefix"),
    _form("Public Co., Ltd.", "TH", "pcl", "public co ltd", "public company limited"),
    _form("JSC", "RU VN KZ", "joint stock company", "jsc"),
    _form("PJSC", "RU", "public joint stock company"),
    _form("OJSC", "RU", "open joint stock company"),
    _form("CJSC", "RU", "closed joint stock company"),
    _form("Pvt. Ltd.", "IN NP", "pvt ltd", "pvt limited", "private limited", "private ltd"),
)
"""Legal forms of many countries. Each entry's variants are compared after folding, as whole
tokens at the end of a name (or at its start for ``prefix``/``either`` forms)."""

# Legal forms written in a script that transliteration would run together with the name
# (CJK has no spaces), so they are taken off before transliterating.
_NATIVE_FORMS: tuple[tuple[str, str, str], ...] = (
    ("股份有限公司", "Co., Ltd. (股份有限公司)", "CN TW"),
    ("有限责任公司", "Co., Ltd. (有限责任公司)", "CN"),
    ("有限責任公司", "Co., Ltd. (有限責任公司)", "TW HK"),
    ("有限公司", "Co., Ltd. (有限公司)", "CN TW HK"),
    ("株式会社", "K.K. (株式会社)", "JP"),
    ("合同会社", "G.K. (合同会社)", "JP"),
    ("有限会社", "Y.K. (有限会社)", "JP"),
    ("(株)", "K.K. (株式会社)", "JP"),
    ("주식회사", "Co., Ltd. (주식회사)", "KR"),
    ("(주)", "Co., Ltd. (주식회사)", "KR"),
    ("유한회사", "Ltd. (유한회사)", "KR"),
)

STOPWORDS: frozenset[str] = frozenset(
    {
        "and", "of", "the", "for", "de", "del", "der", "die", "das", "des", "du", "la", "le",
        "les", "el", "los", "las", "et", "und", "y", "e", "van", "von", "da", "di", "do", "dos",
        "den", "het", "fuer", "a", "an", "at", "on", "in",
    }
)  # fmt: skip
"""Words left out of acronyms and of token similarity ("Bank *of* America")."""

# Abbreviations written out, so "Intl Business Machines" keys like the full name. Targets are
# never legal forms or "the", which keeps normalisation idempotent.
_ABBREVIATIONS: Mapping[str, str] = {
    "intl": "international",
    "int": "international",
    "internat": "international",
    "mfg": "manufacturing",
    "mfr": "manufacturing",
    "svc": "services",
    "svcs": "services",
    "srvcs": "services",
    "service": "services",
    "sys": "systems",
    "syst": "systems",
    "system": "systems",
    "tech": "technologies",
    "techn": "technologies",
    "technology": "technologies",
    "grp": "group",
    "hldgs": "holdings",
    "hldg": "holdings",
    "holding": "holdings",
    "bros": "brothers",
    "assoc": "associates",
    "assocs": "associates",
    "labs": "laboratories",
    "lab": "laboratories",
    "laboratory": "laboratories",
    "natl": "national",
    "dept": "department",
    "univ": "university",
    "comms": "communications",
    "comm": "communications",
    "communication": "communications",
    "mgmt": "management",
    "mgt": "management",
    "eng": "engineering",
    "engg": "engineering",
    "pharma": "pharmaceuticals",
    "pharm": "pharmaceuticals",
    "pharmaceutical": "pharmaceuticals",
    "ind": "industries",
    "inds": "industries",
    "indus": "industries",
    "industry": "industries",
    "sol": "solutions",
    "solns": "solutions",
    "solution": "solutions",
    "st": "saint",
    "mt": "mount",
    "ctr": "center",
    "centre": "center",
    "dist": "distribution",
    "distr": "distribution",
    "elec": "electric",
    "elect": "electric",
    "ins": "insurance",
    "invest": "investments",
    "inv": "investments",
    "investment": "investments",
    "fin": "financial",
    "finl": "financial",
    "amer": "american",
    "ent": "enterprises",
    "entps": "enterprises",
    "enterprise": "enterprises",
    "partner": "partners",
    "ptnrs": "partners",
    "logistik": "logistics",
    "log": "logistics",
    "cons": "consulting",
    "consult": "consulting",
    "med": "medical",
    "chem": "chemicals",
    "chemical": "chemicals",
    "prod": "products",
    "prods": "products",
    "product": "products",
    "res": "resources",
    "resource": "resources",
    "dev": "development",
    "devel": "development",
    "constr": "construction",
    "auto": "automotive",
}

_NATIVE_PUNCTUATION = " \t()・.,，、「」『』【】"
_APOSTROPHES = re.compile(r"['’`´ʼ]")
_DOTTED_INITIALS = re.compile(r"(?<![a-z0-9])((?:[a-z]\.)+[a-z])\.?(?![a-z0-9])")
_SLASHED_PAIR = re.compile(r"(?<![a-z0-9])([a-z])/([a-z])(?![a-z0-9])")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def _nfkc_fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def fold_text(text: str) -> str:
    """Fold *text* to lower-case ASCII words separated by single spaces.

    NFKC, case folding, German umlauts written out (``ü`` → ``ue``), transliteration to ASCII
    (``anyascii``: Cyrillic, Greek, CJK, accents), ``&`` and ``+`` as ``and``, dotted and
    slashed initials joined (``I.B.M.`` → ``ibm``, ``A/S`` → ``as``), apostrophes dropped and
    any other punctuation made a space. The result may be empty (text with no letters or
    digits).

    Args:
        text: Any text.

    Examples:
        >>> fold_text("Société Générale S.A.")
        'societe generale sa'
        >>> fold_text("Johnson & Johnson")
        'johnson and johnson'
        >>> fold_text("McDonald’s")
        'mcdonalds'

    .. versionadded:: 0.1.0
    """
    folded = anyascii(_nfkc_fold(text).translate(_UMLAUTS)).lower()
    folded = folded.replace("&", " and ").replace("+", " and ")
    folded = _DOTTED_INITIALS.sub(lambda m: m.group(1).replace(".", ""), folded)
    folded = _SLASHED_PAIR.sub(r"\1\2", folded)
    folded = _APOSTROPHES.sub("", folded)
    return " ".join(_NOT_ALNUM.sub(" ", folded).split())


@cache
def _form_index() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str], int]:
    suffixes: dict[tuple[str, ...], str] = {}
    prefixes: dict[tuple[str, ...], str] = {}
    longest = 0
    for form in LEGAL_FORMS:
        for variant in form.variants:
            tokens = tuple(fold_text(variant).split())
            if not tokens:
                continue
            longest = max(longest, len(tokens))
            if form.position in ("suffix", "either"):
                suffixes.setdefault(tokens, form.label)
            if form.position in ("prefix", "either"):
                prefixes.setdefault(tokens, form.label)
    return suffixes, prefixes, longest


@cache
def _label_countries() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for form in LEGAL_FORMS:
        table.setdefault(form.label, set()).update(form.countries)
    for _, label, countries in _NATIVE_FORMS:
        table.setdefault(label, set()).update(countries.split())
    return {label: frozenset(codes) for label, codes in table.items()}


def legal_form_countries(label: str) -> frozenset[str]:
    """The countries that use the legal form with canonical *label* (empty when unknown).

    Args:
        label: A label from :attr:`NameParts.legal_forms`, such as ``"GmbH"``.

    Examples:
        >>> sorted(legal_form_countries("GmbH"))
        ['AT', 'CH', 'DE']

    .. versionadded:: 0.1.0
    """
    return _label_countries().get(label, frozenset())


def legal_forms_of_country(country: str) -> tuple[LegalForm, ...]:
    """The legal forms in :data:`LEGAL_FORMS` used in *country* (ISO 3166-1 alpha-2).

    Args:
        country: A country code such as ``"DE"``; case does not matter.

    Examples:
        >>> [f.label for f in legal_forms_of_country("se")]
        ['AB', '(publ)']

    .. versionadded:: 0.1.0
    """
    code = country.strip().upper()
    return tuple(form for form in LEGAL_FORMS if code in form.countries)


def _strip_native_forms(text: str) -> tuple[str, list[str]]:
    """Take CJK legal forms off either end of NFKC-folded *text*, keeping some name."""
    found: list[str] = []
    changed = True
    while changed:
        changed = False
        core = text.strip()
        for native, label, _ in _NATIVE_FORMS:
            for removed in (core.removeprefix(native), core.removesuffix(native)):
                rest = removed.strip(_NATIVE_PUNCTUATION)
                if removed != core and rest:
                    text, changed = rest, True
                    found.append(label)
                    break
            if changed:
                break
    return text, found


def _strip_legal_forms(tokens: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Take legal forms off the end (and prefix forms off the start), longest first, never
    leaving no tokens. Returns the core tokens, the forms before and the forms after it."""
    suffixes, prefixes, longest = _form_index()
    before: list[str] = []
    after: list[str] = []
    changed = True
    while changed:
        changed = False
        for size in range(min(longest, len(tokens) - 1), 0, -1):
            label = suffixes.get(tuple(tokens[-size:]))
            if label is not None:
                after.insert(0, label)
                del tokens[-size:]
                changed = True
                break
            label = prefixes.get(tuple(tokens[:size]))
            if label is not None:
                before.append(label)
                del tokens[:size]
                changed = True
                break
    return tokens, before, after


def acronym_of(tokens: Iterable[str]) -> str | None:
    """The initials of *tokens*, leaving out :data:`STOPWORDS`; ``None`` for fewer than two
    words.

    Args:
        tokens: Folded words, as in :attr:`NameParts.tokens`.

    Examples:
        >>> acronym_of(["international", "business", "machines"])
        'ibm'
        >>> acronym_of(["bank", "of", "america"])
        'ba'
        >>> acronym_of(["acme"]) is None
        True

    .. versionadded:: 0.1.0
    """
    words = [t for t in tokens if t not in STOPWORDS]
    if len(words) < 2:
        return None
    return "".join(word[0] for word in words)


@attrs.frozen
class NameParts:
    """A company name taken apart for matching.

    Args:
        key: The name key: the folded core name, never empty.
        tokens: The words of the key, in order.
        legal_forms: Canonical labels of the legal forms taken off, in reading order
            (``("GmbH & Co. KG",)``); empty when there was none.
        acronym: Initials of the core words (see :func:`acronym_of`), or ``None``.

    Examples:
        >>> parts = parse_name("International Business Machines Corp.")
        >>> parts.key, parts.legal_forms, parts.acronym
        ('international business machines', ('Corp.',), 'ibm')

    .. versionadded:: 0.1.0
    """

    key: str
    tokens: tuple[str, ...]
    legal_forms: tuple[str, ...]
    acronym: str | None


def parse_name(text: str) -> NameParts:
    """Normalise a company name into its key, words, legal forms and acronym.

    Steps: CJK legal forms off; :func:`fold_text`; legal forms off the ends (chained forms
    too, longest first, never the last word); a leading "the" off; abbreviations written out
    (``intl`` → ``international``). If nothing is left — text without letters or digits — the
    key falls back to the NFKC-folded text without spaces, and for blank text to its code
    points, so the key is never empty. ``parse_name(parse_name(t).key).key`` equals
    ``parse_name(t).key``.

    Args:
        text: The name as written.

    Examples:
        >>> parse_name("ООО «Ромашка»").key, parse_name("ООО «Ромашка»").legal_forms
        ('romashka', ('ООО',))
        >>> parse_name("Acme Pty Ltd").legal_forms
        ('Pty Ltd',)
        >>> parse_name("Limited").key
        'limited'

    .. versionadded:: 0.1.0
    """
    native_text, native_forms = _strip_native_forms(_nfkc_fold(text))
    tokens = fold_text(native_text).split()
    before: list[str] = []
    after: list[str] = []
    while True:  # until stable, so that the key of a key is itself ("The OOO Acme")
        tokens, more_before, more_after = _strip_legal_forms(tokens)
        before += more_before
        after = more_after + after
        if len(tokens) > 1 and tokens[0] == "the":
            tokens = tokens[1:]
        elif not (more_before or more_after):
            break
    tokens = [_ABBREVIATIONS.get(token, token) for token in tokens]
    if not tokens:
        fallback = "".join(_nfkc_fold(text).split())
        tokens = [fallback or "".join(f"u{ord(ch):04x}" for ch in text)]
    forms = tuple(before + native_forms + after)
    return NameParts(
        key=" ".join(tokens),
        tokens=tuple(tokens),
        legal_forms=forms,
        acronym=acronym_of(tokens),
    )


def name_key(text: str) -> str:
    """The name key of *text* (see :func:`parse_name`): never empty, idempotent.

    Args:
        text: The name as written.

    Examples:
        >>> name_key("The Coca-Cola Company")
        'coca cola'
        >>> name_key("Intl. Business Machines Corp.")
        'international business machines'

    .. versionadded:: 0.1.0
    """
    return parse_name(text).key
