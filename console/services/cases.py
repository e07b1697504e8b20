"""Case commands and queries for the CLI, the GUI and the feeds: one transaction per command."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.enums import CaseStatus, Priority, Role, SourceChannel, parse_enum
from console.domain.sla import SlaPolicy
from console.errors import NotFoundError, ValidationError
from console.security.audit import pii_read_draft, record_audit_events
from console.security.permissions import check
from console.services.actor import SYSTEM_ACTOR, Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter, Reporter
from console.storage import eventstore, projection
from console.storage.eventstore import StoredEvent, as_utc
from console.storage.models import CaseReporterRow, CaseRow, EventRow


class CaseService:
    """Application service: the only way the UI, CLI and feeds change cases."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # --------------------------------------------------------------- commands
    def create_case(self, *, category: str, lon: float, lat: float, source: str, actor: Actor,
                    description: str | None = None, address: str | None = None, priority: str | None = None,
                    reporter: Reporter | None = None, attachments: list[str] | None = None,
                    extra: dict[str, Any] | None = None) -> dict[str, Any]:
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            state = w.create_case(category=category, lon=lon, lat=lat, source=source, actor=actor,
                                  description=description, address=address, priority=priority, reporter=reporter,
                                  attachments=attachments, extra=extra)
            w.flush()
            case_id = str(state["id"])
        return self.get_case(case_id)

    def act(self, case_id: str, action: str, actor: Actor, *, reason: str | None = None, target: str | None = None,
            payload: dict[str, Any] | None = None) -> dict[str, Any]:
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            w.act(case_id, action, actor, reason=reason, target=target, payload=payload)
            w.flush()
        return self.get_case(case_id)

    # --------------------------------------------------------------- queries
    def get_case(self, case_id: str, *, unmask: bool = False, actor: Actor | None = None) -> dict[str, Any]:
        """The case; ``unmask=True`` shows the reporter in full, needs ``read_pii`` and is logged as a ``pii_read``
        event (actor ``None`` = an internal system read, logged as the system actor)."""
        if unmask:
            check(actor or SYSTEM_ACTOR, "read_pii")
        with self.ctx.db.read_session() as s:
            row = s.get(CaseRow, case_id)
            if row is None:
                raise NotFoundError(f"案件 {case_id} 不存在", f"case {case_id} does not exist")
            reporter = s.get(CaseReporterRow, case_id)
            result = self.case_json(projection.row_to_state(projection.CASE, row), reporter, unmask=unmask)
            result["evidence"] = case_evidence(s, case_id)
        if unmask and reporter is not None and (reporter.name or reporter.phone):
            fields = [f"reporter.{k}" for k in ("name", "phone") if getattr(reporter, k)]
            with self.ctx.db.session() as s:
                record_audit_events(s, [pii_read_draft(actor or SYSTEM_ACTOR, case_id, fields, self.ctx.clock.now_utc())])
        return result

    def list_cases(self, *, status: str | None = None, subdistrict: str | None = None, source: str | None = None,
                   limit: int | None = None) -> list[dict[str, Any]]:
        stmt = select(CaseRow).order_by(CaseRow.created_at, CaseRow.id)
        if status:
            stmt = stmt.where(CaseRow.status == parse_enum(CaseStatus, status, "状态", "status").value)
        if source:
            stmt = stmt.where(CaseRow.source == parse_enum(SourceChannel, source, "来源", "source").value)
        if subdistrict:
            stmt = stmt.where((CaseRow.subdistrict_code == subdistrict) | (CaseRow.subdistrict_name == subdistrict))
        if limit is not None:
            if limit < 0:
                raise ValidationError("数量上限不能为负", "limit must not be negative")
            stmt = stmt.limit(limit)
        with self.ctx.db.read_session() as s:
            return [self.case_json(projection.row_to_state(projection.CASE, r), None) for r in s.scalars(stmt)]

    def events(self, *, case_id: str | None = None, since: int = 0, limit: int | None = None) -> list[StoredEvent]:
        with self.ctx.db.read_session() as s:
            return eventstore.read(s, since, case_id=case_id, limit=limit)

    # --------------------------------------------------------------- JSON shape
    def case_json(self, state: dict[str, Any], reporter: CaseReporterRow | None, *, unmask: bool = False,
                  now_utc: datetime | None = None) -> dict[str, Any]:
        """The stable, documented JSON shape of a case (see docs/cli.md)."""
        cat = self.ctx.taxonomy.categories.get(str(state.get("category_code")))
        status = CaseStatus(state["status"])
        now = now_utc or self.ctx.clock.now_utc()
        deadline = state.get("step_deadline_utc")
        light = None
        if deadline and status.is_open:
            light = self.ctx.sla.light(as_utc(datetime.fromisoformat(str(deadline).replace("Z", "+00:00"))), now)
        return {
            "id": state["id"],
            "status": status.value,
            "status_zh": status.label_zh,
            "category_code": state.get("category_code"),
            "category_kind": cat.kind if cat else None,
            "category_major_code": cat.major_code if cat else None,
            "category_major_name": cat.major_name if cat else None,
            "category_minor_code": cat.minor_code if cat else None,
            "category_minor_name": cat.minor_name if cat else None,
            "source": state.get("source"),
            "source_zh": SourceChannel(state["source"]).label_zh if state.get("source") else None,
            "priority": state.get("priority"),
            "priority_zh": Priority(state["priority"]).label_zh if state.get("priority") else None,
            "lon": state.get("lon"),
            "lat": state.get("lat"),
            "address": state.get("address"),
            "grid_code": state.get("grid_code"),
            "community_code": state.get("community_code"),
            "community": state.get("community_name"),
            "subdistrict_code": state.get("subdistrict_code"),
            "subdistrict": state.get("subdistrict_name"),
            "description": state.get("description"),
            "assignee": state.get("assignee"),
            "step": state.get("step"),
            "deadline": state.get("step_deadline_utc"),
            "disposal_deadline": state.get("disposal_deadline_utc"),
            "sla_light": light,
            "overdue": bool(state.get("overdue")),
            "supervised": bool(state.get("supervised")),
            "appeal_status": state.get("appeal_status"),
            "stats_exempt": bool(state.get("stats_exempt")),
            "rework_count": int(state.get("rework_count") or 0),
            "return_count": int(state.get("return_count") or 0),
            "attachments": list(state.get("attachments") or []),
            "reports": list(state.get("reports") or []),
            "reporter": _reporter_json(reporter, unmask),
            "created_at": state.get("created_at"),
            "updated_at": state.get("updated_at"),
            "closed_at": state.get("closed_at"),
            "version": state.get("version"),
        }


