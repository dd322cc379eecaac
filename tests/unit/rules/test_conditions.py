"""Condition nodes: construction, validation with paths, combination, text form, data
behaviour (equality, hashing, pickling)."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal

import attrs
import pytest

from prmcore.domain import PartnerKind
from prmcore.errors import ValidationError
from prmcore.rules import (
    ALWAYS,
    NEVER,
    AllOf,
    AnyOf,
    Between,
    Bounds,
    Compare,
    CompareOp,
    Condition,
    Contains,
    ContainsMode,
    Exists,
    In,
    Leaf,
    Not,
    NotIn,
    StartsWith,
    field,
)

UTC = dt.UTC


def problems(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


class TestCompare:
    def test_op_is_accepted_by_name_and_kept_as_enum(self) -> None:
        rule = Compare("employees", "ge", 50)
        assert rule.op is CompareOp.GE
        assert rule.operator == "ge"
        assert rule.kind.value == "number"

    def test_every_problem_is_listed_with_its_path(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Compare("bad path!", "equals", None)  # type: ignore[arg-type]
        assert exc.value.paths == ("field", "op", "value")

    def test_ordering_a_boolean_is_refused(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Compare("active", "lt", True)
        assert problems(exc) == ["op: 'lt' needs an ordered value, not a bool"]

    def test_booleans_may_be_compared_for_equality(self) -> None:
        assert Compare("active", "ne", False).kind.value == "bool"

    def test_float_is_a_type_error_that_says_what_to_pass(self) -> None:
        with pytest.raises(TypeError, match="pass an int, a Decimal or a str"):
            Compare("revenue", "gt", 1.5)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("", "must not be empty"),
            ("x" * 1001, "at most 1000 characters"),
            (Decimal("NaN"), "finite"),
            (Decimal("Infinity"), "finite"),
            (dt.datetime(2024, 1, 1), "timezone-aware"),
            ([1], "unsupported value list"),
            (None, "None is not a value"),
        ],
    )
    def test_unusable_values(self, value: object, message: str) -> None:
        with pytest.raises(ValidationError, match=message) as exc:
            Compare("x", "eq", value)  # type: ignore[arg-type]
        assert exc.value.paths == ("value",)

    def test_enum_members_become_plain_values(self) -> None:
        rule = Compare("kind", "eq", PartnerKind.RESELLER)
        assert type(rule.value) is str
        assert rule == Compare("kind", "eq", "reseller")

    def test_text(self) -> None:
        assert str(Compare("a.b", "le", Decimal("1.50"))) == "a.b <= 1.50"
        assert str(Compare("d", "eq", dt.date(2024, 5, 1))) == "d == 2024-05-01"
        assert str(Compare("ok", "eq", True)) == "ok == true"


class TestSets:
    @pytest.mark.parametrize("cls", [In, NotIn])
    def test_values_become_a_frozenset(self, cls: type[In | NotIn]) -> None:
        rule = cls("country", ["DE", "AT", "DE"])
        assert rule.values == frozenset({"AT", "DE"})
        assert rule.kind.value == "str"

    @pytest.mark.parametrize("cls", [In, NotIn])
    def test_a_single_string_is_refused_not_split_into_letters(self, cls: type[In | NotIn]) -> None:
        with pytest.raises(ValidationError, match="must be a collection of values"):
            cls("country", "DE")

    def test_a_mapping_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="must be a collection"):
            In("country", {"DE": 1})

    def test_empty_set_is_refused(self) -> None:
        with pytest.raises(ValidationError) as exc:
            In("country", [])
        assert problems(exc) == ["value: must hold at least one value"]

    def test_mixed_kinds_are_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"one kind, got number \(1\), str \('DE'\)"):
            In("country", ["DE", 1])

    def test_bool_and_number_are_different_kinds(self) -> None:
        with pytest.raises(ValidationError, match="one kind"):
            In("x", [True, 2])

    def test_unhashable_value_is_reported_not_crashed_on(self) -> None:
        with pytest.raises(ValidationError) as exc:
            In("x", ["b", ["a"]])
        assert problems(exc) == [
            "value[1]: unsupported value list ['a']: use a str, int, Decimal, bool, date or "
            "timezone-aware datetime"
        ]

    def test_bad_value_names_the_value(self) -> None:
        with pytest.raises(ValidationError) as exc:
            In("x", ["a", ""])
        assert problems(exc) == [
            "value: '': must not be empty (an empty string counts as a missing value, never a "
            "match)"
        ]

    def test_none_is_reported_once(self) -> None:
        with pytest.raises(ValidationError) as exc:
            In("x", [None])
        assert problems(exc)[0].startswith("value: None is not a value")

    def test_naive_and_aware_datetimes_in_one_set(self) -> None:
        with pytest.raises(ValidationError, match="must be timezone-aware"):
            In("x", [dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 1, 2)])

    def test_float_in_a_set(self) -> None:
        with pytest.raises(TypeError, match="float"):
            In("x", [1, 2.5])

    def test_not_a_collection(self) -> None:
        with pytest.raises(ValidationError, match="got int 5"):
            NotIn("x", 5)  # type: ignore[arg-type]

    def test_text_is_sorted_and_cut_short(self) -> None:
        assert str(In("c", {"DE", "AT"})) == "c in ['AT', 'DE']"
        assert str(NotIn("n", range(12))) == "n not in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … (+2 more)]"


class TestBetween:
    def test_defaults_to_closed(self) -> None:
        rule = Between("employees", 50, 500)
        assert rule.bounds is Bounds.CLOSED
        assert rule.bounds.low_inclusive
        assert rule.bounds.high_inclusive
        assert str(rule) == "50 <= employees <= 500"

    def test_bounds_notation(self) -> None:
        assert str(Between("x", 1, 2, "(]")) == "1 < x <= 2"
        assert str(Between("x", 1, 2, "[)")) == "1 <= x < 2"
        assert str(Between("x", 1, 2, Bounds.OPEN)) == "1 < x < 2"

    def test_high_below_low(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Between("x", 5, 1)
        assert problems(exc) == ["high: must not be below low (5), got 1"]

    def test_empty_open_range(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Between("x", 5, 5, "(]")
        assert problems(exc) == ["bounds: the range (5, 5] is empty: use '[]' or eq"]

    def test_single_point_closed_range_is_fine(self) -> None:
        assert Between("x", 5, 5).low == 5

    def test_kinds_must_match(self) -> None:
        with pytest.raises(ValidationError, match="same kind as low"):
            Between("x", 1, "9")

    def test_booleans_have_no_range(self) -> None:
        with pytest.raises(ValidationError, match="ordered values"):
            Between("x", False, True)

    def test_bad_ends_and_bounds_all_reported(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Between("x", None, "", "[[")  # type: ignore[arg-type]
        assert set(exc.value.paths) == {"bounds", "low", "high"}

    def test_mixed_int_and_decimal(self) -> None:
        rule = Between("x", 1, Decimal("1.5"))
        assert rule.kind.value == "number"

    def test_dates(self) -> None:
        rule = Between("d", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        assert str(rule) == "2024-01-01 <= d <= 2024-12-31"


class TestStartsWithAndContains:
    def test_single_prefix_string(self) -> None:
        rule = StartsWith("postal_code", "80")
        assert rule.prefixes == frozenset({"80"})
        assert str(rule) == "postal_code starts with '80'"
        assert rule.shortest == 2

    def test_several_prefixes(self) -> None:
        rule = StartsWith("postal_code", ["803", "8"])
        assert rule.shortest == 1
        assert str(rule) == "postal_code starts with any of ['8', '803']"

    def test_prefixes_must_be_text(self) -> None:
        with pytest.raises(ValidationError) as exc:
            StartsWith("postal_code", [80])
        assert problems(exc) == ["value: prefixes must be strings, got [80]"]

    def test_no_prefixes(self) -> None:
        with pytest.raises(ValidationError, match="at least one prefix"):
            StartsWith("postal_code", [])

    def test_contains(self) -> None:
        rule = Contains("product_lines", "vpn")
        assert rule.values == frozenset({"vpn"})
        assert rule.mode is ContainsMode.ANY
        assert str(rule) == "product_lines contains 'vpn'"
        both = Contains("product_lines", ["vpn", "fw"], "all")
        assert str(both) == "product_lines contains all of ['fw', 'vpn']"
        assert str(Contains("p", [1, 2])) == "p contains any of [1, 2]"

    def test_contains_mode(self) -> None:
        with pytest.raises(ValidationError) as exc:
            Contains("p", "x", "most")  # type: ignore[arg-type]
        assert exc.value.paths == ("mode",)

    def test_exists(self) -> None:
        assert str(Exists("domain")) == "domain exists"
        assert Exists("domain").operator == "exists"
        with pytest.raises(ValidationError):
            Exists("")


class TestPaths:
    @pytest.mark.parametrize(
        "path",
        ["__class__", "a.__dict__", "_private", "a..b", "a.", ".a", "a b", "a[0]", "é", 5],
    )
    def test_not_field_paths(self, path: object) -> None:
        with pytest.raises(ValidationError) as exc:
            Exists(path)  # type: ignore[arg-type]
        assert exc.value.paths == ("field",)

    @pytest.mark.parametrize("path", ["a", "location.postal_code", "custom-fields.x_1", "2fa"])
    def test_field_paths(self, path: str) -> None:
        assert Exists(path).field == path

    def test_limits(self) -> None:
        with pytest.raises(ValidationError, match="at most 200 characters"):
            Exists("a" * 201)
        with pytest.raises(ValidationError, match="at most 16 parts"):
            Exists(".".join("a" * 17))


class TestGroups:
    def test_and_or_flatten(self) -> None:
        a, b, c = field("a").eq(1), field("b").eq(2), field("c").eq(3)
        assert a & b & c == AllOf((a, b, c))
        assert a | b | c == AnyOf((a, b, c))
        assert (a & b) | c == AnyOf((AllOf((a, b)), c))
        assert a & (b | c) == AllOf((a, AnyOf((b, c))))

    def test_precedence_follows_python(self) -> None:
        a, b, c = field("a").eq(1), field("b").eq(2), field("c").eq(3)
        assert a & b | ~c == AnyOf((AllOf((a, b)), Not(c)))

    def test_invert(self) -> None:
        a = field("a").eq(1)
        assert ~a == Not(a)
        assert ~~a == a

    def test_combining_with_something_else(self) -> None:
        a = field("a").eq(1)
        with pytest.raises(TypeError):
            a & True  # type: ignore[operator]
        with pytest.raises(TypeError):
            a | "b"  # type: ignore[operator]

    def test_no_truth_value(self) -> None:
        with pytest.raises(TypeError, match="no truth value"):
            bool(field("a").eq(1))
        with pytest.raises(TypeError):
            field("a").eq(1) and field("b").eq(2)

    def test_children_must_be_conditions(self) -> None:
        with pytest.raises(ValidationError) as exc:
            AllOf([field("a").eq(1), "b"])  # type: ignore[list-item]
        assert exc.value.paths == ("all[1]",)
        with pytest.raises(ValidationError) as exc:
            AnyOf(("x",))  # type: ignore[arg-type]
        assert exc.value.paths == ("any[0]",)
        with pytest.raises(ValidationError) as exc:
            Not("x")  # type: ignore[arg-type]
        assert exc.value.paths == ("not",)

    def test_list_is_kept_as_tuple(self) -> None:
        assert AllOf([field("a").eq(1)]).conditions == (field("a").eq(1),)

    def test_always_and_never(self) -> None:
        assert AllOf(()) == ALWAYS
        assert AnyOf(()) == NEVER
        assert str(ALWAYS) == "always"
        assert str(NEVER) == "never"
        assert ALWAYS.evaluate(object())
        assert not NEVER.evaluate(object())

    def test_text(self) -> None:
        a, b, c = field("a").eq(1), field("b").eq(2), field("c").eq(3)
        assert str(a & (b | c)) == "a == 1 and (b == 2 or c == 3)"
        assert str(~(a & b)) == "not (a == 1 and b == 2)"
        assert str((a & b) | ~c) == "(a == 1 and b == 2) or not (c == 3)"
        assert str(AllOf((AnyOf((a,)), b))) == "a == 1 and b == 2"

    def test_children(self) -> None:
        a, b = field("a").eq(1), field("b").eq(2)
        assert (a & b).children == (a, b)
        assert (a | b).children == (a, b)
        assert Not(a).children == (a,)
        assert a.children == ()


class TestData:
    RULE = (
        field("location.country").is_in({"DE", "AT"})
        & field("employees").between(50, 500, bounds="[)")
        & ~field("industry").eq("gov")
        & field("product_lines").contains("vpn", "fw", mode="all")
        & field("postal_code").starts_with("80")
        & field("created").gt(dt.datetime(2024, 1, 1, tzinfo=UTC))
        & field("domain").exists()
    )

    def test_frozen(self) -> None:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            self.RULE.conditions = ()  # type: ignore[misc]

    def test_equal_and_hashable(self) -> None:
        other = copy.deepcopy(self.RULE)
        assert other == self.RULE
        assert hash(other) == hash(self.RULE)
        assert len({self.RULE, other}) == 1

    def test_pickles_even_after_compiling(self) -> None:
        self.RULE.compile()
        restored = pickle.loads(pickle.dumps(self.RULE))
        assert restored == self.RULE
        assert restored.evaluate({}) is False

    def test_evolve_validates(self) -> None:
        leaf = field("employees").between(50, 500)
        with pytest.raises(ValidationError):
            attrs.evolve(leaf, high=10)

    def test_compile_is_cached(self) -> None:
        leaf = field("a").eq(1)
        assert leaf.compile() is leaf.compile()

    def test_base_classes_cannot_be_built(self) -> None:
        with pytest.raises(TypeError, match="cannot be built directly"):
            Condition()
        with pytest.raises(TypeError, match="cannot be built directly"):
            Leaf()
