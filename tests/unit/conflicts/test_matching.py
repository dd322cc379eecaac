"""match_companies: signals, ids deciding, bands, reasons, config, symmetry (ARCHITECTURE.md
§4, "Deal registration and conflicts")."""

from __future__ import annotations

import math

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.conflicts import (
    CompanyMatch,
    CompanyRef,
    MatchBand,
    MatchConfig,
    Signal,
    match_companies,
    name_similarity,
)
from prmcore.errors import ValidationError
from prmcore.serialization import from_dict, to_dict

C = CompanyRef


def reason(m: CompanyMatch, signal: Signal) -> tuple[float, str]:
    found = next(r for r in m.reasons if r.signal is signal)
    return found.contribution, found.detail


def test_acronym_matches_full_name() -> None:
    m = match_companies(C("IBM"), C("International Business Machines Corp"))
    assert m.is_match
    assert m.band is MatchBand.MATCH
    assert "acronym" in reason(m, Signal.NAME)[1]
    assert name_similarity("IBM", "International Business Machines Corp.") == 0.92
    assert name_similarity("IBM Deutschland", "International Business Machines Deutschland") > 0.9


def test_two_letter_acronyms_are_weaker() -> None:
    assert name_similarity("GE", "General Electric") == pytest.approx(0.8)


def test_bank_of_america_is_not_america_first_bank() -> None:
    m = match_companies(C("Bank of America"), C("America First Bank"))
    assert not m.is_match
    assert m.band is MatchBand.NO_MATCH


def test_same_registrable_domain_matches_different_names() -> None:
    m = match_companies(
        C("Toyota Motor", domain="global.toyota.co.jp"),
        C("トヨタ自動車株式会社", email="taro@toyota.co.jp"),
    )
    assert m.is_match
    assert reason(m, Signal.DOMAIN) == (8.0, "same domain toyota.co.jp")


def test_different_domains_separate_parent_and_subsidiary() -> None:
    m = match_companies(
        C("Siemens AG", domain="siemens.com"),
        C("Siemens Healthineers AG", domain="siemens-healthineers.com"),
    )
    assert m.band is MatchBand.NO_MATCH
    assert reason(m, Signal.DOMAIN)[0] == -8.0
    # The same name with two unrelated domains is for a person to look at.
    same_name = match_companies(C("Acme", domain="acme.com"), C("Acme", domain="acme-tools.com"))
    assert same_name.band is MatchBand.REVIEW


def test_country_domains_of_one_name_support_a_match() -> None:
    m = match_companies(C("Acme", domain="acme.com"), C("ACME", domain="acme.de"))
    assert m.is_match
    assert reason(m, Signal.DOMAIN)[0] == 1.0


def test_gmail_is_never_identity() -> None:
    m = match_companies(C("Acme", email="jo@gmail.com"), C("Zenith", email="li@gmail.com"))
    assert m.band is MatchBand.NO_MATCH
    contribution, detail = reason(m, Signal.DOMAIN)
    assert contribution == 0.0
    assert "gmail.com ignored" in detail
    config = MatchConfig(extra_free_mail=("acme-mail.com",))
    m = match_companies(C("A", domain="acme-mail.com"), C("B", domain="acme-mail.com"), config)
    assert reason(m, Signal.DOMAIN)[0] == 0.0


def test_same_id_matches_even_with_different_names() -> None:
    m = match_companies(
        C("Globex", ids={"duns": "150483782"}), C("Initech", ids={"duns": "15-048-3782"})
    )
    assert (m.is_match, m.score, m.band) == (True, 1.0, MatchBand.MATCH)
    assert m.reasons[0].decisive
    assert m.reasons[0].detail == "duns equal"


def test_different_ids_of_a_scheme_never_match_even_with_same_names() -> None:
    m = match_companies(
        C("Acme", domain="acme.com", ids={"lei": "A1"}),
        C("Acme", domain="acme.com", ids={"lei": "B2"}),
    )
    assert (m.is_match, m.score, m.band) == (False, 0.0, MatchBand.NO_MATCH)


def test_ids_in_different_schemes_do_not_decide() -> None:
    m = match_companies(C("Acme", ids={"lei": "A1"}), C("Acme", ids={"duns": "1"}))
    assert m.is_match
    assert reason(m, Signal.IDS) == (0.0, "no id scheme on both sides")


def test_conflicting_ids_and_ids_as_weights() -> None:
    mixed = match_companies(
        C("Acme", ids={"duns": "1", "lei": "A"}), C("Acme", ids={"duns": "1", "lei": "B"})
    )
    assert not mixed.reasons[0].decisive
    assert mixed.reasons[0].contribution == 0.0  # +12 and -12
    weighted = MatchConfig(ids_decide=False)
    m = match_companies(C("Globex", ids={"duns": "1"}), C("Initech", ids={"duns": "1"}), weighted)
    assert reason(m, Signal.IDS)[0] == 12.0
    assert m.is_match
    assert m.score < 1.0


