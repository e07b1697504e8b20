"""Commands replayed from a console's local outbox (离线发件箱): one row per command id, written in the same
transaction as the command's events, so a replay after a crash or a lost acknowledgement never applies it twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from console.storage.models import Base, UtcDateTime


class AppliedCommandRow(Base):
    """Idempotency key of a queued command: its id, who queued it and when, and the events it produced."""

    __tablename__ = "applied_commands"

    command_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))
    queued_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    applied_at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    first_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    entity_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
