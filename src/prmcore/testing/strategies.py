"""Hypothesis strategies for every prmcore domain object.

Each function returns a :class:`~hypothesis.strategies.SearchStrategy` of *valid* objects:
every generated value is constructed through the class itself, so it passes all of its checks.
Values are varied on purpose: optional fields are sometimes set and sometimes ``None``, names
are Unicode (and sometimes exactly as long as allowed), ids are sometimes the longest allowed,
dates span everything :mod:`datetime` supports, counts include 0. Constrain what your test
needs with keyword overrides rather than filtering::

    from hypothesis import given
    from prmcore.domain import PartnerStatus
    from prmcore.testing import strategies as ps

    @given(ps.partners(status=PartnerStatus.ACTIVE, locations=ps.locations().map(lambda l: (l,))))
    def test_active_partner_with_one_location(partner): ...

Every object strategy takes overrides for any field of its class, given either as a value or as
a strategy; an unknown field name raises :class:`~hypothesis.errors.InvalidArgument`. Fields
that depend on each other (``end`` not before ``start``, both coordinates or neither, a
partner that is not its own parent) are kept consistent around the ones you override; when
two overridden fields contradict each other, that example is rejected (as by
:func:`~hypothesis.assume`).

Needs the ``testing`` extra (``pip install prmcore[testing]``).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from prmcore._checks import country_codes as _country_codes
from prmcore.certifications import (
    AwardRenewal,
    CertificationAward,
    CertificationType,
    Duration,
    RenewalAnchor,
    SentReminder,
)
from prmcore.conflicts import (
    CompanyRef,
    DealRegistration,
    DealRegistrationId,
    ProtectionAnchor,
    RegistrationRules,
)
from prmcore.domain import (
    Account,
    AccountId,
    Affiliation,
    Agreement,
    AgreementKind,
    Capacity,
    Contact,
    ExternalId,
    Lead,
    Location,
    Partner,
    PartnerId,
    PartnerKind,
    PartnerStatus,
    Person,
    ProductLine,
)
from prmcore.money import Money, currency_codes, minor_units
from prmcore.periods import Period
from prmcore.tiers import LevelChange, LevelDecision, LevelEvaluation, LevelHistory, LevelRecord

__all__ = [
    "accounts",
    "affiliations",
    "agreements",
    "capacities",
    "certification_awards",
    "certification_types",
    "contacts",
    "country_codes",
    "currencies",
    "company_refs",
    "deal_registrations",
    "external_ids",
    "identifiers",
    "leads",
    "level_records",
    "locations",
    "money",
    "partners",
    "people",
    "periods",
    "product_lines",
    "sent_reminders",
]

T = TypeVar("T")

# -- building blocks ---------------------------------------------------------------------------

_ID_FIRST = string.ascii_letters + string.digits
_ID_REST = _ID_FIRST + "._:@/+-"

# Characters that are never whitespace, so a text built from them is never blank. Surrogates
# are excluded because they cannot be encoded (JSON, SQLite, UTF-8 files).
_VISIBLE = st.characters(exclude_categories=("Cs", "Cc", "Z")).filter(lambda ch: not ch.isspace())

_NAMES = (
    "Acme IT",
    "Müller & Söhne GmbH",
    "Ørsted Partners A/S",
    "O'Brien Consulting Ltd.",
    "株式会社テスト",
    "Société Générale de Réseaux",
    "Zürich Netzwerke AG",
    "Ελληνική Πληροφορική",
    "Łódź Systems sp. z o.o.",
    "شركة الشبكات",
)

_VERSIONS = st.integers(min_value=0, max_value=2**31 - 1)


def _texts(max_length: int, examples: Iterable[str] = ()) -> st.SearchStrategy[str]:
    """Non-blank Unicode text of at most *max_length* characters, sometimes exactly that long."""
    short = st.text(min_size=1, max_size=min(max_length, 24)).filter(lambda s: bool(s.strip()))
    plain = st.text(
        string.ascii_letters + string.digits + " -", min_size=1, max_size=min(max_length, 24)
    ).filter(lambda s: bool(s.strip()))
    longest = _VISIBLE.map(lambda ch: ch * max_length)
    options = [short, plain, longest]
    picks = tuple(e for e in examples if len(e) <= max_length)
    if picks:
        options.insert(0, st.sampled_from(picks))
    return st.one_of(options)


def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def _unique_ids(max_size: int = 4) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(identifiers(), max_size=max_size, unique=True).map(tuple)


def _as_strategy(value: object) -> st.SearchStrategy[Any]:
    return value if isinstance(value, st.SearchStrategy) else st.just(value)


_Fix = Callable[[st.DrawFn, dict[str, Any], frozenset[str]], None]


def _objects(
    cls: type[T],
    defaults: Mapping[str, st.SearchStrategy[Any]],
    overrides: Mapping[str, object],
    fix: _Fix | None = None,
) -> st.SearchStrategy[T]:
    """Draw every field of *cls* (an override wins over the default), let *fix* make dependent
    fields consistent without touching overridden ones, then construct the object."""
    names = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise InvalidArgument(
            f"{cls.__name__} has no field {', '.join(map(repr, unknown))}; "
            f"its fields are {', '.join(names)}"
        )
    fields = {
        name: _as_strategy(overrides[name]) if name in overrides else defaults[name]
        for name in names
    }
    fixed = frozenset(overrides)

    @st.composite
    def build(draw: st.DrawFn) -> T:
        values = {name: draw(strategy) for name, strategy in fields.items()}
        if fix is not None:
            fix(draw, values, fixed)
        return cls(**values)

    return build()


def _ordered_dates(start: str, end: str) -> _Fix:
    """A fix that keeps the optional date *end* on or after *start*."""

    def fix(draw: st.DrawFn, values: dict[str, Any], fixed: frozenset[str]) -> None:
        first, last = values[start], values[end]
        if not isinstance(first, dt.date) or not isinstance(last, dt.date) or last >= first:
            return
        span = dt.timedelta(days=draw(st.integers(min_value=0, max_value=3660)))
        if end not in fixed:
            values[end] = first + min(span, dt.date.max - first)
        elif start not in fixed:
            values[start] = last - min(span, last - dt.date.min)
        else:
            reject()  # both overridden and out of order: skip this combination

    return fix


# -- scalars -----------------------------------------------------------------------------------


def identifiers() -> st.SearchStrategy[str]:
    """Ids as prmcore accepts them: 1-128 letters, digits or ``._:@/+-``, starting with a
    letter or digit. Short ids, UUIDs and ids of exactly 128 characters.

    .. versionadded:: 0.1.0
    """
    first = st.sampled_from(_ID_FIRST)
    return st.one_of(
        st.builds(str.__add__, first, st.text(_ID_REST, max_size=16)),
        st.uuids().map(str),
        st.builds(str.__add__, first, st.text(_ID_REST, min_size=127, max_size=127)),
    )


def country_codes() -> st.SearchStrategy[str]:
    """Upper-case ISO 3166-1 alpha-2 country codes that prmcore accepts (``"DE"``).

    .. versionadded:: 0.1.0
    """
    return st.sampled_from(sorted(_country_codes()))


def currencies() -> st.SearchStrategy[str]:
    """ISO 4217 currency codes that :class:`~prmcore.money.Money` accepts (``"EUR"``),
    including ones with 0, 3 and 4 minor digits and historical codes.

    .. versionadded:: 0.1.0
    """
    return st.sampled_from(sorted(currency_codes()))


def money(
    currencies: str | Iterable[str] | st.SearchStrategy[str] | None = None,
    min_value: Decimal | int | str | None = None,
    max_value: Decimal | int | str | None = None,
) -> st.SearchStrategy[Money]:
    """:class:`~prmcore.money.Money` amounts, written with their currency's minor unit
    (``12.30`` EUR, ``5`` JPY, ``1.250`` BHD), so every generated amount is already rounded.

    Args:
        currencies: One code, several codes, or a strategy of codes; any currency by default.
        min_value: The smallest amount (inclusive); by default the smallest Money allows.
        max_value: The largest amount (inclusive); by default the largest Money allows.

    Raises:
        InvalidArgument: No currency to choose from, or *min_value* above *max_value*.

    .. versionadded:: 0.1.0
    """
    codes: st.SearchStrategy[str]
    if currencies is None:
        codes = st.sampled_from(sorted(currency_codes()))
    elif isinstance(currencies, st.SearchStrategy):
        codes = currencies
    else:
        chosen = [currencies] if isinstance(currencies, str) else list(currencies)
        if not chosen:
            raise InvalidArgument("money(currencies=...) needs at least one currency")
        codes = st.sampled_from([Money(0, code).currency for code in chosen])
    lower = None if min_value is None else Decimal(min_value)
    upper = None if max_value is None else Decimal(max_value)
    if lower is not None and upper is not None and lower > upper:
        raise InvalidArgument(f"money(min_value={lower}) is above max_value={upper}")

    def amounts(code: str) -> st.SearchStrategy[Money]:
        places = minor_units(code)
        # Money refuses |amount| >= 10**24; stay one minor unit inside.
        limit = Decimal(10) ** 24 - Decimal(1).scaleb(-places)
        low = -limit if lower is None else max(lower, -limit)
        high = limit if upper is None else min(upper, limit)
        return st.decimals(min_value=low, max_value=high, places=places).map(
            lambda amount: Money(amount, code)
        )

    return codes.flatmap(amounts)


def periods(
    *, min_value: dt.date = dt.date.min, max_value: dt.date = dt.date.max
) -> st.SearchStrategy[Period]:
    """:class:`~prmcore.periods.Period` s inside ``[min_value, max_value]``: one-day periods,
    months-long ones and a few that span centuries; some carry a label.

    .. versionadded:: 0.1.0
    """
    if min_value > max_value:
        raise InvalidArgument(f"periods(min_value={min_value}) is after max_value={max_value}")

    @st.composite
    def build(draw: st.DrawFn) -> Period:
        start = draw(st.dates(min_value=min_value, max_value=max_value))
        room = (max_value - start).days
        days = draw(st.integers(min_value=0, max_value=min(room, 400)) | st.integers(0, room))
        label = draw(_optional(_texts(100, ("2026-Q2", "FY2027", "2026-01"))))
        return Period(start, start + dt.timedelta(days=days), label=label)

    return build()


# -- domain objects ----------------------------------------------------------------------------


def locations(**overrides: object) -> st.SearchStrategy[Location]:
    """:class:`~prmcore.domain.Location` s: any country, optional region, postal code and
    city, and both coordinates (poles and the antimeridian included) or neither.

    .. versionadded:: 0.1.0
    """
    latitudes = st.floats(min_value=-90, max_value=90, allow_nan=False)
    longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)
    defaults = {
        "country": country_codes(),
        "region": _optional(_texts(100, ("CA", "Bavaria", "Île-de-France", "東京都"))),
        "postal_code": _optional(_texts(20, ("80331", "SW1A 1AA", "100-0001", "H0H 0H0"))),
        "city": _optional(_texts(200, ("München", "São Paulo", "Kraków", "New York"))),
        "latitude": _optional(latitudes),
        "longitude": _optional(longitudes),
    }

    def fix(draw: st.DrawFn, values: dict[str, Any], fixed: frozenset[str]) -> None:
        for name, other, floats in (
            ("latitude", "longitude", latitudes),
            ("longitude", "latitude", longitudes),
        ):
            if values[name] is None and values[other] is not None:
                if name not in fixed:
                    values[name] = draw(floats)
                elif other not in fixed:
                    values[other] = None
                else:
                    reject()

    return _objects(Location, defaults, overrides, fix)


def capacities(**overrides: object) -> st.SearchStrategy[Capacity]:
    """:class:`~prmcore.domain.Capacity` s: each limit ``None`` (unlimited) or a count from 0.

    .. versionadded:: 0.1.0
    """
    counts = _optional(st.integers(min_value=0, max_value=2**31 - 1))
    return _objects(Capacity, {"max_open_leads": counts, "max_leads_per_month": counts}, overrides)


def partners(**overrides: object) -> st.SearchStrategy[Partner]:
    """:class:`~prmcore.domain.Partner` s in any status, with 0-3 locations, unique product
    lines and an optional parent (never itself).

    Examples:
        ``partners(status=PartnerStatus.ACTIVE, kind=st.sampled_from([PartnerKind.MSP]))``

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": identifiers(),
        "name": _texts(300, _NAMES),
        "kind": st.sampled_from(PartnerKind),
        "status": st.sampled_from(PartnerStatus),
        "program_level_id": _optional(
            st.sampled_from(("registered", "silver", "gold", "platinum")) | identifiers()
        ),
        "locations": st.lists(locations(), max_size=3).map(tuple),
        "product_lines": _unique_ids(),
        "capacity": capacities(),
        "parent_id": st.none(),  # drawn in fix(), once the id is known
        "version": _VERSIONS,
    }

    def fix(draw: st.DrawFn, values: dict[str, Any], fixed: frozenset[str]) -> None:
        # Whichever of id and parent_id is not overridden is drawn to differ from the other.
        if "parent_id" not in fixed:
            others = identifiers().filter(lambda i: i != values["id"])
            values["parent_id"] = draw(_optional(others))
        elif "id" not in fixed:
            values["id"] = draw(identifiers().filter(lambda i: i != values["parent_id"]))
        elif values["parent_id"] == values["id"]:
            reject()

    return _objects(Partner, defaults, overrides, fix)


