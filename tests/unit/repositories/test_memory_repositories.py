"""The in-memory store beyond the conformance suite: commit-time conflicts, misuse, threads."""

from __future__ import annotations

import threading

import attrs
import pytest

from prmcore.domain import PartnerId
from prmcore.errors import ConflictError, PrmError, ValidationError
from prmcore.events import EventSink, RecordingSink
from prmcore.repositories import (
    InMemoryStore,
    InMemoryUnitOfWork,
    PartnerRepository,
    Repository,
    UnitOfWork,
)
from prmcore.testing._samples import partner, person
from prmcore.testing.conformance import ModelTests, StoreHooks, _event


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


def seed(store: InMemoryStore, *numbers: int) -> list[object]:
    with InMemoryUnitOfWork(store) as uow:
        stored = uow.partners.add_many(partner(n) for n in numbers)
        uow.commit()
    return list(stored)


def test_a_change_committed_in_between_fails_the_commit_and_applies_nothing(
    store: InMemoryStore,
) -> None:
    (first,) = seed(store, 1)
    sink = RecordingSink()
    with InMemoryUnitOfWork(store, sink) as slow:
        slow.people.add(person(1))
        slow.partners.update(attrs.evolve(first, name="Slow"))
        slow.collect(_event(1))
        with InMemoryUnitOfWork(store) as fast:
            won = fast.partners.update(attrs.evolve(first, name="Fast"))
            fast.commit()
        with pytest.raises(ConflictError) as caught:
            slow.commit()
        assert (caught.value.kind, caught.value.key) == ("Partner", "p-1")
        assert (caught.value.expected, caught.value.actual) == (1, 2)
        # The failed commit rolled the unit back: it sees the committed data only.
        assert slow.people.count() == 0
        assert slow.partners.list() == [won]
        slow.commit()
    assert sink.events == []
    with InMemoryUnitOfWork(store) as uow:
        assert uow.people.list() == []
        assert uow.partners.list() == [won]


def test_an_add_that_lost_the_race_fails_at_commit(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as slow, InMemoryUnitOfWork(store) as fast:
        slow.partners.add(partner(1, name="Slow"))
        fast.partners.add(partner(1, name="Fast"))
        fast.commit()
        with pytest.raises(ConflictError, match="already exists") as caught:
            slow.commit()
        assert (caught.value.expected, caught.value.actual) == (None, 1)
    with InMemoryUnitOfWork(store) as uow:
        assert [p.name for p in uow.partners.list()] == ["Fast"]


def test_a_remove_of_something_removed_meanwhile_fails_at_commit(store: InMemoryStore) -> None:
    (first,) = seed(store, 1)
    with InMemoryUnitOfWork(store) as slow, InMemoryUnitOfWork(store) as fast:
        slow.partners.update(attrs.evolve(first, name="Slow"))
        fast.partners.remove(first.id)
        fast.commit()
        with pytest.raises(ConflictError, match="removed by someone else") as caught:
            slow.commit()
        assert (caught.value.expected, caught.value.actual) == (1, None)
    with InMemoryUnitOfWork(store) as uow:
        assert uow.partners.count() == 0


def test_add_then_remove_in_one_unit_leaves_nothing(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as uow:
        uow.partners.add(partner(1))
        uow.partners.remove(PartnerId("p-1"))
        uow.commit()
        assert uow.partners.count() == 0
    assert "partners=0" in repr(store)


def test_a_unit_is_used_inside_its_with_block_only(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    for action in (
        lambda: uow.partners.list(),
        lambda: uow.partners.add(partner(1)),
        uow.commit,
        uow.rollback,
        lambda: uow.collect(_event(1)),
    ):
        with pytest.raises(PrmError, match="not active"):
            action()
    with uow, pytest.raises(PrmError, match="already active"):
        uow.__enter__()
    with uow:  # usable again after the block
        assert uow.partners.count() == 0


def test_misuse_is_a_type_error(store: InMemoryStore) -> None:
    with pytest.raises(TypeError, match="InMemoryStore"):
        InMemoryUnitOfWork(object())  # type: ignore[arg-type]
    with InMemoryUnitOfWork(store) as uow:
        with pytest.raises(TypeError, match="stores Partner objects, not Person"):
            uow.partners.add(person(1))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="not Person"):
            uow.partners.update(person(1))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="DomainEvent"):
            uow.collect("PartnerRegistered")  # type: ignore[arg-type]


def test_the_shipped_classes_satisfy_the_protocols(store: InMemoryStore) -> None:
    uow = InMemoryUnitOfWork(store)
    assert isinstance(uow, UnitOfWork)
    assert isinstance(uow.partners, PartnerRepository)
    assert isinstance(uow.people, Repository)


def test_many_threads_write_one_store(store: InMemoryStore) -> None:
    barrier = threading.Barrier(8, timeout=30)
    errors: list[BaseException] = []

    def work(base: int) -> None:
        try:
            barrier.wait()
            for n in range(base, base + 25):
                with InMemoryUnitOfWork(store) as uow:
                    uow.partners.add(partner(n))
                    uow.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i * 100,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with InMemoryUnitOfWork(store) as uow:
        assert uow.partners.count() == 200


def test_lookup_arguments_must_be_strings(store: InMemoryStore) -> None:
    with InMemoryUnitOfWork(store) as uow:
        with pytest.raises(ValidationError) as caught:
            uow.people.find_by_email(5)  # type: ignore[arg-type]
        assert caught.value.paths == ("email",)
        with pytest.raises(ValidationError) as caught:
            uow.accounts.find_by_external_id("duns", None)  # type: ignore[arg-type]
        assert caught.value.paths == ("value",)


class TestModelOnlyWithDefaultHooks(ModelTests):
    """A part of the suite on its own, keeping the default (no-op) fresh_store hook: the model
    test empties the partners itself before each example."""

    store = InMemoryStore()

    def make_unit_of_work(self, sink: EventSink | None = None) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store, sink)


def test_the_hooks_must_be_implemented() -> None:
    with pytest.raises(NotImplementedError, match="make_unit_of_work"):
        StoreHooks().make_unit_of_work()
