"""Deal registration conflicts: customer identity and matching.

Two registrations conflict only if they name the same customer, and partners write customers
in many ways: "IBM", "International Business Machines Corp.", "ibm.com", a contact at
``jane@de.ibm.com``. This package turns a :class:`CompanyRef` into identity keys — a name key
that never becomes empty, the legal form kept apart, an acronym, registrable domains from the
offline Public Suffix List with free mail ignored, exact ids — and :func:`match_companies`
weighs them into an explainable :class:`CompanyMatch`.

On top of identity: :class:`DealRegistration` with its lifecycle and protection window
(:class:`RegistrationRules`), the incremental :class:`BlockingIndex`, the
:class:`ConflictDetector` with its explainable :class:`ConflictReport`, pluggable resolution
policies (:class:`ResolutionPolicy`) and the :class:`DealRegistrationService` that runs them
through a unit of work.

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

from prmcore.conflicts.blocking import BlockingConfig, BlockingIndex, blocking_keys
from prmcore.conflicts.dedup import DuplicatePair, find_duplicates
from prmcore.conflicts.detector import (
    Conflict,
    ConflictClass,
    ConflictDetector,
    ConflictReport,
    DetectorConfig,
    Opportunity,
    PriorWin,
    account_ref,
)
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
    could_match,
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
from prmcore.conflicts.policies import (
    Decision,
    FirstToRegister,
    HigherLevelWins,
    IncumbentWins,
    ManualReview,
    ReducedBenefitForSecond,
    Resolution,
    ResolutionPolicy,
)
from prmcore.conflicts.registration import (
    DEAL_TRANSITIONS,
    DealRegistration,
    DealRegistrationId,
    DealStatus,
    ProtectionAnchor,
    RegistrationRules,
    due_for_expiry,
)
from prmcore.conflicts.service import DealRegistrationService, Submission

__all__ = [
    "DEAL_TRANSITIONS",
    "BlockingConfig",
    "BlockingIndex",
    "Conflict",
    "ConflictClass",
    "ConflictDetector",
    "ConflictReport",
    "DealRegistration",
    "DealRegistrationId",
    "DealRegistrationService",
    "DealStatus",
    "Decision",
    "DuplicatePair",
    "DetectorConfig",
    "FirstToRegister",
    "HigherLevelWins",
    "IncumbentWins",
    "ManualReview",
    "Opportunity",
    "PriorWin",
    "ProtectionAnchor",
    "ReducedBenefitForSecond",
    "RegistrationRules",
    "Resolution",
    "ResolutionPolicy",
    "account_ref",
    "blocking_keys",
    "could_match",
    "due_for_expiry",
    "find_duplicates",
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
    "Submission",
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
