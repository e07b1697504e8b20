"""Restore the world as it stood at an instant into a fresh sandbox database (演练沙盘).

State is the fold of the event log, so the world at ``t`` is the fold of the events up to ``t``: the events with
``ts_utc ≤ t`` are copied (in log order, re-chained so the sandbox's own hash chain verifies) and the projections are
rebuilt. Officers are put where their position history says they were at ``t`` — interpolated between the fixes
either side of ``t`` with the replay's track index — as one ``position`` event each (actor ``system:drill``). The geography in force is copied; reporters' personal data is not (a sandbox is for training).
The source is opened read-only (SQLite ``mode=ro``; PostgreSQL ``default_transaction_read_only``) and never written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, delete, func, insert, select
from sqlalchemy.engine import make_url

from console.errors import StorageError, ValidationError
from console.replay.source import PositionChunk
from console.replay.tracks import TrackIndex
from console.storage import eventstore, projection
from console.storage.db import Database, check_reachable, is_sqlite, make_engine, normalise_url
from console.storage.eventstore import EventDraft, as_utc
from console.storage.geo_repo import load_records, replace_records
from console.storage.migrations_api import check_schema_current, upgrade
from console.storage.models import CaseCounterRow, CaseRow, OfficerRow, PositionRow

DRILL_ACTOR_USER = "drill"
POSITION_WINDOW = timedelta(minutes=30)  # a fix older than this at t does not place the officer
TRAIL_WINDOW = timedelta(minutes=30)  # position history copied before t (map trails)
COPY_BATCH = 20_000
_CASE_ID = re.compile(r"^CN(\d{8})(\d{5})$")


@dataclass(frozen=True)
class RestoreReport:
    """What the sandbox holds after ``restore_to``."""

    sandbox_url: str
    at_utc: datetime
    events: int
    cases: int
    officers_placed: int
    positions: int

    def to_json(self) -> dict[str, Any]:
        return {"sandbox": self.sandbox_url, "at": eventstore.iso_utc(self.at_utc), "events": self.events,
                "cases": self.cases, "officers_placed": self.officers_placed, "positions": self.positions}


def open_source_readonly(url: str) -> Database:
    """Open a recorded database so that no statement can write to it."""
    url = normalise_url(url)
    if is_sqlite(url):
        path = make_url(url).database
        if not path or path == ":memory:" or not Path(path).expanduser().is_file():
            raise StorageError(f"源数据库文件不存在：{path}", f"source database file does not exist: {path}")
        resolved = Path(path).expanduser().resolve()
        engine = create_engine(f"sqlite:///file:{resolved}?mode=ro&uri=true")
    else:
        engine = make_engine(url, connect_args={"connect_timeout": 5,
                                                "options": "-c default_transaction_read_only=on"})
    check_reachable(engine)
    db = Database(engine)
    check_schema_current(db)
    return db


def sandbox_path(url: str) -> Path | None:
    """The file of a SQLite sandbox URL (None for other backends)."""
    if not is_sqlite(url):
        return None
    path = make_url(normalise_url(url)).database
    return None if not path or path == ":memory:" else Path(path).expanduser().resolve()


def create_sandbox(sandbox_url: str, *, overwrite: bool = False) -> Database:
    """A fresh, migrated database; an existing SQLite file is refused unless ``overwrite``."""
    path = sandbox_path(sandbox_url)
    if path is not None and path.exists():
        if not overwrite:
            raise ValidationError(f"沙盘文件已存在：{path}（使用 --overwrite 覆盖）",
                                  f"sandbox file already exists: {path} (use --overwrite to replace it)")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = Database(make_engine(sandbox_url))
    check_reachable(db.engine)
    with db.engine.connect() as conn:
        has_events = db.has_table("events") and bool(conn.exec_driver_sql("SELECT count(*) FROM events").scalar())
    if has_events:
        raise ValidationError("沙盘数据库不是空库", "the sandbox database is not empty")
    upgrade(db)
    return db


def restore_to(source_db: Database | str, t_utc: datetime, sandbox_url: str, *, overwrite: bool = False,
               progress: Callable[[str], None] | None = None) -> RestoreReport:
    """Create a sandbox at ``sandbox_url`` holding the world of ``source_db`` as it stood at ``t_utc``."""
    if t_utc.tzinfo is None:
        raise ValidationError("时刻须带时区", "the instant must be timezone-aware")
    t_utc = as_utc(t_utc)
    say = progress or (lambda _m: None)
    source = open_source_readonly(source_db) if isinstance(source_db, str) else source_db
    sandbox = create_sandbox(sandbox_url, overwrite=overwrite)
    try:
        replace_records(sandbox, load_records(source))
        say("geography copied")
        events = _copy_events(source, sandbox, t_utc, say)
        fixes = _positions_at(source, t_utc)
        trail = _trail(source, t_utc)
        with sandbox.session() as s:
            head = eventstore.lock_chain(s)
            projection.rebuild(s)
            placed = _place_officers(s, head, fixes, t_utc)
            for i in range(0, len(trail), 5_000):
                s.execute(insert(PositionRow), trail[i:i + 5_000])
            _reset_counters(s)
            cases = int(s.execute(select(func.count()).select_from(CaseRow)).scalar() or 0)
        say(f"restored {events} events, {cases} cases, {placed} officers placed")
        return RestoreReport(sandbox.url, t_utc, events, cases, placed, len(trail))
    finally:
        sandbox.dispose()
        if isinstance(source_db, str):
            source.dispose()


def _copy_events(source: Database, sandbox: Database, t_utc: datetime, say: Callable[[str], None]) -> int:
    """Copy events with ts ≤ t in log order; same content, re-chained in the sandbox (a prefix keeps its hashes)."""
    after, copied = 0, 0
    while True:
        with source.read_session() as rs:
            chunk = eventstore.read(rs, after, until_ts=t_utc, limit=COPY_BATCH)
        if not chunk:
            return copied
        after = chunk[-1].seq
        drafts = [EventDraft(actor=e.actor, role=e.role, action=e.action, entity_type=e.entity_type,
                             entity_id=e.entity_id, ts_utc=e.ts_utc, case_id=e.case_id, before=e.before,
                             after=e.after, reason=e.reason, payload=e.payload, event_id=e.event_id) for e in chunk]
        with sandbox.session() as s:
            eventstore.append(s, drafts)
        copied += len(chunk)
        say(f"copied {copied} events")


def _positions_at(source: Database, t_utc: datetime) -> dict[str, tuple[float, float, datetime, float | None]]:
    """Each officer's position at t: interpolated between the fixes either side of t (replay's TrackIndex, which holds
    the last fix across gaps longer than its max gap), from fixes in (t − window, t + window]; (lon, lat, ts, heading)."""
    p = PositionRow.__table__
    with source.read_session() as s:
        rows = s.execute(select(p.c.officer_id, p.c.ts_utc, p.c.lon, p.c.lat)
                         .where(p.c.ts_utc > t_utc - POSITION_WINDOW, p.c.ts_utc <= t_utc + POSITION_WINDOW)).all()
    if not rows:
        return {}
    ids = sorted({str(r.officer_id) for r in rows})
    code = {oid: i for i, oid in enumerate(ids)}
    chunk = PositionChunk(ids, np.array([code[str(r.officer_id)] for r in rows], dtype=np.int64),
                          np.array([as_utc(r.ts_utc).timestamp() for r in rows], dtype=np.float64),
                          np.array([r.lon for r in rows], dtype=np.float64),
                          np.array([r.lat for r in rows], dtype=np.float64))
    index = TrackIndex.from_chunks([chunk])
    at = index.positions_at(t_utc.timestamp())
    out: dict[str, tuple[float, float, datetime, float | None]] = {}
    for k in range(at.officer.size):
        age = float(at.fix_age_s[k])
        if age > POSITION_WINDOW.total_seconds():
            continue
        heading = float(at.heading_deg[k])
        out[index.officer_ids[int(at.officer[k])]] = (float(at.lon[k]), float(at.lat[k]), t_utc - timedelta(seconds=age),
                                                      None if math.isnan(heading) else heading)
    return out


def _trail(source: Database, t_utc: datetime) -> list[dict[str, Any]]:
    p = PositionRow.__table__
    with source.read_session() as s:
        rows = s.execute(select(p.c.officer_id, p.c.ts_utc, p.c.lon, p.c.lat, p.c.accuracy_m, p.c.speed_kmh,
                                p.c.heading_deg)
                         .where(p.c.ts_utc <= t_utc, p.c.ts_utc > t_utc - TRAIL_WINDOW).order_by(p.c.ts_utc)).all()
    return [dict(r._mapping) for r in rows]


def _place_officers(s: Any, head: eventstore.ChainHead,
                    fixes: dict[str, tuple[float, float, datetime, float | None]], t_utc: datetime) -> int:
    """One ``position`` event per officer whose recorded fix at t differs from its projected position."""
    known = {r.id: (r.lon, r.lat) for r in s.execute(select(OfficerRow.id, OfficerRow.lon, OfficerRow.lat))}
    drafts: list[EventDraft] = []
    for oid, (lon, lat, ts, heading) in sorted(fixes.items()):
        if oid not in known or known[oid] == (lon, lat):
            continue
        after: dict[str, Any] = {"lon": lon, "lat": lat, "fix_ts_utc": eventstore.iso_utc(ts)}
        if heading is not None:
            after["heading_deg"] = float(heading)
        before = {"lon": known[oid][0], "lat": known[oid][1]}
        drafts.append(EventDraft(actor=DRILL_ACTOR_USER, role="system", action="position", entity_type="officer",
                                 entity_id=oid, ts_utc=t_utc, before=before, after=after,
                                 reason="演练沙盘：按轨迹还原队员位置 / drill sandbox: officer placed from position history"))
    if drafts:
        stored = eventstore.append(s, drafts, head)
        projection.apply(s, stored)
    return len(drafts)


def _reset_counters(s: Any) -> None:
    """Per-day case counters from the restored case ids, so new cases do not reuse a number."""
    last: dict[str, int] = {}
    for (case_id,) in s.execute(select(CaseRow.id)):
        m = _CASE_ID.match(str(case_id))
        if m:
            last[m.group(1)] = max(last.get(m.group(1), 0), int(m.group(2)))
    s.execute(delete(CaseCounterRow))
    if last:
        s.execute(insert(CaseCounterRow), [{"day": d, "last": n} for d, n in sorted(last.items())])
