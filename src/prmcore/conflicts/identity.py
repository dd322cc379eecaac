"""Who a deal registration's customer is: :class:`CompanyRef` and its identity keys.

A :class:`CompanyRef` is what a partner types into a registration form (a name, maybe a web
site, a contact's e-mail, a country, registry ids). Its :attr:`~CompanyRef.identity` holds the
keys that matching and the blocking index use: the name key and its words, the legal form kept
apart, the acronym, the registrable domains (free mail left out) and the normalised exact ids.

Examples:
    >>> ref = CompanyRef("Acme Widgets GmbH", domain="shop.acme.de", email="jo@gmail.com")
    >>> ref.identity.name.key, ref.identity.name.legal_forms
    ('acme widgets', ('GmbH',))
    >>> ref.identity.domains, ref.identity.ignored_domains
    (('acme.de',), ('gmail.com',))

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property

import attrs

from prmcore._checks import Checks, Validated, trusted_construction, upper_or_none
from prmcore.conflicts._features import IdentityFeatures
from prmcore.conflicts.domains import email_domain, is_free_mail, registrable_domain
from prmcore.conflicts.names import NameParts, parse_name
from prmcore.domain.account import ExternalId

__all__ = ["CompanyIdentity", "CompanyRef", "normalize_id"]

_ID_NOISE = re.compile(r"[\s.\-/_]+")


def normalize_id(value: str) -> str:
    """An exact id as compared: upper case, without spaces, dots, dashes, slashes, underscores.

    Args:
        value: The id as written (``"15-048-3782"``, ``"de 123 456 789"``).

    Examples:
        >>> normalize_id("15-048-3782")
        '150483782'
        >>> normalize_id("de 123.456.789")
        'DE123456789'

    .. versionadded:: 0.1.0
    """
    return _ID_NOISE.sub("", value).upper()


def _ids(value: object) -> object:
    # Accept None and {"duns": "..."}; store a tuple sorted by scheme so the ref stays hashable.
    if value is None:
        return ()
    if isinstance(value, Mapping):
        # Built unchecked here and checked in CompanyRef._validate, so that a bad id is
        # reported together with every other problem of the ref.
        with trusted_construction():
            return tuple(
                ExternalId(str(scheme), ext)
                for scheme, ext in sorted(value.items(), key=lambda kv: str(kv[0]))
            )
    if isinstance(value, list):
        return tuple(value)
    return value


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


@attrs.frozen
class CompanyIdentity:
    """The identity keys of a :class:`CompanyRef`, computed once from its fields.

    Args:
        name: The name taken apart: key, words, legal forms, acronym.
        domains: Registrable domains usable as identity (from ``domain`` and ``email``),
            sorted, free mail left out.
        ignored_domains: Registrable free-mail or ISP domains that were seen and left out.
        ids: ``(scheme, normalised value)`` pairs, sorted by scheme.
        country: ISO 3166-1 alpha-2 code, or ``None``.

    Examples:
        >>> CompanyRef("IBM", ids={"duns": "00-136-8083"}).identity.ids
        (('duns', '001368083'),)

    .. versionadded:: 0.1.0
    """

    name: NameParts
    domains: tuple[str, ...]
    ignored_domains: tuple[str, ...]
    ids: tuple[tuple[str, str], ...]
    country: str | None

    @cached_property
    def _features(self) -> IdentityFeatures:
        # What matching's pre-scoring bound reads, built once per identity.
        return IdentityFeatures(self)


@attrs.frozen
class CompanyRef(Validated):
    """A customer company as named on a deal registration, for matching.

    Args:
        name: The company's name as written, in any script.
        domain: Its web site: a host (``shop.acme.co.uk``) or a URL; only the registrable
            domain counts.
        email: A contact's e-mail address; its registrable domain counts unless it is free
            mail (``gmail.com``, ``outlook.com``, ``yahoo.*``, …).
        country: ISO 3166-1 alpha-2 code (case-insensitive).
        ids: Registry ids: a mapping ``{"duns": "...", "lei": "...", "tax_id": "..."}`` or
            :class:`~prmcore.domain.ExternalId` values; one per scheme.

    Raises:
        ValidationError: Listing every bad field (a domain with no registrable part, an
            e-mail without a domain, an unknown country, a duplicate id scheme, ...).

    Examples:
        >>> CompanyRef("Acme", domain="co.uk")
        Traceback (most recent call last):
        ...
        prmcore.errors.ValidationError: 1 problem: domain: not a host name with a registrable domain (like 'acme.co.uk'): 'co.uk'

    .. versionadded:: 0.1.0
    """  # noqa: E501

    name: str
    domain: str | None = attrs.field(default=None, converter=_strip)
    email: str | None = attrs.field(default=None, converter=_strip)
    country: str | None = attrs.field(default=None, converter=upper_or_none)
    ids: tuple[ExternalId, ...] = attrs.field(default=(), converter=_ids)

    def _validate(self, c: Checks) -> None:
        c.text("name", self.name, max_length=300)
        if c.optional_text("domain", self.domain, max_length=2000) and self.domain is not None:
            c.require(
                registrable_domain(self.domain) is not None,
                "domain",
                f"not a host name with a registrable domain (like 'acme.co.uk'): {self.domain!r}",
            )
        if c.optional_text("email", self.email, max_length=320) and self.email is not None:
            c.require(
                email_domain(self.email) is not None,
                "email",
                f"not an e-mail address with a registrable domain: {self.email!r}",
            )
        c.optional_country("country", self.country)
        if c.each("ids", self.ids, lambda p, v: c.instance(p, v, ExternalId)):
            seen: set[str] = set()
            for i, ext in enumerate(self.ids):
                with c.nested(f"ids[{i}]") as inner:
                    ext._validate(inner)
                if isinstance(ext.scheme, str):
                    c.require(
                        ext.scheme not in seen,
                        f"ids[{i}].scheme",
                        f"duplicate scheme {ext.scheme!r}",
                    )
                    seen.add(ext.scheme)

    @cached_property
    def identity(self) -> CompanyIdentity:
        """The identity keys (computed on first use, then kept)."""
        found = [registrable_domain(self.domain)] if self.domain is not None else []
        if self.email is not None:
            found.append(email_domain(self.email))
        usable = {d for d in found if d is not None}
        ignored = {d for d in usable if is_free_mail(d)}
        return CompanyIdentity(
            name=parse_name(self.name),
            domains=tuple(sorted(usable - ignored)),
            ignored_domains=tuple(sorted(ignored)),
            ids=tuple(sorted((ext.scheme, normalize_id(ext.value)) for ext in self.ids)),
            country=self.country,
        )
