"""The menu bar: 文件 / 视图 / 勤务 / 帮助, dock toggles, the offline map export on a worker, screenshot, about box."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.gui


def test_menu_bar_order_and_view_toggles(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[:2] == ["文件(F)", "视图(V)"] and "勤务" in titles and titles[-1] == "帮助(H)"
    toggles = {a.text(): a for a in window.menus.view_menu.actions()}
    queue_toggle = toggles["案件队列"]
    assert queue_toggle.isChecked()
    queue_toggle.trigger()
    assert not window.queue_dock.isVisible()
    window.menus.restore_layout()
    assert window.queue_dock.isVisible() and queue_toggle.isChecked()


def test_export_offline_map_runs_on_a_worker_and_writes_the_open_cases(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "map.html"
    worker = window.menus.export_html_map(str(out))
    assert worker is not None
    with qtbot.waitSignal(worker.done, timeout=60_000) as blocker:
        pass
    path, n_open = blocker.args
    assert Path(path) == out and n_open > 0
    html = out.read_text(encoding="utf-8")
    assert "L.map" in html and '<script src="http' not in html  # Leaflet inlined: the file works offline
    assert f"（{n_open} 件未结案件）" in window.statusBar().currentMessage()


def test_export_to_an_unwritable_place_says_so(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker_file = tmp_path / "a-file"
    blocker_file.write_text("x", encoding="utf-8")
    worker = window.menus.export_html_map(str(blocker_file / "map.html"))  # its "folder" is a file
    assert worker is not None
    with qtbot.waitSignal(worker.failed, timeout=60_000) as blocker:
        pass
    assert blocker.args[0]
    qtbot.waitUntil(lambda: window.menus.message_box is not None and window.menus.message_box.isVisible())


def test_screenshot_shortcuts_and_about(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from console import __version__

    shot = tmp_path / "w.png"
    assert window.menus.save_screenshot(str(shot)) and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not window.menus.save_screenshot(str(tmp_path / "nope" / "w.png"))
    keys = window.menus.shortcuts_text()
    assert "F9" in keys and "Ctrl+F" in keys
    about = window.menus.show_about()
    assert __version__ in about.text() and "ODbL" in about.text() and "PROVENANCE" in about.text()
