"""MapCanvas: the dispatcher's map widget (pyqtgraph ViewBox in projected metres, north up, locked aspect).

The canvas owns interaction — mouse pan/zoom (ViewBox), keyboard (arrows pan, +/- zoom, Home = full district),
hover tooltips, clicks — and screen-space furniture (scale bar, north arrow, cursor read-out, layer notes). Layers
(:mod:`maps.layers`) only draw and hit-test. All coordinates inside are EPSG:4549 metres; lon/lat (WGS-84) only at the
edges (``cursor_moved``, ``fly_to``, ``zoom_to_lonlat_bounds``).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QCoreApplication,
    QEasingCurve,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import QColor, QCursor, QImage, QKeyEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import QGraphicsView, QToolTip, QWidget

from console.geo.projection import lonlat_wgs84_to_xy_m, xy_m_to_lonlat_wgs84
from maps import labels
from maps.layer_base import Hit, MapLayer, TooltipProvider
from maps.overlays import paint_north_arrow, paint_scale_bar, paint_text_box
from maps.point_layer import PointLayer
from maps.static_cache import StaticLayerCache
from maps.theme import MapTheme, theme_named

Bounds = tuple[float, float, float, float]

PAN_FRACTION = 0.15
ZOOM_STEP = 1.5
MIN_EXTENT_M = 150.0
PULSE_PERIOD_S = 1.4
TOP_Z = 1000.0  # layers at or above this z (labels) stay on top of layers added later without a z


class _MapView(pg.GraphicsView):
    """GraphicsView that resets label space each frame, draws the canvas overlays and routes keys to the canvas."""

    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(parent=canvas, background=canvas.theme.background)
        self._canvas = canvas
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawBackground(painter, rect)
        vp = self.viewport()
        labels.begin_frame(self.scene(), vp.width(), vp.height())

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        painter.save()
        painter.resetTransform()
        vp = self.viewport()
        self._canvas._paint_overlays(painter, vp.width(), vp.height())
        painter.restore()

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if self._canvas.handle_key(ev.key()):
            ev.accept()
            return
        super().keyPressEvent(ev)


class MapCanvas(QWidget):
    """Map widget. Signals carry layer names and feature ids as strings; empty strings mean "nothing"."""

    feature_clicked = Signal(str, str)  # layer_name, feature_id
    feature_context_requested = Signal(str, str, QPoint)  # layer_name, feature_id, global screen position
    feature_hovered = Signal(str, str)  # layer_name, feature_id ("", "" when the cursor leaves a feature)
    cursor_moved = Signal(float, float)  # lon, lat (WGS-84)
    view_changed = Signal(float)  # scale in metres per pixel
    layer_visibility_changed = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None, *, theme: str = "dark", show_cursor_readout: bool = True) -> None:
        super().__init__(parent)
        self.theme: MapTheme = theme_named(theme)
        self.show_cursor_readout = show_cursor_readout
        self._layers: list[MapLayer] = []
        self._home_bounds: Bounds | None = None
        self._cursor_lonlat: tuple[float, float] | None = None
        self._hovered: tuple[str, str] = ("", "")
        self._anim: QVariantAnimation | None = None
        self._view = _MapView(self)
        self._vb = pg.ViewBox(lockAspect=True, enableMenu=False, invertY=False)
        self._vb.setAspectLocked(True, ratio=1.0)
        self._vb.setMouseMode(pg.ViewBox.PanMode)
        self._view.setCentralItem(self._vb)
        self._view.setMouseTracking(True)
        self._view.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._view.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self._vb.sigRangeChanged.connect(self._on_range_changed)
        self.setFocusProxy(self._view)
        self.setMinimumSize(200, 150)
        self.resize(800, 600)
        self._pulse_timer = QTimer(self)
        self._pulse_timer.setInterval(80)
        self._pulse_timer.timeout.connect(self._on_pulse)
        self._animations_enabled = False
        self._static_cache: StaticLayerCache | None = None

    # ----------------------------------------------------------------------------------------------- layers
    def add_layer(self, layer: MapLayer, z: float | None = None) -> MapLayer:
        """Add a layer on top (or at z); names must be unique. Returns the layer."""
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(f"layer {layer.name!r} already on the map")
        if z is None:
            z = max((item.zValue() for item in self._layers if item.zValue() < TOP_Z), default=-1.0) + 1.0
        layer.setZValue(z)
        self._vb.addItem(layer, ignoreBounds=True)
        self._layers.append(layer)
        self._layers.sort(key=lambda item: item.zValue())
        layer.apply_view_scale(self.scale_m_per_px())
        return layer

    def set_static_layers(self, names: list[str]) -> None:
        """Draw these (unchanging) layers from one cached image; they must be contiguous at the bottom of the stack.

        Their visibility, hit-testing and data changes work as before; the cache notices versions and visibility.
        """
        if self._static_cache is not None:
            self._vb.removeItem(self._static_cache)
            self._static_cache.release()
            self._static_cache = None
        members = [self.layer(n) for n in names]
        if not members:
            return
        cache = StaticLayerCache(members)
        cache.setZValue(min(m.zValue() for m in members) - 0.5)
        self._vb.addItem(cache, ignoreBounds=True)
        self._static_cache = cache

    def static_cache(self) -> StaticLayerCache | None:
        return self._static_cache

    def remove_layer(self, name: str) -> None:
        layer = self.layer(name)
        self._vb.removeItem(layer)
        self._layers.remove(layer)

    def layer(self, name: str) -> MapLayer:
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no map layer named {name!r}")

    def layers(self) -> list[MapLayer]:
        """Layers bottom to top (z-order)."""
        return list(self._layers)

    def set_layer_visible(self, name: str, visible: bool) -> None:
        layer = self.layer(name)
        if layer.user_visible != visible:
            layer.set_user_visible(visible)
            self.layer_visibility_changed.emit(name, visible)

    def layer_visibility(self) -> dict[str, bool]:
        """User on/off state of every layer (to remember across restarts)."""
        return {layer.name: layer.user_visible for layer in self._layers}

    def restore_layer_visibility(self, state: dict[str, bool]) -> None:
        for name, visible in state.items():
            if any(layer.name == name for layer in self._layers):
                self.set_layer_visible(name, bool(visible))

    def set_tooltip_provider(self, layer_name: str, provider: TooltipProvider | None) -> None:
        self.layer(layer_name).tooltip_provider = provider

    def set_selected(self, layer_name: str, ids: list[str]) -> None:
        layer = self.layer(layer_name)
        if isinstance(layer, PointLayer):
            layer.set_selected(ids)

    # ----------------------------------------------------------------------------------------------- view
    def view_box(self) -> pg.ViewBox:
        return self._vb

    def scale_m_per_px(self) -> float:
        """Metres per screen pixel (same in x and y: the aspect is locked)."""
        w = self._vb.width()
        if w <= 0:
            return 1.0
        r = self._vb.viewRect()
        return float(r.width() / w) if r.width() > 0 else 1.0

    def view_bounds_m(self) -> Bounds:
        r = self._vb.viewRect()
        return (r.left(), r.top(), r.right(), r.bottom())

    def view_centre_m(self) -> tuple[float, float]:
        c = self._vb.viewRect().center()
        return (c.x(), c.y())

    def set_home_bounds(self, minx: float, miny: float, maxx: float, maxy: float) -> None:
        """What Home (the key and :meth:`home`) shows: normally the whole district."""
        self._home_bounds = (minx, miny, maxx, maxy)

    def home_bounds(self) -> Bounds | None:
        if self._home_bounds is not None:
            return self._home_bounds
        boxes = [b for layer in self._layers if (b := layer.data_bounds_m()) is not None]
        if not boxes:
            return None
        arr = np.asarray(boxes)
        return (float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max()))

    def home(self) -> None:
        b = self.home_bounds()
        if b is not None:
            self.zoom_to_bounds(*b)

    def zoom_to_bounds(self, minx: float, miny: float, maxx: float, maxy: float, padding: float = 0.04) -> None:
        """Show this box (metres) as large as fits, keeping the aspect."""
        self._stop_animation()
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        w = max(maxx - minx, MIN_EXTENT_M)
        h = max(maxy - miny, MIN_EXTENT_M)
        self._vb.setRange(
            xRange=(cx - w / 2, cx + w / 2), yRange=(cy - h / 2, cy + h / 2), padding=padding, update=True
        )
        self._vb.updateViewRange()

    def zoom_to_lonlat_bounds(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> None:
        x, y = lonlat_wgs84_to_xy_m([min_lon, max_lon, min_lon, max_lon], [min_lat, min_lat, max_lat, max_lat])
        self.zoom_to_bounds(float(x.min()), float(y.min()), float(x.max()), float(y.max()))

    def set_view(self, cx_m: float, cy_m: float, scale_m_per_px: float) -> None:
        """Centre on (cx_m, cy_m) at exactly ``scale_m_per_px``."""
        w_px = max(self._vb.width(), 1.0)
        h_px = max(self._vb.height(), 1.0)
        half_w = scale_m_per_px * w_px / 2
        half_h = scale_m_per_px * h_px / 2
        self._vb.setRange(xRange=(cx_m - half_w, cx_m + half_w), yRange=(cy_m - half_h, cy_m + half_h), padding=0)
        self._vb.updateViewRange()

    def fly_to(self, lon: float, lat: float, scale_m_per_px: float | None = None, *, animate: bool = True) -> None:
        """Centre on a WGS-84 point, optionally at a new scale; animated (~0.4 s) when the widget is on screen."""
        x, y = lonlat_wgs84_to_xy_m(lon, lat)
        tx, ty = float(x), float(y)
        ts = scale_m_per_px if scale_m_per_px is not None else self.scale_m_per_px()
        if not (animate and self.isVisible() and not self.testAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)):
            self.set_view(tx, ty, ts)
            return
        self._stop_animation()
        sx, sy = self.view_centre_m()
        ss = self.scale_m_per_px()
        anim = QVariantAnimation(self)
        anim.setStartValue(0.0)
        anim.setEndValue(1.0)
        anim.setDuration(400)
        anim.setEasingCurve(QEasingCurve.Type.InOutCubic)

        def step(v: object) -> None:
            f = float(v)  # type: ignore[arg-type]
            scale = math.exp(math.log(ss) + (math.log(ts) - math.log(ss)) * f)
            self.set_view(sx + (tx - sx) * f, sy + (ty - sy) * f, scale)

        anim.valueChanged.connect(step)
        anim.start()
        self._anim = anim

    def _stop_animation(self) -> None:
        if self._anim is not None:
            self._anim.stop()
            self._anim = None

    def pan_by_fraction(self, fx: float, fy: float) -> None:
        minx, miny, maxx, maxy = self.view_bounds_m()
        self._vb.translateBy(x=(maxx - minx) * fx, y=(maxy - miny) * fy)

    def zoom_by(self, factor: float) -> None:
        """factor > 1 zooms in, about the view centre."""
        self._vb.scaleBy(s=(1.0 / factor, 1.0 / factor))

    def handle_key(self, key: int) -> bool:
        """Keyboard navigation; True when the key was used."""
        k = Qt.Key
        moves = {k.Key_Left: (-PAN_FRACTION, 0.0), k.Key_Right: (PAN_FRACTION, 0.0),
                 k.Key_Up: (0.0, PAN_FRACTION), k.Key_Down: (0.0, -PAN_FRACTION)}
        if key in moves:
            self.pan_by_fraction(*moves[key])
            return True
        if key in (k.Key_Plus, k.Key_Equal):
            self.zoom_by(ZOOM_STEP)
            return True
        if key in (k.Key_Minus, k.Key_Underscore):
            self.zoom_by(1.0 / ZOOM_STEP)
            return True
        if key == k.Key_Home:
            self.home()
            return True
        return False

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if self.handle_key(ev.key()):
            ev.accept()
            return
        super().keyPressEvent(ev)

    # ----------------------------------------------------------------------------------------------- theme, animation
    def set_theme(self, name: str) -> None:
        """Background and overlays; layer colours come from the basemap builder (rebuild it for a full switch)."""
        self.theme = theme_named(name)
        self._view.setBackground(self.theme.background)
        self._view.viewport().update()

    def set_animations_enabled(self, enabled: bool) -> None:
        """Pulse overdue cases / alarming sensors (repaints ~12×/s while on)."""
        self._animations_enabled = enabled
        if enabled:
            self._pulse_timer.start()
        else:
            self._pulse_timer.stop()
            for layer in self._layers:
                if isinstance(layer, PointLayer):
                    layer.pulse_phase = None
                    layer.update()

    def _on_pulse(self) -> None:
        phase = (time.monotonic() % PULSE_PERIOD_S) / PULSE_PERIOD_S
        for layer in self._layers:
            if isinstance(layer, PointLayer) and layer.is_shown() and layer.symbology.pulse_pixmap() is not None:
                layer.pulse_phase = phase
                layer.update()

    # ----------------------------------------------------------------------------------------------- interaction
    def resizeEvent(self, ev: QResizeEvent) -> None:
        super().resizeEvent(ev)
        self._view.setGeometry(0, 0, self.width(), self.height())

    def _on_range_changed(self, *_: object) -> None:
        scale = self.scale_m_per_px()
        for layer in self._layers:
            layer.apply_view_scale(scale)
        self.view_changed.emit(scale)

    def hit_test(self, x_m: float, y_m: float) -> Hit | None:
        """Topmost shown feature at a map point (what a click there would pick)."""
        scale = self.scale_m_per_px()
        for layer in reversed(self._layers):
            if not layer.is_shown() or not layer.hit_testable:
                continue
            hit = layer.hit_test(x_m, y_m, scale)
            if hit is not None:
                return hit
        return None

    def viewport_widget(self) -> QWidget:
        """The widget that receives mouse and drag events over the map (for event filters such as drops)."""
        return self._view.viewport()

    def view_pos_to_m(self, view_pos: QPoint) -> tuple[float, float]:
        """Map metres (EPSG:4549) under a viewport pixel position."""
        return self._scene_to_m(self._view.mapToScene(view_pos))

    def m_to_view_pos(self, x_m: float, y_m: float) -> QPoint:
        """The viewport pixel position of a map point (inverse of :meth:`view_pos_to_m`)."""
        return self._view.mapFromScene(self._vb.mapViewToScene(QPointF(x_m, y_m)))

    def _scene_to_m(self, scene_pos: QPointF) -> tuple[float, float]:
        p = self._vb.mapSceneToView(scene_pos)
        return (p.x(), p.y())

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        x, y = self._scene_to_m(scene_pos)
        lon, lat = xy_m_to_lonlat_wgs84(x, y)
        self._cursor_lonlat = (float(lon), float(lat))
        self.cursor_moved.emit(float(lon), float(lat))
        hit = self.hit_test(x, y)
        key = (hit.layer_name, hit.feature_id) if hit is not None else ("", "")
        if key != self._hovered:
            self._hovered = key
            self.feature_hovered.emit(*key)
            if hit is not None:
                QToolTip.showText(QCursor.pos(), self.layer(hit.layer_name).tooltip_text(hit), self._view)
            else:
                QToolTip.hideText()
        if self.show_cursor_readout:
            self._view.viewport().update()

    def _on_mouse_clicked(self, ev: object) -> None:
        button = ev.button()  # type: ignore[attr-defined]
        x, y = self._scene_to_m(ev.scenePos())  # type: ignore[attr-defined]
        if button == Qt.MouseButton.RightButton:
            self.context_at_m(x, y, ev.screenPos().toPoint())  # type: ignore[attr-defined]
            return
        if button != Qt.MouseButton.LeftButton:
            return
        if ev.double():  # type: ignore[attr-defined]
            self.set_view(x, y, self.scale_m_per_px() / 2.0)
            return
        self.click_at_m(x, y)

    def context_at_m(self, x_m: float, y_m: float, global_pos: QPoint) -> Hit | None:
        """Act as a right click: a single feature under the point asks for its context menu (clusters do not)."""
        hit = self.hit_test(x_m, y_m)
        if hit is None or hit.is_cluster:
            return None
        self.feature_context_requested.emit(hit.layer_name, hit.feature_id, global_pos)
        return hit

    def click_at_m(self, x_m: float, y_m: float) -> Hit | None:
        """Act as a left click at a map point: zoom into a cluster, or emit ``feature_clicked``."""
        hit = self.hit_test(x_m, y_m)
        if hit is None:
            return None
        if hit.is_cluster and hit.bounds_m is not None:
            self.zoom_to_bounds(*hit.bounds_m, padding=0.2)
        else:
            self.feature_clicked.emit(hit.layer_name, hit.feature_id)
        return hit

    def map_to_widget(self, x_m: float, y_m: float) -> QPointF:
        """Widget pixel position of a map point (for tests and popups)."""
        scene = self._vb.mapViewToScene(QPointF(x_m, y_m))
        return QPointF(self._view.mapFromScene(scene))

    # ----------------------------------------------------------------------------------------------- overlays, grabbing
    def _paint_overlays(self, p: QPainter, w: int, h: int) -> None:
        scale = self.scale_m_per_px()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_scale_bar(p, scale, 18.0, h - 22.0, self.theme)
        paint_north_arrow(p, w - 40.0, 58.0, self.theme)
        notes = [layer.note_zh for layer in self._layers if layer.is_shown() and layer.note_zh]
        y = h - 48.0
        for note in notes:
            text = QCoreApplication.translate("map", "注：%1").replace("%1", QCoreApplication.translate("map", note))
            rect = paint_text_box(p, text, 14.0, y, self.theme, pixel_size=12)
            y = rect.top() - 4
        if self.show_cursor_readout and self._cursor_lonlat is not None:
            lon, lat = self._cursor_lonlat
            readout = QCoreApplication.translate("map", "经度 %1°  纬度 %2°").replace("%1", f"{lon:.5f}").replace(
                "%2", f"{lat:.5f}")
            paint_text_box(p, readout, w - 12.0, h - 10.0, self.theme, align_right=True)

    def _ensure_size(self, width: int, height: int) -> None:
        if not self.isVisible():
            self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            self.show()
        if self.size() != QSize(width, height):
            cx, cy = self.view_centre_m()
            scale = self.scale_m_per_px()
            had_view = self._vb.width() > 0
            self.resize(width, height)
            self._view.setGeometry(0, 0, width, height)
            self._view.resize(width, height)
            if had_view:
                self.set_view(cx, cy, scale)

    def grab_image(self, width: int, height: int) -> QImage:
        """Render the map (layers and overlays) into a width×height image, keeping the view centre and scale."""
        self._ensure_size(width, height)
        scene = self._view.scene()
        scene.prepareForPaint()
        img = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(QColor(self.theme.background))
        painter = QPainter(img)
        self._view.render(painter, QRectF(0, 0, width, height), QRect(0, 0, width, height))
        painter.end()
        return img