EVIDENCE_ENTITY = "evidence"


def case_evidence(session: Session, case_id: str) -> list[dict[str, Any]]:
    """The case's evidence files (证据) in capture order, from its ``evidence`` events in the log (docs/evidence.md):
    kind, sha256, size, path (absolute, under the evidence store root in force), content address, source URL."""
    from console.config import evidence_dir

    table = EventRow.__table__
    stmt = (select(table.c.seq, table.c.event_id, table.c.payload)
            .where(table.c.case_id == case_id, table.c.entity_type == EVIDENCE_ENTITY).order_by(table.c.seq))
    root = evidence_dir()
    out: list[dict[str, Any]] = []
    for seq, event_id, payload in session.execute(stmt):
        p = payload or {}
        rel = p.get("path")
        out.append({"kind": p.get("kind"), "sha256": p.get("sha256"), "size": p.get("size"),
                    "path": str(root / rel) if isinstance(rel, str) else None, "address": rel, "url": p.get("url"),
                    "media_type": p.get("media_type"), "camera": p.get("camera"),
                    "captured_at": p.get("captured_utc"), "event_seq": seq, "event_id": event_id})
    return out


def _reporter_json(row: CaseReporterRow | None, unmask: bool) -> dict[str, Any] | None:
    if row is None:
        return None
    if unmask:
        return {"name": row.name, "phone": row.phone, "masked": False}
    return {"name": mask_name(row.name), "phone": mask_phone(row.phone), "masked": True}


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张**; keeps the surname only."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """13812345678 → 138****5678."""
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    return digits[:3] + "*" * max(0, len(digits) - 7) + digits[-4:] if len(digits) >= 7 else "*" * (len(digits) - 2) + digits[-2:]


__all__ = ["CaseService", "Reporter", "Role", "SlaPolicy", "mask_name", "mask_phone"]
