"""The program service on both shipped stores: certified headcounts from awards, eligibility,
the level policy with history and approval, compliance lost once per lapse, partners at risk;
a failure part-way through leaves storage as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prmcore.certifications import (
    CertificationAward,
    CertificationType,
    ComplianceLost,
    Duration,
)
from prmcore.certifications.service import CertificationService
from prmcore.domain import Affiliation, Partner, PartnerKind, PartnerStatus, Person
from prmcore.errors import InvalidTransition, NotFoundError, ValidationError
from prmcore.events import FixedClock, RecordingSink, SequentialIds
from prmcore.money import Money
from prmcore.periods import QuarterCalendar
from prmcore.repositories import (
    InMemoryStore,
    InMemoryUnitOfWork,
    SqliteStore,
    SqliteUnitOfWork,
    UnitOfWork,
)
from prmcore.tiers import LevelChanged, LevelChangePending, LevelPolicy, Program
from prmcore.tiers.service import CertifiedHeadcount, ProgramService

from .conftest import ladder, usd

D = dt.date
AT = dt.datetime(2026, 3, 31, 6, 0, tzinfo=dt.UTC)
MAR, APR, MAY = D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31)
UowFactory = Callable[[], UnitOfWork]
HEADCOUNT = CertifiedHeadcount("certified_security", "sec-spec")  # type: ignore[arg-type]
GOLD_METRICS = {"revenue": usd(300_000), "deals": 12}


@pytest.fixture(params=["memory", "sqlite"])
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UowFactory]:
    sink = RecordingSink()
    if request.param == "memory":
        memory = InMemoryStore()
        factory: UowFactory = lambda: InMemoryUnitOfWork(memory, sink)  # noqa: E731
        factory.sink = sink  # type: ignore[attr-defined]
        yield factory
    else:
        with SqliteStore(tmp_path / "prm.sqlite3") as store:
            factory = lambda: SqliteUnitOfWork(store, sink)  # noqa: E731
            factory.sink = sink  # type: ignore[attr-defined]
            yield factory


@pytest.fixture
def sink(uow_factory: UowFactory) -> RecordingSink:
    result: RecordingSink = uow_factory.sink  # type: ignore[attr-defined]
    return result


def seed(factory: UowFactory) -> None:
    """acme (active, not placed) with three people, two of them certified (one through the
    expert type); globex (active, at Gold) with one; initech (suspended)."""
    certs = CertificationService(factory, FixedClock(AT), SequentialIds("seed"))
    certs.add_types(
        [
            CertificationType("sec-spec", "Security Specialist", Duration(years=1)),  # type: ignore[arg-type]
            CertificationType(
                "sec-expert", "Security Expert", Duration(years=3), satisfies=["sec-spec"]
            ),  # type: ignore[arg-type]
        ]
    )
    with factory() as uow:
        uow.partners.add_many(
            [
                Partner(id="acme", name="Acme", kind=PartnerKind.RESELLER, status="active"),  # type: ignore[arg-type]
                Partner(
                    id="globex",
                    name="Globex",
                    kind=PartnerKind.MSP,
                    status=PartnerStatus.ACTIVE,
                    program_level_id="gold",  # type: ignore[arg-type]
                ),
                Partner(id="initech", name="Initech", kind="msp", status="suspended"),  # type: ignore[arg-type]
            ]
        )
        for person in ("ann", "bob", "cy", "dee"):
            uow.people.add(Person(id=person, name=person.title()))  # type: ignore[arg-type]
        uow.affiliations.add_many(
            [
                Affiliation("f-1", "ann", "acme", D(2024, 1, 1)),  # type: ignore[arg-type]
                Affiliation("f-2", "bob", "acme", D(2024, 1, 1), end=D(2026, 4, 15)),  # type: ignore[arg-type]
                Affiliation("f-3", "cy", "acme", D(2024, 1, 1)),  # type: ignore[arg-type]
                Affiliation("f-4", "dee", "globex", D(2024, 1, 1)),  # type: ignore[arg-type]
            ]
        )
        uow.certification_awards.add_many(
            [
                CertificationAward("c-1", "ann", "sec-spec", D(2025, 6, 1), D(2026, 6, 1)),  # type: ignore[arg-type]
                CertificationAward("c-2", "bob", "sec-expert", D(2025, 1, 1), D(2028, 1, 1)),  # type: ignore[arg-type]
                CertificationAward("c-3", "dee", "sec-spec", D(2025, 9, 1), D(2026, 9, 1)),  # type: ignore[arg-type]
            ]
        )
        uow.commit()


def make(
    factory: UowFactory, policy: LevelPolicy | None = None, program: Program | None = None
) -> ProgramService:
    return ProgramService(
        factory,
        FixedClock(AT),
        SequentialIds("evt"),
        program or ladder(),
        policy or LevelPolicy(),
        [HEADCOUNT],
    )


def stored(factory: UowFactory) -> dict[str, list[Any]]:
    with factory() as uow:
        return {"partners": uow.partners.list(), "records": uow.level_records.list()}


# -- configuration --------------------------------------------------------------------------------


def test_headcounts_must_be_count_metrics_of_the_program(uow_factory: UowFactory) -> None:
    with pytest.raises(ValidationError) as caught:
        ProgramService(
            uow_factory,
            FixedClock(AT),
            SequentialIds(),
            ladder(),
            "policy",  # type: ignore[arg-type]
            [
                CertifiedHeadcount("nope", "sec-spec"),  # type: ignore[arg-type]
                CertifiedHeadcount("revenue", "sec-spec"),  # type: ignore[arg-type]
                HEADCOUNT,
                HEADCOUNT,
                "deals",
            ],
        )
    assert caught.value.paths == (
        "policy",
        "headcounts[0].metric_id",
        "headcounts[1].metric_id",
        "headcounts[3].metric_id",
        "headcounts[4]",
    )
    with pytest.raises(ValidationError) as caught:
        CertifiedHeadcount("bad id", "")  # type: ignore[arg-type]
    assert caught.value.paths == ("metric_id", "type_id")


def test_certification_requirements_of_a_level(uow_factory: UowFactory) -> None:
    service = make(uow_factory)
    assert [(r.type_id, r.min_people) for r in service.certification_requirements("gold")] == [
        ("sec-spec", 2)
    ]
    assert service.certification_requirements("silver") == []
    assert service.certification_requirements(None) == []
    assert service.certification_requirements("diamond") == []
    assert service.program.id == "pp"


# -- evaluation -----------------------------------------------------------------------------------


def test_headcounts_come_from_affiliated_certified_people(
    uow_factory: UowFactory, sink: RecordingSink
) -> None:
    seed(uow_factory)
    results = make(uow_factory).evaluate(MAR, {"acme": GOLD_METRICS, "globex": GOLD_METRICS})
    assert [r.partner_id for r in results] == ["acme", "globex"]  # initech is suspended
    acme, globex = results
    held = acme.report.level("gold").requirements[1]
    assert (held.metric_id, held.value, held.met) == ("certified_security", 2, True)
    assert acme.decision.kind.value == "promote"
    assert (acme.level_id, globex.level_id) == ("gold", "silver")
    assert globex.report.level("gold").requirements[1].value == 1
    assert globex.gap().sentence == "needs 1 more person certified in Security Specialist"
    assert acme.gap("platinum").sentence.startswith("needs 2 more people certified in")
    assert acme.gap() == acme.gap("platinum")  # the next level above Gold
    at_top = attrs.evolve(acme, level_id="platinum")
    assert (at_top.gap().level_id, at_top.gap().gaps, at_top.gap().sentence) == (None, (), "")
    # Held at Gold while qualifying only for Silver: the next level is still Platinum.
    held = attrs.evolve(globex, level_id="gold")
    assert held.gap().level_id == "platinum"
    assert [type(e) for e in sink.events] == [LevelChanged, LevelChanged]
    placed = sink.events[0]
    assert (placed.from_level, placed.to_level, placed.effective_on) == (None, "gold", MAR)  # type: ignore[attr-defined]
    after = stored(uow_factory)
    assert [p.program_level_id for p in after["partners"]] == ["gold", "silver", None]
    acme_record = after["records"][0]
    assert [(e.on, e.level_id) for e in acme_record.evaluations] == [(MAR, "gold")]
    assert [c.to_level for c in acme_record.history.changes] == ["gold"]


def test_a_person_leaving_or_a_lapse_loses_compliance_once(
    uow_factory: UowFactory, sink: RecordingSink
) -> None:
    seed(uow_factory)
    # Demotion only after three months below the level: compliance is lost before that.
    service = make(uow_factory, LevelPolicy(grace_months=3))
    service.evaluate(MAR, {"acme": GOLD_METRICS}, partner_ids=["acme"])
    sink.clear()
    april = service.evaluate(APR, {"acme": GOLD_METRICS}, partner_ids=["acme"])[0]
    assert (april.level_id, april.decision.kind.value) == ("gold", "hold")  # Bob left on 15 April
    assert (april.compliance.compliant, april.compliance.results[0].held) == (False, 1)
    (lost,) = sink.events
    assert isinstance(lost, ComplianceLost)
    assert (lost.partner_id, lost.level_id, lost.gaps) == ("acme", "gold", (("sec-spec", 1, 2),))
    sink.clear()
    service.evaluate(MAY, {"acme": GOLD_METRICS}, partner_ids=["acme"])
    assert sink.events == []  # still out of compliance: announced once
    with uow_factory() as uow:
        record = uow.level_records.get("acme")  # type: ignore[arg-type]
        assert record.compliant is False
        uow.certification_awards.add(
            CertificationAward("c-9", "cy", "sec-spec", D(2026, 5, 1), D(2026, 7, 1))  # type: ignore[arg-type]
        )
        uow.commit()
    again = service.evaluate(D(2026, 6, 1), {"acme": GOLD_METRICS}, partner_ids=["acme"])[0]
    assert again.compliance.compliant
    assert sink.events == []
    # Ann's certificate ran out on 1 June: a new lapse is announced again.
    service.evaluate(D(2026, 6, 2), {"acme": GOLD_METRICS}, partner_ids=["acme"])
    assert sink.names == ["ComplianceLost"]


def test_demotion_after_the_grace_period(uow_factory: UowFactory, sink: RecordingSink) -> None:
    seed(uow_factory)
    service = make(uow_factory, LevelPolicy(grace_months=1))
    for day in (MAR, APR, MAY):
        service.evaluate(day, {"acme": GOLD_METRICS}, partner_ids=["acme"])
    changes = [e for e in sink.events if isinstance(e, LevelChanged)]
    assert [(e.kind, e.to_level, e.effective_on) for e in changes] == [
        ("promote", "gold", MAR),
        ("demote", "silver", MAY),
    ]
    assert stored(uow_factory)["partners"][0].program_level_id == "silver"


def test_approval_pending_is_announced_once_and_applied_on_approval(
    uow_factory: UowFactory, sink: RecordingSink
) -> None:
    seed(uow_factory)
    service = make(uow_factory, LevelPolicy(approval_required=True))
    first = service.evaluate(MAR, {"acme": GOLD_METRICS}, partner_ids=["acme"])[0]
    assert (first.decision.kind.value, first.level_id) == ("pending", None)
    service.evaluate(D(2026, 4, 1), {"acme": GOLD_METRICS}, partner_ids=["acme"])
    assert sink.names == ["LevelChangePending"]
    pending = sink.events[0]
    assert isinstance(pending, LevelChangePending)
    assert (pending.to_level, pending.kind, pending.effective_on) == ("gold", "promote", MAR)
    change = service.approve("acme", "pat@vendor.example")
    assert (change.to_level, change.approved_by, change.effective_on) == (
        "gold",
        "pat@vendor.example",
        MAR,
    )
    assert sink.names == ["LevelChangePending", "LevelChanged"]
    assert sink.events[-1].approved_by == "pat@vendor.example"  # type: ignore[attr-defined]
    after = stored(uow_factory)
    assert after["partners"][0].program_level_id == "gold"
    assert after["records"][0].pending is None
    with pytest.raises(InvalidTransition):
        service.approve("acme", "pat@vendor.example")
    with pytest.raises(NotFoundError):
        service.approve("globex", "pat@vendor.example")  # never evaluated


def test_a_pending_change_lapses_when_no_longer_due(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    with uow_factory() as uow:
        acme = uow.partners.get("acme")  # type: ignore[arg-type]
        uow.partners.update(attrs.evolve(acme, program_level_id="silver"))  # type: ignore[arg-type]
        uow.commit()
    service = make(uow_factory, LevelPolicy(approval_required=True))
    service.evaluate(MAR, {"acme": GOLD_METRICS}, partner_ids=["acme"])
    assert stored(uow_factory)["records"][0].pending is not None
    silver = {"revenue": usd(60_000), "deals": 3}
    held = service.evaluate(APR, {"acme": silver}, partner_ids=["acme"])[0]
    assert held.decision.kind.value == "hold"  # back to Silver level: nothing is due
    assert stored(uow_factory)["records"][0].pending is None


def test_cadence_promotion_is_effective_at_the_quarter_start(
    uow_factory: UowFactory, sink: RecordingSink
) -> None:
    seed(uow_factory)
    service = make(uow_factory, LevelPolicy(promotion_cadence=QuarterCalendar()))
    with uow_factory() as uow:
        acme = uow.partners.get("acme")  # type: ignore[arg-type]
        uow.partners.update(attrs.evolve(acme, program_level_id="silver"))  # type: ignore[arg-type]
        uow.commit()
    assert service.evaluate(D(2026, 2, 15), {"acme": GOLD_METRICS}, partner_ids=["acme"])[
        0
    ].decision.kind.value == ("hold")
    service.evaluate(D(2026, 4, 2), {"acme": GOLD_METRICS}, partner_ids=["acme"])
    (changed,) = sink.events
    assert (changed.from_level, changed.to_level, changed.effective_on) == (  # type: ignore[attr-defined]
        "silver",
        "gold",
        D(2026, 4, 1),
    )


def test_bad_metrics_are_reported_with_paths_and_change_nothing(
    uow_factory: UowFactory, sink: RecordingSink
) -> None:
    seed(uow_factory)
    service = make(uow_factory)
    before = stored(uow_factory)
    cases = [
        ({"acme": {"certified_security": 5}}, ("metrics.acme.certified_security",)),
        ({"initech": {"deals": 1}}, ("metrics.initech",)),
        ({"acme": {"revenue": Money(5, "EUR")}}, ("metrics.acme.revenue",)),
        ({"acme": {"deals": -1}}, ("metrics.acme.deals",)),
        ({"acme": ["deals"]}, ("metrics.acme",)),
    ]
    for metrics, paths in cases:
        with pytest.raises(ValidationError) as caught:
            service.evaluate(MAR, metrics)  # type: ignore[arg-type]
        assert caught.value.paths == paths, metrics
    with pytest.raises(ValidationError) as caught:
        service.evaluate("2026-03-31", None)  # type: ignore[arg-type]
    assert caught.value.paths == ("as_of",)
    with pytest.raises(TypeError):
        service.evaluate(MAR, {"acme": {"revenue": 1.5}})  # type: ignore[dict-item]
    with pytest.raises(NotFoundError):
        service.evaluate(MAR, partner_ids=["nobody"])
    assert stored(uow_factory) == before
    assert sink.events == []


def test_a_failure_part_way_leaves_storage_unchanged(tmp_path: Path) -> None:
    """globex holds a level the program does not know: the call fails after acme's record and
    level were already written in the unit of work, and the SQLite file is as before."""
    sink = RecordingSink()
    with SqliteStore(tmp_path / "prm.sqlite3") as store:
        factory: UowFactory = lambda: SqliteUnitOfWork(store, sink)  # noqa: E731
        seed(factory)
        with factory() as uow:
            globex = uow.partners.get("globex")  # type: ignore[arg-type]
            uow.partners.update(attrs.evolve(globex, program_level_id="diamond"))  # type: ignore[arg-type]
            uow.commit()
        before = stored(factory)
        with pytest.raises(ValidationError) as caught:
            make(factory).evaluate(MAR, {"acme": GOLD_METRICS})
        assert caught.value.paths == ("partners.globex.current_level",)
        assert stored(factory) == before
        assert sink.events == []


def test_at_risk_forecasts_the_first_day_out_of_compliance(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    service = make(uow_factory, LevelPolicy(grace_months=6))
    # acme has no level yet, so nothing is required of it.
    assert [(r.partner_id, r.loses_on) for r in service.at_risk(MAR, 30)] == [
        ("globex", D(2026, 4, 1))
    ]
    service.evaluate(MAR, {"acme": GOLD_METRICS, "globex": GOLD_METRICS})
    with uow_factory() as uow:
        # Put globex back at Gold by hand: it is short of certified people already.
        globex = uow.partners.get("globex")  # type: ignore[arg-type]
        uow.partners.update(attrs.evolve(globex, program_level_id="gold"))  # type: ignore[arg-type]
        uow.commit()
    risks = service.at_risk(MAR, 30)
    assert [(r.partner_id, r.loses_on) for r in risks] == [
        ("globex", D(2026, 4, 1)),
        ("acme", D(2026, 4, 16)),  # Bob's last day is 15 April
    ]
    assert (risks[1].level_id, risks[1].report.compliant) == ("gold", True)
    assert service.at_risk(MAR, 10) == risks[:1]
    with pytest.raises(ValidationError) as caught:
        service.at_risk(MAR, -1)
    assert caught.value.paths == ("within_days",)


def test_without_headcounts_nobody_counts_as_certified(uow_factory: UowFactory) -> None:
    seed(uow_factory)
    service = ProgramService(uow_factory, FixedClock(AT), SequentialIds(), ladder(), LevelPolicy())
    (acme,) = service.evaluate(MAR, {"acme": GOLD_METRICS}, partner_ids=["acme"])
    gold = acme.report.level("gold").requirements[1]
    assert (gold.value, gold.supplied, acme.level_id) == (0, False, "silver")
    assert service.certification_requirements("gold") == []
    assert acme.compliance.compliant


# -- property: compliance is announced once per lapse ---------------------------------------------

_days = st.lists(st.integers(0, 900), min_size=1, max_size=8, unique=True).map(sorted)
_awards = st.lists(
    st.tuples(st.sampled_from(["ann", "bob", "cy"]), st.integers(0, 700), st.integers(30, 400)),
    max_size=6,
)


@settings(max_examples=30, deadline=None)
@given(_days, _awards)
def test_compliance_lost_once_per_lapse(days: list[int], held: list[tuple[str, int, int]]) -> None:
    """Over any sequence of evaluation days, ComplianceLost is published exactly when the
    partner is out of compliance and was not at the previous evaluation (or never checked)."""
    store, sink = InMemoryStore(), RecordingSink()
    factory: UowFactory = lambda: InMemoryUnitOfWork(store, sink)  # noqa: E731
    seed(factory)
    start = D(2025, 1, 1)
    with factory() as uow:
        uow.certification_awards.add_many(
            CertificationAward(  # type: ignore[arg-type]
                f"h-{i}",
                person,
                "sec-spec",
                start + dt.timedelta(days=earned),
                start + dt.timedelta(days=earned + length),
            )
            for i, (person, earned, length) in enumerate(held)
        )
        uow.commit()
    # Gold stays assigned (long grace), so its certification requirement applies throughout.
    service = make(factory, LevelPolicy(grace_months=1200))
    previous: bool | None = None
    for offset in days:
        sink.clear()
        (result,) = service.evaluate(
            start + dt.timedelta(days=offset), {"globex": GOLD_METRICS}, partner_ids=["globex"]
        )
        assert result.level_id in ("gold", "platinum")
        compliant = result.compliance.compliant
        lost = [e for e in sink.events if isinstance(e, ComplianceLost)]
        assert len(lost) == (0 if compliant or previous is False else 1)
        previous = compliant
    with factory() as uow:
        assert uow.level_records.get("globex").compliant is previous  # type: ignore[arg-type]
