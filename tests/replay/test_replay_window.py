"""The console in replay mode: visibly different, no enabled write action, one clock for every panel, no writes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton, QToolBar

from .conftest import SEED_NOW

pytestmark = pytest.mark.gui
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[Path]:
    d = tmp_path / "settings"
    d.mkdir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(d))
    yield d


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def replay_window(qtbot, replay_db_file: Path):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from widgets.fonts import install_cjk_font
    from widgets.replay.app import open_replay_window
    from widgets.replay.loader import ReplayRequest

    install_cjk_font(QApplication.instance())  # type: ignore[arg-type]
    req = ReplayRequest(None, f"sqlite:///{replay_db_file}", SEED_NOW - timedelta(hours=8), None)
    window, controller, worker = open_replay_window(req)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.loadFinished, timeout=180_000):
        pass
    yield window, controller
    controller.set_playing(False)
    worker.cancel()
    window.shutdown()
    worker.wait(120_000)
    controller.rl.session.close()


def test_replay_window_is_visibly_different_and_offers_no_write_action(replay_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from widgets.context_menus import case_menu, officer_menu
    from widgets.labels import action_text
    from widgets.replay.timeline import ACCENT

    window, controller = replay_window
    banner = window.findChild(QToolBar, "replay_banner")
    assert banner is not None and banner.isVisible()
    assert "回放模式 / REPLAY" in controller.banner_label.text()
    assert ACCENT in window.styleSheet() and "REPLAY" in window.windowTitle()
    assert window.read_only and window.dispatch_ui is None and not window.role_combo.isEnabled()
    world = controller.rl.clock.world
    workflow_words = {action_text(a) for a in window.loaded.ctx.workflow.actions}
    for status in ("filed", "reported", "dispatched", "handling"):
        cid = next((c for c, s in sorted(world.cases.items()) if s["status"] == status), None)
        if cid is None:
            continue
        assert window.select_case(cid, source="api")
        assert window.details.case_view.buttons == {} and not window.details.case_view.actions_box.isVisible()
        menu_words = {a.text() for a in case_menu(window, cid).actions() if a.text()}
        assert not (menu_words & workflow_words), f"workflow actions offered on {status} case {cid}"
        officer = next(iter(world.officers))
        assert not any("派遣" in a.text() for a in officer_menu(window, officer).actions())
        assert not window.run_first_available(["assign", "accept", "file", "close"])
    enabled = [b.text() for b in window.findChildren(QPushButton) if b.isEnabled() and b.isVisible()
               and b.text() in workflow_words]
    assert enabled == []


def test_one_clock_drives_every_panel_and_the_database_is_untouched(replay_window, qtbot, replay_db_file: Path
                                                                    ) -> None:  # type: ignore[no-untyped-def]
    window, controller = replay_window
    qtbot.waitUntil(lambda: controller.tracks_ready, timeout=120_000)  # the full tracks follow the first frame
    before = _digest(replay_db_file)
    clock, session = controller.rl.clock, controller.rl.session
    start = clock.t_s
    clock.set_speed(120.0)
    controller.set_playing(True)
    qtbot.waitUntil(lambda: clock.t_s > start + 60, timeout=20_000)
    controller.set_playing(False)
    t = clock.t_s
    want = session.state_at(t)
    assert {k: v["status"] for k, v in clock.world.cases.items()} == {k: v["status"] for k, v in want.cases.items()}
    assert window.case_model.rowCount() == len(want.cases)
    # the ticker holds the action log up to t, nothing later
    shown = [window.ticker.list.item(i).text() for i in range(window.ticker.list.count())]
    assert shown, "the ticker shows the dispatcher action log up to t"
    # jump, step, typed time, follow
    controller.seek(session.index.from_s + 3600)
    assert clock.t_s == pytest.approx(session.index.from_s + 3600)
    assert controller.timeline.time_label.text().endswith(":00")
    assert controller.jump_to_text("18:15")
    assert controller.timeline.time_label.text().endswith("18:15:00")
    assert not controller.jump_to_text("not a time")
    tracked = session.tracks.officer_ids[0]
    assert window.select_officer(tracked, source="api")
    controller.set_follow(True)
    o = clock.world.officers[tracked]
    controller.timeline.stepRequested.emit(60.0)
    cx, cy = window.map.canvas.view_centre_m()
    from console.geo.projection import lonlat_wgs84_to_xy_m

    x, y = lonlat_wgs84_to_xy_m(float(o["lon"]), float(o["lat"]))
    assert abs(cx - float(x)) < 5 and abs(cy - float(y)) < 5, "the map keeps the followed officer centred"
    assert controller.trails is not None and controller.trails.update(clock.t_s) > 0
    qtbot.waitUntil(lambda: "指标" in controller.kpi_label.text(), timeout=30_000)
    assert _digest(replay_db_file) == before


def test_cli_renders_a_replay_file_at_a_moment_headlessly(replay_db_url: str, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    from console.cli.main import main

    out = tmp_path / "day.urbanops-replay"
    assert main(["replay", "export", "--db", replay_db_url, "--from", "2026-11-28T12:00", "--to",
                 "2026-11-28T20:00", "--out", str(out)]) == 0
    png = tmp_path / "replay.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO),
               URBANOPS_SETTINGS_DIR=str(tmp_path / "shot-settings"))
    proc = subprocess.run([sys.executable, "-m", "console.cli.main", "replay", str(out), "--at", "16:30",
                           "--screenshot", str(png), "--quit-after", "1"], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1600, 1000)
    def amber(y: int) -> bool:
        c = image.pixelColor(800, y)
        return c.red() > 200 and 120 < c.green() < 200 and c.blue() < 80

    assert any(amber(y) for y in range(0, 120)), "the amber REPLAY banner runs across the top (under any menu bar)"


def test_a_camera_detection_opens_its_clip_at_that_moment(replay_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("av", reason="the video module (PyAV) is not installed")
    window, controller = replay_window
    session = controller.rl.session
    ai = next((e for e in session.index.events if e.action == "create" and (e.after or {}).get("camera_id")), None)
    if ai is None:
        pytest.skip("no AI-camera case in the seeded period")
    controller.seek(ai.ts_utc.timestamp() + 60)
    assert controller.cameras.count() > 0
    item = next(controller.cameras.item(i) for i in range(controller.cameras.count())
                if ai.entity_id in controller.cameras.item(i).text())
    controller._camera_clicked(item)
    dialog = window.clip_dialog
    with qtbot.waitSignal(dialog.player.ready, timeout=180_000):
        pass
    assert dialog.path is not None and Path(dialog.path).stat().st_size > 0
    assert str((ai.after or {})["camera_id"]) in dialog.windowTitle()
    dialog.player.close_clip()
    dialog.close()
