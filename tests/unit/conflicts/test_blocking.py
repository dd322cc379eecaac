"""The blocking index: keys, incremental add/remove, limits and completeness on the labelled
set."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prmcore.conflicts import BlockingConfig, BlockingIndex, CompanyRef, blocking_keys
from prmcore.conflicts._evaluation import evaluate_blocking, labelled_pairs
from prmcore.errors import ValidationError


def test_keys_come_from_every_signal() -> None:
    strong, name = blocking_keys(
        CompanyRef(
            "International Business Machines Corp.",
            domain="shop.ibm.co.uk",
            email="jo@gmail.com",
            ids={"duns": "00-136-8083"},
        )
    )
    assert strong == ("d:ibm.co.uk", "i:duns:001368083")  # free mail is no key
    assert {"a:ibm", "t:international", "t:internationalbusinessmachines"} <= set(name)
    assert "x:busness" in name  # one letter deleted: a typo away


def test_typos_acronyms_spacing_and_loose_spelling_share_a_key() -> None:
    index = BlockingIndex()
    index.add("ibm", CompanyRef("International Business Machines"))
    index.add("siemens", CompanyRef("Siemens AG"))
    index.add("coca", CompanyRef("Coca Cola"))
    index.add("yandex", CompanyRef("Yandex LLC"))
    assert index.candidates(CompanyRef("IBM Corp")) == ["ibm"]
    assert index.candidates(CompanyRef("Seimens")) == ["siemens"]
    assert index.candidates(CompanyRef("CocaCola")) == ["coca"]
    assert index.candidates(CompanyRef("Яндекс")) == ["yandex"]
    assert index.candidates(CompanyRef("Initech")) == []


def test_domains_and_ids_always_block() -> None:
    index = BlockingIndex(BlockingConfig(max_candidates=1))
    for i in range(5):
        index.add(f"n{i}", CompanyRef(f"Acme {i}"))
    index.add("dom", CompanyRef("Zeta", domain="zeta.io"))
    index.add("duns", CompanyRef("Omega", ids={"duns": "42"}))
    found = index.candidates(CompanyRef("Acme", email="x@zeta.io", ids={"duns": "4-2"}))
    assert "dom" in found
    assert "duns" in found
    assert len(found) == 3  # plus one name candidate, the cap


def test_common_name_keys_are_skipped_unless_nothing_else_is_left() -> None:
    index = BlockingIndex(BlockingConfig(max_block_size=3))
    for i in range(10):
        index.add(f"g{i}", CompanyRef(f"Group {chr(97 + i) * 3}vald"))
    index.add("rare", CompanyRef("Zyxwv Group"))
    # "group" is in 11 entries: skipped; "zyxwv" is rare.
    assert index.candidates(CompanyRef("Zyxwv Group Holdings")) == ["rare"]
    # Only the common word: its block is used, capped by max_candidates.
    assert len(index.candidates(CompanyRef("Group"))) == 11


def test_remove_and_readd() -> None:
    index = BlockingIndex()
    ref = CompanyRef("Acme Widgets", domain="acme.com")
    index.add("r-1", ref)
    index.add("r-1", CompanyRef("Zorro Quux"))  # re-filed under the new keys
    assert index.candidates(ref) == []
    assert len(index) == 1
    assert "r-1" in index
    assert index.remove("r-1")
    assert not index.remove("r-1")
    assert len(index) == 0
    assert index.block_sizes() == {"entries": 0, "keys": 0, "largest_block": 0}


def test_wrong_types_and_bad_config() -> None:
    index = BlockingIndex()
    with pytest.raises(TypeError):
        index.add("x", "Acme")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        index.candidates("Acme")  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as info:
        BlockingConfig(max_block_size=0, max_candidates=0)
    assert set(info.value.paths) == {"max_block_size", "max_candidates"}


def test_completeness_and_reduction_on_the_labelled_set() -> None:
    report = evaluate_blocking(labelled_pairs())
    assert report["companies"] == 2 * len(labelled_pairs())
    assert report["pairs_completeness"] is not None
    assert report["pairs_completeness"] >= 0.99  # type: ignore[operator]
    assert report["brute_force_completeness"] >= 0.99  # type: ignore[operator]
    assert report["reduction_ratio"] >= 0.95  # type: ignore[operator]


names = st.sampled_from(
    ["Acme", "Acme Widgets", "ACME Ltd", "IBM", "International Business Machines", "Siemens",
     "Seimens AG", "Bank of America", "Müller GmbH", "Mueller", "Zeta", "The Group", "!!!"]
)  # fmt: skip
refs = st.builds(
    CompanyRef,
    names,
    domain=st.sampled_from([None, "acme.com", "zeta.io"]),
    ids=st.sampled_from([None, {"duns": "1"}, {"lei": "2"}]),
)
ops = st.lists(
    st.tuples(st.booleans(), st.sampled_from([f"e{i}" for i in range(6)]), refs), max_size=25
)


@given(ops, refs)
def test_incremental_changes_equal_a_rebuild(
    steps: list[tuple[bool, str, CompanyRef]], query: CompanyRef
) -> None:
    index = BlockingIndex()
    model: dict[str, CompanyRef] = {}
    for add, entry, ref in steps:
        if add:
            index.add(entry, ref)
            model[entry] = ref
        else:
            assert index.remove(entry) == (entry in model)
            model.pop(entry, None)
    rebuilt = BlockingIndex()
    rebuilt.add_many(model.items())
    assert len(index) == len(model)
    assert index.candidates(query) == rebuilt.candidates(query)
    assert index.block_sizes() == rebuilt.block_sizes()
    for entry, ref in model.items():
        assert entry in index.candidates(ref)  # an entry is always its own candidate


@pytest.mark.parametrize("config", [BlockingConfig(), BlockingConfig(3, 2)])
def test_candidates_of_an_entry_are_the_candidates_of_its_ref(config: BlockingConfig) -> None:
    index = BlockingIndex(config)
    refs = {}
    for i, pair in enumerate(labelled_pairs()[:400]):
        refs[f"a-{i}"], refs[f"b-{i}"] = pair.a, pair.b
    for entry, ref in refs.items():
        index.add(entry, ref)
    for entry in list(refs)[::3]:
        index.remove(entry)
        del refs[entry]
    assert all(index.candidates_of(entry) == index.candidates(ref) for entry, ref in refs.items())
    assert any(len(index.candidates(ref)) > 1 for ref in refs.values())
    with pytest.raises(KeyError):
        index.candidates_of("a-0")  # removed
