"""Name normalisation: every rule of the name key, legal forms, acronyms (ARCHITECTURE.md §4,
"Deal registration and conflicts": customer identity)."""

# ruff: noqa: RUF001
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.conflicts import (
    LEGAL_FORMS,
    acronym_of,
    fold_text,
    legal_form_countries,
    legal_forms_of_country,
    name_key,
    parse_name,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＩＢＭ", "ibm"),  # NFKC: full-width letters
        ("STRASSE Straße", "strasse strasse"),  # case folding
        ("Société Générale", "societe generale"),  # accents
        ("Müller Söhne Bäcker", "mueller soehne baecker"),  # German umlauts written out
        ("Газпром", "gazprom"),  # Cyrillic
        ("Ελληνικά Πετρέλαια", "ellinika petrelaia"),  # Greek
        ("Johnson & Johnson", "johnson and johnson"),  # & as and
        ("A+B", "a and b"),
        ("I.B.M.", "ibm"),  # dotted initials
        ("A/S", "as"),  # slashed initials
        ("McDonald’s", "mcdonalds"),  # apostrophes dropped
        ("Coca-Cola, Inc.", "coca cola inc"),  # other punctuation is a space
        ("  lots   of\tspace ", "lots of space"),
        ("!!!", ""),
    ],
)
def test_fold_text(text: str, folded: str) -> None:
    assert fold_text(text) == folded


@pytest.mark.parametrize(
    ("text", "key", "forms"),
    [
        ("Acme Ltd", "acme", ("Ltd.",)),
        ("Acme Limited", "acme", ("Ltd.",)),
        ("Acme Co., Ltd.", "acme", ("Co., Ltd.",)),
        ("Acme Company Limited", "acme", ("Co., Ltd.",)),
        ("Acme GmbH & Co. KG", "acme", ("GmbH & Co. KG",)),
        ("Acme GmbH und Co. KG", "acme", ("GmbH & Co. KG",)),
        ("Acme Pty Ltd", "acme", ("Pty Ltd",)),
        ("Acme Pty. Limited", "acme", ("Pty Ltd",)),
        ("Acme Gesellschaft mit beschränkter Haftung", "acme", ("GmbH",)),
        ("Acme S.p.A.", "acme", ("S.p.A.",)),
        ("Acme S.à r.l.", "acme", ("SARL",)),
        ("Acme S.A. de C.V.", "acme", ("S.A. de C.V.",)),
        ("Nowak Sp. z o.o.", "nowak", ("Sp. z o.o.",)),
        ("Merck & Co.", "merck", ("& Co.",)),
        ("AB Volvo (publ)", "volvo", ("AB", "(publ)")),
        ("PT Bank Central Asia Tbk", "bank central asia", ("PT", "Tbk")),
        ("ООО «Ромашка»", "romashka", ("ООО",)),
        ("Ромашка ООО", "romashka", ("ООО",)),
        ("株式会社日立製作所", "rilizhizuosuo", ("K.K. (株式会社)",)),
        ("トヨタ自動車株式会社", "toyotazidongche", ("K.K. (株式会社)",)),
        ("(株)日立", "rili", ("K.K. (株式会社)",)),
        ("㈜엘지", "elji", ("Co., Ltd. (주식회사)",)),
        ("华为技术有限公司", "huaweijishu", ("Co., Ltd. (有限公司)",)),
        ("Acme Holdings Pte. Ltd. Inc.", "acme holdings", ("Pte. Ltd.", "Inc.")),  # chained
    ],
)
def test_legal_forms_are_taken_off_and_kept(text: str, key: str, forms: tuple[str, ...]) -> None:
    parts = parse_name(text)
    assert parts.key == key
    assert parts.legal_forms == forms


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Limited", "limited"),  # a legal form alone is the name
        ("Co Ltd", "co"),  # never the whole name
        ("GmbH", "gmbh"),
        ("株式会社", "zhushihuishe"),
        ("The", "the"),
        ("!!!", "!!!"),  # no letters or digits: the text itself
        (" ", "u0020"),  # blank: its code points
    ],
)
def test_the_key_never_becomes_empty(text: str, key: str) -> None:
    assert name_key(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("The Coca-Cola Company", "coca cola"),  # leading "the"
        ("Theatre Royal", "theatre royal"),  # only the word "the"
        ("Intl. Business Machines Corp.", "international business machines"),
        ("Acme Mfg", "acme manufacturing"),
        ("Smith Bros", "smith brothers"),
    ],
)
def test_the_and_abbreviations(text: str, key: str) -> None:
    assert name_key(text) == key


def test_acronyms() -> None:
    assert parse_name("International Business Machines Corp").acronym == "ibm"
    assert acronym_of(["bank", "of", "america"]) == "ba"
    assert acronym_of(["acme"]) is None
    assert acronym_of(["of", "the"]) is None


def test_legal_form_table() -> None:
    assert len(LEGAL_FORMS) > 80
    assert {f.position for f in LEGAL_FORMS} == {"suffix", "prefix", "either"}
    countries = {c for f in LEGAL_FORMS for c in f.countries}
    assert {"US", "GB", "DE", "FR", "JP", "RU", "BR", "AU", "PL", "SE"} <= countries
    assert [f.label for f in legal_forms_of_country("se")] == ["AB", "(publ)"]
    assert legal_form_countries("GmbH") == {"DE", "AT", "CH"}
    assert legal_form_countries("K.K. (株式会社)") == {"JP"}
    assert legal_form_countries("nope") == frozenset()


@given(st.text(min_size=1, max_size=40))
def test_key_is_never_empty_and_idempotent(text: str) -> None:
    key = name_key(text)
    assert key
    assert name_key(key) == key


company_words = st.lists(
    st.sampled_from(
        ["acme", "Müller", "&", "GmbH", "Ltd", "Co.", "the", "Intl", "Ромашка", "株式会社", "of"]
    ),
    min_size=1,
    max_size=6,
).map(" ".join)


@given(company_words)
def test_key_of_company_like_names_is_idempotent(text: str) -> None:
    key = name_key(text)
    assert key
    assert name_key(key) == key
