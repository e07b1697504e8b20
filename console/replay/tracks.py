"""Officers' position history (轨迹) as numpy arrays: interpolated positions at any instant and fading trails.

All fixes of the period sit in three flat arrays sorted by (officer, time), with each officer's slice given by
``start``/``end``. A single sort key ``officer * span + (t - origin)`` lets one ``np.searchsorted`` call find, for
every officer at once, the fixes on either side of an instant; positions are then linearly interpolated (lon/lat
at this scale — a few km — interpolate as well as projected metres). Between fixes further apart than ``max_gap_s``
(device off, tunnel) the last fix is held rather than drawing a straight line through buildings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from console.replay.source import PositionChunk

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
DEFAULT_MAX_GAP_S = 600.0


@dataclass
class Positions:
    """Where every officer with a known fix is at one instant."""

    officer: IntArray  # index into TrackIndex.officer_ids
    lon: FloatArray
    lat: FloatArray
    heading_deg: FloatArray  # NaN when unknown
    fix_age_s: FloatArray  # 0 while between two fixes, else time since the last fix
    interpolated: BoolArray


@dataclass
class Trails:
    """Recent track points of many officers, sorted by officer then time, ending at the instant's position."""

    officer: IntArray
    t_s: FloatArray
    lon: FloatArray
    lat: FloatArray

    def connect(self) -> BoolArray:
        """``connect[i]``: point i joins point i+1 (same officer) — the shape pyqtgraph's curve ``connect`` wants."""
        if self.officer.size == 0:
            return np.zeros(0, dtype=bool)
        out = np.zeros(self.officer.size, dtype=bool)
        out[:-1] = self.officer[1:] == self.officer[:-1]
        return out


