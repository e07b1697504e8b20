"""PointLocator: identical to a geopandas spatial join, plus edge cases (outside, NaN, boundaries, scalars)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from console.geo.geodata import Geography
from console.geo.locator import PointCodes, PointLocator


def _random_points(geo: Geography, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = geo.district.total_bounds
    pad = 0.01
    return rng.uniform(minx - pad, maxx + pad, n), rng.uniform(miny - pad, maxy + pad, n)


def test_matches_sjoin_on_100k_random_points(demo_geo: Geography, demo_locator: PointLocator) -> None:
    lon, lat = _random_points(demo_geo, 100_000, seed=42)
    located = demo_locator.locate(lon, lat)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    joined = gpd.sjoin(pts, demo_geo.grids[["grid_code", "community_code", "subdistrict_code", "geometry"]],
                       how="left", predicate="within")
    assert joined.index.is_unique  # no random point sits on a shared edge
    expected = joined["grid_code"].fillna("").astype(str).to_numpy()
    got = located.grid_code.astype(str)
    differ = np.flatnonzero(expected != got)
    if len(differ):  # only points within 1e-6 m (~1e-11 degrees) of a boundary may differ
        boundaries = shapely.union_all(shapely.boundary(np.asarray(demo_geo.grids.geometry.values, dtype=object)))
        assert float(shapely.distance(shapely.points(lon[differ], lat[differ]), boundaries).max()) < 1e-11
    assert len(differ) == 0
    np.testing.assert_array_equal(located.community_code.astype(str),
                                  joined["community_code"].fillna("").astype(str).to_numpy())
    np.testing.assert_array_equal(located.subdistrict_code.astype(str),
                                  joined["subdistrict_code"].fillna("").astype(str).to_numpy())
    np.testing.assert_array_equal(located.inside, joined["grid_code"].notna().to_numpy())
    assert 0.2 < located.inside.mean() < 0.9  # the sample really mixes inside and outside points
    assert located.grid_code.dtype == object and len(located) == 100_000


def test_points_on_grid_vertices_get_one_of_their_grids(demo_geo: Geography, demo_locator: PointLocator) -> None:
    geoms = np.asarray(demo_geo.grids.geometry.values, dtype=object)
    xy = shapely.get_coordinates(geoms[:300])
    located = demo_locator.locate(xy[:, 0], xy[:, 1])
    assert located.inside.all()
    holders = shapely.STRtree(geoms).query(shapely.points(xy), predicate="intersects")
    allowed = set(zip(holders[0].tolist(), demo_geo.grids["grid_code"].to_numpy()[holders[1]].tolist(), strict=True))
    assert all((i, str(code)) in allowed for i, code in enumerate(located.grid_code))


def test_outside_nan_empty_and_scalar(demo_locator: PointLocator) -> None:
    located = demo_locator.locate(np.array([0.0, np.nan, 121.60, 121.4166]), np.array([0.0, 31.2, 31.2, np.nan]))
    assert not located.inside.any()
    assert located.grid_code.tolist() == ["", "", "", ""]
    assert (located.grid_index == -1).all()
    empty = demo_locator.locate(np.array([]), np.array([]))
    assert len(empty) == 0
    one = demo_locator.locate(121.4166, 31.2197)
    assert one.inside.tolist() == [True]


def test_locate_one(demo_geo: Geography, demo_locator: PointLocator) -> None:
    codes = demo_locator.locate_one(121.4166, 31.2197)  # Zhongshan Park, inside Changning
    assert isinstance(codes, PointCodes)
    assert codes.grid_code[:12] == codes.community_code and codes.community_code[:9] + "000" == codes.subdistrict_code
    row = demo_geo.grids[demo_geo.grids["grid_code"] == codes.grid_code]
    assert bool(row.geometry.iloc[0].intersects(shapely.Point(121.4166, 31.2197)))
    assert demo_locator.locate_one(121.4737, 31.2304) is None  # People's Square, Huangpu
    assert demo_locator.locate_one(0.0, 0.0) is None


def test_fast_path_really_used(demo_locator: PointLocator) -> None:
    assert 0.0 < demo_locator.boundary_cell_fraction < 0.25
