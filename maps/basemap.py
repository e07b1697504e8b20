"""The standard base layer stack built from a geography object (console.geo.geodata.Geography or anything with the
same GeoDataFrame attributes): context districts, district, subdistricts, communities, unit grids, duty grids, roads,
metro lines and stations, with scale ranges a dispatcher expects (grids only at street zoom, …).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor

from maps.canvas import MapCanvas
from maps.labels import LabelStyle
from maps.layer_base import MapLayer
from maps.point_layer import PointLayer
from maps.symbology import StationSymbology
from maps.theme import MapTheme, theme_named
from maps.vector_layers import LineLayer, PolygonLayer

DISTRICT_CODE = "310105"

# Scale thresholds in metres per pixel (a 1280-px-wide window shows all of Changning at ≈ 9 m/px).
COMMUNITY_MAX_SCALE = 7.0
COMMUNITY_LABEL_MAX_SCALE = 3.0
SUBDISTRICT_LABEL_MIN_SCALE = 2.0
GRID_MAX_SCALE = 1.6
GRID_LABEL_MAX_SCALE = 0.45
DUTY_GRID_MAX_SCALE = 7.0
DUTY_GRID_LABEL_MAX_SCALE = 2.0
ROAD_LABEL_MAX_SCALE = 5.0
STATION_MAX_SCALE = 14.0
STATION_LABEL_MAX_SCALE = 5.0

# Shanghai Metro line colours (by route number).
METRO_COLOURS: dict[str, str] = {
    "1": "#E3002B", "2": "#8CC220", "3": "#FCD600", "4": "#461D84", "5": "#944D9A", "6": "#D40068", "7": "#ED6F00",
    "8": "#0094D8", "9": "#87CAED", "10": "#C6AFD4", "11": "#871C2B", "12": "#007A60", "13": "#E999C0",
    "14": "#626020", "15": "#BCA886", "16": "#98D1C0", "17": "#BB796F", "18": "#C4984F",
}
SUBDISTRICT_TINTS = ["#4fc3f7", "#81c784", "#ffb74d", "#ba68c8", "#4db6ac", "#f06292", "#aed581", "#7986cb",
                     "#ffd54f", "#90a4ae"]

STATIC_LAYER_NAMES = ("context_districts", "subdistricts_fill", "communities", "grids", "duty_grids", "roads",
                      "metro_lines", "subdistricts", "district")  # drawn from one cached image (maps.static_cache)
LABELS_Z = 1000.0  # label-only layers sit above every data layer

BASEMAP_LAYER_NAMES = ("context_districts", "subdistricts_fill", "communities", "grids", "duty_grids", "roads",
                       "metro_lines", "subdistricts", "district", "metro_stations", "subdistrict_labels")


def metro_colour(route: str) -> str:
    key = str(route).split("-")[0].split("/")[0].strip()
    return METRO_COLOURS.get(key, "#b0bec5")


def _alpha(colour: QColor | str, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


def _frame(geo: Any, name: str) -> Any:
    return getattr(geo, name, None)


def build_basemap_layers(geo: Any, theme: str | MapTheme = "dark") -> list[MapLayer]:
    """The base layers, bottom to top. Missing or empty frames give empty layers (the stack is always complete)."""
    th = theme if isinstance(theme, MapTheme) else theme_named(theme)
    dark = th.name == "dark"
    halo = th.label_halo.name(QColor.NameFormat.HexArgb)
    text = th.label_text.name(QColor.NameFormat.HexArgb)
    approximate = bool(getattr(geo, "is_approximate", False))
    layers: list[MapLayer] = []

    ctx = _frame(geo, "context_districts")
    if ctx is not None and len(ctx) and "code" in ctx.columns:
        ctx_colours = [th.district_fill if str(c) == DISTRICT_CODE else th.context_fill for c in ctx["code"]]
        ctx_labels = ctx.assign(label=[("" if str(c) == DISTRICT_CODE else n) for c, n in zip(ctx["code"], ctx["name"],
                                                                                            strict=True)])
    else:
        ctx_colours, ctx_labels = None, ctx
    layers.append(PolygonLayer(
        "context_districts", "周边区界", ctx_labels, fill=th.context_fill, fill_colours=ctx_colours,
        outline=th.context_outline, outline_width_px=1.0, label_column="label", hit_testable=False,
        label_style=LabelStyle(pixel_size=15, bold=True, colour=_alpha(th.label_text, 110).name(QColor.NameFormat.HexArgb),
                               halo=halo),
        label_min_scale_m_per_px=5.0,
    ))

    subs = _frame(geo, "subdistricts")
    tints = ([_alpha(SUBDISTRICT_TINTS[i % len(SUBDISTRICT_TINTS)], 26 if dark else 40) for i in range(len(subs))]
             if subs is not None else None)
    layers.append(PolygonLayer("subdistricts_fill", "街道底色", subs, fill_colours=tints, outline=None,
                               label_column=None, hit_testable=False))

    layers.append(PolygonLayer(
        "communities", "社区（居委）", _frame(geo, "communities"), fill=None, outline=th.community_outline,
        outline_width_px=0.8, max_scale_m_per_px=COMMUNITY_MAX_SCALE, label_max_scale_m_per_px=COMMUNITY_LABEL_MAX_SCALE,
        label_style=LabelStyle(pixel_size=12, colour=text, halo=halo),
    ))
    layers.append(PolygonLayer(
        "grids", "单元网格", _frame(geo, "grids"), fill=None, outline=th.grid_outline, outline_width_px=0.6,
        id_column="grid_code", label_column="grid_code", max_scale_m_per_px=GRID_MAX_SCALE,
        label_max_scale_m_per_px=GRID_LABEL_MAX_SCALE,
        label_style=LabelStyle(pixel_size=10, colour=_alpha(th.label_text, 170).name(QColor.NameFormat.HexArgb),
                               halo=halo, halo_px=2.0),
        antialias=False,
    ))
    duty = PolygonLayer(
        "duty_grids", "责任网格", _frame(geo, "duty_grids"), fill=_alpha(th.duty_grid_outline, 18),
        outline=th.duty_grid_outline, outline_width_px=1.2, max_scale_m_per_px=DUTY_GRID_MAX_SCALE,
        label_max_scale_m_per_px=DUTY_GRID_LABEL_MAX_SCALE,
        label_style=LabelStyle(pixel_size=11, colour=th.duty_grid_outline.lighter(140).name(), halo=halo),
    )
    duty.set_user_visible(False)
    layers.append(duty)

    layers.append(LineLayer(
        "roads", "道路", _frame(geo, "roads"), class_column="road_class",
        class_styles={"expressway": (th.road_major_colour, 3.2), "urban": (th.road_colour, 1.6)},
        default_style=(th.road_colour, 1.2), id_column="code", label_max_scale_m_per_px=ROAD_LABEL_MAX_SCALE,
        label_style=LabelStyle(pixel_size=11, colour=_alpha(th.label_text, 200).name(QColor.NameFormat.HexArgb),
                               halo=halo),
    ))
    metro = _frame(geo, "metro_lines")
    metro_colours = ([metro_colour(r) for r in metro["route"]] if metro is not None and len(metro)
                     and "route" in metro.columns else None)
    layers.append(LineLayer(
        "metro_lines", "地铁线路", metro, class_column=None, default_style=("#b0bec5", 2.6),
        feature_colours=metro_colours, id_column="code", label_column=None, casing=th.background,
    ))

    note = QT_TRANSLATE_NOOP("map", "街道、社区、网格边界为示意划分，非官方边界") if approximate else None
    layers.append(PolygonLayer(
        "subdistricts", "街道（镇）", subs, fill=None, outline=th.subdistrict_outline, outline_width_px=1.4,
        dashed=True, note_zh=note, label_column=None,
    ))
    layers.append(PolygonLayer(
        "district", "长宁区界", _frame(geo, "district"), fill=None, outline=th.district_outline, outline_width_px=2.6,
        label_column=None, hit_testable=False,
    ))

    stations = PointLayer(
        "metro_stations", "地铁站", StationSymbology(), cluster=False, max_scale_m_per_px=STATION_MAX_SCALE,
        label_max_scale_m_per_px=STATION_LABEL_MAX_SCALE, hit_radius_px=7.0,
        label_style=LabelStyle(pixel_size=11, colour=text, halo=halo),
    )
    st = _frame(geo, "metro_stations")
    if st is not None and len(st):
        pts = st.geometry.values
        stations.set_data(
            st["code"].astype(str).to_numpy() if "code" in st.columns else st.index.astype(str).to_numpy(),
            pts.x, pts.y, labels=[str(n) for n in st["name"]],
        )
        stations.tooltip_provider = _station_tooltip(stations)
    layers.append(stations)
    return layers


def build_label_layers(geo: Any, theme: str | MapTheme = "dark") -> list[MapLayer]:
    """Labels that must stay above the point layers (subdistrict names): label-only polygon layers."""
    th = theme if isinstance(theme, MapTheme) else theme_named(theme)
    halo = th.label_halo.name(QColor.NameFormat.HexArgb)
    return [PolygonLayer(
        "subdistrict_labels", "街道名称", _frame(geo, "subdistricts"), fill=None, outline=None, hit_testable=False,
        label_min_scale_m_per_px=SUBDISTRICT_LABEL_MIN_SCALE,
        label_style=LabelStyle(pixel_size=16, bold=True, colour=th.label_text.name(), halo=halo, halo_px=3.5),
    )]


def _station_tooltip(layer: PointLayer) -> Any:
    labels = {str(i): n for i, n in zip(layer.ids(), layer._labels or [], strict=False)}

    def tip(feature_id: str) -> str:
        return f"地铁站：{labels.get(feature_id, feature_id)}"

    return tip


def add_basemap(canvas: MapCanvas, geo: Any, theme: str | None = None) -> dict[str, MapLayer]:
    """Add the base stack to ``canvas`` (below anything added later), set Home to the district and show it."""
    layers = build_basemap_layers(geo, theme or canvas.theme.name)
    for layer in layers:
        canvas.add_layer(layer)
    canvas.set_static_layers([layer.name for layer in layers if layer.name in STATIC_LAYER_NAMES])
    labels = build_label_layers(geo, theme or canvas.theme.name)
    for layer in labels:
        canvas.add_layer(layer, z=LABELS_Z)
    layers += labels
    district = _frame(geo, "district")
    if district is not None and len(district):
        b = canvas.layer("district").data_bounds_m()
        if b is not None:
            canvas.set_home_bounds(*b)
    canvas.home()
    return {layer.name: layer for layer in layers}

