"""A labelled set of company pairs for evaluating :func:`~prmcore.conflicts.match_companies`.

Deterministic from a seed. Base companies are made up from name parts of many countries and
scripts; positive pairs apply realistic corruptions (legal forms, typos, transliteration, word
order, abbreviations and acronyms, subdomains, e-mails, two at once); negative pairs are hard:
shared words with different domains, "Bank of America" vs "America First Bank" word games,
parent vs subsidiary with different domains, and unrelated companies (some with the same
free-mail domain). Used by ``benchmarks/company_matching.py`` and the test suite.
"""

# Names are written in their own scripts on purpose; word lists read best as one string.
# ruff: noqa: RUF001, RUF003, SIM905
from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from prmcore.conflicts.blocking import BlockingConfig, BlockingIndex
from prmcore.conflicts.identity import CompanyRef
from prmcore.conflicts.matching import MatchBand, MatchConfig, match_companies

__all__ = [
    "LabelledPair",
    "NEGATIVE_KINDS",
    "POSITIVE_KINDS",
    "evaluate",
    "evaluate_blocking",
    "labelled_pairs",
]

POSITIVE_KINDS = (
    "legal_form",
    "typo",
    "transliteration",
    "word_order",
    "abbreviation",
    "subdomain",
    "email",
    "mixed",
)
NEGATIVE_KINDS = (
    "shared_words",
    "similar_names",
    "word_order_negative",
    "parent_subsidiary",
    "unrelated",
)


@attrs.frozen
class LabelledPair:
    """Two references and whether they are the same company, with the corruption applied."""

    a: CompanyRef
    b: CompanyRef
    same: bool
    kind: str


@attrs.frozen
class _Base:
    words: tuple[str, ...]  # the core name, as written
    form: str  # the legal form, as written ("" for none)
    forms: tuple[str, ...]  # other spellings of the same legal form
    country: str
    tld: str
    native: str | None = None  # the name in its own script, for non-Latin bases
    native_form: str = ""

    @property
    def name(self) -> str:
        return " ".join((*self.words, self.form)).strip()

    @property
    def slug(self) -> str:
        ascii_words = [_ascii(w) for w in self.words if w.lower() not in _SMALL]
        return "".join(ch for ch in "-".join(ascii_words).lower() if ch.isalnum() or ch == "-")

    @property
    def domain(self) -> str:
        return f"{self.slug}.{self.tld}"


_SMALL = {"of", "and", "&", "the", "de", "van", "von"}


def _ascii(text: str) -> str:
    text = text.replace("ß", "ss")
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).replace("ø", "o")


