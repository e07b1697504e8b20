"""Analytics fixtures: one small seeded demo world per session (copied when a test writes to it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from console.sim.seed import SeedOptions, seed_demo
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade

    path = tmp_path_factory.mktemp("analytics_seed") / "demo.db"
    db = Database(make_engine(f"sqlite:///{path}"))
    upgrade(db)
    seed_demo(db, SeedOptions(days=2, scale=0.3, seed=5))
    db.dispose()
    return path


@pytest.fixture
def seeded_url(seeded_file: Path, tmp_path: Path) -> str:
    """A private copy of the seeded world (tests may append events)."""
    target = tmp_path / "demo.db"
    shutil.copy(seeded_file, target)
    return f"sqlite:///{target}"
