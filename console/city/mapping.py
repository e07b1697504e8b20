"""The platform → case field mapping, held as data (resources/city/mapping.yaml) so a bureau maps without code.

``load_mapping`` validates the file (a DataFileError names the bad key); ``map_ticket`` turns one platform work order
into a ``MappedTicket`` or raises ValidationError saying what is wrong with it (the caller dead-letters it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from console.domain.enums import SourceChannel
from console.domain.taxonomy import Taxonomy
from console.errors import DataFileError, ValidationError
from console.geo.gcj02 import gcj02_to_wgs84
from console.resources import resource_path
from console.storage.eventstore import as_utc

REQUIRED_FIELDS = ("ticket_id", "updated_at")
OUR_FIELDS = ("ticket_id", "updated_at", "channel", "category", "category_name", "description", "address", "lon",
              "lat", "district", "street", "reporter_name", "reporter_phone", "deadline", "status", "satisfaction",
              "satisfaction_note")
SATISFACTION_LEVELS = ("satisfied", "basically_satisfied", "dissatisfied")
MAX_TICKET_ID = 64


@dataclass(frozen=True)
class PlatformMapping:
    """Parsed mapping.yaml."""

    fields: dict[str, str]
    timezone: ZoneInfo
    coordinates: str = "wgs84"
    channels: dict[str, str] = field(default_factory=dict)
    default_channel: str = SourceChannel.CITY_PLATFORM.value
    district: str | None = None
    categories: dict[str, str] = field(default_factory=dict)
    streets: dict[str, str] = field(default_factory=dict)
    satisfaction: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MappedTicket:
    """One work order in our terms (times aware UTC, coordinates WGS-84, category a taxonomy code)."""

    ticket_id: str
    updated_utc: datetime
    channel: str
    category_code: str | None
    lon_wgs84: float | None
    lat_wgs84: float | None
    description: str | None
    address: str | None
    subdistrict_name: str | None
    reporter_name: str | None
    reporter_phone: str | None
    deadline_utc: datetime | None
    status: str | None
    satisfaction: str | None
    satisfaction_note: str | None


def _str_map(data: Any, where: str) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataFileError(f"映射文件：{where} 应为映射", f"mapping file: {where} must be a mapping")
    return {str(k): str(v) for k, v in data.items()}


def load_mapping(path: Path | None = None, taxonomy: Taxonomy | None = None) -> PlatformMapping:
    """Read and check a mapping file; unknown target channels/categories/levels are DataFileErrors."""
    path = path or resource_path("city", "mapping.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取平台字段映射 {path}：{exc}", f"cannot read platform mapping {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"{path}：应为 YAML 映射", f"{path}: must be a YAML mapping")
    fields = _str_map(data.get("fields"), "fields")
    for name in REQUIRED_FIELDS:
        if name not in fields:
            raise DataFileError(f"{path}：fields 缺少 {name}", f"{path}: fields lacks {name}")
    unknown = sorted(set(fields) - set(OUR_FIELDS))
    if unknown:
        raise DataFileError(f"{path}：未知字段 {unknown}", f"{path}: unknown fields {unknown}; known: {OUR_FIELDS}")
    try:
        tz = ZoneInfo(str(data.get("timezone", "Asia/Shanghai")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DataFileError(f"{path}：时区无效", f"{path}: invalid timezone: {exc}") from exc
    coordinates = str(data.get("coordinates", "wgs84")).lower()
    if coordinates not in ("wgs84", "gcj02"):
        raise DataFileError(f"{path}：coordinates 应为 wgs84 或 gcj02", f"{path}: coordinates must be wgs84 or gcj02")
    channels = _str_map(data.get("channels"), "channels")
    default_channel = str(data.get("default_channel", SourceChannel.CITY_PLATFORM.value))
    allowed = {SourceChannel.HOTLINE_12345.value, SourceChannel.CITY_PLATFORM.value}
    for code, target in [*channels.items(), ("default_channel", default_channel)]:
        if target not in allowed:
            raise DataFileError(f"{path}：渠道 {code} → {target} 无效", f"{path}: channel {code} → {target}; use {allowed}")
    categories = _str_map(data.get("categories"), "categories")
    if taxonomy is not None:
        for code, target in categories.items():
            if target not in taxonomy.categories:
                raise DataFileError(f"{path}：类别 {code} → {target} 不在分类表中",
                                    f"{path}: category {code} → {target} is not a taxonomy code")
    satisfaction = _str_map(data.get("satisfaction"), "satisfaction")
    for code, level in satisfaction.items():
        if level not in SATISFACTION_LEVELS:
            raise DataFileError(f"{path}：满意度 {code} → {level} 无效",
                                f"{path}: satisfaction {code} → {level}; use {SATISFACTION_LEVELS}")
    district = data.get("district")
    return PlatformMapping(fields, tz, coordinates, channels, default_channel,
                           str(district) if district else None, categories,
                           _str_map(data.get("streets"), "streets"), satisfaction)


def _get(raw: dict[str, Any], dotted: str | None) -> Any:
    if dotted is None:
        return None
    value: Any = raw
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_platform_time(value: Any, tz: ZoneInfo, what: str) -> datetime | None:
    """ISO 8601 (with or without zone) or 'YYYY-MM-DD HH:MM:SS' (zone-less read in ``tz``), or epoch milliseconds."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{what} 时间无效：{value!r}", f"invalid {what} time: {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValidationError(f"{what} 时间无效：{value!r}", f"invalid {what} time: {value!r}")
        return as_utc(datetime.fromtimestamp(value / 1000.0, tz))
    try:
        ts = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"{what} 时间无效：{value!r}", f"invalid {what} time: {value!r}") from None
    return as_utc(ts if ts.tzinfo is not None else ts.replace(tzinfo=tz))


