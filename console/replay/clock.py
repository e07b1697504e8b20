"""The one replay clock (回放时钟): moves a World to instant *t* — cases, officers, positions, assets — on demand.

A jump (backwards, or far forwards) restores the nearest checkpoint into the World (``World.reset``); a small step
forwards folds just the new events through ``World.apply_events`` so the event ticker sees them arrive, as it would
live. Officer positions come from the track index (interpolated), falling back to the position an event last set.
Playback speed, loop range and follow target are plain state here; a GUI timer calls ``advance(real_seconds)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from psygnal import Signal

from console.replay.session import ReplaySession
from console.replay.source import from_epoch_s, to_epoch_s
from console.world import World

SPEEDS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0)
FOLD_FORWARD_MAX = 200  # beyond this many new events a checkpoint restore is cheaper than folding forward


@dataclass
class FrameInfo:
    """What a move of the clock did (for benches and the status line)."""

    t_s: float
    events_applied: int
    jumped: bool


class ReplayServiceClock:
    """Adapter: the services' Clock protocol over a ReplayClock."""

    def __init__(self, clock: ReplayClock) -> None:
        self._clock = clock

    def now_utc(self) -> datetime:
        return self._clock.now_utc


class ReplayClock:
    """Drives one World through a loaded session; Qt-free (psygnal signals)."""

    time_changed = Signal(object)  # datetime (aware UTC)
    jumped = Signal(object)  # datetime: the state was replaced (views rebuild, the ticker reloads its log)
    playing_changed = Signal(bool)

    def __init__(self, session: ReplaySession, world: World | None = None, start: datetime | float | None = None
                 ) -> None:
        self.session = session
        self.world = world or World()
        self.speed = 60.0
        self.playing = False
        self.loop: tuple[float, float] | None = None
        self._k = -1  # events of the period folded into the World (-1: not yet)
        self._rows_for: object = None  # the World arrays / track index the officer row map was built for
        self._rows_tracks: object = None
        self._row_of_track = np.empty(0, dtype=np.int64)
        self.t_s = session.index.from_s
        self.seek(session.index.from_s if start is None else start)

    # ------------------------------------------------------------------ time
    @property
    def now_utc(self) -> datetime:
        return from_epoch_s(self.t_s)

    def service_clock(self) -> ReplayServiceClock:
        """This clock in the shape the services expect (``now_utc()``), for read-only queries at *t*."""
        return ReplayServiceClock(self)

    def clamp(self, t_s: float) -> float:
        return min(max(t_s, self.session.index.from_s), self.session.index.to_s)

    def seek(self, t: datetime | float) -> FrameInfo:
        """Put the World at instant ``t`` (clamped to the period)."""
        t_s = self.clamp(to_epoch_s(t) if isinstance(t, datetime) else float(t))
        index = self.session.index
        k = index.count_at(t_s)
        jumped = self._k < 0 or k < self._k or k - self._k > FOLD_FORWARD_MAX
        applied = 0
        if jumped:
            snap = index.snapshot_after(k)
            self.world.now_utc = from_epoch_s(t_s)
            self.world.reset(snap.cases, snap.officers, snap.assets, snap.seq)
            applied = k
        elif k > self._k:
            applied = self.world.apply_events(index.events[self._k:k], in_time_order=True)
        self._k = k
        self.t_s = t_s
        self.world.set_time(from_epoch_s(t_s))
        self._place_officers(t_s)
        if jumped:
            self.jumped.emit(self.now_utc)
        self.time_changed.emit(self.now_utc)
        return FrameInfo(t_s, applied, jumped)

    def advance(self, real_seconds: float) -> FrameInfo | None:
        """Playback tick: move ``real_seconds × speed`` forwards (looping if a range is set); None when paused."""
        if not self.playing:
            return None
        target = self.t_s + real_seconds * self.speed
        if self.loop is not None and target > self.loop[1]:
            return self.seek(self.loop[0])
        if target >= self.session.index.to_s:
            info = self.seek(self.session.index.to_s)
            self.pause()
            return info
        return self.seek(target)

    def play(self) -> None:
        if not self.playing:
            self.playing = True
            self.playing_changed.emit(True)

    def pause(self) -> None:
        if self.playing:
            self.playing = False
            self.playing_changed.emit(False)

    def set_speed(self, speed: float) -> None:
        self.speed = float(min(max(speed, SPEEDS[0]), SPEEDS[-1]))

    def set_loop(self, start: datetime | float | None, end: datetime | float | None = None) -> None:
        """Loop playback over [start, end]; ``None`` clears it."""
        if start is None or end is None:
            self.loop = None
            return
        a = self.clamp(to_epoch_s(start) if isinstance(start, datetime) else float(start))
        b = self.clamp(to_epoch_s(end) if isinstance(end, datetime) else float(end))
        self.loop = (min(a, b), max(a, b)) if a != b else None

    # ------------------------------------------------------------------ stepping
    def step_event(self, direction: int) -> FrameInfo | None:
        """To the next (+1) or previous (-1) instant at which an event happened."""
        index = self.session.index
        t = index.next_event_time(self.t_s) if direction > 0 else index.previous_event_time(self.t_s)
        return None if t is None else self.seek(t)

    def step(self, seconds: float) -> FrameInfo:
        return self.seek(self.t_s + seconds)

    def next_case_event(self, case_id: str) -> FrameInfo | None:
        t = self.session.index.next_case_event_time(case_id, self.t_s)
        return None if t is None else self.seek(t)

    # ------------------------------------------------------------------ officers
    def _place_officers(self, t_s: float) -> None:
        """Officers at their interpolated positions: the World's column arrays are updated in place (vectorised)
        and the state dicts of the same officers follow (details panel, follow, tooltips)."""
        tracks = self.session.tracks
        if not tracks.officer_ids:
            return
        pos = tracks.positions_at(t_s)
        world = self.world
        arrays = world.officer_arrays()
        if self._rows_for is not arrays or self._rows_tracks is not tracks:
            index_of = {str(oid): i for i, oid in enumerate(arrays.ids)}
            self._row_of_track = np.array([index_of.get(oid, -1) for oid in tracks.officer_ids], dtype=np.int64)
            self._rows_for, self._rows_tracks = arrays, tracks
        rows = self._row_of_track[pos.officer]
        ok = rows >= 0
        r = rows[ok]
        lon, lat, heading = pos.lon[ok], pos.lat[ok], pos.heading_deg[ok]
        arrays.lon[r], arrays.lat[r], arrays.heading_deg[r] = lon, lat, heading
        arrays.fix_age_s[r] = pos.fix_age_s[ok]
        iso = self.now_utc.isoformat()
        officers = world.officers
        ids = [str(arrays.ids[i]) for i in r.tolist()]
        for oid, x, y, h in zip(ids, lon.tolist(), lat.tolist(), heading.tolist(), strict=True):
            o = officers.get(oid)
            if o is not None:
                o["lon"], o["lat"], o["heading_deg"], o["fix_ts_utc"] = x, y, h, iso
        world.officers_moved.emit(ids)

    def officer_position(self, officer_id: str) -> tuple[float, float] | None:
        o = self.world.officers.get(officer_id)
        if o is None or o.get("lon") is None:
            return None
        return float(o["lon"]), float(o["lat"])
