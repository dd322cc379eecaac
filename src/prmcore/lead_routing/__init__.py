"""Territory-based lead routing: territories, a compiled territory index, eligibility gates,
selection strategies, offers and a decision trace.

* :class:`Territory` and :class:`TerritoryModel` (versioned, loaded from dict/JSON with
  :func:`territory_model_from_dict`), simulated and diffed with :func:`diff_models`;
* :class:`TerritoryIndex`, which finds the territories covering a lead;
* gates (:data:`DEFAULT_GATES`, :class:`CapacityGate`, ...) and strategies
  (:class:`Strategy`, :class:`SmoothWeightedRoundRobin`, :class:`Nearest`, ...);
* :class:`Router`, pure, returning a :class:`RoutingDecision` with a :class:`RoutingTrace`;
* the offer lifecycle (:class:`LeadRouting`, :func:`accept`, :func:`decline`, :func:`expire`)
  and :class:`LeadRoutingService`, which stores state with compare-and-set and publishes
  :class:`LeadOffered`, :class:`LeadAccepted`, :class:`LeadDeclined`, :class:`LeadExpired` and
  :class:`LeadUnroutable`;
* :func:`fairness_report`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from prmcore.lead_routing.events import (
    LeadAccepted,
    LeadDeclined,
    LeadExpired,
    LeadOffered,
    LeadUnroutable,
)
from prmcore.lead_routing.fairness import (
    FairnessReport,
    PartnerFairness,
    PoolFairness,
    fairness_report,
    gini,
)
from prmcore.lead_routing.gates import (
    DEFAULT_GATES,
    AgreementGate,
    AvailabilityGate,
    AwayWindow,
    Candidate,
    CapacityGate,
    CertificationCheck,
    CertificationGate,
    DealRegistrationGate,
    DealRegistrationLookup,
    DeclinedGate,
    Gate,
    GateVerdict,
    MinimumLevelGate,
    RoutingData,
    RoutingRequest,
    StatusGate,
    WeightGate,
)
from prmcore.lead_routing.geo import EARTH_RADIUS_KM, GeoCircle, GeoGrid, haversine_km
from prmcore.lead_routing.loading import (
    territory_model_from_dict,
    territory_model_from_json,
    territory_model_to_dict,
    territory_model_to_json,
)
from prmcore.lead_routing.offers import (
    DeclineReason,
    LeadPreview,
    LeadRouting,
    Offer,
    OfferPolicy,
    OfferStatus,
    RoutingStatus,
    accept,
    decline,
    expire,
    lead_preview,
    next_offer,
    start_routing,
)
from prmcore.lead_routing.realignment import (
    ModelDiff,
    RoutingLocks,
    Simulation,
    TerritoryChange,
    activate,
    diff_models,
    simulate,
)
from prmcore.lead_routing.resolution import resolve
from prmcore.lead_routing.router import (
    InMemoryRoutingData,
    Router,
    RoutingDecision,
    RoutingOutcome,
    TerritoryMatcher,
    WeightSource,
    program_weights,
)
from prmcore.lead_routing.service import LeadRoutingService, RoutingResult
from prmcore.lead_routing.state import PartnerLoad, PeriodCount, RotationEntry, RotationState
from prmcore.lead_routing.strategies import (
    CandidateFilter,
    LeastLoad,
    Nearest,
    PerformanceScore,
    QuotaWeighted,
    Scorer,
    SmoothWeightedRoundRobin,
    Strategy,
    TieBreak,
    WeightedRandom,
    WithinRadius,
    lead_point,
)
from prmcore.lead_routing.territory import (
    MODEL_TRANSITIONS,
    ModelStatus,
    PolicyKind,
    PoolMember,
    ResolutionPolicy,
    Territory,
    TerritoryModel,
)
from prmcore.lead_routing.territory_index import (
    BruteForceMatcher,
    MatchKind,
    TerritoryIndex,
    TerritoryMatch,
)
from prmcore.lead_routing.trace import CandidateTrace, PoolTrace, RoutingTrace, TerritoryTrace

__all__ = [
    "DEFAULT_GATES",
    "EARTH_RADIUS_KM",
    "MODEL_TRANSITIONS",
    "AgreementGate",
    "AvailabilityGate",
    "AwayWindow",
    "BruteForceMatcher",
    "Candidate",
    "CandidateFilter",
    "CandidateTrace",
    "CapacityGate",
    "CertificationCheck",
    "CertificationGate",
    "DealRegistrationGate",
    "DealRegistrationLookup",
    "DeclineReason",
    "DeclinedGate",
    "FairnessReport",
    "Gate",
    "GateVerdict",
    "GeoCircle",
    "GeoGrid",
    "InMemoryRoutingData",
    "LeadAccepted",
    "LeadDeclined",
    "LeadExpired",
    "LeadOffered",
    "LeadPreview",
    "LeadRouting",
    "LeadRoutingService",
    "LeadUnroutable",
    "LeastLoad",
    "MatchKind",
    "MinimumLevelGate",
    "ModelDiff",
    "ModelStatus",
    "Nearest",
    "Offer",
    "OfferPolicy",
    "OfferStatus",
    "PartnerFairness",
    "PartnerLoad",
    "PerformanceScore",
    "PeriodCount",
    "PolicyKind",
    "PoolFairness",
    "PoolMember",
    "PoolTrace",
    "QuotaWeighted",
    "ResolutionPolicy",
    "RotationEntry",
    "RotationState",
    "Router",
    "RoutingData",
    "RoutingDecision",
    "RoutingLocks",
    "RoutingOutcome",
    "RoutingRequest",
    "RoutingResult",
    "RoutingStatus",
    "RoutingTrace",
    "Scorer",
    "Simulation",
    "SmoothWeightedRoundRobin",
    "StatusGate",
    "Strategy",
    "Territory",
    "TerritoryChange",
    "TerritoryIndex",
    "TerritoryMatch",
    "TerritoryMatcher",
    "TerritoryModel",
    "TerritoryTrace",
    "TieBreak",
    "WeightGate",
    "WeightSource",
    "WeightedRandom",
    "WithinRadius",
    "accept",
    "activate",
    "decline",
    "diff_models",
    "expire",
    "fairness_report",
    "gini",
    "haversine_km",
    "lead_point",
    "lead_preview",
    "next_offer",
    "program_weights",
    "resolve",
    "simulate",
    "start_routing",
    "territory_model_from_dict",
    "territory_model_from_json",
    "territory_model_to_dict",
    "territory_model_to_json",
]
