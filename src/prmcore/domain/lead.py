"""Leads: prospective customers that the program routes to a partner.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt

import attrs

from prmcore._checks import Checks, Validated, to_tuple
from prmcore.domain.account import is_domain_name
from prmcore.domain.ids import AccountId, LeadId, ProductLineId
from prmcore.domain.partner import Location

__all__ = ["Contact", "Lead"]


@attrs.frozen
class Contact(Validated):
    """The person to contact about a lead. Everything here is personal data (PII): routing
    hides it from an offered partner until the partner accepts.

    .. versionadded:: 0.1.0
    """

    name: str
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    title: str | None = None

    def _validate(self, c: Checks) -> None:
        c.text("name", self.name, max_length=300)
        if c.optional_text("email", self.email, max_length=320) and self.email is not None:
            c.require("@" in self.email, "email", f"not an e-mail address: {self.email!r}")
        c.optional_text("phone", self.phone, max_length=50)
        c.optional_text("street", self.street, max_length=300)
        c.optional_text("title", self.title, max_length=200)


def _domain(value: object) -> object:
    return value.strip().lower().rstrip(".") if isinstance(value, str) else value


@attrs.frozen
class Lead(Validated):
    """A prospective customer to route to a partner.

    Args:
        id: The host's id for the lead.
        company_name: The prospect's company.
        location: Where the prospect is (country required; postal code and coordinates help
            territory matching).
        received_at: When the lead arrived (timezone-aware).
        account_id: The customer account, when the prospect is already known.
        domain: The prospect's web domain.
        industry: An industry code or name, as the program's territories use them.
        employees: Company size.
        product_lines: Product lines of interest (unique).
        contact: The person to contact (personal data).
        source: Where the lead came from (``"webinar"``, ``"website"``).
        version: Set by the repository.

    Raises:
        ValidationError: Listing every bad field, with paths such as ``location.country``.

    .. versionadded:: 0.1.0
    """

    id: LeadId
    company_name: str
    location: Location
    received_at: dt.datetime
    account_id: AccountId | None = None
    domain: str | None = attrs.field(default=None, converter=_domain)
    industry: str | None = None
    employees: int | None = None
    product_lines: tuple[ProductLineId, ...] = attrs.field(default=(), converter=to_tuple)
    contact: Contact | None = None
    source: str | None = None
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("company_name", self.company_name, max_length=300)
        c.instance("location", self.location, Location)
        c.aware_datetime("received_at", self.received_at)
        c.optional_identifier("account_id", self.account_id)
        if c.optional_text("domain", self.domain, max_length=253) and self.domain is not None:
            c.require(is_domain_name(self.domain), "domain", f"not a domain name: {self.domain!r}")
        c.optional_text("industry", self.industry, max_length=100)
        if self.employees is not None:
            c.integer("employees", self.employees, minimum=0)
        c.each("product_lines", self.product_lines, c.identifier, unique=True)
        if self.contact is not None:
            c.instance("contact", self.contact, Contact)
        c.optional_text("source", self.source, max_length=100)
        c.integer("version", self.version, minimum=0)
