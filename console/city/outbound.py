"""Outbound: case events the platform cares about → outbox items → the platform, in order, exactly once in effect.

``derive_outbox`` tails the event log from the stored position (``city_sync_state['outbox_seq']``) and writes the
outbox items and the new position in ONE transaction, so an event is turned into items exactly once. ``OutboxSender``
sends the oldest unacknowledged item of each ticket (later items of that ticket wait, so the platform sees them in
order), retrying with exponential backoff until the platform acknowledges. Each item carries an idempotency key
(ticket, event, kind) sent as a header: when an acknowledgement is lost and the item is sent again, the platform
recognises it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from console.city.client import CityPlatformClient, PlatformRejected, PlatformUnavailable
from console.city.inbound import read_cursor, write_cursor
from console.services.context import ServiceContext
from console.storage import eventstore
from console.storage.eventstore import StoredEvent, iso_utc
from console.storage.models_city import CityOutboxRow, CitySyncStateRow, CityTicketRow

OUTBOX_CURSOR = "outbox_seq"
KINDS = ("accepted", "returned", "in_progress", "handled", "reply", "closed")
# Case actions → what the platform is told. ``reply`` also comes from a note with a ``city_reply`` payload, and
# closing a case whose ticket never got a reply sends one derived from the handling result first.
ACTION_KINDS: dict[str, str] = {
    "accept": "accepted",
    "reject": "returned",
    "void": "returned",
    "assign": "in_progress",
    "receive": "in_progress",
    "report_back": "handled",
    "close": "closed",
}
BATCH_EVENTS = 5000
STUCK_AFTER_ATTEMPTS = 3


def _lock_cursor(s: Session) -> None:
    """Take the write lock on the cursor row first (as eventstore.lock_chain does), so two derivers serialise."""
    result = s.execute(update(CitySyncStateRow).where(CitySyncStateRow.name == OUTBOX_CURSOR)
                       .values(cursor=CitySyncStateRow.cursor))
    if getattr(result, "rowcount", 0) == 0:
        s.execute(insert(CitySyncStateRow).values(name=OUTBOX_CURSOR, cursor="0", updated_utc=None))


def _items_for(ev: StoredEvent, tickets: list[str], replied: set[str], last_result: dict[str, str]) -> list[
        tuple[str, str, dict[str, Any]]]:
    """(ticket, kind, payload) triples one event owes the platform."""
    payload_in = ev.payload or {}
    kinds: list[tuple[str, dict[str, Any]]] = []
    kind = ACTION_KINDS.get(ev.action)
    if ev.action == "note" and isinstance(payload_in.get("city_reply"), str):
        kinds.append(("reply", {"reply": payload_in["city_reply"]}))
    elif kind == "returned":
        kinds.append((kind, {"reason": ev.reason or ""}))
    elif kind == "in_progress":
        stage = "dispatched" if ev.action == "assign" else "handling"
        kinds.append((kind, {"stage": stage}))
    elif kind == "handled":
        result = str(payload_in.get("result") or ev.reason or "已处置")
        photos = payload_in.get("photos") or (ev.after or {}).get("attachments") or []
        last_result[ev.entity_id] = result
        kinds.append((kind, {"result": result, "photos": [str(p) for p in photos]}))
    elif kind == "closed":
        reply = str(payload_in.get("city_reply") or "")
        kinds.append(("reply", {"reply": reply, "auto": not reply}))
        kinds.append((kind, {}))
    elif kind is not None:
        kinds.append((kind, {}))
    out: list[tuple[str, str, dict[str, Any]]] = []
    for ticket in tickets:
        for k, body in kinds:
            if k == "reply" and body.get("auto") is not None:
                if ticket in replied:
                    continue  # closing: the resident already got an explicit reply
                body = {"reply": body["reply"] or f"您反映的问题已处理：{last_result.get(ev.entity_id, '已处置')}",
                        "auto": body["auto"]}
            if k == "reply":
                replied.add(ticket)
            out.append((ticket, k, body))
    return out


def _rows_for(ev: StoredEvent, tickets: list[str], replied: set[str],
              last_result: dict[str, str]) -> list[dict[str, Any]]:
    """Outbox rows (one per ticket and kind) for one event; the idempotency key names ticket, event and kind."""
    rows = []
    for ticket, kind, body in _items_for(ev, tickets, replied, last_result):
        payload = {"kind": kind, "ticket_id": ticket, "case_id": ev.case_id, "event_seq": ev.seq,
                   "ts": iso_utc(ev.ts_utc), **body}
        rows.append({"case_id": ev.case_id, "ticket_id": ticket, "kind": kind,
                     "idempotency_key": f"{ticket}:{ev.event_id}:{kind}", "event_seq": ev.seq,
                     "payload": payload, "created_at": ev.ts_utc, "attempts": 0})
    return rows


def derive_outbox(ctx: ServiceContext, batch: int = BATCH_EVENTS) -> int:
    """Turn new events of city-linked cases into outbox items; returns how many items were written."""
    written = 0
    while True:
        with ctx.db.session() as s:
            _lock_cursor(s)
            since = int(read_cursor(s, OUTBOX_CURSOR) or 0)
            events = eventstore.read(s, since, limit=batch)
            if not events:
                return written
            case_ids = {ev.case_id for ev in events if ev.case_id and ev.entity_type == "case"}
            links: dict[str, list[tuple[str, int]]] = {}  # case → [(ticket, seq of its link)]
            if case_ids:
                for ticket_id, case_id, link_seq in s.execute(
                        select(CityTicketRow.ticket_id, CityTicketRow.case_id, CityTicketRow.link_seq)
                        .where(CityTicketRow.case_id.in_(case_ids))
                        .order_by(CityTicketRow.received_utc, CityTicketRow.ticket_id)):
                    links.setdefault(str(case_id), []).append((str(ticket_id), int(link_seq or 0)))
            replied = _already_replied(s, [t for ts in links.values() for t, _ in ts])
            last_result = _last_results(s, list(links))
            rows: list[dict[str, Any]] = []

            for ev in events:
                linked = links.get(ev.case_id or "")
                if not linked or ev.entity_type != "case":
                    continue
                if ev.action == "city_link":
                    # a ticket merged into a case in progress: catch it up on what the case went through before
                    new_ticket = str((ev.payload or {}).get("ticket_id"))
                    if any(t == new_ticket for t, _ in linked):
                        for old in eventstore.read(s, 0, case_id=ev.case_id):
                            if old.seq >= ev.seq:
                                break
                            rows += _rows_for(old, [new_ticket], replied, last_result)
                    continue
                rows += _rows_for(ev, [t for t, link_seq in linked if link_seq < ev.seq], replied, last_result)
            if rows:
                s.execute(insert(CityOutboxRow), rows)
            write_cursor(s, OUTBOX_CURSOR, str(events[-1].seq), ctx.clock.now_utc())
            written += len(rows)
        if len(events) < batch:
            return written


def _already_replied(s: Session, tickets: list[str]) -> set[str]:
    if not tickets:
        return set()
    stmt = select(CityOutboxRow.ticket_id).where(CityOutboxRow.ticket_id.in_(tickets), CityOutboxRow.kind == "reply")
    return {str(t) for t in s.scalars(stmt)}


def _last_results(s: Session, case_ids: list[str]) -> dict[str, str]:
    if not case_ids:
        return {}
    stmt = (select(CityOutboxRow.case_id, CityOutboxRow.payload).where(CityOutboxRow.case_id.in_(case_ids),
                                                                       CityOutboxRow.kind == "handled")
            .order_by(CityOutboxRow.id))
    return {str(c): str((p or {}).get("result", "")) for c, p in s.execute(stmt)}


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "waiting": self.waiting, "errors": self.errors[:10]}


def backoff_delay(attempts: int, base_s: float = 5.0, cap_s: float = 900.0) -> timedelta:
    """Wait before the next attempt after ``attempts`` failures: 5 s, 10 s, 20 s ... at most 15 min."""
    return timedelta(seconds=min(cap_s, base_s * 2 ** max(0, attempts - 1)))


class OutboxSender:
    """Sends due outbox items, oldest first per ticket; one short transaction per item, no HTTP inside one."""

    def __init__(self, ctx: ServiceContext, client: CityPlatformClient, backoff_base_s: float = 5.0,
                 backoff_cap_s: float = 900.0) -> None:
        self.ctx = ctx
        self.client = client
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s

    def heads(self, now: datetime) -> tuple[list[CityOutboxRow], int]:
        """The first unacknowledged item of each ticket that is due now, and how many tickets wait on backoff."""
        with self.ctx.db.read_session() as s:
            rows = s.scalars(select(CityOutboxRow).where(CityOutboxRow.acked_at.is_(None))
                             .order_by(CityOutboxRow.id)).all()
        heads: dict[str, CityOutboxRow] = {}
        for row in rows:
            heads.setdefault(row.ticket_id, row)
        due, waiting = [], 0
        for row in heads.values():
            nxt = row.next_attempt_utc
            if nxt is not None and eventstore.as_utc(nxt) > now:
                waiting += 1
            else:
                due.append(row)
        return due, waiting

    def send_due(self, max_rounds: int = 1000) -> SendReport:
        """Send until every ticket's queue is empty or waiting on backoff (a failed ticket does not block others)."""
        report = SendReport()
        failed_tickets: set[str] = set()
        for _ in range(max_rounds):
            now = self.ctx.clock.now_utc()
            due, report.waiting = self.heads(now)
            due = [r for r in due if r.ticket_id not in failed_tickets]
            if not due:
                break
            for row in due:
                if self._send_one(row, report):
                    continue
                failed_tickets.add(row.ticket_id)
        return report

    def _send_one(self, row: CityOutboxRow, report: SendReport) -> bool:
        body = dict(row.payload)
        try:
            ack = self.client.post_update(row.ticket_id, body, row.idempotency_key)
        except (PlatformUnavailable, PlatformRejected) as exc:
            now = self.ctx.clock.now_utc()
            attempts = row.attempts + 1
            with self.ctx.db.session() as s:
                s.execute(update(CityOutboxRow).where(CityOutboxRow.id == row.id).values(
                    attempts=attempts, last_error=exc.message_en[:2000], last_attempt_utc=now,
                    next_attempt_utc=now + backoff_delay(attempts, self.backoff_base_s, self.backoff_cap_s)))
            report.failed += 1
            report.errors.append(f"{row.ticket_id}/{row.kind}: {exc.message_en}")
            return False
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            s.execute(update(CityOutboxRow).where(CityOutboxRow.id == row.id).values(
                attempts=row.attempts + 1, last_attempt_utc=now, sent_at=row.sent_at or now, acked_at=now,
                last_error=None if not ack.get("duplicate") else "acknowledged as duplicate"))
        report.sent += 1
        return True


