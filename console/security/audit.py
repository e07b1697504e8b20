"""Audit trail views and audit events: who did what to a case, who looked at personal data.

Reading personal data in full is itself an event in the hash-chained log (entity_type ``audit``, action
``pii_read``), not a side table, so nobody can quietly remove the trace of having looked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.security.permissions import check
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.storage import eventstore
from console.storage.eventstore import EventDraft, StoredEvent, iso_utc
from console.storage.models import EventRow

AUDIT_ENTITY = "audit"
PII_READ = "pii_read"
EXPORT = "export"
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def record_audit_events(session: Session, drafts: Sequence[EventDraft]) -> list[StoredEvent]:
    """Append audit events inside the caller's transaction (takes the chain lock)."""
    head = eventstore.lock_chain(session)
    return eventstore.append(session, drafts, head)


def pii_read_draft(actor: Actor, case_id: str, fields: Sequence[str], ts_utc: datetime,
                   purpose: str | None = None) -> EventDraft:
    """The event saying ``actor`` saw ``fields`` of ``case_id`` in full. Never the values themselves."""
    return EventDraft(actor=actor.user, role=actor.role.value, action=PII_READ, entity_type=AUDIT_ENTITY,
                      entity_id=case_id, ts_utc=ts_utc, reason=purpose,
                      payload={"case_id": case_id, "fields": sorted(fields)})


def _local(ts: datetime) -> str:
    return ts.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")


def event_row(ev: StoredEvent) -> dict[str, Any]:
    """One line of an audit view: when (UTC and local), who, role, what, why, which fields changed."""
    return {
        "seq": ev.seq,
        "ts": iso_utc(ev.ts_utc),
        "ts_local": _local(ev.ts_utc),
        "actor": ev.actor,
        "role": ev.role,
        "action": ev.action,
        "entity_type": ev.entity_type,
        "entity_id": ev.entity_id,
        "reason": ev.reason,
        "changed": sorted((ev.after or {}).keys()),
        "fields": list((ev.payload or {}).get("fields") or []) if ev.action == PII_READ else [],
    }


class AuditService:
    """Read-only audit views; require the ``view_audit`` permission."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def case_history(self, case_id: str, actor: Actor) -> list[dict[str, Any]]:
        """Every event of the case plus every full read of its personal data, in log order."""
        check(actor, "view_audit")
        table = EventRow.__table__
        stmt = (select(table)
                .where((table.c.case_id == case_id)
                       | ((table.c.entity_type == AUDIT_ENTITY) & (table.c.entity_id == case_id)))
                .order_by(table.c.seq))
        with self.ctx.db.read_session() as s:
            events = [StoredEvent.from_row(r) for r in s.execute(stmt)]
        return [event_row(ev) for ev in events]

    def pii_reads(self, actor: Actor, *, since_utc: datetime | None = None, case_id: str | None = None,
                  user: str | None = None) -> list[dict[str, Any]]:
        """Who looked at personal data (and exported it), newest last."""
        check(actor, "view_audit")
        table = EventRow.__table__
        stmt = select(table).where(table.c.entity_type == AUDIT_ENTITY, table.c.action.in_([PII_READ, EXPORT]))
        if since_utc is not None:
            stmt = stmt.where(table.c.ts_utc >= since_utc)
        if case_id is not None:
            stmt = stmt.where(table.c.entity_id == case_id)
        if user is not None:
            stmt = stmt.where(table.c.actor == user)
        with self.ctx.db.read_session() as s:
            events = [StoredEvent.from_row(r) for r in s.execute(stmt.order_by(table.c.seq))]
        return [event_row(ev) for ev in events]

    def user_history(self, username: str, actor: Actor) -> list[dict[str, Any]]:
        """Account changes and sign-ins of one user (entity_type ``user``)."""
        check(actor, "view_audit")
        table = EventRow.__table__
        stmt = select(table).where(table.c.entity_type == "user", table.c.entity_id == username).order_by(table.c.seq)
        with self.ctx.db.read_session() as s:
            return [event_row(StoredEvent.from_row(r)) for r in s.execute(stmt)]
