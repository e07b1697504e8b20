"""Real concurrency on PostgreSQL: 8 processes × 500 assignment attempts on 200 shared cases.

The writer takes the chain-head row lock before reading the case, so of all racing dispatchers exactly one can
assign a case; every other attempt gets "already assigned by X at T" and writes nothing. Runs in CI (needs the
PostgreSQL service; with URBANOPS_REQUIRE_SERVICES=1 a missing server fails instead of skipping).
"""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from sqlalchemy import func, select

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import eventstore
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade
from console.storage.models import CaseRow, EventRow
from tests.dispatch._concurrency_worker import hammer
from tests.dispatch.conftest import ZHOUJIAQIAO

PROCESSES = 8
ATTEMPTS = 500
N_CASES = 200
N_OFFICERS = 20


def _setup(url: str) -> tuple[list[str], list[str]]:
    db = Database(make_engine(url))
    upgrade(db)
    ctx = ServiceContext(db)
    rng = np.random.default_rng(11)
    lon = 121.4166 + rng.uniform(-0.006, 0.006, 4 * N_CASES)
    lat = 31.2197 + rng.uniform(-0.006, 0.006, 4 * N_CASES)
    located = ctx.geo.locator.locate(lon, lat)
    keep = np.flatnonzero(np.asarray(located.subdistrict_code, dtype=object) == ZHOUJIAQIAO)[:N_CASES]
    assert keep.size == N_CASES
    admin = Actor(Role.ADMIN, "setup")
    officers = [f"OF{i:03d}" for i in range(N_OFFICERS)]
    case_ids: list[str] = []
    with db.session() as s:
        w = CaseWriter(s, ctx)
        w.upsert_entity("squad", "SQ005", {"name": "周家桥中队", "subdistrict_code": ZHOUJIAQIAO}, admin)
        for k, oid in enumerate(officers):
            w.upsert_entity("officer", oid, {"name": f"队员{k}", "post": "officer", "squad_id": "SQ005",
                                             "subdistrict_code": ZHOUJIAQIAO, "status": "on_duty_idle",
                                             "active": True, "certified": True, "lon": 121.41, "lat": 31.22}, admin)
        for i in keep:
            cid = str(w.create_case(category="E0101", lon=float(lon[i]), lat=float(lat[i]), source="inspector",
                                    actor=Actor(Role.INSPECTOR, "i"))["id"])
            w.act(cid, "accept", Actor(Role.CALL_TAKER, "c"))
            w.act(cid, "file", Actor(Role.SHIFT_LEADER, "z"))
            case_ids.append(cid)
        w.flush()
    db.dispose()
    return case_ids, officers


def test_racing_dispatchers_never_double_assign(pg_url: str) -> None:
    case_ids, officers = _setup(pg_url)
    db = Database(make_engine(pg_url))
    with db.read_session() as s:
        setup_events = eventstore.last_seq(s)
    with ProcessPoolExecutor(PROCESSES, mp_context=mp.get_context("spawn")) as pool:
        results = list(pool.map(hammer, [pg_url] * PROCESSES, range(PROCESSES), [ATTEMPTS] * PROCESSES,
                                [case_ids] * PROCESSES, [officers] * PROCESSES))
    won = [pair for r in results for pair in r["won"]]
    assert [msg for r in results for msg in r["other"]] == []
    assert len(won) + sum(r["conflicts"] for r in results) == PROCESSES * ATTEMPTS
    per_case = Counter(case_id for case_id, _ in won)
    assert max(per_case.values()) == 1, "a case was assigned twice"
    with db.read_session() as s:
        assign_events = s.execute(select(EventRow.case_id, EventRow.entity_id, func.count()).where(
            EventRow.action == "assign").group_by(EventRow.case_id, EventRow.entity_id)).all()
        assert all(n == 1 for _, _, n in assign_events)
        assert len(assign_events) == len(won)
        total = s.execute(select(func.count()).select_from(EventRow)).scalar()
        assert total == setup_events + len(won)  # nothing lost, nothing duplicated
        seqs = [r[0] for r in s.execute(select(EventRow.seq).order_by(EventRow.seq))]
        assert seqs == list(range(1, total + 1))
        assignees = dict(s.execute(select(CaseRow.id, CaseRow.assignee).where(CaseRow.status == "dispatched")).all())
        assert assignees == dict(won)  # the projection names each case's one winner
        result = eventstore.verify(s)
        assert result.ok and result.checked == total, result.problem
    db.dispose()