# country: (surnames, places, industries, [(form, other spellings...)], tld)
_LATIN: dict[str, tuple[list[str], list[str], list[str], list[tuple[str, ...]], str]] = {
    "US": (
        "Johnson Miller Carter Harper Whitman Lawson Brooks Sullivan Porter Bennett Hayes "
        "Donovan Fletcher Calloway Prescott Holloway".split(),
        "Pacific Summit Liberty Cascade Redwood Granite Lakeshore Evergreen Keystone Frontier "
        "Silverline Bluewater".split(),
        "Logistics Software Manufacturing Health Foods Energy Systems Capital Analytics "
        "Robotics Insurance Construction Semiconductors Aerospace".split(),
        [("Inc.", "Incorporated", "Inc"), ("Corp.", "Corporation", "Corp"), ("LLC", "L.L.C.")],
        "com",
    ),
    "GB": (
        "Ashworth Pembroke Hargreaves Whitfield Thornton Blackwood Fairfax Kingsley Cartwright "
        "Pennington Ellesmere Radcliffe".split(),
        "Thames Pennine Mercia Cotswold Highland Albion Solent Severn".split(),
        "Engineering Logistics Consulting Media Pharmaceuticals Foods Insurance Retail "
        "Publishing Estates".split(),
        [("Ltd", "Limited", "Ltd."), ("PLC", "plc", "Public Limited Company")],
        "co.uk",
    ),
    "DE": (
        "Müller Schröder Bäcker Krüger Weiß Hoffmann Becker Schäfer Köhler Wagner Jäger "
        "Vögele Brückner Lößner".split(),
        "Rhein Nordsee Alpen Spree Taunus Elbe Bodensee Harz".split(),
        "Logistik Maschinenbau Elektrotechnik Software Bau Energie Medizintechnik "
        "Anlagenbau Verpackung Präzisionstechnik".split(),
        [
            ("GmbH", "Gesellschaft mit beschränkter Haftung", "G.m.b.H."),
            ("AG", "Aktiengesellschaft"),
            ("GmbH & Co. KG", "GmbH & Co KG", "GmbH und Co. KG"),
        ],
        "de",
    ),
    "FR": (
        "Lefèvre Dubois Moreau Girard Rousseau Béranger Châtelain Mercier Fontaine "
        "Gauthier".split(),
        "Provence Atlantique Bretagne Lumière Côte Garonne".split(),
        "Électronique Distribution Ingénierie Conseil Transports Énergie Médical".split(),
        [("SA", "S.A.", "Société Anonyme"), ("SAS", "S.A.S."), ("SARL", "S.à r.l.")],
        "fr",
    ),
    "ES": (
        "García Martínez Peña Núñez Ibáñez Fernández Domínguez Muñoz".split(),
        "Ibérica Andaluza Cantábrico Levante Castellana Galaica".split(),
        "Construcciones Alimentación Energía Servicios Transportes Ingeniería".split(),
        [("S.A.", "SA", "Sociedad Anónima"), ("S.L.", "SL", "Sociedad Limitada")],
        "es",
    ),
    "IT": (
        "Rossi Bianchi Esposito Ferrari Colombo Ricci Marino Greco".split(),
        "Adriatica Tirrenica Lombarda Veneta Toscana Sabauda".split(),
        "Meccanica Costruzioni Alimentari Tessile Farmaceutici Impianti".split(),
        [("S.p.A.", "SpA", "S.P.A."), ("S.r.l.", "Srl", "S.R.L.")],
        "it",
    ),
    "NL": (
        "Bakker Visser Smit Meijer Mulder Bos Vermeulen Dekker".split(),
        "Noordzee Holland Delta Zuiderzee Veluwe Maas".split(),
        "Techniek Logistiek Bouw Installaties Handel Advies".split(),
        [("B.V.", "BV", "Besloten Vennootschap"), ("N.V.", "NV")],
        "nl",
    ),
    "SE": (
        "Lindqvist Björk Sjöberg Nyström Åkesson Lövgren Engström Hägglund".split(),
        "Norrland Skandia Vättern Göta Mälaren".split(),
        "Verkstad Skog Teknik Byggnad Energi".split(),
        [("AB", "Aktiebolag"), ("AB (publ)",)],
        "se",
    ),
    "DK": (
        "Østergaard Sørensen Jørgensen Kjær Mølgaard Bøgh".split(),
        "Jylland Fyn Øresund Limfjord".split(),
        "Maskinfabrik Shipping Foods Energi".split(),
        [("A/S", "AS"), ("ApS",)],
        "dk",
    ),
    "PL": (
        "Kowalski Nowak Wiśniewski Wójcik Kamiński Lewandowski Zieliński".split(),
        "Wisła Mazowsze Bałtyk Tatry Śląsk".split(),
        "Budownictwo Logistyka Energetyka Systemy Handel".split(),
        [("Sp. z o.o.", "sp. z o.o.", "Sp z oo"), ("S.A.", "SA", "Spółka Akcyjna")],
        "pl",
    ),
    "AU": (
        "Kelly Murray Doyle Fitzgerald McKenzie Hartley".split(),
        "Coral Outback Tasman Southern Eureka Murray".split(),
        "Mining Logistics Agriculture Resources Software".split(),
        [("Pty Ltd", "Pty. Ltd.", "Proprietary Limited")],
        "com.au",
    ),
    "BR": (
        "Silva Souza Conceição Araújo Gonçalves Simões".split(),
        "Paulista Carioca Amazônia Atlântico Cerrado".split(),
        "Alimentos Construções Tecnologia Transportes Energia".split(),
        [("Ltda.", "Ltda", "Limitada"), ("S/A", "S.A.", "SA")],
        "com.br",
    ),
    "JP": (
        "Tanaka Suzuki Takahashi Watanabe Yamamoto Nakamura".split(),
        "Sakura Fuji Hikari Asahi Nippon Kyokuto".split(),
        "Denki Shoji Kogyo Seiki Systems Trading".split(),
        [("Co., Ltd.", "Company Limited", "Co. Ltd."), ("K.K.", "Kabushiki Kaisha", "KK")],
        "co.jp",
    ),
}

