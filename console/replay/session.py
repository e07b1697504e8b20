"""A replay session: one period loaded once — events with checkpoints, position tracks, camera events.

``load_session`` does all the heavy work (meant for a worker thread; ``progress(fraction, text)`` reports it). The
session then answers every question about an instant *t* from memory: ``state_at``, ``officer_positions_at``,
``trail``, ``camera_events_at``, ``action_log``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from console.errors import ValidationError
from console.replay.source import CameraEvent, PositionChunk, ReplaySource, from_epoch_s, to_epoch_s
from console.replay.state import DEFAULT_CHECKPOINT_EVERY, ReplayIndex, Snapshot
from console.replay.tracks import Positions, TrackIndex
from console.storage.eventstore import StoredEvent, as_utc

Progress = Callable[[float, str], None]
TRACK_LOOKBACK = timedelta(minutes=15)  # fixes before the period start, so officers are placed at its first instant
TRACK_CHUNK = timedelta(hours=2)
DEFAULT_PERIOD = timedelta(days=1)
KPI_LOOKBACK = timedelta(days=8)
FIRST_FRAME_WINDOW = timedelta(minutes=20)


@dataclass
class ReplaySession:
    source: ReplaySource
    index: ReplayIndex
    tracks: TrackIndex
    camera_events: list[CameraEvent] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)
    base_case_events: list[StoredEvent] = field(default_factory=list)  # case events shortly before the period (KPIs)

    def __post_init__(self) -> None:
        self._cam_start: npt.NDArray[np.float64] = np.array([c.start_s for c in self.camera_events], dtype=np.float64)

    @property
    def from_utc(self) -> datetime:
        return self.index.from_utc

    @property
    def to_utc(self) -> datetime:
        return self.index.to_utc

    def state_at(self, t: datetime | float) -> Snapshot:
        return self.index.state_at(t)

    def officer_positions_at(self, t: datetime | float) -> dict[str, tuple[float, float]]:
        """Officer id → interpolated (lon, lat) WGS-84 at ``t``, for officers with a fix at or before ``t``."""
        pos = self.positions(t)
        ids = self.tracks.officer_ids
        return {ids[int(o)]: (float(x), float(y)) for o, x, y in zip(pos.officer, pos.lon, pos.lat, strict=True)}

    def positions(self, t: datetime | float) -> Positions:
        return self.tracks.positions_at(to_epoch_s(t) if isinstance(t, datetime) else float(t))

    def trail(self, officer_id: str, t: datetime | float, window_s: float) -> tuple[Any, Any, Any]:
        return self.tracks.trail(officer_id, to_epoch_s(t) if isinstance(t, datetime) else float(t), window_s)

    def camera_events_at(self, t: datetime | float, window_s: float = 600.0) -> list[CameraEvent]:
        """Camera detections that started in (t - window, t] — what the video wall showed around ``t``."""
        t_s = to_epoch_s(t) if isinstance(t, datetime) else float(t)
        lo = int(np.searchsorted(self._cam_start, t_s - window_s, side="right"))
        hi = int(np.searchsorted(self._cam_start, t_s, side="right"))
        return self.camera_events[lo:hi]

    def action_log(self, t: datetime | float, limit: int = 200) -> list[StoredEvent]:
        return self.index.action_log(to_epoch_s(t) if isinstance(t, datetime) else float(t), limit)

    def replace_tracks(self, tracks: TrackIndex) -> None:
        """Swap in the full track index once it is loaded (after a first frame from a window of fixes)."""
        self.tracks = tracks

    def close(self) -> None:
        self.source.close()


def resolve_period(source: ReplaySource, from_utc: datetime | None, to_utc: datetime | None
                   ) -> tuple[datetime, datetime]:
    """The period to replay: what was asked, else the file's period, else the log's last 24 hours."""
    bounds = source.bounds()
    if bounds is None:
        raise ValidationError("事件日志为空，没有可回放的内容", "the event log is empty: nothing to replay")
    lo, hi = bounds
    if source.kind == "db" and from_utc is None:
        lo = max(lo, (as_utc(to_utc) if to_utc else hi) - DEFAULT_PERIOD)
    start = as_utc(from_utc) if from_utc else lo
    end = as_utc(to_utc) if to_utc else hi
    if end <= start:
        raise ValidationError(f"回放时段无效：{start.isoformat()} 不早于 {end.isoformat()}",
                              f"bad replay period: {start.isoformat()} is not before {end.isoformat()}")
    return start, end


def load_events(source: ReplaySource, from_utc: datetime, to_utc: datetime, progress: Progress | None = None
                ) -> tuple[Snapshot, list[StoredEvent], list[StoredEvent]]:
    """Fold the log before the period into a base snapshot; return it with the period's events and the case
    events of the ``KPI_LOOKBACK`` before the period (day and week indicators at the period's start)."""
    base = Snapshot()
    period: list[StoredEvent] = []
    recent: list[StoredEvent] = []
    lookback = from_utc - KPI_LOOKBACK
    for n, ev in enumerate(source.iter_events(to_utc), start=1):
        if ev.ts_utc < from_utc:
            base.apply(ev)
            if ev.entity_type == "case" and ev.ts_utc >= lookback:
                recent.append(ev)
        else:
            period.append(ev)
        if progress is not None and n % 20_000 == 0:
            progress(0.05, f"读取事件 {n}…")
    return base, period, recent


def load_tracks(source: ReplaySource, from_utc: datetime, to_utc: datetime, progress: Progress | None = None,
                chunk: timedelta = TRACK_CHUNK) -> TrackIndex:
    """Read fixes in (from - lookback, to] chunk by chunk (progress per chunk) and index them."""
    chunks: list[PositionChunk] = []
    t = from_utc - TRACK_LOOKBACK
    end = to_utc + timedelta(microseconds=1)
    total = (end - t).total_seconds() or 1.0
    started = t
    while t < end:
        nxt = min(t + chunk, end)
        chunks.append(source.read_positions(t, nxt))
        t = nxt
        if progress is not None:
            progress((t - started).total_seconds() / total, "读取轨迹…")
    return TrackIndex.from_chunks(chunks)


def load_session(source: ReplaySource, from_utc: datetime | None = None, to_utc: datetime | None = None, *,
                 progress: Progress | None = None, checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
                 with_tracks: bool = True, tracks_around: datetime | None = None) -> ReplaySession:
    """Load a period (blocking; run it off the GUI thread).

    ``tracks_around``: load only the fixes within ``FIRST_FRAME_WINDOW`` of that instant (a first frame in well under
    a second even for millions of fixes); the caller then loads the rest with ``load_tracks`` and ``replace_tracks``.
    """
    import time

    say = progress or (lambda _f, _t: None)
    timings: dict[str, float] = {}
    start, end = resolve_period(source, from_utc, to_utc)
    # The first frame's fixes are read on a second thread while this one decodes and folds the events: the track
    # query runs inside SQLite/the driver with the GIL released, so on two cores the two overlap.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="replay-tracks") as pool:
        around_tracks: Future[PositionChunk] | None = None
        if with_tracks and tracks_around is not None:
            around = min(max(as_utc(tracks_around), start), end)
            around_tracks = pool.submit(source.read_positions, around - FIRST_FRAME_WINDOW,
                                        around + FIRST_FRAME_WINDOW)
        t0 = time.perf_counter()
        say(0.02, "读取事件日志…")
        base, period, recent = load_events(source, start, end, progress)
        timings["events"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        say(0.35, "建立检查点…")
        index = ReplayIndex(base, period, start, end, checkpoint_every,
                            progress=lambda f: say(0.35 + 0.15 * f, "建立检查点…"))
        timings["index"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        if around_tracks is not None:
            tracks = TrackIndex.from_chunks([around_tracks.result()])  # "tracks": the wait left after the overlap
        elif with_tracks:
            tracks = load_tracks(source, start, end, lambda f, txt: say(0.5 + 0.45 * f, txt))
        else:
            tracks = TrackIndex.from_chunks([])
        timings["tracks"] = time.perf_counter() - t0
    cams = source.camera_events(start - TRACK_LOOKBACK, end)
    say(1.0, "加载完成")
    return ReplaySession(source, index, tracks, cams, timings, recent)


def parse_time(text: str, default_day: datetime | None = None) -> datetime:
    """A user-typed instant: ISO 8601 (naive = Asia/Shanghai local time), or HH:MM[:SS] on ``default_day``'s date."""
    from zoneinfo import ZoneInfo

    local = ZoneInfo("Asia/Shanghai")
    raw = text.strip()
    try:
        if len(raw) <= 8 and ":" in raw and default_day is not None:
            parts = [int(p) for p in raw.split(":")]
            day = as_utc(default_day).astimezone(local)
            value = day.replace(hour=parts[0], minute=parts[1], second=parts[2] if len(parts) > 2 else 0,
                                microsecond=0)
            return as_utc(value)
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, IndexError) as exc:
        raise ValidationError(f"无法识别的时间：{text!r}（例：2026-11-28T09:00 或 09:00）",
                              f"unrecognised time: {text!r} (e.g. 2026-11-28T09:00 or 09:00)") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=local)
    return as_utc(value)


__all__ = ["ReplaySession", "from_epoch_s", "load_session", "parse_time", "resolve_period"]