def outbox_items(ctx: ServiceContext, *, stuck_only: bool = True, limit: int = 500) -> list[dict[str, Any]]:
    """Unacknowledged items (``stuck_only``: those that failed at least once), oldest first, for the console."""
    stmt = select(CityOutboxRow).where(CityOutboxRow.acked_at.is_(None)).order_by(CityOutboxRow.id).limit(limit)
    if stuck_only:
        stmt = stmt.where(CityOutboxRow.attempts > 0)
    with ctx.db.read_session() as s:
        rows = s.scalars(stmt).all()
    return [outbox_json(r) for r in rows]


def outbox_json(r: CityOutboxRow) -> dict[str, Any]:
    def ts(v: datetime | None) -> str | None:
        return None if v is None else iso_utc(v)

    return {"id": r.id, "case_id": r.case_id, "ticket_id": r.ticket_id, "kind": r.kind, "attempts": r.attempts,
            "last_error": r.last_error, "created_at": ts(r.created_at), "last_attempt_utc": ts(r.last_attempt_utc),
            "next_attempt_utc": ts(r.next_attempt_utc), "sent_at": ts(r.sent_at), "acked_at": ts(r.acked_at),
            "stuck": r.attempts >= STUCK_AFTER_ATTEMPTS}


def case_outbox_state(ctx: ServiceContext, case_id: str) -> dict[str, Any]:
    """Per-case summary for the details panel: pending/acked counts, last error, last kind acknowledged."""
    with ctx.db.read_session() as s:
        rows = s.scalars(select(CityOutboxRow).where(CityOutboxRow.case_id == case_id)
                         .order_by(CityOutboxRow.id)).all()
    pending = [r for r in rows if r.acked_at is None]
    acked = [r for r in rows if r.acked_at is not None]
    return {"pending": len(pending), "acked": len(acked),
            "last_acked_kind": acked[-1].kind if acked else None,
            "last_error": next((r.last_error for r in pending if r.last_error), None),
            "stuck": any(r.attempts >= STUCK_AFTER_ATTEMPTS for r in pending)}
