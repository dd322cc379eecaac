"""The SQLite store beyond the conformance suite: schema and migrations, files, connections,
locking, failures and parameterised SQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from prmcore.domain import AccountId, PartnerId, PersonId, ProgramLevelId
from prmcore.errors import PrmError, ValidationError
from prmcore.events import RecordingSink
from prmcore.repositories import (
    SCHEMA_VERSION,
    PartnerRepository,
    SchemaVersionError,
    SqliteStore,
    SqliteUnitOfWork,
    StorageError,
    UnitOfWork,
)
from prmcore.repositories import sqlite as prm_sqlite
from prmcore.testing._samples import MOMENT, partner, person
from prmcore.testing.conformance import _event

connect = prm_sqlite.sqlite3.connect  # this test does not import sqlite3 itself


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "prm.sqlite3"


@pytest.fixture
def store(path: Path) -> Iterator[SqliteStore]:
    with SqliteStore(path) as store:
        yield store


def schema_rows(path: Path) -> list[tuple[int, str]]:
    conn = connect(path)
    try:
        return conn.execute("SELECT version, description FROM prmcore_schema").fetchall()
    finally:
        conn.close()


# -- schema ------------------------------------------------------------------------------------

ALL_MIGRATIONS = [(m.version, m.description) for m in prm_sqlite._MIGRATIONS]


def test_a_new_file_gets_the_current_schema(store: SqliteStore, path: Path) -> None:
    assert SCHEMA_VERSION == len(prm_sqlite._MIGRATIONS) >= 2
    assert store.schema_version == SCHEMA_VERSION
    assert schema_rows(path) == ALL_MIGRATIONS
    with SqliteUnitOfWork(store) as uow:
        conn = uow._connection()
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"partners", "partner_countries", "account_external_ids", "leads"} <= tables


def test_reopening_keeps_data_and_schema(store: SqliteStore, path: Path) -> None:
    with SqliteUnitOfWork(store) as uow:
        stored = uow.partners.add(partner(1))
        uow.commit()
    with SqliteStore(path) as again, SqliteUnitOfWork(again) as uow:
        assert uow.partners.list() == [stored]
    assert schema_rows(path) == ALL_MIGRATIONS


def test_a_newer_schema_is_refused(store: SqliteStore, path: Path) -> None:
    conn = connect(path)
    future = SCHEMA_VERSION + 6
    conn.execute(
        "INSERT INTO prmcore_schema (version, description) VALUES (?, 'future')", (future,)
    )
    conn.commit()
    conn.close()
    with pytest.raises(
        SchemaVersionError, match=rf"version {future}.*up to {SCHEMA_VERSION}: upgrade prmcore"
    ) as caught:
        SqliteStore(path)
    assert (caught.value.found, caught.value.supported) == (future, SCHEMA_VERSION)
    assert isinstance(caught.value, PrmError)


def test_migrations_are_applied_in_order_once(store: SqliteStore, path: Path) -> None:
    migrations = (
        *prm_sqlite._MIGRATIONS,
        prm_sqlite._Migration(SCHEMA_VERSION + 1, "add extra", ("CREATE TABLE extra (a TEXT)",)),
        prm_sqlite._Migration(
            SCHEMA_VERSION + 2, "index extra", ("CREATE INDEX extra_a ON extra (a)",)
        ),
    )
    conn = connect(path, isolation_level=None)
    try:
        assert prm_sqlite._migrate(conn, migrations) == SCHEMA_VERSION + 2
        assert prm_sqlite._migrate(conn, migrations) == SCHEMA_VERSION + 2
        assert [v for v, _ in schema_rows(path)] == list(range(1, SCHEMA_VERSION + 3))
        with pytest.raises(SchemaVersionError):
            prm_sqlite._migrate(conn, migrations[: SCHEMA_VERSION + 1])
    finally:
        conn.close()


def test_a_failing_migration_changes_nothing(store: SqliteStore, path: Path) -> None:
    migrations = (
        *prm_sqlite._MIGRATIONS,
        prm_sqlite._Migration(
            SCHEMA_VERSION + 1, "broken", ("CREATE TABLE extra (a TEXT)", "NOT SQL")
        ),
    )
    conn = connect(path, isolation_level=None)
    try:
        with pytest.raises(prm_sqlite.sqlite3.OperationalError):
            prm_sqlite._migrate(conn, migrations)
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert "extra" not in names
    assert schema_rows(path) == ALL_MIGRATIONS


def test_a_first_version_file_is_upgraded_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "old.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(prm_sqlite, "_MIGRATIONS", prm_sqlite._MIGRATIONS[:1])
        with SqliteStore(old) as first, SqliteUnitOfWork(first) as uow:
            stored = uow.partners.add(partner(1))
            uow.commit()
    assert schema_rows(old) == ALL_MIGRATIONS[:1]
    # Opening it again applies the later migrations and keeps what was there.
    with SqliteStore(old) as upgraded, SqliteUnitOfWork(upgraded) as uow:
        assert upgraded.schema_version == SCHEMA_VERSION
        assert uow.partners.list() == [stored]
        assert uow.certification_awards.list() == []
        assert uow.level_records.count() == 0
    assert schema_rows(old) == ALL_MIGRATIONS


def test_migrations_out_of_order_are_a_bug(path: Path) -> None:
    conn = connect(path, isolation_level=None)
    try:
        with pytest.raises(PrmError, match="out of order"):
            prm_sqlite._migrate(conn, (prm_sqlite._Migration(2, "two", ()),))
    finally:
        conn.close()


def test_a_file_that_is_not_a_database_is_a_storage_error(path: Path) -> None:
    path.write_bytes(b"this is not a database, it is a shopping list" * 100)
    with pytest.raises(StorageError, match="not a database"):
        SqliteStore(path)


# -- options and lifecycle ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "where"),
    [
        ({"busy_timeout": -1}, "busy_timeout"),
        ({"busy_timeout": "5"}, "busy_timeout"),
        ({"busy_timeout": True}, "busy_timeout"),
        ({"synchronous": "SOMETIMES"}, "synchronous"),
    ],
)
def test_bad_options_are_validation_errors(
    path: Path, options: dict[str, object], where: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        SqliteStore(path, **options)  # type: ignore[arg-type]
    assert caught.value.paths == (where,)
    assert not path.exists()


def test_memory_stores_are_private_and_deleted_on_close() -> None:
    first, second = SqliteStore(":memory:"), SqliteStore(":memory:")
    assert first.path != second.path
    assert repr(first) == "SqliteStore(':memory:')"
    with SqliteUnitOfWork(first) as uow:
        uow.partners.add(partner(1))
        uow.commit()
        assert uow._connection().execute("PRAGMA synchronous").fetchone() == (0,)
    with SqliteUnitOfWork(second) as uow:
        assert uow.partners.count() == 0
    for store in (first, second):
        directory = os.path.dirname(store.path)
        assert os.path.isdir(directory)
        store.close()
        store.close()  # twice is harmless
        assert not os.path.exists(directory)


def test_a_closed_store_opens_no_units(store: SqliteStore, path: Path) -> None:
    active = SqliteUnitOfWork(store).__enter__()
    store.close()
    assert repr(store) == f"SqliteStore({str(path)!r})"
    with pytest.raises(StorageError, match="is closed"), SqliteUnitOfWork(store):
        pass
    # A unit that was open finishes normally; its connection is closed, not pooled.
    assert active.partners.count() == 0
    active.__exit__(None, None, None)
    assert store._idle == []


def test_connections_are_pooled_and_bounded(store: SqliteStore) -> None:
    units = [SqliteUnitOfWork(store).__enter__() for _ in range(12)]
    connections = {id(unit._connection()) for unit in units}
    assert len(connections) == 12
    for unit in units:
        unit.__exit__(None, None, None)
    assert len(store._idle) == prm_sqlite._MAX_IDLE_CONNECTIONS
    with SqliteUnitOfWork(store) as uow:
        assert id(uow._connection()) in connections


def test_connections_do_not_cross_a_fork(store: SqliteStore) -> None:
    with SqliteUnitOfWork(store):
        pass
    inherited = list(store._idle)
    store._pid = -1  # as if this were a child process after fork()
    with SqliteUnitOfWork(store) as uow:
        assert uow._connection() not in inherited
    assert store._pid == os.getpid()


def test_a_unit_is_used_inside_its_with_block_only(store: SqliteStore) -> None:
    uow = SqliteUnitOfWork(store)
    for action in (uow.partners.count, uow.commit, uow.rollback, lambda: uow.collect(_event(1))):
        with pytest.raises(PrmError, match="not active"):
            action()
    with uow, pytest.raises(PrmError, match="already active"):
        uow.__enter__()
    with pytest.raises(TypeError, match="SqliteStore"):
        SqliteUnitOfWork(object())  # type: ignore[arg-type]
    with uow:
        with pytest.raises(TypeError, match="DomainEvent"):
            uow.collect("event")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="not Person"):
            uow.partners.add_many([person(1)])  # type: ignore[list-item]


def test_the_shipped_classes_satisfy_the_protocols(store: SqliteStore) -> None:
    uow = SqliteUnitOfWork(store)
    assert isinstance(uow, UnitOfWork)
    assert isinstance(uow.partners, PartnerRepository)


def test_two_stores_on_one_file_share_committed_data(store: SqliteStore, path: Path) -> None:
    with (
        SqliteStore(path) as other,
        SqliteUnitOfWork(store) as writer,
        SqliteUnitOfWork(other) as reader,
    ):
        stored = writer.partners.add(partner(1))
        assert reader.partners.find(stored.id) is None
        writer.commit()
        assert reader.partners.get(stored.id) == stored


# -- failures ----------------------------------------------------------------------------------


def test_a_writer_that_waits_too_long_gets_a_storage_error(path: Path) -> None:
    with (
        SqliteStore(path, busy_timeout=0.05) as store,
        SqliteUnitOfWork(store) as holder,
        SqliteUnitOfWork(store) as waiter,
    ):
        holder.partners.add(partner(1))
        with pytest.raises(StorageError, match=r"locked.*busy timeout"):
            waiter.partners.add(partner(2))
        # Readers are never blocked by the writer.
        assert waiter.partners.count() == 0
        holder.commit()
        waiter.partners.add(partner(2))
        waiter.commit()
        assert waiter.partners.count() == 2


def test_a_failed_commit_rolls_back_and_publishes_nothing(store: SqliteStore) -> None:
    sink = RecordingSink()
    with SqliteUnitOfWork(store, sink) as uow:
        conn = uow._connection()
        # A deferred foreign-key violation is only detected by COMMIT.
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("CREATE TEMP TABLE parent (id INTEGER PRIMARY KEY)")
        conn.execute(
            "CREATE TEMP TABLE child (parent_id INTEGER "
            "REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
        )
        uow.partners.add(partner(1))
        uow.collect(_event(1))
        conn.execute("INSERT INTO child VALUES (1)")
        with pytest.raises(StorageError, match=r"commit.*FOREIGN KEY"):
            uow.commit()
        assert not conn.in_transaction
        assert uow.partners.count() == 0
        uow.commit()
    assert sink.events == []
    with SqliteUnitOfWork(store) as uow:
        assert uow.partners.count() == 0


def test_a_failed_batch_insert_leaves_the_unit_as_before(store: SqliteStore) -> None:
    with SqliteUnitOfWork(store) as uow:
        kept = uow.partners.add(partner(1))
        conn = uow._connection()
        conn.execute(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON partner_countries "
            "WHEN NEW.country = 'FR' BEGIN SELECT RAISE(ABORT, 'no France today'); END"
        )
        batch = [partner(2), partner(3, locations=(attrs.evolve(kept.locations[0], country="FR"),))]
        with pytest.raises(StorageError, match="no France today"):
            uow.partners.add_many(batch)
        assert uow.partners.list() == [kept]
        uow.commit()
    with SqliteUnitOfWork(store) as uow:
        assert uow.partners.list() == [kept]


def test_stored_data_that_cannot_be_loaded_is_a_storage_error(store: SqliteStore) -> None:
    with SqliteUnitOfWork(store) as uow:
        uow.partners.add(partner(1))
        uow.commit()
        uow._connection().execute("UPDATE partners SET data = '{\"id\": 5}'")
        with pytest.raises(StorageError, match=r"stored Partner data .* cannot be loaded"):
            uow.partners.list()
        with pytest.raises(StorageError):
            uow.partners.get(PartnerId("p-1"))


def test_values_are_bound_never_spliced_into_sql(store: SqliteStore) -> None:
    hostile = "x'); DROP TABLE partners; --"
    with SqliteUnitOfWork(store) as uow:
        stored = uow.partners.add(partner(1, name=hostile, program_level_id="gold"))
        uow.commit()
        assert uow.partners.list(program_level_id=ProgramLevelId("x' OR '1'='1")) == []
        assert uow.partners.find(PartnerId("p-1' OR '1'='1")) is None
        assert uow.people.find_by_email("' OR 1=1 --@example.com") is None
        assert uow.accounts.find_by_external_id("duns", "' OR '1'='1") is None
        assert uow.partners.get(stored.id).name == hostile


def test_concurrent_writers_in_threads_queue_for_the_lock(store: SqliteStore) -> None:
    barrier = threading.Barrier(4, timeout=30)
    errors: list[BaseException] = []

    def work(base: int) -> None:
        try:
            barrier.wait()
            for n in range(base, base + 10):
                with SqliteUnitOfWork(store) as uow:
                    uow.partners.add(partner(n))
                    uow.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i * 100,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with SqliteUnitOfWork(store) as uow:
        assert uow.partners.count() == 40


def test_a_file_system_without_wal_is_refused(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite answers "memory" instead of "wal" for databases that cannot use WAL.
    monkeypatch.setattr(SqliteStore, "_connect", lambda self: connect(":memory:"))
    with pytest.raises(StorageError, match="cannot use SQLite's WAL journal"):
        SqliteStore(path)


class UnrollableConnection:
    """A fake connection whose ROLLBACK fails."""

    in_transaction = True
    closed = False

    def execute(self, sql: str) -> None:
        raise prm_sqlite.sqlite3.OperationalError("disk I/O error")

    def close(self) -> None:
        self.closed = True


def test_a_connection_that_cannot_roll_back_is_closed_not_pooled(store: SqliteStore) -> None:
    fake = UnrollableConnection()
    store._release(fake)  # type: ignore[arg-type]
    assert fake.closed
    assert fake not in store._idle


def test_a_failed_write_inside_add_many_undoes_the_batch(store: SqliteStore) -> None:
    with SqliteUnitOfWork(store) as uow:
        kept = uow.partners.add(partner(9))
        uow._connection().execute(
            "CREATE TEMP TRIGGER broken BEFORE INSERT ON partner_countries "
            "BEGIN SELECT * FROM no_such_table; END"
        )
        with pytest.raises(StorageError, match="no such table"):
            uow.partners.add_many([partner(1), partner(2)])
        assert uow.partners.list() == [kept]


def test_the_sqlite_names_load_on_first_use() -> None:
    import prmcore.repositories as package

    assert package.SqliteStore is SqliteStore
    assert "SqliteUnitOfWork" in dir(package)
    with pytest.raises(AttributeError, match="no attribute 'PostgresStore'"):
        package.PostgresStore


def test_leaving_a_unit_that_was_never_entered_is_harmless(store: SqliteStore) -> None:
    SqliteUnitOfWork(store).__exit__(None, None, None)


def test_storage_errors_survive_pickling() -> None:
    import pickle

    error = SchemaVersionError(3, 1, "prm.sqlite3")
    again = pickle.loads(pickle.dumps(error))
    assert (again.found, again.supported, again.where, str(again)) == (
        3,
        1,
        "prm.sqlite3",
        str(error),
    )


QUERIES: list[tuple[str, Callable[[SqliteUnitOfWork], object], str]] = [
    ("parent", lambda u: u.partners.list(parent_id=PartnerId("p-2")), "partners_parent_id"),
    ("country", lambda u: u.partners.list(country="DE"), "partner_countries USING PRIMARY KEY"),
    ("email", lambda u: u.people.find_by_email("a@example.com"), "people_email_key"),
    ("domain", lambda u: u.accounts.find_by_domain("acme.com"), "accounts_domain"),
    (
        "external id",
        lambda u: u.accounts.find_by_external_id("duns", "1"),
        "account_external_ids USING PRIMARY KEY",
    ),
    ("lead account", lambda u: u.leads.list(account_id=AccountId("a")), "leads_account_id"),
    ("lead window", lambda u: u.leads.list(received_to=MOMENT), "leads_received_at"),
    ("person", lambda u: u.affiliations.for_person(PersonId("x")), "affiliations_person_id"),
    ("partner", lambda u: u.affiliations.for_partner(PartnerId("x")), "affiliations_partner_id"),
    ("agreements", lambda u: u.agreements.for_partner(PartnerId("x")), "agreements_partner_id"),
    ("get", lambda u: u.partners.find(PartnerId("x")), "USING PRIMARY KEY"),
]


@pytest.mark.parametrize(
    ("query", "index"), [(q[1], q[2]) for q in QUERIES], ids=[q[0] for q in QUERIES]
)
def test_selective_queries_use_an_index(
    store: SqliteStore, query: Callable[[SqliteUnitOfWork], object], index: str
) -> None:
    with SqliteUnitOfWork(store) as uow:
        conn = uow._connection()
        executed: list[str] = []
        conn.set_trace_callback(executed.append)
        query(uow)
        conn.set_trace_callback(None)
        (sql,) = executed
        plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert index in plan
    assert "SCAN" not in plan


def test_updates_and_removals_use_the_primary_key(store: SqliteStore) -> None:
    with SqliteUnitOfWork(store) as uow:
        stored = uow.partners.add(partner(1))
        conn = uow._connection()
        executed: list[str] = []
        conn.set_trace_callback(executed.append)
        uow.partners.update(stored)
        uow.partners.remove(stored.id)
        conn.set_trace_callback(None)
        plans = [
            " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
            for sql in executed
        ]
    assert plans
    assert not [plan for plan in plans if "SCAN" in plan]


def test_one_sided_lead_windows_use_the_time_index(store: SqliteStore) -> None:
    with SqliteUnitOfWork(store) as uow:
        conn = uow._connection()
        executed: list[str] = []
        conn.set_trace_callback(executed.append)
        uow.leads.list(received_from=MOMENT)
        uow.leads.list(account_id=AccountId("a"), received_from=MOMENT)
        conn.set_trace_callback(None)
        plans = [
            " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)) for sql in executed
        ]
    assert "leads_received_at" in plans[0]
    assert "leads_account_id" in plans[1]


def test_text_that_is_not_valid_unicode_still_round_trips(store: SqliteStore) -> None:
    # A lone surrogate cannot be encoded as UTF-8; the store falls back to escaped JSON.
    odd = person(7, name="Ren\ud800e")
    with SqliteUnitOfWork(store) as uow:
        uow.people.add(odd)
        uow.commit()
    with SqliteUnitOfWork(store) as uow:
        assert uow.people.get(PersonId("person-7")).name == "Ren\ud800e"
