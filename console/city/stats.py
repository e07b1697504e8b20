"""Per-channel statistics for supervisors: on-time replies, returns, resident satisfaction from the platform.

A reply is on time when the bureau's first reply to a ticket (the event time of the outbox item, not when the platform
happened to receive it) is not later than the platform's deadline. Satisfaction is what the platform sent back after
its callback (回访): satisfied / basically_satisfied / dissatisfied; the rate counts the first two.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from console.domain.enums import SourceChannel
from console.storage.db import Database
from console.storage.eventstore import as_utc
from console.storage.models_city import CityOutboxRow, CityTicketRow

CHANNELS = (SourceChannel.HOTLINE_12345.value, SourceChannel.CITY_PLATFORM.value)


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 4)


def city_stats(db: Database, since_utc: datetime | None = None, until_utc: datetime | None = None) -> list[dict[str, Any]]:
    """One row per channel (12345 hotline, city platform) over tickets received in [since, until)."""
    with db.read_session() as s:
        stmt = select(CityTicketRow)
        if since_utc is not None:
            stmt = stmt.where(CityTicketRow.received_utc >= since_utc)
        if until_utc is not None:
            stmt = stmt.where(CityTicketRow.received_utc < until_utc)
        tickets = s.scalars(stmt).all()
        ids = [t.ticket_id for t in tickets]
        items = s.execute(select(CityOutboxRow.ticket_id, CityOutboxRow.kind, CityOutboxRow.created_at,
                                 CityOutboxRow.acked_at).where(CityOutboxRow.ticket_id.in_(ids))
                          .order_by(CityOutboxRow.id)).all() if ids else []
    first_reply: dict[str, datetime] = {}
    returned: set[str] = set()
    closed: set[str] = set()
    pending: dict[str, int] = {}
    for ticket_id, kind, created, acked in items:
        if kind == "reply":
            first_reply.setdefault(ticket_id, as_utc(created))
        elif kind == "returned":
            returned.add(ticket_id)
        elif kind == "closed":
            closed.add(ticket_id)
        if acked is None:
            pending[ticket_id] = pending.get(ticket_id, 0) + 1
    rows = []
    for channel in CHANNELS:
        mine = [t for t in tickets if t.channel == channel]
        with_deadline = [t for t in mine if t.ticket_id in first_reply and t.platform_deadline_utc is not None]
        on_time = sum(1 for t in with_deadline
                      if t.platform_deadline_utc is not None
                      and first_reply[t.ticket_id] <= as_utc(t.platform_deadline_utc))
        levels = {"satisfied": 0, "basically_satisfied": 0, "dissatisfied": 0}
        for t in mine:
            if t.satisfaction in levels:
                levels[t.satisfaction] += 1
        rated = sum(levels.values())
        rows.append({
            "channel": channel,
            "channel_zh": SourceChannel(channel).label_zh,
            "tickets": len(mine),
            "merged": sum(1 for t in mine if t.merged),
            "replied": sum(1 for t in mine if t.ticket_id in first_reply),
            "replied_with_deadline": len(with_deadline),
            "replied_on_time": on_time,
            "on_time_reply_rate": _rate(on_time, len(with_deadline)),
            "returned": sum(1 for t in mine if t.ticket_id in returned),
            "return_rate": _rate(sum(1 for t in mine if t.ticket_id in returned), len(mine)),
            "closed": sum(1 for t in mine if t.ticket_id in closed),
            "updates_pending": sum(pending.get(t.ticket_id, 0) for t in mine),
            "rated": rated,
            **levels,
            "satisfaction_rate": _rate(levels["satisfied"] + levels["basically_satisfied"], rated),
        })
    return rows
