"""Dispatch figures on a scratch PostgreSQL + PostGIS database (created and dropped here).

1. Recommendation for one case over 2,500 officers (vectorised ETA + penalties + top 5 with reasons) beside a
   PostGIS KNN query (``ORDER BY geom <-> point LIMIT 5`` on officers.geom) for the same case. Target p95 ≤ 5 ms.
2. Assignment commit (DispatchService.assign: lock, validate, append, project, NOTIFY, commit) beside a bare
   one-event append in its own transaction. Target p95 ≤ 20 ms.
3. Cross-seat propagation: commit on seat A → seat B's follower has the event, with LISTEN/NOTIFY, beside the same
   follower polling every 250 ms. Target p95 ≤ 300 ms.
Needs PostgreSQL at $URBANOPS_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("URBANOPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ZHOUJIAQIAO = "310105005000"


def _p95(samples: list[float]) -> float:
    return float(np.percentile(np.asarray(samples), 95))


def _row(name: str, value: float, unit: str, base_name: str, base: float, target: str, ok: bool) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "baseline_name": base_name, "baseline_value": base,
            "ratio": value / base if base else float("nan"), "target": target, "verdict": "met" if ok else "MISSED"}


def run(quick: bool = False) -> list[dict[str, Any]]:
    from console.domain.enums import Role
    from console.services.actor import Actor
    from console.services.context import ServiceContext
    from console.services.dispatch import DispatchService
    from console.services.recommend import OfficerSnapshot, default_weights, recommend
    from console.services.seat import SeatFollower
    from console.services.writer import CaseWriter
    from console.storage import eventstore
    from console.storage.db import Database, make_engine
    from console.storage.eventstore import EventDraft
    from console.storage.migrations_api import upgrade

    name = f"urbanops_bench_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    rows: list[dict[str, Any]] = []
    db = Database(make_engine(url))
    db_b = Database(make_engine(url))
    try:
        upgrade(db)
        ctx = ServiceContext(db)
        rng = np.random.default_rng(4)
        n_officers, n_cases = 2_500, 120 if quick else 400
        minx, miny, maxx, maxy = ctx.geo.geography.district.total_bounds
        admin = Actor(Role.ADMIN, "bench")
        lon_c = 121.4166 + rng.uniform(-0.006, 0.006, 6 * n_cases)
        lat_c = 31.2197 + rng.uniform(-0.006, 0.006, 6 * n_cases)
        located = ctx.geo.locator.locate(lon_c, lat_c)
        keep = np.flatnonzero(np.asarray(located.subdistrict_code, dtype=object) == ZHOUJIAQIAO)[:n_cases]
        case_ids: list[str] = []
        with db.session() as s:
            w = CaseWriter(s, ctx)
            w.upsert_entity("squad", "SQ005", {"name": "周家桥中队", "subdistrict_code": ZHOUJIAQIAO}, admin)
            for i in range(n_officers):
                w.upsert_entity("officer", f"OF{i:05d}", {
                    "name": f"队员{i}", "post": "officer", "squad_id": "SQ005", "subdistrict_code": ZHOUJIAQIAO,
                    "status": "on_duty_idle" if i % 7 else "off_duty", "active": True, "certified": i % 9 != 0,
                    "travel_mode": ("walk", "ebike", "car")[i % 3],
                    "lon": float(rng.uniform(minx, maxx)), "lat": float(rng.uniform(miny, maxy))}, admin)
            for i in keep:
                cid = str(w.create_case(category="E0101", lon=float(lon_c[i]), lat=float(lat_c[i]), source="inspector",
                                        actor=Actor(Role.INSPECTOR, "i"))["id"])
                w.act(cid, "accept", Actor(Role.CALL_TAKER, "c"))
                w.act(cid, "file", Actor(Role.SHIFT_LEADER, "z"))
                case_ids.append(cid)
            w.flush()

        # 1. recommendation vs PostGIS KNN
        snap = OfficerSnapshot.from_db(db, default_weights().default_mode)
        from console.storage import projection
        from console.storage.models import CaseRow

        with db.read_session() as s:
            case = projection.row_to_state(projection.CASE, s.get(CaseRow, case_ids[0]))
        reps = 200 if quick else 1000
        rec_t: list[float] = []
        for _ in range(reps):
            t = time.perf_counter()
            recommend(ctx, (case, snap), case_ids[0], top=5)
            rec_t.append(time.perf_counter() - t)
        knn_t: list[float] = []
        with db.engine.connect() as conn:
            stmt = text("SELECT id FROM officers ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT 5")
            for _ in range(reps):
                t = time.perf_counter()
                conn.execute(stmt, {"lon": case["lon"], "lat": case["lat"]}).all()
                knn_t.append(time.perf_counter() - t)
        rec_p95, knn_p95 = _p95(rec_t) * 1e3, _p95(knn_t) * 1e3
        rows.append(_row(f"recommend top 5 over {n_officers:,} officers, p95", rec_p95, "ms",
                         "PostGIS KNN geom <-> point LIMIT 5, p95", knn_p95, "≤ 5 ms", rec_p95 <= 5.0))

        # 3 (set up first): seat B follows with NOTIFY
        arrivals: dict[int, float] = {}
        cond = threading.Condition()

        def on_events(events: list[Any]) -> None:
            now = time.perf_counter()
            with cond:
                for ev in events:
                    arrivals[ev.seq] = now
                cond.notify_all()

        def propagate(follower: SeatFollower, n: int, offset: int) -> list[float]:
            lat_s: list[float] = []
            svc = DispatchService(ctx)
            for cid in case_ids[offset:offset + n]:
                svc.assign(cid, f"OF{1 + (len(lat_s) % 6):05d}", Actor(Role.DISPATCHER, "pq_a"))
                t_commit = time.perf_counter()
                with db.read_session() as s:
                    seq = eventstore.last_seq(s)
                with cond:
                    cond.wait_for(lambda seq=seq: seq in arrivals, timeout=5)  # type: ignore[misc]
                lat_s.append(arrivals.get(seq, t_commit + 5) - t_commit)
            return lat_s

        follower = SeatFollower(db_b, on_events, poll_s=30.0).start()
        follower.listening.wait(5)

        # 2. assignment commit vs a bare append (same transaction shape, no validation/projection)
        n_assign = n_cases // 2
        svc = DispatchService(ctx)
        times: list[float] = []
        for k, cid in enumerate(case_ids[:n_assign]):
            t = time.perf_counter()
            svc.assign(cid, f"OF{1 + (k % 6):05d}", Actor(Role.DISPATCHER, "pq_a"))
            times.append(time.perf_counter() - t)
        assign_t = times
        bare: list[float] = []
        for k in range(n_assign):
            t = time.perf_counter()
            with db.session() as s:
                eventstore.append(s, [EventDraft(actor="bench", role="system", action="note", entity_type="bench",
                                                 entity_id=str(k), ts_utc=datetime.now(UTC))])
            bare.append(time.perf_counter() - t)
        a95, b95 = _p95(assign_t) * 1e3, _p95(bare) * 1e3
        rows.append(_row("assignment commit on PostgreSQL, p95", a95, "ms", "bare one-event append + commit, p95",
                         b95, "≤ 20 ms", a95 <= 20.0))

        n_prop = (n_cases - n_assign) // 2
        propagate_t = propagate(follower, n_prop, n_assign)
        follower.stop()
        poller = _polling_follower_class()(db_b, on_events, poll_s=0.25).start()
        poll_t = propagate(poller, n_prop, n_assign + n_prop)
        poller.stop()
        p95, pb95 = _p95(propagate_t) * 1e3, _p95(poll_t) * 1e3
        rows.append(_row("cross-seat propagation (LISTEN/NOTIFY), p95", p95, "ms",
                         "same follower polling every 250 ms, p95", pb95, "≤ 300 ms", p95 <= 300.0))
    finally:
        db.dispose()
        db_b.dispose()
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()
    return rows


def _polling_follower_class() -> type[Any]:
    """The baseline: a SeatFollower that ignores NOTIFY and polls."""
    from console.services.seat import SeatFollower

    class PollingFollower(SeatFollower):
        @property
        def uses_notify(self) -> bool:
            return False

    return PollingFollower


if __name__ == "__main__":
    for r in run(quick=False):
        print(f"{r['name']}: {r['value']:.2f} {r['unit']}  | {r['baseline_name']}: {r['baseline_value']:.2f} "
              f"{r['unit']}  | ratio {r['ratio']:.2f}  | target {r['target']} → {r['verdict']}")
