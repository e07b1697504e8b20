"""Collaboration (协同办公) and workstation (城运工作站) projections: notes, mentions, handoffs, notices, work orders.

All five are projections of the event log like ``cases`` (registered in ``console.storage.projection.SPECS``):
typed columns for what is queried, the rest of an entity's state in ``extra``. Attachment files live on disk,
content-addressed (console/collab/attachments.py); only their hash, name, size and type enter the log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.storage.models import Base, UtcDateTime


class NoteRow(Base):
    """A note or comment on a case (备注/评论); ``parent_id`` set for a reply to another note."""

    __tablename__ = "collab_notes"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    parent_id: Mapped[str | None] = mapped_column(String(48))
    author: Mapped[str] = mapped_column(String(64))
    author_role: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MentionRow(Base):
    """One @mention of a user or squad in a note: a line of that user's/squad's inbox (提及收件箱)."""

    __tablename__ = "collab_mentions"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    note_id: Mapped[str] = mapped_column(String(48))
    case_id: Mapped[str | None] = mapped_column(String(32))
    target_kind: Mapped[str] = mapped_column(String(16))  # user | officer | squad
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HandoffRow(Base):
    """A request to hand a case from one squad/department to another (移交), with its acceptance or refusal."""

    __tablename__ = "collab_handoffs"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    from_id: Mapped[str | None] = mapped_column(String(48))
    to_kind: Mapped[str] = mapped_column(String(16))  # squad | unit
    to_id: Mapped[str] = mapped_column(String(48), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # requested | accepted | declined
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class NoticeRow(Base):
    """A notice to all seats (全员通知), shown in the notice bar until it expires or is withdrawn."""

    __tablename__ = "collab_notices"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16))  # info | warning | urgent
    author: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # active | withdrawn
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class WorkOrderRow(Base):
    """A neighbourhood workstation's work order (工作站工单) raised by a sensor alarm; local first, then the squad."""

    __tablename__ = "ws_work_orders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workstation_id: Mapped[str] = mapped_column(String(48), index=True)
    sensor_id: Mapped[str | None] = mapped_column(String(48), index=True)
    case_id: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | closed
    level: Mapped[str] = mapped_column(String(16))  # local | squad
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    escalate_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
