"""Replay of a busy day: time to first frame, seek anywhere, playback frames at 60×, memory — beside the naive way.

Data: a synthetic SQLite file written directly (no simulator): N officers' fixes every 30 s over the day (2.5k
officers ≈ 7.2M fixes — the issue's scale-10 day; also a 2M-fix day) and ~50k case events through the real hash-chained
event store (cases created, accepted, filed, dispatched, closed; officer reference events).
Loading: the first frame needs only the fixes around its instant (±20 min); every fix of the day is then read in the
background (reported separately, with its CPU seconds — the shared machine's wall clock can be several times that).
Baseline ("naive"), measured in the same run on the same file: every seek/frame queries the database — fold every
event with ts ≤ t read from the log, plus each officer's last fix ≤ t by SQL — which is what replay would cost without
the loaded index, checkpoints and track arrays.
"""

from __future__ import annotations

import math
import resource
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from console.replay import ReplayClock, ReplaySource, load_session
from console.replay.session import load_tracks
from console.replay.state import fold_all
from console.storage import eventstore
from console.storage.db import Database, make_engine
from console.storage.eventstore import EventDraft
from console.storage.migrations_api import upgrade
from console.world import World

DAY0 = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # 2026-11-28 00:00 Shanghai
FIX_EVERY_S = 30
STATUSES = ("reported", "accepted", "filed", "dispatched", "handling", "closed")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def build_day(path: Path, officers: int, hours: float, case_events: int, seed: int = 1) -> dict[str, int]:
    """The synthetic day: schema, officers, case events (chained), fixes (bulk, straight into ``positions``)."""
    rng = np.random.default_rng(seed)
    db = Database(make_engine(f"sqlite:///{path}"))
    upgrade(db)
    drafts: list[EventDraft] = []
    for i in range(officers):
        drafts.append(EventDraft("bench", "system", "create", "officer", f"OF{i:05d}", DAY0 - timedelta(days=1),
                                 after={"name": f"队员{i}", "post": "officer", "squad_id": f"SQ{i % 10:03d}",
                                        "status": "on_duty_idle", "lon": 121.40, "lat": 31.21, "active": True}))
    n_cases = max(1, case_events // len(STATUSES))
    span_s = hours * 3600.0
    t_create = np.sort(rng.uniform(0, span_s * 0.8, n_cases))
    for c in range(n_cases):
        cid = f"CN{c:07d}"
        t = float(t_create[c])
        lon, lat = 121.36 + rng.random() * 0.08, 31.19 + rng.random() * 0.04
        for k, st in enumerate(STATUSES):
            after: dict[str, Any] = {"status": st}
            if k == 0:
                after.update({"category_code": "E0101", "source": "inspector", "priority": "B", "lon": lon,
                              "lat": lat, "x_m": 0.0, "y_m": 0.0})
            if st == "dispatched":
                after["assignee"] = f"OF{int(rng.integers(officers)):05d}"
            drafts.append(EventDraft("bench", "dispatcher", "create" if k == 0 else st, "case", cid,
                                     DAY0 + timedelta(seconds=t), case_id=cid, after=after))
            t += float(rng.uniform(60, 1800))
    drafts.sort(key=lambda d: d.ts_utc)
    for i in range(0, len(drafts), 20_000):
        with db.session() as s:
            eventstore.append(s, drafts[i:i + 20_000])
    db.dispose()
    # Fixes: patrol loops, one every 30 s, written with sqlite3 in SQLAlchemy's DateTime text format.
    n_fix = int(span_s // FIX_EVERY_S)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("DROP INDEX IF EXISTS ix_positions_officer_ts")
    conn.execute("DROP INDEX IF EXISTS ix_positions_ts")
    stamps = [(DAY0 + timedelta(seconds=k * FIX_EVERY_S)).strftime("%Y-%m-%d %H:%M:%S.%f") for k in range(n_fix)]
    phase = rng.uniform(0, 2 * math.pi, officers)
    lon0 = 121.36 + rng.random(officers) * 0.08
    lat0 = 31.19 + rng.random(officers) * 0.04
    ks = np.arange(n_fix)
    for o in range(officers):
        a = phase[o] + ks * (2 * math.pi / 240.0)
        lon = lon0[o] + 0.004 * np.cos(a)
        lat = lat0[o] + 0.003 * np.sin(a)
        oid = f"OF{o:05d}"
        conn.executemany("INSERT INTO positions (officer_id, ts_utc, lon, lat) VALUES (?, ?, ?, ?)",
                         zip([oid] * n_fix, stamps, lon.tolist(), lat.tolist(), strict=True))
    conn.execute("CREATE INDEX ix_positions_officer_ts ON positions (officer_id, ts_utc)")
    conn.execute("CREATE INDEX ix_positions_ts ON positions (ts_utc)")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return {"fixes": officers * n_fix, "events": len(drafts)}


class NaiveReplay:
    """The baseline: no index — every seek reads the log up to t and each officer's last fix ≤ t from SQL."""

    def __init__(self, path: Path) -> None:
        self.db = Database(make_engine(f"sqlite:///{path}"))
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def seek(self, t: datetime) -> tuple[int, int]:
        with self.db.read_session() as s:
            state = fold_all(eventstore.read(s, 0, until_ts=t))
        stamp = t.strftime("%Y-%m-%d %H:%M:%S.%f")
        rows = self.conn.execute(
            "SELECT p.officer_id, p.lon, p.lat FROM positions p JOIN (SELECT officer_id, max(ts_utc) AS ts "
            "FROM positions WHERE ts_utc <= ? GROUP BY officer_id) m ON p.officer_id = m.officer_id AND "
            "p.ts_utc = m.ts", (stamp,)).fetchall()
        return len(state.cases), len(rows)

    def close(self) -> None:
        self.conn.close()
        self.db.dispose()


def _p95(values: list[float]) -> float:
    return float(np.percentile(np.asarray(values), 95)) if values else float("nan")


def measure(path: Path, label: str, hours: float, n_seeks: int, n_frames: int, n_naive: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    rng = np.random.default_rng(3)
    rss0 = _rss_mb()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    src = ReplaySource.open(str(path))
    session = load_session(src, DAY0, DAY0 + timedelta(hours=hours), tracks_around=DAY0)
    clock = ReplayClock(session, World())
    first_frame_s = time.perf_counter() - t0
    first_cpu_s = time.process_time() - cpu0
    naive = NaiveReplay(path)
    t0 = time.perf_counter()
    naive.seek(DAY0)
    naive_first_s = time.perf_counter() - t0
    rows.append({"name": f"{label}: time to first frame (events, checkpoints, fixes around T1; frame at T1; "
                 f"CPU {first_cpu_s:.2f} s)",
                 "value": first_frame_s, "unit": "s", "baseline_name": "naive: one DB query at T1 (nothing loaded)",
                 "baseline_value": naive_first_s, "ratio": first_frame_s / naive_first_s, "target": "≤ 3 s",
                 "verdict": "met" if first_frame_s <= 3.0 else "MISSED",
                 "detail": {"cpu_s": round(first_cpu_s, 2), **{k: round(v, 2) for k, v in session.timings_s.items()}}})
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    session.replace_tracks(load_tracks(src, session.from_utc, session.to_utc))
    full_s, full_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    rows.append({"name": f"{label}: every fix of the day loaded (background, after the first frame; "
                 f"{session.tracks.n_fixes:,} fixes)", "value": full_s, "unit": "s",
                 "baseline_name": "CPU seconds of that load", "baseline_value": full_cpu,
                 "ratio": full_s / max(full_cpu, 1e-9), "target": "report"})
    rss1 = _rss_mb()
    span = session.index.to_s - session.index.from_s
    seeks, seeks_cpu = [], []
    clock.seek(session.index.from_s)  # place with the full tracks
    for t in rng.uniform(session.index.from_s, session.index.to_s, n_seeks):
        a, c = time.perf_counter(), time.thread_time()
        clock.seek(float(t))
        seeks.append(time.perf_counter() - a)
        seeks_cpu.append(time.thread_time() - c)
    naive_seeks = []
    for t in rng.uniform(session.index.from_s, session.index.to_s, n_naive):
        a = time.perf_counter()
        naive.seek(datetime.fromtimestamp(float(t), UTC))
        naive_seeks.append(time.perf_counter() - a)
    p95, np95 = _p95(seeks) * 1000, _p95(naive_seeks) * 1000
    rows.append({"name": f"{label}: seek anywhere p95 ({n_seeks} random instants; CPU p95 {_p95(seeks_cpu) * 1000:.1f} ms)", "value": p95, "unit": "ms",
                 "baseline_name": f"naive DB query per seek ({n_naive} seeks)", "baseline_value": np95,
                 "ratio": p95 / np95, "target": "≤ 50 ms", "verdict": "met" if p95 <= 50 else "MISSED",
                 "detail": {"cpu_p95_ms": round(_p95(seeks_cpu) * 1000, 1)}})
    # Playback at 60×: a 30 fps timer moves 2 s of replay time per frame.
    clock.seek(session.index.from_s + span * 0.3)
    clock.set_speed(60.0)
    clock.play()
    frames, frames_cpu = [], []
    for _ in range(n_frames):
        a, c = time.perf_counter(), time.thread_time()
        clock.advance(1 / 30)
        frames.append(time.perf_counter() - a)
        frames_cpu.append(time.thread_time() - c)
    naive_frames = []
    t_play = session.index.from_s + span * 0.3
    for _ in range(n_naive):
        t_play += 2.0
        a = time.perf_counter()
        naive.seek(datetime.fromtimestamp(t_play, UTC))
        naive_frames.append(time.perf_counter() - a)
    f95, nf95 = _p95(frames) * 1000, _p95(naive_frames) * 1000
    rows.append({"name": f"{label}: play at 60× p95 frame ({n_frames} frames, 2 s of replay each; CPU p95 "
                 f"{_p95(frames_cpu) * 1000:.1f} ms)", "value": f95,
                 "unit": "ms", "baseline_name": "naive DB query per frame", "baseline_value": nf95,
                 "ratio": f95 / nf95, "target": "≤ 33 ms", "verdict": "met" if f95 <= 33 else "MISSED",
                 "detail": {"cpu_p95_ms": round(_p95(frames_cpu) * 1000, 1)}})
    rows.append({"name": f"{label}: memory of the loaded replay (RSS growth)", "value": rss1 - rss0, "unit": "MB",
                 "baseline_name": "track arrays alone", "baseline_value": session.tracks.nbytes / 2**20,
                 "ratio": (rss1 - rss0) / max(session.tracks.nbytes / 2**20, 1e-9), "target": "report"})
    naive.close()
    session.close()
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    if quick:
        sizes = [("quick 60k fixes", 100, 5.0, 3_000)]
        n_seeks, n_frames, n_naive = 50, 120, 5
    else:
        sizes = [("2M fixes", 700, 24.0, 50_000), ("7.2M fixes (2.5k officers)", 2_500, 24.0, 50_000)]
        n_seeks, n_frames, n_naive = 200, 600, 10
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, officers, hours, events in sizes:
            path = Path(tmp) / f"day_{officers}.db"
            t = time.perf_counter()
            made = build_day(path, officers, hours, events)
            print(f"   built {label}: {made['fixes']:,} fixes, {made['events']:,} events in "
                  f"{time.perf_counter() - t:.1f} s", flush=True)
            rows.extend(measure(path, label, hours, n_seeks, n_frames, n_naive))
    return rows


if __name__ == "__main__":
    from bench.__main__ import print_row

    for r in run():
        print_row(r)
