"""Demo geography: partition counts and codes, seamless unit grids, contiguous duty grids, records round trip."""

from __future__ import annotations

import json
from collections import deque

import numpy as np
import pandas as pd
import pytest
import shapely

from console.geo.geodata import (
    DISTRICT_CODE,
    LAYER_COLUMNS,
    Geography,
    build_demo_geography,
    build_geography_from_layers,
    load_district_boundary,
    to_metric,
)
from console.geo.unit_grids import grid_adjacency

REL_TOL = 1e-4  # 0.01 %


def _metric(frame: pd.DataFrame) -> np.ndarray:
    return np.asarray(to_metric(np.asarray(frame.geometry.values, dtype=object)), dtype=object)


def test_layers_are_wgs84_and_valid(demo_geo: Geography) -> None:
    for name in LAYER_COLUMNS:
        frame = demo_geo.layer(name)
        assert frame.crs is not None and frame.crs.to_epsg() == 4326, name
        assert list(frame.columns) == [*LAYER_COLUMNS[name], "geometry"], name
        assert bool(shapely.is_valid(np.asarray(frame.geometry.values, dtype=object)).all()), name
    assert demo_geo.is_approximate
    assert "APPROXIMATE" in demo_geo.provenance_note and "OpenStreetMap" in demo_geo.provenance_note


def test_district_boundary_is_converted_from_gcj02() -> None:
    district = load_district_boundary()
    assert district["code"].tolist() == [DISTRICT_CODE]
    assert district["name"].tolist() == ["长宁区"]
    area_km2 = float(shapely.area(to_metric(district.geometry.iloc[0]))) / 1e6
    assert 36.5 < area_km2 < 38.5
    assert bool(district.geometry.iloc[0].contains(shapely.Point(121.4166, 31.2197)))  # Zhongshan Park


def test_subdistricts_partition_the_district(demo_geo: Geography) -> None:
    subs = demo_geo.subdistricts
    assert len(subs) == 10
    assert all(len(c) == 12 and c.startswith("310105") and c.endswith("000") for c in subs["code"])
    assert subs["street_code"].tolist() == [c[6:9] for c in subs["code"]]
    assert "001" in set(subs["street_code"]) and "102" in set(subs["street_code"])
    assert bool(subs["approximate"].all())
    assert set(subs["name"]) >= {"华阳路街道", "新泾镇", "仙霞新村街道"}
    d_area = float(shapely.area(to_metric(demo_geo.district.geometry.iloc[0])))
    areas = shapely.area(_metric(subs))
    assert abs(areas.sum() - d_area) / d_area < REL_TOL
    assert abs(float(shapely.union_all(_metric(subs)).area) - d_area) / d_area < REL_TOL


def test_communities_counts_codes_and_nesting(demo_geo: Geography) -> None:
    comms = demo_geo.communities
    assert 175 <= len(comms) <= 195
    per_sub = comms.groupby("subdistrict_code").size()
    assert int(per_sub["310105001000"]) == 21  # Huayang Road pilot
    assert set(per_sub.index) == set(demo_geo.subdistricts["code"])
    assert comms["code"].is_unique
    assert all(len(c) == 12 and c.isdigit() and c[:9] == s[:9] and c[9:] != "000"
               for c, s in zip(comms["code"], comms["subdistrict_code"], strict=True))
    assert "华阳路街道第03社区（示意）" in set(comms["name"])
    assert bool(comms["approximate"].all())
    subs = dict(zip(demo_geo.subdistricts["code"], _metric(demo_geo.subdistricts), strict=True))
    comm_m = _metric(comms)
    for geom, sub_code in zip(comm_m, comms["subdistrict_code"], strict=True):
        assert geom.area > 0
        assert shapely.difference(geom, subs[sub_code]).area < 1e-3
    for sub_code, sub_geom in subs.items():
        mine = comm_m[(comms["subdistrict_code"] == sub_code).to_numpy()]
        assert abs(shapely.area(mine).sum() - sub_geom.area) / sub_geom.area < REL_TOL


def test_unit_grids_are_seamless_and_coded(demo_geo: Geography) -> None:
    grids = demo_geo.grids
    grid_m = _metric(grids)
    d_area = float(shapely.area(to_metric(demo_geo.district.geometry.iloc[0])))
    union_area = float(shapely.union_all(grid_m).area)
    assert abs(union_area - d_area) / d_area < REL_TOL  # union of grids == district
    assert abs(float(shapely.area(grid_m).sum()) - union_area) / union_area < REL_TOL  # no overlaps
    assert float(shapely.area(grid_m).min()) >= 1.0  # no slivers
    assert 7_500 < float(np.median(shapely.area(grid_m))) <= 10_000.5  # about a hectare
    np.testing.assert_allclose(grids["area_m2"].to_numpy(), shapely.area(grid_m), rtol=1e-6)
    codes = grids["grid_code"]
    assert codes.is_unique
    assert all(len(c) == 15 and c.isdigit() for c in codes)
    assert (codes.str[:12] == grids["community_code"]).all()
    assert (codes.str[:9] + "000" == grids["subdistrict_code"]).all()
    assert (codes.str[:6] == DISTRICT_CODE).all()
    serial = codes.str[12:].astype(int)
    assert serial.min() == 1 and serial.max() <= 999
    per_comm = grids.groupby("community_code")["grid_code"].apply(lambda s: sorted(int(c[12:]) for c in s))
    assert all(v == list(range(1, len(v) + 1)) for v in per_comm)  # serials run 001..n in each community
    assert set(grids["community_code"]) == set(demo_geo.communities["code"])


