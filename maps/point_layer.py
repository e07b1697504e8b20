"""Big point layers (cases 100k+, officers, cameras, workrooms, sensors) drawn from numpy arrays.

One item per layer, no per-point QGraphicsItems. Each paint culls to the view with boolean masks, then either
- exact: blits pre-rendered symbols with one ``drawPixmapFragments`` call (rotation = heading, opacity = staleness), or
- clustered (low zoom, many points): bins points into a world-anchored grid (cell ≈ 64 px, power-of-two metres so
  clusters stay put while panning), draws a count badge per cell coloured by the worst member's rank.
Hit-testing uses a sorted-cell grid index in metres (exact mode) or the last frame's clusters (cluster mode).
``update_positions`` is the officers' fast path: one projection call, array writes, one ``update()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from console.errors import ValidationError
from console.geo.projection import lonlat_wgs84_to_xy_m
from maps.fragments import FragmentArray
from maps.labels import LabelStyle, draw_labels, frame_occupancy
from maps.layer_base import Hit, MapLayer, TooltipProvider
from maps.symbology import Symbology
from maps.text import font_generation, map_font
from maps.vector_layers import device_size, painter_scale_m_per_px, view_rect_m

FloatArray = npt.NDArray[np.float64]
IntpArray = npt.NDArray[np.intp]

HIT_CELL_M = 40.0
HIT_MAX_CELLS = 625  # beyond this many index cells a plain mask over all points is cheaper


def _count_label(count: int) -> str:
    return str(count) if count < 10000 else f"{count / 10000:.1f}万"


class _HitGrid:
    """Points bucketed into HIT_CELL_M cells, sorted by cell key, for near-point queries without Python loops over N."""

    def __init__(self, x: FloatArray, y: FloatArray) -> None:
        self.x0 = float(np.min(x)) if x.size else 0.0
        self.y0 = float(np.min(y)) if y.size else 0.0
        gx = np.floor((x - self.x0) / HIT_CELL_M).astype(np.int64)
        gy = np.floor((y - self.y0) / HIT_CELL_M).astype(np.int64)
        self.ny = int(gy.max()) + 1 if gy.size else 1
        self.nx = int(gx.max()) + 1 if gx.size else 1
        key = gx * self.ny + gy
        self.order = np.argsort(key, kind="stable")
        self.sorted_keys = key[self.order]

    def candidates(self, x: FloatArray, y: FloatArray, qx: float, qy: float, tol_m: float) -> IntpArray:
        gx0 = max(math.floor((qx - tol_m - self.x0) / HIT_CELL_M), 0)
        gx1 = min(math.floor((qx + tol_m - self.x0) / HIT_CELL_M), self.nx - 1)
        gy0 = max(math.floor((qy - tol_m - self.y0) / HIT_CELL_M), 0)
        gy1 = min(math.floor((qy + tol_m - self.y0) / HIT_CELL_M), self.ny - 1)
        if gx1 < gx0 or gy1 < gy0:
            return np.empty(0, dtype=np.intp)
        if (gx1 - gx0 + 1) * (gy1 - gy0 + 1) > HIT_MAX_CELLS:
            m = (np.abs(x - qx) <= tol_m) & (np.abs(y - qy) <= tol_m)
            return np.flatnonzero(m)
        gxs = np.arange(gx0, gx1 + 1, dtype=np.int64)
        keys = (gxs[:, None] * self.ny + np.arange(gy0, gy1 + 1, dtype=np.int64)[None, :]).ravel()
        lo = np.searchsorted(self.sorted_keys, keys, side="left")
        hi = np.searchsorted(self.sorted_keys, keys, side="right")
        parts = [self.order[a:b] for a, b in zip(lo, hi, strict=True) if b > a]  # loop over the few cells only
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)


class PointLayer(MapLayer):
    """Many points with symbols from a :class:`~maps.symbology.Symbology`, clustered at low zoom."""

    def __init__(
        self,
        name: str,
        title_zh: str,
        symbology: Symbology,
        *,
        cluster: bool = True,
        cluster_cell_px: float = 80.0,
        exact_max_scale_m_per_px: float = 2.5,
        cluster_min_visible: int = 400,
        hit_radius_px: float = 10.0,
        label_style: LabelStyle | None = None,
        label_min_scale_m_per_px: float = 0.0,
        label_max_scale_m_per_px: float = math.inf,
        selection_colour: QColor | str = "#00e5ff",
        min_scale_m_per_px: float = 0.0,
        max_scale_m_per_px: float = math.inf,
        tooltip_provider: TooltipProvider | None = None,
        note_zh: str | None = None,
    ) -> None:
        super().__init__(
            name,
            title_zh,
            min_scale_m_per_px=min_scale_m_per_px,
            max_scale_m_per_px=max_scale_m_per_px,
            tooltip_provider=tooltip_provider,
            note_zh=note_zh,
        )
        self.symbology = symbology
        self.cluster = cluster
        self.cluster_cell_px = cluster_cell_px
        self.exact_max_scale_m_per_px = exact_max_scale_m_per_px
        self.cluster_min_visible = cluster_min_visible
        self.hit_radius_px = hit_radius_px
        self.label_style = label_style or LabelStyle(pixel_size=12)
        self.label_min_scale_m_per_px = label_min_scale_m_per_px
        self.label_max_scale_m_per_px = label_max_scale_m_per_px
        self.selection_colour = QColor(selection_colour)
        self._frags = FragmentArray()
        self._pulse_frags = FragmentArray()
        self._sel_frags = FragmentArray()
        self._badge_cache: dict[tuple[object, ...], QPixmap] = {}
        self._pulse_pm = symbology.pulse_pixmap()
        self._sel_pm = self._selection_pixmap()
        self.pulse_phase: float | None = None  # 0..1 while animating overdue/alarm halos
        self._empty()
        # test/diagnostic counters, describing the last paint
        self.last_mode = "none"
        self.drawn_symbol_count = 0
        self.drawn_cluster_count = 0

    # ------------------------------------------------------------------------------------------------- data
    def _empty(self) -> None:
        self._ids: npt.NDArray[np.object_] = np.empty(0, dtype=object)
        self._index = pd.Index([], dtype=object)
        self._x: FloatArray = np.empty(0)
        self._y: FloatArray = np.empty(0)
        self._style: dict[str, np.ndarray] = {}
        self._key = np.empty(0, dtype=np.int32)
        self._rank = np.empty(0, dtype=np.int8)
        self._rot = np.empty(0, dtype=np.float32)
        self._opacity = np.empty(0, dtype=np.float32)
        self._pulse = np.empty(0, dtype=bool)
        self._labels: list[str] | None = None
        self._selected: IntpArray = np.empty(0, dtype=np.intp)
        self._bounds: tuple[float, float, float, float] | None = None
        self._grid: _HitGrid | None = None
        self._clusters: dict[str, Any] | None = None
        self._cluster_cache_key: tuple[object, ...] | None = None
        self._data_version = 0

    def set_data(
        self,
        ids: npt.ArrayLike,
        lon_wgs84: npt.ArrayLike,
        lat_wgs84: npt.ArrayLike,
        *,
        labels: list[str] | None = None,
        **style: npt.ArrayLike,
    ) -> None:
        """Replace all points. Style arrays (status, category_icon, heading_deg, …) are aligned to ``ids``."""
        lon = np.asarray(lon_wgs84, dtype=np.float64).ravel()
        lat = np.asarray(lat_wgs84, dtype=np.float64).ravel()
        if lon.shape != lat.shape:
            raise ValidationError("经纬度数组长度不一致", f"lon/lat length mismatch: {lon.size} vs {lat.size}")
        x, y = lonlat_wgs84_to_xy_m(lon, lat)
        self.set_data_xy(ids, x, y, labels=labels, **style)

    def set_data_xy(
        self,
        ids: npt.ArrayLike,
        x_m: npt.ArrayLike,
        y_m: npt.ArrayLike,
        *,
        labels: list[str] | None = None,
        **style: npt.ArrayLike,
    ) -> None:
        """Same as :meth:`set_data` for points already in EPSG:4549 metres."""
        id_arr = np.asarray(ids, dtype=object).ravel()
        x = np.ascontiguousarray(x_m, dtype=np.float64).ravel().copy()
        y = np.ascontiguousarray(y_m, dtype=np.float64).ravel().copy()
        n = id_arr.size
        if x.size != n or y.size != n:
            raise ValidationError("点位数组长度不一致", f"ids/x/y length mismatch: {n}, {x.size}, {y.size}")
        if labels is not None and len(labels) != n:
            raise ValidationError("标注数量与点数不一致", f"{len(labels)} labels for {n} points")
        stored: dict[str, np.ndarray] = {}
        for k, v in style.items():
            arr = np.asarray(v)
            if arr.shape[:1] != (n,):
                raise ValidationError(f"样式数组“{k}”长度不一致", f"style array {k!r} has shape {arr.shape}, expected ({n},)")
            stored[k] = arr.copy()
        self.prepareGeometryChange()
        self._ids = id_arr
        self._index = pd.Index(id_arr, dtype=object)
        self._x, self._y = x, y
        self._style = stored
        sk = self.symbology.compute(n, stored)
        self._key, self._rank, self._rot, self._opacity, self._pulse = (
            sk.key, sk.rank, sk.rotation_deg, sk.opacity, sk.pulse,
        )
        self.symbology.atlas.ensure(self._key)
        self._labels = list(labels) if labels is not None else None
        self._selected = np.empty(0, dtype=np.intp)
        finite = np.isfinite(x) & np.isfinite(y)
        if finite.any():
            self._bounds = (float(x[finite].min()), float(y[finite].min()), float(x[finite].max()), float(y[finite].max()))
        else:
            self._bounds = None
        self._touch()

    def _touch(self) -> None:
        self._grid = None
        self._data_version += 1
        self._cluster_cache_key = None
        self.update()

    def _resolve(self, ids_or_indices: npt.ArrayLike) -> tuple[IntpArray, npt.NDArray[np.bool_]]:
        """Row indices for ids (or integer indices) and a mask of those that exist, aligned to the input."""
        arr = np.asarray(ids_or_indices)
        if arr.dtype.kind in "iu":
            idx = arr.astype(np.intp).ravel()
            return idx, (idx >= 0) & (idx < self._ids.size)
        idx = np.asarray(self._index.get_indexer(arr.astype(object).ravel()), dtype=np.intp)
        return idx, idx >= 0

    def update_positions(
        self, ids_or_indices: npt.ArrayLike, lon_wgs84: npt.ArrayLike, lat_wgs84: npt.ArrayLike, **style: npt.ArrayLike
    ) -> int:
        """Move a subset of points (ids, or integer row indices); unknown ids are ignored. Returns how many moved.

        Style arrays given here (e.g. heading_deg, fix_age_s, status) update those points' symbols too.
        """
        idx, ok = self._resolve(ids_or_indices)
        x, y = lonlat_wgs84_to_xy_m(lon_wgs84, lat_wgs84)
        x = np.atleast_1d(x)
        y = np.atleast_1d(y)
        if not ok.all():
            idx, x, y = idx[ok], x[ok], y[ok]
            style = {k: np.asarray(v)[ok] for k, v in style.items()}
        self._x[idx] = x
        self._y[idx] = y
        if idx.size and self._bounds is not None:
            b = self._bounds
            lo_x, hi_x, lo_y, hi_y = x.min(), x.max(), y.min(), y.max()
            if lo_x < b[0] or lo_y < b[1] or hi_x > b[2] or hi_y > b[3]:
                self.prepareGeometryChange()
                self._bounds = (min(b[0], lo_x), min(b[1], lo_y), max(b[2], hi_x), max(b[3], hi_y))
        if style:
            self._restyle(idx, style)
        self._touch()
        return int(idx.size)

    def update_styles(self, ids_or_indices: npt.ArrayLike, **style: npt.ArrayLike) -> int:
        """Change style values (status, overdue, …) of a subset of points; returns how many were found."""
        idx, ok = self._resolve(ids_or_indices)
        idx = idx[ok]
        self._restyle(idx, {k: np.asarray(v)[ok] for k, v in style.items()})
        self._touch()
        return int(idx.size)

    def _restyle(self, idx: IntpArray, style: dict[str, Any]) -> None:
        for k, v in style.items():
            v = np.asarray(v)
            if k not in self._style:
                fill: Any = np.nan if v.dtype.kind == "f" else (False if v.dtype.kind == "b" else None)
                self._style[k] = np.full(self._ids.size, fill, dtype=v.dtype if v.dtype.kind in "fb" else object)
            elif self._style[k].dtype.kind in "US" and v.dtype.kind in "US":
                self._style[k] = self._style[k].astype(object)
            self._style[k][idx] = v
        sub = {k: v[idx] for k, v in self._style.items()}
        sk = self.symbology.compute(idx.size, sub)
        self._key[idx] = sk.key
        self._rank[idx] = sk.rank
        self._rot[idx] = sk.rotation_deg
        self._opacity[idx] = sk.opacity
        self._pulse[idx] = sk.pulse
        self.symbology.atlas.ensure(sk.key)

    def set_selected(self, ids: Iterable[str]) -> None:
        """Highlight these features (drawn on top with a ring, also in cluster mode); unknown ids are ignored."""
        wanted = np.asarray(list(ids), dtype=object)
        if wanted.size == 0:
            self._selected = np.empty(0, dtype=np.intp)
        else:
            found = np.asarray(self._index.get_indexer(wanted), dtype=np.intp)
            self._selected = found[found >= 0]
        self.update()

    def selected_ids(self) -> list[str]:
        return [str(self._ids[i]) for i in self._selected]

    # ------------------------------------------------------------------------------------------------- queries
    def __len__(self) -> int:
        return int(self._ids.size)

    def ids(self) -> npt.NDArray[np.object_]:
        return self._ids

    def positions_m(self) -> tuple[FloatArray, FloatArray]:
        """Current projected positions (views; do not modify)."""
        return self._x, self._y

    def index_of(self, feature_id: str) -> int:
        return int(self._index.get_indexer(np.asarray([feature_id], dtype=object))[0])

    def data_bounds_m(self) -> tuple[float, float, float, float] | None:
        return self._bounds

    def feature_bounds_m(self, feature_id: str) -> tuple[float, float, float, float] | None:
        i = self.index_of(feature_id)
        if i < 0:
            return None
        return (float(self._x[i]), float(self._y[i]), float(self._x[i]), float(self._y[i]))

    def uses_clusters_at(self, scale_m_per_px: float, visible_count: int) -> bool:
        return self.cluster and scale_m_per_px > self.exact_max_scale_m_per_px and visible_count > self.cluster_min_visible

    # ------------------------------------------------------------------------------------------------- painting
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        self.drawn_symbol_count = 0
        self.drawn_cluster_count = 0
        if self._ids.size == 0:
            self.last_mode = "none"
            return
        vr = view_rect_m(self, option)
        scale = painter_scale_m_per_px(painter)
        margin = self.symbology.cell_px * scale
        x, y = self._x, self._y
        m = (x >= vr.left() - margin) & (x <= vr.right() + margin) & (y >= vr.top() - margin) & (y <= vr.bottom() + margin)
        idx = np.flatnonzero(m)
        t = painter.transform()
        painter.save()
        painter.resetTransform()
        try:
            if self.uses_clusters_at(scale, int(idx.size)):
                self.last_mode = "cluster"
                self._paint_clusters(painter, t, idx, scale, vr)
            else:
                self.last_mode = "exact"
                self._clusters = None
                self._paint_exact(painter, t, idx, scale)
            self._paint_selection(painter, t)
        finally:
            painter.restore()

    def _blit(self, painter: QPainter, t: Any, vis: IntpArray, frags: FragmentArray) -> None:
        px = t.m11() * self._x[vis] + t.dx()
        py = t.m22() * self._y[vis] + t.dy()
        rows = frags.rows(vis.size)
        rows[:, 0] = px
        rows[:, 1] = py
        rows[:, 2:6] = self.symbology.atlas.rect_table[self._key[vis]]
        rows[:, 6] = 1.0
        rows[:, 7] = 1.0
        rows[:, 8] = self._rot[vis]
        rows[:, 9] = self._opacity[vis]
        frags.draw(painter, self.symbology.atlas.pixmap)

    def _draw_priority(self, idx: IntpArray) -> npt.NDArray[np.int16]:
        return self._rank[idx].astype(np.int16) + self._pulse[idx].astype(np.int16) * 64

    def _paint_exact(self, painter: QPainter, t: Any, idx: IntpArray, scale: float) -> None:
        if idx.size == 0:
            return
        vis = idx[np.argsort(self._draw_priority(idx), kind="stable")]  # worst drawn last, on top
        if self.pulse_phase is not None and self._pulse_pm is not None:
            pv = vis[self._pulse[vis]]
            if pv.size:
                ph = float(self.pulse_phase)
                rows = self._pulse_frags.rows(pv.size)
                rows[:, 0] = t.m11() * self._x[pv] + t.dx()
                rows[:, 1] = t.m22() * self._y[pv] + t.dy()
                rows[:, 2:6] = (0, 0, self._pulse_pm.width(), self._pulse_pm.height())
                rows[:, 6:8] = 0.7 + 0.6 * ph
                rows[:, 8] = 0.0
                rows[:, 9] = 1.0 - ph
                self._pulse_frags.draw(painter, self._pulse_pm)
        self._blit(painter, t, vis, self._frags)
        self.drawn_symbol_count = int(vis.size)
        if self._labels is not None and self.label_min_scale_m_per_px <= scale <= self.label_max_scale_m_per_px:
            px = t.m11() * self._x[vis] + t.dx()
            py = t.m22() * self._y[vis] + t.dy()
            w, h = device_size(painter)
            occ = frame_occupancy(self.scene(), w, h)
            order = np.arange(vis.size)[::-1]
            draw_labels(
                painter, occ, px[order], py[order], [self._labels[int(i)] for i in vis[order]], self.label_style,
                offset_px=(self.symbology.cell_px * 0.3 + 2, 0.0), centred=False,
            )

    def _paint_clusters(self, painter: QPainter, t: Any, idx: IntpArray, scale: float, vr: QRectF) -> None:
        cell_m = 2.0 ** round(math.log2(self.cluster_cell_px * scale))
        cache_key = (self._data_version, cell_m, round(vr.left()), round(vr.top()), round(vr.width()), round(vr.height()))
        if self._cluster_cache_key != cache_key or self._clusters is None:
            self._clusters = self._compute_clusters(idx, cell_m, scale)
            self._cluster_cache_key = cache_key
        cl = self._clusters
        singles = cl["single_members"]
        if singles.size:
            self._blit(painter, t, singles[np.argsort(self._draw_priority(singles), kind="stable")], self._frags)
        self.drawn_symbol_count = int(singles.size)
        px = t.m11() * cl["cx"] + t.dx()
        py = t.m22() * cl["cy"] + t.dy()
        order = np.argsort(cl["rank"], kind="stable")
        for i in order:
            pm = self._badge(int(cl["count"][i]), int(cl["rank"][i]), float(cl["r_m"][i] / scale), int(cl["alerts"][i]))
            painter.drawPixmap(QPointF(px[i] - pm.width() / 2, py[i] - pm.height() / 2), pm)
        self.drawn_cluster_count = int(cl["count"].size)

    def _compute_clusters(self, idx: IntpArray, cell_m: float, scale: float) -> dict[str, Any]:
        x, y = self._x[idx], self._y[idx]
        gx = np.floor(x / cell_m).astype(np.int64)
        gy = np.floor(y / cell_m).astype(np.int64)
        if idx.size == 0:
            empty = np.empty(0)
            return {"cx": empty, "cy": empty, "r_m": empty, "count": np.empty(0, dtype=np.int64), "alerts": empty,
                    "rank": np.empty(0, dtype=np.int64), "cell": np.empty(0, dtype=np.int64),
                    "single_members": np.empty(0, dtype=np.intp), "idx": idx, "dense": np.empty(0, dtype=np.int64)}
        gx0, gy0 = int(gx.min()), int(gy.min())
        ny = int(gy.max()) - gy0 + 1
        ncell = (int(gx.max()) - gx0 + 1) * ny
        dense = (gx - gx0) * ny + (gy - gy0)
        counts = np.bincount(dense, minlength=ncell)
        sx = np.bincount(dense, weights=x, minlength=ncell)
        sy = np.bincount(dense, weights=y, minlength=ncell)
        nr = self.symbology.rank_count
        per_rank = np.bincount(dense * nr + self._rank[idx].astype(np.int64), minlength=ncell * nr).reshape(ncell, nr)
        worst = nr - 1 - np.argmax(per_rank[:, ::-1] > 0, axis=1)
        member_sum = np.bincount(dense, weights=idx.astype(np.float64), minlength=ncell)
        alerts = np.bincount(dense, weights=self._pulse[idx].astype(np.float64), minlength=ncell)
        single_cells = np.flatnonzero(counts == 1)
        multi = np.flatnonzero(counts > 1)
        c = counts[multi]
        cx = sx[multi] / c
        cy = sy[multi] / c
        cell_px = cell_m / scale
        r_px = np.minimum(11.0 + 4.0 * np.log10(c), cell_px / 2 - 1.0)
        r_m = r_px * scale
        # keep each badge inside its own cell so neighbouring badges never overlap
        cell_x0 = (multi // ny + gx0) * cell_m
        cell_y0 = (multi % ny + gy0) * cell_m
        cx = np.clip(cx, cell_x0 + r_m, cell_x0 + cell_m - r_m)
        cy = np.clip(cy, cell_y0 + r_m, cell_y0 + cell_m - r_m)
        return {
            "cx": cx, "cy": cy, "r_m": r_m, "count": c, "rank": worst[multi], "cell": multi, "alerts": alerts[multi],
            "single_members": np.rint(member_sum[single_cells]).astype(np.intp), "idx": idx, "dense": dense,
        }

    def _badge(self, count: int, rank: int, r_px: float, alerts: int = 0) -> QPixmap:
        label = _count_label(count)
        colour = self.symbology.rank_colour(rank)
        r = max(round(r_px), 8)
        alert_label = "" if alerts <= 0 else (str(alerts) if alerts < 100 else "99+")
        key = (label, colour.rgba(), r, self.symbology.cluster_shape, alert_label, font_generation())
        pm = self._badge_cache.get(key)
        if pm is not None:
            return pm
        size = 2 * r + 4
        pm = QPixmap(size, size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        fill = QColor(colour)
        fill.setAlpha(235)
        p.setPen(QPen(QColor(255, 255, 255, 230), 2.0))
        p.setBrush(fill)
        rect = QRectF(2, 2, 2 * r, 2 * r)
        if self.symbology.cluster_shape == "square":
            p.drawRoundedRect(rect, r * 0.35, r * 0.35)
        else:
            p.drawEllipse(rect)
        font = map_font(11 if len(label) <= 3 else 10, bold=True)
        fm = QFontMetricsF(font)
        while fm.horizontalAdvance(label) > 2 * r - 4 and font.pixelSize() > 7:
            font.setPixelSize(font.pixelSize() - 1)
            fm = QFontMetricsF(font)
        lum = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
        p.setPen(QColor("#0b1015") if lum > 150 else QColor("#ffffff"))
        p.setFont(font)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        if alert_label:  # red light: how many members are overdue / alarming, top-right of the badge
            afont = map_font(9, bold=True)
            aw = max(QFontMetricsF(afont).horizontalAdvance(alert_label) + 6, 13.0)
            arect = QRectF(size - aw, 0, aw, 13.0)
            p.setPen(QPen(QColor("#ffffff"), 1.0))
            p.setBrush(QColor("#ff1744"))
            p.drawRoundedRect(arect, 6.5, 6.5)
            p.setFont(afont)
            p.drawText(arect, Qt.AlignmentFlag.AlignCenter, alert_label)
        p.end()
        if len(self._badge_cache) > 4000:
            self._badge_cache.clear()
        self._badge_cache[key] = pm
        return pm

    def _selection_pixmap(self) -> QPixmap:
        c = self.symbology.cell_px
        size = max(c, 28)
        pm = QPixmap(size, size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(0, 0, 0, 200), 5.0))
        p.drawEllipse(QPointF(size / 2, size / 2), 12.5, 12.5)
        p.setPen(QPen(self.selection_colour, 3.0))
        p.drawEllipse(QPointF(size / 2, size / 2), 12.5, 12.5)
        p.end()
        return pm

    def _paint_selection(self, painter: QPainter, t: Any) -> None:
        sel = self._selected
        if sel.size == 0:
            return
        rows = self._sel_frags.rows(sel.size)
        rows[:, 0] = t.m11() * self._x[sel] + t.dx()
        rows[:, 1] = t.m22() * self._y[sel] + t.dy()
        rows[:, 2:6] = (0, 0, self._sel_pm.width(), self._sel_pm.height())
        rows[:, 6:8] = 1.0
        rows[:, 8] = 0.0
        rows[:, 9] = 1.0
        self._sel_frags.draw(painter, self._sel_pm)
        if self.last_mode == "cluster":  # the symbol itself is hidden inside a cluster: show it above the badge
            self._blit(painter, t, sel, self._frags)

    # ------------------------------------------------------------------------------------------------- hit-testing
    def hit_test(self, x_m: float, y_m: float, scale_m_per_px: float) -> Hit | None:
        if self._ids.size == 0 or not self.hit_testable:
            return None
        if self.last_mode == "cluster" and self._clusters is not None:
            hit = self._hit_cluster(x_m, y_m, scale_m_per_px)
            if hit is not None:
                return hit
        tol = self.hit_radius_px * scale_m_per_px
        if self._grid is None:
            self._grid = _HitGrid(self._x, self._y)
        cand = self._grid.candidates(self._x, self._y, x_m, y_m, tol)
        if cand.size == 0:
            return None
        d2 = (self._x[cand] - x_m) ** 2 + (self._y[cand] - y_m) ** 2
        # nearest wins; among (near) ties, the worse-ranked symbol is the one drawn on top
        score = d2 - self._draw_priority(cand).astype(np.float64) * 1e-6
        j = int(np.argmin(score))
        if d2[j] > tol * tol:
            return None
        return Hit(self.name, str(self._ids[cand[j]]), distance_px=math.sqrt(d2[j]) / scale_m_per_px)

    def _hit_cluster(self, x_m: float, y_m: float, scale: float) -> Hit | None:
        cl = self._clusters
        if cl is None or cl["cx"].size == 0:
            return None
        d2 = (cl["cx"] - x_m) ** 2 + (cl["cy"] - y_m) ** 2
        j = int(np.argmin(d2))
        if d2[j] > cl["r_m"][j] ** 2:
            return None
        members = cl["idx"][cl["dense"] == cl["cell"][j]]
        mx, my = self._x[members], self._y[members]
        worst = members[np.argmax(self._draw_priority(members))]
        return Hit(
            self.name,
            str(self._ids[worst]),
            distance_px=math.sqrt(d2[j]) / scale,
            count=int(members.size),
            bounds_m=(float(mx.min()), float(my.min()), float(mx.max()), float(my.max())),
            alert_count=int(self._pulse[members].sum()),
        )

    def cluster_member_ids(self, hit: Hit) -> list[str]:
        """Ids of the points inside a cluster hit's bounds (for a details list)."""
        if hit.bounds_m is None:
            return [hit.feature_id]
        x0, y0, x1, y1 = hit.bounds_m
        m = (self._x >= x0) & (self._x <= x1) & (self._y >= y0) & (self._y <= y1)
        return [str(v) for v in self._ids[m]]
