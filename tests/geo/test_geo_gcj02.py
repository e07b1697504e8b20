"""GCJ-02 conversion: published vectors, inverse accuracy, out-of-China rule, and the district-boundary check."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from console.geo.gcj02 import gcj02_to_wgs84, out_of_china, wgs84_to_gcj02
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.resources import resource_path

# Public test vectors of the eviltransform implementations: (wgs lon, wgs lat) -> (gcj lon, gcj lat).
VECTORS = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]

INSIDE_STATIONS = {"上海动物园", "中山公园", "伊犁路", "北新泾", "威宁路", "娄山关路", "宋园路", "水城路", "江苏路", "淞虹路",
                   "虹桥1号航站楼", "虹桥路", "龙溪路"}


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_forward_matches_published_vectors(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lon, lat = wgs84_to_gcj02(*wgs)
    assert isinstance(lon, float) and isinstance(lat, float)
    assert lon == pytest.approx(gcj[0], abs=1e-9)
    assert lat == pytest.approx(gcj[1], abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), VECTORS)
def test_inverse_recovers_published_vectors(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lon, lat = gcj02_to_wgs84(*gcj)
    assert lon == pytest.approx(wgs[0], abs=2e-7)
    assert lat == pytest.approx(wgs[1], abs=2e-7)


def test_offset_is_hundreds_of_metres_in_shanghai() -> None:
    lon, lat = 121.4166, 31.2197
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    x0, y0 = lonlat_wgs84_to_xy_m([lon], [lat])
    x1, y1 = lonlat_wgs84_to_xy_m([g_lon], [g_lat])
    shift_m = float(np.hypot(x1 - x0, y1 - y0)[0])
    assert 300.0 < shift_m < 700.0


def test_round_trip_under_half_metre_over_shanghai_grid() -> None:
    lon, lat = np.meshgrid(np.linspace(120.85, 122.0, 60), np.linspace(30.65, 31.9, 60))
    lon, lat = lon.ravel(), lat.ravel()
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert np.all(np.abs(g_lon - lon) > 1e-4)  # really shifted
    back_lon, back_lat = gcj02_to_wgs84(g_lon, g_lat)
    x0, y0 = lonlat_wgs84_to_xy_m(lon, lat)
    x1, y1 = lonlat_wgs84_to_xy_m(back_lon, back_lat)
    assert float(np.max(np.hypot(x1 - x0, y1 - y0))) < 0.5
    # and the inverse meets its own tolerance: forward(inverse(g)) == g within 1e-7 degrees
    f_lon, f_lat = wgs84_to_gcj02(back_lon, back_lat)
    assert float(np.max(np.abs(f_lon - g_lon))) < 1e-7
    assert float(np.max(np.abs(f_lat - g_lat))) < 1e-7


def test_outside_china_unchanged_and_shapes_kept() -> None:
    lon = np.array([[-104.9903, 151.2093], [2.35, 121.47]])
    lat = np.array([[39.7392, -33.8688], [48.85, 31.23]])
    for fn in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = fn(lon, lat)
        assert out_lon.shape == (2, 2)
        np.testing.assert_array_equal(out_lon[out_of_china(lon, lat)], lon[out_of_china(lon, lat)])
        np.testing.assert_array_equal(out_lat[out_of_china(lon, lat)], lat[out_of_china(lon, lat)])
        assert out_lon[1, 1] != lon[1, 1]
    assert wgs84_to_gcj02(-0.1276, 51.5072) == (-0.1276, 51.5072)
    empty_lon, empty_lat = gcj02_to_wgs84(np.array([]), np.array([]))
    assert empty_lon.shape == (0,) and empty_lat.shape == (0,)


def _stations() -> tuple[list[str], np.ndarray]:
    data = json.loads(resource_path("geodata", "changning_transport.osm.wgs84.geojson").read_text(encoding="utf-8"))
    st = [f for f in data["features"] if f["properties"]["kind"] == "metro_station"]
    return [f["properties"]["name"] for f in st], np.array([f["geometry"]["coordinates"] for f in st])


def _raw_district_gcj02() -> shapely.Geometry:
    data = json.loads(resource_path("geodata", "changning_district.gcj02.geojson").read_text(encoding="utf-8"))
    return shapely.from_geojson(json.dumps(data["features"][0]["geometry"]))


def test_converted_district_holds_exactly_the_listed_stations() -> None:
    names, xy = _stations()
    district_wgs = shapely.transform(_raw_district_gcj02(), lambda c: np.column_stack(gcj02_to_wgs84(c[:, 0], c[:, 1])))
    inside = shapely.contains_xy(district_wgs, xy[:, 0], xy[:, 1])
    assert {n for n, i in zip(names, inside, strict=True) if i} == INSIDE_STATIONS
    assert "交通大学" in names


def test_unconverted_district_wrongly_takes_in_jiaotong_university() -> None:
    names, xy = _stations()
    inside = shapely.contains_xy(_raw_district_gcj02(), xy[:, 0], xy[:, 1])
    found = {n for n, i in zip(names, inside, strict=True) if i}
    assert "交通大学" in found
    assert found != INSIDE_STATIONS
