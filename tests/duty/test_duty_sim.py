"""The demo simulator follows the roster: status at shift start, sign-in events, attendance read from them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from console.duty.attendance import attendance, sign
from console.duty.roster import RosterService
from console.services.context import ServiceContext
from console.sim.simulator import SimClock, Simulator
from console.storage.db import Database
from console.storage.models import EventRow, OfficerRow
from tests.duty.conftest import LEADER, build_world

MON = date(2026, 11, 30)


def test_simulated_officers_follow_the_roster(migrated_db: Database) -> None:
    ctx = ServiceContext(migrated_db, clock=SimClock(datetime(2026, 11, 29, 23, 50, tzinfo=UTC)))  # 07:50 local
    build_world(ctx)
    RosterService(ctx).generate("SQ005", MON, 2, "two_on_two_off", LEADER)  # OF1, OF3 on D; OF2, OF4 rest
    sim = Simulator(ctx, speed=1.0, case_rate_scale=0.0)
    sim.step(60)  # 07:51: before the shift everybody rostered is off
    assert {o: sim.status[sim.index[o]] for o in ("OF1", "OF2", "OF3", "OF4")} == dict.fromkeys(
        ("OF1", "OF2", "OF3", "OF4"), "off_duty")
    off_xy = (sim.x[sim.index["OF2"]], sim.y[sim.index["OF2"]])
    for _ in range(12):  # to 08:03
        sim.step(60)
    status = {o: sim.status[sim.index[o]] for o in ("OF1", "OF2", "OF3", "OF4", "OF9")}
    assert status == {"OF1": "on_duty_idle", "OF2": "off_duty", "OF3": "on_duty_idle", "OF4": "off_duty",
                      "OF9": "on_duty_idle"}  # OF9's squad has no roster: untouched
    assert (sim.x[sim.index["OF2"]], sim.y[sim.index["OF2"]]) == off_xy  # off duty: does not patrol
    with migrated_db.read_session() as s:
        projected = {str(i): str(st) for i, st in s.execute(select(OfficerRow.id, OfficerRow.status))}
        signed = sorted(str(e) for e in s.scalars(select(EventRow.entity_id).where(EventRow.action == "sign_in")))
    assert projected["OF1"] == "on_duty_idle" and projected["OF2"] == "off_duty"
    assert signed == ["OF1", "OF3"]
    rows = {r.officer_id: r for r in attendance(ctx, MON, "SQ005", now=ctx.clock.now_utc())}
    assert set(rows) == {"OF1", "OF3"} and rows["OF1"].status == "on_time" and rows["OF1"].late_min == 0


def test_attendance_late_absent_and_early_leave(migrated_db: Database) -> None:
    ctx = ServiceContext(migrated_db, clock=SimClock(datetime(2026, 11, 30, 0, 0, tzinfo=UTC)))
    build_world(ctx)
    RosterService(ctx).generate("SQ005", MON, 1, "two_on_two_off", LEADER)
    start = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # 08:00 local
    sign(ctx, "OF1", "in", start + timedelta(minutes=17))
    sign(ctx, "OF1", "out", start + timedelta(hours=10))  # 18:00, the shift ends at 20:00
    rows = {r.officer_id: r for r in attendance(ctx, MON, now=start + timedelta(hours=13))}
    assert rows["OF1"].status == "late" and rows["OF1"].late_min == 17 and rows["OF1"].left_early
    assert rows["OF3"].status == "absent"
    assert "OF2" not in rows  # rest day
