"""Polygon and line layers: geometries batched into chunked QPainterPaths, labels drawn in screen space.

Input is a GeoDataFrame in WGS-84; it is projected to metres once in ``set_data``. Paint touches only the chunks that
intersect the view and labels only when the scale is inside the label range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from maps.geometry import PathChunk, build_path_chunks, project_geoms_to_m
from maps.labels import LabelStyle, draw_labels, frame_occupancy
from maps.layer_base import Hit, MapLayer, TooltipProvider

ColourLike = QColor | str


def _qcolor(c: ColourLike) -> QColor:
    return c if isinstance(c, QColor) else QColor(c)


def view_rect_m(item: MapLayer, option: QStyleOptionGraphicsItem | None) -> QRectF:
    """The visible area in item (metre) coordinates (or the area a cache is rendering)."""
    if item.cache_rect_m is not None:
        return QRectF(item.cache_rect_m)
    vb = item.getViewBox()
    if vb is not None and hasattr(vb, "viewRect"):
        return QRectF(vb.viewRect())
    if option is not None:
        return QRectF(option.exposedRect)
    return item.boundingRect()


def device_xy(painter: QPainter, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64]
]:
    """Map metre coordinates to device pixels with the painter's current (affine, unrotated) transform."""
    t = painter.transform()
    return t.m11() * x + t.m21() * y + t.dx(), t.m12() * x + t.m22() * y + t.dy()


def device_size(painter: QPainter) -> tuple[int, int]:
    """Logical size of the paint device (images and pixmaps report physical pixels)."""
    dev = painter.device()
    if dev is None:
        return 1, 1
    if isinstance(dev, QPixmap | QImage):
        ratio = dev.devicePixelRatioF() or 1.0
        return int(dev.width() / ratio), int(dev.height() / ratio)
    return dev.width(), dev.height()


def painter_scale_m_per_px(painter: QPainter) -> float:
    t = painter.transform()
    sx = math.hypot(t.m11(), t.m12())
    return 1.0 / sx if sx > 0 else math.inf


