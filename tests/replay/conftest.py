"""Replay fixtures: one small seeded demo world per session, with synthetic officer tracks, copied per test."""

from __future__ import annotations

import math
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

SEED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # 20:00 Shanghai
FIX_EVERY_S = 30


def write_tracks(url: str, now: datetime, hours: float = 6.0, officers: int = 30) -> None:
    """Patrol loops for the first ``officers`` officers: one fix every 30 s over the last ``hours`` (positions table)."""
    from sqlalchemy import insert, select

    from console.storage.db import Database, make_engine
    from console.storage.models import OfficerRow, PositionRow

    db = Database(make_engine(url))
    with db.session() as s:
        rows = s.execute(select(OfficerRow.id, OfficerRow.lon, OfficerRow.lat).order_by(OfficerRow.id)
                         .limit(officers)).all()
        start = now - timedelta(hours=hours)
        n = int(hours * 3600 / FIX_EVERY_S)
        batch = []
        for k, (oid, lon, lat) in enumerate(rows):
            lon0 = float(lon if lon is not None else 121.40)
            lat0 = float(lat if lat is not None else 31.21)
            for i in range(n):
                a = 2 * math.pi * (i / 120.0 + k / officers)
                batch.append({"officer_id": oid, "ts_utc": start + timedelta(seconds=i * FIX_EVERY_S),
                              "lon": lon0 + 0.004 * math.cos(a), "lat": lat0 + 0.003 * math.sin(a)})
        s.execute(insert(PositionRow), batch)
    with db.engine.connect() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()


@pytest.fixture(scope="session")
def replay_seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from console.sim.seed import SeedOptions, seed_demo
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade

    path = tmp_path_factory.mktemp("replay_seed") / "demo.db"
    url = f"sqlite:///{path}"
    db = Database(make_engine(url))
    upgrade(db)
    seed_demo(db, SeedOptions(days=2, scale=0.15, seed=4, now_utc=SEED_NOW))
    db.dispose()
    write_tracks(url, SEED_NOW)
    return path


@pytest.fixture
def replay_db_file(replay_seed_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "live.db"
    shutil.copy(replay_seed_file, target)
    return target


@pytest.fixture
def replay_db_url(replay_db_file: Path) -> str:
    return f"sqlite:///{replay_db_file}"
