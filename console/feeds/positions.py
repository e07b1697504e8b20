"""Officer position ingest: validate fixes, write history in batches, keep the latest fix per officer.

Design choice: the latest fix lives in the ``officer_fixes`` table (one row per officer, upserted only when newer),
NOT in the ``officers`` projection. Positions arrive every few seconds per officer; pushing them through the event
log would bloat it with telemetry. The live map reads ``latest_fixes(db)`` (or the MQTT fast path); the
``officers.lon/lat/fix_ts_utc`` projection columns keep the last position set by an event (seeding, simulator).

A fix is identified by (officer, timestamp): a redelivered fix is skipped, also across restarts (checked against
the table inside the write transaction). Writes are batched; ``flush`` commits a batch in one transaction and then
calls each fix's ``ack`` callback (the MQTT gateway acknowledges QoS 1 messages only after the commit).
"""

from __future__ import annotations

import functools
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from console.errors import DataFileError
from console.feeds.deadletter import dead_letter_values
from console.geo.coords import CoordinateError, lonlat_wgs84
from console.resources import resource_path
from console.storage.db import Database
from console.storage.eventstore import as_utc
from console.storage.models import DeadLetterRow, OfficerRow, PositionRow
from console.storage.models_feeds import OfficerFixRow

# A generous box around Changning District (长宁区 ≈ lon 121.33–121.44, lat 31.18–31.24), WGS-84.
DISTRICT_BBOX_WGS84 = (121.25, 31.10, 121.55, 31.32)
MAX_FUTURE = timedelta(minutes=5)
MAX_AGE = timedelta(hours=24)
CHANNEL = "positions"


