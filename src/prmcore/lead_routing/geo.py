"""Great-circle distance in kilometres, and a grid of latitude/longitude cells that finds the
circles a point may lie in without measuring against every circle.

Distances are always haversine kilometres on a sphere of the Earth's mean radius, never
degrees: one degree of longitude is 111 km at the equator and 0 km at the poles.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Final

import attrs

from prmcore._checks import Checks, Validated
from prmcore.errors import ValidationError

__all__ = ["EARTH_RADIUS_KM", "GeoCircle", "GeoGrid", "haversine_km"]

EARTH_RADIUS_KM: Final = 6371.0088
"""The Earth's mean radius (IUGG), in kilometres.

.. versionadded:: 0.1.0
"""

_KM_PER_DEGREE: Final = math.pi * EARTH_RADIUS_KM / 180.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points given in degrees, in kilometres.

    Examples:
        >>> round(haversine_km(48.14, 11.58, 52.52, 13.39))  # München to Berlin
        504

    .. versionadded:: 0.1.0
    """
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _to_float(value: object) -> object:
    # Coordinates and radii are measurements: ints and Decimals (as JSON loads them) widen.
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return float(value)
    return value


@attrs.frozen
class GeoCircle(Validated):
    """Everything within *radius_km* great-circle kilometres of a centre point.

    Args:
        latitude: Centre, degrees in [-90, 90].
        longitude: Centre, degrees in [-180, 180].
        radius_km: Radius in kilometres, above 0 and at most 20,037.5 (half the circumference).

    Raises:
        ValidationError: Listing every bad field.

    Examples:
        >>> GeoCircle(48.14, 11.58, 50).contains(48.0, 11.6)
        True

    .. versionadded:: 0.1.0
    """

    latitude: float = attrs.field(converter=_to_float)
    longitude: float = attrs.field(converter=_to_float)
    radius_km: float = attrs.field(converter=_to_float)

    def _validate(self, c: Checks) -> None:
        for name, bound in (("latitude", 90.0), ("longitude", 180.0)):
            value = getattr(self, name)
            if c.instance(name, value, float):
                c.require(
                    math.isfinite(value) and -bound <= value <= bound,
                    name,
                    f"must be between {-bound:g} and {bound:g} degrees, got {value!r}",
                )
        if c.instance("radius_km", self.radius_km, float):
            c.require(
                math.isfinite(self.radius_km) and 0 < self.radius_km <= 20037.5,
                "radius_km",
                f"must be above 0 and at most 20037.5 km, got {self.radius_km!r}",
            )

    def distance_km(self, latitude: float, longitude: float) -> float:
        """The great-circle distance from the centre to a point, in kilometres."""
        return haversine_km(self.latitude, self.longitude, latitude, longitude)

    def contains(self, latitude: float, longitude: float) -> bool:
        """Whether the point is within the radius (the boundary included)."""
        return self.distance_km(latitude, longitude) <= self.radius_km

    def cells(self, size: float) -> Iterable[tuple[int, int]]:
        """The grid cells of *size* degrees that the circle's bounding box touches."""
        dlat = self.radius_km / _KM_PER_DEGREE
        lat_lo = max(-90.0, self.latitude - dlat)
        lat_hi = min(90.0, self.latitude + dlat)
        widest = max(abs(lat_lo), abs(lat_hi))
        cos = math.cos(math.radians(widest))
        if lat_lo <= -90.0 or lat_hi >= 90.0 or cos <= 1e-9:
            dlon = 360.0
        else:
            dlon = min(360.0, self.radius_km / (_KM_PER_DEGREE * cos))
        columns = _column_count(size)
        rows = range(_row(lat_lo, size), _row(lat_hi, size) + 1)
        if dlon >= 180.0:
            cols: Iterable[int] = range(columns)
        else:
            first = _column(self.longitude - dlon, size)
            count = min(columns, _column(self.longitude + dlon, size) - first + 1)
            if count <= 0:
                count += columns
            cols = [(first + i) % columns for i in range(count)]
        col_list = list(cols)
        for row in rows:
            for col in col_list:
                yield row, col


def _row(latitude: float, size: float) -> int:
    return math.floor((latitude + 90.0) / size)


def _column_count(size: float) -> int:
    return math.ceil(360.0 / size)


def _column(longitude: float, size: float) -> int:
    # Longitudes wrap: -181 is 179; columns count from -180.
    return math.floor((longitude + 180.0) / size) % _column_count(size)


class GeoGrid:
    """Circles registered in the latitude/longitude cells their bounding boxes touch, so that
    :meth:`near` returns the few circles that may contain a point (a superset: check each with
    :meth:`GeoCircle.contains`).

    Args:
        size: Cell size in degrees (default 1).

    Raises:
        ValidationError: *size* is not in (0, 90].

    Examples:
        >>> grid = GeoGrid()
        >>> grid.add(7, GeoCircle(48.14, 11.58, 30))
        >>> grid.near(48.2, 11.5)
        [7]
        >>> grid.near(52.5, 13.4)
        []

    .. versionadded:: 0.1.0
    """

    def __init__(self, size: float = 1.0) -> None:
        if isinstance(size, bool) or not isinstance(size, int | float) or not 0 < size <= 90:
            raise ValidationError(f"must be a number of degrees in (0, 90], got {size!r}", "size")
        self._size = float(size)
        self._cells: dict[tuple[int, int], list[int]] = {}

    def add(self, key: int, circle: GeoCircle) -> None:
        """Register *circle* under *key*."""
        for cell in circle.cells(self._size):
            self._cells.setdefault(cell, []).append(key)

    def near(self, latitude: float, longitude: float) -> list[int]:
        """The keys of the circles whose cells include the point, in registration order."""
        size = self._size
        return list(self._cells.get((_row(latitude, size), _column(longitude, size)), ()))

    def __len__(self) -> int:
        return len(self._cells)
