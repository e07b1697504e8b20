"""Duty state for dispatch (勤务状态): who the roster has on shift, on a break or off at an instant, and the warnings a
dispatcher must see before giving an officer an order (派单冲突: a second active order, a break, the shift ending).

Read by ``console.services.recommend`` (rostered-off officers are not recommended) and ``CaseWriter`` (refuses them
without a written override). Reads only the ``roster`` projection in the caller's session: cheap, indexed by day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.duty.patterns import LOCAL_TZ, local_day
from console.duty.roster import BREAK, OFF, ON, RosterEntry, roster_state
from console.storage import projection
from console.storage.models import CaseRow
from console.storage.models_duty import RosterRow

ACTIVE_ORDER_STATUSES = ("dispatched", "handling")
SHIFT_END_WARN = timedelta(minutes=30)


@dataclass(frozen=True)
class DutyInfo:
    """An officer's rostered state at one instant: ON, BREAK or OFF, with the shift that decides it."""

    state: str
    shift_code: str | None = None
    end_utc: datetime | None = None
    break_end_utc: datetime | None = None


@dataclass(frozen=True)
class DutyWarning:
    """A conflict the dispatcher should know about; the assignment still goes (it is flagged, in the event too)."""

    code: str
    zh: str
    en: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


def roster_present(session: Session) -> bool:
    """Whether any roster exists at all (lets bulk writers skip the per-assignment lookup on rosterless worlds)."""
    return session.execute(select(RosterRow.id).limit(1)).first() is not None


def duty_infos(session: Session, t_utc: datetime, officer_ids: Sequence[str] | None = None) -> dict[str, DutyInfo]:
    """Officer → DutyInfo at ``t_utc`` for the officers the roster covers that local day (others are absent)."""
    today = local_day(t_utc)
    stmt = select(RosterRow).where(RosterRow.day.in_([(today - timedelta(days=1)).isoformat(), today.isoformat()]))
    if officer_ids is not None:
        stmt = stmt.where(RosterRow.officer_id.in_(list(officer_ids)))
    spec = projection.SPECS["roster"]
    by_officer: dict[str, list[RosterEntry]] = {}
    for row in session.scalars(stmt):
        e = RosterEntry.from_state(projection.row_to_state(spec, row))
        by_officer.setdefault(e.officer_id, []).append(e)
    out: dict[str, DutyInfo] = {}
    for oid, entries in by_officer.items():
        st = roster_state(entries, t_utc)
        if st is None:
            continue
        current = next((e for e in entries if e.state_at(t_utc) is not None), None)
        if current is None:
            out[oid] = DutyInfo(OFF)
            continue
        brk = next((b for a, b in current.breaks_utc if a <= t_utc < b), None)
        out[oid] = DutyInfo(st, current.shift_code, current.end_utc, brk)
    return out


def _hhmm(t: datetime) -> str:
    return t.astimezone(LOCAL_TZ).strftime("%H:%M")


def order_warnings(officer: dict[str, Any], duty: DutyInfo | None, active_orders: int, now: datetime,
                   eta_s: float = 0.0) -> list[DutyWarning]:
    """Conflicts of giving ``officer`` one more order now: active orders already held, a break, the shift ending
    before the officer could even arrive plus half an hour, or being off duty (only reachable with an override)."""
    out: list[DutyWarning] = []
    name = officer.get("name") or officer.get("id")
    if active_orders > 0:
        out.append(DutyWarning("active_orders", f"{name} 已有在办工单 {active_orders} 件（派单冲突）",
                               f"{officer.get('id')} already holds {active_orders} active order(s): conflicting orders"))
    on_break = officer.get("status") == "on_break" or (duty is not None and duty.state == BREAK)
    if on_break:
        until = f"，至 {_hhmm(duty.break_end_utc)}" if duty is not None and duty.break_end_utc else ""
        out.append(DutyWarning("on_break", f"{name} 正在班中休息{until}", f"{officer.get('id')} is on a break"))
    if (duty is not None and duty.state == OFF) or officer.get("status") == "off_duty":
        out.append(DutyWarning("off_duty", f"{name} 按排班不在岗", f"{officer.get('id')} is off duty by the roster"))
    elif duty is not None and duty.state == ON and duty.end_utc is not None \
            and duty.end_utc - now < timedelta(seconds=eta_s) + SHIFT_END_WARN:
        out.append(DutyWarning("shift_ending", f"{name} 将于 {_hhmm(duty.end_utc)} 下班",
                               f"{officer.get('id')}'s shift ends at {_hhmm(duty.end_utc)} local time"))
    return out


def active_orders_of(session: Session, officer_id: str, exclude_case: str | None = None) -> int:
    stmt = select(func.count()).select_from(CaseRow).where(CaseRow.assignee == officer_id,
                                                           CaseRow.status.in_(ACTIVE_ORDER_STATUSES))
    if exclude_case is not None:
        stmt = stmt.where(CaseRow.id != exclude_case)
    return int(session.scalar(stmt) or 0)