def _emails() -> st.SearchStrategy[str]:
    local = st.text(_VISIBLE.filter(lambda ch: ch != "@"), min_size=1, max_size=16)
    label = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=12)
    tld = st.sampled_from(("com", "de", "co.uk", "io", "xn--p1ai", "рф"))
    unicode_address = st.builds("{}@{}.{}".format, local, label, tld)
    return st.emails() | unicode_address


def people(**overrides: object) -> st.SearchStrategy[Person]:
    """:class:`~prmcore.domain.Person` s with Unicode names and optional e-mail and phone.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": identifiers(),
        "name": _texts(300, ("Zoë Müller", "José Álvarez", "李小龍", "Siobhán O'Neill")),
        "email": _optional(_emails()),
        "phone": _optional(_texts(50, ("+49 89 1234567", "(555) 010-9999"))),
        "version": _VERSIONS,
    }
    return _objects(Person, defaults, overrides)


def affiliations(**overrides: object) -> st.SearchStrategy[Affiliation]:
    """:class:`~prmcore.domain.Affiliation` s, open-ended or ending on or after their start
    (one-day affiliations included).

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": identifiers(),
        "person_id": identifiers(),
        "partner_id": identifiers(),
        "start": st.dates(),
        "end": _optional(st.dates()),
        "role": _optional(_texts(200, ("sales engineer", "partner admin", "Vertrieb"))),
        "version": _VERSIONS,
    }
    return _objects(Affiliation, defaults, overrides, _ordered_dates("start", "end"))


