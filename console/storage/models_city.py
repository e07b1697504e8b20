"""Tables of the city-platform connector (12345 / 一网统管): ticket links, sync cursors and the outbox.

None of these are projections: ``city_tickets`` links a platform ticket to the case it became (and keeps what the
platform said about it, e.g. its deadline and the resident's satisfaction), ``city_sync_state`` holds cursors
(inbound platform cursor, outbound event-log position) and ``city_outbox`` holds status updates owed to the platform
until it acknowledges them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.storage.models import Base, BigId, UtcDateTime


class CityTicketRow(Base):
    """One platform work order (工单) and the case it became or merged into."""

    __tablename__ = "city_tickets"

    ticket_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    channel: Mapped[str] = mapped_column(String(24))  # SourceChannel value: hotline_12345 | city_platform
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    link_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # seq of the city_link event (0: created the case)
    platform_deadline_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    platform_updated_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    satisfaction: Mapped[str | None] = mapped_column(String(24))  # satisfied | basically_satisfied | dissatisfied
    satisfaction_note: Mapped[str | None] = mapped_column(Text)
    received_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)


class CitySyncStateRow(Base):
    """A named cursor: ``inbound`` (the platform's paging cursor) or ``outbox_seq`` (last event seq turned into items)."""

    __tablename__ = "city_sync_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    updated_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CityOutboxRow(Base):
    """One status update owed to the platform; sent in id order per ticket, retried until acknowledged."""

    __tablename__ = "city_outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    ticket_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # accepted|returned|in_progress|handled|reply|closed
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    event_seq: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_attempt_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_city_outbox_ticket_id", "ticket_id", "id"), Index("ix_city_outbox_acked", "acked_at"))
