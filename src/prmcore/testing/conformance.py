"""Conformance test suites for stores: run them against your own repository implementation to
prove it behaves exactly like the stores prmcore ships.

Subclass :class:`StoreConformance` in a pytest test module, implement
:meth:`~StoreHooks.make_unit_of_work`, and override the :meth:`~StoreHooks.fresh_store` fixture
so that every test starts from an empty store::

    import pytest
    from prmcore.testing.conformance import StoreConformance

    class TestPostgresStore(StoreConformance):
        @pytest.fixture(autouse=True)
        def fresh_store(self, postgresql):          # any fixtures you need
            self.store = MyPostgresStore(postgresql.dsn)
            self.store.create_schema()
            yield
            self.store.drop_schema()

        def make_unit_of_work(self, sink=None):
            return MyPostgresUnitOfWork(self.store, sink)

The suite covers create/read/update/remove for every aggregate, version increments, stale
writes and duplicate ids (:class:`~prmcore.errors.ConflictError`, with nothing changed), missing
ids (:class:`~prmcore.errors.NotFoundError`), every query filter on data where the filters
discriminate, exact round trips of generated objects, rollback on exceptions (comparing the
whole store), events published only after commit, read-your-writes and isolation between units,
a model-based test against a plain dict (hypothesis ``RuleBasedStateMachine``), and two threads
racing to update the same version. :class:`StoreConformance` combines the parts; subclass the
parts (:class:`RepositoryTests`, :class:`QueryTests`, :class:`UnitOfWorkTests`,
:class:`ConcurrencyTests`, :class:`ModelTests`) to run only some of them.

Hypothesis tests use the settings profile loaded by your ``conftest.py`` (only the number of
examples and steps is set here, and no deadline, since stores do I/O).

Needs the ``testing`` extra (pytest and hypothesis); ``import prmcore`` never imports this.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import builtins
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from prmcore.conflicts import DealRegistrationId, DealStatus, RegistrationRules
from prmcore.domain import (
    AccountId,
    AgreementKind,
    ExternalId,
    Location,
    Partner,
    PartnerId,
    PartnerKind,
    PartnerStatus,
    PersonId,
    ProgramLevelId,
)
from prmcore.errors import ConflictError, NotFoundError, ValidationError
from prmcore.events import DomainEvent, EventSink, PartnerRegistered, RecordingSink
from prmcore.lead_routing.offers import LeadRouting, Offer, RoutingStatus
from prmcore.lead_routing.state import PartnerLoad, PeriodCount, RotationEntry, RotationState
from prmcore.repositories.protocols import UnitOfWork
from prmcore.testing import strategies as ps
from prmcore.testing._samples import (
    CASES,
    DAY,
    MOMENT,
    AggregateCase,
    account,
    affiliation,
    agreement,
    certification_award,
    deal_registration,
    lead,
    partner,
    person,
    product_line,
    sent_reminder,
)

__all__ = [
    "CommissionStoreTests",
    "ConcurrencyTests",
    "DealRegistrationQueryTests",
    "ModelTests",
    "QueryTests",
    "RepositoryTests",
    "RoutingStateTests",
    "StoreConformance",
    "StoreHooks",
    "UnitOfWorkTests",
]

_ALL_ATTRIBUTES = tuple(case.attribute for case in CASES)
_STRATEGIES: dict[str, Callable[..., st.SearchStrategy[Any]]] = {
    "partners": ps.partners,
    "people": ps.people,
    "affiliations": ps.affiliations,
    "agreements": ps.agreements,
    "accounts": ps.accounts,
    "leads": ps.leads,
    "product_lines": ps.product_lines,
    "certification_types": ps.certification_types,
    "certification_awards": ps.certification_awards,
    "sent_reminders": ps.sent_reminders,
    "level_records": ps.level_records,
    "deal_registrations": ps.deal_registrations,
}
_THREAD_TIMEOUT = 30.0


def _ids(objs: Sequence[Any]) -> list[str]:
    return [obj.id for obj in objs]


def _event(number: int, subject: Partner | None = None) -> DomainEvent:
    return PartnerRegistered.for_partner(
        subject or partner(number, version=1),
        id=f"evt-{number}",
        occurred_at=MOMENT + dt.timedelta(seconds=number),
    )


def _before_and_after_commit(uow: UnitOfWork) -> Iterator[str]:
    """Run a loop body twice: on the unit's uncommitted view, then after committing it."""
    yield "before commit"
    uow.commit()
    yield "after commit"


def _repo(uow: UnitOfWork, attribute: str) -> Any:
    return getattr(uow, attribute)


def _examples(count: int) -> settings:
    # Inherit the loaded profile (derandomize, database, ...) and only bound the work.
    return settings(max_examples=count, deadline=None)


class StoreHooks:
    """The hooks every suite needs, and helpers the tests share.

    Implement :meth:`make_unit_of_work` and override :meth:`fresh_store`.

    .. versionadded:: 0.1.0
    """

    @pytest.fixture(autouse=True)
    def fresh_store(self) -> Iterator[None] | None:
        """Hook (a pytest fixture): create an empty store before each test and dispose of it
        after (a generator fixture: set up, ``yield``, tear down). Override it in your
        subclass, again decorated with ``@pytest.fixture(autouse=True)``; it may request other
        fixtures such as ``tmp_path``. The default does nothing."""
        return None

    def make_unit_of_work(self, sink: EventSink | None = None) -> UnitOfWork:
        """Hook: a new, not yet entered unit of work on the current test's store, publishing
        to *sink*. Every call must return a separate unit (tests open several at once, also
        in other threads)."""
        raise NotImplementedError("implement make_unit_of_work() in your conformance subclass")

    # -- helpers -------------------------------------------------------------------------------

    def _seed(self, attribute: str, objs: Sequence[Any]) -> builtins.list[Any]:
        with self.make_unit_of_work() as uow:
            stored = [_repo(uow, attribute).add(obj) for obj in objs]
            uow.commit()
        return stored

    def _contents(self) -> dict[str, builtins.list[Any]]:
        with self.make_unit_of_work() as uow:
            return {name: _repo(uow, name).list() for name in _ALL_ATTRIBUTES}

    def _clear(self, *attributes: str) -> None:
        with self.make_unit_of_work() as uow:
            for name in attributes or _ALL_ATTRIBUTES:
                repo = _repo(uow, name)
                for obj in repo.list():
                    repo.remove(obj.id)
            uow.commit()

    def _mixed_store(self) -> dict[str, builtins.list[Any]]:
        """One object of every kind, so tests can check that nothing else changed."""
        return {case.attribute: self._seed(case.attribute, [case.make(900)]) for case in CASES}


_CASE = pytest.mark.parametrize("case", CASES, ids=str)


