"""Self-deduplication finds exactly the pairs that scoring every candidate pair finds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.conflicts import (
    BlockingConfig,
    BlockingIndex,
    CompanyRef,
    DuplicatePair,
    MatchBand,
    MatchConfig,
    could_match,
    find_duplicates,
    match_companies,
)
from prmcore.conflicts._evaluation import labelled_pairs
from prmcore.errors import ValidationError

from .test_bound import refs


def naive(
    entries: list[tuple[str, CompanyRef]],
    band: MatchBand,
    screen: bool,
    config: MatchConfig,
    blocking: BlockingConfig | None,
) -> list[DuplicatePair]:
    """Every pair in which one is a candidate of the other, each scored in full."""
    index = BlockingIndex(blocking)
    for entry, ref in entries:
        index.add(entry, ref)
    position = {entry: i for i, (entry, _) in enumerate(entries)}
    pairs = {
        tuple(sorted((position[entry], position[other])))
        for entry, ref in entries
        for other in index.candidates(ref)
        if other != entry
    }
    threshold = config.review_threshold if band is MatchBand.REVIEW else config.match_threshold
    found = []
    for first, second in sorted(pairs):
        (name_a, a), (name_b, b) = entries[first], entries[second]
        if screen and not could_match(a, b):
            continue
        match = match_companies(a, b, config)
        if match.score >= threshold:
            found.append(DuplicatePair(name_a, name_b, match))
    return found


def labelled_entries() -> list[tuple[str, CompanyRef]]:
    entries = []
    for i, pair in enumerate(labelled_pairs()[:700]):
        entries += [(f"a-{i:04d}", pair.a), (f"b-{i:04d}", pair.b)]
    return entries


@pytest.mark.parametrize(
    ("band", "screen", "config", "blocking"),
    [
        (MatchBand.MATCH, True, MatchConfig(), None),
        (MatchBand.REVIEW, True, MatchConfig(), None),
        (MatchBand.REVIEW, False, MatchConfig(review_threshold=0.3), None),
        # Small limits: candidate lists are cut, so "a lists b" and "b lists a" differ.
        (MatchBand.MATCH, True, MatchConfig(), BlockingConfig(max_block_size=4, max_candidates=2)),
    ],
)
def test_find_duplicates_equals_scoring_every_candidate_pair(
    band: MatchBand, screen: bool, config: MatchConfig, blocking: BlockingConfig | None
) -> None:
    entries = labelled_entries()
    found = find_duplicates(
        entries, band=band, screen=screen, match_config=config, blocking=blocking
    )
    assert found == naive(entries, band, screen, config, blocking)
    assert len(found) > 300  # the labelled set's positive pairs are found


@given(st.lists(refs(), min_size=2, max_size=14), st.sampled_from(["match", "review"]))
def test_find_duplicates_equals_scoring_every_candidate_pair_on_generated_names(
    companies: list[CompanyRef], band: str
) -> None:
    entries = [(f"r-{i:02d}", ref) for i, ref in enumerate(companies)]
    blocking = BlockingConfig(max_block_size=3, max_candidates=2)
    for limits in (None, blocking):
        assert find_duplicates(entries, band=band, blocking=limits) == naive(
            entries, MatchBand(band), True, MatchConfig(), limits
        )


def test_pairs_come_in_the_order_given() -> None:
    acme = CompanyRef("Acme Widgets", domain="acme.de")
    found = find_duplicates(
        [("z", acme), ("y", CompanyRef("Zenith")), ("x", CompanyRef("ACME Widgets GmbH"))]
    )
    assert [(p.first, p.second) for p in found] == [("z", "x")]
    assert found[0].match == match_companies(acme, CompanyRef("ACME Widgets GmbH"))


def test_bad_input_is_refused_with_its_path() -> None:
    with pytest.raises(ValidationError) as err:
        find_duplicates([("a", CompanyRef("X")), ("a", CompanyRef("Y"))], band="no-match")
    assert set(err.value.paths) == {"band", "entries[1]"}
    with pytest.raises(TypeError):
        find_duplicates([("a", "Acme")])  # type: ignore[list-item]
    assert find_duplicates([]) == []
