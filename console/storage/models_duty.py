"""Duty tables (网上勤务, 人员管理).

``roster`` is a projection of ``roster`` events (one row per officer-day: the shift code, its window in UTC and the duty
grids 责任网格 assigned for it), registered in ``projection.SPECS`` so live projection, rebuild and replay treat it like
the officers. ``officer_contacts`` holds officers' personal contact data outside the immutable log (like
``case_reporters``): the event that changes it records only that the contact changed, so it can be masked or erased.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.storage.models import Base, UtcDateTime


class RosterRow(Base):
    """One officer-day of a roster (排班): shift code, shift window (UTC, empty for a rest day), duty grids."""

    __tablename__ = "roster"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # "<officer id>/<YYYY-MM-DD>" (local date)
    officer_id: Mapped[str] = mapped_column(String(32))
    squad_id: Mapped[str | None] = mapped_column(String(32))
    day: Mapped[str] = mapped_column(String(10))  # local (Asia/Shanghai) date the shift starts on
    shift_code: Mapped[str] = mapped_column(String(8))
    start_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    duty_grids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_roster_day_squad", "day", "squad_id"), Index("ix_roster_officer_day", "officer_id", "day"))


class OfficerContactRow(Base):
    """Personal contact data of an officer (phone, note), kept out of the event log so it can be masked or erased."""

    __tablename__ = "officer_contacts"

    officer_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    updated_utc: Mapped[datetime] = mapped_column(UtcDateTime)
