"""Typed identifiers for the domain objects.

Identifiers are plain strings at run time; :func:`typing.NewType` lets mypy stop a
``PersonId`` being passed where a ``PartnerId`` is expected. Hosts choose the values (their own
primary keys, UUIDs, slugs); prmcore only requires 1-128 characters of letters, digits and
``._:@/+-``, starting with a letter or digit.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import NewType

__all__ = [
    "AccountId",
    "AffiliationId",
    "AgreementId",
    "LeadId",
    "PartnerId",
    "PersonId",
    "ProductLineId",
    "ProgramLevelId",
]

PartnerId = NewType("PartnerId", str)
"""The id of a :class:`~prmcore.domain.Partner`."""
PersonId = NewType("PersonId", str)
"""The id of a :class:`~prmcore.domain.Person`."""
AffiliationId = NewType("AffiliationId", str)
"""The id of an :class:`~prmcore.domain.Affiliation`."""
AgreementId = NewType("AgreementId", str)
"""The id of an :class:`~prmcore.domain.Agreement`."""
AccountId = NewType("AccountId", str)
"""The id of a customer :class:`~prmcore.domain.Account`."""
LeadId = NewType("LeadId", str)
"""The id of a :class:`~prmcore.domain.Lead`."""
ProductLineId = NewType("ProductLineId", str)
"""The id of a :class:`~prmcore.domain.ProductLine`."""
ProgramLevelId = NewType("ProgramLevelId", str)
"""The id of a partner-program level (such as ``"gold"``)."""
