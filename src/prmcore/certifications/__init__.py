"""Certifications held by people: types, awards, status, renewal, reminders and compliance.

- :class:`CertificationType` s (validity, renewal window and anchor, grace, prerequisites,
  ``satisfies``, reminder days) live in a :class:`CertificationCatalog`, validated as a whole.
- A :class:`CertificationAward` is held by a person; its :func:`status` on a day is derived,
  never stored.
- :func:`earn` checks prerequisites; :func:`renew` applies the window, anchor, grace and a
  :class:`RenewalPolicy`. Both return new awards.
- :func:`reminders_due` lists the reminders due in a window, each with an idempotency key, and
  :func:`reminder_events` turns them into :class:`CertificationExpiring` /
  :class:`CertificationExpired` events.
- :func:`compliance` and :func:`forecast_compliance_loss` check a partner's
  :class:`CertificationRequirement` s against the people affiliated with it, over an
  :class:`AwardIndex`.

Every engine here is a pure function of its arguments: no clock, no I/O, inputs never changed.

Examples:
    >>> import datetime as dt
    >>> from prmcore.certifications import (
    ...     CertificationCatalog, CertificationType, Duration, earn, status)
    >>> catalog = CertificationCatalog(
    ...     [CertificationType("spec", "Specialist", validity=Duration(years=1))])
    >>> award = earn("p-1", "spec", dt.date(2026, 1, 31), [], catalog, "a-1")
    >>> award.expires_on, status(award, catalog, dt.date(2027, 1, 31)).value
    (datetime.date(2027, 1, 31), 'expiring')

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.certifications.award import AwardId, AwardRenewal, CertificationAward
from prmcore.certifications.catalog import CertificationCatalog
from prmcore.certifications.certification_type import (
    CertificationType,
    CertificationTypeId,
    Duration,
    RenewalAnchor,
)
from prmcore.certifications.compliance import (
    AwardIndex,
    CertificationRequirement,
    ComplianceReport,
    RequirementResult,
    compliance,
    forecast_compliance_loss,
)
from prmcore.certifications.events import (
    CertificationExpired,
    CertificationExpiring,
    ComplianceLost,
)
from prmcore.certifications.reminders import (
    Reminder,
    ReminderKind,
    SentReminder,
    reminder_events,
    reminders_due,
)
from prmcore.certifications.renewal import (
    MissingPrerequisite,
    RenewalPolicy,
    RenewalRefused,
    earn,
    renew,
)
from prmcore.certifications.status import (
    AwardDates,
    CertificationStatus,
    award_dates,
    resolve_type,
    status,
)

__all__ = [
    "AwardDates",
    "AwardId",
    "AwardIndex",
    "AwardRenewal",
    "CertificationAward",
    "CertificationCatalog",
    "CertificationExpired",
    "CertificationExpiring",
    "CertificationRequirement",
    "CertificationStatus",
    "CertificationType",
    "CertificationTypeId",
    "ComplianceLost",
    "ComplianceReport",
    "Duration",
    "MissingPrerequisite",
    "Reminder",
    "ReminderKind",
    "RenewalAnchor",
    "RenewalPolicy",
    "RenewalRefused",
    "RequirementResult",
    "SentReminder",
    "award_dates",
    "compliance",
    "earn",
    "forecast_compliance_loss",
    "reminder_events",
    "reminders_due",
    "renew",
    "resolve_type",
    "status",
]
