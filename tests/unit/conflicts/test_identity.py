"""CompanyRef: validation, every problem listed, identity keys, serialisation."""

# ruff: noqa: RUF001
from __future__ import annotations

import pytest

from prmcore.conflicts import CompanyRef, normalize_id
from prmcore.domain import ExternalId
from prmcore.errors import ValidationError
from prmcore.serialization import from_dict, to_dict


def test_identity_keys() -> None:
    ref = CompanyRef(
        "The Acme Widgets GmbH & Co. KG",
        domain="https://shop.acme.co.uk/basket",
        email="jo@sales.acme.de",
        country="de",
        ids={"duns": "15-048-3782", "lei": "5493 00 ABC"},
    )
    identity = ref.identity
    assert identity.name.key == "acme widgets"
    assert identity.name.legal_forms == ("GmbH & Co. KG",)
    assert identity.name.acronym == "aw"
    assert identity.domains == ("acme.co.uk", "acme.de")
    assert identity.ignored_domains == ()
    assert identity.ids == (("duns", "150483782"), ("lei", "549300ABC"))
    assert identity.country == "DE"
    assert ref.identity is identity  # computed once


def test_free_mail_is_never_identity() -> None:
    ref = CompanyRef("Acme", email="jo@gmail.com")
    assert ref.identity.domains == ()
    assert ref.identity.ignored_domains == ("gmail.com",)
    assert CompanyRef("Acme", domain="yahoo.co.uk").identity.domains == ()


def test_defaults() -> None:
    ref = CompanyRef("Acme")
    assert (ref.domain, ref.email, ref.country, ref.ids) == (None, None, None, ())
    assert CompanyRef("Acme", ids=None).ids == ()
    assert CompanyRef("Acme", ids=[ExternalId("duns", "1")]).ids == (ExternalId("duns", "1"),)


def test_every_problem_is_listed() -> None:
    with pytest.raises(ValidationError) as err:
        CompanyRef("", domain="co.uk", email="x", country="XX", ids={"duns": "", "LEI": "x"})
    assert err.value.paths == (
        "name",
        "domain",
        "email",
        "country",
        "ids[0].scheme",
        "ids[1].value",
    )


def test_bad_ids() -> None:
    with pytest.raises(ValidationError) as err:
        CompanyRef("a", ids=(ExternalId("duns", "1"), ExternalId("duns", "2"), 3))  # type: ignore[arg-type]
    assert err.value.paths == ("ids[2]",)
    with pytest.raises(ValidationError) as err:
        CompanyRef("a", ids=(ExternalId("duns", "1"), ExternalId("duns", "2")))
    assert err.value.paths == ("ids[1].scheme",)
    with pytest.raises(ValidationError, match="must be tuple"):
        CompanyRef("a", ids="duns")  # type: ignore[arg-type]


def test_types_are_checked() -> None:
    with pytest.raises(ValidationError) as err:
        CompanyRef(3, domain=4, email=5)  # type: ignore[arg-type]
    assert err.value.paths == ("name", "domain", "email")


def test_round_trip() -> None:
    ref = CompanyRef("ООО «Ромашка»", domain="romashka.ru", country="RU", ids={"inn": "7707083893"})
    data = to_dict(ref)
    assert data == {
        "name": "ООО «Ромашка»",
        "domain": "romashka.ru",
        "email": None,
        "country": "RU",
        "ids": [{"scheme": "inn", "value": "7707083893"}],
    }
    assert from_dict(CompanyRef, data) == ref
    with pytest.raises(ValidationError) as err:
        from_dict(CompanyRef, {"name": "", "domain": "co.uk", "extra": 1})
    assert set(err.value.paths) == {"extra", "name", "domain"}


def test_normalize_id() -> None:
    assert normalize_id("15-048-3782") == "150483782"
    assert normalize_id("de 123.456.789") == "DE123456789"
    assert normalize_id("a/b_c") == "ABC"
