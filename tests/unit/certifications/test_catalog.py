"""The certification catalog: whole-catalog validation, cycles, transitive ``satisfies``."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore._checks import trusted_construction
from prmcore.certifications import (
    CertificationAward,
    CertificationCatalog,
    CertificationType,
    Duration,
)
from prmcore.errors import NotFoundError, ValidationError
from prmcore.serialization import from_dict, from_json, to_json

YEAR = Duration(years=1)


def t(
    type_id: str, *, prerequisites: tuple[str, ...] = (), satisfies: tuple[str, ...] = ()
) -> CertificationType:
    return CertificationType(
        type_id,  # type: ignore[arg-type]
        type_id.title(),
        validity=YEAR,
        prerequisites=prerequisites,  # type: ignore[arg-type]
        satisfies=satisfies,  # type: ignore[arg-type]
    )


def test_unknown_ids_are_reported_with_paths() -> None:
    with pytest.raises(ValidationError) as err:
        CertificationCatalog([t("a"), t("b", prerequisites=("a", "zz")), t("c", satisfies=("yy",))])
    assert err.value.paths == ("types[1].prerequisites[1]", "types[2].satisfies[0]")
    assert "unknown certification type 'zz'" in str(err.value)


def test_duplicate_ids_and_wrong_items() -> None:
    with pytest.raises(ValidationError) as err:
        CertificationCatalog([t("a"), t("a")])
    assert err.value.paths == ("types[1].id",)
    assert "also types[0]" in str(err.value)
    with pytest.raises(ValidationError) as err:
        CertificationCatalog([t("a"), "b"])  # type: ignore[list-item]
    assert err.value.paths == ("types[1]",)


def test_prerequisite_cycle_is_spelled_out() -> None:
    with pytest.raises(ValidationError) as err:
        CertificationCatalog(
            [
                t("a", prerequisites=("b",)),
                t("b", prerequisites=("c",)),
                t("c", prerequisites=("a",)),
                t("d", prerequisites=("a",)),
            ]
        )
    assert err.value.paths == ("types[0].prerequisites[0]",)
    assert "prerequisites form a cycle: a -> b -> c -> a" in str(err.value)


def test_two_separate_cycles_are_both_reported() -> None:
    with pytest.raises(ValidationError) as err:
        CertificationCatalog(
            [
                t("x", prerequisites=("y",)),
                t("y", prerequisites=("x",)),
                t("m", prerequisites=("n", "k")),
                t("k"),
                t("n", prerequisites=("m",)),
            ]
        )
    assert err.value.paths == ("types[0].prerequisites[0]", "types[2].prerequisites[0]")
    assert "m -> n -> m" in str(err.value)
    assert "x -> y -> x" in str(err.value)


def test_diamond_of_prerequisites_is_no_cycle() -> None:
    catalog = CertificationCatalog(
        [
            t("top", prerequisites=("left", "right")),
            t("left", prerequisites=("base",)),
            t("right", prerequisites=("base",)),
            t("base"),
        ]
    )
    assert len(catalog) == 4


def test_satisfies_is_transitive() -> None:
    catalog = CertificationCatalog(
        [
            t("associate"),
            t("specialist", satisfies=("associate",)),
            t("expert", satisfies=("specialist",)),
        ]
    )
    assert catalog.qualifying_types("associate") == {"associate", "specialist", "expert"}
    assert catalog.qualifying_types("expert") == {"expert"}
    assert catalog.covered_types("expert") == {"expert", "specialist", "associate"}
    assert catalog.covered_types("associate") == {"associate"}


def test_cyclic_satisfies_means_equivalent_and_terminates() -> None:
    catalog = CertificationCatalog(
        [t("old", satisfies=("new",)), t("new", satisfies=("old",)), t("other")]
    )
    assert catalog.qualifying_types("old") == catalog.qualifying_types("new") == {"old", "new"}
    assert catalog.covered_types("other") == {"other"}


def test_lookups() -> None:
    a, b = t("a"), t("b", satisfies=("a",))
    catalog = CertificationCatalog([a, b])
    assert catalog.get("b") is b
    assert "a" in catalog
    assert "zz" not in catalog
    for lookup in (catalog.get, catalog.covered_types, catalog.qualifying_types):
        with pytest.raises(NotFoundError):
            lookup("zz")
    awards = [
        CertificationAward("1", "p", "a", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),  # type: ignore[arg-type]
        CertificationAward("2", "p", "b", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),  # type: ignore[arg-type]
    ]
    assert [a.id for a in catalog.qualifying_awards("a", awards)] == ["1", "2"]
    assert [a.id for a in catalog.qualifying_awards("b", awards)] == ["2"]


def test_trusted_catalog_with_unknown_satisfies_does_not_crash() -> None:
    with trusted_construction():
        catalog = CertificationCatalog([t("a", satisfies=("ghost",))])
    assert catalog.covered_types("a") == {"a", "ghost"}
    assert catalog.qualifying_types("a") == {"a"}


def test_catalog_round_trips() -> None:
    catalog = CertificationCatalog([t("a"), t("b", prerequisites=("a",), satisfies=("a",))])
    assert from_json(CertificationCatalog, to_json(catalog)) == catalog


def test_loading_a_catalog_reports_nested_paths() -> None:
    data = {
        "types": [
            {"id": "a", "name": "A", "validity": {"years": 1}},
            {"id": "b", "name": "B", "validity": {"years": 1}, "prerequisites": ["zz"]},
        ]
    }
    with pytest.raises(ValidationError) as err:
        from_dict(CertificationCatalog, data)
    assert err.value.paths == ("types[1].prerequisites[0]",)
