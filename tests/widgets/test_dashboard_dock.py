"""The analytics dashboard as a dock of the main window: computed off the GUI thread, drill-down selects the case."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_f9_dock_computes_the_snapshot_in_the_background_and_drills_to_a_case(window, qtbot):  # type: ignore[no-untyped-def]
    dock = window.dashboard_dock
    assert not dock.isVisible()
    with qtbot.waitSignal(dock.refreshed, timeout=60_000):
        dock.toggleViewAction().trigger()
    assert dock.isVisible() and dock.pages.currentWidget() is dock.panel
    world = window.loaded.world
    panel = dock.panel
    assert panel.table.rowCount() == len(panel.engine.registry.indicators)
    row = next(i for i, r in enumerate(panel.rows) if r.indicator.id == "reports")
    ids = panel.drill_row(row)
    assert ids and all(cid in world.cases for cid in ids)
    panel.drill_list.itemDoubleClicked.emit(panel.drill_list.item(0))
    assert window.selected_case == ids[0]
    assert window.details.case_view.case_id == ids[0]
