"""Training records (培训管理): courses, sessions, attendance and drill scores per officer — all events.

Each change is a CaseWriter.upsert_entity on the entity types registered in console/storage/models_training.py
(``course``, ``training_session``, ``training_attendance``, ``drill_score``), so it is in the hash-chained log with
who, role, when and before/after, and the tables are projections of it. Only trainers, shift leaders, supervisors,
administrators and the system may change records.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy import select

from console.errors import NotFoundError, ValidationError
from console.security.permissions import check
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import projection
from console.storage.eventstore import iso_utc
from console.storage.models_training import AttendanceRow, CourseRow, DrillScoreRow, TrainingSessionRow

ATTENDANCE = ("present", "late", "absent", "excused")
ATTENDANCE_ZH = {"present": "出勤", "late": "迟到", "absent": "缺勤", "excused": "请假"}
MAX_ID = 48


def _check_role(actor: Actor) -> None:
    """Training records are kept by the roles of ``manage_training`` in the one permission registry."""
    check(actor, "manage_training")


def _check_id(value: str, what_zh: str, what_en: str) -> str:
    text = (value or "").strip()
    if not text or len(text) > MAX_ID or ":" in text or any(c.isspace() for c in text):
        raise ValidationError(f"{what_zh}编号无效：“{value}”（1–{MAX_ID} 个字符，不含空格和冒号）",
                              f"invalid {what_en} id {value!r} (1–{MAX_ID} characters, no spaces or colons)")
    return text


class TrainingRecords:
    """Commands and queries on training records; one transaction per command."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add_course(self, course_id: str, title: str, actor: Actor, *, hours: float | None = None) -> dict[str, Any]:
        _check_role(actor)
        cid = _check_id(course_id, "课程", "course")
        if not title or not title.strip() or len(title) > 128:
            raise ValidationError("课程名称须为 1–128 字", "course title must be 1–128 characters")
        if hours is not None and (not math.isfinite(hours) or not 0 < hours <= 1000):
            raise ValidationError("学时须在 0–1000 之间", "hours must be in (0, 1000]")
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            w.upsert_entity("course", cid, {"title": title.strip(), "hours": hours, "active": True}, actor)
            w.flush()
            state = w.state("course", cid)
        assert state is not None
        return dict(state)

    def courses(self) -> list[dict[str, Any]]:
        with self.ctx.db.read_session() as s:
            return [projection.row_to_state(projection.SPECS["course"], r)
                    for r in s.scalars(select(CourseRow).order_by(CourseRow.id))]

    def add_session(self, session_id: str, course_id: str, starts_utc: datetime, actor: Actor, *,
                    location: str | None = None, trainer: str | None = None) -> dict[str, Any]:
        _check_role(actor)
        sid = _check_id(session_id, "场次", "session")
        if starts_utc.tzinfo is None:
            raise ValidationError("开始时间须带时区", "the start time must be timezone-aware")
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            if w.state("course", course_id) is None:
                raise NotFoundError(f"课程 {course_id} 不存在", f"course {course_id} does not exist")
            w.upsert_entity("training_session", sid, {"course_id": course_id, "starts_utc": iso_utc(starts_utc),
                                                      "location": location, "trainer": trainer}, actor)
            w.flush()
            state = w.state("training_session", sid)
        assert state is not None
        return dict(state)

    def attend(self, session_id: str, officer_id: str, actor: Actor, status: str = "present") -> dict[str, Any]:
        """Record (or correct) an officer's attendance at a session."""
        _check_role(actor)
        if status not in ATTENDANCE:
            raise ValidationError(f"出勤状态无效，可用：{'、'.join(ATTENDANCE)}",
                                  f"invalid attendance status; known: {', '.join(ATTENDANCE)}")
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            if w.state("training_session", session_id) is None:
                raise NotFoundError(f"培训场次 {session_id} 不存在", f"training session {session_id} does not exist")
            if w.state("officer", officer_id) is None:
                raise NotFoundError(f"队员 {officer_id} 不存在", f"officer {officer_id} does not exist")
            aid = f"{session_id}:{officer_id}"
            w.upsert_entity("training_attendance", aid, {"session_id": session_id, "officer_id": officer_id,
                                                         "status": status}, actor)
            w.flush()
            state = w.state("training_attendance", aid)
        assert state is not None
        return dict(state)

    def record(self, officer_id: str) -> dict[str, Any]:
        """An officer's training record: sessions attended (with course and hours) and drill scores."""
        with self.ctx.db.read_session() as s:
            officer = projection.load_state(s, "officer", officer_id)
            rows = s.execute(select(AttendanceRow, TrainingSessionRow, CourseRow)
                             .join(TrainingSessionRow, TrainingSessionRow.id == AttendanceRow.session_id)
                             .join(CourseRow, CourseRow.id == TrainingSessionRow.course_id)
                             .where(AttendanceRow.officer_id == officer_id)
                             .order_by(TrainingSessionRow.starts_utc)).all()
            scores = s.scalars(select(DrillScoreRow).where(DrillScoreRow.trainee == officer_id)
                               .order_by(DrillScoreRow.id)).all()
            drills = [projection.row_to_state(projection.SPECS["drill_score"], r) for r in scores]
        if officer is None and not rows and not drills:
            raise NotFoundError(f"队员 {officer_id} 不存在", f"officer {officer_id} does not exist")
        sessions: list[dict[str, Any]] = [{"session_id": sess.id, "course_id": course.id, "course": course.title,
                     "starts_utc": iso_utc(sess.starts_utc), "hours": course.hours, "status": att.status,
                     "status_zh": ATTENDANCE_ZH.get(att.status, att.status)} for att, sess, course in rows]
        hours = sum(float(x["hours"] or 0.0) for x in sessions if x["status"] in ("present", "late"))
        return {"officer_id": officer_id, "name": (officer or {}).get("name"),
                "squad_id": (officer or {}).get("squad_id"), "sessions": sessions, "hours_attended": hours,
                "drills": [{"drill_id": d.get("drill_id"), "score": d.get("score"), "cases": d.get("cases"),
                            "sla_met": d.get("sla_met"), "at_utc": d.get("at_utc"), "scenario": d.get("scenario")}
                           for d in drills]}
