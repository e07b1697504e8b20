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
