"""Compliance: who counts on a day, gaps, the forecast, and the award index."""

from __future__ import annotations

import datetime as dt

import pytest

from prmcore.certifications import (
    AwardIndex,
    CertificationAward,
    CertificationCatalog,
    CertificationRequirement,
    CertificationType,
    ComplianceLost,
    Duration,
    compliance,
    forecast_compliance_loss,
)
from prmcore.domain import Affiliation
from prmcore.errors import NotFoundError, ValidationError
from prmcore.events import DomainEvent
from prmcore.serialization import from_dict, to_dict

D = dt.date
CATALOG = CertificationCatalog(
    [
        CertificationType(
            "spec", "Security Specialist", validity=Duration(years=2), grace=Duration(days=30)
        ),  # type: ignore[arg-type]
        CertificationType(
            "expert", "Security Expert", validity=Duration(years=3), satisfies=("spec",)
        ),  # type: ignore[arg-type]
        CertificationType("sales", "Sales", validity=Duration(years=1)),  # type: ignore[arg-type]
    ]
)
SINCE = D(2020, 1, 1)
NEED_3_SPEC = CertificationRequirement("spec", 3)  # type: ignore[arg-type]
NEED_1_SALES = CertificationRequirement("sales")  # type: ignore[arg-type]


def award(
    award_id: str, person: str, type_id: str, earned: dt.date, expires: dt.date
) -> CertificationAward:
    return CertificationAward(award_id, person, type_id, earned, expires)  # type: ignore[arg-type]


def works(
    person: str, partner: str = "acme", start: dt.date = SINCE, end: dt.date | None = None
) -> Affiliation:
    return Affiliation(f"af-{person}-{partner}-{start}", person, partner, start, end)  # type: ignore[arg-type]


AWARDS = [
    award("a-1", "p-1", "spec", D(2025, 1, 1), D(2027, 1, 1)),  # held to 2027-01-31 with grace
    award("a-2", "p-2", "expert", D(2025, 6, 1), D(2028, 6, 1)),  # counts for spec
    award("a-3", "p-3", "spec", D(2025, 3, 1), D(2027, 3, 1)),
    award("a-3b", "p-3", "expert", D(2025, 3, 1), D(2028, 3, 1)),  # p-3 counts once
    award("a-4", "p-4", "spec", D(2025, 1, 1), D(2027, 1, 1)),  # p-4 works elsewhere
    award("a-5", "p-1", "sales", D(2026, 1, 1), D(2027, 1, 1)),
]
AFFILIATIONS = [works("p-1"), works("p-2"), works("p-3"), works("p-4", "globex")]


def test_report_counts_people_affiliated_on_the_day() -> None:
    report = compliance(
        "acme", [NEED_3_SPEC, NEED_1_SALES], AFFILIATIONS, AWARDS, CATALOG, D(2026, 6, 1)
    )
    assert report.compliant
    spec, sales = report.results
    assert spec.people == ("p-1", "p-2", "p-3")
    assert (spec.held, spec.required, spec.gap, spec.met) == (3, 3, 0, True)
    assert sales.people == ("p-1",)
    assert report.gaps == ()
    assert (report.partner_id, report.as_of) == ("acme", D(2026, 6, 1))


def test_grace_counts_as_held_and_then_the_gap_shows() -> None:
    in_grace = compliance("acme", [NEED_3_SPEC], AFFILIATIONS, AWARDS, CATALOG, D(2027, 1, 31))
    assert in_grace.results[0].people == ("p-1", "p-2", "p-3")
    lapsed = compliance("acme", [NEED_3_SPEC], AFFILIATIONS, AWARDS, CATALOG, D(2027, 2, 1))
    assert not lapsed.compliant
    assert lapsed.results[0].people == ("p-2", "p-3")
    assert lapsed.results[0].gap == 1
    assert lapsed.gaps == lapsed.results


