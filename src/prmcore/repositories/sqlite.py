"""The SQLite store: prmcore's embedded default, on the standard library's :mod:`sqlite3`.

One table per aggregate holds ``id``, ``version`` and the object as JSON (``data``, written
with :data:`prmcore.serialization.storage_converter`), plus indexed columns and side tables for
the queries (a partner's countries, an account's registry ids). The schema is created and
upgraded by the library: the ``prmcore_schema`` table lists the migrations applied, in order;
a database written by a newer prmcore is refused with :class:`SchemaVersionError`.

Concurrency: every :class:`SqliteUnitOfWork` has a connection of its own, so units in different
threads and processes can share one database file. Files use WAL journaling, so readers never
wait for writers. A unit reads without a transaction until its first write, which starts one
with ``BEGIN IMMEDIATE``: writers queue for the database's single write lock (up to
``busy_timeout`` seconds) and hold it until they commit or roll back. Each update is
``UPDATE ... WHERE id = ? AND version = ?``; when no row matches, the object was changed since
it was read and :class:`~prmcore.errors.ConflictError` is raised. So two units that read the
same version and both write it never both succeed, in one process or several.

Only :mod:`prmcore.repositories.sqlite` imports :mod:`sqlite3`; SQL values are always bound
as parameters, never formatted into the statement.

Examples:
    >>> with SqliteStore("prm.db") as store:  # doctest: +SKIP
    ...     with SqliteUnitOfWork(store) as uow:
    ...         uow.partners.add(partner)
    ...         uow.commit()

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, Self, TypeVar

import attrs
import orjson

from prmcore._checks import Checks, trusted_construction
from prmcore.certifications import (
    AwardId,
    CertificationAward,
    CertificationType,
    CertificationTypeId,
    SentReminder,
)
from prmcore.commissions.ledger import LedgerLine, PeriodClose
from prmcore.commissions.plan import CommissionPlan
from prmcore.commissions.transactions import Transaction
from prmcore.conflicts.registration import DealRegistration, DealRegistrationId, DealStatus
from prmcore.domain import (
    Account,
    AccountId,
    Affiliation,
    AffiliationId,
    Agreement,
    AgreementId,
    Lead,
    LeadId,
    Partner,
    PartnerId,
    PartnerKind,
    PartnerStatus,
    Person,
    PersonId,
    ProductLine,
    ProductLineId,
    ProgramLevelId,
)
from prmcore.errors import ConflictError, NotFoundError, PrmError
from prmcore.events import DomainEvent, EventSink
from prmcore.lead_routing.offers import LeadRouting, RoutingStatus
from prmcore.lead_routing.state import PartnerLoad, RotationState
from prmcore.periods import Period
from prmcore.repositories._aggregates import (
    AGGREGATES,
    INDEXABLE_DEAL_STATUSES,
    Aggregate,
    check_new,
    check_new_batch,
    check_type,
    conflict,
    date_arg,
    domain_key,
    email_key,
    epoch_micros,
    inactive,
    optional_aware,
    optional_country,
    optional_deal_status,
    optional_kind,
    optional_routing_status,
    optional_status,
    text_arg,
    with_version,
)
from prmcore.repositories._commission_tables import (
    check_close,
    check_lines,
    check_plan,
    check_transactions,
    closed_twice,
)
from prmcore.repositories.errors import SchemaVersionError, StorageError
from prmcore.serialization import storage_converter
from prmcore.tiers import LevelRecord

if TYPE_CHECKING:
    from prmcore.repositories.protocols import UnitOfWork

__all__ = ["SCHEMA_VERSION", "SqliteStore", "SqliteUnitOfWork"]

A = TypeVar("A")
K = TypeVar("K", bound=str)

# -- schema ------------------------------------------------------------------------------------


@attrs.frozen
class _Migration:
    """One step of the schema: applied once, in order, inside one transaction."""

    version: int
    description: str
    statements: tuple[str, ...]


def _aggregate_table(name: str, *columns: str) -> str:
    extra = "".join(f", {column}" for column in columns)
    # WITHOUT ROWID keeps rows clustered by id: list() reads them in id order in one pass.
    return (
        f"CREATE TABLE {name} (id TEXT PRIMARY KEY, version INTEGER NOT NULL, "
        f"data TEXT NOT NULL{extra}) WITHOUT ROWID"
    )


_MIGRATIONS: Final[tuple[_Migration, ...]] = (
    _Migration(
        1,
        "aggregate tables with query columns and side tables",
        (
            _aggregate_table(
                "partners",
                "status TEXT NOT NULL",
                "kind TEXT NOT NULL",
                "program_level_id TEXT",
                "parent_id TEXT",
            ),
            # Status, kind and program level have a handful of values each: an index would not
            # narrow a query much and would slow every write, so they are plain columns.
            "CREATE INDEX partners_parent_id ON partners (parent_id) WHERE parent_id IS NOT NULL",
            "CREATE TABLE partner_countries (country TEXT NOT NULL, partner_id TEXT NOT NULL, "
            "PRIMARY KEY (country, partner_id)) WITHOUT ROWID",
            "CREATE INDEX partner_countries_partner_id ON partner_countries (partner_id)",
            _aggregate_table("people", "email_key TEXT"),
            "CREATE INDEX people_email_key ON people (email_key) WHERE email_key IS NOT NULL",
            _aggregate_table("affiliations", "person_id TEXT NOT NULL", "partner_id TEXT NOT NULL"),
            "CREATE INDEX affiliations_person_id ON affiliations (person_id)",
            "CREATE INDEX affiliations_partner_id ON affiliations (partner_id)",
            _aggregate_table("agreements", "partner_id TEXT NOT NULL"),
            "CREATE INDEX agreements_partner_id ON agreements (partner_id)",
            _aggregate_table("accounts", "domain TEXT"),
            "CREATE INDEX accounts_domain ON accounts (domain) WHERE domain IS NOT NULL",
            "CREATE TABLE account_external_ids (scheme TEXT NOT NULL, value TEXT NOT NULL, "
            "account_id TEXT NOT NULL, PRIMARY KEY (scheme, value, account_id)) WITHOUT ROWID",
            "CREATE INDEX account_external_ids_account_id ON account_external_ids (account_id)",
            _aggregate_table("leads", "account_id TEXT", "received_at INTEGER NOT NULL"),
            "CREATE INDEX leads_account_id ON leads (account_id) WHERE account_id IS NOT NULL",
            "CREATE INDEX leads_received_at ON leads (received_at)",
            _aggregate_table("product_lines", "active INTEGER NOT NULL"),
        ),
    ),
    _Migration(
        2,
        "certification types, awards, sent reminders and level records",
        (
            _aggregate_table("certification_types"),
            # Dates are ISO 8601 text, which sorts like the dates themselves.
            _aggregate_table(
                "certification_awards", "person_id TEXT NOT NULL", "expires_on TEXT NOT NULL"
            ),
            "CREATE INDEX certification_awards_person_id ON certification_awards (person_id)",
            "CREATE INDEX certification_awards_expires_on ON certification_awards (expires_on)",
            _aggregate_table("sent_reminders", "due_on TEXT NOT NULL"),
            "CREATE INDEX sent_reminders_due_on ON sent_reminders (due_on)",
            _aggregate_table("level_records"),
        ),
    ),
    _Migration(
        3,
        "commission plans, transactions, ledger and closed periods",
        (
            "CREATE TABLE commission_plans (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID",
            "CREATE TABLE commission_transactions (id TEXT PRIMARY KEY, day TEXT NOT NULL, "
            "data TEXT NOT NULL) WITHOUT ROWID",
            "CREATE INDEX commission_transactions_day ON commission_transactions (day, id)",
            # The rowid keeps the append order; lines are never updated or deleted.
            "CREATE TABLE commission_ledger (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
            "plan_id TEXT NOT NULL, period_start TEXT NOT NULL, partner_id TEXT NOT NULL, "
            "data TEXT NOT NULL)",
            "CREATE INDEX commission_ledger_plan ON commission_ledger (plan_id, period_start)",
            "CREATE TABLE commission_periods (plan_id TEXT NOT NULL, period_start TEXT NOT NULL, "
            "data TEXT NOT NULL, PRIMARY KEY (plan_id, period_start)) WITHOUT ROWID",
        ),
    ),
    _Migration(
        4,
        "lead routing: rotations, partner loads and routing records",
        (
            _aggregate_table("rotation_states"),
            _aggregate_table("partner_loads"),
            _aggregate_table("lead_routings", "status TEXT NOT NULL"),
            "CREATE INDEX lead_routings_status ON lead_routings (status)",
        ),
    ),
    _Migration(
        5,
        "deal registrations",
        (
            _aggregate_table(
                "deal_registrations", "status TEXT NOT NULL", "partner_id TEXT NOT NULL"
            ),
            "CREATE INDEX deal_registrations_partner_id ON deal_registrations (partner_id)",
            "CREATE INDEX deal_registrations_status ON deal_registrations (status)",
        ),
    ),
)

SCHEMA_VERSION: Final[int] = len(_MIGRATIONS)
"""The newest schema version this prmcore writes and understands.