class RepositoryTests(StoreHooks):
    """Create, read, update and remove for every aggregate, with versions and conflicts.

    .. versionadded:: 0.1.0
    """

    @_CASE
    def test_add_returns_the_object_at_version_1(self, case: AggregateCase) -> None:
        """``add`` returns the object at version 1 and ``get`` / ``find`` return it."""
        original = case.make(1)
        with self.make_unit_of_work() as uow:
            stored = _repo(uow, case.attribute).add(original)
            assert stored.version == 1
            assert attrs.evolve(stored, version=0) == original
            uow.commit()
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            assert repo.get(original.id) == stored
            assert repo.find(original.id) == stored
            assert repo.list() == [stored]
            assert repo.count() == 1

    @_CASE
    def test_update_increments_the_version(self, case: AggregateCase) -> None:
        """Each ``update`` stores the change one version higher."""
        (stored,) = self._seed(case.attribute, [case.make(1)])
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            second = repo.update(case.change(stored))
            assert second.version == 2
            third = repo.update(attrs.evolve(second))
            assert third.version == 3
            uow.commit()
        with self.make_unit_of_work() as uow:
            fetched = _repo(uow, case.attribute).get(stored.id)
        assert fetched == third
        assert attrs.evolve(fetched, version=1) == case.change(stored)

    @_CASE
    def test_stale_update_conflicts_and_changes_nothing(self, case: AggregateCase) -> None:
        """Updating from an old version raises ConflictError(expected, actual); the stored
        object stays as it was."""
        (stored,) = self._seed(case.attribute, [case.make(1)])
        with self.make_unit_of_work() as uow:
            current = _repo(uow, case.attribute).update(attrs.evolve(stored))
            uow.commit()
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            with pytest.raises(ConflictError) as caught:
                repo.update(case.change(stored))
            assert (caught.value.expected, caught.value.actual) == (1, 2)
            assert repo.get(stored.id) == current
            uow.commit()
        with self.make_unit_of_work() as uow:
            assert _repo(uow, case.attribute).get(stored.id) == current

    @_CASE
    def test_update_of_a_missing_object_raises_not_found(self, case: AggregateCase) -> None:
        """Updating an id that was never stored raises NotFoundError and stores nothing."""
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            with pytest.raises(NotFoundError) as caught:
                repo.update(attrs.evolve(case.make(1), version=1))
            assert caught.value.kind == case.kind
            assert repo.count() == 0

    @_CASE
    def test_adding_an_existing_id_conflicts(self, case: AggregateCase) -> None:
        """A second ``add`` with the same id raises ConflictError (expected None) and keeps
        the first object."""
        (stored,) = self._seed(case.attribute, [case.make(1)])
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            with pytest.raises(ConflictError) as caught:
                repo.add(case.change(case.make(1)))
            assert (caught.value.expected, caught.value.actual) == (None, 1)
            uow.commit()
        with self.make_unit_of_work() as uow:
            assert _repo(uow, case.attribute).list() == [stored]

    @_CASE
    def test_add_needs_version_0(self, case: AggregateCase) -> None:
        """``add`` refuses an object that claims to be stored already (version above 0)."""
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            with pytest.raises(ValidationError) as caught:
                repo.add(attrs.evolve(case.make(1), version=3))
            assert caught.value.paths == ("version",)
            assert repo.count() == 0

    @_CASE
    def test_add_many_returns_version_1_in_the_given_order(self, case: AggregateCase) -> None:
        """``add_many`` stores all, returns them at version 1 in input order; ``list`` sorts by
        id."""
        objs = [case.make(3), case.make(1), case.make(20)]
        with self.make_unit_of_work() as uow:
            stored = _repo(uow, case.attribute).add_many(iter(objs))
            uow.commit()
        assert _ids(stored) == _ids(objs)
        assert [obj.version for obj in stored] == [1, 1, 1]
        with self.make_unit_of_work() as uow:
            listed = _repo(uow, case.attribute).list()
        assert listed == sorted(stored, key=lambda obj: obj.id)

    @_CASE
    def test_add_many_is_all_or_nothing(self, case: AggregateCase) -> None:
        """A batch with a taken id, a repeated id or a stored object adds nothing at all."""
        (stored,) = self._seed(case.attribute, [case.make(1)])
        bad_batches = [
            [case.make(2), case.make(1), case.make(3)],
            [case.make(2), case.make(3), case.make(2)],
        ]
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            for batch in bad_batches:
                with pytest.raises(ConflictError):
                    repo.add_many(batch)
                assert repo.list() == [stored]
            with pytest.raises(ValidationError):
                repo.add_many([case.make(4), attrs.evolve(case.make(5), version=2)])
            assert repo.list() == [stored]
            uow.commit()
        with self.make_unit_of_work() as uow:
            assert _repo(uow, case.attribute).list() == [stored]

    @_CASE
    def test_remove_deletes(self, case: AggregateCase) -> None:
        """After ``remove``, ``find`` returns None, ``get`` raises NotFoundError and the
        count drops; the other object is untouched."""
        first, second = self._seed(case.attribute, [case.make(1), case.make(2)])
        with self.make_unit_of_work() as uow:
            _repo(uow, case.attribute).remove(first.id)
            uow.commit()
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            assert repo.find(first.id) is None
            with pytest.raises(NotFoundError) as caught:
                repo.get(first.id)
            assert (caught.value.kind, caught.value.key) == (case.kind, first.id)
            assert repo.list() == [second]
            assert repo.count() == 1

    @_CASE
    def test_remove_of_a_missing_object_raises_not_found(self, case: AggregateCase) -> None:
        """Removing an unknown id raises NotFoundError."""
        with self.make_unit_of_work() as uow, pytest.raises(NotFoundError):
            _repo(uow, case.attribute).remove(case.make(1).id)

    @_CASE
    def test_remove_with_a_stale_version_conflicts(self, case: AggregateCase) -> None:
        """``remove(id, expected_version=...)`` only deletes the version the caller saw."""
        (stored,) = self._seed(case.attribute, [case.make(1)])
        with self.make_unit_of_work() as uow:
            current = _repo(uow, case.attribute).update(case.change(stored))
            uow.commit()
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            with pytest.raises(ConflictError) as caught:
                repo.remove(stored.id, expected_version=1)
            assert (caught.value.expected, caught.value.actual) == (1, 2)
            assert repo.get(stored.id) == current
            repo.remove(stored.id, expected_version=2)
            assert repo.find(stored.id) is None
            uow.commit()
        with self.make_unit_of_work() as uow:
            assert _repo(uow, case.attribute).count() == 0

    @_CASE
    def test_an_id_can_be_reused_after_remove(self, case: AggregateCase) -> None:
        """Adding an id again after it was removed starts over at version 1."""
        (stored,) = self._seed(case.attribute, [case.make(1)])
        with self.make_unit_of_work() as uow:
            repo = _repo(uow, case.attribute)
            repo.remove(stored.id)
            again = repo.add(case.change(case.make(1)))
            uow.commit()
        assert again.version == 1
        with self.make_unit_of_work() as uow:
            assert _repo(uow, case.attribute).get(stored.id) == again

    @_CASE
    def test_list_is_sorted_by_id(self, case: AggregateCase) -> None:
        """``list`` returns objects sorted by id (as strings: ``x-10`` before ``x-2``)."""
        stored = self._seed(case.attribute, [case.make(2), case.make(10), case.make(1)])
        with self.make_unit_of_work() as uow:
            listed = _repo(uow, case.attribute).list()
        assert _ids(listed) == sorted(_ids(stored))
        assert _ids(listed)[:2] == [case.make(1).id, case.make(10).id]

    @_CASE
    def test_other_aggregates_are_not_touched(self, case: AggregateCase) -> None:
        """Writes to one repository leave every other repository exactly as it was."""
        self._mixed_store()
        before = self._contents()
        (stored,) = self._seed(case.attribute, [case.make(1)])
        with self.make_unit_of_work() as uow:
            _repo(uow, case.attribute).update(case.change(stored))
            uow.commit()
        after = self._contents()
        for name in _ALL_ATTRIBUTES:
            if name != case.attribute:
                assert after[name] == before[name]

    @_CASE
    def test_generated_objects_round_trip_exactly(self, case: AggregateCase) -> None:
        """Any valid object (from :mod:`prmcore.testing.strategies`) comes back equal."""
        strategy = _STRATEGIES[case.attribute](version=0)

        @_examples(15)
        @given(strategy)
        def check(obj: Any) -> None:
            with self.make_unit_of_work() as uow:
                stored = _repo(uow, case.attribute).add(obj)
                uow.commit()
            with self.make_unit_of_work() as uow:
                repo = _repo(uow, case.attribute)
                assert repo.get(obj.id) == stored
                assert repo.list() == [stored]
                repo.remove(obj.id)
                uow.commit()

        check()


def _query_partners() -> builtins.list[Partner]:
    return [
        partner(
            1,
            status=PartnerStatus.ACTIVE,
            locations=(Location(country="DE"),),
            program_level_id="gold",
        ),
        partner(
            2,
            status=PartnerStatus.ACTIVE,
            kind=PartnerKind.DISTRIBUTOR,
            locations=(Location(country="US"), Location(country="DE")),
            program_level_id="silver",
        ),
        partner(
            3,
            status=PartnerStatus.PROSPECT,
            locations=(Location(country="FR"),),
            program_level_id="gold",
            parent_id="p-2",
        ),
        partner(
            4,
            status=PartnerStatus.SUSPENDED,
            kind=PartnerKind.MSP,
            locations=(),
            parent_id="p-2",
        ),
        partner(
            5,
            status=PartnerStatus.ACTIVE,
            locations=(Location(country="US", city="Austin"), Location(country="US")),
            program_level_id="gold",
            parent_id="p-2",
        ),
    ]


