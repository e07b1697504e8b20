"""Fading officer trails on the map: the last minutes of every track, drawn as three age bands (strong → faint)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from console.geo.projection import lonlat_wgs84_to_xy_m
from console.replay.tracks import TrackIndex

BANDS_S = (120.0, 300.0, 600.0)  # newer than 2 min, 2–5 min, 5–10 min
ALPHAS = (230, 130, 55)
TRAIL_Z = 495.0  # just under the point layers


class TrailsOverlay:
    """Three curve items in the map's view box; ``update(t)`` recomputes every trail with a few numpy calls."""

    def __init__(self, view_box: Any, tracks: TrackIndex, colour: str = "#ffb347") -> None:
        self.tracks = tracks
        self.view_box = view_box
        self.items: list[pg.PlotCurveItem] = []
        for alpha, width in zip(ALPHAS, (2.4, 1.8, 1.3), strict=True):
            c = QColor(colour)
            c.setAlpha(alpha)
            item = pg.PlotCurveItem(pen=pg.mkPen(c, width=width))
            item.setZValue(TRAIL_Z)
            view_box.addItem(item)
            self.items.append(item)
        self.officers: np.ndarray | None = None  # restrict to these officer indexes (None = everyone)
        self.visible = True

    def set_visible(self, on: bool) -> None:
        self.visible = on
        for item in self.items:
            item.setVisible(on)

    def update(self, t_s: float) -> int:
        """Redraw for instant ``t_s``; returns the number of trail points drawn."""
        if not self.visible or not self.tracks.officer_ids:
            return 0
        tr = self.tracks.trails_at(t_s, BANDS_S[-1], self.officers)
        if tr.t_s.size < 2:
            for item in self.items:
                item.setData([], [])
            return 0
        x, y = lonlat_wgs84_to_xy_m(tr.lon, tr.lat)
        same = tr.connect()
        age_next = np.empty_like(tr.t_s)
        age_next[:-1] = t_s - tr.t_s[1:]
        age_next[-1] = np.inf
        lo = 0.0
        for item, hi in zip(self.items, BANDS_S, strict=True):
            # A segment i→i+1 belongs to the band of its newer end; segments of the older bands overlap by one point.
            conn = same & (age_next >= lo) & (age_next < hi)
            item.setData(np.asarray(x, dtype=float), np.asarray(y, dtype=float), connect=conn)
            lo = hi
        return int(tr.t_s.size)

    def remove(self) -> None:
        for item in self.items:
            self.view_box.removeItem(item)
        self.items = []
