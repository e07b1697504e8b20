"""Thin adapter between the window and the ``maps`` package: builds the basemap and the live point layers from
the geography and the World, keeps them current, and translates map clicks into case/officer selections.

All drawing lives in ``maps``; this module only feeds arrays and forwards signals.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.world import World
from maps.canvas import MapCanvas
from maps.layer_base import MapLayer
from maps.point_layer import PointLayer
from maps.symbology import CameraSymbology, CaseSymbology, OfficerSymbology, SensorSymbology, WorkroomSymbology
from maps.theme import theme_named
from widgets.case_model import handle_case_drop
from widgets.layer_panel import LayerInfo

# taxonomy "domain" → the map's case pictogram
DOMAIN_ICON: dict[str, str] = {
    "city_appearance": "trash", "garbage_sorting": "trash", "muck_truck": "truck", "outdoor_ads": "ad",
    "construction_site": "construction", "non_motor_parking": "parking", "street_order": "stall",
    "facilities": "facility", "other": "other",
}
CASE_LAYER = "cases"
CLOSED_LAYER = "cases_closed"
OFFICER_LAYER = "officers"
CASE_FLY_SCALE_M_PER_PX = 1.5
POINT_LAYERS_Z = 500.0  # above the basemap, below its label layer (z 1000)
AREA_DEFAULT_OFF = {CLOSED_LAYER, "grids", "duty_grids", "sensors", "duty_coverage"}  # duty_coverage: widgets/duty


class MapPanel(QWidget):
    """The map in the centre of the window."""

    caseClicked = Signal(str)
    officerClicked = Signal(str)
    featureClicked = Signal(str, str)
    caseContextRequested = Signal(str, QPoint)  # case id, global position (right click on a case symbol)
    officerContextRequested = Signal(str, QPoint)  # officer id, global position
    casesDroppedOnOfficer = Signal(list, str)  # case ids dragged from the queue, the officer symbol they fell on
    cursorMoved = Signal(float, float)

    def __init__(self, theme: str = "dark", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme_name = theme
        self.canvas = MapCanvas(self, theme=theme)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.canvas)
        self.world: World | None = None
        self.category_icon: Callable[[str], str] = lambda _c: "other"
        self._cases_dirty = False
        self._officers_dirty = False
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._flush)
        self._timer.start()
        self.canvas.feature_clicked.connect(self._on_clicked)
        self.canvas.feature_context_requested.connect(self._on_context)
        self.canvas.viewport_widget().setAcceptDrops(True)
        self.canvas.viewport_widget().installEventFilter(self)
        self.canvas.cursor_moved.connect(self.cursorMoved)

    # --------------------------------------------------------------- building
    def set_geography(self, geography: Any) -> None:
        """Basemap layers (district, subdistricts, communities, grids, roads, metro) from the geography."""
        try:
            from maps.basemap import add_basemap
        except ImportError:  # pragma: no cover - older maps package
            for layer in _plain_basemap(geography, self.theme_name):
                self.canvas.add_layer(layer)
            self.canvas.home()
            return
        add_basemap(self.canvas, geography, self.theme_name)

    def set_world(self, world: World, category_icon: Callable[[str], str], tooltip: Callable[[str, str], str]) -> None:
        self.world = world
        self.category_icon = category_icon
        t = theme_named(self.theme_name)
        specs: list[tuple[str, str, Any, dict[str, Any]]] = [
            ("workrooms", "社区工作室", WorkroomSymbology(), {"cluster_min_visible": 250}),
            ("cameras", "摄像头", CameraSymbology(), {"cluster_min_visible": 250}),
            ("sensors", "物联传感器", SensorSymbology(), {}),
            (CLOSED_LAYER, "已结案件", CaseSymbology(), {}),
            (CASE_LAYER, "在办案件", CaseSymbology(), {}),
            (OFFICER_LAYER, "执法队员", OfficerSymbology(), {"cluster_min_visible": 600}),
        ]
        for k, (name, title, symb, kw) in enumerate(specs):
            layer = PointLayer(name, title, symb, selection_colour=t.selection, **kw)
            layer.tooltip_provider = _tooltip_for(tooltip, name)
            self.canvas.add_layer(layer, z=POINT_LAYERS_Z + k)
        self.refresh_assets()
        self.refresh_cases()
        self.refresh_officers()

    # --------------------------------------------------------------- feeding
    def point_layer(self, name: str) -> PointLayer:
        layer = self.canvas.layer(name)
        assert isinstance(layer, PointLayer)
        return layer

    def mark_cases_dirty(self, *_a: Any) -> None:
        self._cases_dirty = True

    def mark_officers_dirty(self, *_a: Any) -> None:
        self._officers_dirty = True

    def _flush(self) -> None:
        if self._cases_dirty:
            self.refresh_cases()
        if self._officers_dirty:
            self.refresh_officers()

    def refresh_cases(self) -> None:
        self._cases_dirty = False
        if self.world is None:
            return
        a = self.world.case_arrays()
        icons = np.asarray([self.category_icon(str(c)) for c in a.category_code], dtype=object)
        prio = np.asarray([p if p in ("urgent", "A", "B", "C") else "none" for p in a.priority], dtype=object)
        for name, mask in ((CASE_LAYER, a.is_open | (a.status == "hung")), (CLOSED_LAYER, ~(a.is_open | (a.status == "hung")))):
            layer = self.point_layer(name)
            keep_sel = layer.selected_ids()
            layer.set_data(a.ids[mask], a.lon[mask], a.lat[mask], status=a.status[mask], category_icon=icons[mask],
                           priority=prio[mask], overdue=a.overdue[mask])
            if keep_sel:
                layer.set_selected(keep_sel)

    def refresh_officers(self) -> None:
        self._officers_dirty = False
        if self.world is None:
            return
        o = self.world.officer_arrays()
        layer = self.point_layer(OFFICER_LAYER)
        keep_sel = layer.selected_ids()
        layer.set_data(o.ids, o.lon, o.lat, status=o.status, heading_deg=o.heading_deg, fix_age_s=o.fix_age_s)
        if keep_sel:
            layer.set_selected(keep_sel)

    def move_officers(self, ids: list[str]) -> None:
        """Fast path: only positions/headings of the officers that moved."""
        if self.world is None or not ids:
            return
        o = self.world.officer_arrays()
        layer = self.point_layer(OFFICER_LAYER)
        if len(layer) != len(o.ids):
            self.refresh_officers()
            return
        layer.update_positions(np.arange(len(o.ids)), o.lon, o.lat, heading_deg=o.heading_deg, fix_age_s=o.fix_age_s)

    def refresh_assets(self) -> None:
        if self.world is None:
            return
        assets = self.world.assets

        def rows(kind: str) -> list[dict[str, Any]]:
            return [a for a in assets.get(kind, {}).values() if a.get("lon") is not None and a.get("lat") is not None]

        cams = rows("camera")
        self.point_layer("cameras").set_data(
            [c["id"] for c in cams], [c["lon"] for c in cams], [c["lat"] for c in cams],
            kind=np.asarray([c.get("camera_kind") or "normal" for c in cams], dtype=object),
            online=np.asarray([c.get("status") != "offline" for c in cams], dtype=bool),
            heading_deg=np.asarray([np.nan if c.get("heading_deg") is None else float(c["heading_deg"]) for c in cams]),
            fov_deg=np.asarray([np.nan if c.get("fov_deg") is None else float(c["fov_deg"]) for c in cams]))
        rooms = rows("workroom")
        self.point_layer("workrooms").set_data([r["id"] for r in rooms], [r["lon"] for r in rooms],
                                               [r["lat"] for r in rooms])
        sens = rows("sensor")
        self.point_layer("sensors").set_data(
            [s["id"] for s in sens], [s["lon"] for s in sens], [s["lat"] for s in sens],
            kind=np.asarray([s.get("sensor_kind") or "other" for s in sens], dtype=object),
            alarm=np.asarray([s.get("status") == "alarm" for s in sens], dtype=bool))

    # --------------------------------------------------------------- selection and navigation
    def select_case(self, case_id: str, fly: bool = True) -> None:
        for name in (CASE_LAYER, CLOSED_LAYER):
            self.point_layer(name).set_selected([case_id])
        self.point_layer(OFFICER_LAYER).set_selected([])
        c = self.world.cases.get(case_id) if self.world else None
        if fly and c is not None:
            self.fly_to(float(c["lon"]), float(c["lat"]), min(self.canvas.scale_m_per_px(), CASE_FLY_SCALE_M_PER_PX))

    def select_officer(self, officer_id: str, fly: bool = True) -> None:
        self.point_layer(OFFICER_LAYER).set_selected([officer_id])
        for name in (CASE_LAYER, CLOSED_LAYER):
            self.point_layer(name).set_selected([])
        o = self.world.officers.get(officer_id) if self.world else None
        if fly and o is not None and o.get("lon") is not None:
            self.fly_to(float(o["lon"]), float(o["lat"]), min(self.canvas.scale_m_per_px(), CASE_FLY_SCALE_M_PER_PX))

    def fly_to(self, lon: float, lat: float, scale_m_per_px: float | None = None) -> None:
        self.canvas.fly_to(lon, lat, scale_m_per_px)

    def zoom_to_lonlat_bounds(self, b: tuple[float, float, float, float]) -> None:
        self.canvas.zoom_to_lonlat_bounds(*b)

    def officer_at_view_pos(self, pos: QPoint) -> str | None:
        """The officer symbol under a viewport position, if any (clusters do not count)."""
        hit = self.canvas.hit_test(*self.canvas.view_pos_to_m(pos))
        if hit is None or hit.is_cluster or hit.layer_name != OFFICER_LAYER:
            return None
        return hit.feature_id

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Queue rows dropped on an officer symbol become ``casesDroppedOnOfficer``."""
        if watched is self.canvas.viewport_widget() and isinstance(event, (QDragEnterEvent, QDragMoveEvent,
                                                                             QDropEvent)):
            handled = handle_case_drop(event, self.officer_at_view_pos, self.casesDroppedOnOfficer.emit)
            if handled is not None:
                return handled
        return super().eventFilter(watched, event)

    def _on_context(self, layer: str, fid: str, global_pos: QPoint) -> None:
        if layer in (CASE_LAYER, CLOSED_LAYER):
            self.caseContextRequested.emit(fid, global_pos)
        elif layer == OFFICER_LAYER:
            self.officerContextRequested.emit(fid, global_pos)

    def _on_clicked(self, layer: str, fid: str) -> None:
        if not fid:
            return
        if layer in (CASE_LAYER, CLOSED_LAYER):
            self.caseClicked.emit(fid)
        elif layer == OFFICER_LAYER:
            self.officerClicked.emit(fid)
        self.featureClicked.emit(layer, fid)

    # --------------------------------------------------------------- layers for the panel
    def layer_infos(self) -> list[LayerInfo]:
        out = []
        for layer in reversed(self.canvas.layers()):
            out.append(LayerInfo(layer.name, layer_title(layer), layer.name not in AREA_DEFAULT_OFF,
                                 legend_of(layer)))
        return out

    def set_layer_visible(self, name: str, visible: bool) -> None:
        with contextlib.suppress(KeyError):
            self.canvas.set_layer_visible(name, visible)


