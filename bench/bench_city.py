"""City platform connector throughput on loopback: ticket ingest and outbox delivery against their plain baselines.

* ingest: work orders pulled from the fake platform and turned into cases (InboundSync: HTTP page, mapping, intake
  merge check, case creation, ticket link) vs creating the same cases directly with CaseService.create_case.
* delivery: outbox items sent and acknowledged (OutboxSender: per-ticket order, one transaction per item) vs plain
  requests.post calls to the same fake platform (HTTP cost alone).
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from console.city.client import CityPlatformClient, ClientConfig
from console.city.fake_platform import FakePlatform, make_ticket
from console.city.inbound import InboundSync
from console.city.mapping import load_mapping
from console.city.outbound import OutboxSender, derive_outbox
from console.domain.enums import Role
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _ctx(path: Path) -> ServiceContext:
    db = Database(make_engine(f"sqlite:///{path}"))
    upgrade(db)
    ctx = ServiceContext(db, clock=ManualClock(START))
    _ = ctx.geo.locator
    return ctx


def _point(i: int) -> tuple[float, float]:
    # spread over a 30 x 30 lattice in the middle of the district (≈ 110 m apart: no merges)
    return 121.395 + 0.0012 * (i % 30), 31.205 + 0.0010 * ((i // 30) % 30)


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 60 if quick else 300
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, FakePlatform(api_key="k") as fake:
        base = _ctx(Path(tmp) / "base.db")
        svc = CaseService(base)
        t = time.perf_counter()
        for i in range(n):
            lon, lat = _point(i)
            svc.create_case(category="E0101", lon=lon, lat=lat, source="hotline_12345", actor=Actor(Role.SYSTEM, "b"))
        direct_s = time.perf_counter() - t

        ctx = _ctx(Path(tmp) / "city.db")
        for i in range(n):
            lon, lat = _point(i)
            fake.put_ticket(make_ticket(f"B-{i:05d}", lon=lon, lat=lat, updated=START))
        client = CityPlatformClient(ClientConfig(fake.base_url, api_key="k", page_size=100))
        sync = InboundSync(ctx, client, load_mapping(taxonomy=ctx.taxonomy))
        t = time.perf_counter()
        report = sync.run_once()
        ingest_s = time.perf_counter() - t
        assert report.created == n, report
        rows.append({"name": f"ticket ingest ({n} work orders over loopback HTTP)", "value": n / ingest_s,
                     "unit": "tickets/s", "baseline_name": "CaseService.create_case directly",
                     "baseline_value": n / direct_s, "ratio": direct_s / ingest_s,
                     "target": "≥ 10 tickets/s (a district's daily 12345 volume in well under a minute)",
                     "verdict": "met" if n / ingest_s >= 10 else "MISSED"})

        cases = CaseService(ctx).list_cases()
        for case in cases:
            CaseService(ctx).act(case["id"], "accept", Actor(Role.CALL_TAKER, "b"))
        derive_outbox(ctx)
        sender = OutboxSender(ctx, client)
        t = time.perf_counter()
        sent = sender.send_due().sent
        send_s = time.perf_counter() - t
        assert sent == n
        http = requests.Session()
        t = time.perf_counter()
        for i in range(n):
            http.post(f"{fake.base_url}/api/v1/tickets/B-{i:05d}/updates", json={"kind": "accepted"},
                      headers={"X-Api-Key": "k", "Idempotency-Key": f"raw-{i}"}, timeout=5).raise_for_status()
        raw_s = time.perf_counter() - t
        rows.append({"name": f"outbox delivery ({n} updates, ordered per ticket, acknowledged)", "value": n / send_s,
                     "unit": "updates/s", "baseline_name": "plain requests.post to the fake platform",
                     "baseline_value": n / raw_s, "ratio": raw_s / send_s,
                     "target": "≥ 20 updates/s (a backlog of hours drains in seconds)",
                     "verdict": "met" if n / send_s >= 20 else "MISSED"})
        base.db.dispose()
        ctx.db.dispose()
    return rows


if __name__ == "__main__":
    import sys

    from bench.__main__ import print_row

    for r in run(quick="--quick" in sys.argv):
        print_row(r)
