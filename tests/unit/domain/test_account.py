"""Customer accounts: domains, countries, external registry ids, ownership."""

from __future__ import annotations

import attrs
import pytest

from prmcore.domain import Account, ExternalId
from prmcore.errors import ValidationError


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


def account(**changes: object) -> Account:
    fields: dict[str, object] = {"id": "acc-1", "name": "Globex Corporation"}
    fields.update(changes)
    return Account(**fields)  # type: ignore[arg-type]


def test_account_defaults() -> None:
    a = account()
    assert a.domain is None
    assert a.country is None
    assert a.external_ids == ()
    assert a.owner_partner_id is None
    assert (a.house, a.is_customer, a.version) == (False, False, 0)


# -- domain and country ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Globex.COM", "globex.com"),
        ("  globex.co.uk.  ", "globex.co.uk"),
        ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("a.io", "a.io"),
    ],
)
def test_domain_is_stripped_and_lower_cased(given: str, stored: str) -> None:
    assert account(domain=given).domain == stored


@pytest.mark.parametrize(
    "given",
    [
        "https://globex.com",
        "globex.com/about",
        "www.globex.com:8080",
        "localhost",
        "-globex.com",
        "globex-.com",
        "globex..com",
        "globex.c",
        "münchen.de",
        "user@globex.com",
        "a" * 64 + ".com",
    ],
)
def test_domain_rejects_urls_and_non_domains(given: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        account(domain=given)
    assert excinfo.value.paths == ("domain",)
    assert excinfo.value.problems[0].message.startswith("not a domain name (give 'acme.com'")


def test_longest_domain_label_and_name() -> None:
    label = "a" * 63
    assert account(domain=f"{label}.com").domain == f"{label}.com"
    longest = ".".join(["b" * 63] * 3 + ["c" * 61])  # 253 characters
    assert account(domain=longest).domain == longest
    with pytest.raises(ValidationError) as excinfo:
        account(domain=longest + "c")
    assert problems(excinfo) == {"domain": "must be at most 253 characters, got 254"}


def test_blank_domain_is_a_problem_not_none() -> None:
    with pytest.raises(ValidationError) as excinfo:
        account(domain="  ")
    assert problems(excinfo) == {"domain": "must not be empty"}


def test_country_is_upper_cased_and_checked() -> None:
    assert account(country="ch").country == "CH"
    with pytest.raises(ValidationError) as excinfo:
        account(country="EU")
    assert problems(excinfo) == {"country": "unknown ISO 3166-1 alpha-2 country code 'EU'"}


# -- external ids ---------------------------------------------------------------------------------


def test_external_ids_from_a_mapping_are_sorted_by_scheme() -> None:
    a = account(external_ids={"lei": "5493001KJTIIGC8Y1R12", "duns": "150483782"})
    assert a.external_ids == (
        ExternalId("duns", "150483782"),
        ExternalId("lei", "5493001KJTIIGC8Y1R12"),
    )
    assert a.external_id("duns") == "150483782"
    assert a.external_id("lei") == "5493001KJTIIGC8Y1R12"
    assert a.external_id("tax_id") is None


def test_external_ids_from_a_list_keep_their_order() -> None:
    ids = [ExternalId("vat", "DE123456789"), ExternalId("crm", "0013000000ABC")]
    a = account(external_ids=ids)
    assert a.external_ids == tuple(ids)
    assert a.external_id("crm") == "0013000000ABC"


def test_a_bad_entry_in_an_external_id_mapping_has_its_full_path() -> None:
    with pytest.raises(ValidationError) as excinfo:
        account(external_ids={"lei": "", "duns": "150483782", "Tax ID": "x"})
    # Sorted: "Tax ID" < "duns" < "lei" (upper case sorts first).
    assert problems(excinfo) == {
        "external_ids[0].scheme": "must be lower-case letters, digits or _ (like 'duns'), "
        "got 'Tax ID'",
        "external_ids[2].value": "must not be empty",
    }


def test_non_string_mapping_keys_are_checked_not_crashed_on() -> None:
    with pytest.raises(ValidationError) as excinfo:
        account(external_ids={1: "x", "duns": "150483782"})
    assert problems(excinfo) == {
        "external_ids[0].scheme": "must be lower-case letters, digits or _ (like 'duns'), got '1'"
    }


def test_duplicate_scheme_is_rejected() -> None:
    with pytest.raises(ValidationError) as excinfo:
        account(
            external_ids=(ExternalId("duns", "1"), ExternalId("lei", "2"), ExternalId("duns", "3"))
        )
    assert problems(excinfo) == {"external_ids[2].scheme": "duplicate scheme 'duns'"}


def test_external_ids_must_be_external_id_objects() -> None:
    with pytest.raises(ValidationError) as excinfo:
        account(external_ids=(ExternalId("duns", "1"), ("lei", "2")))
    assert problems(excinfo) == {
        "external_ids[1]": "must be ExternalId, got tuple ('lei', '2')",
    }
    with pytest.raises(ValidationError) as excinfo:
        account(external_ids="duns:1")
    assert problems(excinfo) == {"external_ids": "must be tuple, got str 'duns:1'"}


@pytest.mark.parametrize(
    ("scheme", "value", "expected"),
    [
        (
            "DUNS",
            "1",
            {"scheme": "must be lower-case letters, digits or _ (like 'duns'), got 'DUNS'"},
        ),
        (
            "tax-id",
            "1",
            {"scheme": "must be lower-case letters, digits or _ (like 'duns'), got 'tax-id'"},
        ),
        (
            "1duns",
            "1",
            {"scheme": "must be lower-case letters, digits or _ (like 'duns'), got '1duns'"},
        ),
        (
            "duns\n",
            "1",
            {"scheme": "must be lower-case letters, digits or _ (like 'duns'), got 'duns\\n'"},
        ),
        (
            "a" * 33,
            "1",
            {
                "scheme": "must be lower-case letters, digits or _ (like 'duns'), got "
                + repr("a" * 33)
            },
        ),
        (None, "", {"scheme": "must be str, got NoneType None", "value": "must not be empty"}),
        ("duns", "9" * 101, {"value": "must be at most 100 characters, got 101"}),
    ],
)
def test_external_id_rules(scheme: object, value: object, expected: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as excinfo:
        ExternalId(scheme, value)  # type: ignore[arg-type]
    assert problems(excinfo) == expected


def test_longest_scheme() -> None:
    assert ExternalId("s" + "_" * 31, "x").scheme == "s" + "_" * 31


# -- ownership ------------------------------------------------------------------------------------


def test_named_account_of_a_partner() -> None:
    assert account(owner_partner_id="p-1", is_customer=True).owner_partner_id == "p-1"


def test_house_account() -> None:
    assert account(house=True).house is True


def test_house_account_cannot_be_a_partners_named_account() -> None:
    with pytest.raises(ValidationError) as excinfo:
        account(house=True, owner_partner_id="p-1")
    assert problems(excinfo) == {
        "house": "a house account cannot also be a partner's named account"
    }


def test_account_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        Account(
            id="",  # type: ignore[arg-type]
            name=" ",
            domain="http://x",
            country="Germany",
            external_ids=(ExternalId("duns", "1"), ExternalId("duns", "2")),
            owner_partner_id="p 1",  # type: ignore[arg-type]
            house="no",  # type: ignore[arg-type]
            is_customer=None,  # type: ignore[arg-type]
            version=-1,
        )
    assert excinfo.value.paths == (
        "id",
        "name",
        "domain",
        "country",
        "external_ids[1].scheme",
        "owner_partner_id",
        "house",
        "is_customer",
        "version",
    )


def test_evolve_revalidates_and_converts() -> None:
    a = account()
    moved = attrs.evolve(a, domain="GLOBEX.com", external_ids={"duns": "1"})
    assert moved.domain == "globex.com"
    assert moved.external_id("duns") == "1"
    with pytest.raises(ValidationError):
        attrs.evolve(a, domain="https://globex.com")
