"""Partner compliance: enough certified people, counted on a day, and when that will stop.

A partner meets a :class:`CertificationRequirement` ("at least 3 people with Security
Specialist") on ``as_of`` when at least that many *people affiliated with it on* ``as_of`` hold an
award that counts for the type: an award of the type itself or of any type that satisfies it
(transitively), whose status on ``as_of`` is active, expiring or **in grace** — grace exists so
that a lapse in paperwork does not cost the partner its standing. A person counts once per
requirement, however many qualifying awards they hold; a person who leaves the partner takes
their credit with them.

:func:`compliance` reports held, required and the gap for every requirement;
:func:`forecast_compliance_loss` finds the first day after ``as_of`` on which some requirement is
no longer met if nobody renews (awards run out at the end of their grace; affiliations end on
their end date). Both accept an :class:`AwardIndex` built once from every award, so that checking
many partners does not re-scan the awards for each.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence

import attrs

from prmcore._checks import Checks, Validated
from prmcore.certifications.award import CertificationAward
from prmcore.certifications.catalog import CertificationCatalog
from prmcore.certifications.certification_type import CertificationTypeId, Duration
from prmcore.domain.ids import PartnerId, PersonId
from prmcore.domain.people import Affiliation
from prmcore.errors import ValidationError

__all__ = [
    "AwardIndex",
    "CertificationRequirement",
    "ComplianceReport",
    "RequirementResult",
    "compliance",
    "forecast_compliance_loss",
]

_ONE_DAY = dt.timedelta(days=1)
_Span = tuple[dt.date, dt.date]
_Entry = tuple[dt.date, dt.date, CertificationAward]


class AwardIndex:
    """Awards indexed by holder, with ``satisfies`` resolved once for the catalog.

    Build it once from every award (of every partner's people) and pass it to
    :func:`compliance` and :func:`forecast_compliance_loss` in place of the awards: a lookup
    is then a dictionary access and a look at the few awards that one person holds. An award
    counts for its own type and every type it satisfies, on the days it is held (from
    ``earned_on`` to the end of its grace). The index keeps references to the awards and never
    changes them.

    Args:
        awards: Every award to index.
        catalog: The program's types.

    Raises:
        ValidationError: *catalog* is not a catalog, an item is not an award
            (``awards[2]``), or an award's type is not in the catalog (``awards[2].type_id``).

    Examples:
        >>> import datetime as dt
        >>> from prmcore.certifications import (
        ...     CertificationAward, CertificationCatalog, CertificationType, Duration)
        >>> catalog = CertificationCatalog([
        ...     CertificationType("spec", "Specialist", validity=Duration(years=2)),
        ...     CertificationType("expert", "Expert", validity=Duration(years=3),
        ...                       satisfies=["spec"]),
        ... ])
        >>> award = CertificationAward("a-1", "p-1", "expert", dt.date(2026, 1, 1),
        ...                            dt.date(2029, 1, 1))
        >>> index = AwardIndex([award], catalog)
        >>> index.holds("p-1", "spec", dt.date(2027, 6, 1))
        True

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_by_person", "_catalog", "_count", "_grace", "_qualifying", "_slot_cache")

    def __init__(self, awards: Iterable[CertificationAward], catalog: CertificationCatalog) -> None:
        c = Checks()
        if not c.instance("catalog", catalog, CertificationCatalog):
            c.done()
        # Awards are filed by holder only; which types an award counts for and when its grace
        # ends are resolved when a person is looked up. Building stays one dictionary step per
        # award, and a lookup only touches the few awards one person holds.
        known = frozenset(ctype.id for ctype in catalog.types)
        by_person: dict[PersonId, list[CertificationAward]] = {}
        get = by_person.get
        items: Sequence[object] = awards if isinstance(awards, list | tuple) else list(awards)
        count = len(items)  # every item is filed once (any bad item raises below)
        for award in items:  # checked: callers may pass anything
            if not isinstance(award, CertificationAward) or award.type_id not in known:
                by_person.clear()
                break
            holder = award.person_id
            found = get(holder)
            if found is None:
                by_person[holder] = [award]
            else:
                found.append(award)
        else:
            items = ()  # every item is a good award
        # Paths and messages are built only when some item is bad.
        for i, award in enumerate(items):
            if not isinstance(award, CertificationAward):
                c.instance(f"awards[{i}]", award, CertificationAward)
            elif award.type_id not in known:
                c.add(f"awards[{i}].type_id", f"unknown certification type {award.type_id!r}")
        c.done()
        self._catalog = catalog
        self._by_person = by_person
        self._count = count
        self._qualifying = {ctype.id: catalog.qualifying_types(ctype.id) for ctype in catalog.types}
        self._grace = {ctype.id: _grace_end(ctype.grace) for ctype in catalog.types}
        self._slot_cache: dict[tuple[CertificationTypeId, ...], dict[str, tuple[int, ...]]] = {}

    @property
    def catalog(self) -> CertificationCatalog:
        """The catalog the index was built with.

        .. versionadded:: 0.1.0
        """
        return self._catalog

    def __len__(self) -> int:
        return self._count

    def _wanted(self, type_id: str) -> frozenset[CertificationTypeId]:
        wanted = self._qualifying.get(CertificationTypeId(type_id))
        if wanted is None:
            self._catalog.get(type_id)  # raises NotFoundError
        assert wanted is not None
        return wanted

    def _until(self, award: CertificationAward) -> dt.date:
        end_of_grace = self._grace[award.type_id]
        return award.expires_on if end_of_grace is None else end_of_grace(award.expires_on)

    def _for(self, person_id: str, type_id: str) -> list[_Entry]:
        wanted = self._wanted(type_id)
        return [
            (award.earned_on, self._until(award), award)
            for award in self._by_person.get(PersonId(person_id), ())
            if award.type_id in wanted
        ]

    def _holds(
        self, person_id: str, wanted: frozenset[CertificationTypeId], as_of: dt.date
    ) -> bool:
        for award in self._by_person.get(PersonId(person_id), ()):
            # Grace only matters after expiry, so its end is computed only then.
            if (
                award.type_id in wanted
                and award.earned_on <= as_of
                and (as_of <= award.expires_on or as_of <= self._until(award))
            ):
                return True
        return False

    def _slots(self, type_ids: Sequence[CertificationTypeId]) -> dict[str, tuple[int, ...]]:
        """For each type of the catalog, the positions in *type_ids* it counts for (cached:
        a host asks for the same few lists for every partner)."""
        key = tuple(type_ids)
        found = self._slot_cache.get(key)
        if found is None:
            wanted = [self._qualifying[type_id] for type_id in key]
            found = {
                source: tuple(k for k, types in enumerate(wanted) if source in types)
                for source in self._qualifying
            }
            if len(self._slot_cache) >= 64:  # a few requirement lists; never grow unbounded
                self._slot_cache.clear()
            self._slot_cache[key] = found
        return found

    def _holders(
        self, people: Collection[PersonId], type_ids: Sequence[CertificationTypeId], as_of: dt.date
    ) -> list[tuple[PersonId, ...]]:
        """For each of *type_ids* (in the catalog), the people among *people* (distinct) who
        hold it on *as_of*, sorted by id."""
        slots = self._slots(type_ids)
        found: list[list[PersonId]] = [[] for _ in type_ids]
        held_by = self._by_person.get
        until = self._until
        for person in sorted(people):  # sorted once: each list is filled in order
            held = held_by(person)
            if held is None:
                continue
            for award in held:
                counts_for = slots[award.type_id]
                # Grace only matters after expiry, so its end is computed only then.
                if (
                    counts_for
                    and award.earned_on <= as_of
                    and (as_of <= award.expires_on or as_of <= until(award))
                ):
                    for k in counts_for:
                        holders = found[k]
                        if not holders or holders[-1] != person:
                            holders.append(person)
        return [tuple(holders) for holders in found]

    def awards_for(self, person_id: str, type_id: str) -> tuple[CertificationAward, ...]:
        """Every award of *person_id* that counts for *type_id*, whatever its status.

        Raises:
            NotFoundError: *type_id* is not in the catalog.

        .. versionadded:: 0.1.0
        """
        return tuple(entry[2] for entry in self._for(person_id, type_id))

    def held_awards(
        self, person_id: str, type_id: str, as_of: dt.date
    ) -> tuple[CertificationAward, ...]:
        """The awards of *person_id* that count for *type_id* and are held on *as_of*
        (active, expiring or in grace).

        Raises:
            NotFoundError: *type_id* is not in the catalog.

        .. versionadded:: 0.1.0
        """
        return tuple(
            award for start, end, award in self._for(person_id, type_id) if start <= as_of <= end
        )

    def holds(self, person_id: str, type_id: str, as_of: dt.date) -> bool:
        """Whether *person_id* holds an award that counts for *type_id* on *as_of*.

        Raises:
            NotFoundError: *type_id* is not in the catalog.

        .. versionadded:: 0.1.0
        """
        return self._holds(person_id, self._wanted(type_id), as_of)

    def held_spans(self, person_id: str, type_id: str) -> list[tuple[dt.date, dt.date]]:
        """The days on which *person_id* holds *type_id* (or a type that satisfies it), as
        sorted, disjoint, inclusive ``(first, last)`` spans; touching spans are merged.

        Raises:
            NotFoundError: *type_id* is not in the catalog.

        .. versionadded:: 0.1.0
        """
        return _merge((start, end) for start, end, _ in self._for(person_id, type_id))


def _grace_end(grace: Duration) -> Callable[[dt.date], dt.date] | None:
    """A fast "last day held" for a grace period (``None`` when there is none): plain
    ``timedelta`` arithmetic for whole days, a cached calendar shift otherwise, because
    ``relativedelta`` is slow and an index may hold millions of awards."""
    if grace.is_zero:
        return None
    if not (grace.years or grace.months):
        delta = dt.timedelta(days=grace.days)

        def by_days(day: dt.date) -> dt.date:
            return day + delta if day <= dt.date.max - delta else dt.date.max

        return by_days
    cache: dict[dt.date, dt.date] = {}

    def by_calendar(day: dt.date) -> dt.date:
        found = cache.get(day)
        if found is None:
            try:
                found = grace.after(day)
            except ValidationError:
                found = dt.date.max
            cache[day] = found
        return found

    return by_calendar


def _merge(spans: Iterable[_Span]) -> list[_Span]:
    merged: list[_Span] = []
    for start, end in sorted(spans):
        if merged and (merged[-1][1] >= start or merged[-1][1] + _ONE_DAY == start):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _intersect(left: Sequence[_Span], right: Sequence[_Span]) -> list[_Span]:
    """The days in both, for sorted disjoint span lists."""
    result: list[_Span] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if start <= end:
            result.append((start, end))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return result


@attrs.frozen
class CertificationRequirement(Validated):
    """A partner needs at least *min_people* people holding *type_id* (or a type that
    satisfies it).

    Args:
        type_id: The certification type.
        min_people: How many distinct people, at least 1.

    Raises:
        ValidationError: Listing every bad field.

    .. versionadded:: 0.1.0
    """

    type_id: CertificationTypeId
    """The certification type required."""
    min_people: int = 1
    """How many distinct people must hold it."""

    def _validate(self, c: Checks) -> None:
        c.identifier("type_id", self.type_id)
        c.integer("min_people", self.min_people, minimum=1)


@attrs.frozen
class RequirementResult:
    """How a partner stands against one requirement on a day.

    .. versionadded:: 0.1.0
    """

    requirement: CertificationRequirement
    """The requirement."""
    people: tuple[PersonId, ...]
    """The people counted, sorted by id; each once."""

    @property
    def held(self) -> int:
        """How many people count.

        .. versionadded:: 0.1.0
        """
        return len(self.people)

    @property
    def required(self) -> int:
        """How many are required.

        .. versionadded:: 0.1.0
        """
        return self.requirement.min_people

    @property
    def gap(self) -> int:
        """How many more people are needed (0 when the requirement is met).

        .. versionadded:: 0.1.0
        """
        return max(0, self.required - self.held)

    @property
    def met(self) -> bool:
        """Whether the requirement is met.

        .. versionadded:: 0.1.0
        """
        return self.held >= self.required


@attrs.frozen
class ComplianceReport:
    """A partner's certification compliance on a day, from :func:`compliance`.

    .. versionadded:: 0.1.0
    """

    partner_id: PartnerId
    """The partner."""
    as_of: dt.date
    """The day evaluated."""
    results: tuple[RequirementResult, ...]
    """One result per requirement, in the order given."""

    @property
    def compliant(self) -> bool:
        """Whether every requirement is met (true when there are none).

        .. versionadded:: 0.1.0
        """
        return all(result.met for result in self.results)

    @property
    def gaps(self) -> tuple[RequirementResult, ...]:
        """The results whose requirement is not met.

        .. versionadded:: 0.1.0
        """
        return tuple(result for result in self.results if not result.met)


def _prepare(
    partner_id: str,
    requirements: Iterable[CertificationRequirement],
    affiliations: Iterable[Affiliation],
    awards: AwardIndex | Iterable[CertificationAward],
    catalog: CertificationCatalog,
    as_of: dt.date,
) -> tuple[tuple[CertificationRequirement, ...], list[Affiliation], AwardIndex]:
    c = Checks()
    c.identifier("partner_id", partner_id)
    c.date("as_of", as_of)
    catalog_ok = c.instance("catalog", catalog, CertificationCatalog)
    reqs = tuple(requirements)
    # Paths and messages are built only for bad items: a host checks many partners.
    unchecked: tuple[object, ...] = reqs  # callers may pass anything
    for i, req in enumerate(unchecked):
        if not isinstance(req, CertificationRequirement):
            c.instance(f"requirements[{i}]", req, CertificationRequirement)
        elif catalog_ok and req.type_id not in catalog:
            c.add(f"requirements[{i}].type_id", f"unknown certification type {req.type_id!r}")
    mine: list[Affiliation] = []
    given: Iterable[object] = affiliations
    for i, affiliation in enumerate(given):
        if not isinstance(affiliation, Affiliation):
            c.instance(f"affiliations[{i}]", affiliation, Affiliation)
        elif affiliation.partner_id == partner_id:
            mine.append(affiliation)
    index: AwardIndex | None = None
    if isinstance(awards, AwardIndex):
        c.require(
            not catalog_ok or awards.catalog is catalog or awards.catalog == catalog,
            "awards",
            "the AwardIndex was built with a different catalog",
        )
        index = awards
    elif catalog_ok:
        try:
            index = AwardIndex(awards, catalog)
        except ValidationError as err:
            c.problems.extend(err.problems)
    c.done()
    assert index is not None
    return reqs, mine, index


def compliance(
    partner_id: PartnerId | str,
    requirements: Iterable[CertificationRequirement],
    affiliations: Iterable[Affiliation],
    awards: AwardIndex | Iterable[CertificationAward],
    catalog: CertificationCatalog,
    as_of: dt.date,
) -> ComplianceReport:
    """How *partner_id* stands against each requirement on *as_of*.

    Args:
        partner_id: The partner.
        requirements: What the partner's program level (or agreement) requires.
        affiliations: Affiliations; only those with *partner_id* active on *as_of* count
            (others are ignored, so a host may pass everyone's).
        awards: An :class:`AwardIndex` (fastest, when checking many partners), or the awards.
        catalog: The program's types.
        as_of: The day to evaluate.

    Raises:
        ValidationError: A bad argument: a requirement for a type not in the catalog
            (``requirements[0].type_id``), an item of the wrong kind (``affiliations[2]``), an
            award with an unknown type (``awards[4].type_id``), an index built with another
            catalog (``awards``).

    Examples:
        >>> import datetime as dt
        >>> from prmcore.certifications import (
        ...     CertificationAward, CertificationCatalog, CertificationType, Duration)
        >>> from prmcore.domain import Affiliation
        >>> catalog = CertificationCatalog(
        ...     [CertificationType("spec", "Specialist", validity=Duration(years=2))])
        >>> award = CertificationAward("a-1", "p-1", "spec", dt.date(2026, 1, 1),
        ...                            dt.date(2028, 1, 1))
        >>> works = Affiliation("af-1", "p-1", "acme", dt.date(2025, 1, 1))
        >>> report = compliance("acme", [CertificationRequirement("spec", 2)], [works],
        ...                     [award], catalog, dt.date(2026, 6, 1))
        >>> report.compliant, report.results[0].held, report.results[0].gap
        (False, 1, 1)

    .. versionadded:: 0.1.0
    """
    reqs, mine, index = _prepare(partner_id, requirements, affiliations, awards, catalog, as_of)
    people = {a.person_id for a in mine if a.active_on(as_of)}
    counted = index._holders(people, [req.type_id for req in reqs], as_of)
    results = tuple(
        RequirementResult(req, holders) for req, holders in zip(reqs, counted, strict=True)
    )
    return ComplianceReport(PartnerId(partner_id), as_of, results)


def forecast_compliance_loss(
    partner_id: PartnerId | str,
    requirements: Iterable[CertificationRequirement],
    affiliations: Iterable[Affiliation],
    awards: AwardIndex | Iterable[CertificationAward],
    catalog: CertificationCatalog,
    as_of: dt.date,
) -> dt.date | None:
    """The first day after *as_of* on which *partner_id* does not meet some requirement, if
    nobody renews; ``None`` if that never happens (no requirements).

    The forecast takes the data as it stands: awards stop counting after their grace ends,
    affiliations end on their end date, and awards and affiliations that start in the future
    count from their start. A partner that is out of compliance on *as_of* and stays so gets
    the day after *as_of*.

    Args:
        partner_id: The partner.
        requirements: The requirements.
        affiliations: Affiliations (those with other partners are ignored).
        awards: An :class:`AwardIndex`, or the awards.
        catalog: The program's types.
        as_of: The day to forecast from.

    Raises:
        ValidationError: As for :func:`compliance`.

    .. versionadded:: 0.1.0
    """
    reqs, mine, index = _prepare(partner_id, requirements, affiliations, awards, catalog, as_of)
    if as_of == dt.date.max:
        return None
    first = as_of + _ONE_DAY
    by_person: dict[PersonId, list[_Span]] = {}
    for affiliation in mine:
        end = dt.date.max if affiliation.end is None else affiliation.end
        if end >= first:
            by_person.setdefault(affiliation.person_id, []).append((affiliation.start, end))
    worked = {person: _merge(spans) for person, spans in by_person.items()}
    loss: dt.date | None = None
    for req in reqs:
        changes: dict[dt.date, int] = {first: 0}
        for person, spans in worked.items():
            for start, end in _intersect(spans, index.held_spans(person, req.type_id)):
                if end < first:
                    continue
                start = max(start, first)
                changes[start] = changes.get(start, 0) + 1
                if end < dt.date.max:
                    changes[end + _ONE_DAY] = changes.get(end + _ONE_DAY, 0) - 1
        count = 0
        for day in sorted(changes):
            if loss is not None and day >= loss:
                break
            count += changes[day]
            if count < req.min_people:
                loss = day
                break
    return loss
