"""Errors that stores raise when the storage itself fails, rather than the data.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.errors import PrmError

__all__ = ["SchemaVersionError", "StorageError"]


class StorageError(PrmError):
    """The storage failed: the database file cannot be opened or written, it stayed locked by
    another writer for longer than the busy timeout, or stored data cannot be read back.

    The original driver exception is chained as ``__cause__``. A unit of work that raised it
    has rolled back (or will when its ``with`` block ends); retrying later may succeed.

    .. versionadded:: 0.1.0
    """


class SchemaVersionError(StorageError):
    """The database was written by a newer prmcore whose schema this version does not know.

    Upgrade prmcore; prmcore never downgrades or rewrites a newer schema.

    Args:
        found: The schema version in the database.
        supported: The newest version this prmcore knows.

    .. versionadded:: 0.1.0
    """

    def __init__(self, found: int, supported: int, where: str = "") -> None:
        self.found = found
        self.supported = supported
        self.where = where
        place = f" {where}" if where else ""
        super().__init__(
            f"the database{place} has prmcore schema version {found}, but this prmcore only "
            f"knows versions up to {supported}: upgrade prmcore to open it"
        )

    def __reduce__(self) -> tuple[type[SchemaVersionError], tuple[int, int, str]]:
        return (type(self), (self.found, self.supported, self.where))
