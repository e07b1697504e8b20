"""MapCanvas behaviour: layer registry and visibility, scale ranges, clicks and hover via real mouse events, keys."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from console.geo.projection import lonlat_wgs84_to_xy_m
from maps.layers import PointLayer, PolygonLayer
from maps.symbology import CaseSymbology, OfficerSymbology


def _widget_point(canvas, x_m: float, y_m: float) -> QPoint:  # type: ignore[no-untyped-def]
    p = canvas.map_to_widget(x_m, y_m)
    return QPoint(round(p.x()), round(p.y()))


def test_layers_in_z_order_and_visibility_toggle(canvas, squares) -> None:  # type: ignore[no-untyped-def]
    poly = canvas.add_layer(PolygonLayer("subdistricts", "街道", squares))
    pts = canvas.add_layer(PointLayer("cases", "案件", CaseSymbology()))
    assert [layer.name for layer in canvas.layers()] == ["subdistricts", "cases"]
    assert canvas.layer("cases") is pts
    with pytest.raises(KeyError):
        canvas.layer("nope")
    with pytest.raises(ValueError):
        canvas.add_layer(PolygonLayer("subdistricts", "重复", squares))

    seen: list[tuple[str, bool]] = []
    canvas.layer_visibility_changed.connect(lambda n, v: seen.append((n, v)))
    canvas.set_layer_visible("subdistricts", False)
    assert not poly.isVisible() and not poly.user_visible
    assert canvas.layer_visibility() == {"subdistricts": False, "cases": True}
    canvas.restore_layer_visibility({"subdistricts": True, "unknown": False})
    assert poly.isVisible()
    assert seen == [("subdistricts", False), ("subdistricts", True)]


def test_scale_range_hides_layer_until_zoomed_in(canvas, squares) -> None:  # type: ignore[no-untyped-def]
    grids = canvas.add_layer(PolygonLayer("grids", "单元网格", squares, max_scale_m_per_px=1.6))
    canvas.zoom_to_lonlat_bounds(121.40, 31.20, 121.44, 31.21)
    assert canvas.scale_m_per_px() > 1.6
    assert not grids.isVisible() and grids.user_visible
    canvas.fly_to(121.405, 31.205, 0.5, animate=False)
    assert canvas.scale_m_per_px() == pytest.approx(0.5, rel=1e-3)
    assert grids.isVisible()


def test_click_on_point_emits_feature_clicked(canvas, qtbot, rng_points) -> None:  # type: ignore[no-untyped-def]
    ids, lon, lat = rng_points(300)
    layer = PointLayer("officers", "执法队员", OfficerSymbology())
    layer.set_data(ids, lon, lat, status=np.full(300, "en_route", dtype=object))
    canvas.add_layer(layer)
    target = 17
    canvas.fly_to(lon[target], lat[target], 0.4, animate=False)
    canvas.grab_image(800, 600)
    x, y = layer.positions_m()
    with qtbot.waitSignal(canvas.feature_clicked, timeout=2000) as blocker:
        QTest.mouseClick(canvas._view.viewport(), Qt.MouseButton.LeftButton, pos=_widget_point(canvas, x[target], y[target]))
    assert blocker.args == ["officers", "P17"]


def test_click_on_empty_map_emits_nothing(canvas, qtbot, rng_points) -> None:  # type: ignore[no-untyped-def]
    ids, lon, lat = rng_points(5)
    layer = PointLayer("cases", "案件", CaseSymbology())
    layer.set_data(ids, lon, lat)
    canvas.add_layer(layer)
    canvas.fly_to(121.30, 31.30, 1.0, animate=False)  # far from every point
    got: list[tuple[str, str]] = []
    canvas.feature_clicked.connect(lambda a, b: got.append((a, b)))
    QTest.mouseClick(canvas._view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    assert got == []


def test_hover_emits_feature_hovered_and_cursor_position(canvas, qtbot, rng_points) -> None:  # type: ignore[no-untyped-def]
    ids, lon, lat = rng_points(50)
    layer = PointLayer("cases", "案件", CaseSymbology(), tooltip_provider=lambda fid: f"案件 {fid}")
    layer.set_data(ids, lon, lat)
    canvas.add_layer(layer)
    canvas.fly_to(lon[3], lat[3], 0.3, animate=False)
    canvas.grab_image(800, 600)
    x, y = layer.positions_m()
    cursor: list[tuple[float, float]] = []
    canvas.cursor_moved.connect(lambda a, b: cursor.append((a, b)))
    with qtbot.waitSignal(canvas.feature_hovered, timeout=2000) as blocker:
        QTest.mouseMove(canvas._view.viewport(), _widget_point(canvas, x[3], y[3]))
    assert blocker.args == ["cases", "P3"]
    assert cursor and cursor[-1][0] == pytest.approx(lon[3], abs=2e-5) and cursor[-1][1] == pytest.approx(lat[3], abs=2e-5)
    hit = canvas.hit_test(x[3], y[3])
    assert hit is not None and canvas.layer("cases").tooltip_text(hit) == "案件 P3"


def test_keyboard_zoom_pan_and_home(canvas, squares, qtbot) -> None:  # type: ignore[no-untyped-def]
    canvas.add_layer(PolygonLayer("subdistricts", "街道", squares))
    canvas.home()
    home_scale = canvas.scale_m_per_px()
    home_centre = canvas.view_centre_m()
    view = canvas._view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Plus)
    assert canvas.scale_m_per_px() == pytest.approx(home_scale / 1.5, rel=1e-3)
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert canvas.view_centre_m()[0] > home_centre[0]
    QTest.keyClick(view, Qt.Key.Key_Home)
    assert canvas.scale_m_per_px() == pytest.approx(home_scale, rel=1e-3)
    assert canvas.view_centre_m()[0] == pytest.approx(home_centre[0], abs=1.0)


def test_zoom_to_bounds_and_view_changed(canvas, qtbot) -> None:  # type: ignore[no-untyped-def]
    scales: list[float] = []
    canvas.view_changed.connect(scales.append)
    x, y = lonlat_wgs84_to_xy_m([121.40, 121.42], [31.20, 31.22])
    canvas.zoom_to_bounds(float(x[0]), float(y[0]), float(x[1]), float(y[1]), padding=0.0)
    minx, miny, maxx, maxy = canvas.view_bounds_m()
    assert minx <= x[0] + 1 and maxx >= x[1] - 1 and miny <= y[0] + 1 and maxy >= y[1] - 1
    assert scales and scales[-1] == pytest.approx(canvas.scale_m_per_px())


def test_grab_image_is_non_trivial_with_chinese_labels(canvas, squares, rng_points) -> None:  # type: ignore[no-untyped-def]
    poly = canvas.add_layer(PolygonLayer("subdistricts", "街道", squares, fill="#17222d"))
    ids, lon, lat = rng_points(2000)
    cases = PointLayer("cases", "案件", CaseSymbology())
    rng = np.random.default_rng(1)
    cases.set_data(ids, lon, lat, status=rng.choice(["reported", "handling", "closed"], 2000),
                   category_icon=rng.choice(["trash", "parking", "ad"], 2000), overdue=rng.random(2000) < 0.1)
    canvas.add_layer(cases)
    canvas.home()
    img = canvas.grab_image(640, 400)
    assert (img.width(), img.height()) == (640, 400)
    arr = np.frombuffer(img.constBits(), dtype=np.uint32, count=img.width() * img.height())
    assert np.unique(arr).size > 200
    assert poly.labels_drawn == 4  # all four Chinese names fit at this zoom
