"""Duty UI on the seeded demo: a shift leader builds next week's roster from the 勤务 menu, edits a cell, the personnel
list masks contact, and the patrol coverage layer appears in the layer panel."""

from __future__ import annotations

import os
from datetime import date

from console.domain.enums import Role
from console.duty.roster import RosterService
from maps.coverage_layer import LAYER_NAME, share_colour


def test_build_next_week_edit_cell_and_coverage_layer(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ui = window.duty_ui
    assert "勤务" in [a.text() for a in window.menuBar().actions()]
    window.set_role(Role.SHIFT_LEADER)
    ui.show_roster()
    view = ui.roster_dock.widget()
    squad = view.squad_id()
    officers = RosterService(window.loaded.ctx).squad_officers(squad)
    view.pattern.setCurrentIndex(view.pattern.findData("two_on_two_off"))
    view.build_next_week()
    assert view.week_start() == date(2026, 11, 30)  # the Monday after Wed 2026-11-25
    assert view.table.rowCount() == len(officers) and view.table.columnCount() == 7
    codes = {view.table.item(r, c).data(257) for r in range(view.table.rowCount()) for c in range(7)}
    assert codes == {"D", "R"}
    assert {view.table.item(r, 0).text() for r in range(view.table.rowCount())} <= {"白班 D", "休 R"}
    oid = view.table.item(0, 0).data(256)[0]
    assert view.set_cell(oid, date(2026, 11, 30), "N")
    assert view.table.item(0, 0).text() == "夜班 N"
    entries = RosterService(window.loaded.ctx).entries(date(2026, 11, 30), 1, officer_ids=[oid])
    assert entries[0].shift_code == "N"
    if os.environ.get("URBANOPS_DUTY_SHOTS"):
        ui.roster_dock.setFloating(True)
        ui.roster_dock.resize(1100, 520)
        ui.roster_dock.grab().save(os.path.join(os.environ["URBANOPS_DUTY_SHOTS"], "roster.png"))
    # a dispatcher may not change the roster: refused with a message, nothing written
    window.set_role(Role.DISPATCHER)
    messages: list[str] = []
    view.failed.connect(messages.append)
    assert not view.set_cell(oid, date(2026, 11, 30), "R")
    assert messages and "排班管理" in messages[0]
    ui.show_personnel()
    people = ui.personnel_dock.widget()
    assert people.table.rowCount() > 0
    qtbot.waitUntil(lambda: LAYER_NAME in [layer.name for layer in window.map.canvas.layers()], timeout=60_000)
    assert LAYER_NAME in window.layers.layer_names()
    assert ui.last_report is not None and len(ui.last_report["grids"]) > 400


def test_share_colour_ramp() -> None:
    assert share_colour(0.0) == "#78d64545" and share_colour(1.0) == "#783fb96b" and share_colour(0.5) == "#78f2c94c"
    assert share_colour(-1) == share_colour(0.0) and share_colour(7) == share_colour(1.0)
