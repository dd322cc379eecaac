"""Registrable domains from the offline Public Suffix List, e-mail domains, free mail."""

from __future__ import annotations

import subprocess
import sys

import pytest

from prmcore.conflicts import (
    FREE_MAIL_DOMAINS,
    email_domain,
    host_of,
    is_free_mail,
    registrable_domain,
)


@pytest.mark.parametrize(
    ("text", "registrable"),
    [
        ("shop.acme.co.uk", "acme.co.uk"),
        ("acme.co.uk", "acme.co.uk"),
        ("www.acme.com", "acme.com"),
        ("https://Shop.ACME.com.br:8443/path?q=1#x", "acme.com.br"),
        ("a.b.acme.github.io", "acme.github.io"),  # private-section suffix
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("acme.com.", "acme.com"),
        ("co.uk", None),  # a public suffix alone
        ("localhost", None),
        ("not a host", None),
        ("a..b", None),
        ("", None),
    ],
)
def test_registrable_domain(text: str, registrable: str | None) -> None:
    assert registrable_domain(text) == registrable


def test_host_of() -> None:
    assert host_of("HTTPS://user@Shop.Acme.co.uk:443/basket") == "shop.acme.co.uk"
    assert host_of("\udcff.com") is None  # not encodable as IDNA


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("jane@acme.com", "acme.com"),
        ("Jane.Doe@Sales.ACME.co.uk", "acme.co.uk"),
        ("no-at-sign", None),
        ("@acme.com", None),
        ("jane@", None),
        ("jane@co.uk", None),
    ],
)
def test_email_domain(email: str, domain: str | None) -> None:
    assert email_domain(email) == domain


@pytest.mark.parametrize(
    "domain",
    ["gmail.com", "googlemail.com", "outlook.com", "hotmail.fr", "yahoo.com", "yahoo.co.jp",
     "mail.yahoo.co.uk", "gmx.de", "gmx.at", "web.de", "aol.com", "icloud.com", "qq.com"],
)  # fmt: skip
def test_free_mail(domain: str) -> None:
    assert is_free_mail(domain)


def test_company_domains_are_not_free_mail() -> None:
    assert not is_free_mail("acme.com")
    assert not is_free_mail("shop.acme.co.uk")
    assert is_free_mail("acme.com", extra=frozenset({"acme.com"}))
    assert "gmail.com" in FREE_MAIL_DOMAINS


def test_the_public_suffix_list_is_never_fetched() -> None:
    """A fresh interpreter with networking disabled still resolves registrable domains, and
    loading prmcore.conflicts never imports an HTTP client or the list's updater."""
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network used')\n"
        "socket.socket = refuse\n"
        "socket.create_connection = refuse\n"
        "from prmcore.conflicts import registrable_domain\n"
        "assert registrable_domain('shop.acme.co.uk') == 'acme.co.uk'\n"
        "bad = [m for m in ('publicsuffixlist.update', 'requests', 'urllib.request')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