class TrackIndex:
    """Fixes of a period, loaded once; every query is a handful of vectorised numpy calls."""

    def __init__(self, officer_ids: Sequence[str], officer: IntArray, t_s: FloatArray, lon: FloatArray,
                 lat: FloatArray, max_gap_s: float = DEFAULT_MAX_GAP_S) -> None:
        self.officer_ids = list(officer_ids)
        self.code = {oid: i for i, oid in enumerate(self.officer_ids)}
        order = np.lexsort((t_s, officer))
        self.officer = np.ascontiguousarray(officer[order], dtype=np.int64)
        self.t_s = np.ascontiguousarray(t_s[order], dtype=np.float64)
        self.lon = np.ascontiguousarray(lon[order], dtype=np.float64)
        self.lat = np.ascontiguousarray(lat[order], dtype=np.float64)
        n_off = len(self.officer_ids)
        counts = np.bincount(self.officer, minlength=n_off).astype(np.int64)
        self.end = np.cumsum(counts)
        self.start = self.end - counts
        self.max_gap_s = float(max_gap_s)
        if self.t_s.size:
            self.origin = float(self.t_s.min())
            self.span = float(self.t_s.max() - self.origin) + 1.0
        else:
            self.origin, self.span = 0.0, 1.0
        self.key = self.officer.astype(np.float64) * self.span + (self.t_s - self.origin)
        self._base = np.arange(n_off, dtype=np.float64) * self.span

    @staticmethod
    def from_chunks(chunks: Sequence[PositionChunk], max_gap_s: float = DEFAULT_MAX_GAP_S) -> TrackIndex:
        """Merge chunks read separately (officer codes are per chunk) into one index."""
        ids = sorted({oid for c in chunks for oid in c.officer_ids})
        code = {oid: i for i, oid in enumerate(ids)}
        parts_o, parts_t, parts_lon, parts_lat = [], [], [], []
        for c in chunks:
            if c.n == 0:
                continue
            remap = np.array([code[o] for o in c.officer_ids], dtype=np.int64)
            parts_o.append(remap[c.officer])
            parts_t.append(c.t_s)
            parts_lon.append(c.lon)
            parts_lat.append(c.lat)
        if not parts_t:
            z = np.empty(0, dtype=np.float64)
            return TrackIndex(ids, np.empty(0, dtype=np.int64), z, z.copy(), z.copy(), max_gap_s)
        return TrackIndex(ids, np.concatenate(parts_o), np.concatenate(parts_t), np.concatenate(parts_lon),
                          np.concatenate(parts_lat), max_gap_s)

    @property
    def n_fixes(self) -> int:
        return int(self.t_s.size)

    @property
    def nbytes(self) -> int:
        return int(self.t_s.nbytes + self.lon.nbytes + self.lat.nbytes + self.officer.nbytes + self.key.nbytes)

    def _q(self, t_s: float) -> FloatArray:
        rel = min(max(t_s - self.origin, -0.5), self.span - 0.5)
        return self._base + rel

    # ------------------------------------------------------------------ queries
    def positions_at(self, t_s: float) -> Positions:
        """Every officer that has a fix at or before ``t_s``, at its interpolated position."""
        if not self.officer_ids:
            z = np.empty(0, dtype=np.float64)
            return Positions(np.empty(0, dtype=np.int64), z, z.copy(), z.copy(), z.copy(), np.zeros(0, dtype=bool))
        i = np.searchsorted(self.key, self._q(t_s), side="right")
        prev = i - 1
        has_prev = prev >= self.start
        offs = np.flatnonzero(has_prev)
        p = prev[offs]
        n = i[offs]
        has_next = n < self.end[offs]
        n_safe = np.where(has_next, n, p)
        tp, tn = self.t_s[p], self.t_s[n_safe]
        gap = tn - tp
        interp = has_next & (gap > 0) & (gap <= self.max_gap_s)
        w = np.where(interp, (t_s - tp) / np.where(gap > 0, gap, 1.0), 0.0)
        lon = self.lon[p] + w * (self.lon[n_safe] - self.lon[p])
        lat = self.lat[p] + w * (self.lat[n_safe] - self.lat[p])
        # Heading from the segment being travelled (or the last one when holding the final fix).
        seg_a = np.where(has_next, p, np.maximum(p - 1, self.start[offs]))
        seg_b = np.where(has_next, n_safe, p)
        dx = (self.lon[seg_b] - self.lon[seg_a]) * np.cos(np.radians(self.lat[seg_a]))
        dy = self.lat[seg_b] - self.lat[seg_a]
        moving = (dx != 0) | (dy != 0)
        heading = np.where(moving, np.degrees(np.arctan2(dx, dy)) % 360.0, np.nan)
        age = np.where(interp, 0.0, t_s - tp)
        return Positions(offs.astype(np.int64), lon, lat, heading, age, interp)

    def trail(self, officer_id: str, t_s: float, window_s: float) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(t, lon, lat) of one officer's fixes in (t - window, t], ending at the interpolated position at t."""
        o = self.code.get(officer_id)
        if o is None:
            z = np.empty(0, dtype=np.float64)
            return z, z.copy(), z.copy()
        tr = self.trails_at(t_s, window_s, officers=np.array([o], dtype=np.int64))
        return tr.t_s, tr.lon, tr.lat

    def trails_at(self, t_s: float, window_s: float, officers: IntArray | None = None) -> Trails:
        """Trails of all (or the given) officers over the last ``window_s`` seconds, vectorised."""
        if officers is None:
            officers = np.arange(len(self.officer_ids), dtype=np.int64)
        if officers.size == 0 or self.t_s.size == 0:
            z = np.empty(0, dtype=np.float64)
            return Trails(np.empty(0, dtype=np.int64), z, z.copy(), z.copy())
        base = officers.astype(np.float64) * self.span
        lo = np.searchsorted(self.key, base + max(t_s - window_s - self.origin, -0.5), side="right")
        hi = np.searchsorted(self.key, base + min(max(t_s - self.origin, -0.5), self.span - 0.5), side="right")
        counts = np.maximum(hi - lo, 0)
        total = int(counts.sum())
        starts = np.cumsum(counts) - counts
        idx = np.repeat(lo, counts) + (np.arange(total) - np.repeat(starts, counts))
        fix_off = self.officer[idx]
        # The head: each officer's position at t (interpolated), appended after its fixes.
        pos = self.positions_at(t_s)
        keep = np.isin(pos.officer, officers) & np.isin(pos.officer, fix_off)
        head_off = pos.officer[keep]
        off = np.concatenate([fix_off, head_off])
        tt = np.concatenate([self.t_s[idx], np.full(head_off.size, t_s)])
        lon = np.concatenate([self.lon[idx], pos.lon[keep]])
        lat = np.concatenate([self.lat[idx], pos.lat[keep]])
        order = np.lexsort((tt, off))
        return Trails(off[order], tt[order], lon[order], lat[order])