# Names in their own script with their usual Latin spelling: (country, native, native legal
# form, Latin, Latin legal form, tld). Fictitious companies.
_NATIVE = [
    ("RU", "Волгаэнерго", "ООО", "Volgaenergo", "LLC", "ru"),
    ("RU", "Северсталь Трейд", "АО", "Severstal Trade", "JSC", "ru"),
    ("RU", "Техносила", "ООО", "Tekhnosila", "OOO", "ru"),
    ("RU", "Уралмаш Инжиниринг", "ПАО", "Uralmash Engineering", "PJSC", "ru"),
    ("RU", "Байкал Софт", "ООО", "Baikal Soft", "LLC", "ru"),
    ("RU", "Ромашка", "ООО", "Romashka", "OOO", "ru"),
    ("RU", "Сибирский Гранит", "АО", "Sibirsky Granit", "JSC", "ru"),
    ("RU", "Яндекс Маркет", "ООО", "Yandex Market", "LLC", "ru"),
    ("RU", "Вектор Плюс", "ООО", "Vektor Plus", "LLC", "ru"),
    ("RU", "Северный Поток Логистик", "ООО", "Severny Potok Logistik", "LLC", "ru"),
    ("UA", "Дніпро Агро", "ТОВ", "Dnipro Agro", "TOV", "ua"),
    ("UA", "Карпати Енерго", "ТОВ", "Karpaty Energo", "LLC", "ua"),
    ("GR", "Ολυμπος Τεχνική", "Α.Ε.", "Olympos Techniki", "S.A.", "gr"),
    ("GR", "Ερμής Εμπορική", "Α.Ε.", "Ermis Emporiki", "S.A.", "gr"),
    ("GR", "Αιγαίο Ναυτιλιακή", "Α.Ε.", "Aigaio Naftiliaki", "S.A.", "gr"),
    ("JP", "サクラ", "株式会社", "Sakura", "K.K.", "co.jp"),
    ("JP", "ミライ", "株式会社", "Mirai", "Co., Ltd.", "co.jp"),
    ("JP", "ホンダ", "株式会社", "Honda", "Co., Ltd.", "co.jp"),
    ("JP", "ソニー", "株式会社", "Sony", "Corporation", "co.jp"),
    ("JP", "ヒカリ", "合同会社", "Hikari", "G.K.", "co.jp"),
    ("CN", "华星科技", "有限公司", "Huaxing Keji", "Co., Ltd.", "com.cn"),
    ("CN", "东方电气", "股份有限公司", "Dongfang Dianqi", "Co., Ltd.", "com.cn"),
    ("CN", "长城软件", "有限公司", "Changcheng Ruanjian", "Co., Ltd.", "cn"),
    ("CN", "海天物流", "有限公司", "Haitian Wuliu", "Co., Ltd.", "cn"),
    ("KR", "한빛소프트", "주식회사", "Hanbit Soft", "Co., Ltd.", "co.kr"),
    ("KR", "대한전자", "(주)", "Daehan Jeonja", "Co., Ltd.", "co.kr"),
    ("KR", "미래에셋", "주식회사", "Mirae Asset", "Co., Ltd.", "co.kr"),
    ("TR", "Güneş Enerji", "A.Ş.", "Gunes Enerji", "AS", "com.tr"),
    ("TR", "Yıldız Lojistik", "A.Ş.", "Yildiz Lojistik", "A.S.", "com.tr"),
]

