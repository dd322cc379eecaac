"""People and their affiliations with partners.

Certifications are held by people, not companies; a partner's compliance counts the people
affiliated with it on a given date. An :class:`Affiliation` records that link with dates, so a
person who moves from one partner to another takes their certifications along.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt

import attrs

from prmcore._checks import Checks, Validated
from prmcore.domain.ids import AffiliationId, PartnerId, PersonId

__all__ = ["Affiliation", "Person"]


@attrs.frozen
class Person(Validated):
    """Someone who works for a partner (a sales rep, an engineer, a partner admin).

    Args:
        id: The host's id for the person.
        name: Full display name.
        email: Contact address (personal data: hidden from offered partners in routing).
        phone: Contact number.
        version: Set by the repository.

    Raises:
        ValidationError: Listing every bad field.

    .. versionadded:: 0.1.0
    """

    id: PersonId
    name: str
    email: str | None = None
    phone: str | None = None
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("name", self.name, max_length=300)
        if c.optional_text("email", self.email, max_length=320) and self.email is not None:
            local, _, domain = self.email.rpartition("@")
            c.require(
                bool(local) and "." in domain and " " not in self.email,
                "email",
                f"not an e-mail address: {self.email!r}",
            )
        c.optional_text("phone", self.phone, max_length=50)
        c.integer("version", self.version, minimum=0)


@attrs.frozen
class Affiliation(Validated):
    """A person working for a partner from ``start`` to ``end`` (both inclusive).

    Args:
        id: The host's id for the affiliation.
        person_id: Who.
        partner_id: For which partner.
        start: First day of the affiliation.
        end: Last day, or ``None`` while it lasts.
        role: Free text such as ``"sales engineer"``.
        version: Set by the repository.

    Raises:
        ValidationError: Listing every bad field; ``end`` before ``start`` is one.

    .. versionadded:: 0.1.0
    """

    id: AffiliationId
    person_id: PersonId
    partner_id: PartnerId
    start: dt.date
    end: dt.date | None = None
    role: str | None = None
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.identifier("person_id", self.person_id)
        c.identifier("partner_id", self.partner_id)
        if c.date("start", self.start) and c.optional_date("end", self.end):
            c.date_order("start", self.start, "end", self.end)
        c.optional_text("role", self.role, max_length=200)
        c.integer("version", self.version, minimum=0)

    def active_on(self, day: dt.date) -> bool:
        """Whether the affiliation holds on *day* (start and end inclusive)."""
        return self.start <= day and (self.end is None or day <= self.end)
