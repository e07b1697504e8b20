"""``urbanops replay export``: a period of the log to a self-contained replay file (回放文件).

The file is an ordinary urbanops SQLite database at the current schema head, holding:

- the event log **from the first event** up to the last event of the period — an exact prefix of the source's
  hash chain, so ``urbanops audit verify --db sqlite:///FILE`` checks it, and the state at T1 is rebuilt by the
  same fold as everywhere else (the issue allows "the events before it needed to rebuild it": all of them are);
- the projections rebuilt from that log (so the file also opens as a normal database at T2, e.g. for a drill);
- the geography in force, officers' fixes in [T1 − 15 min, T2], camera detections in the period;
- ``replay_meta`` (period, source, export time, counts) — a plain key/value table outside the Alembic models;
- the evidence files recorded in the period, embedded after re-hashing (``console/evidence/replay_embed.py``);
  ``audit verify`` on the file checks them against its log.

Reporters' personal data (``case_reporters``) is left out on purpose: a training file must not carry it.
The source is read through a read-only connection; the file is written to a temporary name and renamed at the end.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from console.config import evidence_dir
from console.errors import StorageError, ValidationError
from console.evidence.replay_embed import EmbedResult, embed_period_evidence
from console.evidence.store import EvidenceStore
from console.replay.session import TRACK_LOOKBACK
from console.replay.source import FILE_SUFFIX, META_TABLE, ReplaySource
from console.storage import projection
from console.storage.db import Database, make_engine
from console.storage.eventstore import as_utc
from console.storage.models import Base, EventChainRow, EventRow, GeoFeatureRow, PositionRow

FORMAT_VERSION = "1"
BATCH = 20_000
Say = Callable[[str], None]


@dataclass
class ExportResult:
    path: Path
    events: int
    period_events: int
    positions: int
    camera_events: int
    evidence_files: int
    bytes: int

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "events": self.events, "period_events": self.period_events,
                "positions": self.positions, "camera_events": self.camera_events,
                "evidence_files": self.evidence_files, "bytes": self.bytes}


def _copy(src: Database, dst: Database, table: Any, where: Any = None, order_by: Any = None) -> int:
    stmt = select(table)
    if where is not None:
        stmt = stmt.where(where)
    if order_by is not None:
        stmt = stmt.order_by(order_by)
    n = 0
    with src.engine.connect() as sc, dst.engine.begin() as dc:
        result = sc.execution_options(stream_results=True).execute(stmt)
        for part in result.partitions(BATCH):
            dc.execute(insert(table), [dict(r._mapping) for r in part])
            n += len(part)
    return n


def export_evidence(source: ReplaySource, target: Database, from_utc: datetime, to_utc: datetime,
                    store: EvidenceStore | None = None) -> EmbedResult:
    """Embed the evidence files of the period's ``evidence`` events (console/evidence/replay_embed.py)."""
    return embed_period_evidence(source.db, target, from_utc, to_utc, store or EvidenceStore(evidence_dir()))


def export_period(source: ReplaySource, from_utc: datetime, to_utc: datetime, out: Path, *,
                  force: bool = False, say: Say | None = None, evidence_store: EvidenceStore | None = None
                  ) -> ExportResult:
    """Write the replay file for [from_utc, to_utc] (see the module docstring for what it holds)."""
    report = say or (lambda _m: None)
    from_utc, to_utc = as_utc(from_utc), as_utc(to_utc)
    if to_utc <= from_utc:
        raise ValidationError(f"导出时段无效：{from_utc.isoformat()} 不早于 {to_utc.isoformat()}",
                              f"bad export period: {from_utc.isoformat()} is not before {to_utc.isoformat()}")
    out = out.expanduser().resolve()
    if out.suffix != FILE_SUFFIX and not out.name.endswith(FILE_SUFFIX):
        report(f"note: replay files usually end in {FILE_SUFFIX}")
    if out.exists() and not force:
        raise ValidationError(f"文件已存在：{out}（用 --force 覆盖）", f"file exists: {out} (use --force to overwrite)")
    if not out.parent.is_dir():
        raise StorageError(f"目录不存在：{out.parent}", f"directory does not exist: {out.parent}")
    ev: Any = EventRow.__table__
    with source.db.read_session() as s:
        last_seq = s.scalar(select(func.max(ev.c.seq)).where(ev.c.ts_utc <= to_utc))
        period_events = int(s.scalar(select(func.count()).select_from(ev)
                                     .where(ev.c.ts_utc >= from_utc, ev.c.ts_utc <= to_utc)) or 0)
    if not last_seq:
        raise ValidationError("该时段之前没有任何事件，无可导出", "no events up to the end of the period: nothing to export")

    tmp = out.with_name(out.name + ".part")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    target = Database(make_engine(f"sqlite:///{tmp}"))
    try:
        from console.storage.migrations_api import upgrade

        report("creating the schema…")
        upgrade(target)
        report(f"copying {last_seq} events (the log up to the end of the period)…")
        n_events = _copy(source.db, target, ev, ev.c.seq <= last_seq, ev.c.seq)
        with target.engine.begin() as conn:
            head = conn.execute(select(ev.c.hash).where(ev.c.seq == last_seq)).scalar_one()
            chain: Any = EventChainRow.__table__
            conn.execute(chain.delete())
            conn.execute(insert(chain).values(id=1, last_seq=last_seq, last_hash=head))
        report("rebuilding projections…")
        with target.session() as s:
            projection.rebuild(s)
        report("copying geography, positions, camera events…")
        _copy(source.db, target, GeoFeatureRow.__table__)
        pos: Any = PositionRow.__table__
        n_pos = _copy(source.db, target, pos, (pos.c.ts_utc >= from_utc - TRACK_LOOKBACK) & (pos.c.ts_utc <= to_utc))
        n_cam = 0
        if source.db.has_table("camera_events") and "camera_events" in Base.metadata.tables:
            cam = Base.metadata.tables["camera_events"]
            n_cam = _copy(source.db, target, cam, (cam.c.start_time_utc >= from_utc - TRACK_LOOKBACK)
                          & (cam.c.start_time_utc <= to_utc))
        report("embedding the period's evidence files…")
        embedded = export_evidence(source, target, from_utc, to_utc, evidence_store)
        n_evidence = embedded.files
        for problem in embedded.problems:
            report(f"evidence not embedded: {problem}")
        meta = {"format": FORMAT_VERSION, "from_utc": from_utc.isoformat(), "to_utc": to_utc.isoformat(),
                "source": source.label, "exported_utc": datetime.now(UTC).isoformat(), "events": str(n_events),
                "last_seq": str(last_seq), "period_events": str(period_events), "positions": str(n_pos),
                "camera_events": str(n_cam), "evidence_files": str(n_evidence),
                "evidence": (f"{n_evidence} files embedded ({embedded.bytes} bytes)" if n_evidence
                             else "none recorded in the period"),
                "evidence_problems": str(len(embedded.problems)),
                "personal_data": "excluded (case_reporters not exported)"}
        with target.engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)"))
            conn.execute(text(f"INSERT INTO {META_TABLE} (key, value) VALUES (:k, :v)"),
                         [{"k": k, "v": v} for k, v in meta.items()])
    except BaseException:
        target.dispose()
        for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
            p.unlink(missing_ok=True)
        raise
    target.dispose()
    raw = sqlite3.connect(tmp, isolation_level=None)
    try:
        raw.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        raw.close()
    os.replace(tmp, out)
    return ExportResult(out, n_events, period_events, n_pos, n_cam, n_evidence, out.stat().st_size)