def agreements(**overrides: object) -> st.SearchStrategy[Agreement]:
    """:class:`~prmcore.domain.Agreement` s of every kind, open-ended or expiring on or after
    the day they were signed.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": identifiers(),
        "partner_id": identifiers(),
        "kind": st.sampled_from(AgreementKind),
        "signed_on": st.dates(),
        "expires_on": _optional(st.dates()),
        "title": _optional(_texts(300, ("Reseller Agreement 2026", "NDA v3"))),
        "version": _VERSIONS,
    }
    return _objects(Agreement, defaults, overrides, _ordered_dates("signed_on", "expires_on"))


def external_ids(**overrides: object) -> st.SearchStrategy[ExternalId]:
    """:class:`~prmcore.domain.ExternalId` s: well-known schemes (``duns``, ``lei``, ...) and
    any lower-case scheme of up to 32 characters.

    .. versionadded:: 0.1.0
    """
    scheme_rest = st.text(string.ascii_lowercase + string.digits + "_", max_size=31)
    defaults = {
        "scheme": st.sampled_from(("duns", "lei", "tax_id", "vat", "crm"))
        | st.builds(str.__add__, st.sampled_from(string.ascii_lowercase), scheme_rest),
        "value": _texts(100, ("150483782", "5493001KJTIIGC8Y1R12", "DE123456789")),
    }
    return _objects(ExternalId, defaults, overrides)


def _domains() -> st.SearchStrategy[str]:
    inner = string.ascii_lowercase + string.digits + "-"
    edge = st.sampled_from(string.ascii_lowercase + string.digits)
    label = st.one_of(
        edge,
        st.builds("{}{}{}".format, edge, st.text(inner, max_size=10), edge),
        st.builds("{}{}{}".format, edge, st.text(inner, min_size=61, max_size=61), edge),
    )
    tld = st.sampled_from(("com", "de", "co.uk", "io", "travel", "xn--p1ai"))
    return st.builds(
        lambda labels, top: ".".join([*labels, top]), st.lists(label, min_size=1, max_size=3), tld
    )


def accounts(**overrides: object) -> st.SearchStrategy[Account]:
    """Customer :class:`~prmcore.domain.Account` s with an optional domain and country, up to
    four external ids (one per scheme), and either a partner owner or the house flag.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": identifiers(),
        "name": _texts(300, _NAMES),
        "domain": _optional(_domains()),
        "country": _optional(country_codes()),
        "external_ids": st.lists(external_ids(), max_size=4, unique_by=lambda e: e.scheme).map(
            tuple
        ),
        "owner_partner_id": _optional(identifiers()),
        "house": st.booleans(),
        "is_customer": st.booleans(),
        "version": _VERSIONS,
    }

    def fix(draw: st.DrawFn, values: dict[str, Any], fixed: frozenset[str]) -> None:
        if values["house"] is True and values["owner_partner_id"] is not None:
            if "owner_partner_id" not in fixed:
                values["owner_partner_id"] = None
            elif "house" not in fixed:
                values["house"] = False
            else:
                reject()

    return _objects(Account, defaults, overrides, fix)


