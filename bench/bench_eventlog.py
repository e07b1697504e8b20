"""Event append rate on SQLite (batched transactions) and projection rebuild of a large log.

Baseline: the same rows inserted with a plain executemany into an identical un-chained table (no hashing, no
projection) in the same run — the floor the chained append is measured against.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert

from console.storage import eventstore, projection
from console.storage.db import Database, make_engine
from console.storage.eventstore import EventDraft
from console.storage.migrations_api import upgrade

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _drafts(n: int, n_entities: int) -> list[EventDraft]:
    out = []
    for i in range(n):
        oid = f"C{i % n_entities:07d}"
        after: dict[str, Any] = {"status": ("reported", "accepted", "filed", "dispatched")[i % 4], "n": i}
        if i < n_entities:
            after.update({"category_code": "E0101", "source": "inspector", "priority": "B", "lon": 121.4, "lat": 31.2,
                          "x_m": 0.0, "y_m": 0.0, "created_at": (T0 + timedelta(seconds=i)).isoformat()})
        out.append(EventDraft(actor="bench", role="system", action="create" if i < n_entities else "update",
                              entity_type="case", entity_id=oid, case_id=oid, ts_utc=T0 + timedelta(seconds=i),
                              after=after))
    return out


def run(quick: bool = False) -> list[dict[str, Any]]:
    n_append = 50_000 if quick else 200_000
    n_rebuild = 100_000 if quick else 1_000_000
    batch = 5_000
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}"))
        upgrade(db)
        all_drafts = _drafts(n_rebuild, n_rebuild // 8)
        drafts = all_drafts[:n_append]
        t = time.perf_counter()
        for i in range(0, n_append, batch):
            with db.session() as s:
                eventstore.append(s, drafts[i:i + batch])
        append_s = time.perf_counter() - t
        # Baseline: plain executemany of equivalent rows into an un-chained table.
        meta = MetaData()
        plain = Table("plain_events", meta, Column("seq", Integer, primary_key=True), Column("entity_id", String(32)),
                      Column("ts", String(40)), Column("after", Text))
        meta.create_all(db.engine)
        plain_rows = [{"seq": i + 1, "entity_id": d.entity_id, "ts": d.ts_utc.isoformat(), "after": str(d.after)}
                      for i, d in enumerate(drafts)]
        t = time.perf_counter()
        for i in range(0, n_append, batch):
            with db.engine.begin() as conn:
                conn.execute(insert(plain), plain_rows[i:i + batch])
        plain_s = time.perf_counter() - t
        rate, plain_rate = n_append / append_s, n_append / plain_s
        rows.append({"name": "event append (SQLite, chained, 5k/txn)", "value": rate, "unit": "events/s",
                     "baseline_name": "plain executemany, no chain", "baseline_value": plain_rate,
                     "ratio": rate / plain_rate, "target": "≥ 5,000 events/s",
                     "verdict": "met" if rate >= 5_000 else "MISSED"})
        # Grow the log to n_rebuild events, then rebuild projections from scratch.
        more = all_drafts[n_append:]
        for i in range(0, len(more), 20_000):
            with db.session() as s:
                eventstore.append(s, more[i:i + 20_000])
        t = time.perf_counter()
        with db.session() as s:
            eventstore.lock_chain(s)
            folded = projection.rebuild(s)
        rebuild_s = time.perf_counter() - t
        t = time.perf_counter()
        with db.read_session() as s:
            scanned = sum(1 for _ in eventstore.iterate(s))
        scan_s = time.perf_counter() - t
        rows.append({"name": f"projection rebuild of {folded:,} events", "value": rebuild_s, "unit": "s",
                     "baseline_name": "reading the log once", "baseline_value": scan_s, "ratio": rebuild_s / scan_s,
                     "target": "report"})
        assert scanned == folded
        db.dispose()
    return rows


if __name__ == "__main__":
    from bench.__main__ import print_row

    for r in run():
        print_row(r)
