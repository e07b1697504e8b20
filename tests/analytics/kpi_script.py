"""Helpers for analytics tests: scripting a small event log through the real CaseWriter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.writer import CaseWriter

LOCAL = ZoneInfo("Asia/Shanghai")
# A residential street in 北新泾街道, away from the core areas (中山公园/虹桥) whose rules may differ.
PLACE = (121.372, 31.220)


def local(day: int, hh: int, mm: int) -> datetime:
    """2026-11-<day> hh:mm Asia/Shanghai as aware UTC (2026-11-02 is a Monday, a working day)."""
    return datetime(2026, 11, day, hh, mm, tzinfo=LOCAL).astimezone(UTC)


ROLE_USERS = {Role.CALL_TAKER: "sl_a", Role.SHIFT_LEADER: "zb_a", Role.DISPATCHER: "pq_a", Role.INSPECTOR: "in_a",
              Role.HANDLER: "OF1", Role.SUPERVISOR: "dc_a", Role.LEGAL_REVIEWER: "fz_a"}


class Script:
    """Drives one CaseWriter: ``new`` creates a case, ``do`` applies an action at a local time."""

    def __init__(self, writer: CaseWriter) -> None:
        self.w = writer

    def new(self, ts: datetime, source: str = "hotline_12345", category: str = "E0101") -> str:
        state = self.w.create_case(category=category, lon=PLACE[0], lat=PLACE[1], source=source,
                                   actor=Actor(Role.CALL_TAKER, "intake"), ts_utc=ts)
        return str(state["id"])

    def do(self, case_id: str, action: str, role: Role, ts: datetime, **kw: object) -> None:
        self.w.act(case_id, action, Actor(role, ROLE_USERS[role]), ts_utc=ts, **kw)  # type: ignore[arg-type]


def reference(w: CaseWriter) -> None:
    admin = Actor(Role.ADMIN, "t")
    w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": "310105001000"}, admin,
                    ts_utc=local(1, 8, 0))
    w.upsert_entity("officer", "OF1", {"name": "王伟", "post": "officer", "squad_id": "SQ001", "status": "on_duty_idle",
                                       "active": True, "lon": 121.42, "lat": 31.22}, admin, ts_utc=local(1, 8, 0))


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
