"""Matching, identity and blocking never crash on arbitrary Unicode: bad input is a
ValidationError with a path, anything accepted can be matched and indexed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prmcore.conflicts import BlockingIndex, CompanyRef, match_companies
from prmcore.errors import ValidationError

text = st.text(max_size=60)


def build(name: str, domain: str | None, email: str | None) -> CompanyRef | None:
    try:
        return CompanyRef(name, domain=domain, email=email)
    except ValidationError as err:
        assert set(err.paths) <= {"name", "domain", "email"}  # noqa: PT017
        return None


@given(text, st.none() | text, st.none() | text, text, st.none() | text)
def test_any_text_is_refused_cleanly_or_matched(
    name_a: str, domain_a: str | None, email_a: str | None, name_b: str, domain_b: str | None
) -> None:
    a = build(name_a, domain_a, email_a)
    b = build(name_b, domain_b, None)
    if a is None or b is None:
        return
    assert a.identity.name.key  # the name key is never empty
    m = match_companies(a, b)
    assert 0.0 <= m.score <= 1.0
    assert m.score == match_companies(b, a).score
    index = BlockingIndex()
    index.add("a", a)
    assert "a" in index.candidates(a)
    index.candidates(b)
    assert index.remove("a")