.. versionadded:: 0.1.0
"""

_SCHEMA_TABLE = (
    "CREATE TABLE IF NOT EXISTS prmcore_schema (version INTEGER PRIMARY KEY, "
    "description TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
)


def _current_version(conn: sqlite3.Connection) -> int | None:
    """The schema version of the database, or ``None`` when prmcore never touched it."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'prmcore_schema'"
    ).fetchone()
    if exists is None:
        return None
    (version,) = conn.execute("SELECT coalesce(max(version), 0) FROM prmcore_schema").fetchone()
    return int(version)


def _migrate(conn: sqlite3.Connection, migrations: Sequence[_Migration], where: str = "") -> int:
    """Bring the schema up to date, applying the missing *migrations* in order in one
    transaction; return the version reached.

    Raises:
        SchemaVersionError: The database is newer than *migrations*.
    """
    for number, migration in enumerate(migrations, start=1):
        if migration.version != number:
            raise PrmError(f"migration {migration.version} is out of order (expected {number})")
    latest = len(migrations)
    current = _current_version(conn)
    if current is not None and current > latest:
        raise SchemaVersionError(current, latest, where)
    if current == latest:
        return latest
    # Another process may be migrating the same file: decide again under the write lock.
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_SCHEMA_TABLE)
        current = _current_version(conn) or 0
        if current > latest:  # pragma: no cover - another process upgraded it a moment ago
            raise SchemaVersionError(current, latest, where)
        for migration in migrations[current:]:
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO prmcore_schema (version, description) VALUES (?, ?)",
                (migration.version, migration.description),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return latest


# -- tables ------------------------------------------------------------------------------------


@attrs.frozen
class _Side:
    """A side table: rows that belong to one aggregate (``owner`` is its id column)."""

    name: str
    owner: str
    columns: tuple[str, ...]
    rows: Callable[[Any], Iterable[tuple[Any, ...]]]

    @property
    def insert(self) -> str:
        names = ", ".join((self.owner, *self.columns))
        marks = ", ".join("?" * (len(self.columns) + 1))
        return f"INSERT INTO {self.name} ({names}) VALUES ({marks})"

    @property
    def delete(self) -> str:
        return f"DELETE FROM {self.name} WHERE {self.owner} = ?"


@attrs.frozen
class _Table:
    """How one aggregate is stored: its query columns and side tables, and the SQL for them.
    Names come from constants here; values are always bound parameters."""

    aggregate: Aggregate
    columns: tuple[str, ...]
    values: Callable[[Any], tuple[Any, ...]]
    sides: tuple[_Side, ...] = ()

    @property
    def name(self) -> str:
        return self.aggregate.attribute

    @property
    def insert(self) -> str:
        names = ", ".join(("id", "version", "data", *self.columns))
        marks = ", ".join("?" * (len(self.columns) + 3))
        return f"INSERT INTO {self.name} ({names}) VALUES ({marks})"

    @property
    def update(self) -> str:
        sets = ", ".join(f"{column} = ?" for column in ("version", "data", *self.columns))
        return f"UPDATE {self.name} SET {sets} WHERE id = ? AND version = ?"


