"""Cache for static base layers: they are rendered together into one image covering the view plus a margin, and
each frame blits that image. Panning within the margin costs one blit; a zoom shows the old image scaled at once and
re-renders ~0.15 s after the scale settles. Wide antialiased strokes (roads, metro) cost 10-30 ms per frame in Qt's
raster engine, so without this the 16 ms frame budget is gone before a single case is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from maps.layer_base import MapLayer
from maps.vector_layers import device_size

MARGIN = 0.3  # fraction of the view size rendered beyond each edge
REFINE_DELAY_MS = 150


@dataclass
class _Cached:
    image: QImage
    rect_m: QRectF  # area of the image in metres (y up)
    scale: float
    key: tuple[object, ...]


class StaticLayerCache(pg.GraphicsObject):
    """Paints its member layers (in their z-order) from a cached image; members' own paint does nothing."""

    def __init__(self, layers: list[MapLayer]) -> None:
        super().__init__()
        self._layers = sorted(layers, key=lambda item: item.zValue())
        for layer in self._layers:
            layer.cache_owner = self
        self._cached: _Cached | None = None
        self._refine = QTimer()
        self._refine.setSingleShot(True)
        self._refine.setInterval(REFINE_DELAY_MS)
        self._refine.timeout.connect(self._on_refine)
        self._force = False
        self.renders = 0  # how many times the image was rebuilt (tests, diagnostics)

    def members(self) -> list[MapLayer]:
        return list(self._layers)

    def release(self) -> None:
        for layer in self._layers:
            layer.cache_owner = None
        self._layers = []
        self._cached = None

    def boundingRect(self) -> QRectF:
        rect = QRectF()
        for layer in self._layers:
            rect = rect.united(layer.boundingRect())
        return rect

    def _key(self) -> tuple[object, ...]:
        return tuple((layer.name, layer.isVisible(), layer.version) for layer in self._layers)

    def _on_refine(self) -> None:
        self._force = True
        self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        vb = self.getViewBox()
        if vb is None or not self._layers:
            return
        t = painter.transform()
        if t.m11() <= 0:
            return
        scale = 1.0 / t.m11()
        view = QRectF(vb.viewRect())
        key = self._key()
        c = self._cached
        same_data = c is not None and c.key == key
        same_scale = c is not None and abs(c.scale / scale - 1.0) < 1e-6
        if c is not None and same_data and same_scale and c.rect_m.contains(view):
            self._blit(painter, t, c, exact=True)
            return
        if c is not None and same_data and not same_scale and not self._force:
            self._blit(painter, t, c, exact=False)  # zooming: stretch the old image now, sharpen shortly
            self._refine.start()
            return
        self._force = False
        w, h = device_size(painter)
        self._cached = self._render(view, scale, w, h, key)
        self._blit(painter, t, self._cached, exact=True)

    def _render(self, view: QRectF, scale: float, w: int, h: int, key: tuple[object, ...]) -> _Cached:
        mx, my = view.width() * MARGIN, view.height() * MARGIN
        rect = view.adjusted(-mx, -my, mx, my)
        iw = max(round(rect.width() / scale), 1)
        ih = max(round(rect.height() / scale), 1)
        img = QImage(iw, ih, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        # metres → image pixels, y flipped (north up)
        p.setTransform(QTransform(1.0 / scale, 0.0, 0.0, -1.0 / scale, -rect.left() / scale, rect.bottom() / scale))
        for layer in self._layers:
            if not layer.isVisible():
                continue
            layer.cache_rect_m = rect
            try:
                p.save()
                layer.paint(p, QStyleOptionGraphicsItem(), None)
                p.restore()
            finally:
                layer.cache_rect_m = None
        p.end()
        self.renders += 1
        return _Cached(img, rect, scale, key)

    def _blit(self, painter: QPainter, t: QTransform, c: _Cached, *, exact: bool) -> None:
        top_left = t.map(QPointF(c.rect_m.left(), c.rect_m.bottom()))
        bottom_right = t.map(QPointF(c.rect_m.right(), c.rect_m.top()))
        painter.save()
        painter.resetTransform()
        if exact:
            painter.drawImage(QPointF(round(top_left.x()), round(top_left.y())), c.image)
        else:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(QRectF(top_left, bottom_right), c.image)
        painter.restore()
