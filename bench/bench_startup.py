"""Cold start to first painted map (beside the bare import time of the stack) and memory after simulated hours."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _probe(*args: str) -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "bench._startup_probe", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=1200)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"probe failed: {out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def run(quick: bool = False) -> list[dict[str, Any]]:
    from console.sim.seed import SeedOptions, seed_demo
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'start.db'}"
        db = Database(make_engine(url))
        upgrade(db)
        seed_demo(db, SeedOptions(days=3 if quick else 14, scale=1.0))
        db.dispose()
        repeats = 2 if quick else 3
        imports = [_probe("imports")["imports_s"] for _ in range(repeats)]
        windows = [_probe("window", url) for _ in range(repeats)]
        imp = statistics.median(imports)
        painted = statistics.median(w["window_painted_s"] for w in windows)
        mapped = statistics.median(w["map_painted_s"] for w in windows)
        rows.append({"name": "cold start to first painted window", "value": painted, "unit": "s",
                     "baseline_name": "bare import of the stack", "baseline_value": imp, "ratio": painted / imp,
                     "target": "≤ 2 s", "verdict": "met" if painted <= 2 else "MISSED"})
        rows.append({"name": "cold start to loaded, painted map", "value": mapped, "unit": "s",
                     "baseline_name": "bare import of the stack", "baseline_value": imp, "ratio": mapped / imp,
                     "target": "≤ 2 s", "verdict": "met" if mapped <= 2 else f"MISSED by {mapped - 2:.2f} s"})
        hours = 1.0 if quick else 10.0
        mem = _probe("memory", url, str(hours), "1200")
        rows.append({"name": f"RSS after {mem.get('sim_hours', 0):.1f} simulated hours", "value": mem["rss_after_mb"],
                     "unit": "MB", "baseline_name": "RSS right after loading", "baseline_value": mem["rss_loaded_mb"],
                     "ratio": mem["rss_after_mb"] / mem["rss_loaded_mb"], "target": "report"})
    return rows


if __name__ == "__main__":
    from bench.__main__ import print_row

    for r in run():
        print_row(r)
