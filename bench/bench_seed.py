"""Seeding the demo world: time and database size at --scale 10 (≥100k cases), beside scale 1 in the same run."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from console.sim.seed import SeedOptions, seed_demo
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade


def _seed(path: Path, scale: float, days: int) -> tuple[dict[str, Any], float, float]:
    db = Database(make_engine(f"sqlite:///{path}"))
    upgrade(db)
    started = time.perf_counter()
    report = seed_demo(db, SeedOptions(days=days, scale=scale, seed=1))
    elapsed = time.perf_counter() - started
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    size_mb = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    return report, elapsed, size_mb


def run(quick: bool = False) -> list[dict[str, Any]]:
    big_scale = 2.0 if quick else 10.0
    days = 14
    with tempfile.TemporaryDirectory() as tmp:
        base_report, base_s, base_mb = _seed(Path(tmp) / "s1.db", 1.0, days)
        report, elapsed, size_mb = _seed(Path(tmp) / "s10.db", big_scale, days)
    linear = base_s * big_scale
    return [
        {"name": f"seed --scale {big_scale:g} --days {days}: {report['cases']:,} cases, {report['events_written']:,} "
                 f"events, {report['officers']:,} officers", "value": elapsed, "unit": "s",
         "baseline_name": f"scale 1 ({base_report['cases']:,} cases) × {big_scale:g}", "baseline_value": linear,
         "ratio": elapsed / linear, "target": "report"},
        {"name": f"database size at scale {big_scale:g} (SQLite file + WAL)", "value": size_mb, "unit": "MB",
         "baseline_name": "scale 1", "baseline_value": base_mb, "ratio": size_mb / base_mb, "target": "report"},
        {"name": "seeding throughput", "value": report["events_written"] / elapsed, "unit": "events/s",
         "baseline_name": "scale 1", "baseline_value": base_report["events_written"] / base_s,
         "ratio": (report["events_written"] / elapsed) / (base_report["events_written"] / base_s), "target": "report"},
    ]


if __name__ == "__main__":
    from bench.__main__ import print_row

    for r in run():
        print_row(r)
