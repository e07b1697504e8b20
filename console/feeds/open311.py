"""Open311 GeoReport v2: resident complaints in, request status out, exactly in the spec's JSON and XML shapes.

The HTTP layer (console/feeds/http_gateway.py) only routes; everything a request means lives here so it can be tested
without sockets. Services are the taxonomy's resident-facing minor classes. A POST goes through IntakeService (which
merges duplicates across channels) and gets its own ``service_request_id`` and ``token``: the case id when it opened a
case, ``<case id>-<n>`` when it was merged into one as the n-th report. Status is only ``open``/``closed`` (closed and
voided cases are closed). All input is validated before anything is written; errors are Open311 error lists.
"""

from __future__ import annotations

import csv
import math
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from console.domain.enums import CaseStatus, Role, SourceChannel, parse_enum
from console.domain.sla import STEP_FOR_STATUS
from console.domain.taxonomy import Category
from console.errors import ConflictError, DomainError, ValidationError
from console.geo.coords import CoordinateError, lonlat_wgs84
from console.resources import resource_path
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.intake import IntakeService
from console.services.writer import Reporter
from console.storage.db import Database
from console.storage.eventstore import as_utc
from console.storage.models import AssetRow, CaseRow
from console.storage.models_open311 import Open311ApiKeyRow, Open311RequestRow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
JURISDICTION_ID = "changning.sh.cn"
AGENCY_RESPONSIBLE = "长宁区城市管理行政执法局"
MAX_DESCRIPTION = 4000
MAX_SHORT = 200
MAX_RESULTS = 1000
DEFAULT_RANGE = timedelta(days=90)
FORMATS = ("json", "xml")
ATTR_NOTE, ATTR_PHOTO, ATTR_WORKROOM = "note", "has_photo", "workroom_id"
OPEN_CLOSED = ("open", "closed")
_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,40}$")


class Open311Error(Exception):
    """An error response: HTTP status and the spec's list of {code, description}."""

    def __init__(self, status: int, description: str, code: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.errors = [{"code": code if code is not None else status, "description": description}]


def bad_request(description: str) -> Open311Error:
    return Open311Error(400, description)


# ---------------------------------------------------------------------------------------------- rendering
def _xml_value(parent: ET.Element, tag: str, value: Any) -> None:
    el = ET.SubElement(parent, tag)
    if isinstance(value, bool):
        el.text = "true" if value else "false"
    elif isinstance(value, list):
        child_tag = {"attributes": "attribute", "values": "value"}.get(tag, "item")
        for item in value:
            _xml_dict(ET.SubElement(el, child_tag), item)
    elif value is not None:
        el.text = str(value)


def _xml_dict(el: ET.Element, data: Mapping[str, Any]) -> None:
    for k, v in data.items():
        _xml_value(el, k, v)


XML_ROOTS = {"services": "service", "service_requests": "request", "errors": "error"}


def render(payload: list[dict[str, Any]] | dict[str, Any], fmt: str, root: str) -> bytes:
    """Spec-shaped body: JSON arrays/objects, or XML with ``root`` (services, service_requests, errors,
    service_definition) and one child element per item."""
    if fmt == "json":
        import json

        return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode()
    top = ET.Element(root)
    if isinstance(payload, dict):
        _xml_dict(top, payload)
    else:
        for item in payload:
            _xml_dict(ET.SubElement(top, XML_ROOTS[root]), item)
    body: bytes = ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def content_type(fmt: str) -> str:
    return "application/json; charset=utf-8" if fmt == "json" else "text/xml; charset=utf-8"


def iso_local(ts: datetime | str | None) -> str | None:
    """ISO 8601 with the +08:00 offset (the spec requires an offset or Z)."""
    if ts is None:
        return None
    if isinstance(ts, str):
        ts = as_utc(datetime.fromisoformat(ts.replace("Z", "+00:00")))
    return ts.astimezone(LOCAL_TZ).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------- input parsing
Params = Mapping[str, Sequence[str]]
API_KEY_TTL_S = 10.0


def one(params: Params, name: str, max_len: int = MAX_SHORT) -> str | None:
    """The single value of a parameter (stripped; empty → None); repeated or overlong values are a 400."""
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise bad_request(f"parameter {name} given more than once / 参数 {name} 重复")
    value = str(values[0]).strip()
    if "\x00" in value:
        raise bad_request(f"parameter {name} contains a NUL character / 参数 {name} 含非法字符")
    if len(value) > max_len:
        raise bad_request(f"parameter {name} longer than {max_len} characters / 参数 {name} 超过 {max_len} 字")
    return value or None


def parse_datetime(text: str, name: str) -> datetime:
    """ISO 8601 (``Z`` or offset; a bare date or naive time is taken as Asia/Shanghai)."""
    try:
        ts = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise bad_request(f"{name} is not an ISO 8601 date/time: {text[:40]!r} / {name} 日期格式错误") from None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=LOCAL_TZ)
    try:
        return ts.astimezone(UTC)
    except (OverflowError, ValueError):
        raise bad_request(f"{name} out of range / {name} 超出范围") from None


