"""Muck-truck permits (渣土车 备案/准运) as typed values, validated from API JSON or an import row.

A permit names the plate, the company, the permit type (备案 registration or 准运 transport permit), its validity
(local calendar dates, inclusive), the allowed hours (local Asia/Shanghai windows, may wrap midnight; none = any
time) and where the truck may drive: corridor lines (WGS-84 lon/lat) with a buffer in metres and/or zone polygons.
No corridor and no zones means no route restriction. Every malformed field raises ``RecordError`` naming the field.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
PERMIT_TYPES = ("备案", "准运")
PERMIT_TYPE_ALIASES = {"registration": "备案", "record": "备案", "transport": "准运", "transport_permit": "准运"}
_PLATE_RE = re.compile(r"[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}")
_HOURS_RE = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")
MAX_POINTS = 2_000
MAX_BUFFER_M = 5_000.0
LonLat = tuple[float, float]


class RecordError(ValueError):
    """One field of one record is unusable (Chinese and English)."""

    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{field}: {message_en}")
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en


def normalise_plate(text: Any) -> str:
    """沪a 12345 / 沪A·12345 → 沪A12345; refuses what is not a Chinese plate."""
    if not isinstance(text, str):
        raise RecordError("plate", "车牌应为文本", "plate must be text")
    plate = re.sub(r"[\s·\-.]", "", text).upper()
    if not _PLATE_RE.fullmatch(plate):
        raise RecordError("plate", f"车牌格式无效：{text[:20]!r}", f"not a plate number: {text[:20]!r}")
    return plate


@dataclass(frozen=True)
class HourWindow:
    """Local time window [start, end); end before start wraps past midnight (22:00-05:00); 00:00-24:00 = all day."""

    start: time
    end: time

    def contains(self, t: time) -> bool:
        if self.start == self.end:  # 00:00-24:00: the whole day
            return True
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def text(self) -> str:
        if self.start == self.end:
            return "00:00-24:00"
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_hours(value: Any) -> tuple[HourWindow, ...]:
    """["22:00-05:00", …] or "22:00-05:00;09:30-11:00" → windows."""
    if value is None or value == "":
        return ()
    items = value.split(";") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or len(items) > 12:
        raise RecordError("allowed_hours", "允许时段应为 HH:MM-HH:MM 列表", "allowed_hours must be a list of HH:MM-HH:MM")
    out: list[HourWindow] = []
    for item in items:
        m = _HOURS_RE.fullmatch(str(item).strip()) if isinstance(item, str) else None
        if m is None:
            raise RecordError("allowed_hours", f"时段格式无效：{str(item)[:20]!r}", f"bad hour window {str(item)[:20]!r}")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise RecordError("allowed_hours", f"时段超出范围：{item}", f"hour window out of range: {item}")
        end = time(0, 0) if h2 == 24 else time(h2, m2)
        if h1 * 60 + m1 == h2 * 60 + m2 or (time(h1, m1) == end and h2 != 24):
            raise RecordError("allowed_hours", f"时段为空：{item}", f"empty hour window: {item}")
        out.append(HourWindow(time(h1, m1), end))
    return tuple(out)


def _date(value: Any, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise RecordError(field, f"{field} 日期无效：{str(value)[:20]!r}", f"{field} is not a date: {str(value)[:20]!r}") from None


def _text(raw: dict[str, Any], field: str, *, max_len: int = 128, required: bool = True) -> str:
    value = raw.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RecordError(field, f"缺少 {field}", f"missing {field}")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool) or len(str(value)) > max_len or "\x00" in str(value):
        raise RecordError(field, f"{field} 应为不超过 {max_len} 字的文本", f"{field} must be text of at most {max_len} characters")
    return str(value).strip()


def _point(value: Any, field: str) -> LonLat:
    if (not isinstance(value, list | tuple) or len(value) < 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value[:2])):
        raise RecordError(field, f"{field} 坐标应为 [经度, 纬度]", f"{field} coordinates must be [lon, lat]")
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise RecordError(field, f"{field} 坐标超出范围", f"{field} coordinates out of range")
    return lon, lat


def _coords(value: Any, field: str, *, min_points: int) -> tuple[LonLat, ...]:
    if not isinstance(value, list | tuple) or not min_points <= len(value) <= MAX_POINTS:
        raise RecordError(field, f"{field} 至少需要 {min_points} 个点", f"{field} needs {min_points}..{MAX_POINTS} points")
    return tuple(_point(p, field) for p in value)


def _geometries(value: Any, field: str, kind: str) -> tuple[tuple[LonLat, ...], ...]:
    """GeoJSON LineString/MultiLineString (corridor) or Polygon/MultiPolygon exterior rings (zones); WKT text too."""
    if value is None or value == "" or value == []:
        return ()
    if isinstance(value, str):
        value = _from_wkt(value, field)
    geoms = value if isinstance(value, list) else [value]
    out: list[tuple[LonLat, ...]] = []
    for g in geoms[:50]:
        if not isinstance(g, dict):
            raise RecordError(field, f"{field} 应为 GeoJSON 几何", f"{field} must be GeoJSON geometry")
        gtype, coords = g.get("type"), g.get("coordinates")
        if kind == "line" and gtype == "LineString":
            out.append(_coords(coords, field, min_points=2))
        elif kind == "line" and gtype == "MultiLineString" and isinstance(coords, list):
            out.extend(_coords(c, field, min_points=2) for c in coords[:50])
        elif kind == "polygon" and gtype == "Polygon" and isinstance(coords, list) and coords:
            out.append(_coords(coords[0], field, min_points=4))
        elif kind == "polygon" and gtype == "MultiPolygon" and isinstance(coords, list):
            out.extend(_coords(c[0] if isinstance(c, list) and c else c, field, min_points=4) for c in coords[:50])
        else:
            want = "LineString" if kind == "line" else "Polygon"
            raise RecordError(field, f"{field} 几何类型应为 {want}", f"{field} geometry must be a {want}")
    return tuple(out)


def _from_wkt(text: str, field: str) -> Any:
    """WKT (from a spreadsheet cell) or a JSON GeoJSON string → GeoJSON mapping(s)."""
    stripped = text.strip()
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            return json.loads(stripped)
        except ValueError:
            raise RecordError(field, f"{field} 不是有效的 GeoJSON", f"{field} is not valid GeoJSON") from None
    from shapely import wkt
    from shapely.errors import ShapelyError
    from shapely.geometry import mapping

    try:
        geom = wkt.loads(stripped)
    except (ShapelyError, ValueError, TypeError):
        raise RecordError(field, f"{field} 不是有效的 WKT", f"{field} is not valid WKT") from None
    return json.loads(json.dumps(mapping(geom)))  # tuples → lists


@dataclass(frozen=True)
class Permit:
    """One plate's permit (渣土车备案/准运证)."""

    plate: str
    company: str
    permit_type: str
    permit_no: str
    valid_from: date
    valid_to: date
    allowed_hours: tuple[HourWindow, ...] = ()
    corridor: tuple[tuple[LonLat, ...], ...] = ()
    corridor_buffer_m: float = 100.0
    zones: tuple[tuple[LonLat, ...], ...] = ()

    @property
    def route_restricted(self) -> bool:
        return bool(self.corridor or self.zones)

    def valid_on(self, ts_utc: datetime) -> bool:
        return self.valid_from <= ts_utc.astimezone(LOCAL_TZ).date() <= self.valid_to

    def hours_ok(self, ts_utc: datetime) -> bool:
        local = ts_utc.astimezone(LOCAL_TZ).time()
        return not self.allowed_hours or any(w.contains(local) for w in self.allowed_hours)

    def to_json(self) -> dict[str, Any]:
        """The API/record shape (docs/evidence.md); ``permit_from_json`` reads it back."""
        return {
            "plate": self.plate, "company": self.company, "permit_type": self.permit_type,
            "permit_no": self.permit_no, "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(), "allowed_hours": [w.text() for w in self.allowed_hours],
            "corridor": [{"type": "LineString", "coordinates": [list(p) for p in line]} for line in self.corridor],
            "corridor_buffer_m": self.corridor_buffer_m,
            "zones": [{"type": "Polygon", "coordinates": [[list(p) for p in ring]]} for ring in self.zones],
        }


