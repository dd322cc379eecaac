"""Walking conditions, the fields they read, their conjuncts and their specificity."""

from __future__ import annotations

import pytest

from prmcore.rules import (
    ALWAYS,
    NEVER,
    Condition,
    In,
    StartsWith,
    conjuncts,
    field,
    fields,
    specificity,
    walk,
    walk_with_paths,
)

RULE = field("location.country").is_in({"DE"}) & (
    field("location.postal_code").starts_with("80") | ~field("industry").eq("gov")
)


def test_walk_is_depth_first_in_order() -> None:
    assert [str(node) for node in walk(RULE)] == [
        str(RULE),
        "location.country in ['DE']",
        "location.postal_code starts with '80' or not (industry == 'gov')",
        "location.postal_code starts with '80'",
        "not (industry == 'gov')",
        "industry == 'gov'",
    ]


def test_walk_with_paths_uses_the_dict_form_paths() -> None:
    assert [path for path, _ in walk_with_paths(RULE)] == [
        "",
        "all[0]",
        "all[1]",
        "all[1].any[0]",
        "all[1].any[1]",
        "all[1].any[1].not",
    ]
    assert [path for path, _ in walk_with_paths(field("a").eq(1), "coverage")] == ["coverage"]


def test_fields() -> None:
    assert fields(RULE) == {"location.country", "location.postal_code", "industry"}
    assert RULE.fields() == fields(RULE)
    assert fields(ALWAYS) == frozenset()


def test_conjuncts_pick_out_what_an_index_can_use() -> None:
    rule = (
        field("location.country").is_in({"DE", "AT"})
        & (field("location.postal_code").starts_with("80") & field("employees").ge(10))
        & (field("a").eq(1) | field("b").eq(2))
    )
    parts = conjuncts(rule)
    assert [type(part).__name__ for part in parts] == ["In", "StartsWith", "Compare", "AnyOf"]
    countries = next(p for p in parts if isinstance(p, In) and p.field == "location.country")
    assert countries.values == {"DE", "AT"}
    prefixes = next(p for p in parts if isinstance(p, StartsWith))
    assert prefixes.prefixes == {"80"}
    assert conjuncts(ALWAYS) == ()
    assert conjuncts(NEVER) == (NEVER,)
    leaf = field("a").eq(1)
    assert conjuncts(leaf) == (leaf,)


@pytest.mark.parametrize(
    ("condition", "score"),
    [
        (field("a").eq(1), 100),
        (field("a").ne(1), 0),
        (field("a").lt(1), 20),
        (field("a").le(1), 20),
        (field("a").gt(1), 20),
        (field("a").ge(1), 20),
        (field("a").is_in({1}), 100),
        (field("a").is_in({1, 2}), 99),
        (field("a").is_in(range(51)), 50),
        (field("a").is_in(range(500)), 50),
        (field("a").not_in({1}), 0),
        (field("a").contains("x"), 100),
        (field("a").contains("x", "y", "z"), 98),
        (field("a").contains_all("x", "y", "z"), 100),
        (field("a").starts_with("8"), 60),
        (field("a").starts_with("80"), 70),
        (field("a").starts_with("80", "8"), 60),
        (field("a").starts_with("80331"), 100),
        (field("a").starts_with("803310"), 100),
        (field("a").between(1, 2), 30),
        (field("a").exists(), 10),
        (~field("a").eq(1), 0),
        (ALWAYS, 0),
        (NEVER, 0),
        (field("a").eq(1) & field("b").starts_with("80"), 170),
        (field("a").eq(1) | field("b").starts_with("80"), 70),
    ],
)
def test_specificity(condition: Condition, score: int) -> None:
    assert specificity(condition) == score
    assert condition.specificity() == score


def test_more_specific_territories_score_higher() -> None:
    dach = field("location.country").is_in({"DE", "AT", "CH"})
    germany = field("location.country").eq("DE")
    munich = germany & field("location.postal_code").starts_with("80")
    assert specificity(munich) > specificity(germany) > specificity(dach)
