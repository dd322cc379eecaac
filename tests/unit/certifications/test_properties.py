"""Property tests (hypothesis) for certifications (ARCHITECTURE.md §4, "Certifications and
program tiers"): status only moves forward, renewal never shortens validity, month arithmetic
clamps, reminders are produced once, compliance and its forecast agree."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from prmcore.certifications import (
    AwardIndex,
    CertificationAward,
    CertificationCatalog,
    CertificationRequirement,
    CertificationStatus,
    CertificationType,
    Duration,
    RenewalAnchor,
    RenewalPolicy,
    RenewalRefused,
    award_dates,
    compliance,
    earn,
    forecast_compliance_loss,
    reminders_due,
    renew,
    status,
)
from prmcore.domain import Affiliation
from prmcore.periods import month_end
from prmcore.serialization import from_json, to_json

ORDER = list(CertificationStatus)
ONE_DAY = dt.timedelta(days=1)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))
durations = st.builds(
    Duration, years=st.integers(0, 4), months=st.integers(0, 24), days=st.integers(0, 400)
)
validities = durations.filter(lambda d: not d.is_zero)


@st.composite
def certification_types(draw: st.DrawFn, type_id: str = "spec") -> CertificationType:
    return CertificationType(
        type_id,  # type: ignore[arg-type]
        "Specialist",
        validity=draw(validities),
        renewal_window=draw(durations),
        renewal_anchor=draw(st.sampled_from(list(RenewalAnchor))),
        grace=draw(st.sampled_from([Duration(), Duration(days=30), Duration(months=2)])),
        reminder_days=tuple(draw(st.sets(st.integers(1, 400), max_size=4))),
    )


@st.composite
def awards_of(draw: st.DrawFn, ctype: CertificationType) -> CertificationAward:
    earned = draw(days)
    return earn("p-1", ctype.id, earned, [], CertificationCatalog([ctype]), "a-1")


@given(certification_types().flatmap(lambda t: st.tuples(st.just(t), awards_of(t))), days, days)
def test_without_renewal_status_only_moves_forward(
    pair: tuple[CertificationType, CertificationAward], first: dt.date, second: dt.date
) -> None:
    ctype, award = pair
    early, late = sorted((first, second))
    assert ORDER.index(status(award, ctype, early)) <= ORDER.index(status(award, ctype, late))


@given(certification_types().flatmap(lambda t: st.tuples(st.just(t), awards_of(t))))
def test_status_boundaries(pair: tuple[CertificationType, CertificationAward]) -> None:
    ctype, award = pair
    dates = award_dates(award, ctype)
    assert status(award, ctype, award.earned_on) in (
        CertificationStatus.ACTIVE,
        CertificationStatus.EXPIRING,
    )
    assert status(award, ctype, award.expires_on) is CertificationStatus.EXPIRING  # inclusive
    assert status(award, ctype, dates.grace_ends_on + ONE_DAY) is CertificationStatus.EXPIRED
    assert status(award, ctype, award.earned_on - ONE_DAY) is CertificationStatus.PENDING


@given(
    certification_types().flatmap(lambda t: st.tuples(st.just(t), awards_of(t))),
    st.integers(0, 2000),
)
def test_renewal_never_shortens_validity(
    pair: tuple[CertificationType, CertificationAward], after: int
) -> None:
    ctype, award = pair
    completed = award.earned_on + dt.timedelta(days=after)
    renewed = renew(award, ctype, completed, RenewalPolicy(allow_late_renewal=True))
    assert renewed.expires_on >= award.expires_on
    assert renewed.expires_on >= completed
    late = status(award, ctype, completed) is CertificationStatus.EXPIRED
    if ctype.renewal_anchor is RenewalAnchor.EXPIRY and not late:
        assert renewed.expires_on == ctype.validity.after(award.expires_on)
    assert award.history == ()  # the input is unchanged
    assert renewed.history[-1].previous_expires_on == award.expires_on


@given(certification_types(), days, st.integers(0, 3000))
def test_late_renewal_is_refused_by_default(
    ctype: CertificationType, earned: dt.date, after: int
) -> None:
    award = earn("p-1", ctype.id, earned, [], CertificationCatalog([ctype]), "a-1")
    completed = award.earned_on + dt.timedelta(days=after)
    expired = status(award, ctype, completed) is CertificationStatus.EXPIRED
    try:
        renew(award, ctype, completed)
    except RenewalRefused:
        assert expired
    else:
        assert not expired


@given(days, st.integers(1, 60))
def test_month_arithmetic_clamps(earned: dt.date, months: int) -> None:
    expires = Duration(months=months).after(earned)
    assert (expires.year * 12 + expires.month) - (earned.year * 12 + earned.month) == months
    assert expires.day == min(earned.day, month_end(expires).day)


@given(certification_types().flatmap(lambda t: st.tuples(st.just(t), awards_of(t))))
def test_types_and_awards_round_trip(pair: tuple[CertificationType, CertificationAward]) -> None:
    ctype, award = pair
    renewed = renew(award, ctype, award.expires_on, RenewalPolicy())
    assert from_json(CertificationType, to_json(ctype)) == ctype
    assert from_json(CertificationAward, to_json(renewed)) == renewed


@given(
    certification_types().flatmap(lambda t: st.tuples(st.just(t), awards_of(t))),
    st.lists(st.integers(1, 400), min_size=1, max_size=8),
)
def test_partitioned_windows_yield_each_reminder_once(
    pair: tuple[CertificationType, CertificationAward], cuts: list[int]
) -> None:
    ctype, award = pair
    catalog = CertificationCatalog([ctype])
    start = award.earned_on - dt.timedelta(days=500)
    end = award.expires_on + dt.timedelta(days=500)
    whole = {r.key for r in reminders_due([award], catalog, start, end)}
    sent: list[str] = []
    lo = start
    for cut in itertools.accumulate(cuts):
        hi = min(start + dt.timedelta(days=cut * 5), end)
        if hi >= lo:
            sent += [r.key for r in reminders_due([award], catalog, lo, hi)]
            lo = hi + ONE_DAY
    sent += [r.key for r in reminders_due([award], catalog, lo, end)] if lo <= end else []
    assert sorted(sent) == sorted(whole)
    assert len(sent) == len(set(sent))
    assert f"{award.id}:{award.expires_on.isoformat()}:expired" in whole


# -- compliance --------------------------------------------------------------------------------

CATALOG = CertificationCatalog(
    [
        CertificationType("spec", "S", validity=Duration(months=8), grace=Duration(days=20)),  # type: ignore[arg-type]
        CertificationType("expert", "E", validity=Duration(years=1), satisfies=("spec",)),  # type: ignore[arg-type]
    ]
)
BASE = dt.date(2026, 1, 1)
offsets = st.integers(0, 900).map(lambda n: BASE + dt.timedelta(days=n))


@st.composite
def teams(draw: st.DrawFn) -> tuple[list[Affiliation], list[CertificationAward]]:
    people = [f"p-{i}" for i in range(draw(st.integers(1, 5)))]
    affiliations = []
    awards = []
    for n, person in enumerate(people):
        start = draw(offsets)
        end = draw(st.none() | offsets.filter(lambda d, s=start: d >= s))
        partner = draw(st.sampled_from(["acme", "acme", "globex"]))
        affiliations.append(Affiliation(f"af-{n}", person, partner, start, end))  # type: ignore[arg-type]
        for k in range(draw(st.integers(0, 2))):
            type_id = draw(st.sampled_from(["spec", "expert"]))
            awards.append(earn(person, type_id, draw(offsets), [], CATALOG, f"a-{n}-{k}"))
    return affiliations, awards


@given(teams(), offsets, st.integers(1, 3))
def test_forecast_agrees_with_compliance_day_by_day(
    team: tuple[list[Affiliation], list[CertificationAward]], as_of: dt.date, needed: int
) -> None:
    affiliations, awards = team
    index = AwardIndex(awards, CATALOG)
    requirements = [CertificationRequirement("spec", needed)]  # type: ignore[arg-type]
    loss = forecast_compliance_loss("acme", requirements, affiliations, index, CATALOG, as_of)

    def ok(day: dt.date) -> bool:
        return compliance("acme", requirements, affiliations, index, CATALOG, day).compliant

    # Compliance only changes on these days, so checking them checks every day.
    changes = {as_of + ONE_DAY}
    for award in awards:
        changes |= {award.earned_on, award_dates(award, CATALOG).grace_ends_on + ONE_DAY}
    for affiliation in affiliations:
        changes.add(affiliation.start)
        if affiliation.end is not None:
            changes.add(affiliation.end + ONE_DAY)
    horizon = loss if loss is not None else max(changes)
    assert all(ok(day) for day in changes if as_of < day < horizon)
    if loss is not None:
        assert loss > as_of
        assert not ok(loss)


@given(teams(), offsets)
def test_index_agrees_with_status(
    team: tuple[list[Affiliation], list[CertificationAward]], day: dt.date
) -> None:
    _, awards = team
    index = AwardIndex(awards, CATALOG)
    for person in {a.person_id for a in awards}:
        for type_id in ("spec", "expert"):
            qualifying = CATALOG.qualifying_types(type_id)
            expected = any(
                a.person_id == person
                and a.type_id in qualifying
                and status(a, CATALOG, day).is_held
                for a in awards
            )
            assert index.holds(person, type_id, day) is expected
