"""One coordinate validator (坐标校验) for every door coordinates come in by: the case writer, the intake, the feed
parsers (OwnTracks JSON, OsmAnd query strings), Open311 POSTs and the position ingest.

``lonlat_wgs84`` gives finite WGS-84 degrees in range (optionally inside a box) or raises :class:`CoordinateError`,
a ``ValidationError`` with a zh + en message; each channel wraps it in its own error shape (dead-letter reason,
Open311 400). JSON channels pass ``allow_text=False`` — a coordinate sent as a string or a boolean is a wrong type
there — while form and query channels (Open311, OsmAnd, the CLI) send text and pass ``allow_text=True``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Literal

from console.errors import ValidationError

Axis = Literal["lon", "lat"]
RANGES: dict[Axis, tuple[float, float]] = {"lon": (-180.0, 180.0), "lat": (-90.0, 90.0)}
AXIS_ZH: dict[Axis, str] = {"lon": "经度", "lat": "纬度"}
BBox = tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max (WGS-84 degrees)


class CoordinateError(ValidationError):
    """A coordinate that cannot be used; ``field`` names it as the caller called it (``lat``, ``long``...)."""

    def __init__(self, message_zh: str, message_en: str, field: str) -> None:
        super().__init__(message_zh, message_en)
        self.field = field


def coordinate(value: Any, axis: Axis, *, name: str | None = None, allow_text: bool = False) -> float:
    """One longitude or latitude in degrees: a finite number in its range."""
    lo, hi = RANGES[axis]
    kind = type(value)
    if (kind is float or kind is int) and lo <= value <= hi:  # the common case, fast (NaN fails the comparison)
        return float(value)
    field = name or axis
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CoordinateError(f"缺少{AXIS_ZH[axis]} {field}", f"missing field {field!r}", field)
    if isinstance(value, bool) or not (isinstance(value, numbers.Real) or (allow_text and isinstance(value, str))):
        raise CoordinateError(f"{AXIS_ZH[axis]} {field} 不是数字：{str(value)[:40]!r}",
                              f"field {field!r} is not a number: {str(value)[:40]!r}", field)
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise CoordinateError(f"{AXIS_ZH[axis]} {field} 不是数字：{str(value)[:40]!r}",
                              f"field {field!r} is not a number: {str(value)[:40]!r}", field) from None
    if not math.isfinite(number):
        raise CoordinateError(f"{AXIS_ZH[axis]} {field} 不是有限数：{str(value)[:40]}",
                              f"field {field!r} is not finite: {str(value)[:40]}", field)
    if not lo <= number <= hi:
        raise CoordinateError(f"{AXIS_ZH[axis]} {field} 超出范围 [{lo:g}, {hi:g}]：{str(value)[:40]}",
                              f"field {field!r} out of range [{lo:g}, {hi:g}]: {str(value)[:40]}", field)
    return number


def lonlat_wgs84(lon: Any, lat: Any, *, allow_text: bool = False, bbox: BBox | None = None,
                 names: tuple[str, str] = ("lon", "lat")) -> tuple[float, float]:
    """(lon, lat) as finite WGS-84 degrees in range, and inside ``bbox`` when one is given; else CoordinateError."""
    lon_f = coordinate(lon, "lon", name=names[0], allow_text=allow_text)
    lat_f = coordinate(lat, "lat", name=names[1], allow_text=allow_text)
    if bbox is not None and not (bbox[0] <= lon_f <= bbox[2] and bbox[1] <= lat_f <= bbox[3]):
        raise CoordinateError(f"坐标不在辖区范围内：{lon_f}, {lat_f}", f"coordinates outside the district: {lon_f}, {lat_f}",
                              f"{names[0]},{names[1]}")
    return lon_f, lat_f
