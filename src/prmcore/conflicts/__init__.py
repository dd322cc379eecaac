"""Deal registration conflicts: customer identity and matching.

Two registrations conflict only if they name the same customer, and partners write customers
in many ways: "IBM", "International Business Machines Corp.", "ibm.com", a contact at
``jane@de.ibm.com``. This package turns a :class:`CompanyRef` into identity keys — a name key
that never becomes empty, the legal form kept apart, an acronym, registrable domains from the
offline Public Suffix List with free mail ignored, exact ids — and :func:`match_companies`
weighs them into an explainable :class:`CompanyMatch`. Registrations, the blocking index and
the conflict detector will join them here.

Examples:
    >>> from prmcore.conflicts import CompanyRef, match_companies
    >>> m = match_companies(
    ...     CompanyRef("IBM", email="jane@de.ibm.com"),
    ...     CompanyRef("International Business Machines Corp.", domain="www.ibm.com"),
    ... )
    >>> m.band.value, m.score > 0.999
    ('match', True)

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.conflicts.domains import (
    FREE_MAIL_DOMAINS,
    FREE_MAIL_FAMILIES,
    email_domain,
    host_of,
    is_free_mail,
    registrable_domain,
)
from prmcore.conflicts.identity import CompanyIdentity, CompanyRef, normalize_id
from prmcore.conflicts.matching import (
    GENERIC_WORDS,
    CompanyMatch,
    MatchBand,
    MatchConfig,
    MatchReason,
    Signal,
    match_companies,
    name_similarity,
)
from prmcore.conflicts.names import (
    LEGAL_FORMS,
    STOPWORDS,
    LegalForm,
    NameParts,
    acronym_of,
    fold_text,
    legal_form_countries,
    legal_forms_of_country,
    name_key,
    parse_name,
)

__all__ = [
    "FREE_MAIL_DOMAINS",
    "FREE_MAIL_FAMILIES",
    "GENERIC_WORDS",
    "LEGAL_FORMS",
    "STOPWORDS",
    "CompanyIdentity",
    "CompanyMatch",
    "CompanyRef",
    "LegalForm",
    "MatchBand",
    "MatchConfig",
    "MatchReason",
    "NameParts",
    "Signal",
    "acronym_of",
    "email_domain",
    "fold_text",
    "host_of",
    "is_free_mail",
    "legal_form_countries",
    "legal_forms_of_country",
    "match_companies",
    "name_key",
    "name_similarity",
    "normalize_id",
    "parse_name",
    "registrable_domain",
]
