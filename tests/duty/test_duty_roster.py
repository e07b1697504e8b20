"""Roster generation from patterns (dates checked by hand), cell edits as events, duty state at shift boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from console.duty.patterns import default_rules, generate_codes
from console.duty.roster import BREAK, OFF, ON, RosterService, apply_roster_status, roster_state
from console.errors import PermissionDeniedError, ValidationError
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import projection
from console.storage.models import EventRow, OfficerRow
from tests.duty.conftest import DISPATCHER, LEADER

MON = date(2026, 11, 30)


def test_two_on_two_off_by_hand() -> None:
    # 2026-11-30 is day 1064 after the 2024-01-01 anchor; 1064 mod 4 = 0 → team 0 starts its two days on.
    p = default_rules().pattern("two_on_two_off")
    codes = generate_codes(["OF2", "OF1"], p, MON, 4)  # ranked by sorted id: OF1 = team 0, OF2 = team 1
    assert [codes[("OF1", MON + timedelta(days=d))] for d in range(4)] == ["D", "D", "R", "R"]
    assert [codes[("OF2", MON + timedelta(days=d))] for d in range(4)] == ["R", "R", "D", "D"]


def test_four_team_three_shift_and_office_week() -> None:
    rules = default_rules()
    p = rules.pattern("four_team_three_shift")  # cycle Z Z M M Y Y R R, teams offset by 2 days; 1064 mod 8 = 0
    codes = generate_codes(["A", "B", "C", "D"], p, MON, 2)
    assert [codes[(o, MON)] for o in "ABCD"] == ["Z", "R", "Y", "M"]
    # each day exactly one team rests and each of the three shifts is staffed
    assert sorted(codes[(o, MON + timedelta(days=1))] for o in "ABCD") == ["M", "R", "Y", "Z"]
    office = generate_codes(["X"], rules.pattern("office_week"), date(2026, 12, 4), 3)  # Fri, Sat, Sun
    assert [office[("X", date(2026, 12, d))] for d in (4, 5, 6)] == ["O", "R", "R"]


def test_night_shift_window_crosses_midnight() -> None:
    night = default_rules().shift("N")
    start, end = night.window_utc(MON) or (None, None)
    assert start == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 20:00 Shanghai
    assert end == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 08:00 Shanghai next day
    assert night.breaks_utc(MON) == [(datetime(2026, 11, 30, 16, 0, tzinfo=UTC), datetime(2026, 11, 30, 16, 30, tzinfo=UTC))]
    assert default_rules().shift("R").window_utc(MON) is None


def test_generate_writes_events_and_projection(duty_ctx: ServiceContext) -> None:
    svc = RosterService(duty_ctx)
    result = svc.generate("SQ005", MON, 7, "two_on_two_off", LEADER)
    assert result["officers"] == 4 and result["events"] == 28
    entries = svc.entries(MON, 7, squad_id="SQ005")
    assert len(entries) == 28
    monday = {e.officer_id: e for e in entries if e.day == MON}
    assert {o: e.shift_code for o, e in monday.items()} == {"OF1": "D", "OF2": "R", "OF3": "D", "OF4": "R"}
    # the squad's duty grids are shared among the two officers on shift, none left out, none twice
    grids = svc.squad_duty_grids("SQ005")
    assert grids and sorted(monday["OF1"].duty_grids + monday["OF3"].duty_grids) == grids
    assert monday["OF2"].duty_grids == () and monday["OF2"].start_utc is None
    # regenerating the same roster changes nothing: no new events
    assert svc.generate("SQ005", MON, 7, "two_on_two_off", LEADER)["events"] == 0
    with duty_ctx.db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(EventRow).where(EventRow.entity_type == "roster")) == 28
        before = {r.id: (r.shift_code, r.duty_grids) for r in s.scalars(select(projection.SPECS["roster"].model))}
    with duty_ctx.db.session() as s:
        projection.rebuild(s)
    with duty_ctx.db.read_session() as s:
        after = {r.id: (r.shift_code, r.duty_grids) for r in s.scalars(select(projection.SPECS["roster"].model))}
    assert after == before


def test_edit_cell_and_refusals(duty_ctx: ServiceContext) -> None:
    svc = RosterService(duty_ctx)
    svc.generate("SQ005", MON, 2, "two_on_two_off", LEADER)
    entry = svc.set_entry("OF2", MON, "N", LEADER, reason="顶班")
    assert entry.shift_code == "N" and entry.start_utc == datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    with duty_ctx.db.read_session() as s:
        ev = s.scalars(select(EventRow).where(EventRow.entity_id == "OF2/2026-11-30").order_by(EventRow.seq.desc())).first()
    assert ev is not None and ev.action == "roster_edit" and ev.reason == "顶班" and ev.before == {
        "shift_code": "R", "start_utc": None, "end_utc": None, "breaks": []}
    with pytest.raises(PermissionDeniedError):
        svc.set_entry("OF2", MON, "D", DISPATCHER)
    with pytest.raises(ValidationError):
        svc.set_entry("OF2", MON, "XX", LEADER)
    with pytest.raises(ValidationError):
        svc.generate("SQ005", MON, 2, "no_such_pattern", LEADER)
    with pytest.raises(ValidationError):
        svc.set_entry("OF2", MON, "D", LEADER, duty_grids=["not-a-grid"])


def test_state_at_shift_boundaries(duty_ctx: ServiceContext) -> None:
    svc = RosterService(duty_ctx)
    svc.generate("SQ005", MON, 2, "two_on_two_off", LEADER)
    day_start = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # 08:00 local
    assert svc.states_at(day_start - timedelta(seconds=1))["OF1"] == OFF
    assert svc.states_at(day_start)["OF1"] == ON
    assert svc.states_at(datetime(2026, 11, 30, 4, 0, tzinfo=UTC))["OF1"] == BREAK  # 12:00 local
    assert svc.states_at(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))["OF1"] == OFF  # 20:00 local: the shift ended
    assert svc.states_at(day_start)["OF2"] == OFF
    assert "OF9" not in svc.states_at(day_start)  # SQ001 has no roster: the roster says nothing about OF9
    assert roster_state([], day_start) is None


def test_tick_emits_status_at_boundaries(duty_ctx: ServiceContext) -> None:
    svc = RosterService(duty_ctx)
    svc.generate("SQ005", MON, 2, "two_on_two_off", LEADER)

    def tick(t: datetime) -> list[tuple[str, str]]:
        with duty_ctx.db.session() as s:
            w = CaseWriter(s, duty_ctx)
            out = apply_roster_status(w, svc, t)
            w.flush()
        return out

    t0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert tick(t0) == [("OF2", "off_duty"), ("OF4", "off_duty")]
    assert tick(t0 + timedelta(minutes=1)) == []  # no boundary crossed: nothing written
    assert tick(datetime(2026, 11, 30, 4, 5, tzinfo=UTC)) == [("OF1", "on_break"), ("OF3", "on_break")]
    assert tick(datetime(2026, 11, 30, 4, 31, tzinfo=UTC)) == [("OF1", "on_duty_idle"), ("OF3", "on_duty_idle")]
    # OF3 is busy at the end of the shift: it finishes the job, then goes off duty
    with duty_ctx.db.session() as s:
        w = CaseWriter(s, duty_ctx)
        w.upsert_entity("officer", "OF3", {"status": "on_scene"}, LEADER, action="status")
        w.flush()
    assert tick(datetime(2026, 11, 30, 12, 0, tzinfo=UTC)) == [("OF1", "off_duty")]
    with duty_ctx.db.session() as s:
        w = CaseWriter(s, duty_ctx)
        w.upsert_entity("officer", "OF3", {"status": "on_duty_idle"}, LEADER, action="status")
        w.flush()
    assert tick(datetime(2026, 11, 30, 12, 5, tzinfo=UTC)) == [("OF3", "off_duty")]
    with duty_ctx.db.read_session() as s:
        status = {str(i): str(st) for i, st in s.execute(select(OfficerRow.id, OfficerRow.status))}
    assert status == {"OF1": "off_duty", "OF2": "off_duty", "OF3": "off_duty", "OF4": "off_duty", "OF9": "on_duty_idle"}
