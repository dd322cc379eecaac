"""Two processes update the same partner from the same version in one SQLite file: exactly
one wins, the other sees ConflictError, and the file holds the winner's data."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier
from pathlib import Path

import attrs

from prmcore.domain import PartnerId
from prmcore.errors import ConflictError
from prmcore.repositories import SqliteStore, SqliteUnitOfWork
from prmcore.testing._samples import partner

TIMEOUT = 60.0


def update_from_version_1(path: str, name: str, barrier: Barrier, results: object) -> None:
    """Runs in a child process: read version 1, wait for the other process, then write."""
    try:
        with SqliteStore(path) as store, SqliteUnitOfWork(store) as uow:
            seen = uow.partners.get(PartnerId("p-1"))
            assert seen.version == 1
            barrier.wait()
            try:
                uow.partners.update(attrs.evolve(seen, name=name))
                uow.commit()
                outcome = "won"
            except ConflictError as exc:
                outcome = f"conflict {exc.expected}->{exc.actual}"
    except BaseException as exc:  # reported to the parent
        outcome = f"error {exc!r}"
    results.put((name, outcome))  # type: ignore[attr-defined]


def test_two_processes_one_version_exactly_one_wins(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    with SqliteStore(path) as store, SqliteUnitOfWork(store) as uow:
        uow.partners.add(partner(1))
        uow.commit()

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2, timeout=TIMEOUT)
    results = context.Queue()
    workers = [
        context.Process(target=update_from_version_1, args=(path, name, barrier, results))
        for name in ("Alpha", "Beta")
    ]
    for worker in workers:
        worker.start()
    outcomes = dict(results.get(timeout=TIMEOUT) for _ in workers)
    for worker in workers:
        worker.join(TIMEOUT)
        assert worker.exitcode == 0

    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    assert sorted(outcomes.values()) == ["conflict 1->2", "won"]
    with SqliteStore(path) as store, SqliteUnitOfWork(store) as uow:
        final = uow.partners.get(PartnerId("p-1"))
    assert (final.name, final.version) == (winners[0], 2)
