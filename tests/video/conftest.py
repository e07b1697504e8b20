"""Fixtures for the video tests: offscreen Qt and a real synthetic camera server on a free loopback port."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from console.video.camera_server import CameraServer


@pytest.fixture
def camera_server() -> Iterator[CameraServer]:
    srv = CameraServer(port=0, fps=15, size=(320, 180), cameras=[("CAM-LK01", "临空01号智能探头")])
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def video_seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small seeded demo world (cameras with positions, headings, fov) per session."""
    from console.sim.seed import SeedOptions, seed_demo
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade

    path = tmp_path_factory.mktemp("video_seeded") / "demo.db"
    db = Database(make_engine(f"sqlite:///{path}"))
    upgrade(db)
    seed_demo(db, SeedOptions(days=1, scale=0.2, seed=3))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def video_db_url(video_seeded_db: Path, tmp_path: Path) -> str:
    target = tmp_path / "demo.db"
    shutil.copy(video_seeded_db, target)
    return f"sqlite:///{target}"


@pytest.fixture
def video_window(qtbot, video_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The real main window on a seeded world, with the synthetic camera server started in process (as the demo)."""
    from datetime import UTC, datetime

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from console.sim.simulator import SimClock
    from widgets.fonts import install_cjk_font
    from widgets.loader import LoadOptions, load_everything
    from widgets.main_window import MainWindow
    from widgets.video.video_ui import ENV_CAMERA_API, ENV_SERVER, enable_demo_cameras

    monkeypatch.delenv(ENV_SERVER, raising=False)
    monkeypatch.delenv(ENV_CAMERA_API, raising=False)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    loaded = load_everything(LoadOptions(db_url=video_db_url, seed_if_empty=False),
                             clock=SimClock(datetime.now(UTC).replace(microsecond=0)))
    install_cjk_font(QApplication.instance())  # type: ignore[arg-type]
    enable_demo_cameras()
    w = MainWindow(theme="dark")
    qtbot.addWidget(w)
    w.show()
    w.attach(loaded)
    yield w
    w.shutdown()
    enable_demo_cameras(False)
    loaded.db.dispose()