_UTC = dt.UTC
_PLUS_2 = dt.timezone(dt.timedelta(hours=2))
_MINUS_5 = dt.timezone(dt.timedelta(hours=-5))


class QueryTests(StoreHooks):
    """Every query and filter, on data in which each filter keeps some objects and drops
    others; filters must follow updates and removals.

    .. versionadded:: 0.1.0
    """

    def test_partner_filters(self) -> None:
        """Partners by status, kind, country (any location), program level and parent."""
        self._seed("partners", _query_partners())
        with self.make_unit_of_work() as uow:

            def ids(**filters: Any) -> builtins.list[str]:
                return _ids(uow.partners.list(**filters))

            assert ids() == ["p-1", "p-2", "p-3", "p-4", "p-5"]
            assert ids(status=PartnerStatus.ACTIVE) == ["p-1", "p-2", "p-5"]
            assert ids(status="suspended") == ["p-4"]
            assert ids(kind=PartnerKind.RESELLER) == ["p-1", "p-3", "p-5"]
            assert ids(kind="msp") == ["p-4"]
            assert ids(country="DE") == ["p-1", "p-2"]
            assert ids(country="us") == ["p-2", "p-5"]
            assert ids(country="JP") == []
            assert ids(program_level_id=ProgramLevelId("gold")) == ["p-1", "p-3", "p-5"]
            assert ids(parent_id=PartnerId("p-2")) == ["p-3", "p-4", "p-5"]
            assert ids(status="active", kind="reseller", country="US") == ["p-5"]
            assert ids(status="active", parent_id=PartnerId("p-2")) == ["p-5"]
            assert ids(country="FR", program_level_id=ProgramLevelId("silver")) == []

    def test_partner_filters_reject_unknown_values(self) -> None:
        """An unknown status, kind or country is a ValidationError, not an empty result."""
        with self.make_unit_of_work() as uow:
            cases: builtins.list[tuple[dict[str, Any], str]] = [
                ({"status": "dormant"}, "status"),
                ({"kind": "franchise"}, "kind"),
                ({"country": "Germany"}, "country"),
            ]
            for filters, path in cases:
                with pytest.raises(ValidationError) as caught:
                    uow.partners.list(**filters)
                assert caught.value.paths == (path,)

    def test_partner_filters_follow_writes(self) -> None:
        """Filters see updates and removals, inside the unit before commit and after it."""
        stored = {p.id: p for p in self._seed("partners", _query_partners())}
        with self.make_unit_of_work() as uow:
            uow.partners.update(
                attrs.evolve(
                    stored["p-1"], locations=(Location(country="FR"),), program_level_id=None
                )
            )
            uow.partners.remove(PartnerId("p-2"))
            uow.partners.update(stored["p-3"].transition(PartnerStatus.ONBOARDING))
            uow.partners.add(partner(6, locations=(Location(country="DE"),), parent_id="p-2"))
            for _ in _before_and_after_commit(uow):
                assert _ids(uow.partners.list(country="DE")) == ["p-6"]
                assert _ids(uow.partners.list(country="FR")) == ["p-1", "p-3"]
                assert _ids(uow.partners.list(country="US")) == ["p-5"]
                assert _ids(uow.partners.list(status="prospect")) == ["p-6"]
                assert _ids(uow.partners.list(status="onboarding")) == ["p-3"]
                assert _ids(uow.partners.list(program_level_id=ProgramLevelId("gold"))) == [
                    "p-3",
                    "p-5",
                ]
                assert _ids(uow.partners.list(parent_id=PartnerId("p-2"))) == [
                    "p-3",
                    "p-4",
                    "p-5",
                    "p-6",
                ]

    def test_partner_filters_match_a_reference_on_generated_data(self) -> None:
        """On generated partners, every filter combination returns what a plain Python filter
        over the same partners returns."""
        countries = ["DE", "FR", "US"]
        partner_ids = st.sampled_from(["a", "b", "c", "d", "e", "f"])
        batches = st.lists(
            ps.partners(
                id=partner_ids,
                version=0,
                locations=st.lists(
                    ps.locations(country=st.sampled_from(countries)), max_size=3
                ).map(tuple),
                program_level_id=st.sampled_from([None, "gold", "silver"]),
                parent_id=st.sampled_from([None, "a", "b"]),
            ),
            max_size=6,
            unique_by=lambda p: p.id,
        )
        filters = st.fixed_dictionaries(
            {},
            optional={
                "status": st.sampled_from(PartnerStatus),
                "kind": st.sampled_from(PartnerKind),
                "country": st.sampled_from(countries),
                "program_level_id": st.sampled_from(["gold", "silver"]),
                "parent_id": st.sampled_from(["a", "b"]),
            },
        )

        def reference(stored: Sequence[Partner], f: dict[str, Any]) -> builtins.list[str]:
            return sorted(
                p.id
                for p in stored
                if f.get("status", p.status) == p.status
                and f.get("kind", p.kind) == p.kind
                and ("country" not in f or f["country"] in p.countries)
                and f.get("program_level_id", p.program_level_id) == p.program_level_id
                and f.get("parent_id", p.parent_id) == p.parent_id
            )

        @_examples(25)
        @given(batches, st.lists(filters, min_size=1, max_size=4))
        def check(batch: builtins.list[Partner], queries: builtins.list[dict[str, Any]]) -> None:
            self._clear("partners")
            stored = self._seed("partners", batch)
            with self.make_unit_of_work() as uow:
                for query in queries:
                    assert _ids(uow.partners.list(**query)) == reference(stored, query)

        check()

    def test_people_by_email(self) -> None:
        """``find_by_email`` ignores case, returns the smallest id when an address is shared,
        and follows updates."""
        self._seed(
            "people",
            [
                person(4, email="ANN.LEE@example.COM"),
                person(1, email="Ann.Lee@Example.com"),
                person(2, email="bob@example.com"),
                person(3, email=None),
            ],
        )
        with self.make_unit_of_work() as uow:
            people = uow.people
            found = people.find_by_email("ann.lee@example.com")
            assert found is not None
            assert found.id == "person-1"
            found = people.find_by_email("BOB@EXAMPLE.COM")
            assert found is not None
            assert found.id == "person-2"
            assert people.find_by_email("nobody@example.com") is None
            people.update(attrs.evolve(people.get(PersonId("person-1")), email="ann@new.example"))
            for _ in _before_and_after_commit(uow):
                found = people.find_by_email("ann.lee@example.com")
                assert found is not None
                assert found.id == "person-4"
                found = people.find_by_email("ANN@NEW.example")
                assert found is not None
                assert found.id == "person-1"

    def test_affiliations_by_partner_and_person_as_of(self) -> None:
        """Affiliations by partner and by person; ``as_of`` counts start and end days in."""
        self._seed(
            "affiliations",
            [
                affiliation(1, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)),
                affiliation(2, person_id="person-2", start=dt.date(2026, 3, 1)),
                affiliation(3, partner_id="p-2", start=dt.date(2026, 7, 1)),
                affiliation(
                    4,
                    person_id="person-3",
                    partner_id="p-3",
                    start=dt.date(2025, 1, 1),
                    end=dt.date(2025, 12, 31),
                ),
            ],
        )
        with self.make_unit_of_work() as uow:

            def by_partner(as_of: dt.date | None = None) -> builtins.list[str]:
                return _ids(uow.affiliations.for_partner(PartnerId("p-1"), as_of))

            def by_person(as_of: dt.date | None = None) -> builtins.list[str]:
                return _ids(uow.affiliations.for_person(PersonId("person-1"), as_of))

            assert by_partner() == ["aff-1", "aff-2"]
            assert by_partner(dt.date(2026, 2, 1)) == ["aff-1"]
            assert by_partner(dt.date(2026, 3, 1)) == ["aff-1", "aff-2"]
            assert by_partner(dt.date(2026, 6, 30)) == ["aff-1", "aff-2"]
            assert by_partner(dt.date(2026, 7, 1)) == ["aff-2"]
            assert by_partner(dt.date(2025, 12, 31)) == []
            assert by_person() == ["aff-1", "aff-3"]
            assert by_person(dt.date(2026, 6, 30)) == ["aff-1"]
            assert by_person(dt.date(2026, 7, 1)) == ["aff-3"]
            assert uow.affiliations.for_partner(PartnerId("p-9")) == []
            assert _ids(uow.affiliations.for_person(PersonId("person-3"))) == ["aff-4"]

    def test_agreements_by_partner_as_of(self) -> None:
        """Agreements by partner; ``as_of`` keeps those in force (signing and expiry days
        included)."""
        self._seed(
            "agreements",
            [
                agreement(1, expires_on=dt.date(2026, 12, 31)),
                agreement(2, kind=AgreementKind.NDA, signed_on=dt.date(2025, 6, 1)),
                agreement(3, partner_id="p-2"),
                agreement(4, signed_on=dt.date(2027, 1, 1)),
            ],
        )
        with self.make_unit_of_work() as uow:

            def of(as_of: dt.date | None = None) -> builtins.list[str]:
                return _ids(uow.agreements.for_partner(PartnerId("p-1"), as_of))

            assert of() == ["agr-1", "agr-2", "agr-4"]
            assert of(DAY) == ["agr-1", "agr-2"]
            assert of(dt.date(2026, 12, 31)) == ["agr-1", "agr-2"]
            assert of(dt.date(2027, 1, 1)) == ["agr-2", "agr-4"]
            assert of(dt.date(2025, 5, 31)) == []
            assert _ids(uow.agreements.for_partner(PartnerId("p-2"))) == ["agr-3"]

    def test_accounts_by_domain_and_external_id(self) -> None:
        """Accounts by exact (normalised) domain and by registry id; lookups follow updates
        and removals."""
        self._seed(
            "accounts",
            [
                account(
                    1,
                    domain="acme.com",
                    external_ids=(
                        ExternalId("duns", "123456789"),
                        ExternalId("lei", "5493001KJTIIGC8Y1R12"),
                    ),
                ),
                account(2, domain="example.org", external_ids=(ExternalId("duns", "987654321"),)),
                account(3, domain="acme.com", external_ids=(), house=True),
                account(4, domain=None, external_ids=(ExternalId("crm", "ACME-1"),)),
            ],
        )
        with self.make_unit_of_work() as uow:
            accounts = uow.accounts

            def domain(name: str) -> str | None:
                found = accounts.find_by_domain(name)
                return None if found is None else found.id

            def external(scheme: str, value: str) -> str | None:
                found = accounts.find_by_external_id(scheme, value)
                return None if found is None else found.id

            assert domain("ACME.com.") == "acct-1"
            assert domain("example.org") == "acct-2"
            assert domain("www.acme.com") is None
            assert external("duns", "987654321") == "acct-2"
            assert external("DUNS", "123456789") == "acct-1"
            assert external("lei", "5493001KJTIIGC8Y1R12") == "acct-1"
            assert external("crm", "ACME-1") == "acct-4"
            assert external("crm", "acme-1") is None
            assert external("duns", "ACME-1") is None
            first = accounts.get(AccountId("acct-1"))
            accounts.update(attrs.evolve(first, domain="acme.de", external_ids=()))
            accounts.remove(AccountId("acct-2"))
            for _ in _before_and_after_commit(uow):
                assert domain("acme.com") == "acct-3"
                assert domain("acme.de") == "acct-1"
                assert external("duns", "123456789") is None
                assert external("duns", "987654321") is None

    def test_leads_by_account_and_time_window(self) -> None:
        """Leads by account and by a half-open window ``[received_from, received_to)``,
        comparing moments across time zones."""
        self._seed(
            "leads",
            [
                lead(1, account_id="acct-1", received_at=dt.datetime(2026, 3, 1, 9, tzinfo=_UTC)),
                lead(
                    2, account_id="acct-1", received_at=dt.datetime(2026, 3, 1, 12, tzinfo=_PLUS_2)
                ),
                lead(3, account_id="acct-2", received_at=dt.datetime(2026, 3, 1, 11, tzinfo=_UTC)),
                lead(4, received_at=dt.datetime(2026, 2, 28, 23, tzinfo=_MINUS_5)),
            ],
        )

        def at(hour: int, tz: dt.tzinfo = _UTC) -> dt.datetime:
            return dt.datetime(2026, 3, 1, hour, tzinfo=tz)

        with self.make_unit_of_work() as uow:

            def ids(**filters: Any) -> builtins.list[str]:
                return _ids(uow.leads.list(**filters))

            assert ids() == ["lead-1", "lead-2", "lead-3", "lead-4"]
            assert ids(account_id=AccountId("acct-1")) == ["lead-1", "lead-2"]
            assert ids(received_from=at(9)) == ["lead-1", "lead-2", "lead-3"]
            assert ids(received_to=at(10)) == ["lead-1", "lead-4"]
            assert ids(received_from=at(10, _PLUS_2), received_to=at(11)) == ["lead-1", "lead-2"]
            assert ids(received_from=at(10), received_to=at(11)) == ["lead-2"]
            assert ids(account_id=AccountId("acct-1"), received_from=at(9, _MINUS_5)) == []
            assert ids(account_id=AccountId("acct-2"), received_to=at(12)) == ["lead-3"]
            with pytest.raises(ValidationError) as caught:
                uow.leads.list(received_from=dt.datetime(2026, 3, 1))
            assert caught.value.paths == ("received_from",)

    def test_lead_windows_match_a_reference_on_generated_data(self) -> None:
        """On generated leads (any time zone, any year), time windows return what comparing
        the datetimes in Python returns."""
        moments = st.datetimes(
            timezones=st.sampled_from([_UTC, _PLUS_2, _MINUS_5, dt.timezone(dt.timedelta(0))])
        )
        batches = st.lists(
            ps.leads(
                id=st.sampled_from(["a", "b", "c", "d", "e"]),
                version=0,
                received_at=moments,
                account_id=st.sampled_from([None, "x", "y"]),
            ),
            max_size=5,
            unique_by=lambda x: x.id,
        )

        @_examples(25)
        @given(
            batches,
            st.none() | moments,
            st.none() | moments,
            st.sampled_from([None, "x", "y"]),
        )
        def check(batch: builtins.list[Any], start: Any, end: Any, account_id: Any) -> None:
            self._clear("leads")
            stored = self._seed("leads", batch)
            expected = sorted(
                x.id
                for x in stored
                if (start is None or x.received_at >= start)
                and (end is None or x.received_at < end)
                and (account_id is None or x.account_id == account_id)
            )
            with self.make_unit_of_work() as uow:
                found = uow.leads.list(account_id=account_id, received_from=start, received_to=end)
            assert _ids(found) == expected

        check()

    def test_product_lines_by_activity(self) -> None:
        """Product lines: all, only active, only retired."""
        self._seed(
            "product_lines",
            [product_line(1), product_line(2, active=False), product_line(3)],
        )
        with self.make_unit_of_work() as uow:
            assert _ids(uow.product_lines.list()) == ["pl-1", "pl-2", "pl-3"]
            assert _ids(uow.product_lines.list(active=True)) == ["pl-1", "pl-3"]
            assert _ids(uow.product_lines.list(active=False)) == ["pl-2"]

    def test_certification_awards_by_person_and_expiry(self) -> None:
        """Awards by holder, and by expiry date from *first* to *last* inclusive; both follow
        renewals (a later expiry) and removals."""
        self._seed(
            "certification_awards",
            [
                certification_award(1, expires_on=dt.date(2027, 3, 31)),
                certification_award(2, person_id="person-2", expires_on=dt.date(2027, 4, 1)),
                certification_award(3, expires_on=dt.date(2027, 4, 30)),
                certification_award(4, person_id="person-3", expires_on=dt.date(2028, 1, 1)),
            ],
        )
        with self.make_unit_of_work() as uow:
            awards = uow.certification_awards

            def expiring(first: dt.date, last: dt.date) -> builtins.list[str]:
                return _ids(awards.expiring(first, last))

            assert _ids(awards.for_person(PersonId("person-1"))) == ["award-1", "award-3"]
            assert awards.for_person(PersonId("nobody")) == []
            assert expiring(dt.date(2027, 3, 31), dt.date(2027, 4, 30)) == [
                "award-1",
                "award-2",
                "award-3",
            ]
            assert expiring(dt.date(2027, 4, 1), dt.date(2027, 4, 29)) == ["award-2"]
            assert expiring(dt.date(2027, 4, 2), dt.date(2027, 4, 1)) == []
            assert expiring(dt.date(1, 1, 1), dt.date(9999, 12, 31)) == _ids(awards.list())
            first = awards.get("award-1")  # type: ignore[arg-type]
            awards.update(
                attrs.evolve(first, person_id=PersonId("person-3"), expires_on=dt.date(2030, 1, 1))
            )
            awards.remove("award-2")  # type: ignore[arg-type]
            for _ in _before_and_after_commit(uow):
                assert expiring(dt.date(2027, 1, 1), dt.date(2027, 12, 31)) == ["award-3"]
                assert _ids(awards.for_person(PersonId("person-3"))) == ["award-1", "award-4"]
            with pytest.raises(ValidationError) as caught:
                awards.expiring("2027-01-01", dt.date(2027, 1, 2))  # type: ignore[arg-type]
            assert caught.value.paths == ("first",)

    def test_sent_reminders_by_due_day(self) -> None:
        """Sent-reminder records by the day they fell due, both ends inclusive."""
        self._seed(
            "sent_reminders",
            [
                sent_reminder(1, due_on=dt.date(2027, 3, 1)),
                sent_reminder(2, due_on=dt.date(2027, 3, 2)),
                sent_reminder(3, due_on=dt.date(2027, 4, 1)),
            ],
        )
        with self.make_unit_of_work() as uow:
            reminders = uow.sent_reminders

            def due(first: dt.date, last: dt.date) -> builtins.list[str]:
                return [r.award_id for r in reminders.due_between(first, last)]

            assert due(dt.date(2027, 3, 1), dt.date(2027, 3, 2)) == ["award-1", "award-2"]
            assert due(dt.date(2027, 3, 2), dt.date(2027, 4, 1)) == ["award-2", "award-3"]
            assert due(dt.date(2027, 3, 3), dt.date(2027, 3, 31)) == []
            reminders.add(sent_reminder(4, due_on=dt.date(2027, 3, 15)))
            for _ in _before_and_after_commit(uow):
                assert due(dt.date(2027, 3, 3), dt.date(2027, 3, 31)) == ["award-4"]
            with pytest.raises(ValidationError) as caught:
                reminders.due_between(dt.date(2027, 3, 1), None)  # type: ignore[arg-type]
            assert caught.value.paths == ("last",)


