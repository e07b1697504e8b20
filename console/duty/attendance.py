"""Attendance (考勤) from sign-in events: an officer signs in (签到) and out (签退) — an ``officer`` event with action
``sign_in``/``sign_out`` — and each rostered shift is read against them: on time, late, absent, left early."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from console.domain.enums import Role
from console.duty.roster import RosterService
from console.errors import NotFoundError
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.eventstore import as_utc
from console.storage.models import EventRow

EARLY_SIGN_IN = timedelta(minutes=60)  # a sign-in up to an hour before the shift counts for it
LATE_GRACE = timedelta(minutes=5)


def sign(ctx: ServiceContext, officer_id: str, kind: str = "in", ts_utc: datetime | None = None) -> None:
    """Record the officer's own sign-in or sign-out (the field app, a sign-in kiosk)."""
    now = ts_utc or ctx.clock.now_utc()
    action = "sign_in" if kind == "in" else "sign_out"
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        if w.state("officer", officer_id) is None:
            raise NotFoundError(f"队员 {officer_id} 不存在", f"officer {officer_id} does not exist")
        field = "signed_in_utc" if kind == "in" else "signed_out_utc"
        w.upsert_entity("officer", officer_id, {field: now.isoformat()}, Actor(Role.HANDLER, officer_id),
                        action=action, ts_utc=now)
        w.flush()


@dataclass(frozen=True)
class AttendanceRow:
    officer_id: str
    day: date
    shift_code: str
    start_utc: datetime
    end_utc: datetime
    sign_in_utc: datetime | None
    sign_out_utc: datetime | None
    status: str  # on_time | late | absent | pending (shift not begun / still in its grace time)
    late_min: float
    left_early: bool

    def to_json(self) -> dict[str, Any]:
        return {"officer_id": self.officer_id, "day": self.day.isoformat(), "shift_code": self.shift_code,
                "start_utc": self.start_utc.isoformat(), "end_utc": self.end_utc.isoformat(),
                "sign_in_utc": None if self.sign_in_utc is None else self.sign_in_utc.isoformat(),
                "sign_out_utc": None if self.sign_out_utc is None else self.sign_out_utc.isoformat(),
                "status": self.status, "late_min": round(self.late_min, 1), "left_early": self.left_early}


def attendance(ctx: ServiceContext, day: date, squad_id: str | None = None,
               now: datetime | None = None) -> list[AttendanceRow]:
    """Every rostered (non-rest) shift starting on local ``day``, read against the sign-in events."""
    now = now or ctx.clock.now_utc()
    entries = [e for e in RosterService(ctx).entries(day, 1, squad_id=squad_id) if e.start_utc and e.end_utc]
    if not entries:
        return []
    lo = min(e.start_utc for e in entries if e.start_utc) - EARLY_SIGN_IN
    hi = max(e.end_utc for e in entries if e.end_utc) + timedelta(hours=2)
    signs: dict[str, list[tuple[datetime, str]]] = {}
    with ctx.db.read_session() as s:
        for oid, ts, action in s.execute(select(EventRow.entity_id, EventRow.ts_utc, EventRow.action).where(
                EventRow.entity_type == "officer", EventRow.action.in_(["sign_in", "sign_out"]),
                EventRow.ts_utc >= lo, EventRow.ts_utc <= hi).order_by(EventRow.seq)):
            signs.setdefault(str(oid), []).append((as_utc(ts), str(action)))
    out = []
    for e in entries:
        assert e.start_utc is not None and e.end_utc is not None
        mine = signs.get(e.officer_id, [])
        sign_in = next((t for t, a in mine if a == "sign_in" and e.start_utc - EARLY_SIGN_IN <= t < e.end_utc), None)
        sign_out = next((t for t, a in mine if a == "sign_out" and e.start_utc <= t <= e.end_utc + timedelta(hours=2)),
                        None)
        late = 0.0
        if sign_in is not None:
            late = max(0.0, (sign_in - e.start_utc).total_seconds() / 60)
            status = "late" if sign_in > e.start_utc + LATE_GRACE else "on_time"
        else:
            status = "pending" if now < e.start_utc + LATE_GRACE else "absent"
        out.append(AttendanceRow(e.officer_id, e.day, e.shift_code, e.start_utc, e.end_utc, sign_in, sign_out, status,
                                 late, sign_out is not None and sign_out < e.end_utc - LATE_GRACE))
    return out