def test_a_person_leaving_removes_their_credit() -> None:
    left = [works("p-1", end=D(2026, 5, 31)), works("p-2"), works("p-3")]
    report = compliance("acme", [NEED_3_SPEC], left, AWARDS, CATALOG, D(2026, 6, 1))
    assert report.results[0].people == ("p-2", "p-3")
    moved = [*left, works("p-1", "globex", start=D(2026, 6, 1))]
    globex = compliance(
        "globex", [CertificationRequirement("spec", 1)], moved, AWARDS, CATALOG, D(2026, 6, 1)
    )  # type: ignore[arg-type]
    assert globex.results[0].people == ("p-1",)


def test_no_requirements_is_compliant() -> None:
    assert compliance("acme", [], AFFILIATIONS, AWARDS, CATALOG, D(2026, 6, 1)).compliant


def test_index_is_reused_and_equals_the_plain_awards() -> None:
    index = AwardIndex(AWARDS, CATALOG)
    assert len(index) == len(AWARDS)
    assert index.catalog is CATALOG
    for day in (D(2025, 1, 1), D(2026, 6, 1), D(2027, 2, 1), D(2028, 1, 1)):
        with_index = compliance("acme", [NEED_3_SPEC], AFFILIATIONS, index, CATALOG, day)
        plain = compliance("acme", [NEED_3_SPEC], AFFILIATIONS, AWARDS, CATALOG, day)
        assert with_index == plain
    equal_catalog = CertificationCatalog(list(CATALOG.types))
    assert compliance("acme", [], [], index, equal_catalog, D(2026, 1, 1)).compliant


def test_index_lookups() -> None:
    index = AwardIndex(AWARDS, CATALOG)
    assert [a.id for a in index.awards_for("p-3", "spec")] == ["a-3", "a-3b"]
    assert [a.id for a in index.held_awards("p-3", "spec", D(2027, 6, 1))] == ["a-3b"]
    assert index.holds("p-2", "spec", D(2028, 6, 1))
    assert not index.holds("p-2", "spec", D(2028, 6, 2))
    assert index.awards_for("nobody", "spec") == ()
    assert index.held_spans("p-3", "spec") == [(D(2025, 3, 1), D(2028, 3, 1))]
    with pytest.raises(NotFoundError):
        index.holds("p-1", "ghost", D(2026, 1, 1))


def test_held_spans_merge_touching_and_keep_gaps() -> None:
    awards = [
        award("1", "p", "spec", D(2020, 1, 1), D(2021, 1, 1)),  # held to 2021-01-31
        award("2", "p", "sales", D(2020, 1, 1), D(2020, 6, 1)),
        award("3", "p", "spec", D(2021, 2, 1), D(2021, 3, 1)),  # touches: merged
        award("4", "p", "expert", D(2021, 1, 1), D(2021, 2, 15)),  # inside: merged
        award("5", "p", "spec", D(2022, 1, 1), D(2022, 2, 1)),  # a gap
    ]
    index = AwardIndex(awards, CATALOG)
    assert index.held_spans("p", "spec") == [
        (D(2020, 1, 1), D(2021, 3, 31)),
        (D(2022, 1, 1), D(2022, 3, 3)),
    ]


def test_grace_beyond_the_calendar_is_clamped() -> None:
    index = AwardIndex([award("z", "p", "spec", D(9999, 1, 1), D(9999, 12, 30))], CATALOG)
    assert index.held_spans("p", "spec") == [(D(9999, 1, 1), D.max)]


# -- forecast ----------------------------------------------------------------------------------


