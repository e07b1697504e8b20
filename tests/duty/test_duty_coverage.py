"""Patrol coverage on synthetic tracks over a known square grid (shares computed by hand), and from the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import shapely
from sqlalchemy import insert

from console.duty.coverage import CoverageConfig, GridCells, coverage_report, covered_cells, shares, track_geometry
from console.duty.roster import RosterService
from console.geo.projection import lonlat_wgs84_to_xy_m, xy_m_to_lonlat_wgs84
from console.services.context import ServiceContext
from console.storage.models import PositionRow
from tests.duty.conftest import LEADER, ZHONGSHAN_PARK

MON = date(2026, 11, 30)


def square(x0: float, y0: float, side: float) -> GridCells:
    """One 100 m square grid at a 25 m lattice: 4 × 4 = 16 cells, centres at x0 + 12.5, 37.5, 62.5, 87.5."""
    return GridCells.build(["G1"], ["测试网格"], [None], [shapely.box(x0, y0, x0 + side, y0 + side)], 25.0)


def test_straight_track_along_the_bottom_row() -> None:
    cells = square(0, 0, 100)
    assert int(cells.counts[0]) == 16
    x, y, t = np.array([0.0, 50.0, 100.0]), np.array([12.5, 12.5, 12.5]), np.array([0.0, 30.0, 60.0])
    track = track_geometry(x, y, t, max_gap_s=300)
    # buffer 20 m: only the bottom row's centres (distance 0) are inside; the next row is 25 m away → 4 / 16
    assert shares(cells, covered_cells(cells, track, 20.0))[0] == 0.25
    # buffer 30 m: the second row (25 m) too → 8 / 16
    assert shares(cells, covered_cells(cells, track, 30.0))[0] == 0.5


def test_gap_in_the_track_is_not_bridged() -> None:
    cells = square(0, 0, 100)
    x, y = np.array([12.5, 87.5]), np.array([12.5, 87.5])
    joined = track_geometry(x, y, np.array([0.0, 60.0]), max_gap_s=300)  # diagonal line: the 4 diagonal centres
    assert shares(cells, covered_cells(cells, joined, 10.0))[0] == 4 / 16
    split = track_geometry(x, y, np.array([0.0, 900.0]), max_gap_s=300)  # 15 min apart: two lone fixes
    assert shares(cells, covered_cells(cells, split, 10.0))[0] == 2 / 16
    assert track_geometry(np.zeros(0), np.zeros(0), np.zeros(0), 300) is None


def test_report_from_positions_and_roster(duty_ctx: ServiceContext) -> None:
    RosterService(duty_ctx).generate("SQ005", MON, 1, "two_on_two_off", LEADER)  # OF1 on D 08:00–20:00 local
    x0, y0 = (float(v[0]) for v in lonlat_wgs84_to_xy_m([ZHONGSHAN_PARK[0]], [ZHONGSHAN_PARK[1]]))
    x0, y0 = np.floor(x0 / 25) * 25, np.floor(y0 / 25) * 25  # align the square with the 25 m lattice
    cells = square(x0, y0, 100)
    start = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 local, inside OF1's shift
    xs = x0 + np.array([0.0, 25.0, 50.0, 75.0, 100.0])
    lon, lat = xy_m_to_lonlat_wgs84(xs, np.full(5, y0 + 12.5))
    rows = [{"officer_id": "OF1", "ts_utc": start + timedelta(seconds=30 * i), "lon": float(lon[i]),
             "lat": float(lat[i])} for i in range(5)]
    # OF1's fixes at 06:00 local (before its shift) along the top row must not count
    lon2, lat2 = xy_m_to_lonlat_wgs84(xs, np.full(5, y0 + 87.5))
    rows += [{"officer_id": "OF1", "ts_utc": start - timedelta(hours=3) + timedelta(seconds=30 * i),
              "lon": float(lon2[i]), "lat": float(lat2[i])} for i in range(5)]
    # OF9 has no roster: its whole local day counts (the top row, at 06:00 local)
    rows += [{**r, "officer_id": "OF9"} for r in rows[5:]]
    with duty_ctx.db.session() as s:
        s.execute(insert(PositionRow), rows)
    report = coverage_report(duty_ctx, MON, CoverageConfig(cell_m=25, buffer_m=20), cells=cells)
    officers = {o["officer_id"]: o for o in report["officers"]}
    assert officers["OF1"]["grids"]["G1"] == 0.25 and officers["OF1"]["fixes"] == 5
    assert officers["OF1"]["shift_code"] == "D"
    assert officers["OF9"]["grids"]["G1"] == 0.25 and officers["OF9"]["shift_code"] is None
    assert "OF2" not in officers  # resting, no fixes
    assert officers["OF3"]["fixes"] == 0 and officers["OF3"]["assigned_share"] is None  # its grids are not in `cells`
    assert set(officers["OF3"]["grids"].values()) == {0.0} and officers["OF3"]["assigned_grids"]
    grid = report["grids"][0]
    assert grid["code"] == "G1" and grid["cells"] == 16
    assert grid["share"] == 0.5  # bottom row (OF1) ∪ top row (OF9)
    assert grid["officers"] == {"OF1": 0.25, "OF9": 0.25}