def _query_deal_registrations() -> builtins.list[Any]:
    rules = RegistrationRules()
    day = dt.timedelta(days=1)
    one = deal_registration(1)
    two = deal_registration(2, partner_id=PartnerId("p-2")).submit(MOMENT + day, rules)
    three = deal_registration(3).submit(MOMENT + day, rules).approve(MOMENT + 2 * day, rules)
    four = three.close(True, MOMENT + 3 * day)
    return [
        one,
        two,
        three,
        attrs.evolve(four, id=DealRegistrationId("dr-4"), partner_id=PartnerId("p-2")),
        attrs.evolve(two, id=DealRegistrationId("dr-5")).reject(MOMENT + 2 * day, "duplicate"),
    ]


class DealRegistrationQueryTests(StoreHooks):
    """Deal registrations by status and partner, and the ones a conflict detector loads.

    .. versionadded:: 0.1.0
    """

    def test_deal_registrations_by_status_and_partner(self) -> None:
        """Filters by status (member or value) and partner, alone and combined."""
        self._seed("deal_registrations", _query_deal_registrations())
        with self.make_unit_of_work() as uow:
            repo = uow.deal_registrations
            assert _ids(repo.list()) == ["dr-1", "dr-2", "dr-3", "dr-4", "dr-5"]
            assert _ids(repo.list(status="submitted")) == ["dr-2"]
            assert _ids(repo.list(status=DealStatus.DRAFT)) == ["dr-1"]
            assert _ids(repo.list(partner_id=PartnerId("p-2"))) == ["dr-2", "dr-4", "dr-5"]
            assert _ids(repo.list(status="won", partner_id=PartnerId("p-2"))) == ["dr-4"]
            assert _ids(repo.list(status="won", partner_id=PartnerId("p-1"))) == []
            assert _ids(repo.indexable()) == ["dr-2", "dr-3", "dr-4"]
            with pytest.raises(ValidationError) as info:
                repo.list(status="pending")
            assert info.value.paths == ("status",)

    def test_deal_registration_filters_follow_writes(self) -> None:
        """A changed status moves a registration between filters, also before commit."""
        self._seed("deal_registrations", _query_deal_registrations())
        with self.make_unit_of_work() as uow:
            repo = uow.deal_registrations
            two = repo.get(DealRegistrationId("dr-2"))
            repo.update(two.withdraw(MOMENT + dt.timedelta(days=5)))
            repo.remove(DealRegistrationId("dr-3"))
            for _ in _before_and_after_commit(uow):
                assert _ids(repo.list(status="submitted")) == []
                assert _ids(repo.list(status="withdrawn")) == ["dr-2"]
                assert _ids(repo.indexable()) == ["dr-4"]


