"""Collaboration widgets in the real main window on a seeded SQLite world (offscreen): case notes and handoffs in
the details panel, the notice bar, the handover window with PDF export, the workroom panel and the workstation view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.widgets.conftest import FIXED_NOW_UTC

pytestmark = pytest.mark.gui


def _open_case(window) -> str:  # type: ignore[no-untyped-def]
    world = window.loaded.world
    cid = next(c["id"] for c in world.cases.values() if c["status"] in ("dispatched", "handling"))
    assert window.select_case(cid)
    return str(cid)


def test_notes_thread_and_handoff_in_case_details(window, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("URBANOPS_ATTACHMENTS_DIR", str(tmp_path / "att"))
    cid = _open_case(window)
    notes = window.collab_ui.notes
    window.details.case_view.show_tab("notes")
    assert notes is not None and notes.case_id == cid and notes.isVisibleTo(window)
    notes.input.setText("@华阳路中队 请协助核实")
    notes.send()
    assert "华阳路中队" in notes.thread.toPlainText() and notes.input.text() == ""
    notes.input.setText("@查无此人 请处理")
    notes.send()
    assert notes.message.isVisibleTo(window) and "查无此人" in notes.message.text()
    assert notes.input.text() == "@查无此人 请处理"  # the text is kept for correction
    case = window.loaded.world.cases[cid]
    target = "SQ005" if not str(case.get("assignee", "")).startswith("SQ005") else "SQ001"
    assert notes.request_handoff(target, "辖区交界，请接收")
    assert notes.accept_btn.isVisibleTo(window) and target in notes.pending_label.text()
    assert notes.decide(True)
    assert "已接收" in notes.thread.toPlainText() and not notes.accept_btn.isVisibleTo(window)


def test_notice_bar_shows_a_new_notice_after_the_log_is_followed(window) -> None:  # type: ignore[no-untyped-def]
    from console.domain.enums import Role
    from console.services.actor import Actor

    ui = window.collab_ui
    ui.collab.post_notice("暴雨预警：注意积水点", Actor(Role.SHIFT_LEADER, "zb"), level="urgent",
                          ts_utc=window.loaded.world.now_utc)
    window.loaded.world.tail(window.loaded.db)  # what the seat follower / simulator step does
    assert "暴雨预警" in ui.notice_bar.label.text()
    assert window.ticker.list.count() and "暴雨预警" in window.ticker.list.item(0).text()


def test_handover_window_and_pdf(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    h = window.collab_ui.open_handover()
    qtbot.waitUntil(lambda: h.digest is not None, timeout=20_000)
    assert h.tabs.count() == 7 and "在办" in h.summary.text()
    out = h.export_pdf(tmp_path / "handover.pdf")
    assert out is not None and out.read_bytes()[:5] == b"%PDF-"


def test_workroom_panel_lists_the_188_workrooms(window) -> None:  # type: ignore[no-untyped-def]
    panel = window.collab_ui.open_workrooms()
    assert panel.table.rowCount() == 188
    panel.filter.setText("WR007")
    visible = [r for r in range(panel.table.rowCount()) if not panel.table.isRowHidden(r)]
    assert [panel.table.item(r, 0).text() for r in visible] == ["WR007"]
    assert panel.select_workroom("WR007") and "WR007" in panel.detail.text()


def test_workstation_view_shows_an_alarm_raising_and_closing_an_order(window) -> None:  # type: ignore[no-untyped-def]
    from console.feeds.config import GatewayConfig, build_processor

    view = window.collab_ui.open_workstations()
    assert view.combo.count() == 21
    station = view.view
    sensor = station["sensors"][0]
    kind, threshold = sensor["sensor_kind"], float(sensor["threshold"])
    proc = build_processor(window.loaded.ctx, GatewayConfig(), batch_size=1)
    ts = FIXED_NOW_UTC.timestamp()
    high = {"smoke": 1.0}.get(kind, threshold * 1.3)
    assert proc.handle(f"urbanops/sensors/{sensor['id']}/reading",
                       json.dumps({"ts": ts, "kind": kind, "value": high})) == "accepted"
    window.collab_ui.stations.sync(FIXED_NOW_UTC)
    window.loaded.world.tail(window.loaded.db)  # the view refreshes on the work-order event
    assert view.sensors.item(0, 4).text() == "报警"
    assert view.orders.rowCount() == 1 and view.orders.item(0, 1).text() == "在办"
    assert view.close_order(view.orders.item(0, 0).text(), "居委网格员已到场处置")
    assert view.orders.item(0, 1).text() == "已办结"
