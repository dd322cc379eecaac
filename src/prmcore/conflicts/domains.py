"""Web and e-mail domains as customer identity: registrable domains and free-mail providers.

The registrable domain is the part of a host name a company registers: one label below the
public suffix (``shop.acme.co.uk`` → ``acme.co.uk``, ``acme.github.io`` stays itself because
``github.io`` is a public suffix). It comes from the Public Suffix List shipped inside the
``publicsuffixlist`` package: the list is read from that package's file, never fetched.

Free-mail and ISP domains (``gmail.com``, ``outlook.com``, every ``yahoo.*``, ``gmx.de``, …) say
nothing about who a customer is, so they are never used as identity.

Examples:
    >>> registrable_domain("https://shop.acme.co.uk/basket")
    'acme.co.uk'
    >>> email_domain("Jane.Doe@Sales.ACME.com")
    'acme.com'
    >>> is_free_mail("yahoo.co.uk"), is_free_mail("acme.com")
    (True, False)

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import re
from functools import cache

from publicsuffixlist import PublicSuffixList

__all__ = [
    "FREE_MAIL_DOMAINS",
    "FREE_MAIL_FAMILIES",
    "email_domain",
    "host_of",
    "is_free_mail",
    "registrable_domain",
]

_FREE_MAIL = """
gmail.com googlemail.com outlook.com hotmail.com live.com msn.com passport.com
windowslive.com yahoo.com ymail.com rocketmail.com aol.com aim.com icloud.com me.com mac.com
proton.me protonmail.com protonmail.ch pm.me tutanota.com tutanota.de tuta.io fastmail.com
fastmail.fm hushmail.com zoho.com zohomail.com mail.com email.com usa.com post.com inbox.com
gmx.de gmx.net gmx.com gmx.at gmx.ch web.de t-online.de freenet.de arcor.de online.de
posteo.de mailbox.org 1und1.de kabelmail.de vodafone.de orange.fr wanadoo.fr free.fr sfr.fr
laposte.net neuf.fr club-internet.fr bbox.fr libero.it virgilio.it alice.it tin.it
tiscali.it fastwebnet.it btinternet.com btopenworld.com sky.com virginmedia.com talktalk.net
ntlworld.com blueyonder.co.uk tiscali.co.uk comcast.net verizon.net att.net sbcglobal.net
bellsouth.net cox.net charter.net earthlink.net optonline.net frontier.com windstream.net
juno.com netzero.net shaw.ca rogers.com sympatico.ca telus.net videotron.ca bigpond.com
bigpond.net.au optusnet.com.au iinet.net.au xtra.co.nz mail.ru inbox.ru list.ru bk.ru
yandex.ru ya.ru rambler.ru ukr.net i.ua qq.com 163.com 126.com yeah.net sina.com sina.cn
sohu.com aliyun.com 139.com foxmail.com naver.com daum.net hanmail.net nate.com kakao.com
rediffmail.com uol.com.br bol.com.br terra.com.br ig.com.br seznam.cz centrum.cz atlas.cz
wp.pl o2.pl onet.pl interia.pl op.pl bluewin.ch hispeed.ch telenet.be skynet.be ziggo.nl
kpnmail.nl planet.nl home.nl telia.com online.no tele2.se bredband.net
"""

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(_FREE_MAIL.split())
"""Registrable domains of free-mail and consumer ISP mail services."""

FREE_MAIL_FAMILIES: frozenset[str] = frozenset(
    {"gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "gmx", "aol", "yandex", "ymail"}
)
"""Providers with a domain in many countries: ``yahoo.co.jp``, ``hotmail.fr``, ``gmx.at``, …
A registrable domain whose first label is one of these is free mail, whatever its suffix."""

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_HOST = re.compile(r"^(?=.{1,253}\Z)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\Z")


@cache
def _psl() -> PublicSuffixList:
    # Reads the list shipped in the package; PublicSuffixList never downloads anything.
    return PublicSuffixList()


def host_of(text: str) -> str | None:
    """The lower-case host name in *text*: a host, or a URL with scheme, path or port.

    Internationalised names are returned in their ASCII (punycode) form; ``www.`` is kept
    (:func:`registrable_domain` removes it with every other subdomain).

    Args:
        text: ``"acme.com"``, ``"https://shop.acme.co.uk/x?y"``, ``"münchen.de"``.

    Returns:
        The host, or ``None`` when *text* holds no valid host name.

    Examples:
        >>> host_of("HTTPS://Shop.Acme.co.uk:443/basket")
        'shop.acme.co.uk'
        >>> host_of("münchen.de")
        'xn--mnchen-3ya.de'
        >>> host_of("not a host") is None
        True

    .. versionadded:: 0.1.0
    """
    value = text.strip().lower()
    value = _SCHEME.sub("", value)
    value = re.split(r"[/?#]", value, maxsplit=1)[0]
    value = value.rsplit("@", 1)[-1]  # user@host in a URL
    value = value.split(":", 1)[0].rstrip(".")
    if not value.isascii():
        try:
            value = value.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return value if _HOST.match(value) else None


def registrable_domain(text: str) -> str | None:
    """The registrable domain of a host or URL, from the offline Public Suffix List.

    Args:
        text: A host name or URL.

    Returns:
        ``acme.co.uk`` for ``shop.acme.co.uk``; ``None`` when there is no valid host or the
        host is itself a public suffix (``co.uk``).

    Examples:
        >>> registrable_domain("shop.acme.co.uk")
        'acme.co.uk'
        >>> registrable_domain("www.acme.com")
        'acme.com'
        >>> registrable_domain("co.uk") is None
        True

    .. versionadded:: 0.1.0
    """
    host = host_of(text)
    if host is None:
        return None
    result: str | None = _psl().privatesuffix(host)
    return result


def email_domain(email: str) -> str | None:
    """The registrable domain of an e-mail address (the part after the last ``@``).

    Args:
        email: An address such as ``jane@sales.acme.com``.

    Returns:
        The registrable domain, or ``None`` when *email* is not an address with a valid
        domain.

    Examples:
        >>> email_domain("jane@sales.acme.com")
        'acme.com'
        >>> email_domain("no-at-sign") is None
        True

    .. versionadded:: 0.1.0
    """
    local, at, domain = email.strip().rpartition("@")
    if not at or not local.strip() or not domain:
        return None
    return registrable_domain(domain)


def is_free_mail(domain: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether *domain* belongs to a free-mail or consumer ISP mail service.

    Args:
        domain: A host name or registrable domain (subdomains are looked through).
        extra: More registrable domains to treat as free mail (a host's own list).

    Examples:
        >>> is_free_mail("gmail.com"), is_free_mail("mail.yahoo.co.jp"), is_free_mail("gmx.de")
        (True, True, True)
        >>> is_free_mail("acme.com")
        False

    .. versionadded:: 0.1.0
    """
    registrable = registrable_domain(domain) or domain.strip().lower()
    if registrable in FREE_MAIL_DOMAINS or registrable in extra:
        return True
    return registrable.split(".", 1)[0] in FREE_MAIL_FAMILIES
