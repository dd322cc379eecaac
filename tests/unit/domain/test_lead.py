"""Leads and their contacts."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from prmcore.domain import Contact, Lead, Location
from prmcore.errors import ValidationError

RECEIVED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


def lead(**changes: object) -> Lead:
    fields: dict[str, object] = {
        "id": "lead-1",
        "company_name": "Initech",
        "location": Location("us", region="TX", postal_code="78701"),
        "received_at": RECEIVED,
    }
    fields.update(changes)
    return Lead(**fields)  # type: ignore[arg-type]


class _NoOffset(dt.tzinfo):
    """A tzinfo that does not know its offset: the datetime is effectively naive."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None


def test_minimal_lead() -> None:
    x = lead()
    assert x.location.country == "US"
    assert x.product_lines == ()
    assert (x.account_id, x.domain, x.industry, x.employees, x.contact, x.source) == (None,) * 6


def test_full_lead() -> None:
    contact = Contact(
        name="Peter Gibbons",
        email="peter@initech.example",
        phone="+1 512 555 0100",
        street="4120 Freidrich Lane",
        title="Engineer",
    )
    x = lead(
        account_id="acc-9",
        domain="Initech.COM",
        industry="NAICS 5415",
        employees=0,
        product_lines=["fw", "vpn"],
        contact=contact,
        source="webinar",
        version=2,
    )
    assert x.domain == "initech.com"
    assert x.product_lines == ("fw", "vpn")
    assert x.contact == contact
    assert x.employees == 0


@pytest.mark.parametrize(
    "tz",
    [dt.UTC, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(hours=5, minutes=45))],
)
def test_received_at_with_any_fixed_offset(tz: dt.tzinfo) -> None:
    assert lead(received_at=RECEIVED.replace(tzinfo=tz)).received_at.tzinfo is tz


@pytest.mark.parametrize(
    "moment", [dt.datetime(2026, 3, 2, 9, 30), RECEIVED.replace(tzinfo=_NoOffset())]
)
def test_received_at_must_be_timezone_aware(moment: dt.datetime) -> None:
    with pytest.raises(ValidationError) as excinfo:
        lead(received_at=moment)
    assert problems(excinfo) == {
        "received_at": "must be timezone-aware (use datetime.timezone.utc)"
    }


def test_received_at_must_be_a_datetime() -> None:
    with pytest.raises(ValidationError) as excinfo:
        lead(received_at=dt.date(2026, 3, 2))
    assert problems(excinfo) == {
        "received_at": "must be a datetime, got date datetime.date(2026, 3, 2)"
    }


def test_lead_domain_is_checked() -> None:
    with pytest.raises(ValidationError) as excinfo:
        lead(domain="https://initech.com/")
    assert problems(excinfo) == {"domain": "not a domain name: 'https://initech.com/'"}


def test_lead_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Lead(
            id="lead 1",  # type: ignore[arg-type]
            company_name="",
            location={"country": "US"},  # type: ignore[arg-type]
            received_at="2026-03-02T09:30:00Z",  # type: ignore[arg-type]
            account_id="",  # type: ignore[arg-type]
            domain=" ",
            industry="i" * 101,
            employees=-1,
            product_lines=("fw", "fw"),
            contact="Peter",  # type: ignore[arg-type]
            source="",
            version=None,  # type: ignore[arg-type]
        )
    assert excinfo.value.paths == (
        "id",
        "company_name",
        "location",
        "received_at",
        "account_id",
        "domain",
        "industry",
        "employees",
        "product_lines[1]",
        "contact",
        "source",
        "version",
    )
    found = problems(excinfo)
    assert found["location"] == "must be Location, got dict {'country': 'US'}"
    assert found["employees"] == "must be at least 0, got -1"
    assert found["product_lines[1]"] == "duplicate value 'fw'"
    assert found["contact"] == "must be Contact, got str 'Peter'"


def test_employees_must_be_an_integer() -> None:
    with pytest.raises(ValidationError) as excinfo:
        lead(employees=True)
    assert problems(excinfo) == {"employees": "must be an integer, got bool True"}


def test_evolve_lead() -> None:
    x = lead()
    assert attrs.evolve(x, employees=250).employees == 250
    with pytest.raises(ValidationError) as excinfo:
        attrs.evolve(x, received_at=dt.datetime(2026, 3, 2))
    assert excinfo.value.paths == ("received_at",)


# -- Contact --------------------------------------------------------------------------------------


def test_contact_with_only_a_name() -> None:
    c = Contact(name="Joanna")
    assert (c.email, c.phone, c.street, c.title) == (None, None, None, None)


def test_contact_email_needs_an_at_sign() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Contact(name="Joanna", email="joanna.example.com")
    assert problems(excinfo) == {"email": "not an e-mail address: 'joanna.example.com'"}


def test_contact_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Contact(name="", email="", phone="5" * 51, street="s" * 301, title="t" * 201)
    assert problems(excinfo) == {
        "name": "must not be empty",
        "email": "must not be empty",
        "phone": "must be at most 50 characters, got 51",
        "street": "must be at most 300 characters, got 301",
        "title": "must be at most 200 characters, got 201",
    }