def test_duty_grids_cover_all_unit_grids_contiguously(demo_geo: Geography) -> None:
    duty = demo_geo.duty_grids
    grids = demo_geo.grids
    members = [c for lst in duty["grid_codes"] for c in lst]
    assert sorted(members) == sorted(grids["grid_code"])  # each unit grid in exactly one duty grid
    assert duty["code"].is_unique
    assert (duty["grid_count"] == duty["grid_codes"].map(len)).all()
    counts = duty["grid_count"].to_numpy()
    assert 6 <= float(np.median(counts)) <= 12
    assert float(np.mean((counts >= 6) & (counts <= 12))) > 0.9
    for code, lst in zip(duty["community_code"], duty["grid_codes"], strict=True):
        assert all(g[:12] == code for g in lst)
    pos = {c: i for i, c in enumerate(grids["grid_code"])}
    comm_index = pd.factorize(grids["community_code"])[0]
    neighbours = grid_adjacency(_metric(grids), comm_index)
    for lst in duty["grid_codes"]:
        idx = {pos[c] for c in lst}
        start = next(iter(idx))
        seen, queue = {start}, deque([start])
        while queue:
            for n in neighbours[queue.popleft()]:
                if n in idx and n not in seen:
                    seen.add(n)
                    queue.append(n)
        assert seen == idx  # edge-connected
    duty_area = shapely.area(_metric(duty)).sum()
    assert abs(duty_area - grids["area_m2"].sum()) / duty_area < REL_TOL


def test_transport_and_context_layers(demo_geo: Geography) -> None:
    assert len(demo_geo.metro_stations) == 59
    assert set(demo_geo.metro_stations.geom_type) == {"Point"}
    assert len(demo_geo.metro_lines) == 15 and len(demo_geo.roads) == 62
    assert "延安高架路" in set(demo_geo.roads["name"])
    ctx = demo_geo.context_districts
    assert len(ctx) == 16 and "310105" in set(ctx["code"])
    assert len(demo_geo.streets) == 0


def test_build_is_deterministic_and_seeded(demo_geo: Geography) -> None:
    again = build_demo_geography(0)
    assert again.grids["grid_code"].tolist() == demo_geo.grids["grid_code"].tolist()
    assert bool(again.communities.geometry.geom_equals_exact(demo_geo.communities.geometry, 1e-12).all())
    other = build_demo_geography(7)
    assert len(other.communities) == len(demo_geo.communities)
    assert not bool(other.communities.geometry.geom_equals_exact(demo_geo.communities.geometry, 1e-9).all())


def _assert_same_geography(a: Geography, b: Geography) -> None:
    for name in LAYER_COLUMNS:
        fa, fb = a.layer(name), b.layer(name)
        pd.testing.assert_frame_equal(pd.DataFrame(fa.drop(columns="geometry")),
                                      pd.DataFrame(fb.drop(columns="geometry")), check_dtype=True, obj=name)
        assert shapely.to_wkb(np.asarray(fa.geometry.values, dtype=object)).tolist() == \
            shapely.to_wkb(np.asarray(fb.geometry.values, dtype=object)).tolist(), name
        assert fb.crs is not None and fb.crs.to_epsg() == 4326
    assert a.is_approximate == b.is_approximate
    assert a.provenance_note == b.provenance_note


def test_records_round_trip(demo_geo: Geography) -> None:
    records = demo_geo.to_records()
    layers = {r.layer for r in records}
    assert layers >= {"meta", "district", "subdistricts", "communities", "grids", "duty_grids", "metro_stations"}
    keys = [(r.layer, r.code) for r in records]
    assert len(keys) == len(set(keys))  # fits a (layer, code) unique key
    for r in records:
        json.dumps(r.props)  # JSON-safe
        assert isinstance(r.wkb, bytes) and r.wkb
        assert len(r.code) <= 32 and len(r.layer) <= 24
    grid = next(r for r in records if r.layer == "grids")
    assert grid.parent_code == grid.code[:12] and grid.name == grid.code
    sub = next(r for r in records if r.layer == "subdistricts")
    assert sub.parent_code == DISTRICT_CODE and sub.props["approximate"] is True
    with pytest.raises(AttributeError):
        grid.code = "x"  # type: ignore[misc]
    _assert_same_geography(demo_geo, Geography.from_records(records))


def test_official_subdistricts_replace_the_demo_partition(demo_geo: Geography) -> None:
    official = demo_geo.subdistricts[["code", "name", "geometry"]].copy()
    official["code"] = official["code"].str[:9]  # 9-digit codes are padded to 12
    geo = build_geography_from_layers(demo_geo.district, official, base=demo_geo)
    assert not bool(geo.subdistricts["approximate"].any())
    assert geo.subdistricts["code"].tolist() == demo_geo.subdistricts["code"].tolist()
    assert geo.subdistricts["name_en"].tolist() == demo_geo.subdistricts["name_en"].tolist()
    assert bool(geo.communities["approximate"].all())  # derived, still approximate
    assert geo.is_approximate
    assert "Subdistricts: imported official layer." in geo.provenance_note
    official_comms = demo_geo.communities[["code", "name", "geometry"]]
    geo2 = build_geography_from_layers(demo_geo.district.assign(approximate=False), official, official_comms,
                                       base=demo_geo)
    assert not geo2.is_approximate
    assert not bool(geo2.grids["approximate"].any()) and not bool(geo2.duty_grids["approximate"].any())
    assert geo2.grids["grid_code"].tolist() == demo_geo.grids["grid_code"].tolist()


def test_empty_records_give_an_empty_geography() -> None:
    geo = Geography.from_records([])
    assert len(geo.grids) == 0 and geo.grids.crs.to_epsg() == 4326
    assert list(geo.duty_grids.columns) == [*LAYER_COLUMNS["duty_grids"], "geometry"]
