"""The bound before scoring is exact: a pair it turns down never reaches the band asked for,
and a detector that uses it reports exactly what scoring every candidate reports."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.conflicts import (
    CompanyRef,
    ConflictDetector,
    DealRegistration,
    DetectorConfig,
    MatchBand,
    MatchConfig,
    RegistrationRules,
    match_companies,
)
from prmcore.conflicts._evaluation import labelled_pairs
from prmcore.conflicts.matching import _Bound, _may_reach

AT = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
RULES = RegistrationRules()

CONFIGS = (
    MatchConfig(),
    MatchConfig(match_threshold=0.99, review_threshold=0.2),
    MatchConfig(token_threshold=0.6, loose_factor=0.99, generic_word_weight=0.1),
    MatchConfig(prior=1.5, name_floor=-1.0, domain_disagree=-2.0, country_disagree=0.0),
    MatchConfig(name_pivot=0.5, name_weight=3.0, legal_form_disagree=0.0, token_threshold=0.0),
    MatchConfig(extra_free_mail=("acme.com",), ids_decide=False),
    MatchConfig(review_threshold=0.0),  # every pair reaches review
)


def threshold(config: MatchConfig, band: MatchBand) -> float:
    return config.review_threshold if band is MatchBand.REVIEW else config.match_threshold


def assert_sound(a: CompanyRef, b: CompanyRef, config: MatchConfig) -> int:
    """Assert the bound on (a, b) both ways; return how many times it turned the pair down."""
    turned_down = 0
    for band in (MatchBand.REVIEW, MatchBand.MATCH):
        score = match_companies(a, b, config).score
        for x, y in ((a, b), (b, a)):
            if not _may_reach(x.identity, y.identity, config, band):
                turned_down += 1
                assert score < threshold(config, band), (x, y, config, band)
    return turned_down


def test_the_bound_never_turns_down_a_labelled_pair_that_reaches_its_band() -> None:
    turned_down = sum(
        assert_sound(pair.a, pair.b, config) for pair in labelled_pairs() for config in CONFIGS
    )
    assert turned_down > 10_000  # and it does turn many pairs down


# Names built from a few syllables, words and legal forms, so that pairs are often near each
# other (typos, shared words, split words, acronyms): where a loose bound would show.
syllables = st.sampled_from(["ka", "ro", "mi", "ber", "gan", "tor", "ks", "x", "ph", "f", "y"])
word = st.lists(syllables, min_size=1, max_size=4).map("".join)
small_word = st.sampled_from(["the", "and", "of", "ibm", "ab", "group", "bank", "systems"])
words = st.lists(word | small_word, min_size=1, max_size=5)
form = st.sampled_from(["", " GmbH", " Inc.", " Ltd", " AG", " Co., Ltd.", " S.A."])
domain = st.none() | st.sampled_from(["acme.com", "acme.de", "kamiro.com", "shop.kamiro.com"])
email = st.none() | st.sampled_from(["jo@gmail.com", "jo@acme.com", "jo@rober.de"])
country = st.none() | st.sampled_from(["DE", "US", "GB"])
ids = st.none() | st.sampled_from([{"duns": "1"}, {"duns": "2"}, {"lei": "1"}])


@st.composite
def refs(draw: st.DrawFn) -> CompanyRef:
    name = " ".join(draw(words)).title() + draw(form)
    return CompanyRef(
        name, domain=draw(domain), email=draw(email), country=draw(country), ids=draw(ids)
    )


@st.composite
def near(draw: st.DrawFn, ref: CompanyRef) -> CompanyRef:
    """*ref* with its name edited a little: a letter changed, dropped or added, words joined,
    split, dropped or reordered."""
    tokens = ref.name.split()
    edit = draw(st.integers(0, 5))
    i = draw(st.integers(0, len(tokens) - 1))
    if edit == 0:
        tokens[i] = tokens[i][:-1] or "x"
    elif edit == 1:
        tokens[i] += draw(st.sampled_from("aeks"))
    elif edit == 2 and len(tokens) > 1:
        tokens[i : i + 2] = ["".join(tokens[i : i + 2])]
    elif edit == 3:
        tokens[i : i + 1] = [tokens[i][:2], tokens[i][2:] or "a"]
    elif edit == 4 and len(tokens) > 1:
        del tokens[i]
    else:
        tokens.reverse()
    return CompanyRef(
        " ".join(tokens), domain=draw(domain), email=draw(email), country=draw(country)
    )


@given(st.data(), refs(), st.sampled_from(CONFIGS))
def test_the_bound_is_sound_on_near_and_far_pairs(
    data: st.DataObject, a: CompanyRef, config: MatchConfig
) -> None:
    assert_sound(a, data.draw(refs()), config)
    assert_sound(a, data.draw(near(a)), config)


def test_what_the_bound_decides_without_the_name() -> None:
    config = MatchConfig()
    review = MatchBand.REVIEW
    # A shared domain outweighs any name; shared id schemes are always scored.
    assert _may_reach(
        CompanyRef("Zeta", domain="acme.com").identity,
        CompanyRef("Omega", email="jo@acme.com").identity,
        config,
        review,
    )
    assert _may_reach(
        CompanyRef("Zeta", ids={"duns": "1"}).identity,
        CompanyRef("Omega", ids={"duns": "2"}).identity,
        config,
        review,
    )
    # Different domains and different countries: not even the same name would do.
    assert not _may_reach(
        CompanyRef("Zeta", domain="zeta.io", country="DE").identity,
        CompanyRef("Zeta", domain="other.io", country="US").identity,
        config,
        review,
    )
    # An acronym reading is scored, not bounded.
    assert _may_reach(
        CompanyRef("IBM").identity, CompanyRef("International Business Machines").identity,
        config, review,
    )  # fmt: skip
    assert not _may_reach(
        CompanyRef("Karomi Solutions").identity, CompanyRef("Karomu Logistics").identity,
        config, review,
    )  # fmt: skip


def registrations() -> tuple[list[DealRegistration], list[DealRegistration]]:
    """Stored registrations from the labelled set's first sides, new ones from the second."""
    stored, new = [], []
    for i, pair in enumerate(labelled_pairs()[:1200]):
        for side, ref, into in (("s", pair.a, stored), ("n", pair.b, new)):
            into.append(
                DealRegistration(
                    id=f"dr-{side}{i:05d}",
                    partner_id=f"p-{i % 7}",
                    customer=ref,
                    product_lines=(("fw", "edr")[i % 2],),
                    created_at=AT,
                ).submit(AT, RULES)
            )
    return stored, new


@pytest.mark.parametrize(
    "config", [DetectorConfig(), DetectorConfig(screen=False, report_review=False)]
)
def test_a_detector_with_the_bound_reports_what_scoring_every_candidate_reports(
    config: DetectorConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored, new = registrations()
    bounded = ConflictDetector(RULES, config)
    bounded.load(stored)
    with_bound = [bounded.check(reg, AT) for reg in new]

    monkeypatch.setattr(_Bound, "may_reach", lambda self, a, b: True)
    unbounded = ConflictDetector(RULES, config)
    unbounded.load(stored)
    without_bound = [unbounded.check(reg, AT) for reg in new]

    assert with_bound == without_bound
    assert sum(len(report.conflicts) for report in with_bound) > 500
