"""Importing an official subdistrict layer replaces the demo partition and re-derives every case's codes."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from console.domain.enums import Role
from console.geo.gcj02 import coords_wgs84_to_gcj02
from console.geo.geodata import load_demo_geography
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.geo_admin import import_layer
from console.storage import eventstore
from console.storage.db import Database


def test_import_official_subdistricts_in_gcj02(migrated_db: Database, tmp_path: Path) -> None:
    svc = CaseService(ServiceContext(migrated_db))
    case = svc.create_case(category="E0101", lon=121.36, lat=31.21, source="inspector", actor=Actor(Role.INSPECTOR, "a"))
    district = load_demo_geography().district.geometry.iloc[0]
    minx, miny, maxx, maxy = district.bounds
    mid = (minx + maxx) / 2
    west, east = district.intersection(box(minx, miny, mid, maxy)), district.intersection(box(mid, miny, maxx, maxy))
    frame = gpd.GeoDataFrame({"XZQDM": ["310105100000", "310105200000"], "XZQMC": ["西片街道", "东片街道"]},
                             geometry=[west, east], crs=4326)
    # The bureau's file is in GCJ-02, as AMap exports are: shift it so the importer has to convert back.
    frame["geometry"] = frame.geometry.apply(
        lambda g: __import__("shapely").transform(g, lambda xy: coords_wgs84_to_gcj02(xy)))
    path = tmp_path / "official.geojson"
    path.write_text(frame.to_json(), encoding="utf-8")
    summary = import_layer(migrated_db, str(path), "subdistricts", "gcj02")
    assert summary["features"] == 2 and summary["cases_relocated"] == 1
    moved = CaseService(ServiceContext(migrated_db)).get_case(case["id"])
    assert moved["subdistrict"] == "西片街道" and moved["grid_code"].startswith("310105100")
    with migrated_db.read_session() as s:
        events = eventstore.read(s, case_id=case["id"])
        assert events[-1].action == "relocate" and events[-1].role == "system"
        assert eventstore.verify(s).ok
    assert json.dumps(summary, ensure_ascii=False)