class UnitOfWorkTests(StoreHooks):
    """Transactions: commit, rollback, isolation, read-your-writes, and events published only
    after a successful commit.

    .. versionadded:: 0.1.0
    """

    def test_reads_see_the_units_own_writes(self) -> None:
        """Inside a unit, reads, counts and queries see its uncommitted writes."""
        (kept, gone) = self._seed("partners", [partner(1), partner(2)])
        with self.make_unit_of_work() as uow:
            added = uow.partners.add(partner(3, locations=(Location(country="JP"),)))
            changed = uow.partners.update(attrs.evolve(kept, name="Renamed"))
            uow.partners.remove(gone.id)
            assert uow.partners.get(added.id) == added
            assert uow.partners.get(kept.id) == changed
            assert uow.partners.find(gone.id) is None
            assert uow.partners.list() == [changed, added]
            assert uow.partners.count() == 2
            assert uow.partners.list(country="JP") == [added]
            assert uow.partners.list(country="DE") == [changed]

    def test_other_units_see_writes_only_after_commit(self) -> None:
        """Another unit does not see uncommitted writes, and sees them once committed."""
        (kept,) = self._seed("partners", [partner(1)])
        with self.make_unit_of_work() as writer, self.make_unit_of_work() as reader:
            added = writer.partners.add(partner(2))
            changed = writer.partners.update(attrs.evolve(kept, name="Renamed"))
            assert reader.partners.find(added.id) is None
            assert reader.partners.get(kept.id) == kept
            assert reader.partners.list() == [kept]
            assert reader.partners.count() == 1
            writer.commit()
            assert reader.partners.get(added.id) == added
            assert reader.partners.list() == [changed, added]

    def test_leaving_without_commit_rolls_back(self) -> None:
        """Whatever a unit wrote and did not commit is gone when its block ends."""
        stored = self._mixed_store()
        before = self._contents()
        with self.make_unit_of_work() as uow:
            for case in CASES:
                repo = _repo(uow, case.attribute)
                repo.add(case.make(1))
                repo.update(case.change(stored[case.attribute][0]))
            uow.people.remove(stored["people"][0].id)
        assert self._contents() == before

    def test_an_exception_rolls_back_and_propagates(self) -> None:
        """An exception in the block rolls everything back (the whole store is as before),
        publishes nothing and is re-raised."""

        class Boom(Exception):
            pass

        stored = self._mixed_store()
        before = self._contents()
        sink = RecordingSink()

        def fail_halfway() -> None:
            with self.make_unit_of_work(sink) as uow:
                for case in CASES:
                    repo = _repo(uow, case.attribute)
                    repo.add(case.make(2))
                    repo.update(case.change(stored[case.attribute][0]))
                uow.partners.remove(stored["partners"][0].id)
                uow.collect(_event(1))
                raise Boom

        with pytest.raises(Boom):
            fail_halfway()
        assert self._contents() == before
        assert sink.events == []

    def test_rollback_discards_writes_and_events(self) -> None:
        """``rollback()`` forgets writes and collected events; the unit stays usable."""
        sink = RecordingSink()
        with self.make_unit_of_work(sink) as uow:
            uow.partners.add(partner(1))
            uow.collect(_event(1))
            uow.rollback()
            assert uow.partners.count() == 0
            second = uow.partners.add(partner(2))
            uow.collect(_event(2))
            uow.commit()
        assert _ids(self._contents()["partners"]) == [second.id]
        assert [e.id for e in sink.events] == ["evt-2"]

    def test_commit_then_continue(self) -> None:
        """After a commit the unit keeps working; uncommitted later work still rolls back."""
        with self.make_unit_of_work() as uow:
            first = uow.partners.add(partner(1))
            uow.commit()
            second = uow.partners.update(attrs.evolve(first, name="Second"))
            uow.commit()
            uow.partners.update(attrs.evolve(second, name="Third, never committed"))
        assert self._contents()["partners"] == [second]

    def test_events_are_published_only_after_commit(self) -> None:
        """Collected events reach the sink at commit, in order, as one batch per commit."""
        sink = RecordingSink()
        events = [_event(1), _event(2), _event(3)]
        with self.make_unit_of_work(sink) as uow:
            uow.partners.add(partner(1))
            uow.collect(*events[:2])
            uow.collect(events[2])
            assert sink.events == []
            uow.commit()
            assert sink.events == events
            assert sink.batches == [tuple(events)]

    def test_events_are_published_once_the_data_is_visible(self) -> None:
        """When the sink receives the events, other units already see the committed data (a
        host reacting to an event can read what it announces)."""
        seen: builtins.list[builtins.list[Partner]] = []
        suite = self

        class LookingSink(RecordingSink):
            def publish(self, events: Sequence[DomainEvent]) -> None:
                with suite.make_unit_of_work() as other:
                    seen.append(other.partners.list())
                super().publish(events)

        sink = LookingSink()
        with self.make_unit_of_work(sink) as uow:
            stored = uow.partners.add(partner(1))
            uow.collect(_event(1, stored))
            uow.commit()
        assert seen == [[stored]]
        assert sink.names == ["PartnerRegistered"]

    def test_rolled_back_events_are_never_published(self) -> None:
        """A unit that ends without committing publishes nothing."""
        sink = RecordingSink()
        with self.make_unit_of_work(sink) as uow:
            uow.partners.add(partner(1))
            uow.collect(_event(1))
        with self.make_unit_of_work(sink) as uow:
            uow.collect(_event(2))
        assert sink.events == []

    def test_each_event_is_published_once(self) -> None:
        """Committing twice publishes each event once; later events go with the later
        commit."""
        sink = RecordingSink()
        with self.make_unit_of_work(sink) as uow:
            uow.partners.add(partner(1))
            uow.collect(_event(1))
            uow.commit()
            uow.commit()
            uow.collect(_event(2))
            uow.commit()
            uow.commit()
        assert [e.id for e in sink.events] == ["evt-1", "evt-2"]
        assert len(sink.batches) == 2

    def test_events_without_a_sink_are_dropped(self) -> None:
        """A unit without a sink commits normally and drops its events."""
        with self.make_unit_of_work(None) as uow:
            stored = uow.partners.add(partner(1))
            uow.collect(_event(1))
            uow.commit()
        assert self._contents()["partners"] == [stored]

    def test_a_conflict_leaves_the_winner_and_publishes_nothing(self) -> None:
        """A unit whose update lost to another commit raises ConflictError; when it ends, the
        other unit's data is intact and none of its events are published."""
        (stored,) = self._seed("partners", [partner(1)])
        sink = RecordingSink()
        with self.make_unit_of_work(sink) as loser:
            seen = loser.partners.get(stored.id)
            with self.make_unit_of_work() as winner:
                won = winner.partners.update(attrs.evolve(seen, name="Winner"))
                winner.commit()
            loser.collect(_event(1))
            with pytest.raises(ConflictError) as caught:
                loser.partners.update(attrs.evolve(seen, name="Loser"))
            assert (caught.value.expected, caught.value.actual) == (1, 2)
        assert self._contents()["partners"] == [won]
        assert sink.events == []


