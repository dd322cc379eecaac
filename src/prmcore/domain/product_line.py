"""Product lines: what partners are authorised to sell and what registrations claim.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import attrs

from prmcore._checks import Checks, Validated
from prmcore.domain.ids import ProductLineId

__all__ = ["ProductLine"]


@attrs.frozen
class ProductLine(Validated):
    """A product line of the vendor (``"network-security"``).

    Args:
        id: A stable id; partners, leads and registrations refer to it.
        name: Display name.
        description: Optional longer text.
        active: False once retired: kept for history, not offered any more.
        version: Set by the repository.

    .. versionadded:: 0.1.0
    """

    id: ProductLineId
    name: str
    description: str | None = None
    active: bool = True
    version: int = 0

    def _validate(self, c: Checks) -> None:
        c.identifier("id", self.id)
        c.text("name", self.name, max_length=200)
        c.optional_text("description", self.description, max_length=5000)
        c.instance("active", self.active, bool)
        c.integer("version", self.version, minimum=0)
