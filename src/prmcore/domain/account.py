"""Customer accounts: the companies partners sell to.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from prmcore._checks import Checks, Validated, upper_or_none
from prmcore.domain.ids import AccountId, PartnerId

__all__ = ["Account", "ExternalId"]

_DOMAIN_RE = re.compile(
    r"^(?=.{1,253}\Z)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\Z"
)
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}\Z")


def _external_ids(value: object) -> object:
    # Accept {"duns": "..."} for convenience; store a sorted tuple so the object stays hashable.
    if isinstance(value, Mapping):
        items = sorted(((str(k), v) for k, v in value.items()), key=lambda kv: kv[0])
        checks = Checks()
        ids = []
        for i, (scheme, ext) in enumerate(items):
            # Report a bad entry where it lands in the stored tuple, not as a bare "value".
            with checks.nested(f"external_ids[{i}]"):
                ids.append(ExternalId(scheme, ext))
        checks.done()
        return tuple(ids)
    if isinstance(value, list):
        return tuple(value)
    return value


def _domain(value: object) -> object:
    return value.strip().lower().rstrip(".") if isinstance(value, str) else value


def is_domain_name(value: str) -> bool:
    """Whether *value* looks like a lower-case DNS host name (``acme.co.uk``)."""
    return bool(_DOMAIN_RE.match(value))


@attrs.frozen
class ExternalId(Validated):
    """An identifier of a company in an outside registry.

    Args:
        scheme: Lower-case registry name: ``duns``, ``lei``, ``tax_id``, ``crm``, ...
        value: The identifier as the registry writes it.

    .. versionadded:: 0.1.0
    """

    scheme: str
    value: str

    def _validate(self, c: Checks) -> None:
        if c.instance("scheme", self.scheme, str):
            c.require(
                bool(_SCHEME_RE.match(self.scheme)),
                "scheme",
                f"must be lower-case letters, digits or _ (like 'duns'), got {self.scheme!r}",
            )
        c.text("value", self.value, max_length=100)


@attrs.frozen
class Account(Validated):
    """A customer company, as the vendor knows it.

    Args:
        id: The host's id for the account.
        name: The company's name as registered.
        domain: Its web domain (lower-cased; ``https://`` and paths are not accepted).
        country: ISO 3166-1 alpha-2 code of its headquarters.
        external_ids: Registry ids (DUNS, LEI, tax id); a mapping ``{"duns": "..."}`` is accepted.
            One id per scheme.
        owner_partner_id: Set when the account is a named account of a partner.
        house: True when direct sales owns the account (a house account): partner registrations
            on it conflict with the vendor.
        is_customer: True when the company already buys from the vendor.
        version: Set by the repository.

    Raises:
        ValidationError: Listing every bad field.

    .. versionadded:: 0.1.0
    """

    id: AccountId
    name: str
    domain: str | None = attrs.field(default=None, converter=_domain)
    country: str | None = attrs.field(default=None, converter=upper_or_none)
    external_ids: tuple[ExternalId, ...] = attrs.field(default=(), converter=_external_ids)
    owner_partner_id: PartnerId | None = None
    house: bool = False
    is_customer: bool = False
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("name", self.name, max_length=300)
        if c.optional_text("domain", self.domain, max_length=253) and self.domain is not None:
            c.require(
                is_domain_name(self.domain),
                "domain",
                f"not a domain name (give 'acme.com', not a URL): {self.domain!r}",
            )
        c.optional_country("country", self.country)
        if c.each("external_ids", self.external_ids, lambda p, v: c.instance(p, v, ExternalId)):
            seen: set[str] = set()
            for i, ext in enumerate(self.external_ids):
                c.require(
                    ext.scheme not in seen,
                    f"external_ids[{i}].scheme",
                    f"duplicate scheme {ext.scheme!r}",
                )
                seen.add(ext.scheme)
        c.optional_identifier("owner_partner_id", self.owner_partner_id)
        c.instance("house", self.house, bool)
        c.instance("is_customer", self.is_customer, bool)
        if self.house is True and self.owner_partner_id is not None:
            c.add("house", "a house account cannot also be a partner's named account")
        c.integer("version", self.version, minimum=0)

    def external_id(self, scheme: str) -> str | None:
        """The id under *scheme* (``"duns"``), or ``None``."""
        for ext in self.external_ids:
            if ext.scheme == scheme:
                return ext.value
        return None
