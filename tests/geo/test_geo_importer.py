"""Importing official layers: formats, coordinate systems, column aliases, bad files, and what gets rebuilt."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from console.errors import DataFileError
from console.geo.gcj02 import coords_wgs84_to_gcj02
from console.geo.geodata import Geography, to_metric
from console.geo.importer import apply_import, read_layer, resolve_crs, validate_layer
from console.geo.locator import PointLocator


def _official_subdistricts(geo: Geography) -> gpd.GeoDataFrame:
    """The demo subdistricts dressed as an official file (GB/T column names, no approximate flag)."""
    subs = geo.subdistricts
    return gpd.GeoDataFrame({"XZQDM": subs["code"].tolist(), "XZQMC": subs["name"].tolist()},
                            geometry=list(subs.geometry.values), crs=4326)


def _max_shift_m(a: gpd.GeoSeries, b: gpd.GeoSeries) -> float:
    ga = to_metric(np.asarray(a.values, dtype=object))
    gb = to_metric(np.asarray(b.values, dtype=object))
    return float(shapely.hausdorff_distance(ga, gb).max())


def test_geojson_subdistricts_with_gbt_columns(tmp_path: Path, demo_geo: Geography) -> None:
    path = tmp_path / "subdistricts.geojson"
    _official_subdistricts(demo_geo).to_file(path, driver="GeoJSON")
    gdf = read_layer(path, layer="subdistricts")
    assert {"code", "name"} <= set(gdf.columns) and gdf.crs.to_epsg() == 4326
    geo = apply_import(demo_geo, "subdistricts", gdf)
    assert not bool(geo.subdistricts["approximate"].any())
    assert bool(geo.communities["approximate"].all())  # derived again from the official subdistricts
    assert int((geo.communities["subdistrict_code"] == "310105001000").sum()) == 21
    assert geo.is_approximate  # communities and the district boundary are still demo data
    assert demo_geo.subdistricts["approximate"].all()  # the input geography is left alone
    assert PointLocator(geo).locate_one(121.4166, 31.2197) is not None


def test_gcj02_file_is_converted(tmp_path: Path, demo_geo: Geography) -> None:
    gcj = _official_subdistricts(demo_geo)
    gcj = gcj.set_geometry(shapely.transform(np.asarray(gcj.geometry.values, dtype=object), coords_wgs84_to_gcj02))
    shifted = tmp_path / "official.geojson"
    gcj.set_crs(4326, allow_override=True).to_file(shifted, driver="GeoJSON")
    as_is = read_layer(shifted)  # claims WGS-84: left shifted
    assert _max_shift_m(as_is.geometry, demo_geo.subdistricts.geometry) > 300
    fixed = read_layer(shifted, crs="gcj02")
    assert _max_shift_m(fixed.geometry, demo_geo.subdistricts.geometry) < 0.5
    named = tmp_path / "subdistricts.gcj02.geojson"  # the file name says GCJ-02
    gcj.set_crs(4326, allow_override=True).to_file(named, driver="GeoJSON")
    assert _max_shift_m(read_layer(named).geometry, demo_geo.subdistricts.geometry) < 0.5


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_shapefile_in_cgcs2000_metres(tmp_path: Path, demo_geo: Geography) -> None:
    comms = demo_geo.communities
    shp = gpd.GeoDataFrame({"SQDM": comms["code"].tolist(), "SQMC": comms["name"].tolist()},
                           geometry=list(comms.geometry.values), crs=4326).to_crs(4549)
    with_prj = tmp_path / "communities.shp"
    shp.to_file(with_prj, driver="ESRI Shapefile", encoding="utf-8")
    gdf = read_layer(with_prj, layer="communities")
    assert gdf["name"].tolist() == comms["name"].tolist()
    assert _max_shift_m(gdf.geometry, comms.geometry) < 0.01
    no_prj = tmp_path / "bare.shp"
    shp.set_crs(None, allow_override=True).to_file(no_prj, driver="ESRI Shapefile", encoding="utf-8")
    with pytest.raises(DataFileError, match="coordinate system"):
        read_layer(no_prj, layer="communities")
    assert _max_shift_m(read_layer(no_prj, crs="cgcs2000", layer="communities").geometry, comms.geometry) < 0.01

    geo = apply_import(demo_geo, "communities", gdf)
    assert not bool(geo.communities["approximate"].any())
    assert not bool(geo.grids["approximate"].any()) and not bool(geo.duty_grids["approximate"].any())
    assert geo.subdistricts["approximate"].all()
    assert sorted(geo.grids["grid_code"]) == sorted(demo_geo.grids["grid_code"])


def test_geopackage_grids_import(tmp_path: Path, demo_geo: Geography) -> None:
    grids = demo_geo.grids
    path = tmp_path / "grids.gpkg"
    gpd.GeoDataFrame({"WGBM": grids["grid_code"].tolist()}, geometry=list(grids.geometry.values), crs=4326).to_file(
        path, driver="GPKG")
    geo = apply_import(demo_geo, "grids", read_layer(path, layer="grids"))
    assert not bool(geo.grids["approximate"].any())
    assert geo.grids["grid_code"].tolist() == grids["grid_code"].tolist()
    # grid codes name known communities: those are kept as they were
    assert geo.communities["code"].tolist() == demo_geo.communities["code"].tolist()
    assert bool(geo.communities["approximate"].all())
    assert sorted(c for lst in geo.duty_grids["grid_codes"] for c in lst) == sorted(grids["grid_code"])


def test_grids_with_new_community_codes_define_communities(demo_geo: Geography) -> None:
    grids = demo_geo.grids[demo_geo.grids["subdistrict_code"] == "310105001000"]
    renumbered = "310105001" + (grids["grid_code"].str[9:12].astype(int) + 500).astype(str) + grids["grid_code"].str[12:]
    official = gpd.GeoDataFrame({"grid_code": renumbered.tolist()}, geometry=list(grids.geometry.values), crs=4326)
    geo = apply_import(demo_geo, "grids", official)
    assert len(geo.communities) == 21
    assert all(c.startswith("310105001") and int(c[9:]) > 500 for c in geo.communities["code"])
    assert not bool(geo.communities["approximate"].any())
    assert geo.communities["subdistrict_code"].eq("310105001000").all()
    located = PointLocator(geo).locate(np.array([121.40, 121.4166]), np.array([31.19, 31.2197]))
    assert located.inside.tolist()[0] is False  # only Huayang Road now has grids


def test_streets_layer(tmp_path: Path, demo_geo: Geography) -> None:
    path = tmp_path / "streets.geojson"
    gpd.GeoDataFrame({"路名": ["长宁路", "愚园路"]},
                     geometry=[shapely.LineString([(121.40, 31.22), (121.42, 31.22)]),
                               shapely.LineString([(121.42, 31.22), (121.43, 31.223)])], crs=4326).to_file(path)
    geo = apply_import(demo_geo, "streets", read_layer(path, layer="streets"))
    assert geo.streets["name"].tolist() == ["长宁路", "愚园路"]
    assert geo.streets["code"].is_unique
    assert geo.grids is demo_geo.grids
    assert any(r.layer == "streets" for r in geo.to_records())


def test_bad_files_raise_data_file_error(tmp_path: Path, demo_geo: Geography) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame({"code": ["310105001000"], "name": ["x"]}, geometry=[shapely.Point(121.4, 31.2)],
                     crs=4326).to_file(points)
    nameless = tmp_path / "nameless.geojson"
    gpd.GeoDataFrame({"code": ["310105001000"]}, geometry=[shapely.box(121.4, 31.2, 121.41, 31.21)],
                     crs=4326).to_file(nameless)
    far = tmp_path / "far.geojson"
    gpd.GeoDataFrame({"code": ["310105001000"], "name": ["x"]}, geometry=[shapely.box(116.3, 39.9, 116.4, 40.0)],
                     crs=4326).to_file(far)
    projected_as_wgs = tmp_path / "projected.gpkg"
    gpd.GeoDataFrame({"code": ["310105001000"]}, geometry=[shapely.box(440_000, 3_450_000, 441_000, 3_451_000)],
                     crs=4549).to_file(projected_as_wgs, driver="GPKG")
    badcode = tmp_path / "badcode.geojson"
    gpd.GeoDataFrame({"code": ["31A"], "name": ["x"]}, geometry=[shapely.box(121.4, 31.2, 121.41, 31.21)],
                     crs=4326).to_file(badcode)
    cases = [
        (lambda: read_layer(tmp_path / "missing.geojson"), "not found"),
        (lambda: read_layer(tmp_path / "table.csv"), "unsupported"),
        (lambda: read_layer(broken), "cannot read"),
        (lambda: read_layer(empty), "no features"),
        (lambda: read_layer(points, layer="subdistricts"), "polygons"),
        (lambda: read_layer(nameless, layer="subdistricts"), "name"),
        (lambda: read_layer(nameless, crs="mercator-ish"), "unknown coordinate system"),
        (lambda: read_layer(nameless, crs="EPSG:4549"), "look like degrees"),
            (lambda: read_layer(projected_as_wgs, crs="wgs84"), "not lon/lat"),
        (lambda: apply_import(demo_geo, "subdistricts", read_layer(far)), "does not overlap"),
        (lambda: apply_import(demo_geo, "subdistricts", read_layer(badcode)), "12 digits"),
    ]
    (tmp_path / "table.csv").write_text("a,b\n", encoding="utf-8")
    for call, words in cases:
        with pytest.raises(DataFileError) as info:
            call()
        assert words in info.value.message_en, (words, info.value.message_en)
        assert info.value.message_zh


def test_validate_requires_wgs84_and_known_layer(demo_geo: Geography) -> None:
    with pytest.raises(DataFileError, match="unknown layer"):
        validate_layer(demo_geo.subdistricts, "parcels")
    with pytest.raises(DataFileError, match="WGS-84"):
        validate_layer(demo_geo.subdistricts.to_crs(4549), "subdistricts")
    assert resolve_crs("cgcs2000").to_epsg() == 4490  # type: ignore[union-attr]
    assert resolve_crs("CGCS2000", projected_coordinates=True).to_epsg() == 4549  # type: ignore[union-attr]
    assert resolve_crs("GCJ-02") == "gcj02"
    assert resolve_crs("4326").to_epsg() == 4326  # type: ignore[union-attr]
