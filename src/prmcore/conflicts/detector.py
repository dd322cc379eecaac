"""Channel-conflict detection: does a deal registration collide with anyone else's claim?

:class:`ConflictDetector` keeps a :class:`~prmcore.conflicts.BlockingIndex` over the
registrations that matter (active ones, and won ones for incumbency), the vendor's accounts and
open opportunities. :meth:`ConflictDetector.check` scores only the index's candidates with
:func:`~prmcore.conflicts.match_companies` and reports every conflict with its
:class:`ConflictClass`, the evidence and the rule that fired:

``partner_vs_partner``
    Another partner's active registration names the same customer, shares a product line and
    its protection window overlaps this one's.
``same_partner_duplicate``
    The same, by the same partner: a duplicate registration.
``house_or_named_account``
    The customer is a house account (direct sales owns it) or another partner's named
    account.
``existing_customer``
    The customer already buys from the vendor (an account marked as a customer), or has an
    open opportunity owned by direct sales or another partner that shares a product line.
``out_of_territory``
    The customer's country is outside the territory the partner may register in.

"The same customer" means a ``match`` band, or a ``review`` band when
:attr:`DetectorConfig.report_review` is on (the default: a person should see grey-zone
overlaps; a :class:`~prmcore.conflicts.ManualReview` policy sends them to review). Draft,
rejected, withdrawn, expired and lost registrations never conflict; won ones are reported as
*prior wins* (for an incumbent-wins policy), not as conflicts.

Accounts, opportunities and territories are plain inputs the host hands over
(:meth:`~ConflictDetector.set_accounts`, :meth:`~ConflictDetector.set_opportunities`,
:meth:`~ConflictDetector.set_territories`); nothing here reads storage.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping

import attrs

from prmcore._checks import Checks, Validated, to_tuple
from prmcore.conflicts.blocking import BlockingConfig, BlockingIndex
from prmcore.conflicts.identity import CompanyRef
from prmcore.conflicts.matching import (
    CompanyMatch,
    MatchBand,
    MatchConfig,
    _Bound,
    could_match,
    match_companies,
)
from prmcore.conflicts.registration import (
    DealRegistration,
    DealRegistrationId,
    DealStatus,
    RegistrationRules,
)
from prmcore.domain.account import Account
from prmcore.domain.ids import PartnerId, ProductLineId

__all__ = [
    "Conflict",
    "ConflictClass",
    "ConflictDetector",
    "ConflictReport",
    "DetectorConfig",
    "Opportunity",
    "PriorWin",
    "account_ref",
]


class ConflictClass(enum.StrEnum):
    """The kind of a :class:`Conflict` (see the module docs).

    .. versionadded:: 0.1.0
    """

    PARTNER_VS_PARTNER = "partner_vs_partner"
    HOUSE_OR_NAMED_ACCOUNT = "house_or_named_account"
    EXISTING_CUSTOMER = "existing_customer"
    SAME_PARTNER_DUPLICATE = "same_partner_duplicate"
    OUT_OF_TERRITORY = "out_of_territory"


_CLASS_ORDER = {cls: i for i, cls in enumerate(ConflictClass)}


@attrs.frozen
class DetectorConfig(Validated):
    """Settings of the :class:`ConflictDetector`.

    Args:
        require_product_overlap: Registrations (and opportunities) conflict only when they
            share at least one product line (default); off, any product counts.
        report_review: Report conflicts whose customer match is in the ``review`` band too
            (default); off, only ``match``.
        incumbent_days: How far back a won registration counts as a prior win.
        screen: Skip scoring candidates that :func:`~prmcore.conflicts.could_match` turns
            down (default); off, every candidate is scored.

    .. versionadded:: 0.1.0
    """

    require_product_overlap: bool = True
    report_review: bool = True
    incumbent_days: int = 365
    screen: bool = True

    def _validate(self, c: Checks) -> None:
        c.instance("require_product_overlap", self.require_product_overlap, bool)
        c.instance("report_review", self.report_review, bool)
        c.integer("incumbent_days", self.incumbent_days, minimum=0, maximum=36500)
        c.instance("screen", self.screen, bool)


@attrs.frozen
class Opportunity(Validated):
    """An open sales opportunity the vendor knows of, owned by direct sales or a partner.

    Args:
        id: The host's id for it.
        customer: The customer.
        product_lines: What it is for.
        owner_partner_id: The partner working it; ``None`` for direct sales.
        open: Whether it is still open (closed ones never conflict).

    .. versionadded:: 0.1.0
    """

    id: str
    customer: CompanyRef
    product_lines: tuple[ProductLineId, ...] = attrs.field(default=(), converter=to_tuple)
    owner_partner_id: PartnerId | None = None
    open: bool = True

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.instance("customer", self.customer, CompanyRef)
        c.each("product_lines", self.product_lines, c.identifier, unique=True)
        c.optional_identifier("owner_partner_id", self.owner_partner_id)
        c.instance("open", self.open, bool)


@attrs.frozen
class Conflict:
    """One collision of a registration with another claim.

    Args:
        conflict_class: What kind of conflict.
        rule: The rule that fired, in words.
        other_kind: ``"registration"``, ``"account"``, ``"opportunity"`` or ``"territory"``.
        other_id: The other registration's, account's or opportunity's id (``None`` for a
            territory).
        other_partner_id: The partner behind the other claim; ``None`` for direct sales or
            the vendor.
        match: The customer match, with its score and reasons (``None`` for a territory).
        shared_product_lines: Product lines both claim.
        overlap: The overlap of the two protection windows, ``[start, end)``.
        other_submitted_at: When the other registration was submitted.
        evidence: What matched, one line each.

    .. versionadded:: 0.1.0
    """

    conflict_class: ConflictClass
    rule: str
    other_kind: str
    other_id: str | None
    other_partner_id: PartnerId | None
    match: CompanyMatch | None
    shared_product_lines: tuple[ProductLineId, ...] = ()
    overlap: tuple[dt.datetime, dt.datetime] | None = None
    other_submitted_at: dt.datetime | None = None
    evidence: tuple[str, ...] = ()

    @property
    def score(self) -> float | None:
        """The customer-match score, or ``None``."""
        return None if self.match is None else self.match.score

    @property
    def band(self) -> MatchBand | None:
        """The customer-match band, or ``None``."""
        return None if self.match is None else self.match.band

    def explain(self) -> str:
        """The conflict, the rule and the evidence, one per line."""
        who = f" {self.other_kind} {self.other_id}" if self.other_id else ""
        lines = [f"{self.conflict_class.value}:{who}", f"  rule: {self.rule}"]
        lines += [f"  {line}" for line in self.evidence]
        return "\n".join(lines)


@attrs.frozen
class PriorWin:
    """A won registration for the same customer, inside the incumbency window.

    .. versionadded:: 0.1.0
    """

    registration_id: DealRegistrationId
    partner_id: PartnerId
    won_at: dt.datetime
    score: float


@attrs.frozen
class ConflictReport:
    """What :meth:`ConflictDetector.check` found for one registration.

    Args:
        registration_id: The registration checked.
        partner_id: Its partner.
        as_of: The moment of the check.
        conflicts: Each conflict, ordered by class and then other id.
        prior_wins: Won registrations for the same customer (newest first).
        candidates: How many candidates the index returned (those that could conflict at
            all, by state, product and window, were scored).

    .. versionadded:: 0.1.0
    """

    registration_id: DealRegistrationId
    partner_id: PartnerId
    as_of: dt.datetime
    conflicts: tuple[Conflict, ...]
    prior_wins: tuple[PriorWin, ...] = ()
    candidates: int = 0

    @property
    def has_conflicts(self) -> bool:
        """True when there is at least one conflict."""
        return bool(self.conflicts)

    def of_class(self, conflict_class: ConflictClass | str) -> tuple[Conflict, ...]:
        """The conflicts of one class."""
        wanted = ConflictClass(conflict_class)
        return tuple(c for c in self.conflicts if c.conflict_class is wanted)

    @property
    def classes(self) -> tuple[ConflictClass, ...]:
        """The classes present, in the fixed class order, each once."""
        return tuple(
            sorted({c.conflict_class for c in self.conflicts}, key=_CLASS_ORDER.__getitem__)
        )

    def explain(self) -> str:
        """Every conflict with its rule and evidence; or that there is none."""
        if not self.conflicts:
            return f"{self.registration_id}: no conflict ({self.candidates} candidates scored)"
        head = f"{self.registration_id}: {len(self.conflicts)} conflict(s)"
        return "\n".join([head, *(c.explain() for c in self.conflicts)])


def account_ref(account: Account) -> CompanyRef:
    """The :class:`~prmcore.conflicts.CompanyRef` of a vendor account, for matching.

    Examples:
        >>> account_ref(Account(id="a-1", name="Acme", domain="acme.com")).identity.domains
        ('acme.com',)

    .. versionadded:: 0.1.0
    """
    return CompanyRef(
        account.name, domain=account.domain, country=account.country, ids=account.external_ids
    )


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _match_lines(match: CompanyMatch) -> list[str]:
    lines = [f"customer: {match.band.value}, score {match.score:.4f}"]
    lines += [
        f"  {reason.signal.value}: {reason.detail}"
        for reason in match.reasons
        if reason.contribution != 0 or reason.decisive
    ]
    return lines


_REG, _ACCOUNT, _OPPORTUNITY = "r:", "a:", "o:"


class ConflictDetector:
    """Finds the conflicts of a registration against everything it knows (see module docs).

    Args:
        rules: The program's registration rules (protection windows).
        config: Detector settings.
        match_config: Weights and thresholds for customer matching.
        blocking: Limits of the blocking index.

    Examples:
        >>> import datetime as dt
        >>> at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
        >>> rules = RegistrationRules()
        >>> def reg(id, partner, name):
        ...     draft = DealRegistration(id=id, partner_id=partner, customer=CompanyRef(name),
        ...                              product_lines=("fw",), created_at=at)
        ...     return draft.submit(at, rules)
        >>> detector = ConflictDetector(rules)
        >>> detector.add(reg("dr-1", "p-1", "Müller Maschinenbau GmbH"))
        >>> report = detector.check(reg("dr-2", "p-2", "Mueller Maschinenbau"), as_of=at)
        >>> [(c.conflict_class.value, c.other_id) for c in report.conflicts]
        [('partner_vs_partner', 'dr-1')]

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        rules: RegistrationRules | None = None,
        config: DetectorConfig | None = None,
        match_config: MatchConfig | None = None,
        blocking: BlockingConfig | None = None,
    ) -> None:
        self.rules = rules or RegistrationRules()
        self.config = config or DetectorConfig()
        self.match_config = match_config or MatchConfig()
        self._index = BlockingIndex(blocking)
        self._registrations: dict[str, DealRegistration] = {}
        self._accounts: dict[str, tuple[Account, CompanyRef]] = {}
        self._opportunities: dict[str, Opportunity] = {}
        self._territories: dict[str, frozenset[str]] = {}
        self._bounds: tuple[DetectorConfig, _Bound] | None = None

    # -- what it knows ------------------------------------------------------------------------

    def __len__(self) -> int:
        """How many registrations are indexed."""
        return len(self._registrations)

    @staticmethod
    def _keeps(registration: DealRegistration) -> bool:
        return registration.is_active or registration.status is DealStatus.WON

    def add(self, registration: DealRegistration) -> None:
        """Index *registration* (or its new state, replacing the old one). Only active and won
        registrations are kept; any other state takes it out.

        Raises:
            TypeError: Not a :class:`~prmcore.conflicts.DealRegistration`.
        """
        if not isinstance(registration, DealRegistration):
            raise TypeError(f"add() takes a DealRegistration, not {type(registration).__name__}")
        if not self._keeps(registration):
            self.remove(registration.id)
            return
        known = self._registrations.get(registration.id)
        self._registrations[registration.id] = registration
        if known is None or known.customer != registration.customer:
            self._index.add(_REG + registration.id, registration.customer)

    def load(self, registrations: Iterable[DealRegistration]) -> int:
        """Index many registrations at once (a bulk load from storage); return how many were
        kept (active or won)."""
        before = len(self._registrations)
        for registration in registrations:
            self.add(registration)
        return len(self._registrations) - before

    def remove(self, registration_id: DealRegistrationId | str) -> bool:
        """Forget a registration; return whether it was indexed."""
        if self._registrations.pop(registration_id, None) is None:
            return False
        self._index.remove(_REG + registration_id)
        return True

    def get(self, registration_id: DealRegistrationId | str) -> DealRegistration | None:
        """The indexed state of a registration, or ``None``."""
        return self._registrations.get(registration_id)

    def set_accounts(self, accounts: Iterable[Account]) -> None:
        """Replace the vendor accounts (house, named and customer accounts) to check against.
        Accounts that are neither house, named nor customers are not kept."""
        for key in self._accounts:
            self._index.remove(_ACCOUNT + key)
        self._accounts = {}
        for account in accounts:
            if account.house or account.owner_partner_id is not None or account.is_customer:
                ref = account_ref(account)
                self._accounts[account.id] = (account, ref)
                self._index.add(_ACCOUNT + account.id, ref)

    def set_opportunities(self, opportunities: Iterable[Opportunity]) -> None:
        """Replace the open opportunities to check against (closed ones are not kept)."""
        for key in self._opportunities:
            self._index.remove(_OPPORTUNITY + key)
        self._opportunities = {}
        for opportunity in opportunities:
            if opportunity.open:
                self._opportunities[opportunity.id] = opportunity
                self._index.add(_OPPORTUNITY + opportunity.id, opportunity.customer)

    def set_territories(self, territories: Mapping[str, Iterable[str]]) -> None:
        """Replace the territories: for each partner id, the countries (ISO 3166-1 alpha-2) it
        may register customers in. Partners not listed may register anywhere.

        Raises:
            ValidationError: An unknown country code, with its path.
        """
        c = Checks()
        result: dict[str, frozenset[str]] = {}
        for partner_id, countries in territories.items():
            codes = tuple(str(code).strip().upper() for code in countries)
            for i, code in enumerate(codes):
                c.country(f"territories[{partner_id}][{i}]", code)
            result[partner_id] = frozenset(codes)
        c.done()
        self._territories = result

    def same_customer(self, customer: CompanyRef) -> list[tuple[DealRegistration, CompanyMatch]]:
        """The indexed registrations (active or won) whose customer is *customer* — a
        ``match``, or a ``review`` when :attr:`DetectorConfig.report_review` is on — with
        each match, sorted by registration id. Only the blocking index's candidates are scored.

        Raises:
            TypeError: *customer* is not a :class:`~prmcore.conflicts.CompanyRef`.
        """
        found = []
        for entry in self._index.candidates(customer):
            if entry.startswith(_REG):
                other = self._registrations[entry[2:]]
                match = self._same_customer(customer, other.customer)
                if match is not None:
                    found.append((other, match))
        return found

    # -- checking -----------------------------------------------------------------------------

    def _window(
        self, registration: DealRegistration, as_of: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime]:
        if registration.status is DealStatus.DRAFT:
            return as_of, as_of + self.rules.window
        return registration.claim_window(self.rules)

    def _bound(self) -> _Bound:
        # Built again only when the settings were replaced.
        bound = self._bounds
        if bound is None or bound[0] is not self.config or bound[1].config is not self.match_config:
            wanted = MatchBand.REVIEW if self.config.report_review else MatchBand.MATCH
            bound = self._bounds = (self.config, _Bound(self.match_config, wanted))
        return bound[1]

    def _same_customer(self, a: CompanyRef, b: CompanyRef) -> CompanyMatch | None:
        # The exact bound first (a pair it turns down is not scored: it could not reach the
        # band reported), then the screen, then the full score.
        if not self._bound().may_reach(a.identity, b.identity):
            return None
        if self.config.screen and not could_match(a, b):
            return None
        match = match_companies(a, b, self.match_config)
        if match.band is MatchBand.MATCH or (
            match.band is MatchBand.REVIEW and self.config.report_review
        ):
            return match
        return None

    def check(self, registration: DealRegistration, as_of: dt.datetime) -> ConflictReport:
        """Every conflict of *registration* at *as_of* (see the module docs).

        The registration itself (same id) is never its own conflict, so a stored registration
        can be re-checked.

        Raises:
            TypeError: Not a :class:`~prmcore.conflicts.DealRegistration`.
            ValidationError: *as_of* is naive.
        """
        if not isinstance(registration, DealRegistration):
            raise TypeError(f"check() takes a DealRegistration, not {type(registration).__name__}")
        c = Checks()
        c.aware_datetime("as_of", as_of)
        c.done()
        as_of = as_of.astimezone(dt.UTC)
        conflicts: list[Conflict] = []
        wins: list[PriorWin] = []
        candidates = [
            entry
            for entry in self._index.candidates(registration.customer)
            if entry != _REG + registration.id
        ]
        for entry in candidates:
            kind, key = entry[:2], entry[2:]
            if kind == _REG:
                self._against_registration(
                    registration, self._registrations[key], as_of, conflicts, wins
                )
            elif kind == _ACCOUNT:
                self._against_account(registration, *self._accounts[key], conflicts)
            else:
                self._against_opportunity(registration, self._opportunities[key], conflicts)
        conflicts += self._territory(registration)
        conflicts.sort(key=lambda x: (_CLASS_ORDER[x.conflict_class], x.other_id or ""))
        wins.sort(key=lambda w: (w.won_at, w.registration_id), reverse=True)
        return ConflictReport(
            registration_id=registration.id,
            partner_id=registration.partner_id,
            as_of=as_of,
            conflicts=tuple(conflicts),
            prior_wins=tuple(wins),
            candidates=len(candidates),
        )

    def _shared(
        self, mine: tuple[ProductLineId, ...], theirs: Iterable[ProductLineId]
    ) -> tuple[tuple[ProductLineId, ...], bool]:
        shared = tuple(sorted(set(mine) & set(theirs)))
        return shared, bool(shared) or not self.config.require_product_overlap

    def _against_registration(
        self,
        registration: DealRegistration,
        other: DealRegistration,
        as_of: dt.datetime,
        conflicts: list[Conflict],
        wins: list[PriorWin],
    ) -> None:
        # The cheap conditions first: only a candidate that could conflict is scored.
        if other.status is DealStatus.WON:
            assert other.closed_at is not None  # set by close()
            since = as_of - dt.timedelta(days=self.config.incumbent_days)
            if not since <= other.closed_at <= as_of:
                return
            match = self._same_customer(registration.customer, other.customer)
            if match is not None:
                wins.append(PriorWin(other.id, other.partner_id, other.closed_at, match.score))
            return
        shared, products_ok = self._shared(registration.product_lines, other.product_lines)
        if not products_ok:
            return
        start_a, end_a = self._window(registration, as_of)
        start_b, end_b = other.claim_window(self.rules)
        start, end = max(start_a, start_b), min(end_a, end_b)
        if not start < end:
            return
        match = self._same_customer(registration.customer, other.customer)
        if match is None:
            return
        same_partner = other.partner_id == registration.partner_id
        cls = (
            ConflictClass.SAME_PARTNER_DUPLICATE
            if same_partner
            else ConflictClass.PARTNER_VS_PARTNER
        )
        who = "the same partner" if same_partner else f"partner {other.partner_id}"
        products = ", ".join(shared) if shared else "any (product overlap not required)"
        rule = (
            f"{who} holds {other.status.value} registration {other.id} for the same customer, "
            f"with a product line in common and an overlapping protection window"
        )
        assert other.submitted_at is not None  # every active registration was submitted
        evidence = [
            *_match_lines(match),
            f"product lines in common: {products}",
            f"windows overlap {_iso(start)} .. {_iso(end)}",
            f"other submitted {_iso(other.submitted_at)}",
        ]
        conflicts.append(
            Conflict(
                conflict_class=cls,
                rule=rule,
                other_kind="registration",
                other_id=other.id,
                other_partner_id=other.partner_id,
                match=match,
                shared_product_lines=shared,
                overlap=(start, end),
                other_submitted_at=other.submitted_at,
                evidence=tuple(evidence),
            )
        )

    def _against_account(
        self,
        registration: DealRegistration,
        account: Account,
        ref: CompanyRef,
        conflicts: list[Conflict],
    ) -> None:
        match = self._same_customer(registration.customer, ref)
        if match is None:
            return
        lines = (*_match_lines(match), f"account {account.id} ({account.name})")
        owner = account.owner_partner_id
        if account.house or (owner is not None and owner != registration.partner_id):
            rule = (
                f"the customer is house account {account.id}, owned by direct sales"
                if account.house
                else f"the customer is account {account.id}, a named account of partner {owner}"
            )
            conflicts.append(
                Conflict(
                    ConflictClass.HOUSE_OR_NAMED_ACCOUNT,
                    rule,
                    "account",
                    account.id,
                    owner,
                    match,
                    evidence=lines,
                )
            )
        if account.is_customer:
            conflicts.append(
                Conflict(
                    ConflictClass.EXISTING_CUSTOMER,
                    f"the customer already buys from the vendor (account {account.id})",
                    "account",
                    account.id,
                    owner,
                    match,
                    evidence=lines,
                )
            )

    def _against_opportunity(
        self, registration: DealRegistration, opportunity: Opportunity, conflicts: list[Conflict]
    ) -> None:
        if opportunity.owner_partner_id == registration.partner_id:
            return  # the partner's own opportunity
        match = self._same_customer(registration.customer, opportunity.customer)
        if match is None:
            return
        shared, products_ok = self._shared(registration.product_lines, opportunity.product_lines)
        if not products_ok:
            return
        owner = opportunity.owner_partner_id
        who = "direct sales" if owner is None else f"partner {owner}"
        conflicts.append(
            Conflict(
                ConflictClass.EXISTING_CUSTOMER,
                f"{who} works open opportunity {opportunity.id} with the customer",
                "opportunity",
                opportunity.id,
                owner,
                match,
                shared_product_lines=shared,
                evidence=(
                    *_match_lines(match),
                    f"product lines in common: {', '.join(shared) or 'any'}",
                ),
            )
        )

    def _territory(self, registration: DealRegistration) -> list[Conflict]:
        allowed = self._territories.get(registration.partner_id)
        country = registration.customer.country
        if allowed is None or country is None or country in allowed:
            return []
        listed = ", ".join(sorted(allowed)) or "none"
        return [
            Conflict(
                ConflictClass.OUT_OF_TERRITORY,
                f"the customer's country {country} is outside partner "
                f"{registration.partner_id}'s territory",
                "territory",
                None,
                None,
                None,
                evidence=(f"customer country {country}; territory: {listed}",),
            )
        ]