def _tooltip_for(tooltip: Callable[[str, str], str], layer_name: str) -> Callable[[str], str]:
    return lambda fid: tooltip(layer_name, fid)


def layer_title(layer: MapLayer) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("layers", layer.title_zh)


def legend_of(layer: MapLayer) -> list[tuple[str, QPixmap]]:
    from widgets.labels import dtr

    if isinstance(layer, PointLayer):
        try:
            entries = layer.symbology.legend_entries()
        except Exception:  # a legend must never break the window
            return []
        return [(dtr(label), pm) for label, pm in entries]
    entries_fn = getattr(layer, "legend_entries", None)
    if callable(entries_fn):
        return [(dtr(label), pm) for label, pm in entries_fn()]
    return []


def _plain_basemap(geography: Any, theme: str) -> list[MapLayer]:
    from maps.labels import LabelStyle
    from maps.vector_layers import LineLayer, PolygonLayer

    t = theme_named(theme)
    out: list[MapLayer] = []

    def frame(name: str) -> Any:
        f = getattr(geography, name, None)
        return f if f is not None and len(f) else None

    if (f := frame("context_districts")) is not None:
        out.append(PolygonLayer("context_districts", "周边区", f, fill=t.context_fill, outline=t.context_outline,
                                hit_testable=False, label_style=LabelStyle(pixel_size=12, colour="#6b7b8c")))
    if (f := frame("district")) is not None:
        out.append(PolygonLayer("district", "长宁区", f, fill=t.district_fill, outline=t.district_outline,
                                outline_width_px=2.0, label_column=None, hit_testable=False))
    if (f := frame("grids")) is not None:
        out.append(PolygonLayer("grids", "单元网格", f, id_column="grid_code", label_column=None, fill=None,
                                outline=t.grid_outline, max_scale_m_per_px=4.0))
    if (f := frame("communities")) is not None:
        out.append(PolygonLayer("communities", "社区", f, fill=None, outline=t.community_outline,
                                label_max_scale_m_per_px=6.0, label_style=LabelStyle(pixel_size=12)))
    if (f := frame("roads")) is not None:
        out.append(LineLayer("roads", "道路", f, default_style=(t.road_colour.name(), 1.0), hit_testable=False))
    if (f := frame("metro_lines")) is not None:
        out.append(LineLayer("metro_lines", "地铁线路", f, class_column=None, default_style=("#e0457b", 2.0)))
    if (f := frame("subdistricts")) is not None:
        out.append(PolygonLayer("subdistricts", "街道（镇）", f, fill=None, outline=t.subdistrict_outline,
                                outline_width_px=1.6, label_style=LabelStyle(pixel_size=15, bold=True)))
    return out
