"""Right-click menus: queue rows and map symbols offer the role's workflow actions; an officer's menu assigns."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from console.domain.enums import Role
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.services.cases import CaseService
from widgets.context_menus import case_menu, officer_menu
from widgets.labels import action_text

pytestmark = pytest.mark.gui


def _texts(menu) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def _first(world, status: str) -> str:  # type: ignore[no-untyped-def]
    return next(cid for cid, c in sorted(world.cases.items()) if c["status"] == status)


def test_queue_right_click_names_the_row_and_the_menu_lists_the_roles_actions(window, qtbot):  # type: ignore[no-untyped-def]
    window.set_role(Role.DISPATCHER)
    table = window.queue.table
    rect = table.visualRect(table.model().index(0, 0))
    with qtbot.waitSignal(window.queue.contextRequested, timeout=5_000) as sig:
        table.customContextMenuRequested.emit(rect.center())
    case_id = sig.args[0]
    assert case_id == window.queue.visible_case_ids()[0]
    world = window.loaded.world
    filed = _first(world, "filed")
    texts = _texts(case_menu(window, filed))
    expected = [action_text(a) for a in window.loaded.ctx.workflow.available_actions(
        world.cases[filed]["status"], Role.DISPATCHER)]
    assert expected and texts[3:] == expected
    window.set_role(Role.LEGAL_REVIEWER)
    assert _texts(case_menu(window, filed))[3:] == [action_text(a) for a in window.loaded.ctx.workflow.available_actions(
        world.cases[filed]["status"], Role.LEGAL_REVIEWER)]
    menu = case_menu(window, filed)
    menu.actions()[2].trigger()
    assert QApplication.clipboard().text() == filed


def test_right_click_on_a_case_symbol_asks_for_its_menu(window, qtbot):  # type: ignore[no-untyped-def]
    canvas = window.map.canvas
    layer = window.map.point_layer("cases")
    case_id = str(layer.ids()[0])
    c = window.loaded.world.cases[case_id]
    x, y = lonlat_wgs84_to_xy_m(c["lon"], c["lat"])
    canvas.set_view(float(x), float(y), 0.3)
    with qtbot.waitSignal(window.map.caseContextRequested, timeout=5_000) as sig:
        hit = canvas.context_at_m(float(x), float(y), QPoint(10, 10))
    assert hit is not None and sig.args[0] == hit.feature_id
    assert window.context_menu is not None and window.context_menu.objectName() == "caseContextMenu"


def test_officer_menu_assigns_the_selected_filed_case(window, qtbot):  # type: ignore[no-untyped-def]
    window.set_role(Role.DISPATCHER)
    world = window.loaded.world
    target = None
    for cid, c in sorted(world.cases.items()):
        if c["status"] == "filed":
            window.select_case(cid)
            recs = [r for r in window.dispatch_ui.panel.recs if not r.needs_override]
            if recs:
                target = (cid, recs[0].officer_id)
                break
    assert target is not None, "the pinned seeded world should have a filed case with an in-jurisdiction officer"
    case_id, officer_id = target
    menu = officer_menu(window, officer_id)
    assign = [a for a in menu.actions() if case_id in a.text()]
    assert len(assign) == 1
    with qtbot.waitSignal(window.actions_ctl.succeeded, timeout=10_000):
        assign[0].trigger()
    case = CaseService(window.loaded.ctx).get_case(case_id)
    assert case["assignee"] == officer_id and case["status"] == "dispatched"
    # once dispatched, the officer's menu no longer offers to assign it again
    assert not [a for a in officer_menu(window, officer_id).actions() if case_id in a.text()]