def _partner_columns(p: Partner) -> tuple[Any, ...]:
    return (p.status.value, p.kind.value, p.program_level_id, p.parent_id)


def _partner_countries(p: Partner) -> Iterable[tuple[Any, ...]]:
    if len(p.locations) == 1:
        return ((p.locations[0].country,),)
    return ((country,) for country in sorted({loc.country for loc in p.locations}))


def _lead_columns(lead: Lead) -> tuple[Any, ...]:
    return (lead.account_id, epoch_micros(lead.received_at))


_AGGREGATE = {a.attribute: a for a in AGGREGATES}
_TABLES: Final[dict[str, _Table]] = {
    table.name: table
    for table in (
        _Table(
            _AGGREGATE["partners"],
            ("status", "kind", "program_level_id", "parent_id"),
            _partner_columns,
            (_Side("partner_countries", "partner_id", ("country",), _partner_countries),),
        ),
        _Table(
            _AGGREGATE["people"],
            ("email_key",),
            lambda p: (None if p.email is None else email_key(p.email),),
        ),
        _Table(
            _AGGREGATE["affiliations"],
            ("person_id", "partner_id"),
            lambda a: (a.person_id, a.partner_id),
        ),
        _Table(_AGGREGATE["agreements"], ("partner_id",), lambda a: (a.partner_id,)),
        _Table(
            _AGGREGATE["accounts"],
            ("domain",),
            lambda a: (a.domain,),
            (
                _Side(
                    "account_external_ids",
                    "account_id",
                    ("scheme", "value"),
                    lambda a: ((x.scheme, x.value) for x in a.external_ids),
                ),
            ),
        ),
        _Table(_AGGREGATE["leads"], ("account_id", "received_at"), _lead_columns),
        _Table(_AGGREGATE["product_lines"], ("active",), lambda p: (int(p.active),)),
        _Table(_AGGREGATE["certification_types"], (), lambda t: ()),
        _Table(
            _AGGREGATE["certification_awards"],
            ("person_id", "expires_on"),
            lambda a: (a.person_id, a.expires_on.isoformat()),
        ),
        _Table(_AGGREGATE["sent_reminders"], ("due_on",), lambda r: (r.due_on.isoformat(),)),
        _Table(_AGGREGATE["level_records"], (), lambda r: ()),
        _Table(
            _AGGREGATE["deal_registrations"],
            ("status", "partner_id"),
            lambda r: (r.status.value, r.partner_id),
        ),
        _Table(_AGGREGATE["rotation_states"], (), lambda r: ()),
        _Table(_AGGREGATE["partner_loads"], (), lambda r: ()),
        _Table(_AGGREGATE["lead_routings"], ("status",), lambda r: (r.status.value,)),
    )
}

_json_dumps = json.JSONEncoder(
    ensure_ascii=True, separators=(",", ":"), check_circular=False, allow_nan=False
).encode


def _dumps(data: Any) -> str:
    # orjson is several times faster than the standard library, which matters for bulk writes;
    # it refuses strings that are not valid Unicode (lone surrogates), which the standard
    # library escapes, so those rare rows take the slow path.
    try:
        return orjson.dumps(data).decode()
    except TypeError:
        return _json_dumps(data)


def _loads(text: str) -> Any:
    # The standard library reads back the escaped lone surrogates that orjson refuses.
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


@contextlib.contextmanager
def _storage_errors(action: str) -> Iterator[None]:
    """Turn driver errors into :class:`StorageError` (the driver's exception is the cause)."""
    try:
        yield
    except sqlite3.Error as exc:
        message = str(exc)
        if "locked" in message or "busy" in message:
            message += (
                " (another unit of work held the write lock longer than the busy timeout; "
                "retry, or raise busy_timeout)"
            )
        raise StorageError(f"SQLite failed to {action}: {message}") from exc


# -- store -------------------------------------------------------------------------------------

_MAX_IDLE_CONNECTIONS = 8
_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


