"""Pure parsers of the wire formats (OwnTracks, Frigate, the sensor topic scheme, OsmAnd): bytes in, typed items out.

Every malformed input raises ``ParseError`` with a reason for the dead letters; nothing here touches the database,
so hypothesis can fuzz these functions directly. JSON is parsed strictly: NaN/Infinity literals, numbers that
overflow to infinity, integers too long for Python, non-object documents and payloads over 64 KiB are refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from console.feeds.positions import PositionFix
from console.geo.coords import CoordinateError, lonlat_wgs84

MAX_PAYLOAD_BYTES = 64 * 1024
EPOCH_MIN_S = 946_684_800.0  # 2000-01-01
EPOCH_MAX_S = 4_102_444_800.0  # 2100-01-01
KNOTS_TO_KMH = 1.852
_ID_RE = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
OWNTRACKS_IGNORED_TYPES = {"lwt", "card", "status", "waypoint", "waypoints", "cmd", "steps", "beacon", "configuration"}
FRIGATE_TYPES = {"new", "update", "end"}


class ParseError(Exception):
    """Input that cannot be used; ``reason`` goes to the dead letter."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:500]


def loads_object(payload: bytes | str) -> dict[str, Any]:
    """Strict JSON object from a payload, else ParseError.

    orjson is strict by itself (no NaN/Infinity literals, numbers overflowing a double refused, invalid UTF-8 and
    lone surrogates refused, nesting capped) and several times faster than ``json`` with hooks — it sits on the
    position ingest's hot path. Integers too long for 64 bits come back as floats; range checks catch them.
    """
    size = len(payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else payload)
    if size > MAX_PAYLOAD_BYTES:
        raise ParseError(f"payload too large ({size} bytes)")
    try:
        data = orjson.loads(payload)
    except (orjson.JSONDecodeError, UnicodeError, ValueError, RecursionError) as exc:
        raise ParseError(f"invalid JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise ParseError(f"expected a JSON object, got {type(data).__name__}")
    return data


def number(data: dict[str, Any], key: str, *, required: bool = True, lo: float = -math.inf,
           hi: float = math.inf) -> float | None:
    """A finite number in [lo, hi] (bools and strings are wrong types)."""
    value = data.get(key)
    if value is None:
        if required:
            raise ParseError(f"missing field {key!r}")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParseError(f"field {key!r} is not a number: {str(value)[:40]!r}")
    try:
        result = float(value)
    except OverflowError:
        raise ParseError(f"field {key!r} is too large") from None
    if not math.isfinite(result) or not lo <= result <= hi:
        raise ParseError(f"field {key!r} out of range [{lo}, {hi}]: {str(value)[:40]}")
    return result


def lonlat(lon: Any, lat: Any, *, allow_text: bool = False) -> tuple[float, float]:
    """WGS-84 (lon, lat) through the one validator (console.geo.coords); its English reason on failure."""
    try:
        return lonlat_wgs84(lon, lat, allow_text=allow_text)
    except CoordinateError as exc:
        raise ParseError(exc.message_en) from None


def text_field(data: dict[str, Any], key: str, *, required: bool = True, max_len: int = 128) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ParseError(f"missing field {key!r}")
        return None
    if not isinstance(value, str) or not value or len(value) > max_len or "\x00" in value:
        raise ParseError(f"field {key!r} is not a string of 1–{max_len} characters")
    return value


def epoch_utc(data: dict[str, Any], key: str, *, required: bool = True) -> datetime | None:
    seconds = number(data, key, required=required, lo=EPOCH_MIN_S, hi=EPOCH_MAX_S)
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def topic_id(part: str, what: str) -> str:
    if not _ID_RE.fullmatch(part):
        raise ParseError(f"bad {what} in topic: {part[:70]!r}")
    return part


# ---------------------------------------------------------------------------------------------- OwnTracks
@dataclass(frozen=True)
class OwnTracksLocation:
    user: str
    device: str
    tid: str | None
    fix: PositionFix


@dataclass(frozen=True)
class OwnTracksTransition:
    user: str
    device: str
    tid: str | None
    event: str  # enter | leave
    region: str
    ts_utc: datetime
    lon: float | None
    lat: float | None


@dataclass(frozen=True)
class Ignored:
    reason: str


_OWNTRACKS_TOPICS: dict[str, tuple[str, str]] = {}


def owntracks_topic_parts(topic: str) -> tuple[str, str]:
    """(user, device) of ``owntracks/<user>/<device>``, else ParseError; valid topics are remembered (a few hundred
    trackers publish on the same topics all day, this sits on the hot path)."""
    known = _OWNTRACKS_TOPICS.get(topic)
    if known is not None:
        return known
    parts = topic.split("/")
    if len(parts) != 3 or parts[0] != "owntracks":
        raise ParseError(f"unexpected OwnTracks topic {topic[:100]!r}")
    result = topic_id(parts[1], "user"), topic_id(parts[2], "device")
    if len(_OWNTRACKS_TOPICS) > 20_000:
        _OWNTRACKS_TOPICS.clear()
    _OWNTRACKS_TOPICS[topic] = result
    return result


def parse_owntracks(topic: str, payload: bytes | str) -> OwnTracksLocation | OwnTracksTransition | Ignored:
    """``owntracks/<user>/<device>`` messages: location → a fix, transition → an event, housekeeping ignored."""
    user, device = owntracks_topic_parts(topic)
    data = loads_object(payload)
    kind = data.get("_type")
    tid = text_field(data, "tid", required=False, max_len=8)
    if kind == "location":
        lon, lat = lonlat(data.get("lon"), data.get("lat"))
        ts = epoch_utc(data, "tst")
        assert ts is not None
        fix = PositionFix(device_id=f"{user}/{device}", lon=lon, lat=lat, ts_utc=ts,
                          accuracy_m=number(data, "acc", required=False, lo=0, hi=100_000),
                          speed_kmh=number(data, "vel", required=False, lo=0, hi=1_000),
                          heading_deg=number(data, "cog", required=False, lo=-360, hi=720),
                          source="owntracks")
        return OwnTracksLocation(user, device, tid, fix)
    if kind == "transition":
        event = data.get("event")
        if not isinstance(event, str) or event not in ("enter", "leave"):
            raise ParseError(f"transition event must be enter/leave, got {str(event)[:20]!r}")
        region = text_field(data, "desc", max_len=64)
        ts = epoch_utc(data, "tst")
        assert region is not None and ts is not None
        where: tuple[float | None, float | None] = (None, None)
        if data.get("lon") is not None or data.get("lat") is not None:
            where = lonlat(data.get("lon"), data.get("lat"))
        return OwnTracksTransition(user, device, tid, str(event), region, ts, where[0], where[1])
    if isinstance(kind, str) and kind in OWNTRACKS_IGNORED_TYPES:
        return Ignored(f"owntracks {kind}")
    raise ParseError(f"unsupported OwnTracks _type {str(kind)[:30]!r}")


# ---------------------------------------------------------------------------------------------- Frigate
@dataclass(frozen=True)
class FrigateEvent:
    """One ``frigate/events`` message reduced to its ``after`` object (the current state of the event)."""

    type: str
    id: str
    camera: str
    label: str
    sub_label: str | None
    score: float | None
    top_score: float | None
    start_time_utc: datetime | None
    end_time_utc: datetime | None
    zones: tuple[str, ...]
    has_clip: bool
    has_snapshot: bool
    plate: str | None
    plate_score: float | None
    raw: dict[str, Any]


def _sub_label(value: Any) -> str | None:
    """Frigate sends sub_label as null, a string, or [name, score]."""
    if value is None:
        return None
    if isinstance(value, list) and value and isinstance(value[0], str):
        value = value[0]
    if not isinstance(value, str) or len(value) > 64:
        raise ParseError("sub_label is neither a string nor [string, score]")
    return value or None


def _zones(obj: dict[str, Any]) -> tuple[str, ...]:
    zones: list[str] = []
    for key in ("entered_zones", "current_zones"):
        value = obj.get(key) or []
        if not isinstance(value, list) or not all(isinstance(z, str) and 0 < len(z) <= 64 for z in value):
            raise ParseError(f"{key} must be a list of zone names")
        zones.extend(z for z in value if z not in zones)
    return tuple(zones[:32])


def _flag(obj: dict[str, Any], key: str) -> bool:
    value = obj.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ParseError(f"{key} must be true/false")
    return value


def parse_frigate(payload: bytes | str) -> FrigateEvent:
    """A Frigate event message; ``after`` carries the state (``before`` is ignored)."""
    data = loads_object(payload)
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in FRIGATE_TYPES:
        raise ParseError(f"Frigate type must be new/update/end, got {str(kind)[:20]!r}")
    after = data.get("after")
    if not isinstance(after, dict):
        raise ParseError("Frigate message without an 'after' object")
    event_id = text_field(after, "id", max_len=64)
    camera = text_field(after, "camera", max_len=64)
    label = text_field(after, "label", max_len=48)
    assert event_id is not None and camera is not None and label is not None
    plate = after.get("recognized_license_plate")
    if plate is not None and (not isinstance(plate, str) or len(plate) > 32):
        raise ParseError("recognized_license_plate must be a short string")
    return FrigateEvent(
        type=str(kind), id=topic_id(event_id, "event id"), camera=topic_id(camera, "camera"), label=label,
        sub_label=_sub_label(after.get("sub_label")),
        score=number(after, "score", required=False, lo=0, hi=1),
        top_score=number(after, "top_score", required=False, lo=0, hi=1),
        start_time_utc=epoch_utc(after, "start_time", required=False),
        end_time_utc=epoch_utc(after, "end_time", required=False),
        zones=_zones(after), has_clip=_flag(after, "has_clip"), has_snapshot=_flag(after, "has_snapshot"),
        plate=plate or None,
        plate_score=number(after, "recognized_license_plate_score", required=False, lo=0, hi=1),
        raw=data,
    )


# ---------------------------------------------------------------------------------------------- sensors
@dataclass(frozen=True)
class SensorReading:
    sensor_id: str
    kind: str
    ts_utc: datetime
    value: float


def parse_sensor(topic: str, payload: bytes | str) -> SensorReading:
    """``urbanops/sensors/<sensor_id>/reading`` with JSON {"ts": epoch s, "value": number, "kind": str}."""
    parts = topic.split("/")
    if len(parts) != 4 or parts[:2] != ["urbanops", "sensors"] or parts[3] != "reading":
        raise ParseError(f"unexpected sensor topic {topic[:100]!r}")
    sensor_id = topic_id(parts[2], "sensor id")
    data = loads_object(payload)
    kind = text_field(data, "kind", max_len=24)
    value = number(data, "value", lo=-1e9, hi=1e9)
    ts = epoch_utc(data, "ts")
    assert kind is not None and value is not None and ts is not None
    return SensorReading(sensor_id, kind, ts, value)


# ---------------------------------------------------------------------------------------------- OsmAnd (HTTP)
def parse_osmand(params: dict[str, str]) -> PositionFix:
    """Traccar's OsmAnd query parameters (id, lat, lon, timestamp in epoch s or ISO, speed in knots, bearing, accuracy)."""
    def num(key: str, required: bool, lo: float, hi: float) -> float | None:
        raw = params.get(key)
        if raw is None or raw == "":
            if required:
                raise ParseError(f"missing parameter {key!r}")
            return None
        try:
            value = float(raw)
        except ValueError:
            raise ParseError(f"parameter {key!r} is not a number: {raw[:40]!r}") from None
        if not math.isfinite(value) or not lo <= value <= hi:
            raise ParseError(f"parameter {key!r} out of range: {raw[:40]!r}")
        return value

    device = params.get("id") or params.get("deviceid")
    if not device:
        raise ParseError("missing parameter 'id'")
    topic_id(device, "device id")
    lon, lat = lonlat(params.get("lon"), params.get("lat"), allow_text=True)
    raw_ts = params.get("timestamp")
    if not raw_ts:
        raise ParseError("missing parameter 'timestamp'")
    ts = _osmand_time(raw_ts)
    speed_kn = num("speed", False, 0, 600)
    return PositionFix(device_id=device, lon=lon, lat=lat, ts_utc=ts,
                       accuracy_m=num("accuracy", False, 0, 100_000),
                       speed_kmh=None if speed_kn is None else speed_kn * KNOTS_TO_KMH,
                       heading_deg=num("bearing", False, 0, 360), source="osmand")


def _osmand_time(raw_ts: str) -> datetime:
    try:
        seconds = float(raw_ts)
    except ValueError:
        seconds = math.nan
    if not math.isnan(seconds):
        if not EPOCH_MIN_S <= seconds <= EPOCH_MAX_S:
            raise ParseError(f"timestamp out of range: {raw_ts[:40]!r}")
        return datetime.fromtimestamp(seconds, UTC)
    try:
        ts = datetime.fromisoformat(raw_ts.replace("Z", "+00:00"))
    except ValueError:
        raise ParseError(f"bad timestamp {raw_ts[:40]!r}") from None
    if ts.tzinfo is None:
        raise ParseError("timestamp without a time zone")
    return ts.astimezone(UTC)