class FixRejected(Exception):
    """A fix that must go to the dead letters; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PositionFix:
    """One position report from a tracker, before it is mapped to an officer."""

    device_id: str
    lon: float
    lat: float
    ts_utc: datetime
    accuracy_m: float | None = None
    speed_kmh: float | None = None
    heading_deg: float | None = None
    source: str = "owntracks"


@dataclass
class DeviceMapping:
    """Which officer carries which tracker (OwnTracks user/device or tid, OsmAnd id, bare device id)."""

    devices: dict[str, str] = field(default_factory=dict)
    tids: dict[str, str] = field(default_factory=dict)
    default_pattern: str | None = "dev-{officer_lower}"

    @staticmethod
    def from_yaml(path: Path | None = None) -> DeviceMapping:
        path = path or resource_path("feeds", "devices.yaml")
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise DataFileError(f"无法读取终端对应表 {path}：{exc}", f"cannot read device mapping {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise DataFileError(f"{path}：应为映射", f"{path}: must be a mapping")
        devices, tids = data.get("devices") or {}, data.get("tids") or {}
        if not isinstance(devices, dict) or not isinstance(tids, dict):
            raise DataFileError(f"{path}：devices/tids 应为映射", f"{path}: devices/tids must be mappings")
        pattern = data.get("default_pattern", "dev-{officer_lower}")
        return DeviceMapping({str(k): str(v) for k, v in devices.items()}, {str(k): str(v) for k, v in tids.items()},
                             None if pattern is None else str(pattern))

    _cache: dict[tuple[str, str | None], str | None] = field(default_factory=dict, repr=False, compare=False)

    def _pattern_match(self, device_id: str) -> str | None:
        regex = _pattern_regex(self.default_pattern) if self.default_pattern else None
        m = regex.fullmatch(device_id) if regex is not None else None
        return m.group(1).upper() if m else None

    def resolve(self, device_id: str, tid: str | None = None) -> str | None:
        """The officer id for a device id ("user/device" for OwnTracks), else ``None``; existence is checked later.

        Answers are cached (a few hundred trackers report every few seconds; the mapping is fixed for a run).
        """
        key = (device_id, tid)
        try:
            return self._cache[key]
        except KeyError:
            pass
        officer = self._resolve(device_id, tid)
        if len(self._cache) > 20_000:
            self._cache.clear()
        self._cache[key] = officer
        return officer

    def _resolve(self, device_id: str, tid: str | None) -> str | None:
        if device_id in self.devices:
            return self.devices[device_id]
        if tid is not None and tid in self.tids:
            return self.tids[tid]
        for part in reversed(device_id.split("/")):
            if part in self.devices:
                return self.devices[part]
            officer = self._pattern_match(part)
            if officer is not None:
                return officer
        return None


@functools.lru_cache(maxsize=8)
def _pattern_regex(pattern: str) -> re.Pattern[str] | None:
    """``dev-{officer_lower}`` → a compiled regex capturing the officer part (compiled once, not per fix)."""
    if "{officer_lower}" not in pattern:
        return None
    prefix, _, suffix = pattern.partition("{officer_lower}")
    return re.compile(re.escape(prefix) + r"([a-z0-9_]{1,32})" + re.escape(suffix))


def _opt_number(value: Any, name: str, lo: float, hi: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FixRejected(f"{name} is not a number: {value!r}"[:200])
    number = float(value)
    if not math.isfinite(number) or not lo <= number <= hi:
        raise FixRejected(f"{name} out of range [{lo}, {hi}]: {value!r}"[:200])
    return number


def validate_fix(fix: PositionFix, now_utc: datetime,
                 bbox: tuple[float, float, float, float] = DISTRICT_BBOX_WGS84) -> PositionFix:
    """A clean copy of ``fix`` or FixRejected: finite numbers, inside the box, a plausible timestamp."""
    if not isinstance(fix.device_id, str) or not fix.device_id or len(fix.device_id) > 128:
        raise FixRejected(f"bad device id: {fix.device_id!r}"[:200])
    try:
        lon, lat = lonlat_wgs84(fix.lon, fix.lat, bbox=bbox)
    except CoordinateError as exc:
        raise FixRejected(exc.message_en) from None
    if not isinstance(fix.ts_utc, datetime) or fix.ts_utc.tzinfo is None:
        raise FixRejected(f"timestamp must be an aware datetime: {fix.ts_utc!r}"[:200])
    ts = fix.ts_utc.astimezone(UTC)
    if ts > now_utc + MAX_FUTURE:
        raise FixRejected(f"timestamp in the future: {ts.isoformat()}")
    if ts < now_utc - MAX_AGE:
        raise FixRejected(f"timestamp older than 24 h: {ts.isoformat()}")
    heading = _opt_number(fix.heading_deg, "heading_deg", -360, 720)
    return PositionFix(fix.device_id, lon, lat, ts, _opt_number(fix.accuracy_m, "accuracy_m", 0, 100_000),
                       _opt_number(fix.speed_kmh, "speed_kmh", 0, 1_000),
                       None if heading is None else heading % 360.0, str(fix.source)[:24])


@dataclass
class _Pending:
    officer_id: str
    fix: PositionFix
    ack: Callable[[], None] | None
    received_monotonic: float


@dataclass
class IngestStats:
    accepted: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    written: int = 0
    batches: int = 0
    last_commit_monotonic: float | None = None  # when the last batch committed (feed health, benchmarks)
    latencies_s: list[float] = field(default_factory=list)  # receive → commit, last 10 000 fixes


class PositionIngest:
    """Validates fixes, buffers them, and writes a batch per ``flush`` (thread-safe)."""

    def __init__(self, db: Database, mapping: DeviceMapping, *, clock: Callable[[], datetime] | None = None,
                 batch_size: int = 16, max_delay_s: float = 0.05,
                 bbox: tuple[float, float, float, float] = DISTRICT_BBOX_WGS84) -> None:
        self.db = db
        self.mapping = mapping
        self.clock = clock or (lambda: datetime.now(UTC))
        self.batch_size = batch_size
        self.max_delay_s = max_delay_s
        self.bbox = bbox
        self.stats = IngestStats()
        self.auto_flush = True  # False: a separate thread calls flush (the MQTT gateway keeps receiving meanwhile)
        self._lock = threading.RLock()
        self._pending: list[_Pending] = []
        self._dead: list[tuple[dict[str, Any], Callable[[], None] | None]] = []
        self._recent: OrderedDict[tuple[str, datetime], None] = OrderedDict()
        self._officers: set[str] = set()
        self._officers_loaded = -math.inf
        self._load_officers()

    # ------------------------------------------------------------------ officers
    def _load_officers(self) -> None:
        with self.db.read_session() as s:
            self._officers = {str(i) for i in s.scalars(select(OfficerRow.id))}
        self._officers_loaded = time.monotonic()

    def _known(self, officer_id: str) -> bool:
        if officer_id not in self._officers and time.monotonic() - self._officers_loaded > 30:
            self._load_officers()  # a newly created officer becomes valid within 30 s
        return officer_id in self._officers

    # ------------------------------------------------------------------ ingest
    def dead_letter(self, reason: str, raw: str | bytes, ack: Callable[[], None] | None = None,
                    channel: str = CHANNEL) -> None:
        """Queue a dead letter into the next batch (same transaction as the positions around it)."""
        with self._lock:
            self._dead.append((dead_letter_values(channel, reason, raw), ack))
            self.stats.dead_letters += 1
            self._maybe_flush()

    def ingest(self, fix: PositionFix, *, raw: str | bytes | Callable[[], str] | None = None, tid: str | None = None,
               ack: Callable[[], None] | None = None, received_monotonic: float | None = None) -> None:
        """Accept or dead-letter one fix; never raises for bad input.

        ``raw`` may be a callable so the hot path only builds the raw text when a fix is dead-lettered;
        ``received_monotonic`` is when the transport got the message (latency is measured from there).
        """
        try:
            clean = validate_fix(fix, self.clock(), self.bbox)
        except FixRejected as exc:
            self.dead_letter(exc.reason, _raw_text(raw, fix), ack, channel=f"{CHANNEL}.{fix.source}"[:48])
            return
        officer = self.mapping.resolve(clean.device_id, tid)
        if officer is None or not self._known(officer):
            self.dead_letter(f"unknown device {clean.device_id!r}" + (f" (officer {officer})" if officer else ""),
                             _raw_text(raw, fix), ack, channel=f"{CHANNEL}.{clean.source}"[:48])
            return
        with self._lock:
            key = (officer, clean.ts_utc)
            if key in self._recent:
                self.stats.duplicates += 1
                if ack is not None:
                    ack()
                return
            self._remember(key)
            self._pending.append(_Pending(officer, clean, ack,
                                          time.monotonic() if received_monotonic is None else received_monotonic))
            self.stats.accepted += 1
            self._maybe_flush()

    def _remember(self, key: tuple[str, datetime]) -> None:
        self._recent[key] = None
        if len(self._recent) > 50_000:
            self._recent.popitem(last=False)

    def _maybe_flush(self) -> None:
        if self.auto_flush and len(self._pending) + len(self._dead) >= self.batch_size:
            self.flush()

    def has_pending(self) -> bool:
        """Anything buffered (fixes or dead letters) that a flush would write."""
        return bool(self._pending) or bool(self._dead)

    def due(self) -> bool:
        """True when the oldest buffered fix has waited ``max_delay_s`` (the gateway's timer calls flush then)."""
        with self._lock:
            return bool(self._dead) or len(self._pending) >= self.batch_size or (
                bool(self._pending) and time.monotonic() - self._pending[0].received_monotonic >= self.max_delay_s)

    # ------------------------------------------------------------------ write
    def flush(self) -> int:
        """Write buffered fixes and dead letters in one transaction, then ack them; returns fixes written.

        On a database error the buffer is kept (and nothing acknowledged) so the next flush retries.
        """
        with self._lock:
            if not self._pending and not self._dead:
                return 0
            batch, dead = self._pending, self._dead
            with self.db.session() as s:
                fresh = self._drop_stored(s, batch)
                if fresh:
                    _insert_history(s, self.db.engine, fresh)
                    _upsert_latest(s, self.db.engine, fresh)
                if dead:
                    s.execute(insert(DeadLetterRow), [d for d, _ in dead])
            self._pending, self._dead = [], []
            done = time.monotonic()
            self.stats.last_commit_monotonic = done
            self.stats.written += len(fresh)
            self.stats.duplicates += len(batch) - len(fresh)
            self.stats.batches += 1
            self.stats.latencies_s.extend(done - p.received_monotonic for p in fresh)
            if len(self.stats.latencies_s) > 10_000:
                del self.stats.latencies_s[:-10_000]
        for p in batch:
            if p.ack is not None:
                p.ack()
        for _, ack in dead:
            if ack is not None:
                ack()
        return len(fresh)

    @staticmethod
    def _drop_stored(s: Session, batch: list[_Pending]) -> list[_Pending]:
        """Fixes of the batch not yet in ``positions`` (redelivery after a restart), first of each key only."""
        if not batch:
            return []
        lo = min(p.fix.ts_utc for p in batch)
        hi = max(p.fix.ts_utc for p in batch)
        officers = sorted({p.officer_id for p in batch})
        table: Any = PositionRow.__table__
        rows = s.connection().execute(select(table.c.officer_id, table.c.ts_utc).where(
            table.c.officer_id.in_(officers), table.c.ts_utc >= lo, table.c.ts_utc <= hi)).all()
        seen = {(str(o), as_utc(t)) for o, t in rows}
        fresh: list[_Pending] = []
        for p in batch:
            key = (p.officer_id, p.fix.ts_utc)
            if key not in seen:
                seen.add(key)
                fresh.append(p)
        return fresh


def _raw_text(raw: str | bytes | Callable[[], str] | None, fix: PositionFix) -> str | bytes:
    if raw is None:
        return repr(fix)
    return raw() if callable(raw) else raw


_HISTORY_COLS = ("officer_id", "ts_utc", "lon", "lat", "accuracy_m", "speed_kmh", "heading_deg")


def _insert_history(s: Session, engine: Engine, batch: list[_Pending]) -> None:
    """Append a batch to ``positions``: COPY on PostgreSQL, one Core executemany elsewhere (no ORM objects).

    Both run on the session's connection, so the history, the latest-fix upsert and the dead letters of a batch
    commit (or roll back) together.
    """
    rows = [(p.officer_id, p.fix.ts_utc, p.fix.lon, p.fix.lat, p.fix.accuracy_m, p.fix.speed_kmh, p.fix.heading_deg)
            for p in batch]
    conn = s.connection()
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        raw_conn: Any = conn.connection.driver_connection
        with raw_conn.cursor() as cur, cur.copy(f"COPY positions ({', '.join(_HISTORY_COLS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    table: Any = PositionRow.__table__
    conn.execute(insert(table), [dict(zip(_HISTORY_COLS, row, strict=True)) for row in rows])


def _upsert_latest(s: Session, engine: Engine, batch: list[_Pending]) -> None:
    """Keep one newest row per officer; an older (late) fix never overwrites a newer one."""
    newest: dict[str, _Pending] = {}
    for p in batch:
        if p.officer_id not in newest or p.fix.ts_utc > newest[p.officer_id].fix.ts_utc:
            newest[p.officer_id] = p
    now = datetime.now(UTC)
    values = [{"officer_id": oid, "ts_utc": p.fix.ts_utc, "lon": p.fix.lon, "lat": p.fix.lat,
               "accuracy_m": p.fix.accuracy_m, "speed_kmh": p.fix.speed_kmh, "heading_deg": p.fix.heading_deg,
               "source": p.fix.source, "device_id": p.fix.device_id[:64], "received_utc": now}
              for oid, p in sorted(newest.items())]
    conn = s.connection()
    if engine.dialect.name == "postgresql":
        # One statement per batch over array parameters: executemany would run one INSERT … ON CONFLICT per officer
        # on the server (100 statements for a 100-officer batch, pipelined but each planned and executed).
        conn.execute(text(_PG_LATEST_UPSERT), {c: [v[c] for v in values] for c in ("officer_id", *_LATEST_COLS)})
        return
    conn.execute(_sqlite_latest_upsert(), values)


_LATEST_COLS = ("ts_utc", "lon", "lat", "accuracy_m", "speed_kmh", "heading_deg", "source", "device_id", "received_utc")
_PG_LATEST_UPSERT = (
    "INSERT INTO officer_fixes (officer_id, ts_utc, lon, lat, accuracy_m, speed_kmh, heading_deg, source, device_id, "
    "received_utc) SELECT * FROM unnest(CAST(:officer_id AS text[]), CAST(:ts_utc AS timestamptz[]), "
    "CAST(:lon AS float8[]), CAST(:lat AS float8[]), CAST(:accuracy_m AS float8[]), CAST(:speed_kmh AS float8[]), "
    "CAST(:heading_deg AS float8[]), CAST(:source AS text[]), CAST(:device_id AS text[]), "
    "CAST(:received_utc AS timestamptz[])) "
    "ON CONFLICT (officer_id) DO UPDATE SET ts_utc = EXCLUDED.ts_utc, lon = EXCLUDED.lon, lat = EXCLUDED.lat, "
    "accuracy_m = EXCLUDED.accuracy_m, speed_kmh = EXCLUDED.speed_kmh, heading_deg = EXCLUDED.heading_deg, "
    "source = EXCLUDED.source, device_id = EXCLUDED.device_id, received_utc = EXCLUDED.received_utc "
    "WHERE EXCLUDED.ts_utc > officer_fixes.ts_utc"
)


@functools.lru_cache(maxsize=1)
def _sqlite_latest_upsert() -> Any:
    """The SQLite upsert, built once and executed with many rows (in-process, so executemany costs little there).

    (Building a multi-row ``VALUES`` statement per batch meant compiling a new statement every flush: ≈ 20 ms per
    100-officer batch.)"""
    table: Any = OfficerFixRow.__table__
    stmt: Any = sqlite.insert(table)
    return stmt.on_conflict_do_update(index_elements=["officer_id"],
                                      set_={c: stmt.excluded[c] for c in _LATEST_COLS},
                                      where=stmt.excluded.ts_utc > table.c.ts_utc)


def latest_fixes(db: Database, since_utc: datetime | None = None) -> list[dict[str, Any]]:
    """Latest fix per officer (optionally only those received since a time) for the World / live map."""
    stmt = select(OfficerFixRow)
    if since_utc is not None:
        stmt = stmt.where(OfficerFixRow.received_utc >= since_utc)
    with db.read_session() as s:
        return [{"officer_id": r.officer_id, "ts_utc": as_utc(r.ts_utc), "lon": r.lon, "lat": r.lat,
                 "accuracy_m": r.accuracy_m, "speed_kmh": r.speed_kmh, "heading_deg": r.heading_deg,
                 "source": r.source} for r in s.scalars(stmt)]