_ABBREVIATE = {
    "International": "Intl",
    "Manufacturing": "Mfg",
    "Technologies": "Tech",
    "Services": "Svcs",
    "Systems": "Sys",
    "Brothers": "Bros",
    "Laboratories": "Labs",
    "Engineering": "Eng",
    "Pharmaceuticals": "Pharma",
    "Communications": "Comms",
    "Management": "Mgmt",
    "Holdings": "Hldgs",
    "Group": "Grp",
    "Industries": "Inds",
    "Associates": "Assoc",
    "Saint": "St.",
}
_EXTRA_WORDS = [
    "International",
    "Technologies",
    "Services",
    "Systems",
    "Holdings",
    "Group",
    "Industries",
    "Laboratories",
    "Communications",
    "Management",
    "Manufacturing",
    "Engineering",
]
_FREE_MAIL = ["gmail.com", "outlook.com", "yahoo.co.uk", "gmx.de", "hotmail.fr", "web.de"]
_FIRST_NAMES = ["anna", "jo", "li", "maria", "sam", "kenji", "olga", "pierre", "lena", "raj"]
_SUBSIDIARY = [
    "Healthineers",
    "Financial Services",
    "Mobility",
    "Digital Labs",
    "Real Estate",
    "Ventures",
    "Energy Solutions",
]
_ADJECTIVES = ["First", "United", "National", "Federal", "Citizens", "Heritage", "Premier"]


def _bases(rng: random.Random, per_country: int) -> list[_Base]:
    bases: list[_Base] = []
    seen: set[str] = set()
    for country, (surnames, places, industries, forms, tld) in _LATIN.items():
        made = 0
        while made < per_country:
            pattern = rng.randrange(6)
            if pattern == 0:
                words = [rng.choice(surnames), rng.choice(industries)]
            elif pattern == 1:
                first, second = rng.sample(surnames, 2)
                words = [first, "&", second]
            elif pattern == 2:
                words = [rng.choice(places), rng.choice(industries)]
            elif pattern == 3:
                words = [rng.choice(places), rng.choice(surnames), rng.choice(industries)]
            elif pattern == 4:
                words = [rng.choice(places), rng.choice(industries), rng.choice(_EXTRA_WORDS)]
            else:
                words = [rng.choice(surnames), rng.choice(_EXTRA_WORDS)]
            key = " ".join(sorted(w.lower() for w in words))  # "A & B" is "B & A"
            if key in seen:
                continue
            seen.add(key)
            spellings = rng.choice(forms)
            bases.append(_Base(tuple(words), spellings[0], spellings[1:], country, tld))
            made += 1
    for country, native, native_form, latin, latin_form, tld in _NATIVE:
        bases.append(_Base(tuple(latin.split()), latin_form, (), country, tld, native, native_form))
    return bases


# -- corruptions -----------------------------------------------------------------------------

_KEYBOARD = dict(zip("qwertyuiopasdfghjklzxcvbnm", "wertyuiopqsdfghjklaxcvbnmz", strict=True))


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return text.upper() if rng.random() < 0.5 else text.lower()
    i = rng.choice(candidates)
    word = words[i]
    pos = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:  # swap neighbours
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    elif op == 1:  # drop a letter
        word = word[:pos] + word[pos + 1 :]
    elif op == 2:  # double a letter
        word = word[:pos] + word[pos] + word[pos:]
    else:  # hit the key next to it
        word = word[:pos] + _KEYBOARD.get(word[pos].lower(), word[pos]) + word[pos + 1 :]
    words[i] = word
    result = " ".join(words)
    return result.upper() if rng.random() < 0.2 else result