def test_country_and_legal_form_signals() -> None:
    m = match_companies(C("Acme GmbH", country="DE"), C("Acme Inc.", country="US"))
    assert reason(m, Signal.COUNTRY) == (-2.0, "different countries DE vs US")
    assert reason(m, Signal.LEGAL_FORM)[0] == -1.0
    m = match_companies(C("Acme GmbH", country="DE"), C("Acme AG", country="DE"))
    assert reason(m, Signal.COUNTRY) == (0.5, "same country DE")
    assert reason(m, Signal.LEGAL_FORM)[0] == 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hargreaves Thames Logistics Ltd", "Hargreves Thames Logistics"),  # typo
        ("Fuji Systems K.K.", "Fuji Sytsems KK"),  # swapped letters
        ("Müller Maschinenbau GmbH", "Mueller Maschinenbau"),  # transliteration
        ("Яндекс", "Yandex"),
        ("Лукойл", "Lukoil"),
        ("ソニー株式会社", "Sony Corporation"),
        ("Thornton & Whitfield PLC", "Whitfield and Thornton plc"),  # word order
        ("Pacific Software Systems Inc.", "PSS Inc"),  # acronym
        ("Acme International Manufacturing", "Acme Intl Mfg"),  # abbreviations
        ("Coca-Cola", "CocaCola Co"),  # joined words
    ],
)
def test_corruptions_still_match(a: str, b: str) -> None:
    assert match_companies(C(a), C(b)).is_match


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Carter Logistics", "Porter Logistics"),
        ("Acme Technologies", "Zenith Technologies"),
        ("Siemens", "Siemens Healthineers"),
        ("Globex", "Initech"),
    ],
)
def test_hard_negatives_by_name_alone(a: str, b: str) -> None:
    assert not match_companies(C(a), C(b)).is_match


def test_reasons_list_every_signal_and_explain() -> None:
    m = match_companies(C("Acme", domain="acme.com"), C("ACME Ltd"))
    assert [r.signal for r in m.reasons] == list(Signal)
    assert m.evidence == pytest.approx(sum(r.contribution for r in m.reasons))
    text = m.explain()
    assert text.splitlines()[0] == "match (score 0.9997, evidence +8.00)"
    assert "name          +8.00  same name key 'acme'" in text
    decisive = match_companies(C("A", ids={"duns": "1"}), C("B", ids={"duns": "1"}))
    assert "decisive" in decisive.explain()


def test_band_thresholds_are_configurable() -> None:
    a, b = C("Vodafone"), C("Vodafone UK")
    assert match_companies(a, b).band is MatchBand.REVIEW
    assert match_companies(a, b, MatchConfig(match_threshold=0.8)).band is MatchBand.MATCH
    assert match_companies(a, b, MatchConfig(review_threshold=0.9, match_threshold=0.95)).band is (
        MatchBand.NO_MATCH
    )


def test_config_validation_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as err:
        MatchConfig(
            name_weight=-1,
            domain_disagree=3,
            name_pivot=1.5,
            match_threshold=0.4,
            review_threshold=0.6,
            token_threshold="x",  # type: ignore[arg-type]
            ids_decide="yes",  # type: ignore[arg-type]
            extra_free_mail=("",),
            prior=math.inf,
        )
    assert set(err.value.paths) == {
        "prior",
        "name_weight",
        "domain_disagree",
        "name_pivot",
        "token_threshold",
        "review_threshold",
        "ids_decide",
        "extra_free_mail[0]",
    }
    with pytest.raises(ValidationError):
        MatchConfig(name_weight=True)  # type: ignore[arg-type]


def test_config_round_trip() -> None:
    config = MatchConfig(name_weight=6, match_threshold=0.95, extra_free_mail=["x.com"])  # type: ignore[arg-type]
    assert config.name_weight == 6.0
    assert config.extra_free_mail == ("x.com",)
    assert from_dict(MatchConfig, to_dict(config)) == config


def test_needs_company_refs() -> None:
    with pytest.raises(TypeError, match="CompanyRef"):
        match_companies("Acme", C("Acme"))  # type: ignore[arg-type]


def test_result_is_data() -> None:
    m = match_companies(C("Acme"), C("Acme"))
    assert attrs.evolve(m, band="review").band is MatchBand.REVIEW
    assert to_dict(m)["band"] == "match"


def test_name_similarity_accepts_parts() -> None:
    from prmcore.conflicts import parse_name

    assert name_similarity(parse_name("Acme"), parse_name("ACME Inc")) == 1.0
    assert name_similarity("the and", "of") == 0.0


names = st.sampled_from(
    ["Acme", "ACME Ltd", "IBM", "International Business Machines", "Bank of America",
     "America First Bank", "Müller GmbH", "Mueller", "Яндекс", "Yandex", "Coca Cola", "CocaCola",
     "Siemens", "Siemens Healthineers", "The", "!!!", "Carter Logistics", "Porter Logistics"]
)  # fmt: skip
domains = st.sampled_from([None, "acme.com", "shop.acme.com", "acme.de", "other.com"])
emails = st.sampled_from([None, "jo@gmail.com", "jo@acme.com", "li@other.com"])
countries = st.sampled_from([None, "DE", "US"])
ids = st.sampled_from([None, {"duns": "1"}, {"duns": "2"}, {"lei": "X"}, {"duns": "1", "lei": "Y"}])
refs = st.builds(CompanyRef, names, domain=domains, email=emails, country=countries, ids=ids)


@given(refs, refs)
def test_match_is_symmetric(a: CompanyRef, b: CompanyRef) -> None:
    ab, ba = match_companies(a, b), match_companies(b, a)
    assert ab.score == ba.score
    assert ab.band == ba.band
    assert 0.0 <= ab.score <= 1.0
    assert ab.is_match == (ab.band is MatchBand.MATCH)


@given(refs)
def test_a_company_matches_itself_unless_nothing_identifies_it(a: CompanyRef) -> None:
    assert match_companies(a, a).is_match


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_name_similarity_is_symmetric_and_bounded(x: str, y: str) -> None:
    s = name_similarity(x, y)
    assert s == name_similarity(y, x)
    assert 0.0 <= s <= 1.0
    assert name_similarity(x, x) == 1.0