class SqliteStore:
    """A prmcore database in one SQLite file; open :class:`SqliteUnitOfWork` s on it.

    Opening creates the file and the schema if needed, or upgrades an older schema. Several
    stores (in several processes) may open the same file at once. A store keeps a few idle
    connections for reuse; :meth:`close` it (or use it as a context manager) when done.

    Args:
        path: The database file, or ``":memory:"`` for a private throw-away database. SQLite's
            own in-memory databases exist per connection, and prmcore gives every unit of work
            its own connection, so ``":memory:"`` is backed by a temporary file (with
            durability switched off) that :meth:`close` deletes; it behaves exactly like a file
            store otherwise.
        busy_timeout: Seconds a writer waits for another unit's write lock before giving up
            with :class:`~prmcore.repositories.StorageError`.
        synchronous: SQLite's ``PRAGMA synchronous`` for file stores. ``"FULL"`` (the default)
            makes every commit durable even through a power cut; ``"NORMAL"`` is faster for many
            small commits and may lose the last ones (never corrupt the file) if the machine
            crashes.

    Raises:
        SchemaVersionError: The file was written by a newer prmcore.
        StorageError: The file cannot be opened or is not a SQLite database.
        ValidationError: A bad *busy_timeout* or *synchronous*.

    Examples:
        >>> with SqliteStore(":memory:") as store:
        ...     with SqliteUnitOfWork(store) as uow:
        ...         uow.partners.count()
        0

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        synchronous: Literal["OFF", "NORMAL", "FULL", "EXTRA"] = "FULL",
    ) -> None:
        c = Checks()
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, int | float):
            c.add("busy_timeout", f"must be a number of seconds, got {busy_timeout!r}")
        elif not 0 <= busy_timeout <= 3600:
            c.add("busy_timeout", f"must be between 0 and 3600 seconds, got {busy_timeout!r}")
        c.one_of("synchronous", synchronous, _SYNCHRONOUS)
        c.done()
        self._busy_timeout = float(busy_timeout)
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False
        self._pid = os.getpid()
        self._temporary = os.fspath(path) == ":memory:"
        if self._temporary:
            directory = tempfile.mkdtemp(prefix="prmcore-")
            self._path = os.path.join(directory, "store.sqlite3")
            self._synchronous = "OFF"
            self._cleanup: Callable[[], Any] = weakref.finalize(
                self, shutil.rmtree, directory, ignore_errors=True
            )
        else:
            self._path = os.fspath(path)
            self._synchronous = synchronous
            self._cleanup = lambda: None
        try:
            with _storage_errors(f"open {self._path}"):
                conn = self._connect()
                try:
                    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if str(mode).lower() != "wal":
                        raise StorageError(
                            f"{self._path} cannot use SQLite's WAL journal (it is in {mode} "
                            "mode); put the database on a local file system"
                        )
                    _migrate(conn, _MIGRATIONS, self._path)
                except BaseException:
                    conn.close()
                    raise
                self._release(conn)
        except BaseException:
            self._cleanup()
            raise

    @property
    def path(self) -> str:
        """The database file (a temporary file for ``":memory:"``)."""
        return self._path

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        conn = self._acquire()
        try:
            with _storage_errors("read the schema version"):
                return _current_version(conn) or 0
        finally:
            self._release(conn)

    def close(self) -> None:
        """Close the idle connections and refuse new units; units still open keep their
        connections until they end. For ``":memory:"`` this deletes the database, so close such
        a store after its units ended. Closing twice is harmless."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
        self._cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        where = ":memory:" if self._temporary else self._path
        return f"SqliteStore({where!r})"

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._path,
            timeout=self._busy_timeout,
            isolation_level=None,  # prmcore issues BEGIN / COMMIT itself
            check_same_thread=False,  # a pooled connection serves one unit at a time
            cached_statements=256,
        )
        conn.execute(f"PRAGMA synchronous = {self._synchronous}")  # from _SYNCHRONOUS only
        return conn

    def _acquire(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise StorageError(f"{self!r} is closed")
            if self._pid != os.getpid():
                # Connections must not cross a fork: leave the parent's ones alone.
                self._idle = []
                self._pid = os.getpid()
            if self._idle:
                return self._idle.pop()
        with _storage_errors(f"open {self._path}"):
            return self._connect()

    def _release(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                # Closing rolls back too; a connection in an unknown state is not reused.
                conn.close()
                return
        with self._lock:
            if not self._closed and len(self._idle) < _MAX_IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
        conn.close()


# -- repositories ------------------------------------------------------------------------------


class _Repository(Generic[A, K]):
    """The protocol operations on one table, through the unit's connection."""

    def __init__(self, uow: SqliteUnitOfWork, table: _Table) -> None:
        self._uow = uow
        self._table = table
        self._kind = table.aggregate.kind
        self._cls = table.aggregate.cls
        name = table.name
        self._sql_get = f"SELECT data FROM {name} WHERE id = ?"
        self._sql_version = f"SELECT version FROM {name} WHERE id = ?"
        self._sql_select = f"SELECT data FROM {name}"
        self._sql_count = f"SELECT count(*) FROM {name}"
        self._sql_delete = f"DELETE FROM {name} WHERE id = ?"
        self._sql_delete_version = f"DELETE FROM {name} WHERE id = ? AND version = ?"
        self._sql_insert = table.insert
        self._sql_update = table.update

    # encoding

    def _row(self, obj: Any) -> tuple[Any, ...]:
        data = _dumps(storage_converter.get_unstructure_hook(self._cls)(obj))
        return (obj.id, obj.version, data, *self._table.values(obj))

    def _decode_all(self, rows: Iterable[tuple[str]]) -> builtins.list[A]:
        structure = storage_converter.get_structure_hook(self._cls)
        cls = self._cls
        try:
            # Rows were validated when their objects were built; checking them again on every
            # load would double its cost. A row that cannot be structured still fails below.
            with trusted_construction():
                return [structure(_loads(text), cls) for (text,) in rows]
        except (ValueError, TypeError, KeyError, AttributeError, PrmError) as exc:
            raise StorageError(
                f"stored {self._kind} data in {self._uow._store.path} cannot be loaded "
                f"(was the file edited by hand?): {exc}"
            ) from exc

    # reads

    def _query(
        self, where: str = "", params: Sequence[Any] = (), limit: str = "", index: str = ""
    ) -> builtins.list[A]:
        conn = self._uow._connection()
        source = f" INDEXED BY {index}" if index else ""
        sql = f"{self._sql_select}{source}{where} ORDER BY id{limit}"
        with _storage_errors(f"read {self._table.name}"):
            return self._decode_all(conn.execute(sql, params))

    def _version_of(self, conn: sqlite3.Connection, key: str) -> int | None:
        row = conn.execute(self._sql_version, (key,)).fetchone()
        return None if row is None else int(row[0])

    def find(self, id: K) -> A | None:
        conn = self._uow._connection()
        with _storage_errors(f"read {self._table.name}"):
            found = self._decode_all(conn.execute(self._sql_get, (id,)))
        return found[0] if found else None

    def get(self, id: K) -> A:
        obj = self.find(id)
        if obj is None:
            raise NotFoundError(self._kind, id)
        return obj

    def count(self) -> int:
        conn = self._uow._connection()
        with _storage_errors(f"count {self._table.name}"):
            return int(conn.execute(self._sql_count).fetchone()[0])

    # writes

    def _insert_sides(self, conn: sqlite3.Connection, objs: Sequence[Any]) -> None:
        for side in self._table.sides:
            conn.executemany(side.insert, [(o.id, *row) for o in objs for row in side.rows(o)])

    def _delete_sides(self, conn: sqlite3.Connection, key: str) -> None:
        for side in self._table.sides:
            conn.execute(side.delete, (key,))

    def add(self, obj: A) -> A:
        check_new(self._table.aggregate, obj)
        stored = with_version(obj, 1)
        row = self._row(stored)
        conn = self._uow._write_connection()
        with _storage_errors(f"add to {self._table.name}"):
            try:
                conn.execute(self._sql_insert, row)
            except sqlite3.IntegrityError:
                actual = self._version_of(conn, row[0])
                raise conflict(self._kind, row[0], None, actual) from None
            self._insert_sides(conn, (stored,))
        return stored

    def add_many(self, objs: Iterable[A]) -> builtins.list[A]:
        batch = check_new_batch(self._table.aggregate, objs)
        stored = [with_version(obj, 1) for obj in batch]
        rows = [self._row(obj) for obj in stored]
        conn = self._uow._write_connection()
        with _storage_errors(f"add to {self._table.name}"):
            conn.execute("SAVEPOINT prmcore_add_many")
            try:
                conn.executemany(self._sql_insert, rows)
                self._insert_sides(conn, stored)
            except sqlite3.IntegrityError:
                conn.execute("ROLLBACK TO prmcore_add_many")
                conn.execute("RELEASE prmcore_add_many")
                for row in rows:
                    actual = self._version_of(conn, row[0])
                    if actual is not None:
                        raise conflict(self._kind, row[0], None, actual) from None
                raise  # pragma: no cover - a side-table constraint; cannot happen for valid data
            except BaseException:
                conn.execute("ROLLBACK TO prmcore_add_many")
                conn.execute("RELEASE prmcore_add_many")
                raise
            conn.execute("RELEASE prmcore_add_many")
        return stored

    def update(self, obj: A) -> A:
        check_type(self._table.aggregate, obj)
        version: int = obj.version  # type: ignore[attr-defined]
        stored = with_version(obj, version + 1)
        key, new_version, data, *values = self._row(stored)
        conn = self._uow._write_connection()
        with _storage_errors(f"update {self._table.name}"):
            cursor = conn.execute(self._sql_update, (new_version, data, *values, key, version))
            if cursor.rowcount == 0:
                actual = self._version_of(conn, key)
                if actual is None:
                    raise NotFoundError(self._kind, key)
                raise conflict(self._kind, key, version, actual)
            if self._table.sides:
                self._delete_sides(conn, key)
                self._insert_sides(conn, (stored,))
        return stored

    def remove(self, id: K, expected_version: int | None = None) -> None:
        conn = self._uow._write_connection()
        with _storage_errors(f"remove from {self._table.name}"):
            if expected_version is None:
                cursor = conn.execute(self._sql_delete, (id,))
            else:
                cursor = conn.execute(self._sql_delete_version, (id, expected_version))
            if cursor.rowcount == 0:
                actual = self._version_of(conn, id)
                if actual is None:
                    raise NotFoundError(self._kind, id)
                raise conflict(self._kind, id, expected_version, actual)
            self._delete_sides(conn, id)


def _where(clauses: Sequence[str]) -> str:
    return " WHERE " + " AND ".join(clauses) if clauses else ""


class _Partners(_Repository[Partner, PartnerId]):
    def list(
        self,
        *,
        status: PartnerStatus | str | None = None,
        kind: PartnerKind | str | None = None,
        country: str | None = None,
        program_level_id: ProgramLevelId | None = None,
        parent_id: PartnerId | None = None,
    ) -> builtins.list[Partner]:
        want_status = optional_status(status)
        want_kind = optional_kind(kind)
        want_country = optional_country(country)
        clauses: list[str] = []
        params: list[Any] = []
        if want_status is not None:
            clauses.append("status = ?")
            params.append(want_status.value)
        if want_kind is not None:
            clauses.append("kind = ?")
            params.append(want_kind.value)
        if want_country is not None:
            clauses.append("id IN (SELECT partner_id FROM partner_countries WHERE country = ?)")
            params.append(want_country)
        if program_level_id is not None:
            clauses.append("program_level_id = ?")
            params.append(program_level_id)
        if parent_id is not None:
            clauses.append("parent_id = ?")
            params.append(parent_id)
        return self._query(_where(clauses), params)


class _People(_Repository[Person, PersonId]):
    def list(self) -> builtins.list[Person]:
        return self._query()

    def find_by_email(self, email: str) -> Person | None:
        key = email_key(text_arg("email", email))
        found = self._query(" WHERE email_key = ?", (key,), " LIMIT 1")
        return found[0] if found else None


class _Affiliations(_Repository[Affiliation, AffiliationId]):
    def list(self) -> builtins.list[Affiliation]:
        return self._query()

    def for_partner(
        self, partner_id: PartnerId, as_of: dt.date | None = None
    ) -> builtins.list[Affiliation]:
        found = self._query(" WHERE partner_id = ?", (partner_id,))
        return found if as_of is None else [a for a in found if a.active_on(as_of)]

    def for_person(
        self, person_id: PersonId, as_of: dt.date | None = None
    ) -> builtins.list[Affiliation]:
        found = self._query(" WHERE person_id = ?", (person_id,))
        return found if as_of is None else [a for a in found if a.active_on(as_of)]


class _Agreements(_Repository[Agreement, AgreementId]):
    def list(self) -> builtins.list[Agreement]:
        return self._query()

    def for_partner(
        self, partner_id: PartnerId, as_of: dt.date | None = None
    ) -> builtins.list[Agreement]:
        found = self._query(" WHERE partner_id = ?", (partner_id,))
        return found if as_of is None else [a for a in found if a.in_force_on(as_of)]


class _Accounts(_Repository[Account, AccountId]):
    def list(self) -> builtins.list[Account]:
        return self._query()

    def find_by_domain(self, domain: str) -> Account | None:
        key = domain_key(text_arg("domain", domain))
        found = self._query(" WHERE domain = ?", (key,), " LIMIT 1")
        return found[0] if found else None

    def find_by_external_id(self, scheme: str, value: str) -> Account | None:
        wanted = text_arg("scheme", scheme).lower()
        found = self._query(
            " WHERE id IN (SELECT account_id FROM account_external_ids"
            " WHERE scheme = ? AND value = ?)",
            (wanted, text_arg("value", value)),
            " LIMIT 1",
        )
        return found[0] if found else None


class _Leads(_Repository[Lead, LeadId]):
    def list(
        self,
        *,
        account_id: AccountId | None = None,
        received_from: dt.datetime | None = None,
        received_to: dt.datetime | None = None,
    ) -> builtins.list[Lead]:
        start = optional_aware("received_from", received_from)
        end = optional_aware("received_to", received_to)
        clauses: list[str] = []
        params: list[Any] = []
        if account_id is not None:
            clauses.append("account_id = ?")
            params.append(account_id)
        if start is not None:
            clauses.append("received_at >= ?")
            params.append(epoch_micros(start))
        if end is not None:
            clauses.append("received_at < ?")
            params.append(epoch_micros(end))
        # Without statistics SQLite would rather scan in id order than use the time index for a
        # one-sided window and sort; a window is usually narrow, so insist on the index.
        index = "leads_received_at" if account_id is None and clauses else ""
        return self._query(_where(clauses), params, index=index)


class _ProductLines(_Repository[ProductLine, ProductLineId]):
    def list(self, *, active: bool | None = None) -> builtins.list[ProductLine]:
        if active is None:
            return self._query()
        return self._query(" WHERE active = ?", (int(bool(active)),))


class _CertificationTypes(_Repository[CertificationType, CertificationTypeId]):
    def list(self) -> builtins.list[CertificationType]:
        return self._query()


class _CertificationAwards(_Repository[CertificationAward, AwardId]):
    def list(self) -> builtins.list[CertificationAward]:
        return self._query()

    def for_person(self, person_id: PersonId) -> builtins.list[CertificationAward]:
        return self._query(" WHERE person_id = ?", (person_id,))

    def expiring(self, first: dt.date, last: dt.date) -> builtins.list[CertificationAward]:
        start = date_arg("first", first).isoformat()
        end = date_arg("last", last).isoformat()
        return self._query(
            " WHERE expires_on BETWEEN ? AND ?",
            (start, end),
            index="certification_awards_expires_on",
        )


class _SentReminders(_Repository[SentReminder, str]):
    def list(self) -> builtins.list[SentReminder]:
        return self._query()

    def due_between(self, first: dt.date, last: dt.date) -> builtins.list[SentReminder]:
        start = date_arg("first", first).isoformat()
        end = date_arg("last", last).isoformat()
        return self._query(
            " WHERE due_on BETWEEN ? AND ?", (start, end), index="sent_reminders_due_on"
        )


class _LevelRecords(_Repository[LevelRecord, PartnerId]):
    def list(self) -> builtins.list[LevelRecord]:
        return self._query()


# -- commission repositories -------------------------------------------------------------------


class _CommissionRepository:
    """Shared by the commission repositories: the unit's connection and the JSON codec."""

    def __init__(self, uow: SqliteUnitOfWork) -> None:
        self._uow = uow

    def _encode(self, obj: Any) -> str:
        return _dumps(storage_converter.unstructure(obj))

    def _decode(self, rows: Iterable[tuple[str]], cls: type[Any], what: str) -> builtins.list[Any]:
        structure = storage_converter.get_structure_hook(cls)
        try:
            with trusted_construction():
                return [structure(_loads(text), cls) for (text,) in rows]
        except (ValueError, TypeError, KeyError, AttributeError, PrmError) as exc:
            raise StorageError(
                f"stored {what} data in {self._uow._store.path} cannot be loaded: {exc}"
            ) from exc


class _CommissionPlans(_CommissionRepository):
    def get(self, plan_id: str) -> CommissionPlan:
        found = self.find(plan_id)
        if found is None:
            raise NotFoundError("CommissionPlan", plan_id)
        return found

    def find(self, plan_id: str) -> CommissionPlan | None:
        conn = self._uow._connection()
        with _storage_errors("read commission_plans"):
            rows = conn.execute("SELECT data FROM commission_plans WHERE id = ?", (plan_id,))
            found = self._decode(rows, CommissionPlan, "commission plan")
        return found[0] if found else None

    def save(self, plan: CommissionPlan) -> CommissionPlan:
        check_plan(plan)
        conn = self._uow._write_connection()
        with _storage_errors("write commission_plans"):
            conn.execute(
                "INSERT INTO commission_plans (id, data) VALUES (?, ?) "
                "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                (plan.id, self._encode(plan)),
            )
        return plan

    def list(self) -> builtins.list[CommissionPlan]:
        conn = self._uow._connection()
        with _storage_errors("read commission_plans"):
            rows = conn.execute("SELECT data FROM commission_plans ORDER BY id")
            return self._decode(rows, CommissionPlan, "commission plan")


class _CommissionTransactions(_CommissionRepository):
    def add_many(self, transactions: Iterable[Transaction]) -> builtins.list[Transaction]:
        batch = check_transactions(transactions)
        rows = [(t.id, t.date.isoformat(), self._encode(t)) for t in batch]
        conn = self._uow._write_connection()
        with _storage_errors("add to commission_transactions"):
            conn.execute("SAVEPOINT prmcore_transactions")
            try:
                conn.executemany(
                    "INSERT INTO commission_transactions (id, day, data) VALUES (?, ?, ?)", rows
                )
            except sqlite3.IntegrityError:
                conn.execute("ROLLBACK TO prmcore_transactions")
                conn.execute("RELEASE prmcore_transactions")
                taken = next(
                    row[0]
                    for row in rows
                    if conn.execute(
                        "SELECT 1 FROM commission_transactions WHERE id = ?", (row[0],)
                    ).fetchone()
                )
                raise ConflictError(
                    "Transaction", taken, None, None, "is recorded already"
                ) from None
            conn.execute("RELEASE prmcore_transactions")
        return batch

    def get(self, transaction_id: str) -> Transaction:
        conn = self._uow._connection()
        with _storage_errors("read commission_transactions"):
            rows = conn.execute(
                "SELECT data FROM commission_transactions WHERE id = ?", (transaction_id,)
            )
            found: builtins.list[Transaction] = self._decode(rows, Transaction, "transaction")
        if not found:
            raise NotFoundError("Transaction", transaction_id)
        return found[0]

    def list(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> builtins.list[Transaction]:
        clauses: list[str] = []
        params: list[Any] = []
        if start is not None:
            clauses.append("day >= ?")
            params.append(start.isoformat())
        if end is not None:
            clauses.append("day <= ?")
            params.append(end.isoformat())
        conn = self._uow._connection()
        with _storage_errors("read commission_transactions"):
            rows = conn.execute(
                f"SELECT data FROM commission_transactions{_where(clauses)} ORDER BY day, id",
                params,
            )
            return self._decode(rows, Transaction, "transaction")

    def count(self) -> int:
        conn = self._uow._connection()
        with _storage_errors("count commission_transactions"):
            return int(conn.execute("SELECT count(*) FROM commission_transactions").fetchone()[0])


class _CommissionLedger(_CommissionRepository):
    def append(self, lines: Iterable[LedgerLine]) -> None:
        batch = check_lines(lines)
        rows = [
            (x.id, x.plan_id, x.period.start.isoformat(), x.partner_id, self._encode(x))
            for x in batch
        ]
        conn = self._uow._write_connection()
        with _storage_errors("append to commission_ledger"):
            conn.execute("SAVEPOINT prmcore_ledger")
            try:
                conn.executemany(
                    "INSERT INTO commission_ledger (id, plan_id, period_start, partner_id, data) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
            except sqlite3.IntegrityError:
                conn.execute("ROLLBACK TO prmcore_ledger")
                conn.execute("RELEASE prmcore_ledger")
                taken = next(
                    row[0]
                    for row in rows
                    if conn.execute(
                        "SELECT 1 FROM commission_ledger WHERE id = ?", (row[0],)
                    ).fetchone()
                )
                raise ConflictError(
                    "LedgerLine", taken, None, None, "is in the ledger already"
                ) from None
            conn.execute("RELEASE prmcore_ledger")

    def list(
        self,
        plan_id: str,
        *,
        period: Period | None = None,
        partner_id: str | None = None,
    ) -> builtins.list[LedgerLine]:
        clauses = ["plan_id = ?"]
        params: list[Any] = [plan_id]
        if period is not None:
            clauses.append("period_start = ?")
            params.append(period.start.isoformat())
        if partner_id is not None:
            clauses.append("partner_id = ?")
            params.append(partner_id)
        conn = self._uow._connection()
        with _storage_errors("read commission_ledger"):
            rows = conn.execute(
                f"SELECT data FROM commission_ledger{_where(clauses)} ORDER BY seq", params
            )
            lines: builtins.list[LedgerLine] = self._decode(rows, LedgerLine, "ledger line")
        if period is not None:
            lines = [line for line in lines if line.period == period]
        return lines

    def count(self) -> int:
        conn = self._uow._connection()
        with _storage_errors("count commission_ledger"):
            return int(conn.execute("SELECT count(*) FROM commission_ledger").fetchone()[0])


class _CommissionPeriods(_CommissionRepository):
    def close(self, record: PeriodClose) -> PeriodClose:
        check_close(record)
        conn = self._uow._write_connection()
        with _storage_errors("write commission_periods"):
            try:
                conn.execute(
                    "INSERT INTO commission_periods (plan_id, period_start, data) VALUES (?, ?, ?)",
                    (record.plan_id, record.period.start.isoformat(), self._encode(record)),
                )
            except sqlite3.IntegrityError:
                raise closed_twice(record) from None
        return record

    def closed(self, plan_id: str) -> builtins.list[PeriodClose]:
        conn = self._uow._connection()
        with _storage_errors("read commission_periods"):
            rows = conn.execute(
                "SELECT data FROM commission_periods WHERE plan_id = ? ORDER BY period_start",
                (plan_id,),
            )
            return self._decode(rows, PeriodClose, "period close")


class _RotationStates(_Repository[RotationState, str]):
    def list(self) -> builtins.list[RotationState]:
        return self._query()


class _PartnerLoads(_Repository[PartnerLoad, PartnerId]):
    def list(self) -> builtins.list[PartnerLoad]:
        return self._query()


class _LeadRoutings(_Repository[LeadRouting, LeadId]):
    def list(self, *, status: RoutingStatus | str | None = None) -> builtins.list[LeadRouting]:
        wanted = optional_routing_status(status)
        if wanted is None:
            return self._query()
        return self._query(" WHERE status = ?", (wanted.value,))


class _DealRegistrations(_Repository[DealRegistration, DealRegistrationId]):
    def list(
        self,
        *,
        status: DealStatus | str | None = None,
        partner_id: PartnerId | None = None,
    ) -> builtins.list[DealRegistration]:
        want = optional_deal_status(status)
        clauses: list[str] = []
        params: list[Any] = []
        if want is not None:
            clauses.append("status = ?")
            params.append(want.value)
        if partner_id is not None:
            clauses.append("partner_id = ?")
            params.append(partner_id)
        return self._query(_where(clauses), params)

    def indexable(self) -> builtins.list[DealRegistration]:
        marks = ", ".join("?" * len(INDEXABLE_DEAL_STATUSES))
        return self._query(
            f" WHERE status IN ({marks})", [s.value for s in INDEXABLE_DEAL_STATUSES]
        )


# -- unit of work ------------------------------------------------------------------------------


class SqliteUnitOfWork:
    """A unit of work on a :class:`SqliteStore`; see
    :class:`~prmcore.repositories.UnitOfWork` for the contract.

    Entering takes a connection of its own (from the store's pool). Reads run without a
    transaction until the first write, which starts one with ``BEGIN IMMEDIATE`` and so waits
    (up to the store's ``busy_timeout``) while another unit holds the write lock. Taking the lock
    at the first write rather than on entry lets read-only units run in parallel with writers;
    taking it before the first write statement, rather than letting SQLite upgrade a read
    transaction, means a writer waits its turn instead of failing with "database is locked".
    Stale versions are detected by the write itself (``WHERE id = ? AND version = ?``) with
    the lock held, so :meth:`commit` cannot fail with a conflict.

    Args:
        store: The database.
        sink: Receives the collected events after each successful commit; ``None`` drops them.

    Raises:
        PrmError: Using the unit outside its ``with`` block, or entering it twice.

    .. versionadded:: 0.1.0
    """

    def __init__(self, store: SqliteStore, sink: EventSink | None = None) -> None:
        if not isinstance(store, SqliteStore):
            raise TypeError(f"SqliteUnitOfWork needs a SqliteStore, not {store!r}")
        self._store = store
        self._sink = sink
        self._conn: sqlite3.Connection | None = None
        self._events: list[DomainEvent] = []
        self._partners = _Partners(self, _TABLES["partners"])
        self._people = _People(self, _TABLES["people"])
        self._affiliations = _Affiliations(self, _TABLES["affiliations"])
        self._agreements = _Agreements(self, _TABLES["agreements"])
        self._accounts = _Accounts(self, _TABLES["accounts"])
        self._leads = _Leads(self, _TABLES["leads"])
        self._product_lines = _ProductLines(self, _TABLES["product_lines"])
        self._rotation_states = _RotationStates(self, _TABLES["rotation_states"])
        self._partner_loads = _PartnerLoads(self, _TABLES["partner_loads"])
        self._lead_routings = _LeadRoutings(self, _TABLES["lead_routings"])
        self._certification_types = _CertificationTypes(self, _TABLES["certification_types"])
        self._certification_awards = _CertificationAwards(self, _TABLES["certification_awards"])
        self._sent_reminders = _SentReminders(self, _TABLES["sent_reminders"])
        self._level_records = _LevelRecords(self, _TABLES["level_records"])
        self._deal_registrations = _DealRegistrations(self, _TABLES["deal_registrations"])
        self._commission_plans = _CommissionPlans(self)
        self._commission_transactions = _CommissionTransactions(self)
        self._commission_ledger = _CommissionLedger(self)
        self._commission_periods = _CommissionPeriods(self)

    @property
    def partners(self) -> _Partners:
        """The partners (a :class:`~prmcore.repositories.PartnerRepository`)."""
        return self._partners

    @property
    def people(self) -> _People:
        """The people (a :class:`~prmcore.repositories.PersonRepository`)."""
        return self._people

    @property
    def affiliations(self) -> _Affiliations:
        """The affiliations (an :class:`~prmcore.repositories.AffiliationRepository`)."""
        return self._affiliations

    @property
    def agreements(self) -> _Agreements:
        """The agreements (an :class:`~prmcore.repositories.AgreementRepository`)."""
        return self._agreements

    @property
    def accounts(self) -> _Accounts:
        """The accounts (an :class:`~prmcore.repositories.AccountRepository`)."""
        return self._accounts

    @property
    def leads(self) -> _Leads:
        """The leads (a :class:`~prmcore.repositories.LeadRepository`)."""
        return self._leads

    @property
    def product_lines(self) -> _ProductLines:
        """The product lines (a :class:`~prmcore.repositories.ProductLineRepository`)."""
        return self._product_lines

    @property
    def certification_types(self) -> _CertificationTypes:
        """The certification types (a
        :class:`~prmcore.repositories.CertificationTypeRepository`)."""
        return self._certification_types

    @property
    def certification_awards(self) -> _CertificationAwards:
        """The certification awards (a
        :class:`~prmcore.repositories.CertificationAwardRepository`)."""
        return self._certification_awards

    @property
    def sent_reminders(self) -> _SentReminders:
        """The records of reminders sent (a
        :class:`~prmcore.repositories.SentReminderRepository`)."""
        return self._sent_reminders

    @property
    def level_records(self) -> _LevelRecords:
        """The partners' level records (a
        :class:`~prmcore.repositories.LevelRecordRepository`)."""
        return self._level_records

    @property
    def commission_plans(self) -> _CommissionPlans:
        """The commission plans (a :class:`~prmcore.repositories.CommissionPlanRepository`)."""
        return self._commission_plans

    @property
    def commission_transactions(self) -> _CommissionTransactions:
        """The commissionable transactions (a
        :class:`~prmcore.repositories.CommissionTransactionRepository`)."""
        return self._commission_transactions

    @property
    def commission_ledger(self) -> _CommissionLedger:
        """The commission ledger (a
        :class:`~prmcore.repositories.CommissionLedgerRepository`)."""
        return self._commission_ledger

    @property
    def commission_periods(self) -> _CommissionPeriods:
        """The closed commission periods (a
        :class:`~prmcore.repositories.CommissionPeriodRepository`)."""
        return self._commission_periods

    @property
    def rotation_states(self) -> _RotationStates:
        """The routing rotations (a :class:`~prmcore.repositories.RotationStateRepository`)."""
        return self._rotation_states

    @property
    def partner_loads(self) -> _PartnerLoads:
        """The routing loads (a :class:`~prmcore.repositories.PartnerLoadRepository`)."""
        return self._partner_loads

    @property
    def lead_routings(self) -> _LeadRoutings:
        """The routing records (a :class:`~prmcore.repositories.LeadRoutingRepository`)."""
        return self._lead_routings

    @property
    def deal_registrations(self) -> _DealRegistrations:
        """The deal registrations (a
        :class:`~prmcore.repositories.DealRegistrationRepository`)."""
        return self._deal_registrations

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise inactive("SqliteUnitOfWork")
        return self._conn

    def _write_connection(self) -> sqlite3.Connection:
        conn = self._connection()
        if not conn.in_transaction:
            with _storage_errors("start a write transaction"):
                conn.execute("BEGIN IMMEDIATE")
        return conn

    def __enter__(self) -> Self:
        if self._conn is not None:
            raise PrmError("this SqliteUnitOfWork is already active; open a second unit instead")
        self._conn = self._store._acquire()
        self._events = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        self._events = []
        if conn is not None:
            self._store._release(conn)

    def commit(self) -> None:
        """Commit the transaction (if anything was written), then publish the collected events.

        Raises:
            StorageError: SQLite could not commit; the unit is rolled back.
        """
        conn = self._connection()
        events, self._events = self._events, []
        if conn.in_transaction:
            try:
                with _storage_errors("commit"):
                    conn.execute("COMMIT")
            except StorageError:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
        if events and self._sink is not None:
            self._sink.publish(events)

    def rollback(self) -> None:
        """Roll back the transaction and forget the collected events."""
        conn = self._connection()
        self._events = []
        if conn.in_transaction:
            with _storage_errors("roll back"):
                conn.execute("ROLLBACK")

    def collect(self, *events: DomainEvent) -> None:
        """Queue *events* for publishing after the next successful commit.

        Raises:
            TypeError: Something that is not a :class:`~prmcore.events.DomainEvent`.
        """
        self._connection()
        for event in events:
            if not isinstance(event, DomainEvent):
                raise TypeError(f"collect() takes DomainEvent objects, not {event!r}")
        self._events.extend(events)


if TYPE_CHECKING:

    def _conforms(store: SqliteStore) -> UnitOfWork:
        return SqliteUnitOfWork(store)