def _shouted(rng: random.Random, text: str) -> str:
    del rng
    return text.upper()


def _germanic_ascii(text: str) -> str:
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe")):
        text = text.replace(umlaut, spelled)
    return text.replace("Ü", "Ue").replace("ß", "ss")


def _email(rng: random.Random, domain: str) -> str:
    host = domain if rng.random() < 0.7 else f"{rng.choice(['mail', 'eu', 'corp'])}.{domain}"
    return f"{rng.choice(_FIRST_NAMES)}.{rng.choice(['k', 'm', 'lee'])}@{host}"


def _ref(
    name: str,
    *,
    domain: str | None = None,
    email: str | None = None,
    country: str | None = None,
) -> CompanyRef:
    return CompanyRef(name, domain=domain, email=email, country=country)


def _canonical(rng: random.Random, base: _Base) -> CompanyRef:
    """The reference side: the name as registered, usually with the web domain and country."""
    name = base.name
    if base.native and base.country in ("RU", "UA"):
        name = f"{base.native_form} {base.native}"  # ООО «Ромашка»
    elif base.native and base.country in ("JP", "CN", "KR"):
        first = rng.random() < 0.4
        name = f"{base.native_form}{base.native}" if first else f"{base.native}{base.native_form}"
    elif base.native:
        name = f"{base.native} {base.native_form}"
    return _ref(
        name.strip(),
        domain=base.domain if rng.random() < 0.7 else None,
        country=base.country if rng.random() < 0.8 else None,
    )


def _other_side(rng: random.Random, base: _Base, name: str) -> CompanyRef:
    """The corrupted side of a name-only corruption: contact details as partners give them."""
    roll = rng.random()
    email = None
    if roll < 0.25:
        email = f"{rng.choice(_FIRST_NAMES)}@{rng.choice(_FREE_MAIL)}"
    elif roll < 0.4:
        email = _email(rng, base.domain)
    return _ref(name, email=email, country=base.country if rng.random() < 0.5 else None)


def _legal_form_variant(rng: random.Random, base: _Base) -> str:
    core = " ".join(base.words)
    choice = rng.random()
    if base.forms and choice < 0.6:
        return f"{core} {rng.choice(base.forms)}"
    if choice < 0.85:
        return core
    return f"{core}, {base.form}"


def _transliterated(rng: random.Random, base: _Base) -> str:
    if base.native:
        return f"{' '.join(base.words)} {base.form}".strip()
    name = base.name
    germanic = _germanic_ascii(name)
    return germanic if germanic != name and rng.random() < 0.7 else _ascii(name)


def _word_order(rng: random.Random, base: _Base) -> str:
    words = [w for w in base.words if w != "&"]
    if len(words) < 2:
        return base.name
    shuffled = words[:]
    while shuffled == words:
        rng.shuffle(shuffled)
    joiner = " & " if "&" in base.words else " "
    return f"{joiner.join(shuffled)} {base.form}".strip()


def _abbreviated(rng: random.Random, base: _Base) -> str:
    words = [w for w in base.words if w != "&"]
    if len(words) >= 3 and rng.random() < 0.5:
        return f"{''.join(_ascii(w)[0].upper() for w in words)} {base.form}".strip()
    out = [_ABBREVIATE.get(w, w) for w in base.words]
    if out == list(base.words):
        # Nothing to abbreviate: "&" written out, or the legal form abbreviated or spelled.
        out = ["and" if w == "&" else w for w in base.words]
        form = rng.choice(base.forms) if base.forms else base.form
        return f"{' '.join(out)} {form}".strip()
    return f"{' '.join(out)} {base.form}".strip()


def _brand(base: _Base) -> str:
    """A shorter trading name, as partners often write it."""
    return base.words[0] if base.words[0] != "&" else base.words[-1]


