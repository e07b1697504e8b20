"""The dispatcher's window on a real seeded SQLite world, driven offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from console.geo.projection import lonlat_wgs84_to_xy_m
from console.services.cases import CaseService
from widgets.case_model import CASE_ID_ROLE, COL

pytestmark = pytest.mark.gui


def _case_in_status(window, status: str) -> str:  # type: ignore[no-untyped-def]
    world = window.loaded.world
    for cid, c in sorted(world.cases.items()):
        if c["status"] == status:
            return cid
    pytest.fail(f"the pinned seeded world should have a case in status {status}")


def test_window_loads_through_worker(qtbot, db_url):  # type: ignore[no-untyped-def]
    from widgets.loader import LoadOptions
    from widgets.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.loadFinished, timeout=120_000):
        w.start_loading(LoadOptions(db_url=db_url, seed_if_empty=False))
    assert w.loaded is not None
    assert w.case_model.rowCount() == len(w.loaded.world.cases) > 0
    names = {layer.name for layer in w.map.canvas.layers()}
    assert {"subdistricts", "cases", "officers", "cameras", "workrooms"} <= names
    assert len(w.map.point_layer("officers")) > 0
    assert len(w.map.point_layer("workrooms")) == len(w.loaded.world.assets["workroom"])
    assert w.layers.layer_names()  # the layer panel was filled
    w.shutdown()


def test_layer_toggle_hides_layer_and_is_remembered(window, qtbot):  # type: ignore[no-untyped-def]
    from widgets.layer_panel import LayerPanel
    from widgets.main_window import app_settings

    assert window.map.canvas.layer("cameras").user_visible
    window.layers.set_checked("cameras", False)
    assert not window.map.canvas.layer("cameras").user_visible
    assert not window.map.canvas.layer("cameras").isVisible()
    window.layers.set_checked("cameras", True)
    assert window.map.canvas.layer("cameras").user_visible
    window.layers.set_checked("workrooms", False)
    fresh = LayerPanel(app_settings)
    qtbot.addWidget(fresh)
    applied = fresh.set_layers(window.map.layer_infos())
    assert applied["workrooms"] is False and applied["cameras"] is True


def test_selecting_in_queue_opens_details_with_timeline(window, qtbot):  # type: ignore[no-untyped-def]
    queue = window.queue
    queue.set_filters(status="")
    idx = queue.proxy.index(0, COL["id"])
    case_id = idx.data(CASE_ID_ROLE)
    queue.table.setCurrentIndex(idx)
    assert window.details.currentWidget() is window.details.case_view
    assert window.details.case_view.case_id == case_id
    events = CaseService(window.loaded.ctx).events(case_id=case_id)
    html = window.details.case_view.history.toHtml()  # the 历史 tab
    assert f"（{len(events)}）" in html
    assert window.map.point_layer("cases").selected_ids() + window.map.point_layer("cases_closed").selected_ids() \
        == [case_id]


def test_clicking_a_case_and_an_officer_on_the_map(window):  # type: ignore[no-untyped-def]
    canvas = window.map.canvas
    layer = window.map.point_layer("cases")
    case_id = str(layer.ids()[0])
    c = window.loaded.world.cases[case_id]
    x, y = lonlat_wgs84_to_xy_m(c["lon"], c["lat"])
    canvas.set_view(float(x), float(y), 0.3)
    hit = canvas.click_at_m(float(x), float(y))
    assert hit is not None and hit.layer_name in ("cases", "officers")
    if hit.layer_name == "cases":
        assert window.details.case_view.case_id == hit.feature_id
        assert window.details.currentWidget() is window.details.case_view
    officer_layer = window.map.point_layer("officers")
    oid = str(officer_layer.ids()[0])
    ox, oy = officer_layer.positions_m()
    canvas.set_view(float(ox[0]), float(oy[0]), 0.3)
    hit = canvas.click_at_m(float(ox[0]), float(oy[0]))
    assert hit is not None and hit.layer_name == "officers"
    assert window.details.currentWidget() is window.details.officer_view
    assert window.details.officer_view.officer_id == hit.feature_id
    o = window.loaded.world.officers[hit.feature_id]
    assert o["name"] in window.details.officer_view.body.toPlainText()
    assert oid  # the layer is not empty


def test_queue_filters(window):  # type: ignore[no-untyped-def]
    world = window.loaded.world
    q = window.queue
    q.set_filters(status="")
    assert q.proxy.rowCount() == len(world.cases)
    q.set_filters(status="closed")
    ids = q.visible_case_ids()
    assert ids and all(world.cases[i]["status"] == "closed" for i in ids)
    q.set_filters(status="open")
    assert all(world.cases[i]["status"] not in ("closed", "voided") for i in q.visible_case_ids())
    sub_code = next(iter(world.cases.values()))["subdistrict_code"]
    q.set_filters(status="", subdistrict=sub_code)
    ids = q.visible_case_ids()
    assert ids and all(world.cases[i]["subdistrict_code"] == sub_code for i in ids)
    assert len(ids) < len(world.cases)
    q.set_filters(subdistrict="", source="hotline_12345")
    assert all(world.cases[i]["source"] == "hotline_12345" for i in q.visible_case_ids())
    q.set_filters(source="", overdue_only=True)
    from widgets.case_model import is_overdue

    assert all(is_overdue(world.cases[i], world.now_utc) for i in q.visible_case_ids())


def test_filters_survive_a_restart(window, qtbot):  # type: ignore[no-untyped-def]
    from widgets.main_window import MainWindow

    window.queue.set_filters(status="filed", overdue_only=True)
    window.save_state()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    w2.attach(window.loaded)
    assert w2.queue.proxy.status == "filed" and w2.queue.proxy.overdue_only


def test_workflow_action_from_the_ui_changes_the_case(window, qtbot):  # type: ignore[no-untyped-def]
    from console.domain.enums import Role

    case_id = _case_in_status(window, "filed")
    window.set_role(Role.DISPATCHER)
    window.select_case(case_id)
    before = len(CaseService(window.loaded.ctx).events(case_id=case_id))
    button = window.details.case_view.buttons["assign"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dlg = window.actions_ctl.dialog
    assert dlg is not None and dlg.target_combo is not None and dlg.target_combo.count() > 0
    target = next(oid for oid, o in window.loaded.world.officers.items()
                  if o.get("post") == "officer" and o.get("status") == "on_duty_idle")
    dlg.set_target(target)
    with qtbot.waitSignal(window.actions_ctl.succeeded, timeout=10_000):
        dlg.accept()
    case = CaseService(window.loaded.ctx).get_case(case_id)
    assert case["status"] == "dispatched" and case["assignee"] == target
    events = CaseService(window.loaded.ctx).events(case_id=case_id)
    assert len(events) == before + 1 and events[-1].action == "assign"
    assert window.loaded.world.cases[case_id]["status"] == "dispatched"  # the World followed the log
    assert f"（{len(events)}）" in window.details.case_view.history.toHtml()


def test_refused_action_shows_the_domain_message(window, qtbot):  # type: ignore[no-untyped-def]
    from console.domain.enums import Role

    case_id = _case_in_status(window, "filed")
    window.set_role(Role.DISPATCHER)
    window.select_case(case_id)
    before = len(CaseService(window.loaded.ctx).events(case_id=case_id))
    with qtbot.waitSignal(window.actions_ctl.refused, timeout=10_000) as blocker:
        window.actions_ctl.run(case_id, "assign", target="NOBODY-404")
    message = blocker.args[2]
    assert "NOBODY-404" in message and "不存在" in message
    banner = window.details.case_view.message
    assert banner.isVisible() and message in banner.text()
    assert len(CaseService(window.loaded.ctx).events(case_id=case_id)) == before
    # an action the role may not take is not offered at all
    window.set_role(Role.INSPECTOR)
    assert "assign" not in window.details.case_view.buttons


def test_search_flies_to_results(window):  # type: ignore[no-untyped-def]
    world = window.loaded.world
    case_id = next(iter(world.cases))
    hit = window.search_and_go(case_id)
    assert hit is not None and hit.kind == "case" and window.details.case_view.case_id == case_id
    officer = next(o for o in world.officers.values() if o.get("post") == "officer")
    hit = window.search_and_go(officer["name"])
    assert hit is not None and hit.kind == "officer"
    sub = window.loaded.geo.geography.subdistricts.iloc[0]
    before = window.map.canvas.view_centre_m()
    hit = window.search_and_go(str(sub["name"]))
    assert hit is not None and hit.kind == "subdistrict"
    assert window.map.canvas.view_centre_m() != before
    assert window.search("不存在的地方xyz") == []


def test_simulator_steps_reach_the_map_and_the_clock(window):  # type: ignore[no-untyped-def]
    import numpy as np

    assert window.start_simulator(speed=60.0), window.feed_error
    runner = window.sim_runner
    runner.timer.stop()  # drive it by hand, no waiting on wall time
    layer = window.map.point_layer("officers")
    x0 = layer.positions_m()[0].copy()
    t0 = window.loaded.world.now_utc
    for _ in range(3):
        runner._last -= 1.0  # one "real" second per step
        runner._step()
    assert window.feed_error is None
    assert window.loaded.world.now_utc > t0
    assert not np.allclose(layer.positions_m()[0], x0)  # officers moved on the map


def test_legal_approve_dialog_records_the_decision_and_refuses_an_incomplete_one(window, qtbot):  # type: ignore[no-untyped-def]
    from console.domain.enums import Role

    case_id = _case_in_status(window, "legal_review")
    window.set_role(Role.LEGAL_REVIEWER)
    window.select_case(case_id)
    ctl = window.actions_ctl
    ctl.request(case_id, "legal_approve")
    dlg = ctl.dialog
    assert dlg is not None and set(dlg.decision_edits) == {"decision_no", "decision", "legal_basis"}
    dlg.set_decision({"decision": "罚款人民币伍仟元", "fine_cny": 5000})  # no document number
    with qtbot.waitSignal(ctl.refused, timeout=10_000) as blocker:
        dlg.accept()
    assert "决定书文号" in blocker.args[2] or "decision_no" in blocker.args[2]
    assert CaseService(window.loaded.ctx).get_case(case_id)["status"] == "legal_review"
    ctl.request(case_id, "legal_approve")
    dlg = ctl.dialog
    assert dlg is not None
    dlg.set_decision({"decision_no": "长城管罚字〔2026〕第0456号", "decision": "罚款人民币伍仟元", "fine_cny": 5000})
    with qtbot.waitSignal(ctl.succeeded, timeout=10_000):
        dlg.accept()
    approve = CaseService(window.loaded.ctx).events(case_id=case_id)[-1]
    assert approve.action == "legal_approve"
    assert approve.payload == {"decision": {"decision_no": "长城管罚字〔2026〕第0456号", "decision": "罚款人民币伍仟元",
                                            "fine_cny": 5000.0}}