class _GeoLayer(MapLayer):
    """Shared parts of polygon and line layers: projected geometries, ids, labels and hit-testing."""

    _polygonal = True

    def __init__(
        self,
        name: str,
        title_zh: str,
        *,
        id_column: str = "code",
        label_column: str | None = "name",
        label_style: LabelStyle | None = None,
        label_min_scale_m_per_px: float = 0.0,
        label_max_scale_m_per_px: float = math.inf,
        min_scale_m_per_px: float = 0.0,
        max_scale_m_per_px: float = math.inf,
        tooltip_provider: TooltipProvider | None = None,
        note_zh: str | None = None,
        hit_testable: bool = True,
        antialias: bool = True,
    ) -> None:
        super().__init__(
            name,
            title_zh,
            min_scale_m_per_px=min_scale_m_per_px,
            max_scale_m_per_px=max_scale_m_per_px,
            tooltip_provider=tooltip_provider,
            note_zh=note_zh,
            hit_testable=hit_testable,
        )
        self.id_column = id_column
        self.label_column = label_column
        self.label_style = label_style or LabelStyle()
        self.label_min_scale_m_per_px = label_min_scale_m_per_px
        self.label_max_scale_m_per_px = label_max_scale_m_per_px
        self.antialias = antialias
        self._geoms_m: npt.NDArray[np.object_] = np.empty(0, dtype=object)
        self._ids: npt.NDArray[np.object_] = np.empty(0, dtype=object)
        self._names: list[str] = []
        self._chunks: list[PathChunk] = []
        self._bounds: tuple[float, float, float, float] | None = None
        self._tree: shapely.STRtree | None = None
        self._label_x = np.empty(0)
        self._label_y = np.empty(0)
        self._label_texts: list[str] = []
        self.labels_drawn = 0  # for tests: labels placed in the last paint

    # ---------------------------------------------------------------------------------------------------------
    def _read_frame(self, gdf: Any) -> None:
        self.prepareGeometryChange()
        self.version += 1
        if gdf is None or len(gdf) == 0:
            self._geoms_m = np.empty(0, dtype=object)
            self._ids = np.empty(0, dtype=object)
            self._names = []
            self._bounds = None
            self._tree = None
            return
        geoms = np.asarray(gdf.geometry.values, dtype=object)
        self._geoms_m = project_geoms_to_m(geoms)
        if self.id_column in gdf.columns:
            self._ids = np.asarray(gdf[self.id_column].astype(str).to_numpy(), dtype=object)
        else:
            self._ids = np.asarray([str(i) for i in gdf.index], dtype=object)
        if self.label_column is not None and self.label_column in gdf.columns:
            self._names = [str(v) if v is not None and v == v else "" for v in gdf[self.label_column].tolist()]
        else:
            self._names = [""] * len(gdf)
        b = shapely.total_bounds(self._geoms_m)
        self._bounds = (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
        self._tree = shapely.STRtree(self._geoms_m)

    def data_bounds_m(self) -> tuple[float, float, float, float] | None:
        return self._bounds

    def feature_ids(self) -> list[str]:
        return [str(v) for v in self._ids]

    def feature_bounds_m(self, feature_id: str) -> tuple[float, float, float, float] | None:
        hits = np.flatnonzero(self._ids == feature_id)
        if hits.size == 0:
            return None
        b = shapely.total_bounds(self._geoms_m[hits])
        return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))

    def feature_name(self, feature_id: str) -> str:
        hits = np.flatnonzero(self._ids == feature_id)
        return self._names[int(hits[0])] if hits.size else ""

    def tooltip_text(self, hit: Hit) -> str:
        if self.tooltip_provider is not None:
            return self.tooltip_provider(hit.feature_id)
        name = self.feature_name(hit.feature_id)
        return f"{self.title_zh}：{name}（{hit.feature_id}）" if name else f"{self.title_zh}：{hit.feature_id}"

    def _labels_in_range(self, scale: float) -> bool:
        return self.label_min_scale_m_per_px <= scale <= self.label_max_scale_m_per_px and bool(self._label_texts)

    def _paint_labels(self, painter: QPainter, vr: QRectF) -> None:
        x, y = self._label_x, self._label_y
        m = (x >= vr.left()) & (x <= vr.right()) & (y >= vr.top()) & (y <= vr.bottom())
        idx = np.flatnonzero(m)
        if idx.size == 0:
            self.labels_drawn = 0
            return
        px, py = device_xy(painter, x[idx], y[idx])
        texts = [self._label_texts[i] for i in idx]
        painter.save()
        painter.resetTransform()
        w, h = device_size(painter)
        occ = frame_occupancy(self.scene(), w, h)
        self.labels_drawn = draw_labels(painter, occ, px, py, texts, self.label_style)
        painter.restore()