def _positive(rng: random.Random, kind: str, base: _Base) -> LabelledPair:
    a = _canonical(rng, base)
    if kind == "legal_form":
        b = _other_side(rng, base, _legal_form_variant(rng, base))
    elif kind == "typo":
        b = _other_side(rng, base, _typo(rng, base.name))
    elif kind == "transliteration":
        b = _other_side(rng, base, _transliterated(rng, base))
    elif kind == "word_order":
        b = _other_side(rng, base, _word_order(rng, base))
    elif kind == "abbreviation":
        b = _other_side(rng, base, _abbreviated(rng, base))
    elif kind == "subdomain":
        a = attrs.evolve(a, domain=base.domain)
        host = f"{rng.choice(['shop', 'www', 'eu', 'portal', 'de.shop'])}.{base.domain}"
        url = host if rng.random() < 0.5 else f"https://{host}/contact"
        b = _ref(
            f"{_brand(base)} {rng.choice(['', 'Online', 'Store', 'Services'])}".strip(), domain=url
        )
    elif kind == "email":
        a = attrs.evolve(a, domain=base.domain)
        b = _ref(_brand(base), email=_email(rng, base.domain))
    else:  # mixed: two corruptions at once
        first = rng.choice([_typo, _shouted])
        second = rng.choice([_legal_form_variant, _word_order, _transliterated])
        b = _other_side(rng, base, first(rng, second(rng, base)))
    return LabelledPair(a, b, True, kind) if rng.random() < 0.5 else LabelledPair(b, a, True, kind)


def _negative(rng: random.Random, kind: str, base: _Base, others: Sequence[_Base]) -> LabelledPair:
    if kind == "shared_words":
        # Another company sharing a word of the name, each with its own domain.
        word = rng.choice([w for w in base.words if w != "&"])
        other = [o for o in others if word in o.words and o.words != base.words]
        pick = rng.choice(other) if other else rng.choice(others)
        a = _ref(base.name, domain=base.domain, country=base.country)
        b = _ref(
            pick.name, domain=pick.domain, country=pick.country if rng.random() < 0.5 else None
        )
    elif kind == "similar_names":
        # Names one word apart ("Carter Logistics" / "Porter Logistics") and no domain to tell.
        other = [
            o
            for o in others
            if o.words != base.words and len(set(o.words) & set(base.words)) >= len(base.words) - 1
        ]
        pick = rng.choice(other) if other else rng.choice(others)
        a = _ref(base.name, country=base.country if rng.random() < 0.5 else None)
        b = _ref(pick.name, email=f"x@{rng.choice(_FREE_MAIL)}" if rng.random() < 0.3 else None)
    elif kind == "word_order_negative":
        # "Bank of America" vs "America First Bank": the same words, another company.
        words = [w for w in base.words if w != "&"]
        place, industry = words[0], words[-1]
        a = _ref(f"{industry} of {place}")
        b = _ref(f"{place} {rng.choice(_ADJECTIVES)} {industry}", country=base.country)
    elif kind == "parent_subsidiary":
        division = rng.choice(_SUBSIDIARY)
        brand = _brand(base)
        slug = "".join(
            ch
            for ch in _ascii(f"{brand}-{division.split()[0]}").lower()
            if ch.isalnum() or ch == "-"
        )
        a = _ref(base.name, domain=base.domain, country=base.country)
        b = _ref(f"{brand} {division} {base.form}".strip(), domain=f"{slug}.{base.tld}")
    else:  # unrelated, sometimes both with the same free-mail domain
        pick = rng.choice([o for o in others if o.words != base.words])
        mail = rng.choice(_FREE_MAIL)
        shared_free = rng.random() < 0.4
        a = _ref(
            base.name,
            email=f"a@{mail}" if shared_free else None,
            domain=None if shared_free else base.domain,
        )
        b = _ref(pick.name, email=f"b@{mail}" if shared_free else None)
    return LabelledPair(a, b, False, kind)


