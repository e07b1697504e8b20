"""Drill sandbox: restore the demo world at an instant, and score a drill.

Restore (copy events ≤ t in log order in batches, rebuild the projections once) is printed beside the naive fold —
one query per entity for its events up to t, folded in Python — measured in the same run on the same source. Scoring
is printed per injected case beside reading the sandbox's whole log once (the floor of any scorer).
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from console.sim.seed import SeedOptions, seed_demo
from console.storage import eventstore, projection
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade
from console.storage.models import EventRow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def _naive_fold(db: Database, t: datetime) -> int:
    with db.read_session() as s:
        keys = s.execute(select(EventRow.entity_type, EventRow.entity_id).where(EventRow.ts_utc <= t).distinct()).all()
        n = 0
        for etype, eid in keys:
            state: dict[str, Any] | None = None
            for ev in eventstore.read(s, 0, entity_id=eid, until_ts=t):
                if ev.entity_type == etype:
                    state = projection.fold(state, ev)
            n += state is not None
    return n


def run(quick: bool = False) -> list[dict[str, Any]]:
    from console.training.drill import DrillRunner, prepare_drill
    from console.training.scoring import score_drill

    days = 2 if quick else 4
    tmp = Path(tempfile.mkdtemp(prefix="bench-training-"))
    src_url = f"sqlite:///{tmp / 'src.db'}"
    src = Database(make_engine(src_url))
    upgrade(src)
    seed_demo(src, SeedOptions(seed=3, days=days, scale=1.0))
    today = datetime.now(LOCAL_TZ).date()
    t = datetime.combine(today - timedelta(days=1), datetime.min.time(), tzinfo=LOCAL_TZ).replace(hour=12)
    t = t.astimezone(UTC)
    with src.read_session() as s:
        n_events = len(s.execute(select(EventRow.seq).where(EventRow.ts_utc <= t)).all())
    started = time.perf_counter()
    info = prepare_drill(src, t, f"sqlite:///{tmp / 'sb.db'}", speed=60, duration=timedelta(hours=1))
    restore_s = time.perf_counter() - started
    started = time.perf_counter()
    entities = _naive_fold(src, t)
    naive_s = time.perf_counter() - started
    rows: list[dict[str, Any]] = [{
        "name": f"prepare drill at t ({n_events:,} events ≤ t, {info.restore.cases:,} cases, {entities:,} entities)",
        "value": restore_s, "unit": "s", "baseline_name": "naive per-entity fold (one query per entity)",
        "baseline_value": naive_s, "ratio": restore_s / naive_s if naive_s else None, "target": "< 30 s for a day"}]
    sb = Database(make_engine(f"sqlite:///{tmp / 'sb.db'}"))
    DrillRunner(sb, simulate_field=False).run(tick_sim_s=60)
    started = time.perf_counter()
    report = score_drill(sb)
    score_s = time.perf_counter() - started
    n_cases = len(report.missed) + sum(len(x.cases) for x in report.trainees)
    started = time.perf_counter()
    with sb.read_session() as s:
        list(eventstore.iterate(s))
    read_s = time.perf_counter() - started
    rows.append({"name": f"score a one-hour drill ({n_cases} injected cases)", "value": score_s, "unit": "s",
                 "baseline_name": "read the sandbox's whole log once", "baseline_value": read_s,
                 "ratio": score_s / read_s if read_s else None, "target": "< 2 s"})
    sb.dispose()
    src.dispose()
    return rows


if __name__ == "__main__":
    from bench.__main__ import print_row

    for r in run():
        print_row(r)
