"""Open311 POST latency (client-observed, real HTTP on loopback) on SQLite and PostgreSQL.

Each POST validates, locates the point, checks for a duplicate to merge with under the chain lock, appends the
event, projects the case and records the request. Baseline: a bare GET services.json on the same server in the same
run (HTTP + routing + rendering, no database). Target: POST p95 ≤ 50 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text

from console.domain.enums import Role
from console.feeds.http_gateway import serve
from console.feeds.open311 import Open311Config, add_api_key
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade

PG_ADMIN_URL = os.environ.get("URBANOPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
KEY = "bench-key-0123456789abcdef"
CODES = ("E0101", "E0103", "E0104", "E0106", "E0107", "E0202", "E0301", "E0302")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _prepare(db: Database) -> ServiceContext:
    upgrade(db)
    ctx = ServiceContext(db)
    with db.session() as s:
        w = CaseWriter(s, ctx)
        w.upsert_entity("workroom", "WR001", {"name": "中山公园城管社区工作室", "lon": 121.4166, "lat": 31.2197,
                                              "status": "open"}, Actor(Role.ADMIN, "bench"))
        w.flush()
    add_api_key(db, "bench", "hotline_12345", key=KEY)
    return ctx


def _measure(ctx: ServiceContext, n: int, tmp: Path) -> tuple[list[float], list[float]]:
    server = serve(ctx, "127.0.0.1", 0, config=Open311Config(anonymous_limit=10**6), media_dir=tmp / "media")
    rng = random.Random(7)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/open311/v2"
        http = requests.Session()
        for _ in range(5):  # warm up (geography, connections)
            http.get(f"{base}/services.json", timeout=10)
            http.post(f"{base}/requests.json", data={"api_key": KEY, "service_code": "E0101", "lat": "31.2197",
                                                     "long": "121.4166"}, timeout=10)
        gets: list[float] = []
        posts: list[float] = []
        for i in range(n):
            t = time.perf_counter()
            r = http.get(f"{base}/services.json", timeout=10)
            gets.append(time.perf_counter() - t)
            assert r.status_code == 200
            form = {"api_key": KEY, "service_code": CODES[i % len(CODES)], "description": f"bench {i}",
                    "lat": f"{31.2157 + rng.random() * 0.008:.6f}", "long": f"{121.4126 + rng.random() * 0.008:.6f}"}
            t = time.perf_counter()
            r = http.post(f"{base}/requests.json", data=form, timeout=10)
            posts.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text
    finally:
        server.shutdown()
    return posts, gets


def _row(backend: str, posts: list[float], gets: list[float]) -> list[dict[str, Any]]:
    post_p95, get_p95 = _p(posts, 0.95) * 1000, _p(gets, 0.95) * 1000
    return [
        {"name": f"open311_post_p95_{backend}", "value": round(post_p95, 2), "unit": "ms",
         "baseline_name": "GET services.json p95", "baseline_value": round(get_p95, 2),
         "ratio": round(post_p95 / get_p95, 2) if get_p95 else None, "target": "≤ 50 ms"},
        {"name": f"open311_post_p50_{backend}", "value": round(statistics.median(posts) * 1000, 2), "unit": "ms",
         "baseline_name": "GET services.json p50", "baseline_value": round(statistics.median(gets) * 1000, 2),
         "ratio": round(statistics.median(posts) / statistics.median(gets), 2), "target": "(info)"},
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 60 if quick else 300
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = Database(make_engine(f"sqlite:///{tmp / 'bench.db'}"))
        rows += _row("sqlite", *_measure(_prepare(db), n, tmp))
        db.dispose()
        name = f"urbanops_b_{uuid.uuid4().hex[:10]}"
        try:
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as exc:  # no PostgreSQL here: report SQLite only
            print(f"PostgreSQL unavailable, skipped: {str(exc).splitlines()[0]}")
            return rows
        try:
            pg = Database(make_engine(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"))
            rows += _row("postgresql", *_measure(_prepare(pg), n, tmp))
            pg.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return rows


if __name__ == "__main__":
    for r in run():
        print(f"{r['name']:<28} {r['value']:>8} {r['unit']}   baseline {r['baseline_name']}: "
              f"{r['baseline_value']} {r['unit']}   ratio {r['ratio']}   target {r['target']}")