def contacts(**overrides: object) -> st.SearchStrategy[Contact]:
    """Lead :class:`~prmcore.domain.Contact` s (personal data) with optional details.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "name": _texts(300, ("Zoë Müller", "José Álvarez", "李小龍")),
        "email": _optional(_emails()),
        "phone": _optional(_texts(50, ("+49 89 1234567",))),
        "street": _optional(_texts(300, ("Marienplatz 1", "221B Baker Street"))),
        "title": _optional(_texts(200, ("CIO", "Head of IT"))),
    }
    return _objects(Contact, defaults, overrides)


def _aware_datetimes() -> st.SearchStrategy[dt.datetime]:
    offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
        lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
    )
    return st.datetimes(timezones=st.just(dt.UTC) | offsets)


def leads(**overrides: object) -> st.SearchStrategy[Lead]:
    """:class:`~prmcore.domain.Lead` s received at timezone-aware moments (UTC and fixed
    offsets), with any mix of the optional fields.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": identifiers(),
        "company_name": _texts(300, _NAMES),
        "location": locations(),
        "received_at": _aware_datetimes(),
        "account_id": _optional(identifiers()),
        "domain": _optional(_domains()),
        "industry": _optional(_texts(100, ("manufacturing", "NAICS 5415", "retail"))),
        "employees": _optional(st.integers(min_value=0, max_value=2**31 - 1)),
        "product_lines": _unique_ids(),
        "contact": _optional(contacts()),
        "source": _optional(_texts(100, ("webinar", "website", "trade show"))),
        "version": _VERSIONS,
    }
    return _objects(Lead, defaults, overrides)


