"""The dispatch panel in the real window (pytest-qt, offscreen): ranked officers on the map, one-click assign."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.domain.enums import Role
from console.services.cases import CaseService
from tests.widgets.conftest import db_url, isolated_settings, loaded, seeded_db_file, window  # noqa: F401


def _filed_case_with_recs(win):  # type: ignore[no-untyped-def]
    win.set_role(Role.DISPATCHER)
    for cid, c in sorted(win.loaded.world.cases.items()):
        if c["status"] == "filed":
            win.select_case(cid)
            if win.dispatch_ui.panel.recs:
                return cid
    pytest.fail("the pinned seeded world should have a filed case with an available officer")


def test_filed_case_shows_ranked_officers_on_the_map_and_assigns_with_one_click(window, qtbot):  # type: ignore[no-untyped-def]  # noqa: F811
    cid = _filed_case_with_recs(window)
    ui = window.dispatch_ui
    recs = ui.panel.recs
    assert ui.panel.isVisible() and 1 <= len(recs) <= 5 and ui.panel.table.rowCount() == len(recs)
    assert ui.overlay.shown_count == len(recs)
    assert all(window.loaded.world.officers[r.officer_id]["status"] != "off_duty" for r in recs)
    assert "分钟" in ui.panel.table.item(0, 2).text()
    target = next((r for r in recs if not r.needs_override), None)
    if target is None:
        ui.panel.override_edit.setText("测试：跨辖区支援")
        target = recs[0]
    before = len(CaseService(window.loaded.ctx).events(case_id=cid))
    with qtbot.waitSignal(window.actions_ctl.succeeded, timeout=10_000):
        qtbot.mouseClick(ui.panel.buttons[target.rank - 1], Qt.MouseButton.LeftButton)
    case = CaseService(window.loaded.ctx).get_case(cid)
    assert case["assignee"] == target.officer_id and case["status"] == "dispatched"
    assert len(CaseService(window.loaded.ctx).events(case_id=cid)) == before + 1
    assert window.loaded.world.cases[cid]["status"] == "dispatched"
    assert not ui.panel.isVisible() and ui.overlay.shown_count == 0  # no longer a filed case


def test_keyboard_assign_and_refusal_message(window, qtbot):  # type: ignore[no-untyped-def]  # noqa: F811
    cid = _filed_case_with_recs(window)
    ui = window.dispatch_ui
    needing = [r for r in ui.panel.recs if r.needs_override]
    if needing:  # without a written reason the service refuses and the panel says why
        ui.panel.override_edit.clear()
        with qtbot.waitSignal(window.actions_ctl.refused, timeout=10_000):
            assert ui.panel.assign_nth(needing[0].rank)
        assert ui.panel.message.isVisible() and "理由" in ui.panel.message.text()
    first = ui.panel.recs[0]
    if first.needs_override:
        ui.panel.override_edit.setText("测试理由")
    with qtbot.waitSignal(window.actions_ctl.succeeded, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.loaded.world.cases[cid]["assignee"] == first.officer_id
    window.set_role(Role.INSPECTOR)
    assert not ui.panel.isVisible()
