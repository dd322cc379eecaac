"""Product lines."""

from __future__ import annotations

import attrs
import pytest

from prmcore.domain import ProductLine
from prmcore.errors import ValidationError


def problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


def test_product_line_defaults_to_active() -> None:
    line = ProductLine(id="network-security", name="Network Security")
    assert line.active is True
    assert (line.description, line.version) == (None, 0)


def test_retiring_a_product_line() -> None:
    line = ProductLine(id="fw", name="Firewalls", description="Next-generation firewalls")
    retired = attrs.evolve(line, active=False)
    assert retired.active is False
    assert retired.id == line.id


def test_length_limits() -> None:
    line = ProductLine(id="fw", name="n" * 200, description="d" * 5000)
    assert len(line.description or "") == 5000
    with pytest.raises(ValidationError) as excinfo:
        ProductLine(id="fw", name="n" * 201, description="d" * 5001)
    assert problems(excinfo) == {
        "name": "must be at most 200 characters, got 201",
        "description": "must be at most 5000 characters, got 5001",
    }


def test_product_line_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as excinfo:
        ProductLine(
            id="fw/../../etc passwd",  # type: ignore[arg-type]
            name="",
            description=" ",
            active=1,  # type: ignore[arg-type]
            version=-1,
        )
    assert problems(excinfo) == {
        "id": "must be an id of 1-128 letters, digits or ._:@/+- (starting with a letter or "
        "digit), got 'fw/../../etc passwd'",
        "name": "must not be empty",
        "description": "must not be empty",
        "active": "must be bool, got int 1",
        "version": "must be at least 0, got -1",
    }
