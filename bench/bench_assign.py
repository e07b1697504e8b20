"""Point → unit-grid assignment: PointLocator (raster + exact fallback) against geopandas.sjoin on the same points.

Also times building the demo geography (target < 1.5 s) against loading the bundled layers alone, and building the
locator against building a bare STRtree over the grids.
"""

from __future__ import annotations

import time
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from console.geo.geodata import build_demo_geography, load_context_districts, load_district_boundary, load_transport
from console.geo.locator import PointLocator


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 100_000 if quick else 1_000_000
    rows: list[dict[str, Any]] = []

    t = time.perf_counter()
    load_district_boundary()
    load_transport()
    load_context_districts()
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    geo = build_demo_geography(0)
    build_s = time.perf_counter() - t
    rows.append({"name": f"demo geography build ({len(geo.grids):,} unit grids, {len(geo.duty_grids)} duty grids)",
                 "value": build_s, "unit": "s", "baseline_name": "loading the bundled layers only",
                 "baseline_value": load_s, "ratio": build_s / load_s, "target": "< 1.5 s",
                 "verdict": "met" if build_s < 1.5 else "MISSED"})

    geoms = np.asarray(geo.grids.geometry.values, dtype=object)
    t = time.perf_counter()
    shapely.STRtree(geoms).query(shapely.points([0.0], [0.0]))
    tree_s = time.perf_counter() - t
    t = time.perf_counter()
    locator = PointLocator(geo)
    locator_s = time.perf_counter() - t
    rows.append({"name": f"PointLocator build (boundary cells {locator.boundary_cell_fraction:.1%})",
                 "value": locator_s, "unit": "s", "baseline_name": "bare STRtree build + 1 query",
                 "baseline_value": tree_s, "ratio": locator_s / tree_s, "target": "report"})

    rng = np.random.default_rng(0)
    minx, miny, maxx, maxy = geo.district.total_bounds
    lon, lat = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    t = time.perf_counter()
    located = locator.locate(lon, lat)
    loc_s = time.perf_counter() - t
    t = time.perf_counter()
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    joined = gpd.sjoin(pts, geo.grids[["grid_code", "geometry"]], how="left", predicate="within")
    sjoin_s = time.perf_counter() - t
    joined = joined[~joined.index.duplicated(keep="first")]
    mismatches = int((joined["grid_code"].fillna("").astype(str).to_numpy() != located.grid_code.astype(str)).sum())
    rate, base_rate = n / loc_s, n / sjoin_s
    rows.append({"name": f"assign {n:,} points to unit grids (inside {located.inside.mean():.0%}, "
                         f"{mismatches} mismatches vs sjoin)",
                 "value": rate, "unit": "points/s", "baseline_name": "geopandas.sjoin (within)",
                 "baseline_value": base_rate, "ratio": rate / base_rate, "target": "≥ 2× sjoin",
                 "verdict": "met" if rate >= 2 * base_rate and mismatches == 0 else "MISSED"})
    return rows


if __name__ == "__main__":
    import sys

    from bench.__main__ import print_row

    for r in run(quick="--quick" in sys.argv):
        print_row(r)