def attributes_of(params: Params) -> dict[str, str]:
    """``attribute[code]=value`` parameters (the last value of a repeated multivaluelist is kept joined by commas)."""
    attrs: dict[str, str] = {}
    for key, values in params.items():
        if key.startswith("attribute[") and key.endswith("]"):
            code = key[len("attribute["):-1]
            if not code or len(code) > 48:
                raise bad_request("bad attribute code / 属性代码无效")
            joined = ",".join(str(v).strip() for v in values)
            if "\x00" in joined or len(joined) > MAX_DESCRIPTION:
                raise bad_request(f"attribute {code} invalid or too long / 属性 {code} 无效或过长")
            attrs[code] = joined
    return attrs


# ---------------------------------------------------------------------------------------------- rate limit
class RateLimiter:
    """At most ``limit`` events per ``window_s`` per key (sliding window, in memory: one gateway process)."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] > self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle clients
                for k in [k for k, v in self._hits.items() if not v][:50_000]:
                    del self._hits[k]
            return True


# ---------------------------------------------------------------------------------------------- the API
@dataclass
class Open311Config:
    """Server settings; ``require_api_key`` False lets key-less POSTs in as channel ``other`` (closed networks)."""

    jurisdiction_id: str = JURISDICTION_ID
    require_api_key: bool = True
    anonymous_limit: int = 6  # workroom QR submissions per IP ...
    anonymous_window_s: float = 600.0  # ... per 10 minutes
    agency_responsible: str = AGENCY_RESPONSIBLE


@dataclass(frozen=True)
class Submission:
    """A validated POST, ready to write."""

    category: Category
    lon: float
    lat: float
    address: str | None
    description: str | None
    channel: str
    workroom_id: str | None
    api_key_name: str | None
    reporter: Reporter | None
    attachments: tuple[str, ...]
    note: str | None


@dataclass
class _Workroom:
    id: str
    name: str
    lon: float
    lat: float
    address: str | None


@dataclass
class Open311Api:
    """GeoReport v2 operations over the case store; one instance per server (thread-safe)."""

    ctx: ServiceContext
    config: Open311Config = field(default_factory=Open311Config)
    intake: IntakeService | None = None

    def __post_init__(self) -> None:
        if self.intake is None:
            self.intake = IntakeService.from_config(self.ctx)
        self.limiter = RateLimiter(self.config.anonymous_limit, self.config.anonymous_window_s)
        self._workrooms: dict[str, _Workroom] = {}
        self._workrooms_loaded = -math.inf
        self._landmarks: dict[str, tuple[float, float]] | None = None
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[float, Open311ApiKeyRow]] = {}

    def api_key(self, key: str) -> Open311ApiKeyRow | None:
        """The active key row, else None. Active keys are cached for ``API_KEY_TTL_S`` (a revoked key stops working
        within that time); unknown or inactive keys are looked up every time, so a new key works at once."""
        hit = self._keys.get(key)
        if hit is not None and time.monotonic() - hit[0] < API_KEY_TTL_S:
            return hit[1]
        with self.ctx.db.read_session() as s:
            row = s.get(Open311ApiKeyRow, key)
            if row is not None:
                s.expunge(row)
        if row is None or not row.active:
            self._keys.pop(key, None)
            return None
        if len(self._keys) > 1_000:
            self._keys.clear()
        self._keys[key] = (time.monotonic(), row)
        return row

    # ------------------------------------------------------------------ services
    def categories(self) -> list[Category]:
        return self.ctx.taxonomy.resident_facing()

    def services(self) -> list[dict[str, Any]]:
        return [{"service_code": c.code, "service_name": c.minor_name,
                 "description": f"{c.kind_zh}·{c.major_name}·{c.minor_name}", "metadata": True, "type": "realtime",
                 "keywords": f"{c.minor_name},{c.major_name},{c.kind_zh}", "group": c.major_name}
                for c in self.categories()]

    def category(self, service_code: str | None) -> Category:
        if not service_code:
            raise bad_request("service_code is required / 缺少 service_code")
        for c in self.categories():
            if c.code == service_code:
                return c
        raise Open311Error(404, f"service_code {service_code[:40]!r} not found / 服务代码不存在")

    def service_definition(self, service_code: str) -> dict[str, Any]:
        cat = self.category(service_code)
        return {"service_code": cat.code, "attributes": [
            {"variable": True, "code": ATTR_NOTE, "datatype": "text", "required": False,
             "datatype_description": "补充情况（可选，最多4000字）", "order": 1, "description": "补充说明"},
            {"variable": True, "code": ATTR_PHOTO, "datatype": "singlevaluelist", "required": False,
             "datatype_description": None, "order": 2, "description": "是否有照片",
             "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]},
            {"variable": True, "code": ATTR_WORKROOM, "datatype": "string", "required": False,
             "datatype_description": "社区工作室编号（扫码提交时自动填写，如 WR001）", "order": 3,
             "description": "社区工作室"},
        ]}

    def check_jurisdiction(self, params: Params) -> None:
        jid = one(params, "jurisdiction_id")
        if jid is not None and jid != self.config.jurisdiction_id:
            raise Open311Error(404, f"jurisdiction_id {jid[:40]!r} not found / 辖区代码不存在")

    # ------------------------------------------------------------------ workrooms and places
    def workroom(self, workroom_id: str) -> _Workroom:
        with self._lock:
            if workroom_id not in self._workrooms and time.monotonic() - self._workrooms_loaded > 10:
                self._load_workrooms()
            room = self._workrooms.get(workroom_id)
        if room is None:
            raise Open311Error(404, f"workroom {workroom_id[:48]!r} not found / 社区工作室不存在")
        return room

    def workrooms(self) -> list[_Workroom]:
        with self._lock:
            self._load_workrooms()
            return list(self._workrooms.values())

    def _load_workrooms(self) -> None:
        with self.ctx.db.read_session() as s:
            rows = s.scalars(select(AssetRow).where(AssetRow.kind == "workroom").order_by(AssetRow.id)).all()
        self._workrooms = {r.id: _Workroom(r.id, r.name, float(r.lon), float(r.lat), (r.extra or {}).get("address"))
                           for r in rows if r.lon is not None and r.lat is not None}
        self._workrooms_loaded = time.monotonic()

    def geocode(self, address: str) -> tuple[float, float]:
        """A small gazetteer (bundled landmarks, workroom names): enough for "中山公园"; otherwise send lat/long."""
        if self._landmarks is None:
            with resource_path("geodata", "changning_landmarks.csv").open(encoding="utf-8") as f:
                self._landmarks = {r["name"]: (float(r["lon_wgs84"]), float(r["lat_wgs84"])) for r in csv.DictReader(f)}
        places = dict(self._landmarks)
        places.update({w.name: (w.lon, w.lat) for w in self.workrooms()})
        for name in sorted(places, key=len, reverse=True):
            if name and name in address:
                return places[name]
        raise bad_request("address_string not recognised; send lat and long / 无法识别地址，请提供经纬度")

    # ------------------------------------------------------------------ POST
    def parse_post(self, params: Params, *, client_ip: str, attachments: Sequence[str] = (),
                   workroom_id: str | None = None) -> Submission:
        """Validate a POST (api key or anonymous workroom channel, service, place, attributes); writes nothing."""
        self.check_jurisdiction(params)
        cat = self.category(one(params, "service_code", 16))
        attrs = attributes_of(params)
        workroom_id = workroom_id or attrs.get(ATTR_WORKROOM) or one(params, "workroom_id", 48)
        api_key = one(params, "api_key", 64)
        key_row: Open311ApiKeyRow | None = None
        if api_key is not None:
            key_row = self.api_key(api_key)
            if key_row is None:
                raise Open311Error(403, "invalid api_key / API 密钥无效")
        room = self.workroom(workroom_id) if workroom_id else None
        if key_row is not None:
            channel = key_row.channel
        elif room is not None:
            channel = SourceChannel.WORKROOM_QR.value
        elif not self.config.require_api_key:
            channel = SourceChannel.OTHER.value
        else:
            raise Open311Error(403, "api_key required (anonymous requests only from a workroom QR code) / 需要 API 密钥")
        lat_t, lon_t = one(params, "lat", 40), one(params, "long", 40)
        address = one(params, "address_string")
        if (lat_t is None) != (lon_t is None):
            raise bad_request("lat and long must be given together / 经纬度须同时提供")
        if lat_t is not None and lon_t is not None:
            try:
                lon, lat = lonlat_wgs84(lon_t, lat_t, allow_text=True, names=("long", "lat"))
            except CoordinateError as exc:
                raise bad_request(f"{exc.message_en} / {exc.message_zh}") from None
        elif address is not None:
            lon, lat = self.geocode(address)
        elif room is not None:
            lon, lat = room.lon, room.lat
        else:
            raise bad_request("a location is required: lat and long, or address_string / 缺少位置")
        if self.ctx.geo.locate_one(lon, lat).inside is False:
            raise bad_request("location is outside Changning District / 位置不在长宁区范围内")
        description = one(params, "description", MAX_DESCRIPTION)
        note = attrs.get(ATTR_NOTE)
        photo = attrs.get(ATTR_PHOTO)
        if photo is not None and photo not in ("yes", "no"):
            raise bad_request("attribute has_photo must be yes or no / 是否有照片 取值应为 yes 或 no")
        media: list[str] = list(attachments)
        media_url = one(params, "media_url", 500)
        if media_url is not None:
            if not re.match(r"^https?://\S+$", media_url):
                raise bad_request("media_url must be an http(s) URL / 图片地址无效")
            media.append(media_url)
        name = " ".join(p for p in (one(params, "last_name", 32), one(params, "first_name", 32)) if p) or None
        phone, email = one(params, "phone", 32), one(params, "email", 100)
        one(params, "device_id", 64)  # validated, not stored (not contact data)
        if key_row is not None and not key_row.allow_anonymous and not (name or phone or email):
            raise bad_request("this client must send a name, phone or email / 须提供联系人")
        reporter = Reporter(name, phone, f"email: {email}" if email else None) if (name or phone or email) else None
        return Submission(cat, lon, lat, address or (room.name if room else None), description, channel,
                          room.id if room else None, key_row.name if key_row else None, reporter, tuple(media), note)

    def post_request(self, params: Params, *, client_ip: str, attachments: Sequence[str] = (),
                     workroom_id: str | None = None) -> list[dict[str, Any]]:
        """POST requests: validate, rate-limit anonymous submissions, file through intake; the spec's response."""
        sub = self.parse_post(params, client_ip=client_ip, attachments=attachments, workroom_id=workroom_id)
        anonymous = sub.api_key_name is None and sub.channel == SourceChannel.WORKROOM_QR.value
        if anonymous and not self.limiter.allow(client_ip):
            raise Open311Error(429, "too many submissions from this address; try again later / 提交过于频繁")
        row = self.submit(sub)
        return [{"service_request_id": row.service_request_id, "token": row.token,
                 "service_notice": self.service_notice(sub.category), "account_id": None}]

    def submit(self, sub: Submission) -> Open311RequestRow:
        """Write a validated submission: the case (new or merged) and the request handle."""
        assert self.intake is not None
        token = uuid.uuid4().hex
        description = sub.description
        if sub.note:
            description = f"{description}\n补充说明：{sub.note}" if description else f"补充说明：{sub.note}"
        extra: dict[str, Any] = {"open311_token": token}
        if sub.workroom_id:
            extra["workroom_id"] = sub.workroom_id
        actor = Actor(Role.SYSTEM, f"open311:{sub.api_key_name or sub.workroom_id or 'anonymous'}")
        now = self.ctx.clock.now_utc()
        written: dict[str, Any] = {}

        def request_row(s: Session, case_id: str, index: int, merged: bool) -> None:
            """The request handle, in the intake's transaction: one commit per POST."""
            values = {"service_request_id": f"{case_id}-{index}" if merged else case_id, "token": token,
                      "case_id": case_id, "service_code": sub.category.code, "channel": sub.channel,
                      "workroom_id": sub.workroom_id, "api_key_name": sub.api_key_name, "merged": merged,
                      "requested_utc": now}
            s.execute(insert(Open311RequestRow).values(**values))
            written.update(values)

        try:
            self.intake.report(category=sub.category.code, lon=sub.lon, lat=sub.lat, source=sub.channel,
                               actor=actor, description=description, address=sub.address,
                               reporter=sub.reporter, attachments=list(sub.attachments) or None,
                               extra=extra, external_ref=f"open311:{token}", also_write=request_row,
                               load_case=False)
        except DomainError as exc:
            raise bad_request(f"{exc.message_en} / {exc.message_zh}") from exc
        return Open311RequestRow(**written)

    def service_notice(self, cat: Category) -> str:
        limit = self.ctx.taxonomy.rule_for(cat.code).disposal
        return f"已受理，{cat.minor_name}按规定在派遣后{limit}内处置。"

    # ------------------------------------------------------------------ GET
    def get_request(self, request_id: str) -> list[dict[str, Any]]:
        if not _ID_RE.match(request_id):
            raise Open311Error(404, "service_request_id not found / 诉求编号不存在")
        with self.ctx.db.read_session() as s:
            row = s.get(Open311RequestRow, request_id)
            if row is None:
                raise Open311Error(404, f"service_request_id {request_id!r} not found / 诉求编号不存在")
            case = s.get(CaseRow, row.case_id)
            return [self._request_json(row, case)]

    def token(self, token: str) -> list[dict[str, Any]]:
        with self.ctx.db.read_session() as s:
            row = s.scalars(select(Open311RequestRow).where(Open311RequestRow.token == token[:64])).first()
        if row is None:
            raise Open311Error(404, "token not found / 令牌不存在")
        return [{"service_request_id": row.service_request_id, "token": row.token}]

    def get_requests(self, params: Params) -> list[dict[str, Any]]:
        """GET requests with the spec's filters; a service_request_id list overrides all other filters."""
        self.check_jurisdiction(params)
        stmt = select(Open311RequestRow, CaseRow).join(CaseRow, CaseRow.id == Open311RequestRow.case_id)
        ids = one(params, "service_request_id", 4000)
        if ids is not None:
            id_list = [i.strip() for i in ids.split(",") if i.strip()]
            if not id_list or len(id_list) > MAX_RESULTS or not all(_ID_RE.match(i) for i in id_list):
                raise bad_request("bad service_request_id list / 诉求编号列表无效")
            stmt = stmt.where(Open311RequestRow.service_request_id.in_(id_list))
        else:
            codes = one(params, "service_code", 2000)
            if codes is not None:
                code_list = [c.strip() for c in codes.split(",") if c.strip()]
                for c in code_list:
                    self.category(c)
                stmt = stmt.where(Open311RequestRow.service_code.in_(code_list))
            start_t, end_t = one(params, "start_date", 40), one(params, "end_date", 40)
            end = parse_datetime(end_t, "end_date") if end_t else self.ctx.clock.now_utc()
            start = parse_datetime(start_t, "start_date") if start_t else end - DEFAULT_RANGE
            if start > end:
                raise bad_request("start_date is after end_date / 开始日期晚于结束日期")
            stmt = stmt.where(Open311RequestRow.requested_utc >= start, Open311RequestRow.requested_utc <= end)
            status = one(params, "status", 40)
            if status is not None:
                wanted = {x.strip() for x in status.split(",") if x.strip()}
                if not wanted or not wanted <= set(OPEN_CLOSED):
                    raise bad_request("status must be open, closed or open,closed / 状态应为 open 或 closed")
                closed = [s.value for s in CaseStatus if not s.is_open]
                if wanted == {"open"}:
                    stmt = stmt.where(CaseRow.status.not_in(closed))
                elif wanted == {"closed"}:
                    stmt = stmt.where(CaseRow.status.in_(closed))
        stmt = stmt.order_by(Open311RequestRow.requested_utc.desc()).limit(MAX_RESULTS)
        with self.ctx.db.read_session() as s:
            return [self._request_json(r, c) for r, c in s.execute(stmt).all()]

    def _request_json(self, row: Open311RequestRow, case: CaseRow | None) -> dict[str, Any]:
        cat = self.ctx.taxonomy.categories.get(row.service_code)
        status = CaseStatus(case.status) if case is not None else CaseStatus.VOIDED
        notes = status.label_zh
        if row.merged:
            notes += f"（已并入案件 {row.case_id} 一并处理）"
        media = [a for a in ((case.extra or {}).get("attachments") if case else None) or []
                 if isinstance(a, str) and a.startswith("http")] if case is not None else []
        return {
            "service_request_id": row.service_request_id,
            "status": "open" if status.is_open else "closed",
            "status_notes": notes,
            "service_name": cat.minor_name if cat else row.service_code,
            "service_code": row.service_code,
            "description": case.description if case is not None else None,
            "agency_responsible": self.config.agency_responsible,
            "service_notice": self.service_notice(cat) if cat else None,
            "requested_datetime": iso_local(row.requested_utc),
            "updated_datetime": iso_local(case.updated_at if case is not None else row.requested_utc),
            "expected_datetime": iso_local(self.expected_utc(case)) if case is not None else None,
            "address": case.address if case is not None else None,
            "address_id": None,
            "zipcode": None,
            "lat": case.lat if case is not None else None,
            "long": case.lon if case is not None else None,
            "media_url": media[0] if media else None,
        }

    def expected_utc(self, case: CaseRow) -> datetime | None:
        """The disposal deadline once dispatched, else an estimate: the remaining intake steps' limits, then the
        category's disposal limit, on the working calendar. Closed cases: when they closed."""
        status = CaseStatus(case.status)
        if not status.is_open:
            return as_utc(case.closed_at) if case.closed_at else None
        if case.disposal_deadline_utc is not None:
            return as_utc(case.disposal_deadline_utc)
        sla = self.ctx.sla
        t = as_utc(case.step_deadline_utc) if case.step_deadline_utc else as_utc(case.created_at)
        steps = ["accept", "verify", "file", "dispatch"]
        current = STEP_FOR_STATUS.get(status)
        if current in steps:
            for step in steps[steps.index(current) + 1:]:
                limit = sla.step_limits.get(step)
                if limit is not None:
                    t = sla.calendar.add(t, limit)
        return sla.disposal_deadline_utc(t, case.category_code, case.priority)


def add_api_key(db: Database, name: str, channel: str, *, allow_anonymous: bool = True,
                key: str | None = None) -> str:
    """Register a client (configuration, not a case write); returns its key."""
    src = parse_enum(SourceChannel, channel, "来源", "source channel")
    name = name.strip()
    if not name or len(name) > 64:
        raise ValidationError("客户端名称为空或过长", "client name empty or longer than 64")
    key = key or uuid.uuid4().hex
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key):
        raise ValidationError("API 密钥须为 16–64 位字母数字", "api key must be 16-64 letters, digits, - or _")
    with db.session() as s:
        if s.get(Open311ApiKeyRow, key) is not None:
            raise ConflictError("API 密钥已存在", "api key already exists")
        s.add(Open311ApiKeyRow(key=key, name=name, channel=src.value, allow_anonymous=allow_anonymous, active=True,
                               created_utc=datetime.now(UTC)))
    return key


def list_api_keys(db: Database) -> list[dict[str, Any]]:
    with db.read_session() as s:
        return [{"key": r.key, "name": r.name, "channel": r.channel, "allow_anonymous": r.allow_anonymous,
                 "active": r.active} for r in s.scalars(select(Open311ApiKeyRow).order_by(Open311ApiKeyRow.name))]