def test_forecast_is_the_day_after_the_first_needed_credit_runs_out() -> None:
    # p-1's spec is held to 2027-01-31 (grace), so on 2027-02-01 only two remain.
    day = forecast_compliance_loss(
        "acme", [NEED_3_SPEC], AFFILIATIONS, AWARDS, CATALOG, D(2026, 6, 1)
    )
    assert day == D(2027, 2, 1)
    assert not compliance("acme", [NEED_3_SPEC], AFFILIATIONS, AWARDS, CATALOG, day).compliant
    assert compliance(
        "acme", [NEED_3_SPEC], AFFILIATIONS, AWARDS, CATALOG, day - dt.timedelta(days=1)
    ).compliant


def test_forecast_takes_the_earliest_requirement_and_affiliation_ends() -> None:
    for requirements in ([NEED_3_SPEC, NEED_1_SALES], [NEED_1_SALES, NEED_3_SPEC]):
        assert forecast_compliance_loss(
            "acme", requirements, AFFILIATIONS, AWARDS, CATALOG, D(2026, 6, 1)
        ) == D(2027, 1, 2)
    requirements = [NEED_3_SPEC, NEED_1_SALES]
    assert forecast_compliance_loss(
        "acme", requirements, AFFILIATIONS, AWARDS, CATALOG, D(2026, 6, 1)
    ) == D(2027, 1, 2)
    leaving = [works("p-1"), works("p-2", end=D(2026, 9, 30)), works("p-3")]
    assert forecast_compliance_loss(
        "acme", [NEED_3_SPEC], leaving, AWARDS, CATALOG, D(2026, 6, 1)
    ) == D(2026, 10, 1)


def test_forecast_counts_future_awards_and_affiliations() -> None:
    awards = [*AWARDS, award("a-6", "p-6", "spec", D(2027, 1, 15), D(2029, 1, 15))]
    affiliations = [*AFFILIATIONS, works("p-6", start=D(2026, 12, 1))]
    # p-6 replaces p-1 before p-1's credit runs out; then p-3's expert ends on 2028-03-01.
    assert forecast_compliance_loss(
        "acme", [NEED_3_SPEC], affiliations, awards, CATALOG, D(2026, 6, 1)
    ) == D(2028, 3, 2)


def test_forecast_when_already_out_and_edge_cases() -> None:
    need_5 = [CertificationRequirement("spec", 5)]  # type: ignore[arg-type]
    assert forecast_compliance_loss(
        "acme", need_5, AFFILIATIONS, AWARDS, CATALOG, D(2026, 6, 1)
    ) == D(2026, 6, 2)
    assert (
        forecast_compliance_loss("acme", [], AFFILIATIONS, AWARDS, CATALOG, D(2026, 6, 1)) is None
    )
    assert forecast_compliance_loss("acme", need_5, AFFILIATIONS, AWARDS, CATALOG, D.max) is None
    forever = [award("f", "p-1", "spec", D(2020, 1, 1), D.max)]
    one = [CertificationRequirement("spec", 1)]  # type: ignore[arg-type]
    assert (
        forecast_compliance_loss("acme", one, [works("p-1")], forever, CATALOG, D(2026, 1, 1))
        is None
    )
    past = [works("p-1", end=D(2025, 12, 31))]
    assert forecast_compliance_loss("acme", one, past, forever, CATALOG, D(2026, 1, 1)) == D(
        2026, 1, 2
    )


def test_forecast_ignores_credit_that_ended_before_as_of() -> None:
    awards = [
        award("old", "p-1", "sales", D(2020, 1, 1), D(2021, 1, 1)),
        award("new", "p-1", "sales", D(2026, 1, 1), D(2027, 1, 1)),
    ]
    one = [NEED_1_SALES]
    assert forecast_compliance_loss(
        "acme", one, [works("p-1")], awards, CATALOG, D(2026, 6, 1)
    ) == D(2027, 1, 2)


# -- bad input ---------------------------------------------------------------------------------