class ConcurrencyTests(StoreHooks):
    """Units in two threads racing for the same object: exactly one wins, nothing is lost or
    merged.

    .. versionadded:: 0.1.0
    """

    def test_two_threads_update_the_same_version(self) -> None:
        """Two units read version 1 and update it at once: exactly one commits, the other gets
        ConflictError, and the stored data is entirely the winner's."""
        (stored,) = self._seed("partners", [partner(1)])
        barrier = threading.Barrier(2, timeout=_THREAD_TIMEOUT)
        results: dict[str, object] = {}

        def run(name: str) -> None:
            try:
                with self.make_unit_of_work() as uow:
                    seen = uow.partners.get(stored.id)
                    barrier.wait()
                    uow.partners.update(
                        attrs.evolve(seen, name=name, program_level_id=ProgramLevelId(name.lower()))
                    )
                    uow.commit()
                results[name] = "won"
            except BaseException as exc:  # reported to the main thread
                results[name] = exc

        _run_threads(run)
        winners = [name for name, result in results.items() if result == "won"]
        losers = [result for result in results.values() if result != "won"]
        assert len(winners) == 1, results
        (loser,) = losers
        assert isinstance(loser, ConflictError), loser
        assert (loser.expected, loser.actual) == (1, 2)
        with self.make_unit_of_work() as uow:
            final = uow.partners.get(stored.id)
        assert final == attrs.evolve(
            stored, name=winners[0], program_level_id=ProgramLevelId(winners[0].lower()), version=2
        )

    def test_two_threads_add_the_same_id(self) -> None:
        """Two units add the same new id at once: exactly one object is stored, the other unit
        gets ConflictError."""
        barrier = threading.Barrier(2, timeout=_THREAD_TIMEOUT)
        results: dict[str, object] = {}

        def run(name: str) -> None:
            try:
                with self.make_unit_of_work() as uow:
                    assert uow.partners.find(PartnerId("p-1")) is None
                    barrier.wait()
                    uow.partners.add(partner(1, name=name))
                    uow.commit()
                results[name] = "won"
            except BaseException as exc:  # reported to the main thread
                results[name] = exc

        _run_threads(run)
        winners = [name for name, result in results.items() if result == "won"]
        assert len(winners) == 1, results
        (loser,) = [result for result in results.values() if result != "won"]
        assert isinstance(loser, ConflictError), loser
        with self.make_unit_of_work() as uow:
            assert [p.name for p in uow.partners.list()] == winners


