"""The fast screen before scoring, and finding a customer's registrations through the index."""

from __future__ import annotations

import datetime as dt

from prmcore.conflicts import (
    BlockingConfig,
    BlockingIndex,
    CompanyRef,
    ConflictDetector,
    DealRegistration,
    DetectorConfig,
    MatchBand,
    RegistrationRules,
    could_match,
    match_companies,
)
from prmcore.conflicts._evaluation import labelled_pairs

AT = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
RULES = RegistrationRules()


def test_the_screen_lets_every_signal_through() -> None:
    assert could_match(
        CompanyRef("Zeta", domain="acme.com"), CompanyRef("Omega", email="x@acme.com")
    )
    assert could_match(
        CompanyRef("Zeta", ids={"duns": "1"}), CompanyRef("Omega", ids={"duns": "1"})
    )
    assert could_match(CompanyRef("IBM"), CompanyRef("International Business Machines"))
    assert could_match(CompanyRef("International Business Machines"), CompanyRef("IBM"))
    assert could_match(CompanyRef("Siemens AG"), CompanyRef("Seimens"))
    assert could_match(CompanyRef("Coca Cola"), CompanyRef("CocaCola"))
    assert not could_match(CompanyRef("Acme Widgets"), CompanyRef("Zenith Foods"))
    assert not could_match(
        CompanyRef("Zeta", domain="zeta.io"), CompanyRef("Omega", domain="omega.io")
    )


def test_the_screen_never_turns_down_a_labelled_match_or_review() -> None:
    turned_down = 0
    for pair in labelled_pairs():
        if not could_match(pair.a, pair.b):
            turned_down += 1
            assert match_companies(pair.a, pair.b).band is MatchBand.NO_MATCH, pair
    assert turned_down > 100  # it does turn pairs down


def test_a_detector_can_score_every_candidate() -> None:
    unscreened = ConflictDetector(RULES, DetectorConfig(screen=False))
    screened = ConflictDetector(RULES)
    for detector in (unscreened, screened):
        detector.add(
            DealRegistration(
                id="dr-1", partner_id="p-1", customer=CompanyRef("Nordic Steel"),
                product_lines=("fw",), created_at=AT,
            ).submit(AT, RULES)
        )  # fmt: skip
    new = DealRegistration(
        id="dr-2", partner_id="p-2", customer=CompanyRef("Nordik Steal"),
        product_lines=("fw",), created_at=AT,
    )  # fmt: skip
    assert [c.other_id for c in unscreened.check(new, AT).conflicts] == ["dr-1"]
    assert [c.other_id for c in screened.check(new, AT).conflicts] == ["dr-1"]


def test_same_customer_lists_active_and_won_registrations() -> None:
    detector = ConflictDetector(RULES)
    acme = CompanyRef("Acme Widgets GmbH", domain="acme.de")

    def reg(id: str, customer: CompanyRef) -> DealRegistration:
        return DealRegistration(
            id=id, partner_id="p-1", customer=customer, product_lines=("fw",), created_at=AT
        ).submit(AT, RULES)

    won = reg("dr-1", acme).approve(AT, RULES).close(True, AT)
    detector.load([won, reg("dr-2", CompanyRef("ACME Widgets")), reg("dr-3", CompanyRef("Zenith"))])
    found = detector.same_customer(CompanyRef("Acme Widgets", email="jo@acme.de"))
    assert [(r.id, m.band) for r, m in found] == [
        ("dr-1", MatchBand.MATCH),
        ("dr-2", MatchBand.MATCH),
    ]


def test_rare_shared_keys_outrank_many_common_ones() -> None:
    index = BlockingIndex(BlockingConfig(max_candidates=1, max_block_size=50))
    for i in range(30):
        index.add(f"common-{i:02d}", CompanyRef(f"Global Solutions {chr(97 + i % 26) * 4}"))
    index.add("rare", CompanyRef("Quaxelor Holdings"))
    # "Quaxelr" is a typo of the rare word; "global solutions" is shared by thirty entries.
    assert index.candidates(CompanyRef("Quaxelr Global Solutions")) == ["rare"]