def test_bad_input_is_reported_with_paths() -> None:
    ghost_award = award("g", "p-1", "ghost", D(2026, 1, 1), D(2027, 1, 1))
    with pytest.raises(ValidationError) as err:
        compliance(
            "",
            [CertificationRequirement("ghost"), "x"],  # type: ignore[arg-type, list-item]
            [works("p-1"), "y"],  # type: ignore[list-item]
            [ghost_award, "z"],  # type: ignore[list-item]
            CATALOG,
            "2026-01-01",  # type: ignore[arg-type]
        )
    assert err.value.paths == (
        "partner_id",
        "as_of",
        "requirements[0].type_id",
        "requirements[1]",
        "affiliations[1]",
        "awards[0].type_id",
        "awards[1]",
    )
    with pytest.raises(ValidationError) as err:
        compliance("acme", [], [], [], "catalog", D(2026, 1, 1))  # type: ignore[arg-type]
    assert err.value.paths == ("catalog",)
    with pytest.raises(ValidationError) as err:
        AwardIndex([], "catalog")  # type: ignore[arg-type]
    assert err.value.paths == ("catalog",)
    other = CertificationCatalog([CertificationType("spec", "S", validity=Duration(years=1))])  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as err:
        forecast_compliance_loss("acme", [], [], AwardIndex([], CATALOG), other, D(2026, 1, 1))
    assert err.value.paths == ("awards",)


def test_requirement_validation() -> None:
    with pytest.raises(ValidationError) as err:
        CertificationRequirement("bad id", 0)  # type: ignore[arg-type]
    assert err.value.paths == ("type_id", "min_people")


def test_evaluation_does_not_change_inputs() -> None:
    awards, affiliations, requirements = list(AWARDS), list(AFFILIATIONS), [NEED_3_SPEC]
    snapshot = (list(awards), list(affiliations), list(requirements), CATALOG)
    compliance("acme", requirements, affiliations, awards, CATALOG, D(2026, 6, 1))
    forecast_compliance_loss("acme", requirements, affiliations, awards, CATALOG, D(2026, 6, 1))
    assert (awards, affiliations, requirements, CATALOG) == snapshot


def test_calendar_grace_in_the_index() -> None:
    monthly = CertificationCatalog(
        [CertificationType("spec", "S", validity=Duration(years=1), grace=Duration(months=1))]  # type: ignore[arg-type]
    )
    awards = [
        award("1", "p", "spec", D(2026, 1, 31), D(2027, 1, 31)),
        award("2", "q", "spec", D(2026, 1, 31), D(2027, 1, 31)),  # same expiry: cached
        award("3", "r", "spec", D(9999, 1, 1), D(9999, 12, 15)),
    ]
    index = AwardIndex(awards, monthly)
    assert index.held_spans("p", "spec") == [(D(2026, 1, 31), D(2027, 2, 28))]
    assert index.held_spans("q", "spec") == [(D(2026, 1, 31), D(2027, 2, 28))]
    assert index.held_spans("r", "spec") == [(D(9999, 1, 1), D.max)]


def test_compliance_lost_event_lists_the_gaps() -> None:
    report = compliance(
        "acme", [NEED_3_SPEC, NEED_1_SALES], AFFILIATIONS, AWARDS, CATALOG, D(2027, 2, 1)
    )
    assert not report.compliant
    at = dt.datetime(2027, 2, 1, 6, tzinfo=dt.UTC)
    event = ComplianceLost.for_report(report, level_id="gold", id="evt-1", occurred_at=at)
    assert event.name == "ComplianceLost"
    assert (event.partner_id, event.as_of, event.level_id) == ("acme", D(2027, 2, 1), "gold")
    assert event.gaps == (("spec", 2, 3), ("sales", 0, 1))
    assert from_dict(DomainEvent, to_dict(event)) == event
    bare = ComplianceLost.for_report(report, id="evt-2", occurred_at=at)
    assert bare.level_id is None
    with pytest.raises(ValidationError) as caught:
        ComplianceLost("evt-3", at, {"partner_id": "acme"})
    assert caught.value.paths == ("payload.as_of", "payload.gaps")