def _run_threads(run: Callable[[str], None]) -> None:
    threads = [threading.Thread(target=run, args=(name,)) for name in ("Alpha", "Beta")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(_THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a unit of work hung"


_NAMES = st.sampled_from(["Acme IT", "Müller & Söhne", "株式会社テスト", "O'Brien; DROP TABLE"])


class _DictModel(RuleBasedStateMachine):
    """One open unit of work on partners, checked step by step against two dicts: what the
    unit should see and what is committed."""

    ids = Bundle("ids")

    def __init__(self) -> None:
        super().__init__()
        self.hooks._clear("partners")
        self.uow = self.hooks.make_unit_of_work()
        self.uow.__enter__()
        self.committed: dict[str, Partner] = {}
        self.view: dict[str, Partner] = {}

    hooks: StoreHooks  # set on the subclass made for each test

    @rule(target=ids, number=st.integers(min_value=0, max_value=20))
    def new_id(self, number: int) -> str:
        return f"p-{number}"

    @rule(key=ids, name=_NAMES)
    def add(self, key: str, name: str) -> None:
        obj = partner(0, id=key, name=name)
        if key in self.view:
            with pytest.raises(ConflictError):
                self.uow.partners.add(obj)
        else:
            stored = self.uow.partners.add(obj)
            assert stored.version == 1
            self.view[key] = stored

    @rule(key=ids, name=_NAMES)
    def update(self, key: str, name: str) -> None:
        current = self.view.get(key)
        if current is None:
            with pytest.raises(NotFoundError):
                self.uow.partners.update(partner(0, id=key, version=1))
        else:
            stored = self.uow.partners.update(attrs.evolve(current, name=name))
            assert stored.version == current.version + 1
            self.view[key] = stored

    @rule(key=ids, offset=st.sampled_from([-1, 1, 7]))
    def stale_update(self, key: str, offset: int) -> None:
        current = self.view.get(key)
        if current is None:
            return
        stale = current.version + offset if current.version + offset >= 0 else 0
        with pytest.raises(ConflictError):
            self.uow.partners.update(attrs.evolve(current, name="stale", version=stale))

    @rule(key=ids, checked=st.booleans())
    def remove(self, key: str, checked: bool) -> None:
        current = self.view.get(key)
        if current is None:
            with pytest.raises(NotFoundError):
                self.uow.partners.remove(PartnerId(key))
        else:
            self.uow.partners.remove(PartnerId(key), current.version if checked else None)
            del self.view[key]

    @rule(key=ids)
    def stale_remove(self, key: str) -> None:
        current = self.view.get(key)
        if current is None:
            return
        with pytest.raises(ConflictError):
            self.uow.partners.remove(PartnerId(key), expected_version=current.version + 1)

    @rule()
    def commit(self) -> None:
        self.uow.commit()
        self.committed = dict(self.view)

    @rule()
    def rollback(self) -> None:
        self.uow.rollback()
        self.view = dict(self.committed)

    @invariant()
    def the_unit_sees_its_view(self) -> None:
        assert self.uow.partners.list() == [self.view[key] for key in sorted(self.view)]
        assert self.uow.partners.count() == len(self.view)

    @invariant()
    def other_units_see_what_is_committed(self) -> None:
        with self.hooks.make_unit_of_work() as other:
            found = other.partners.list()
        assert found == [self.committed[key] for key in sorted(self.committed)]

    def teardown(self) -> None:
        self.uow.__exit__(None, None, None)


class ModelTests(StoreHooks):
    """A model-based test: random sequences of adds, updates, stale updates, removes, commits
    and rollbacks must leave the store exactly like a plain dict.

    .. versionadded:: 0.1.0
    """

    def test_store_behaves_like_a_dict(self) -> None:
        """Random operation sequences (hypothesis ``RuleBasedStateMachine``) against a dict
        model of the unit's view and of the committed data."""
        machine = type("StoreModel", (_DictModel,), {"hooks": self})
        run_state_machine_as_test(
            machine, settings=settings(max_examples=30, stateful_step_count=20, deadline=None)
        )


def _commission_fixtures() -> tuple[Any, builtins.list[Any], builtins.list[Any]]:
    """A plan, three transactions and the ledger lines of closing January with them."""
    from decimal import Decimal

    from prmcore.commissions import (
        CommissionPlan,
        Component,
        Credit,
        PlanVersion,
        Transaction,
        run_period,
    )
    from prmcore.money import ExchangeRate, InMemoryRateSource, Money
    from prmcore.periods import MonthCalendar

    calendar = MonthCalendar()
    plan = CommissionPlan(
        id="plan-1",
        name="Resale",
        currency="EUR",
        calendar=calendar,
        versions=[
            PlanVersion(
                id="v1",
                effective_from=dt.date(2026, 1, 1),
                components=[Component(id="base", rate=Decimal("0.05"))],
            )
        ],
    )
    transactions = [
        Transaction("t-1", dt.date(2026, 1, 5), Money("1000.00", "EUR"), [Credit("p-1")]),
        Transaction(
            "t-2",
            dt.date(2026, 1, 9),
            Money("200.00", "USD"),
            [Credit("p-1", 60), Credit("p-2", 40)],
            product_line="fw",
        ),
        Transaction("t-3", dt.date(2026, 2, 2), Money("10.00", "EUR"), [Credit("p-2")]),
    ]
    rates = InMemoryRateSource([ExchangeRate("USD", "EUR", "0.9", dt.date(2026, 1, 1), "ECB")])
    january = calendar.period_containing(dt.date(2026, 1, 1))
    lines = run_period(
        plan, january, transactions, as_of=dt.date(2026, 2, 1), rates=rates, close=True
    ).lines
    return plan, transactions, list(lines)


class CommissionStoreTests(StoreHooks):
    """The commission repositories: plans, transactions, the append-only ledger and closed
    periods, with all-or-nothing batches and rollback.

    .. versionadded:: 0.1.0
    """

    def test_plans_are_saved_replaced_and_listed(self) -> None:
        """Plans round-trip exactly; saving again replaces; unknown ids are not found."""
        plan, _, _ = _commission_fixtures()
        other = attrs.evolve(plan, id="plan-0", name="Other")
        with self.make_unit_of_work() as uow:
            assert uow.commission_plans.find("plan-1") is None
            uow.commission_plans.save(plan)
            uow.commission_plans.save(other)
            assert uow.commission_plans.get("plan-1") == plan  # read your writes
            uow.commit()
        renamed = attrs.evolve(plan, name="Resale (corrected)")
        with self.make_unit_of_work() as uow:
            assert [p.id for p in uow.commission_plans.list()] == ["plan-0", "plan-1"]
            assert uow.commission_plans.get("plan-1") == plan
            uow.commission_plans.save(renamed)
            uow.commit()
        with self.make_unit_of_work() as uow:
            assert uow.commission_plans.get("plan-1") == renamed
            with pytest.raises(NotFoundError):
                uow.commission_plans.get("nope")
            with pytest.raises(TypeError):
                uow.commission_plans.save("plan")  # type: ignore[arg-type]

    def test_transactions_are_recorded_once_and_listed_by_date(self) -> None:
        """Transactions round-trip; a duplicate id adds nothing of its batch."""
        _, transactions, _ = _commission_fixtures()
        with self.make_unit_of_work() as uow:
            uow.commission_transactions.add_many(reversed(transactions[:2]))
            uow.commit()
        with self.make_unit_of_work() as uow:
            with pytest.raises(ConflictError):
                uow.commission_transactions.add_many([transactions[2], transactions[0]])
            with pytest.raises(ConflictError):
                uow.commission_transactions.add_many([transactions[2], transactions[2]])
            assert uow.commission_transactions.count() == 2
            uow.commission_transactions.add_many([transactions[2]])
            uow.commit()
        with self.make_unit_of_work() as uow:
            repo = uow.commission_transactions
            assert repo.list() == transactions
            assert repo.list(start=dt.date(2026, 1, 9)) == transactions[1:]
            assert repo.list(end=dt.date(2026, 1, 9)) == transactions[:2]
            assert repo.get("t-2") == transactions[1]
            with pytest.raises(NotFoundError):
                repo.get("t-9")

    def test_the_ledger_appends_in_order_and_filters(self) -> None:
        """Lines come back exactly, in append order; a duplicate id appends nothing."""
        plan, _, lines = _commission_fixtures()
        january = lines[0].period
        with self.make_unit_of_work() as uow:
            uow.commission_ledger.append(lines[:2])
            uow.commission_ledger.append(lines[2:])
            uow.commit()
        with self.make_unit_of_work() as uow:
            ledger = uow.commission_ledger
            assert ledger.list(plan.id) == lines
            assert ledger.list("other") == []
            assert ledger.list(plan.id, partner_id="p-2") == [
                x for x in lines if x.partner_id == "p-2"
            ]
            assert ledger.list(plan.id, period=january) == lines
            assert ledger.list(plan.id, period=attrs.evolve(january, label=None)) == lines
            converted = [x for x in ledger.list(plan.id) if x.fx_rate is not None]
            assert converted
            assert converted[0].original_amount is not None
            with pytest.raises(ConflictError):
                ledger.append([attrs.evolve(lines[0], id="new-1"), lines[1]])
            with pytest.raises(ConflictError):
                ledger.append([attrs.evolve(lines[0], id="x"), attrs.evolve(lines[1], id="x")])
            assert ledger.count() == len(lines)
            with pytest.raises(TypeError):
                ledger.append(["line"])  # type: ignore[list-item]

    def test_periods_close_once(self) -> None:
        """A period is closed once; closes are listed oldest first per plan."""
        from prmcore.commissions import PeriodClose

        _, _, lines = _commission_fixtures()
        january = lines[0].period
        february = attrs.evolve(
            january, start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28), label="2026-02"
        )
        with self.make_unit_of_work() as uow:
            uow.commission_periods.close(PeriodClose("plan-1", february, dt.date(2026, 3, 1)))
            uow.commission_periods.close(PeriodClose("plan-1", january, dt.date(2026, 2, 1)))
            with pytest.raises(ConflictError):
                uow.commission_periods.close(PeriodClose("plan-1", january, dt.date(2026, 2, 2)))
            uow.commit()
        with self.make_unit_of_work() as uow:
            closed = uow.commission_periods.closed("plan-1")
            assert [c.period for c in closed] == [january, february]
            assert closed[0].closed_on == dt.date(2026, 2, 1)
            assert uow.commission_periods.closed("plan-2") == []
            with pytest.raises(ConflictError):
                uow.commission_periods.close(PeriodClose("plan-1", january, dt.date(2026, 2, 2)))

    def test_commission_writes_roll_back_and_stay_private_until_commit(self) -> None:
        """Nothing of a unit that did not commit is stored; others see writes after commit."""
        from prmcore.commissions import PeriodClose

        plan, transactions, lines = _commission_fixtures()
        with self.make_unit_of_work() as uow:
            uow.commission_plans.save(plan)
            uow.commission_transactions.add_many(transactions)
            uow.commission_ledger.append(lines)
            uow.commission_periods.close(PeriodClose(plan.id, lines[0].period, dt.date(2026, 2, 1)))
            with self.make_unit_of_work() as other:
                assert other.commission_plans.find(plan.id) is None
                assert other.commission_ledger.count() == 0
        with self.make_unit_of_work() as uow:
            assert uow.commission_plans.list() == []
            assert uow.commission_transactions.count() == 0
            assert uow.commission_ledger.list(plan.id) == []
            assert uow.commission_periods.closed(plan.id) == []
            uow.commission_ledger.append(lines)
            uow.rollback()
            assert uow.commission_ledger.count() == 0


def _rotation(territory: str = "t-1") -> RotationState:
    return RotationState(
        territory,
        (
            RotationEntry(PartnerId("p-1"), current="-1.5", assigned=3),
            RotationEntry(PartnerId("p-2"), current="1.5", assigned=2),
        ),
    )


def _routing(number: int, status: RoutingStatus = RoutingStatus.OFFERED) -> LeadRouting:
    offer = Offer(
        PartnerId("p-1"), "t-1", 1, MOMENT, MOMENT + dt.timedelta(hours=48), "declined",
        MOMENT + dt.timedelta(hours=1), "other", "Zoë's note",
    )  # fmt: skip
    return LeadRouting(
        id=f"lead-{number}",  # type: ignore[arg-type]
        idempotency_key=f"key-{number}",
        status=status,
        created_at=MOMENT,
        model_id="m",
        model_version=2,
        offers=(offer,),
        queue_reason="no partner accepted" if status is RoutingStatus.QUEUED else None,
    )


class RoutingStateTests(StoreHooks):
    """Lead-routing state: rotations, partner loads and routing records round-trip, filter by
    status, and change only by compare-and-set.

    .. versionadded:: 0.1.0
    """

    def test_routing_state_round_trips(self) -> None:
        """Rotations (with Decimal counters), loads (with periods) and records (with offers)
        come back equal."""
        load = PartnerLoad(
            PartnerId("p-1"), open=2, periods=(PeriodCount("2026-03", 2),), offered=5, won=1
        )
        with self.make_unit_of_work() as uow:
            rotation = uow.rotation_states.add(_rotation())
            stored_load = uow.partner_loads.add(load)
            record = uow.lead_routings.add(_routing(1))
            uow.commit()
        with self.make_unit_of_work() as uow:
            assert uow.rotation_states.get("t-1") == rotation
            assert uow.rotation_states.list() == [rotation]
            assert uow.partner_loads.get(PartnerId("p-1")) == stored_load
            assert uow.partner_loads.list() == [stored_load]
            assert uow.lead_routings.get(record.id) == record
            assert uow.rotation_states.get("t-1").currents()["p-1"] == rotation.currents()["p-1"]

    def test_lead_routings_filter_by_status(self) -> None:
        """``list(status=...)`` keeps the records in that status, sorted by lead id."""
        self._seed(
            "lead_routings",
            [_routing(3), _routing(1, RoutingStatus.QUEUED), _routing(2)],
        )
        with self.make_unit_of_work() as uow:
            repo = uow.lead_routings
            assert _ids(repo.list(status="offered")) == ["lead-2", "lead-3"]
            assert _ids(repo.list(status=RoutingStatus.QUEUED)) == ["lead-1"]
            assert _ids(repo.list()) == ["lead-1", "lead-2", "lead-3"]
            assert repo.list(status="accepted") == []
            with pytest.raises(ValidationError):
                repo.list(status="lost")

    def test_stale_rotation_write_conflicts(self) -> None:
        """Two units read the same rotation version; the second write raises
        :class:`~prmcore.errors.ConflictError` and the first one's state stays."""
        self._seed("rotation_states", [_rotation()])
        with self.make_unit_of_work() as first, self.make_unit_of_work() as second:
            a = first.rotation_states.get("t-1")
            b = second.rotation_states.get("t-1")
            first.rotation_states.update(a.with_values({"p-1": Decimal(0)}, {"p-1": 9}))
            first.commit()
            with pytest.raises(ConflictError):
                second.rotation_states.update(b.with_values({"p-2": Decimal(0)}, {"p-2": 9}))
        with self.make_unit_of_work() as uow:
            final = uow.rotation_states.get("t-1")
        assert (final.version, final.assigned()) == (2, {"p-1": 9})

    def test_new_state_added_twice_conflicts(self) -> None:
        """Two routers creating the first load of a partner: one wins, the other conflicts."""
        with self.make_unit_of_work() as first, self.make_unit_of_work() as second:
            assert second.partner_loads.find(PartnerId("p-1")) is None
            first.partner_loads.add(PartnerLoad(PartnerId("p-1"), open=1))
            first.commit()
            with pytest.raises(ConflictError):
                second.partner_loads.add(PartnerLoad(PartnerId("p-1"), open=1))
        with self.make_unit_of_work() as uow:
            assert uow.partner_loads.get(PartnerId("p-1")).version == 1


class StoreConformance(
    RepositoryTests,
    QueryTests,
    DealRegistrationQueryTests,
    UnitOfWorkTests,
    ConcurrencyTests,
    ModelTests,
    CommissionStoreTests,
    RoutingStateTests,
):
    """The whole conformance suite: subclass it (name the subclass ``Test...``), implement
    :meth:`~StoreHooks.make_unit_of_work` and override :meth:`~StoreHooks.fresh_store`.

    Example:
        .. code-block:: python

            class TestInMemoryStore(StoreConformance):
                @pytest.fixture(autouse=True)
                def fresh_store(self):
                    self.store = InMemoryStore()
                    yield

                def make_unit_of_work(self, sink=None):
                    return InMemoryUnitOfWork(self.store, sink)

    .. versionadded:: 0.1.0
    """
