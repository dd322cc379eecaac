"""Agreements a partner has signed (NDA, reseller agreement, ...), with their validity.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from prmcore._checks import Checks, Validated, to_enum
from prmcore.domain.ids import AgreementId, PartnerId

__all__ = ["Agreement", "AgreementKind"]


class AgreementKind(enum.StrEnum):
    """The kinds of agreement a program can require before a partner may act.

    .. versionadded:: 0.1.0
    """

    NDA = "nda"
    RESELLER = "reseller"
    DISTRIBUTION = "distribution"
    REFERRAL = "referral"
    AFFILIATE = "affiliate"
    MSP = "msp"
    DATA_PROCESSING = "data_processing"
    MDF = "mdf"
    OTHER = "other"


def _to_kind(value: object) -> AgreementKind:
    result: AgreementKind = to_enum(AgreementKind, value)
    return result


@attrs.frozen
class Agreement(Validated):
    """An agreement signed by a partner, in force from ``signed_on`` to ``expires_on``.

    Args:
        id: The host's id for the agreement.
        partner_id: Who signed it.
        kind: Which kind (:class:`AgreementKind`).
        signed_on: The day it was signed and took effect.
        expires_on: The last day it is in force (inclusive), or ``None`` if open-ended.
        title: Optional display title or document reference.
        version: Set by the repository.

    Raises:
        ValidationError: Listing every bad field; ``expires_on`` before ``signed_on`` is one.

    .. versionadded:: 0.1.0
    """

    id: AgreementId
    partner_id: PartnerId
    kind: AgreementKind = attrs.field(converter=_to_kind)
    signed_on: dt.date
    expires_on: dt.date | None = None
    title: str | None = None
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.identifier("partner_id", self.partner_id)
        c.member("kind", self.kind, AgreementKind)
        if c.date("signed_on", self.signed_on) and c.optional_date("expires_on", self.expires_on):
            c.date_order("signed_on", self.signed_on, "expires_on", self.expires_on)
        c.optional_text("title", self.title, max_length=300)
        c.integer("version", self.version, minimum=0)

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the agreement is signed and unexpired on *day* (expiry day inclusive)."""
        return self.signed_on <= day and (self.expires_on is None or day <= self.expires_on)