def _coordinate(value: Any, what: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} 无效：{value!r}", f"invalid {what}: {value!r}") from None
    if not math.isfinite(number):
        raise ValidationError(f"{what} 无效：{value!r}", f"invalid {what}: {value!r}")
    return number


def map_ticket(raw: Any, mapping: PlatformMapping, taxonomy: Taxonomy) -> MappedTicket:
    """One platform work order in our terms; ValidationError (→ dead letter) when it cannot be used."""
    if not isinstance(raw, dict):
        raise ValidationError("工单不是 JSON 对象", f"work order is not a JSON object: {type(raw).__name__}")
    f = mapping.fields
    ticket_id = _text(_get(raw, f["ticket_id"]))
    if ticket_id is None or len(ticket_id) > MAX_TICKET_ID:
        raise ValidationError("工单缺少编号或编号过长", f"work order lacks {f['ticket_id']} or it is too long")
    updated = parse_platform_time(_get(raw, f["updated_at"]), mapping.timezone, "更新/update")
    if updated is None:
        raise ValidationError(f"工单 {ticket_id} 缺少更新时间", f"work order {ticket_id} lacks {f['updated_at']}")
    channel_code = _text(_get(raw, f.get("channel")))
    channel = mapping.channels.get(channel_code or "", mapping.default_channel)
    category_code = None
    code = _text(_get(raw, f.get("category")))
    if code is not None and code in mapping.categories:
        category_code = mapping.categories[code]
    else:
        name = _text(_get(raw, f.get("category_name")))
        for candidate in (code, name):
            if candidate and candidate in taxonomy.categories:
                category_code = candidate
                break
            if candidate:
                try:
                    category_code = taxonomy.find(candidate).code
                    break
                except ValidationError:
                    continue
    lon = _coordinate(_get(raw, f.get("lon")), "经度/longitude")
    lat = _coordinate(_get(raw, f.get("lat")), "纬度/latitude")
    if (lon is None) != (lat is None):
        raise ValidationError(f"工单 {ticket_id} 坐标不完整", f"work order {ticket_id} has only one coordinate")
    if lon is not None and lat is not None and mapping.coordinates == "gcj02":
        lon, lat = gcj02_to_wgs84(lon, lat)
    street = _text(_get(raw, f.get("street")))
    satisfaction_raw = _text(_get(raw, f.get("satisfaction")))
    satisfaction = None
    if satisfaction_raw is not None:
        satisfaction = mapping.satisfaction.get(satisfaction_raw)
        if satisfaction is None and satisfaction_raw in SATISFACTION_LEVELS:
            satisfaction = satisfaction_raw
    return MappedTicket(
        ticket_id=ticket_id, updated_utc=updated, channel=channel, category_code=category_code,
        lon_wgs84=lon, lat_wgs84=lat, description=_text(_get(raw, f.get("description"))),
        address=_text(_get(raw, f.get("address"))),
        subdistrict_name=mapping.streets.get(street, street) if street else None,
        reporter_name=_text(_get(raw, f.get("reporter_name"))),
        reporter_phone=_text(_get(raw, f.get("reporter_phone"))),
        deadline_utc=parse_platform_time(_get(raw, f.get("deadline")), mapping.timezone, "时限/deadline"),
        status=_text(_get(raw, f.get("status"))), satisfaction=satisfaction,
        satisfaction_note=_text(_get(raw, f.get("satisfaction_note"))),
    )


def district_of(raw: dict[str, Any], mapping: PlatformMapping) -> str | None:
    return _text(_get(raw, mapping.fields.get("district")))
