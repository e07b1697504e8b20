"""Soak: a simulated day at 60× (24 min real) on PostgreSQL with the HTTP gateway (Open311, QR form, OsmAnd) and
two seats following the log; reports memory growth and error counts. ``--quick``: one simulated hour at 60× (1 min).

Baselines measured in the same run: resident memory right after start-up (seeded world loaded, seats attached,
gateway up) — the growth is the figure; zero errors, zero 5xx and identical seats are the targets (issue 10).
Needs PostgreSQL (URBANOPS_TEST_PG_URL or 127.0.0.1:5432): a throwaway database is created and dropped.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("URBANOPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def run(quick: bool = False) -> list[dict[str, Any]]:
    from console.reliability.soak import SoakOptions, run_soak
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade

    hours = 1.0 if quick else 24.0
    name = f"urbanops_soak_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"))
    try:
        upgrade(db)
        report = run_soak(db, SoakOptions(sim_hours=hours, speed=60.0, step_sim_s=30.0, realtime=True,
                                          seed_days=1, seed_scale=0.2),
                          say=lambda m: print(f"   {m}", flush=True))
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    label = f"{hours:g} h simulated at 60×"
    ok = not report.errors and not report.gateway_5xx and not report.seat_mismatches
    per_hour = report.rss_growth_mb / hours
    for line in report.errors[:5]:
        print(f"   error: {line}", flush=True)
    return [
        {"name": f"soak memory growth ({label})", "value": report.rss_growth_mb, "unit": "MB",
         "baseline_name": "RSS after start-up", "baseline_value": report.rss_start_mb,
         "ratio": report.rss_end_mb / report.rss_start_mb if report.rss_start_mb else None,
         "target": "bounded (no steady climb)"},
        {"name": f"soak memory growth per simulated hour ({label})", "value": per_hour, "unit": "MB/h"},
        {"name": f"soak errors ({label})", "value": len(report.errors), "unit": "errors",
         "baseline_name": "expected", "baseline_value": 0, "target": "0", "verdict": "ok" if ok else "FAIL"},
        {"name": f"soak gateway requests / 5xx ({label})", "value": report.gateway_requests, "unit": "requests",
         "baseline_name": "5xx", "baseline_value": report.gateway_5xx},
        {"name": f"soak events written ({label})", "value": report.events, "unit": "events",
         "baseline_name": "real seconds", "baseline_value": report.real_s},
        {"name": f"soak seats consistent ({label})", "value": len(report.seat_mismatches), "unit": "mismatches",
         "baseline_name": "seats last seq / db", "baseline_value": f"{report.seats_last_seq} / {report.db_last_seq}",
         "verdict": "ok" if not report.seat_mismatches else "FAIL"},
        {"name": f"soak simulator refusals ({label})", "value": report.refusals, "unit": "refused commands"},
    ]


if __name__ == "__main__":
    from bench.__main__ import print_row

    for r in run():
        print_row(r)