def permit_from_json(raw: Any) -> Permit:
    """Validate one record (API item, stored record, or an import row mapped to the same keys)."""
    if not isinstance(raw, dict):
        raise RecordError("record", "记录应为对象", "record must be an object")
    plate = normalise_plate(raw.get("plate"))
    ptype_raw = _text(raw, "permit_type", max_len=16)
    ptype = PERMIT_TYPE_ALIASES.get(ptype_raw.lower(), ptype_raw)
    if ptype not in PERMIT_TYPES:
        raise RecordError("permit_type", f"证件类型应为 备案 或 准运，收到 {ptype_raw!r}",
                          f"permit_type must be 备案 or 准运, got {ptype_raw!r}")
    valid_from, valid_to = _date(raw.get("valid_from"), "valid_from"), _date(raw.get("valid_to"), "valid_to")
    if valid_to < valid_from:
        raise RecordError("valid_to", "有效期止早于起", "valid_to is before valid_from")
    buffer_raw = raw.get("corridor_buffer_m")
    try:
        buffer_m = 100.0 if buffer_raw in (None, "") else float(buffer_raw)
    except (TypeError, ValueError):
        raise RecordError("corridor_buffer_m", "路线缓冲距离应为数字", "corridor_buffer_m must be a number") from None
    if isinstance(buffer_raw, bool) or not (math.isfinite(buffer_m) and 0 < buffer_m <= MAX_BUFFER_M):
        raise RecordError("corridor_buffer_m", f"路线缓冲距离应在 0–{MAX_BUFFER_M:g} 米",
                          f"corridor_buffer_m must be in (0, {MAX_BUFFER_M:g}] metres")
    return Permit(plate=plate, company=_text(raw, "company"), permit_type=ptype,
                  permit_no=_text(raw, "permit_no", max_len=64), valid_from=valid_from, valid_to=valid_to,
                  allowed_hours=parse_hours(raw.get("allowed_hours")),
                  corridor=_geometries(raw.get("corridor"), "corridor", "line"), corridor_buffer_m=buffer_m,
                  zones=_geometries(raw.get("zones"), "zones", "polygon"))
