"""PointLayer: clustering vs exact drawing by zoom, fast position updates, selection, hit-testing, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from console.errors import ValidationError
from console.geo.projection import lonlat_wgs84_to_xy_m
from maps.layers import PointLayer
from maps.symbology import CaseSymbology, OfficerSymbology


def _cases(canvas, rng_points, n: int) -> PointLayer:  # type: ignore[no-untyped-def]
    ids, lon, lat = rng_points(n)
    rng = np.random.default_rng(3)
    status = rng.choice(["reported", "handling", "closed"], n)
    layer = PointLayer("cases", "案件", CaseSymbology())
    layer.set_data(ids, lon, lat, status=status, overdue=rng.random(n) < 0.05)
    canvas.add_layer(layer)
    return layer


def test_clusters_at_district_zoom_exact_at_street_zoom(canvas, rng_points) -> None:  # type: ignore[no-untyped-def]
    layer = _cases(canvas, rng_points, 5000)
    canvas.zoom_to_lonlat_bounds(121.40, 31.20, 121.44, 31.21)
    canvas.grab_image(800, 600)
    assert layer.last_mode == "cluster"
    assert 0 < layer.drawn_cluster_count < 500
    assert layer.drawn_symbol_count + layer.drawn_cluster_count < 1000  # far fewer draws than 5000 points
    counts = layer._clusters["count"]
    assert int(counts.sum()) + layer.drawn_symbol_count == 5000  # every point is in a badge or drawn alone

    canvas.fly_to(121.42, 31.205, 0.5, animate=False)
    canvas.grab_image(800, 600)
    assert layer.last_mode == "exact"
    assert layer.drawn_cluster_count == 0
    x, y = layer.positions_m()
    minx, miny, maxx, maxy = canvas.view_bounds_m()
    inside = int(((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)).sum())
    assert inside <= layer.drawn_symbol_count <= inside + 60  # plus the few within one symbol of the edge


def test_cluster_badge_colour_is_worst_member() -> None:
    sym = CaseSymbology()
    keys = sym.compute(3, {"status": np.asarray(["closed", "reported", "handling"], dtype=object)})
    assert list(keys.rank) == [0, 4, 2]
    keys = sym.compute(2, {"status": np.asarray(["closed", "handling"]), "overdue": np.asarray([True, True])})
    assert list(keys.pulse) == [False, True]  # a closed case is no longer a red light


def test_click_on_cluster_zooms_in_instead_of_emitting(canvas, rng_points, qtbot) -> None:  # type: ignore[no-untyped-def]
    layer = _cases(canvas, rng_points, 5000)
    canvas.zoom_to_lonlat_bounds(121.40, 31.20, 121.44, 31.21)
    canvas.grab_image(800, 600)
    cl = layer._clusters
    j = int(np.argmax(cl["count"]))
    before = canvas.scale_m_per_px()
    emitted: list[tuple[str, str]] = []
    canvas.feature_clicked.connect(lambda a, b: emitted.append((a, b)))
    hit = canvas.click_at_m(float(cl["cx"][j]), float(cl["cy"][j]))
    assert hit is not None and hit.is_cluster and hit.count == int(cl["count"][j])
    assert canvas.scale_m_per_px() < before
    assert emitted == []


def test_update_positions_moves_only_the_given_points(rng_points) -> None:  # type: ignore[no-untyped-def]
    ids, lon, lat = rng_points(2000)
    layer = PointLayer("officers", "执法队员", OfficerSymbology())
    layer.set_data(ids, lon, lat)
    x0, y0 = (a.copy() for a in layer.positions_m())
    new_lon = np.asarray([121.3500, 121.4500, 121.0])
    new_lat = np.asarray([31.2200, 31.1900, 31.0])
    moved = layer.update_positions(np.asarray(["P7", "P1999", "nobody"], dtype=object), new_lon, new_lat)
    assert moved == 2
    ex, ey = lonlat_wgs84_to_xy_m(new_lon[:2], new_lat[:2])
    x, y = layer.positions_m()
    assert x[[7, 1999]] == pytest.approx(ex) and y[[7, 1999]] == pytest.approx(ey)
    others = np.setdiff1d(np.arange(2000), [7, 1999])
    assert np.array_equal(x[others], x0[others]) and np.array_equal(y[others], y0[others])
    b = layer.data_bounds_m()
    assert b is not None and b[0] <= ex[0]  # bounds grew to include the point moved west

    assert layer.update_positions(np.asarray([5]), [121.41], [31.205]) == 1  # integer row indices work too
    assert layer.hit_test(*(float(v) for v in lonlat_wgs84_to_xy_m(121.41, 31.205)), 1.0).feature_id == "P5"


def test_update_positions_restyles_heading_and_staleness(rng_points) -> None:  # type: ignore[no-untyped-def]
    ids, lon, lat = rng_points(10)
    layer = PointLayer("officers", "执法队员", OfficerSymbology())
    layer.set_data(ids, lon, lat, status=np.full(10, "on_duty_idle"), heading_deg=np.full(10, np.nan),
                   fix_age_s=np.zeros(10))
    layer.update_positions(np.asarray(["P2"], dtype=object), [121.41], [31.205], heading_deg=[90.0], fix_age_s=[500.0])
    assert layer._rot[2] == pytest.approx(90.0) and layer._key[2] % 2 == 1  # arrow symbol, rotated east
    assert layer._opacity[2] < 1.0 and layer._opacity[3] == 1.0  # stale fix fades


def test_hit_test_picks_nearest_within_tolerance(rng_points) -> None:  # type: ignore[no-untyped-def]
    layer = PointLayer("cases", "案件", CaseSymbology())
    x, y = lonlat_wgs84_to_xy_m([121.41, 121.41], [31.205, 31.2051])  # ≈ 11 m apart
    layer.set_data_xy(np.asarray(["A", "B"], dtype=object), x, y)
    assert layer.hit_test(float(x[0]), float(y[0]) + 2.0, 0.5).feature_id == "A"
    assert layer.hit_test(float(x[1]), float(y[1]) - 2.0, 0.5).feature_id == "B"
    assert layer.hit_test(float(x[0]) + 30.0, float(y[0]), 0.5) is None  # 30 m away, tolerance 10 px × 0.5 m


def test_selection_highlight(canvas, rng_points) -> None:  # type: ignore[no-untyped-def]
    layer = _cases(canvas, rng_points, 100)
    layer.set_selected(["P4", "P9", "ghost"])
    assert layer.selected_ids() == ["P4", "P9"]
    canvas.fly_to(121.42, 31.205, 0.8, animate=False)
    plain = canvas.grab_image(400, 300)
    x, y = layer.positions_m()
    canvas.set_view(float(x[4]), float(y[4]), 0.8)
    with_sel = canvas.grab_image(400, 300)
    layer.set_selected([])
    without = canvas.grab_image(400, 300)
    assert with_sel != without and plain.size() == with_sel.size()


def test_bad_input_raises_validation_error(rng_points) -> None:  # type: ignore[no-untyped-def]
    layer = PointLayer("cases", "案件", CaseSymbology())
    with pytest.raises(ValidationError) as err:
        layer.set_data(np.asarray(["a", "b"], dtype=object), [121.4], [31.2, 31.3])
    assert err.value.message_zh and err.value.message_en
    with pytest.raises(ValidationError):
        layer.set_data(np.asarray(["a"], dtype=object), [121.4], [31.2], status=np.asarray(["closed", "closed"]))