def product_lines(**overrides: object) -> st.SearchStrategy[ProductLine]:
    """:class:`~prmcore.domain.ProductLine` s, active or retired.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": st.sampled_from(("network-security", "cloud-backup", "endpoint")) | identifiers(),
        "name": _texts(200, ("Network Security", "Cloud Backup", "Sécurité réseau")),
        "description": _optional(_texts(5000)),
        "active": st.booleans(),
        "version": _VERSIONS,
    }
    return _objects(ProductLine, defaults, overrides)


# -- certifications and program levels ---------------------------------------------------------


def _durations(*, zero: bool = True) -> st.SearchStrategy[Duration]:
    parts = st.builds(
        Duration,
        years=st.integers(min_value=0, max_value=5),
        months=st.integers(min_value=0, max_value=30),
        days=st.integers(min_value=0, max_value=400),
    )
    return parts if zero else parts.filter(lambda d: not d.is_zero)


def certification_types(**overrides: object) -> st.SearchStrategy[CertificationType]:
    """:class:`~prmcore.certifications.CertificationType` s with calendar durations, either
    anchor, some prerequisites and ``satisfies`` entries (never the type itself) and unique
    reminder days. Each is valid on its own; a catalog also needs the ids it names.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": identifiers(),
        "name": _texts(300, ("Security Specialist", "Cloud Architect", "Spécialiste réseau")),
        "validity": _durations(zero=False),
        "renewal_window": _durations(),
        "renewal_anchor": st.sampled_from(RenewalAnchor),
        "grace": _durations(),
        "prerequisites": _unique_ids(3),
        "satisfies": _unique_ids(3),
        "reminder_days": st.lists(
            st.integers(min_value=1, max_value=400), max_size=4, unique=True
        ).map(tuple),
        "version": _VERSIONS,
    }

    def fix(draw: st.DrawFn, values: dict[str, Any], fixed: frozenset[str]) -> None:
        for field in ("prerequisites", "satisfies"):
            if values["id"] in values[field]:
                if field in fixed:
                    reject()
                values[field] = tuple(x for x in values[field] if x != values["id"])

    return _objects(CertificationType, defaults, overrides, fix)


