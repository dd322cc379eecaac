"""Territory models as dicts and JSON: a stable shape that round-trips, loaded with every
problem listed by path.

::

    {"id": "emea", "version": 3, "status": "draft",
     "policy": {"kind": "most_specific"},
     "territories": [
        {"id": "de", "name": "Germany",
         "include": {"field": "location.country", "op": "eq", "value": "DE"},
         "members": [{"partner_id": "p-1", "weight": "2"}]},
        {"id": "de-south", "name": "Southern Germany", "parent_id": "de",
         "include": {"field": "location.postal_code", "op": "starts_with", "value": ["8", "9"]},
         "exclude": {"field": "industry", "op": "eq", "value": "government"}},
        {"id": "fallback", "name": "Everything else", "catch_all": true}
     ]}

Rules are checked against a schema (default :data:`~prmcore.rules.LEAD_SCHEMA`), so a misspelt
field is reported (``territories[1].include.field``) rather than silently never matching.
Nothing in the data is evaluated as code.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from prmcore._checks import Checks
from prmcore.errors import ValidationError
from prmcore.lead_routing.geo import GeoCircle
from prmcore.lead_routing.territory import (
    PoolMember,
    ResolutionPolicy,
    Territory,
    TerritoryModel,
)
from prmcore.rules import LEAD_SCHEMA, Schema, condition_from_dict, condition_to_dict

__all__ = [
    "territory_model_from_dict",
    "territory_model_from_json",
    "territory_model_to_dict",
    "territory_model_to_json",
]

_MODEL_KEYS: Final = ("id", "version", "status", "policy", "description", "territories")
_TERRITORY_KEYS: Final = (
    "id",
    "name",
    "include",
    "exclude",
    "near",
    "named_accounts",
    "named_domains",
    "catch_all",
    "parent_id",
    "priority",
    "effective_from",
    "effective_to",
    "members",
    "strategy",
)
_MEMBER_KEYS: Final = ("partner_id", "weight", "quota")
_NEAR_KEYS: Final = ("latitude", "longitude", "radius_km")
_POLICY_KEYS: Final = ("kind", "winners")


def _number(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def territory_model_to_dict(model: TerritoryModel) -> dict[str, Any]:
    """The dict form of *model*: JSON-ready; :func:`territory_model_from_dict` of it equals
    *model*.

    .. versionadded:: 0.1.0
    """
    return {
        "id": model.id,
        "version": model.version,
        "status": model.status.value,
        "policy": {"kind": model.policy.kind.value, "winners": model.policy.winners},
        "description": model.description,
        "territories": [_territory_to_dict(t) for t in model.territories],
    }


def _territory_to_dict(t: Territory) -> dict[str, Any]:
    out: dict[str, Any] = {"id": t.id, "name": t.name}
    if t.include is not None:
        out["include"] = condition_to_dict(t.include)
    if t.exclude is not None:
        out["exclude"] = condition_to_dict(t.exclude)
    if t.near is not None:
        out["near"] = {
            "latitude": t.near.latitude,
            "longitude": t.near.longitude,
            "radius_km": t.near.radius_km,
        }
    if t.named_accounts:
        out["named_accounts"] = sorted(t.named_accounts)
    if t.named_domains:
        out["named_domains"] = sorted(t.named_domains)
    if t.catch_all:
        out["catch_all"] = True
    if t.parent_id is not None:
        out["parent_id"] = t.parent_id
    if t.priority:
        out["priority"] = t.priority
    if t.effective_from is not None:
        out["effective_from"] = t.effective_from.isoformat()
    if t.effective_to is not None:
        out["effective_to"] = t.effective_to.isoformat()
    if t.members:
        out["members"] = [
            {
                "partner_id": m.partner_id,
                **({"weight": _number(m.weight)} if m.weight is not None else {}),
                **({"quota": _number(m.quota)} if m.quota is not None else {}),
            }
            for m in t.members
        ]
    if t.strategy is not None:
        out["strategy"] = t.strategy
    return out


def territory_model_to_json(model: TerritoryModel, *, indent: int | None = None) -> str:
    """*model* as JSON text (see :func:`territory_model_to_dict`).

    .. versionadded:: 0.1.0
    """
    return json.dumps(territory_model_to_dict(model), indent=indent, ensure_ascii=False)


def _object(
    c: Checks, path: str, data: object, keys: tuple[str, ...], required: tuple[str, ...] = ()
) -> Mapping[str, Any] | None:
    """The known keys of an object; unknown and missing keys are reported."""
    if not isinstance(data, Mapping):
        c.add(path, f"must be an object, got {type(data).__name__} {data!r}")
        return None
    for key in sorted(set(data) - set(keys), key=str):
        c.add(_join(path, str(key)), f"unknown key; known: {', '.join(keys)}")
    for key in required:
        if key not in data:
            c.add(_join(path, key), "required key is missing")
    return {k: v for k, v in data.items() if k in keys}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _date(c: Checks, path: str, value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    c.add(path, f"must be a date 'YYYY-MM-DD', got {value!r}")
    return None


def _build(c: Checks, path: str, make: Callable[[], Any]) -> Any:
    result = None
    with c.nested(path):
        result = make()
    return result


def territory_model_from_dict(
    data: object, *, schema: Schema | None = LEAD_SCHEMA
) -> TerritoryModel:
    """Build a territory model from its dict form, checking everything.

    Args:
        data: The dict form (as from ``json.loads``).
        schema: The schema rules are checked against (``None``: check rules without one).

    Raises:
        ValidationError: Listing every problem with its path (``territories[2].include.op``,
            ``territories[0].members[1].weight``, ``territories[3].parent_id``).
        TypeError: A weight or quota is a Python ``float``.

    .. versionadded:: 0.1.0
    """
    c = Checks()
    top = _object(c, "", data, _MODEL_KEYS, ("id", "version"))
    if top is None:
        c.done()
    assert top is not None
    policy: Any = ResolutionPolicy()
    if "policy" in top:
        size = len(c.problems)
        raw = _object(c, "policy", top["policy"], _POLICY_KEYS)
        if raw is not None and len(c.problems) == size:
            policy = _build(c, "policy", lambda: ResolutionPolicy(**raw))
    territories: list[Territory | None] = []
    raw_territories = top.get("territories")
    if not isinstance(raw_territories, list):
        c.add("territories", f"must be a list of territories, got {raw_territories!r}")
    else:
        for index, item in enumerate(raw_territories):
            territories.append(_territory(c, f"territories[{index}]", item, schema))
    c.done()
    assert all(t is not None for t in territories)
    with c.nested(""):
        model = TerritoryModel(
            id=top["id"],
            version=top["version"],
            territories=tuple(t for t in territories if t is not None),
            policy=policy,
            status=top.get("status", "draft"),
            description=top.get("description"),
        )
    c.done()
    return model


def _condition_maker(data: object, schema: Schema | None) -> Callable[[], Any]:
    return lambda: condition_from_dict(data, schema=schema)


def _member_maker(data: Mapping[str, Any]) -> Callable[[], Any]:
    return lambda: PoolMember(**data)


def _territory(c: Checks, path: str, data: object, schema: Schema | None) -> Territory | None:
    before = len(c.problems)
    raw = _object(c, path, data, _TERRITORY_KEYS, ("id", "name"))
    if raw is None:
        return None
    values: dict[str, Any] = {
        k: raw[k] for k in ("id", "name", "parent_id", "strategy") if k in raw
    }
    for key in ("include", "exclude"):
        if raw.get(key) is not None:
            values[key] = _build(c, _join(path, key), _condition_maker(raw[key], schema))
    if raw.get("near") is not None:
        size = len(c.problems)
        near = _object(c, _join(path, "near"), raw["near"], _NEAR_KEYS, _NEAR_KEYS)
        if near is not None and len(c.problems) == size:
            values["near"] = _build(c, _join(path, "near"), lambda: GeoCircle(**near))
    for key in ("named_accounts", "named_domains"):
        if key in raw:
            if isinstance(raw[key], list):
                values[key] = (
                    frozenset(raw[key]) if all(isinstance(v, str) for v in raw[key]) else raw[key]
                )
            else:
                c.add(_join(path, key), f"must be a list of strings, got {raw[key]!r}")
    for key in ("catch_all", "priority"):
        if key in raw:
            values[key] = raw[key]
    for key in ("effective_from", "effective_to"):
        if key in raw:
            values[key] = _date(c, _join(path, key), raw[key])
    if "members" in raw:
        members = raw["members"]
        if not isinstance(members, list):
            c.add(_join(path, "members"), f"must be a list, got {members!r}")
        else:
            built = []
            for i, item in enumerate(members):
                where = f"{path}.members[{i}]"
                size = len(c.problems)
                member = _object(c, where, item, _MEMBER_KEYS, ("partner_id",))
                if member is not None and len(c.problems) == size:
                    built.append(_build(c, where, _member_maker(member)))
            values["members"] = tuple(built)
    if len(c.problems) > before:
        return None
    result: Territory | None = _build(c, path, lambda: Territory(**values))
    return result


def territory_model_from_json(
    text: str | bytes, *, schema: Schema | None = LEAD_SCHEMA
) -> TerritoryModel:
    """Parse JSON and build a territory model (see :func:`territory_model_from_dict`);
    numbers with a fraction are read as ``Decimal``.

    Raises:
        ValidationError: The text is not JSON, or any problem of the model.

    .. versionadded:: 0.1.0
    """
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise ValidationError(f"not valid JSON: {exc}") from None
    return territory_model_from_dict(data, schema=schema)
