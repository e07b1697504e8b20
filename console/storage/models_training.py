"""Tables of training (培训管理): courses, sessions, attendance, drills and drill scores, plus drill bookkeeping.

Courses, sessions, attendance, drills and drill scores are projections of the event log (entity types ``course``,
``training_session``, ``training_attendance``, ``drill``, ``drill_score``), registered here with the projection
module so the one write path (CaseWriter.upsert_entity) records and projects them. ``drill_injections`` is drill
bookkeeping like ``intake_refs``: the plan of cases to inject into a sandbox and what really happened to each in the
recording (the ground truth the drill is scored against); it is not an event-log projection because it is a copy of
facts read from another database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.storage.models import Base, UtcDateTime
from console.storage.projection import ProjectionSpec, register


class _Projected:
    """Columns every projected row carries (see console/storage/projection.py)."""

    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CourseRow(_Projected, Base):
    """A training course (培训课程): title, hours, whether it is still offered."""

    __tablename__ = "training_courses"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    title: Mapped[str] = mapped_column(String(128))
    hours: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TrainingSessionRow(_Projected, Base):
    """One sitting of a course (培训场次): when, where, by whom."""

    __tablename__ = "training_sessions"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(48), index=True)
    starts_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    location: Mapped[str | None] = mapped_column(String(128))
    trainer: Mapped[str | None] = mapped_column(String(64))


class AttendanceRow(_Projected, Base):
    """An officer's attendance at a session (签到); id is ``SESSION:OFFICER``."""

    __tablename__ = "training_attendance"

    id: Mapped[str] = mapped_column(String(112), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(48), index=True)
    officer_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))  # present | late | absent | excused


class DrillRow(_Projected, Base):
    """A drill (演练): the moment it restores, its speed, scenario and state."""

    __tablename__ = "training_drills"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    at_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    end_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    speed: Mapped[float] = mapped_column(Float, default=1.0)
    scenario: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))  # prepared | running | finished | scored


class DrillScoreRow(_Projected, Base):
    """A trainee's score in one drill (演练成绩); id is ``DRILL:TRAINEE``. The full report sits in ``extra``."""

    __tablename__ = "training_drill_scores"

    id: Mapped[str] = mapped_column(String(112), primary_key=True)
    drill_id: Mapped[str] = mapped_column(String(48), index=True)
    trainee: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[float] = mapped_column(Float)
    cases: Mapped[int] = mapped_column(Integer, default=0)
    sla_met: Mapped[int] = mapped_column(Integer, default=0)


class DrillInjectionRow(Base):
    """One case to inject into a drill sandbox at a sim time, with the recording's truth for scoring."""

    __tablename__ = "drill_injections"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    drill_id: Mapped[str] = mapped_column(String(48), index=True)
    due_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)  # category, lon, lat, source, description, address, camera
    truth: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # real case id, assignee, assign/arrive times
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    injected_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)


TRAINING_SPECS = (
    ProjectionSpec("course", CourseRow),
    ProjectionSpec("training_session", TrainingSessionRow),
    ProjectionSpec("training_attendance", AttendanceRow),
    ProjectionSpec("drill", DrillRow),
    ProjectionSpec("drill_score", DrillScoreRow),
)
for _spec in TRAINING_SPECS:
    register(_spec)