def labelled_pairs(seed: int = 20260101, per_kind: int = 170) -> list[LabelledPair]:
    """*per_kind* positive pairs for each corruption in :data:`POSITIVE_KINDS` and *per_kind*
    negative pairs for each kind in :data:`NEGATIVE_KINDS`, the same for the same seed."""
    rng = random.Random(seed)
    bases = _bases(rng, per_country=40)
    native = [b for b in bases if b.native]
    latin = [b for b in bases if not b.native]
    pairs: list[LabelledPair] = []
    for kind in POSITIVE_KINDS:
        for _ in range(per_kind):
            pool = native if kind == "transliteration" and rng.random() < 0.4 else latin
            pairs.append(_positive(rng, kind, rng.choice(pool)))
    for kind in NEGATIVE_KINDS:
        for _ in range(per_kind):
            pairs.append(_negative(rng, kind, rng.choice(latin), latin))
    return pairs


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _summary(label: str, results: Iterable[tuple[LabelledPair, MatchBand]]) -> dict[str, object]:
    tp = fp = fn = tn = review = 0
    for pair, band in results:
        predicted = band is MatchBand.MATCH
        review += band is MatchBand.REVIEW
        if pair.same:
            tp += predicted
            fn += not predicted
        else:
            fp += predicted
            tn += not predicted
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision and recall else None
    return {
        "kind": label,
        "pairs": tp + fp + fn + tn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "review": review,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def evaluate(
    pairs: Sequence[LabelledPair],
    config: MatchConfig | None = None,
) -> list[dict[str, object]]:
    """Match every pair; one summary row per kind (positives, then negatives), then
    ``overall``. A pair counts as predicted the same when its band is ``match``; ``review``
    is counted apart (it is a prediction of "not the same" for precision and recall)."""
    results = [(p, match_companies(p.a, p.b, config).band) for p in pairs]
    rows = [
        _summary(kind, [(p, band) for p, band in results if p.kind == kind])
        for kind in (*POSITIVE_KINDS, *NEGATIVE_KINDS)
    ]
    rows.append(_summary("overall", results))
    return rows


def evaluate_blocking(
    pairs: Sequence[LabelledPair],
    blocking: BlockingConfig | None = None,
    config: MatchConfig | None = None,
) -> dict[str, object]:
    """How well the blocking index keeps the pairs that matter, on the labelled set.

    Every company of every pair (both sides) goes into one :class:`BlockingIndex`; then, for
    each pair, whether one side is among the other's candidates. Reported:

    * ``pairs_completeness``: the share of labelled same-company pairs that blocking keeps;
    * ``brute_force_completeness``: the share of pairs that brute-force scoring calls a
      ``match`` (or ``review``) that blocking keeps, i.e. what blocking loses against scoring
      every pair;
    * ``reduction_ratio``: ``1 - candidate pairs / all pairs`` over the whole index, the
      share of comparisons blocking saves.
    """
    index = BlockingIndex(blocking)
    refs: list[CompanyRef] = []
    for number, pair in enumerate(pairs):
        for side, ref in (("a", pair.a), ("b", pair.b)):
            index.add(f"{number}{side}", ref)
            refs.append(ref)
    kept_same = same = kept_scored = scored = 0
    for number, pair in enumerate(pairs):
        kept = f"{number}b" in index.candidates(pair.a)
        if pair.same:
            same += 1
            kept_same += kept
        if match_companies(pair.a, pair.b, config).band is not MatchBand.NO_MATCH:
            scored += 1
            kept_scored += kept
    # Candidate pairs over the whole index (each unordered pair once, self excluded).
    total_candidates = sum(len(index.candidates(ref)) - 1 for ref in refs)
    n = len(refs)
    all_pairs = n * (n - 1)
    return {
        "companies": n,
        "same_pairs": same,
        "pairs_completeness": _ratio(kept_same, same),
        "scored_pairs": scored,
        "brute_force_completeness": _ratio(kept_scored, scored),
        "mean_candidates": round(total_candidates / n, 2) if n else None,
        "reduction_ratio": round(1 - total_candidates / all_pairs, 6) if all_pairs else None,
    }
