"""Persistence: the repository and unit-of-work protocols, and the stores prmcore ships.

* :mod:`prmcore.repositories.protocols`: what a store offers (:class:`UnitOfWork`,
  :class:`PartnerRepository`, ...). Services depend on these only.
* :mod:`prmcore.repositories.memory`: :class:`InMemoryStore` and :class:`InMemoryUnitOfWork`.
* :mod:`prmcore.repositories.sqlite`: :class:`SqliteStore` and :class:`SqliteUnitOfWork`, the
  embedded default (imported on first use, so ``import prmcore`` does not load
  :mod:`sqlite3`).

A host's own store implements the protocols and proves it with
:mod:`prmcore.testing.conformance`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prmcore.repositories.errors import SchemaVersionError, StorageError
from prmcore.repositories.memory import InMemoryStore, InMemoryUnitOfWork
from prmcore.repositories.protocols import (
    AccountRepository,
    AffiliationRepository,
    AgreementRepository,
    CertificationAwardRepository,
    CertificationTypeRepository,
    CommissionLedgerRepository,
    CommissionPeriodRepository,
    CommissionPlanRepository,
    CommissionTransactionRepository,
    DealRegistrationRepository,
    LeadRepository,
    LeadRoutingRepository,
    LevelRecordRepository,
    PartnerLoadRepository,
    PartnerRepository,
    PersonRepository,
    ProductLineRepository,
    Repository,
    RotationStateRepository,
    SentReminderRepository,
    UnitOfWork,
)

if TYPE_CHECKING:
    from prmcore.repositories.sqlite import SCHEMA_VERSION, SqliteStore, SqliteUnitOfWork

__all__ = [
    "SCHEMA_VERSION",
    "AccountRepository",
    "AffiliationRepository",
    "AgreementRepository",
    "CommissionLedgerRepository",
    "CommissionPeriodRepository",
    "CommissionPlanRepository",
    "CommissionTransactionRepository",
    "CertificationAwardRepository",
    "CertificationTypeRepository",
    "DealRegistrationRepository",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "LeadRepository",
    "LeadRoutingRepository",
    "LevelRecordRepository",
    "PartnerLoadRepository",
    "PartnerRepository",
    "PersonRepository",
    "ProductLineRepository",
    "Repository",
    "RotationStateRepository",
    "SchemaVersionError",
    "SentReminderRepository",
    "SqliteStore",
    "SqliteUnitOfWork",
    "StorageError",
    "UnitOfWork",
]

_LAZY = frozenset({"SCHEMA_VERSION", "SqliteStore", "SqliteUnitOfWork"})


def __getattr__(name: str) -> Any:
    # The SQLite store loads sqlite3; only pay for it when it is used.
    if name in _LAZY:
        from prmcore.repositories import sqlite

        return getattr(sqlite, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)
