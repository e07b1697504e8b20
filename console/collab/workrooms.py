"""Community workrooms (社区工作室): the registry (``workroom`` entities in the log), CSV import, complaints and stats.

The registry is the ``workroom`` reference entities — created by the seeder or imported from the bureau's CSV
(``urbanops workroom import``), changed only through events. The QR sheets (``urbanops qr``) and the Open311 /
QR complaint form read the same entities. Complaints carry the workroom id (``extra.workroom_id``, set by the QR
form and Open311's ``workroom_id`` attribute); statistics are computed from the cases.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from console.collab import permissions
from console.domain.enums import CaseStatus
from console.errors import NotFoundError, ValidationError
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import projection
from console.storage.eventstore import as_utc
from console.storage.models import AssetRow, CaseRow

CSV_COLUMNS = ("id", "name", "lon", "lat", "subdistrict_code", "community_code", "address", "contact_officer",
               "contact_phone", "opening_hours", "status")
REQUIRED = ("id", "name", "lon", "lat")
STATUSES = ("open", "closed", "suspended")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # "row N: message" (zh / en)


def list_workrooms(ctx: ServiceContext) -> list[dict[str, Any]]:
    spec = projection.SPECS["workroom"]
    with ctx.db.read_session() as s:
        return [projection.row_to_state(spec, r) for r in s.execute(
            select(AssetRow).where(AssetRow.kind == "workroom").order_by(AssetRow.id)).scalars()]


def get_workroom(ctx: ServiceContext, workroom_id: str) -> dict[str, Any]:
    with ctx.db.read_session() as s:
        state = projection.load_state(s, "workroom", workroom_id)
    if state is None:
        raise NotFoundError(f"社区工作室 {workroom_id} 不存在", f"workroom {workroom_id} does not exist")
    return state


def _row_fields(raw: dict[str, str], ctx: ServiceContext) -> tuple[str, dict[str, Any]]:
    """Validate one CSV row; raises ValidationError naming the field."""
    for key in REQUIRED:
        if not (raw.get(key) or "").strip():
            raise ValidationError(f"缺少 {key}", f"missing {key}")
    wid = raw["id"].strip()
    if len(wid) > 48:
        raise ValidationError("id 超过 48 字符", "id longer than 48 characters")
    try:
        lon, lat = float(raw["lon"]), float(raw["lat"])
    except ValueError:
        raise ValidationError(f"坐标无效：{raw['lon']}, {raw['lat']}", f"invalid coordinates {raw['lon']}, {raw['lat']}") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValidationError("坐标无效", "invalid coordinates")
    where = ctx.geo.locate_one(lon, lat)
    if not where.inside:
        raise ValidationError(f"位置 ({lon}, {lat}) 不在辖区内", f"location ({lon}, {lat}) is outside the district")
    status = (raw.get("status") or "open").strip()
    if status not in STATUSES:
        raise ValidationError(f"status 应为 {'/'.join(STATUSES)}", f"status must be one of {', '.join(STATUSES)}")
    fields: dict[str, Any] = {
        "name": raw["name"].strip(), "lon": lon, "lat": lat, "status": status,
        "subdistrict_code": (raw.get("subdistrict_code") or "").strip() or where.subdistrict_code,
        "community_code": (raw.get("community_code") or "").strip() or where.community_code,
    }
    for key in ("address", "contact_officer", "contact_phone", "opening_hours"):
        value = (raw.get(key) or "").strip()
        if value:
            fields[key] = value
    return wid, fields


def import_csv(ctx: ServiceContext, text: str, actor: Actor, *, dry_run: bool = False) -> ImportReport:
    """Create or update workrooms from CSV (UTF-8, header row). All rows are checked first; any row error means
    nothing is written and every error is reported with its row number."""
    permissions.check(actor, "workroom_admin")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(f"CSV 缺少列：{', '.join(missing)}", f"CSV lacks column(s): {', '.join(missing)}")
    report = ImportReport()
    rows: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    for n, raw in enumerate(reader, start=2):
        try:
            wid, fields = _row_fields({k: v or "" for k, v in raw.items() if k}, ctx)
            if wid in seen:
                raise ValidationError(f"id {wid} 重复", f"duplicate id {wid}")
            seen.add(wid)
            rows.append((wid, fields))
        except ValidationError as exc:
            report.errors.append(f"第 {n} 行 / row {n}: {exc.message_zh} / {exc.message_en}")
    if report.errors or dry_run:
        return report
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        for wid, fields in rows:
            current = w.state("workroom", wid)
            if current is None:
                report.created += 1
            elif all(current.get(k) == v for k, v in fields.items()):
                report.unchanged += 1
            else:
                report.updated += 1
            w.upsert_entity("workroom", wid, fields, actor, action="workroom_import")
        w.flush()
    return report


def export_csv(rooms: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    for r in rooms:
        writer.writerow({k: "" if r.get(k) is None else r.get(k) for k in CSV_COLUMNS})
    return buf.getvalue()


def complaints(ctx: ServiceContext, workroom_id: str | None = None) -> list[dict[str, Any]]:
    """Cases that came from a workroom (QR form or Open311 with a workroom id), newest first."""
    with ctx.db.read_session() as s:
        rows = s.execute(select(CaseRow.id, CaseRow.status, CaseRow.category_code, CaseRow.source, CaseRow.created_at,
                                CaseRow.closed_at, CaseRow.overdue, CaseRow.description, CaseRow.extra)
                         .order_by(CaseRow.created_at.desc()))
        out = []
        for r in rows:
            wid = (r.extra or {}).get("workroom_id")
            if wid is None or (workroom_id is not None and wid != workroom_id):
                continue
            out.append({"id": r.id, "workroom_id": wid, "status": r.status, "category_code": r.category_code,
                        "source": r.source, "created_at": as_utc(r.created_at).isoformat(),
                        "closed_at": None if r.closed_at is None else as_utc(r.closed_at).isoformat(),
                        "overdue": bool(r.overdue), "description": r.description})
        return out


def stats(cases: list[dict[str, Any]], now_utc: datetime, taxonomy: Any = None) -> dict[str, Any]:
    """Per-workroom figures from its complaints: total, open, closed, closed on time, last 7/30 days, top categories."""
    total = len(cases)
    closed = [c for c in cases if c["status"] == CaseStatus.CLOSED.value]
    open_ = [c for c in cases if CaseStatus(c["status"]).is_open]
    on_time = [c for c in closed if not c["overdue"]]

    def within(days: int) -> int:
        since = now_utc - timedelta(days=days)
        return sum(1 for c in cases if datetime.fromisoformat(c["created_at"]) >= since)

    cats = Counter(c["category_code"] for c in cases).most_common(5)
    names = getattr(taxonomy, "categories", {}) if taxonomy is not None else {}
    return {"total": total, "open": len(open_), "closed": len(closed),
            "voided": sum(1 for c in cases if c["status"] == CaseStatus.VOIDED.value),
            "closed_on_time_rate": None if not closed else round(len(on_time) / len(closed), 4),
            "last_7_days": within(7), "last_30_days": within(30),
            "top_categories": [{"code": code, "name": getattr(names.get(code), "minor_name", code), "count": n}
                               for code, n in cats]}


def stats_by_workroom(ctx: ServiceContext, now_utc: datetime) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for c in complaints(ctx):
        grouped.setdefault(str(c["workroom_id"]), []).append(c)
    return {wid: stats(cs, now_utc, ctx.taxonomy) for wid, cs in grouped.items()}


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"无法读取 {path}：{exc}", f"cannot read {path}: {exc}") from exc