def certification_awards(**overrides: object) -> st.SearchStrategy[CertificationAward]:
    """:class:`~prmcore.certifications.CertificationAward` s expiring on or after the day they
    were earned, sometimes with a renewal that led to the current expiry.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": identifiers(),
        "person_id": identifiers(),
        "type_id": identifiers(),
        "earned_on": st.dates(max_value=dt.date(9000, 1, 1)),
        "expires_on": st.dates(max_value=dt.date(9000, 1, 1)),
        "history": st.just(()),  # drawn in fix(), once the dates are known
        "version": _VERSIONS,
    }

    def fix(draw: st.DrawFn, values: dict[str, Any], fixed: frozenset[str]) -> None:
        _ordered_dates("earned_on", "expires_on")(draw, values, fixed)
        earned, expires = values["earned_on"], values["expires_on"]
        if "history" in fixed or not draw(st.booleans()):
            return
        span = (expires - earned).days
        completed = earned + dt.timedelta(days=draw(st.integers(min_value=0, max_value=span)))
        values["history"] = (AwardRenewal(completed, completed, expires),)

    return _objects(CertificationAward, defaults, overrides, fix)


def sent_reminders(**overrides: object) -> st.SearchStrategy[SentReminder]:
    """:class:`~prmcore.certifications.SentReminder` records with reminder-like keys.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "id": st.builds(
            lambda award, day, offset: f"{award}:{day.isoformat()}:{offset}",
            identifiers(),
            st.dates(),
            st.sampled_from(["90", "60", "30", "expired"]),
        ),
        "award_id": identifiers(),
        "due_on": st.dates(),
        "sent_at": _aware_datetimes(),
        "version": _VERSIONS,
    }
    return _objects(SentReminder, defaults, overrides)


_LEVELS = st.sampled_from(("registered", "silver", "gold", "platinum"))


def level_records(**overrides: object) -> st.SearchStrategy[LevelRecord]:
    """:class:`~prmcore.tiers.LevelRecord` s with a chained level history, evaluations on
    distinct days, sometimes a pending change and a compliance flag.

    .. versionadded:: 0.1.0
    """
    defaults = {
        "partner_id": identifiers(),
        "history": st.none(),  # drawn in fix(), once the partner is known
        "evaluations": st.lists(
            st.builds(LevelEvaluation, st.dates(), _optional(_LEVELS)),
            max_size=5,
            unique_by=lambda e: e.on,
        ).map(tuple),
        "pending": st.none(),
        "compliant": _optional(st.booleans()),
        "version": _VERSIONS,
    }

    def fix(draw: st.DrawFn, values: dict[str, Any], fixed: frozenset[str]) -> None:
        partner = values["partner_id"]
        if "history" not in fixed:
            levels = draw(st.lists(_LEVELS, max_size=3))
            days = sorted(draw(st.lists(st.dates(), min_size=len(levels), max_size=len(levels))))
            changes: list[LevelChange] = []
            before: str | None = None
            for level, day in zip(levels, days, strict=True):
                if level != before:
                    changes.append(LevelChange(partner, before, level, day, "qualified"))
                    before = level
            values["history"] = LevelHistory(partner, changes)
        if "pending" not in fixed and draw(st.booleans()):
            values["pending"] = LevelDecision(
                partner,
                "pending",
                draw(_optional(_LEVELS)),
                draw(_LEVELS),
                draw(st.dates()),
                "waiting for approval",
                draw(st.sampled_from(("promote", "demote"))),
            )

    return _objects(LevelRecord, defaults, overrides, fix)


