"""Soak slice for CI: a few simulated hours at full speed on PostgreSQL with the gateway taking Open311/QR/OsmAnd
traffic and two seats following the log (LISTEN/NOTIFY): zero errors, no 5xx, and both seats end on the same event
seq with the same projections as the database. (The full simulated day at 60× is bench/bench_soak.py.)"""

from __future__ import annotations

import os

from console.reliability.soak import SoakOptions, run_soak
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade

SIM_HOURS = float(os.environ.get("URBANOPS_SOAK_HOURS", "2"))


def test_soak_slice_has_no_errors_and_consistent_seats(pg_url: str) -> None:
    """PostgreSQL only: several writers (simulator, gateway) plus LISTEN/NOTIFY seats is the operations-centre setup
    (SQLite is the single-seat embedded database)."""
    db = Database(make_engine(pg_url))
    upgrade(db)
    report = run_soak(db, SoakOptions(sim_hours=SIM_HOURS, speed=3600.0, step_sim_s=60.0, realtime=False,
                                               seed_days=1, seed_scale=0.1, reports_per_sim_hour=12))
    assert report.steps == int(SIM_HOURS * 60)
    assert report.events > 0 and report.gateway_requests > report.steps
    assert report.errors == [], report.errors[:5]
    assert report.gateway_5xx == 0
    assert report.seats_last_seq == [report.db_last_seq, report.db_last_seq]
    assert report.seat_mismatches == [], report.seat_mismatches[:5]
    db.dispose()
