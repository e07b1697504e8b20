"""Dead letters: feed input that could not be used is kept with its reason and counted, never silently dropped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select

from console.storage.db import Database
from console.storage.models import DeadLetterRow

MAX_RAW_CHARS = 64_000
MAX_REASON_CHARS = 2_000


def raw_text(raw: str | bytes) -> str:
    """Bytes as UTF-8 (undecodable bytes escaped), truncated so a flood of garbage cannot fill the disk."""
    text = raw.decode("utf-8", errors="backslashreplace") if isinstance(raw, bytes) else str(raw)
    text = text.replace("\x00", "\\x00")  # PostgreSQL text cannot hold NUL
    if len(text) > MAX_RAW_CHARS:
        text = text[:MAX_RAW_CHARS] + f"…[truncated {len(text) - MAX_RAW_CHARS} chars]"
    return text


def dead_letter_values(channel: str, reason: str, raw: str | bytes, ts_utc: datetime | None = None) -> dict[str, Any]:
    """The row for one dead letter (for callers batching several into their own transaction)."""
    return {"ts_utc": ts_utc or datetime.now(UTC), "channel": channel[:48],
            "reason": raw_text(reason)[:MAX_REASON_CHARS], "raw": raw_text(raw)}


def record_dead_letter(db: Database, channel: str, reason: str, raw: str | bytes,
                       ts_utc: datetime | None = None) -> None:
    """Store one dead letter in its own transaction (independent of whatever failed)."""
    with db.session() as s:
        s.execute(insert(DeadLetterRow).values(**dead_letter_values(channel, reason, raw, ts_utc)))


def dead_letter_counts(db: Database) -> dict[str, int]:
    """Dead letters per channel."""
    with db.read_session() as s:
        rows = s.execute(select(DeadLetterRow.channel, func.count()).group_by(DeadLetterRow.channel)).all()
    return {str(channel): int(n) for channel, n in rows}


def recent_dead_letters(db: Database, limit: int = 50, channel: str | None = None) -> list[dict[str, Any]]:
    """The newest dead letters, newest first."""
    stmt = select(DeadLetterRow).order_by(DeadLetterRow.id.desc()).limit(limit)
    if channel:
        stmt = stmt.where(DeadLetterRow.channel == channel)
    with db.read_session() as s:
        return [{"id": r.id, "ts_utc": r.ts_utc.isoformat(), "channel": r.channel, "reason": r.reason, "raw": r.raw}
                for r in s.scalars(stmt)]
