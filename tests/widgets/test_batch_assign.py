"""Several cases to one officer: queue multi-select, then a drop on the officer board / map symbol, or the menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPointF, Qt
from PySide6.QtGui import QDragMoveEvent, QDropEvent

from console.domain.enums import Role
from console.geo.projection import lonlat_wgs84_to_xy_m
from tests.dispatch.conftest import file_case
from widgets.case_model import CASE_IDS_MIME, case_ids_from_mime
from widgets.context_menus import officer_menu

pytestmark = pytest.mark.gui


def _pick(window, qtbot):  # type: ignore[no-untyped-def]
    """An idle certified officer, two new filed cases in their subdistrict and one outside it (needs an override)."""
    world = window.loaded.world
    oid, o = next((oid, o) for oid, o in sorted(world.officers.items())
                  if o.get("post") == "officer" and o.get("status") == "on_duty_idle" and o.get("certified", True)
                  and o.get("lon") is not None)
    far = next(c for _, c in sorted(world.cases.items()) if c.get("subdistrict_code") != o.get("subdistrict_code"))
    near = [c for _, c in sorted(world.cases.items()) if c.get("subdistrict_code") == o.get("subdistrict_code")][:2]
    inside = [file_case(window.loaded.ctx, lon=float(c["lon"]), lat=float(c["lat"])) for c in near]
    outside = file_case(window.loaded.ctx, lon=float(far["lon"]), lat=float(far["lat"]))
    world.tail(window.loaded.ctx.db)
    qtbot.waitUntil(lambda: all(window.queue.model.row_of(c) is not None for c in [*inside, outside]), timeout=10_000)
    assert all(world.cases[c]["subdistrict_code"] == o["subdistrict_code"] for c in inside)
    return oid, inside, outside


def _select_rows(window, case_ids) -> None:  # type: ignore[no-untyped-def]
    q = window.queue
    q.set_filters(status="filed")
    sm = q.table.selectionModel()
    sm.clearSelection()
    for cid in case_ids:
        row = q.visible_case_ids().index(cid)
        sm.select(q.proxy.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                  | QItemSelectionModel.SelectionFlag.Rows)
    assert sorted(q.selected_case_ids()) == sorted(case_ids)


def _drop(handler, widget, pos, mime) -> QDropEvent:  # type: ignore[no-untyped-def]
    """Hand a drag-move then a drop to the widget's drop filter, as Qt does during a real drag (Qt does not deliver
    synthetic drag events sent with sendEvent, so the installed filter is called the way Qt calls it)."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    move = QDragMoveEvent(pos, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    assert handler.eventFilter(widget, move) and move.isAccepted()
    ev = QDropEvent(QPointF(pos), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    assert handler.eventFilter(widget, ev)
    return ev


def test_dragged_rows_dropped_on_an_officer_row_assign_those_in_jurisdiction(window, qtbot):  # type: ignore[no-untyped-def]
    window.set_role(Role.DISPATCHER)
    oid, inside, outside = _pick(window, qtbot)
    ids = [*inside, outside]
    _select_rows(window, ids)
    mime = window.queue.proxy.mimeData([window.queue.proxy.index(r.row(), 0)
                                        for r in window.queue.table.selectionModel().selectedRows()])
    assert sorted(case_ids_from_mime(mime)) == sorted(ids)
    board = window.officers
    board.select_officer(oid)
    item = board._items[oid]
    pos = board.tree.visualItemRect(item).center()
    with qtbot.waitSignal(board.casesDropped, timeout=5_000) as sig:
        _drop(board, board.tree.viewport(), pos, mime)
    assert sig.args[1] == oid
    world = window.loaded.world
    assert all(world.cases[c]["assignee"] == oid and world.cases[c]["status"] == "dispatched" for c in inside)
    assert world.cases[outside]["status"] == "filed"  # outside the officer's jurisdiction, no override: refused
    assert "2" in window.statusBar().currentMessage() and outside in window.statusBar().currentMessage()


def test_drop_on_an_officer_symbol_and_the_officer_menu_batch(window, qtbot):  # type: ignore[no-untyped-def]
    window.set_role(Role.DISPATCHER)
    oid, inside, _outside = _pick(window, qtbot)
    o = window.loaded.world.officers[oid]
    x, y = lonlat_wgs84_to_xy_m(o["lon"], o["lat"])
    canvas = window.map.canvas
    canvas.set_view(float(x), float(y), 0.3)
    pos = canvas.m_to_view_pos(float(x), float(y))
    assert window.map.officer_at_view_pos(pos) == oid
    mime = QMimeData()
    mime.setData(CASE_IDS_MIME, inside[0].encode())
    with qtbot.waitSignal(window.map.casesDroppedOnOfficer, timeout=5_000):
        _drop(window.map, canvas.viewport_widget(), pos, mime)
    assert window.loaded.world.cases[inside[0]]["assignee"] == oid
    # a drop on empty map does nothing
    empty = QMimeData()
    empty.setData(CASE_IDS_MIME, inside[1].encode())
    canvas.set_view(float(x) + 5_000.0, float(y) + 5_000.0, 0.3)
    far_pos = canvas.m_to_view_pos(float(x) + 5_000.0, float(y) + 5_000.0)
    move = QDragMoveEvent(far_pos, Qt.DropAction.CopyAction, empty, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
    window.map.eventFilter(canvas.viewport_widget(), move)
    assert not move.isAccepted()
    assert window.loaded.world.cases[inside[1]]["status"] == "filed"
    # the officer's menu offers the batch when several filed rows are selected
    others = [c for c, v in sorted(window.loaded.world.cases.items()) if v["status"] == "filed"][:2]
    _select_rows(window, others)
    texts = [a.text() for a in officer_menu(window, oid).actions()]
    assert any("2" in t and "派遣所选" in t for t in texts)
