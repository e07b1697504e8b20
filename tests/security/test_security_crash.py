"""Crash safety: SIGKILL a process in the middle of a burst of case commands; the database stays consistent
(hash chain intact, projections equal a fresh rebuild, case counters match the case ids)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.cases import CaseService
from console.storage import eventstore, projection
from console.storage.models import AssetRow, CaseCounterRow, CaseReporterRow, CaseRow, OfficerRow
from tests.security.conftest import event_count, make_ctx

WORKER = Path(__file__).with_name("_crash_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def _snapshot(s: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model in (CaseRow, OfficerRow, AssetRow):
        cols = [c for c in model.__table__.columns if c.name != "geom"]  # type: ignore[attr-defined]
        rows = s.execute(select(*cols)).all()
        out[model.__tablename__] = sorted(tuple(str(v) for v in r) for r in rows)
    return out


def test_sigkill_mid_burst_leaves_a_consistent_database(db_url: str) -> None:
    ctx = make_ctx(db_url)
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, str(WORKER), db_url], stdout=subprocess.PIPE, env=env, cwd=ROOT)
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == b"running"
            start = event_count(ctx)
            deadline = time.monotonic() + 60
            while event_count(ctx) < start + 20 and time.monotonic() < deadline:
                time.sleep(0.02)
            os.kill(proc.pid, signal.SIGKILL)  # mid-burst: very likely inside a transaction
        finally:
            proc.kill()
            proc.wait(10)
        assert proc.returncode == -signal.SIGKILL
        with ctx.db.read_session() as s:
            assert eventstore.verify(s).ok
            n_cases = s.query(CaseRow).count()
            ids = list(s.scalars(select(CaseRow.id)))
            counters = {r.day: r.last for r in s.scalars(select(CaseCounterRow))}
            reporters = set(s.scalars(select(CaseReporterRow.case_id)))
        assert n_cases >= 6
        by_day: dict[str, int] = {}
        for cid in ids:
            by_day[cid[2:10]] = max(by_day.get(cid[2:10], 0), int(cid[10:]))
        assert counters == by_day  # no serial handed out without its case, none reused
        assert reporters == set(ids)  # no reporter without a case and vice versa
        with ctx.db.session() as s:  # rebuild in a transaction that is rolled back: a copy of the projections
            live = _snapshot(s)
            projection.rebuild(s)
            rebuilt = _snapshot(s)
            s.rollback()
        assert live == rebuilt
        case = CaseService(ctx).create_case(category="暴露垃圾", lon=121.4166, lat=31.2197, source="inspector",
                                            actor=Actor(Role.INSPECTOR, "after"))
        assert case["status"] == "reported"  # the database accepts work again (no stale lock)
    finally:
        ctx.db.dispose()
