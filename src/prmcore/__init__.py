"""prmcore: a storage-agnostic partner-relationship-management core.

The most used names are re-exported here; each capability lives in its own subpackage
(``prmcore.money``, ``prmcore.periods``, ``prmcore.domain``, ``prmcore.repositories``, ...).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.domain import (
    Account,
    Affiliation,
    Agreement,
    AgreementKind,
    Capacity,
    Contact,
    ExternalId,
    Lead,
    Location,
    Partner,
    PartnerKind,
    PartnerStatus,
    Person,
    ProductLine,
)
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
from prmcore.money import (
    ConvertedAmount,
    ExchangeRate,
    InMemoryRateSource,
    Money,
    RateSource,
    convert,
)
from prmcore.periods import (
    FiscalYearCalendar,
    HalfYearCalendar,
    MonthCalendar,
    Period,
    PeriodCalendar,
    QuarterCalendar,
    add_months,
    trailing,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "Account",
    "Affiliation",
    "Agreement",
    "AgreementKind",
    "Capacity",
    "ConflictError",
    "Contact",
    "ConvertedAmount",
    "CurrencyMismatch",
    "ExchangeRate",
    "ExternalId",
    "FiscalYearCalendar",
    "HalfYearCalendar",
    "InMemoryRateSource",
    "InvalidTransition",
    "Lead",
    "Location",
    "MissingRateError",
    "Money",
    "MonthCalendar",
    "NotFoundError",
    "Partner",
    "PartnerKind",
    "PartnerStatus",
    "Period",
    "PeriodCalendar",
    "Person",
    "PrmError",
    "Problem",
    "ProductLine",
    "QuarterCalendar",
    "RateSource",
    "ValidationError",
    "__version__",
    "add_months",
    "convert",
    "trailing",
]
