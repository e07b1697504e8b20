"""The one coordinate validator (console.geo.coords) and the four doors that use it give the same verdicts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from console.errors import ValidationError
from console.feeds.parsers import ParseError, parse_osmand, parse_owntracks
from console.feeds.positions import DISTRICT_BBOX_WGS84, FixRejected, PositionFix, validate_fix
from console.geo.coords import CoordinateError, coordinate, lonlat_wgs84
from console.services.writer import _finite_lonlat

BAD = [(None, "missing"), ("", "missing"), (True, "not a number"), ("abc", "not a number"), ([1], "not a number"),
       (math.nan, "not finite"), (math.inf, "not finite"), ("nan", "not finite"), ("1e999", "not finite"),
       (200.0, "out of range"), (-181, "out of range")]


@pytest.mark.parametrize(("value", "why"), BAD)
def test_bad_longitudes_are_refused_with_a_reason(value: object, why: str) -> None:
    with pytest.raises(CoordinateError) as info:
        coordinate(value, "lon", allow_text=True)
    assert why in info.value.message_en and info.value.message_zh and info.value.field == "lon"
    assert isinstance(info.value, ValidationError)


def test_good_values_and_types() -> None:
    assert lonlat_wgs84(121.4, 31.2) == (121.4, 31.2)
    assert lonlat_wgs84(np.float32(121.5), np.int64(31)) == (pytest.approx(121.5), 31.0)
    assert lonlat_wgs84(" 121.4", "31.2", allow_text=True) == (121.4, 31.2)
    with pytest.raises(CoordinateError, match="not a number"):
        lonlat_wgs84("121.4", "31.2")  # JSON channels: a string is the wrong type
    with pytest.raises(CoordinateError, match="outside the district"):
        lonlat_wgs84(121.0, 31.2, bbox=DISTRICT_BBOX_WGS84)
    with pytest.raises(CoordinateError, match="'lat' out of range"):
        lonlat_wgs84(121.4, 91)


@pytest.mark.parametrize(("lon", "lat"), [("nan", "31.2"), ("121.4", "91"), ("x", "31.2"), (None, "31.2")])
def test_every_door_refuses_the_same_coordinates(lon: str | None, lat: str) -> None:
    """Writer, OwnTracks, OsmAnd and the position ingest answer from the one validator (Open311: its 400 carries
    the same reason, tests/open311/test_open311_client.py)."""
    from datetime import UTC, datetime

    reason = ""
    try:
        lonlat_wgs84(lon, lat, allow_text=True)
    except CoordinateError as exc:
        reason = exc.message_en
    assert reason
    with pytest.raises(ValidationError, match="坐标无效"):
        _finite_lonlat(lon, lat)
    params = {"id": "dev-of00001", "lat": lat, "timestamp": "1764400000"} | ({"lon": lon} if lon else {})
    with pytest.raises(ParseError) as parse:
        parse_osmand(params)
    assert parse.value.reason == reason
    with pytest.raises(FixRejected):
        validate_fix(PositionFix("d", lon, lat, datetime.now(UTC)), datetime.now(UTC))  # type: ignore[arg-type]
    body = b'{"_type":"location","lon":%s,"lat":%s,"tst":1764400000}' % (
        (lon or "null").encode() if lon not in ("nan", "x") else b'"' + lon.encode() + b'"', lat.encode())
    with pytest.raises(ParseError):
        parse_owntracks("owntracks/u/dev-of00001", body)
