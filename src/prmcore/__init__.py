"""prmcore: a storage-agnostic partner-relationship-management core.

The most used names are re-exported here; each capability lives in its own subpackage
(``prmcore.money``, ``prmcore.periods``, ``prmcore.domain``, ``prmcore.repositories``, ...).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.errors import (
    ConflictError,
    CurrencyMismatch,
    InvalidTransition,
    MissingRateError,
    NotFoundError,
    PrmError,
    Problem,
    ValidationError,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "ConflictError",
    "CurrencyMismatch",
    "InvalidTransition",
    "MissingRateError",
    "NotFoundError",
    "PrmError",
    "Problem",
    "ValidationError",
    "__version__",
]
