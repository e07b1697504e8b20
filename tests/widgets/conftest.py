"""Fixtures for the window tests: offscreen Qt, isolated QSettings, a small seeded SQLite world copied per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings

SEED_DAYS = 1
SEED_SCALE = 0.2
# The seeded history and the window's clock are pinned to a working-day afternoon (Wednesday 14:30 Asia/Shanghai):
# seeded from the wall clock, a run on a weekend or at night had no filed cases and the window tests went blind.
FIXED_NOW_UTC = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small demo world per test session (seeding is the slow part)."""
    from console.sim.seed import SeedOptions, seed_demo
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade

    path = tmp_path_factory.mktemp("seeded") / "demo.db"
    db = Database(make_engine(f"sqlite:///{path}"))
    upgrade(db)
    seed_demo(db, SeedOptions(days=SEED_DAYS, scale=SEED_SCALE, seed=3, now_utc=FIXED_NOW_UTC))
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def db_url(seeded_db_file: Path, tmp_path: Path) -> str:
    target = tmp_path / "demo.db"
    shutil.copy(seeded_db_file, target)
    return f"sqlite:///{target}"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[Path]:
    """QSettings go to a per-test INI directory, never the developer's real settings."""
    d = tmp_path / "settings"
    d.mkdir()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(d))
    yield d


@pytest.fixture
def loaded(db_url: str):  # type: ignore[no-untyped-def]
    from console.sim.simulator import SimClock
    from widgets.loader import LoadOptions, load_everything

    result = load_everything(LoadOptions(db_url=db_url, seed_if_empty=False),
                             clock=SimClock(FIXED_NOW_UTC))
    yield result
    result.db.dispose()


@pytest.fixture
def window(qtbot, loaded):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from widgets.fonts import install_cjk_font
    from widgets.main_window import MainWindow

    install_cjk_font(QApplication.instance())  # type: ignore[arg-type]
    w = MainWindow(theme="dark")
    qtbot.addWidget(w)
    w.show()
    w.attach(loaded)
    yield w
    w.shutdown()
