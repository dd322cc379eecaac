"""Explanations: complete (no short-circuit), with the values seen and readable notes."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal

import pytest

from prmcore.domain import Lead, Location, PartnerStatus
from prmcore.rules import (
    ALWAYS,
    NEVER,
    Condition,
    Explanation,
    Leaf,
    explain,
    field,
)

UTC = dt.UTC


class Shape(enum.Enum):
    ROUND = (1, "round")


LEAD = Lead(
    id="l-1",
    company_name="Brauerei Beispiel GmbH",
    location=Location("DE", postal_code="80331"),
    received_at=dt.datetime(2024, 5, 1, 9, tzinfo=UTC),
    employees=20,
    product_lines=("vpn",),
)

TERRITORY = (
    field("location.country").is_in({"DE", "AT"})
    & field("location.postal_code").starts_with("80", "8")
    & field("employees").between(50, 500)
    & ~field("industry").eq("gov")
)


class TestExplain:
    def test_render(self) -> None:
        assert TERRITORY.explain(LEAD).render() == "\n".join(
            [
                "✗ all: 3 of 4 held",
                "  ✓ location.country in ['AT', 'DE']: seen 'DE'",
                "  ✓ location.postal_code starts with any of ['8', '80']: seen '80331'; "
                "matched prefix '80'",
                "  ✗ 50 <= employees <= 500: seen 20",
                "  ✓ not: the inner condition did not hold",
                "    ✗ industry == 'gov': no value (None)",
            ]
        )

    def test_render_indent(self) -> None:
        text = (~field("a").exists()).explain({}).render(indent="....")
        assert (
            text
            == "✓ not: the inner condition did not hold\n....✗ a exists: not found on the record"
        )

    def test_every_child_is_evaluated(self) -> None:
        rule = field("a").eq(1) & field("b").eq(2) & field("c").eq(3)
        result = rule.explain({"a": 0, "b": 2, "c": 0})
        assert [child.verdict for child in result.children] == [False, True, False]
        alternatives = field("a").eq(1) | field("b").eq(2)
        result = alternatives.explain({"a": 1, "b": 2})
        assert [child.verdict for child in result.children] == [True, True]
        assert result.note == "2 of 2 held"

    def test_leaves(self) -> None:
        result = TERRITORY.explain(LEAD)
        assert [str(leaf.condition) for leaf in result.leaves() if not leaf.verdict] == [
            "50 <= employees <= 500",
            "industry == 'gov'",
        ]

    def test_empty_groups(self) -> None:
        assert ALWAYS.explain({}).render() == "✓ always: holds (no conditions)"
        assert NEVER.explain({}).render() == "✗ never: fails (no alternatives)"

    def test_function_form(self) -> None:
        assert explain(TERRITORY, LEAD) == TERRITORY.explain(LEAD)

    def test_foreign_object(self) -> None:
        with pytest.raises(TypeError):
            explain("x", {})  # type: ignore[arg-type]


def note(rule: Condition, record: object) -> str:
    result = rule.explain(record)
    assert isinstance(result.condition, Leaf)
    assert result.verdict is rule.evaluate(record)
    return result.note


class TestNotes:
    def test_missing(self) -> None:
        assert note(field("x").eq(1), {}) == "not found on the record"
        assert note(field("x").eq(1), {"x": None}) == "no value (None)"
        assert note(field("x").eq("a"), {"x": ""}) == "empty: counts as a missing value"
        assert note(field("x").contains("a"), {"x": ()}) == "empty: counts as a missing value"
        assert note(field("x").exists(), {"x": 0}) == ""

    def test_not_comparable(self) -> None:
        assert note(field("x").eq(1), {"x": "1"}) == (
            "not comparable: the rule compares number values, the record has str '1'"
        )
        assert note(field("x").lt(dt.date(2024, 1, 1)), {"x": "2023"}) == (
            "not comparable: the rule compares date values, the record has str '2023'"
        )
        assert note(field("x").is_in({"a"}), {"x": ("a",)}) == (
            "not comparable: the rule compares str values, the record has several values (tuple)"
        )
        assert note(field("x").starts_with("8"), {"x": 80331}) == (
            "not comparable: the rule tests text, the record has int 80331"
        )
        assert note(field("x").contains("a"), {"x": "abc"}) == (
            "not comparable: the rule needs several values, the record has str 'abc'"
        )

    def test_comparable_without_note(self) -> None:
        assert note(field("x").eq(1), {"x": 2}) == ""
        assert note(field("x").between(1, 2), {"x": Decimal("1.5")}) == ""
        assert note(field("x").not_in({"a"}), {"x": "b"}) == ""

    def test_prefixes(self) -> None:
        rule = field("x").starts_with("8", "80", "803")
        assert note(rule, {"x": "80331"}) == "matched prefix '803'"
        assert note(rule, {"x": "70173"}) == ""

    def test_contains(self) -> None:
        assert note(field("x").contains("a", "b"), {"x": ["b", "c"]}) == "found 'b'"
        assert note(field("x").contains("a", "b"), {"x": ["c"]}) == "found none of them"
        assert note(field("x").contains_all("a", "b", "c"), {"x": ["b"]}) == "lacks 'a', 'c'"
        assert note(field("x").contains_all("a", "b"), {"x": ["b", "a"]}) == "found 'a', 'b'"


class TestToDict:
    def test_shape(self) -> None:
        result = TERRITORY.explain(LEAD).to_dict()
        assert result["verdict"] is False
        assert result["note"] == "3 of 4 held"
        assert result["all"][1] == {
            "field": "location.postal_code",
            "op": "starts_with",
            "value": ["8", "80"],
            "verdict": True,
            "seen": "80331",
            "present": True,
            "note": "matched prefix '80'",
        }
        assert result["all"][3] == {
            "not": {
                "field": "industry",
                "op": "eq",
                "value": "gov",
                "verdict": False,
                "seen": None,
                "present": True,
                "note": "no value (None)",
            },
            "verdict": True,
            "note": "the inner condition did not hold",
        }

    @pytest.mark.parametrize(
        ("value", "seen"),
        [
            (Decimal("1.50"), "1.50"),
            (1.5, 1.5),
            (float("nan"), "nan"),
            (dt.date(2024, 1, 2), "2024-01-02"),
            (dt.datetime(2024, 1, 2, tzinfo=UTC), "2024-01-02T00:00:00+00:00"),
            (PartnerStatus.ACTIVE, "active"),
            (frozenset({"b", "a"}), ["a", "b"]),
            (("x", Decimal(1)), ["x", "1"]),
            ({"k": {1, 2}}, {"k": [1, 2]}),
            (Location("DE"), repr(Location("DE"))),
            (None, None),
            (True, True),
            (Shape.ROUND, [1, "round"]),
        ],
    )
    def test_values_seen_are_json_ready(self, value: object, seen: object) -> None:
        result = field("x").exists().explain({"x": value}).to_dict()
        assert result["seen"] == seen
        json.dumps(result)

    def test_absent(self) -> None:
        result = field("x").eq(1).explain({}).to_dict()
        assert result["seen"] is None
        assert result["present"] is False

    def test_whole_tree_is_json(self) -> None:
        rule = TERRITORY | (field("received_at").ge(dt.datetime(2024, 1, 1, tzinfo=UTC)))
        text = json.dumps(rule.explain(LEAD).to_dict())
        assert json.loads(text)["verdict"] is True


class TestSeenText:
    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (PartnerStatus.ACTIVE, "seen 'active'"),
            (Decimal("1.50"), "seen 1.50"),
            (dt.date(2024, 1, 2), "seen 2024-01-02"),
            (frozenset({"b", "a"}), "seen ['a', 'b']"),
            (("b", "a"), "seen ['b', 'a']"),
            (1.5, "seen 1.5"),
            ("x" * 100, "seen '" + "x" * 78 + "…"),
        ],
    )
    def test_values(self, value: object, text: str) -> None:
        line = field("x").exists().explain({"x": value}).render()
        assert line == f"✓ x exists: {text}"


def test_explanation_is_data() -> None:
    first = TERRITORY.explain(LEAD)
    assert first == TERRITORY.explain(LEAD)
    assert isinstance(first.children[0], Explanation)
