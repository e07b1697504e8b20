"""The append-only, hash-chained event log: one mechanism for audit, multi-seat sync and replay.

Appenders first lock the chain head (one row), so sequence numbers are gapless and strictly ordered on every backend;
seats tail the log by sequence number (on PostgreSQL a NOTIFY on ``urbanops_events`` wakes them at commit).
Each event's hash is SHA-256 over its canonical JSON including the previous event's hash; ``verify`` re-walks it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from console.storage.models import EventChainRow, EventRow

GENESIS_HASH = "0" * 64
NOTIFY_CHANNEL = "urbanops_events"


def as_utc(ts: datetime) -> datetime:
    """Normalise a timestamp read from any backend to aware UTC (SQLite returns naive UTC)."""
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def iso_utc(ts: datetime) -> str:
    """The canonical text form of a UTC instant used in hashes and JSON output."""
    return as_utc(ts).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class EventDraft:
    """An event about to be appended; the store assigns seq and hashes."""

    actor: str
    role: str
    action: str
    entity_type: str
    entity_id: str
    ts_utc: datetime
    case_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = None
    payload: dict[str, Any] | None = None
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class StoredEvent:
    """An event as it stands in the log."""

    seq: int
    event_id: str
    ts_utc: datetime
    actor: str
    role: str
    action: str
    entity_type: str
    entity_id: str
    case_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    payload: dict[str, Any] | None
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "event_id": self.event_id,
            "ts": iso_utc(self.ts_utc),
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "case_id": self.case_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    @staticmethod
    def from_row(row: Any) -> StoredEvent:
        return StoredEvent(
            seq=row.seq,
            event_id=row.event_id,
            ts_utc=as_utc(row.ts_utc),
            actor=row.actor,
            role=row.role,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            case_id=row.case_id,
            before=row.before,
            after=row.after,
            reason=row.reason,
            payload=row.payload,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )


def compute_hash(seq: int, event_id: str, ts_utc: datetime, actor: str, role: str, action: str, entity_type: str,
                 entity_id: str, case_id: str | None, before: Any, after: Any, reason: str | None, payload: Any,
                 prev_hash: str) -> str:
    """SHA-256 of the canonical JSON of an event (sorted keys, no whitespace, UTF-8)."""
    canonical = json.dumps(
        [seq, event_id, iso_utc(ts_utc), actor, role, action, entity_type, entity_id, case_id, before, after,
         reason, payload, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _json_safe(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Round-trip through JSON so what is hashed is exactly what the database gives back."""
    if value is None:
        return None
    result: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False, default=_default))
    return result


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return iso_utc(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


@dataclass(frozen=True)
class ChainHead:
    last_seq: int
    last_hash: str


def lock_chain(session: Session) -> ChainHead:
    """Take the append lock (row lock on PostgreSQL, the write lock on SQLite) and read the chain head.

    Call this FIRST in a writing unit of work, before reading the state to validate against, so validation and append
    see the same state on every backend.
    """
    result = session.execute(update(EventChainRow).where(EventChainRow.id == 1).values(last_seq=EventChainRow.last_seq))
    if getattr(result, "rowcount", 0) == 0:
        session.execute(insert(EventChainRow).values(id=1, last_seq=0, last_hash=GENESIS_HASH))
    row = session.execute(select(EventChainRow.last_seq, EventChainRow.last_hash).where(EventChainRow.id == 1)).one()
    return ChainHead(int(row.last_seq), str(row.last_hash))


def append(session: Session, drafts: Sequence[EventDraft], head: ChainHead | None = None) -> list[StoredEvent]:
    """Append events in order inside the caller's transaction; returns them with seq and hash.

    ``head`` is the result of ``lock_chain`` when the caller already took the lock.
    """
    if not drafts:
        return []
    if head is None:
        head = lock_chain(session)
    seq, prev = head.last_seq, head.last_hash
    stored: list[StoredEvent] = []
    rows: list[dict[str, Any]] = []
    for d in drafts:
        seq += 1
        before, after, payload = _json_safe(d.before), _json_safe(d.after), _json_safe(d.payload)
        ts = as_utc(d.ts_utc)
        digest = compute_hash(seq, d.event_id, ts, d.actor, d.role, d.action, d.entity_type, d.entity_id, d.case_id,
                              before, after, d.reason, payload, prev)
        ev = StoredEvent(seq, d.event_id, ts, d.actor, d.role, d.action, d.entity_type, d.entity_id, d.case_id,
                         before, after, d.reason, payload, prev, digest)
        stored.append(ev)
        rows.append({k: v for k, v in ev.__dict__.items()})
        prev = digest
    session.execute(insert(EventRow), rows)
    session.execute(update(EventChainRow).where(EventChainRow.id == 1).values(last_seq=seq, last_hash=prev))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:ch, :seq)"), {"ch": NOTIFY_CHANNEL, "seq": str(seq)})
    return stored


def last_seq(session: Session) -> int:
    value = session.execute(select(func.max(EventRow.seq))).scalar()
    return int(value or 0)


def read(session: Session, since_seq: int = 0, *, case_id: str | None = None, entity_id: str | None = None,
         until_ts: datetime | None = None, limit: int | None = None) -> list[StoredEvent]:
    """Events with seq > since_seq in order, optionally for one case/entity or up to an instant."""
    table = EventRow.__table__
    stmt = select(table).where(table.c.seq > since_seq).order_by(table.c.seq)
    if case_id is not None:
        stmt = stmt.where(table.c.case_id == case_id)
    if entity_id is not None:
        stmt = stmt.where(table.c.entity_id == entity_id)
    if until_ts is not None:
        stmt = stmt.where(table.c.ts_utc <= until_ts)
    if limit is not None:
        stmt = stmt.limit(limit)
    # Core rows, not ORM objects: several times faster on the large reads of rebuilds and replay.
    return [StoredEvent.from_row(r) for r in session.execute(stmt)]


def iterate(session: Session, batch: int = 20_000) -> Iterator[StoredEvent]:
    """All events in order, fetched in batches (for rebuilds and verification of large logs)."""
    after = 0
    while True:
        chunk = read(session, after, limit=batch)
        if not chunk:
            return
        yield from chunk
        after = chunk[-1].seq


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(session: Session) -> VerifyResult:
    """Re-walk the chain: every hash must match its content and link to its predecessor, with no gaps."""
    prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for ev in iterate(session):
        if ev.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"sequence gap: expected {expected_seq}, found {ev.seq}")
        if ev.prev_hash != prev:
            return VerifyResult(False, checked, ev.seq, "prev_hash does not match the previous event's hash")
        digest = compute_hash(ev.seq, ev.event_id, ev.ts_utc, ev.actor, ev.role, ev.action, ev.entity_type,
                              ev.entity_id, ev.case_id, ev.before, ev.after, ev.reason, ev.payload, ev.prev_hash)
        if digest != ev.hash:
            return VerifyResult(False, checked, ev.seq, "content does not match its hash (edited after writing)")
        prev, expected_seq, checked = ev.hash, expected_seq + 1, checked + 1
    head = session.execute(select(EventChainRow.last_seq, EventChainRow.last_hash).where(EventChainRow.id == 1)).first()
    if head is not None and (int(head.last_seq) != checked or (checked and head.last_hash != prev)):
        return VerifyResult(False, checked, checked + 1, "chain head does not match the last event (events deleted?)")
    return VerifyResult(True, checked)
