"""Resolution policies pick what sorting by their keys picks, on random matches."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from prmcore.lead_routing import MatchKind, ResolutionPolicy, TerritoryMatch, resolve

matches = st.lists(
    st.builds(
        TerritoryMatch,
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(list(MatchKind)),
        st.integers(0, 2),
        st.integers(0, 3),
        st.integers(0, 2),
        st.integers(0, 4),
    ),
    max_size=6,
)
policies = st.sampled_from(
    [
        ResolutionPolicy("first_match"),
        ResolutionPolicy("most_specific"),
        ResolutionPolicy("rank", winners=1),
        ResolutionPolicy("rank", winners=2),
        ResolutionPolicy("rank", winners=5),
    ]
)


def reference(found: list[TerritoryMatch], policy: ResolutionPolicy) -> list[TerritoryMatch]:
    """Named-account matches when there are any, sorted by the policy's key (a stable sort:
    the first of equals stays first)."""
    named = [m for m in found if m.kind is MatchKind.NAMED_ACCOUNT]
    pool = named or found
    if policy.kind == "first_match":
        return sorted(pool, key=lambda m: (m.priority, m.order))[:1]
    ranked = sorted(pool, key=lambda m: (-m.depth, -m.specificity, m.priority, m.order))
    return ranked[: policy.winners]


@given(matches, policies)
def test_resolve_equals_sorting_by_the_policy_key(
    found: list[TerritoryMatch], policy: ResolutionPolicy
) -> None:
    got = resolve(found, policy)
    want = reference(found, policy)
    assert got == want
    # The very objects, so equal matches are told apart by position.
    assert [id(m) for m in got] == [id(m) for m in want]