def company_refs() -> st.SearchStrategy[CompanyRef]:
    """Customer :class:`~prmcore.conflicts.CompanyRef` s: Unicode names, optional web site,
    e-mail (company or free mail), country and registry ids.

    .. versionadded:: 0.1.0
    """
    sites = st.sampled_from(("acme.com", "shop.acme.co.uk", "https://www.mueller-mb.de/x"))
    mails = st.sampled_from(("jo@acme.com", "li@gmail.com", "k@de.ibm.com"))
    ids = st.dictionaries(
        st.sampled_from(("duns", "lei", "tax_id")),
        st.sampled_from(("150483782", "DE 123")),
        max_size=2,
    )
    return st.builds(
        CompanyRef,
        _texts(300, _NAMES),
        domain=_optional(sites | _domains().filter(lambda d: d.count(".") >= 1 and "--" not in d)),
        email=_optional(mails),
        country=_optional(country_codes()),
        ids=ids,
    )


_DEAL_PATHS = (
    (),
    ("submit",),
    ("submit", "approve"),
    ("submit", "reject"),
    ("withdraw",),
    ("submit", "approve", "extend"),
    ("submit", "approve", "won"),
    ("submit", "approve", "lost"),
    ("submit", "approve", "expire"),
    ("submit", "expire"),
    ("submit", "approve", "withdraw"),
)


@st.composite
def _deal_registrations(draw: st.DrawFn, version: st.SearchStrategy[int]) -> DealRegistration:
    rules = RegistrationRules(anchor=draw(st.sampled_from(list(ProtectionAnchor))))
    at = draw(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 1, 1)))
    moment = at.replace(tzinfo=dt.UTC)
    reg = DealRegistration(
        id=DealRegistrationId(draw(identifiers())),
        partner_id=PartnerId(draw(identifiers())),
        customer=draw(company_refs()),
        product_lines=draw(_unique_ids().filter(bool)),
        created_at=moment,
        account_id=draw(_optional(identifiers().map(AccountId))),
        amount=draw(_optional(money())),
    )
    for step in draw(st.sampled_from(_DEAL_PATHS)):
        moment += dt.timedelta(minutes=draw(st.integers(min_value=0, max_value=60 * 24 * 30)))
        if step == "submit":
            reg = reg.submit(moment, rules)
        elif step == "approve":
            reg = reg.approve(moment, rules, benefit_factor=draw(st.sampled_from(("1", "0.5"))))
        elif step == "reject":
            reg = reg.reject(moment, draw(_texts(1000, ("duplicate",))))
        elif step == "withdraw":
            reg = reg.withdraw(moment, draw(_optional(_texts(1000))))
        elif step == "extend":
            end = reg.protection_ends_at
            assert end is not None  # approved
            moment = max(reg.last_update, min(moment, end - dt.timedelta(seconds=1)))
            reg = reg.extend(moment, draw(st.integers(min_value=1, max_value=30)), rules)
        elif step == "expire":
            reg = reg.expire(moment)
        else:
            reg = reg.close(step == "won", moment)
    return attrs.evolve(reg, version=draw(version))


def deal_registrations(
    *, version: int | st.SearchStrategy[int] | None = None
) -> st.SearchStrategy[DealRegistration]:
    """Valid :class:`~prmcore.conflicts.DealRegistration` s, built through their lifecycle
    (draft, submitted, approved, extended, rejected, won, lost, expired, withdrawn) with
    protection counted from approval or submission.

    Args:
        version: The version (or a strategy of versions); any by default.

    .. versionadded:: 0.1.0
    """
    versions = _VERSIONS if version is None else _as_strategy(version)
    return _deal_registrations(versions)
