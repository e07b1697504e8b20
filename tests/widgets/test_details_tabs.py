"""The case details dock: compact header and workflow buttons above tabs for fields, evidence/video, notes and history
(real window on the seeded SQLite world, offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from console.services.cases import CaseService
from widgets.details_panel import TAB_KEYS, CaseDetails, sla_colour
from widgets.labels import status_text
from widgets.theme import OVERDUE_COLOUR, WARN_COLOUR

pytestmark = pytest.mark.gui


def _case(window: Any, statuses: tuple[str, ...]) -> str:
    return next(cid for cid, c in sorted(window.loaded.world.cases.items()) if c["status"] in statuses)


def test_header_facts_and_buttons_stay_above_the_tabs(window) -> None:  # type: ignore[no-untyped-def]
    cid = _case(window, ("dispatched", "handling"))
    assert window.select_case(cid)
    view = window.details.case_view
    case = CaseService(window.loaded.ctx).get_case(cid)
    assert cid in view.title.text() and view.status_chip.text() == status_text(case["status"])
    assert str(case["category_minor_name"]) in view.category.text()
    assert "●" in view.sla.text() and "时限" in view.deadline.text()
    assert view.buttons and view.actions_box.isVisible()
    # whichever tab is open, the header and the buttons are in view
    for key in TAB_KEYS:
        view.show_tab(key)
        assert view.current_tab() == key and view.header.isVisible() and view.actions_box.isVisible()
    # the 详情 tab: address, the officer with the squad, the category's 责任单位 (立结案标准), the reporter
    fields = view.body.toPlainText()
    officer = window.loaded.world.officers[str(case["assignee"])]
    rule = window.loaded.ctx.taxonomy.rule_for(str(case["category_code"]), str(case["priority"]))
    assert str(case["assignee"]) in fields and str(officer["name"]) in fields
    assert "责任单位" in fields and rule.responsible_unit in fields
    squad = window.loaded.world.assets["squad"][str(officer["squad_id"])]["name"]
    assert str(squad) in fields


def test_feature_panels_live_in_their_tabs(window) -> None:  # type: ignore[no-untyped-def]
    view = window.details.case_view
    notes, video = window.collab_ui.notes, window.video_ui.panel
    assert notes is not None and view.tabs.isTabVisible(TAB_KEYS.index("notes"))
    assert view.tabs.indexOf(view.tabs.currentWidget()) == 0  # 详情 first
    pages = {key: view.tabs.widget(i) for i, key in enumerate(TAB_KEYS)}
    assert pages["notes"].isAncestorOf(notes) and pages["evidence"].isAncestorOf(video)
    assert not any(p.isAncestorOf(window.dispatch_ui.panel) for p in pages.values())  # recommendations: always shown
    assert pages["history"].isAncestorOf(view.history) and pages["details"].isAncestorOf(view.body)


def test_notes_tab_counts_and_marks_new_notes(window) -> None:  # type: ignore[no-untyped-def]
    cid = _case(window, ("dispatched", "handling"))
    assert window.select_case(cid)
    view, notes = window.details.case_view, window.collab_ui.notes
    view.show_tab("details")
    base = view.tabs.tabText(TAB_KEYS.index("notes"))
    assert "新" not in base  # notes already there when the case opens are not "new"
    notes.input.setText("请现场队员拍照回传")
    notes.send()  # e.g. another seat's note arriving while the dispatcher reads the fields
    text = view.tabs.tabText(TAB_KEYS.index("notes"))
    assert view.unread("notes") == 1 and "+1 新" in text
    view.show_tab("notes")
    assert view.unread("notes") == 0 and "新" not in view.tabs.tabText(TAB_KEYS.index("notes"))
    assert "（" in view.tabs.tabText(TAB_KEYS.index("notes"))
    other = _case(window, ("reported",))
    window.select_case(other)
    assert view.unread("notes") == 0 and view.unread("history") == 0


def test_history_tab_lists_the_events_and_grows_as_new(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from console.domain.enums import Role

    cid = _case(window, ("filed",))
    window.set_role(Role.DISPATCHER)
    window.select_case(cid)
    view = window.details.case_view
    view.show_tab("details")
    events = CaseService(window.loaded.ctx).events(case_id=cid)
    assert view.tabs.tabText(TAB_KEYS.index("history")).endswith(f"（{len(events)}）")
    target = next(oid for oid, o in window.loaded.world.officers.items()
                  if o.get("post") == "officer" and o.get("status") == "on_duty_idle")
    with qtbot.waitSignal(window.actions_ctl.succeeded, timeout=10_000):
        window.actions_ctl.run(cid, "assign", target=target, override_reason="测试")
    assert view.unread("history") == 1 and f"（{len(events) + 1}）" in view.history.toHtml()


def test_case_details_alone_without_feature_areas(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = CaseDetails()
    qtbot.addWidget(view)
    view.show_case({"id": "CN1", "status": "reported", "category_code": "E0101", "priority": "urgent",
                    "reporter": {"name": "张*", "phone": "139****0000", "masked": True}}, [], [], {})
    assert not view.tabs.isTabVisible(TAB_KEYS.index("notes"))  # no collaboration area: no empty tab
    assert not view.actions_box.isVisible() and view.sla.text() == ""
    assert "已脱敏" in view.body.toPlainText() and "139****0000" in view.body.toPlainText()
    assert "没有证据文件" in view.evidence.text()
    view.set_tab_count("evidence", 3)  # arrived while the 详情 tab is open
    assert view.unread("evidence") == 3
    view.update_sla(None, None)
    assert view.deadline.text() == ""


def test_sla_light_colours() -> None:
    assert sla_colour(-1) == OVERDUE_COLOUR and sla_colour(600) == WARN_COLOUR
    assert sla_colour(7200) not in (OVERDUE_COLOUR, WARN_COLOUR)


@pytest.mark.slow
def test_demo_screenshot_of_a_chosen_case_at_a_chosen_size(db_url: str, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"), HOME=str(tmp_path))
    base = [sys.executable, "-m", "console.cli.main", "demo", "--db", db_url, "--quit-after", "1"]
    out = tmp_path / "shot.png"
    proc = subprocess.run([*base, "--screenshot", str(out), "--screenshot-size", "1920x1080",
                           "--select-case", "CN-NO-SUCH"], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2 and "CN-NO-SUCH" in proc.stderr and not out.exists()
    proc = subprocess.run([*base, "--screenshot", str(out), "--screenshot-size", "1920"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "1920x1080" in proc.stderr
    proc = subprocess.run([*base, "--screenshot", str(out), "--screenshot-size", "1920x1080"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1920, 1080)