class PolygonLayer(_GeoLayer):
    """Filled, outlined polygons (district, subdistricts, communities, grids) with labels at representative points."""

    def __init__(
        self,
        name: str,
        title_zh: str,
        gdf: Any = None,
        *,
        fill: ColourLike | None = None,
        fill_colours: Sequence[ColourLike] | None = None,
        outline: ColourLike | None = "#8fa3b8",
        outline_width_px: float = 1.0,
        dashed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, title_zh, **kwargs)
        self.fill = _qcolor(fill) if fill is not None else None
        self.outline = _qcolor(outline) if outline is not None else None
        self.outline_width_px = outline_width_px
        self.dashed = dashed
        self._brushes: list[QBrush | None] = []
        self._pen: QPen | None = None
        self.set_data(gdf, fill_colours=fill_colours)

    def set_data(self, gdf: Any, *, fill_colours: Sequence[ColourLike] | None = None) -> None:
        """Replace the features (GeoDataFrame in EPSG:4326); optional per-feature fill colours, aligned to rows."""
        self._read_frame(gdf)
        n = len(self._geoms_m)
        if fill_colours is not None and len(fill_colours) == n and n:
            rgba = np.asarray([_qcolor(c).rgba() for c in fill_colours], dtype=np.int64)
            uniq, group = np.unique(rgba, return_inverse=True)
            self._brushes = [QBrush(QColor.fromRgba(int(v))) for v in uniq]
        else:
            group = np.zeros(n, dtype=np.intp)
            self._brushes = [QBrush(self.fill) if self.fill is not None else None]
        self._chunks = build_path_chunks(self._geoms_m, np.asarray(group, dtype=np.intp), polygonal=True)
        if self.outline is not None:
            pen = QPen(self.outline, self.outline_width_px)
            pen.setCosmetic(True)
            if self.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            self._pen = pen
        else:
            self._pen = None
        if n:  # big areas claim label space first
            anchors = shapely.get_coordinates(shapely.point_on_surface(self._geoms_m))
            self._label_x, self._label_y, self._label_texts = _labels_by_size(anchors, shapely.area(self._geoms_m),
                                                                              self._names)
        else:
            self._label_x = self._label_y = np.empty(0)
            self._label_texts = []
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self._chunks or self.painted_by_cache():
            return
        vr = view_rect_m(self, option)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias)
        visible = [c for c in self._chunks if c.rect.intersects(vr)]
        for c in visible:
            brush = self._brushes[c.group] if c.group < len(self._brushes) else None
            if brush is not None:
                painter.fillPath(c.path, brush)
        if self._pen is not None:
            painter.setPen(self._pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for c in visible:
                painter.drawPath(c.path)
        scale = painter_scale_m_per_px(painter)
        if self._labels_in_range(scale):
            self._paint_labels(painter, vr)
        else:
            self.labels_drawn = 0

    def hit_test(self, x_m: float, y_m: float, scale_m_per_px: float) -> Hit | None:
        if self._tree is None or not self.hit_testable:
            return None
        cand = self._tree.query(shapely.points(x_m, y_m), predicate="intersects")
        if len(cand) == 0:
            return None
        best = int(cand[np.argmin(shapely.area(self._geoms_m[cand]))])  # innermost (smallest) wins
        return Hit(self.name, str(self._ids[best]))


class LineLayer(_GeoLayer):
    """Lines (roads, metro) coloured and sized by a class column or per feature; pens are cosmetic (pixel widths)."""

    _polygonal = False

    def __init__(
        self,
        name: str,
        title_zh: str,
        gdf: Any = None,
        *,
        class_column: str | None = "road_class",
        class_styles: Mapping[str, tuple[ColourLike, float]] | None = None,
        default_style: tuple[ColourLike, float] = ("#5b6b7b", 1.0),
        feature_colours: Sequence[ColourLike] | None = None,
        casing: ColourLike | None = None,
        hit_tolerance_px: float = 5.0,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("id_column", "name")
        super().__init__(name, title_zh, **kwargs)
        self.class_column = class_column
        self.class_styles = dict(class_styles or {})
        self.default_style = default_style
        self.casing = _qcolor(casing) if casing is not None else None
        self.hit_tolerance_px = hit_tolerance_px
        self._pens: list[QPen] = []
        self._casing_pens: list[QPen | None] = []
        self._group_order: list[int] = []
        self.set_data(gdf, feature_colours=feature_colours)

    def set_data(self, gdf: Any, *, feature_colours: Sequence[ColourLike] | None = None) -> None:
        """Replace the lines (GeoDataFrame in EPSG:4326)."""
        self._read_frame(gdf)
        n = len(self._geoms_m)
        styles: list[tuple[QColor, float]] = []
        if feature_colours is not None and len(feature_colours) == n and n:
            width = float(self.default_style[1])
            keys = [(_qcolor(c).rgba(), width) for c in feature_colours]
        elif n and self.class_column is not None and self.class_column in gdf.columns:
            classes = [str(v) for v in gdf[self.class_column].tolist()]
            keys = []
            for c in classes:
                colour, width = self.class_styles.get(c, self.default_style)
                keys.append((_qcolor(colour).rgba(), float(width)))
        else:
            keys = [(_qcolor(self.default_style[0]).rgba(), float(self.default_style[1]))] * n
        uniq = sorted(set(keys), key=lambda k: k[1])  # thin first, wide on top
        index = {k: i for i, k in enumerate(uniq)}
        group = np.asarray([index[k] for k in keys], dtype=np.intp)
        styles = [(QColor.fromRgba(k[0]), k[1]) for k in uniq]
        self._pens = []
        self._casing_pens = []
        for colour, width in styles:
            pen = QPen(colour, width)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            self._pens.append(pen)
            if self.casing is not None:
                cpen = QPen(self.casing, width + 2.0)
                cpen.setCosmetic(True)
                cpen.setCapStyle(Qt.PenCapStyle.RoundCap)
                self._casing_pens.append(cpen)
            else:
                self._casing_pens.append(None)
        self._chunks = build_path_chunks(self._geoms_m, group, polygonal=False)
        self._chunks.sort(key=lambda c: c.group)
        if n:  # long lines claim label space first
            anchors = shapely.get_coordinates(shapely.line_interpolate_point(self._geoms_m, 0.5, normalized=True))
            self._label_x, self._label_y, self._label_texts = _labels_by_size(anchors, shapely.length(self._geoms_m),
                                                                              self._names)
        else:
            self._label_x = self._label_y = np.empty(0)
            self._label_texts = []
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if not self._chunks or self.painted_by_cache():
            return
        vr = view_rect_m(self, option)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self.antialias)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        visible = [c for c in self._chunks if c.rect.intersects(vr)]
        if self.casing is not None:
            for c in visible:
                cpen = self._casing_pens[c.group]
                if cpen is not None:
                    painter.setPen(cpen)
                    painter.drawPath(c.path)
        for c in visible:
            painter.setPen(self._pens[c.group])
            painter.drawPath(c.path)
        scale = painter_scale_m_per_px(painter)
        if self._labels_in_range(scale):
            self._paint_labels_unique(painter, vr)
        else:
            self.labels_drawn = 0

    def _paint_labels_unique(self, painter: QPainter, vr: QRectF) -> None:
        """Road names: one label per name per frame (segments of one road share a name)."""
        x, y = self._label_x, self._label_y
        m = (x >= vr.left()) & (x <= vr.right()) & (y >= vr.top()) & (y <= vr.bottom())
        idx = np.flatnonzero(m)
        seen: set[str] = set()
        keep: list[int] = []
        for i in idx:
            t = self._label_texts[i]
            if t and t not in seen:
                seen.add(t)
                keep.append(int(i))
        if not keep:
            self.labels_drawn = 0
            return
        ki = np.asarray(keep)
        px, py = device_xy(painter, x[ki], y[ki])
        painter.save()
        painter.resetTransform()
        w, h = device_size(painter)
        occ = frame_occupancy(self.scene(), w, h)
        self.labels_drawn = draw_labels(painter, occ, px, py, [self._label_texts[i] for i in keep], self.label_style)
        painter.restore()

    def hit_test(self, x_m: float, y_m: float, scale_m_per_px: float) -> Hit | None:
        if self._tree is None or not self.hit_testable:
            return None
        tol = self.hit_tolerance_px * scale_m_per_px
        pt = shapely.points(x_m, y_m)
        cand = self._tree.query(pt, predicate="dwithin", distance=tol)
        if len(cand) == 0:
            return None
        d = shapely.distance(self._geoms_m[cand], pt)
        best = int(cand[np.argmin(d)])
        return Hit(self.name, str(self._ids[best]), distance_px=float(d.min() / scale_m_per_px))


def _labels_by_size(anchors: np.ndarray, sizes: np.ndarray, names: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Label anchors and texts ordered largest feature first (stable), so big features win label collisions."""
    order = np.argsort(-sizes, kind="stable")
    return anchors[order, 0], anchors[order, 1], [names[i] for i in order]
