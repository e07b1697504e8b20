"""Point → unit grid / community / subdistrict assignment for millions of WGS-84 points.

Every case, officer fix and sensor reading needs its grid, so this is a hot path. A fine raster (≈ 5 m cells, in
lon/lat degrees so no projection is needed per point) records which grid owns each cell that no grid boundary touches;
points in those cells are assigned by one array lookup. Cells that a boundary touches are marked, and only the points
falling in them (≈ 10–15 %) go to an exact shapely STRtree ``intersects`` query on the WGS-84 polygons. The result is
therefore identical to a spatial join on the same polygons; a point exactly on a shared edge goes to the grid listed
first. Points covered by no grid (outside the district) get ``inside=False`` and empty codes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import shapely

from console.geo.geodata import Geography

_OUTSIDE = -1
_BOUNDARY = -2
_EXACT_CHUNK = 500_000
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQUATOR = 111_320.0

ObjArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class LocatedPoints:
    """Per input point: its unit grid, community and subdistrict codes ("" when outside) and whether it is inside."""

    grid_code: ObjArray
    community_code: ObjArray
    subdistrict_code: ObjArray
    inside: npt.NDArray[np.bool_]
    grid_index: npt.NDArray[np.intp]  # row position in ``geography.grids``, -1 when outside

    def __len__(self) -> int:
        return len(self.inside)


class PointCodes(NamedTuple):
    """Codes of one located point."""

    grid_code: str
    community_code: str
    subdistrict_code: str


class PointLocator:
    """Vectorised point-in-grid lookup over a Geography's unit grids (raster fast path + exact fallback)."""

    def __init__(self, geography: Geography, *, cell_m: float = 5.0) -> None:
        grids = geography.grids
        self._geoms: ObjArray = np.asarray(grids.geometry.values, dtype=object)
        self._grid_code = np.array(["", *grids["grid_code"].astype(str).tolist()], dtype=object)
        self._community_code = np.array(["", *grids["community_code"].astype(str).tolist()], dtype=object)
        self._subdistrict_code = np.array(["", *grids["subdistrict_code"].astype(str).tolist()], dtype=object)
        self._tree = shapely.STRtree(self._geoms)
        shapely.prepare(self._geoms)
        if len(self._geoms) == 0:
            self._x0 = self._y0 = 0.0
            self._dx = self._dy = 1.0
            self._owner = np.full((1, 1), _OUTSIDE, dtype=np.int32)
            return
        minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(self._geoms))
        lat0 = math.radians((miny + maxy) / 2.0)
        self._dx = cell_m / (_M_PER_DEG_LON_EQUATOR * math.cos(lat0))
        self._dy = cell_m / _M_PER_DEG_LAT
        self._x0, self._y0 = minx - self._dx, miny - self._dy
        nx = math.ceil((maxx - self._x0) / self._dx) + 2
        ny = math.ceil((maxy - self._y0) / self._dy) + 2
        self._owner = np.full((ny, nx), _OUTSIDE, dtype=np.int32)
        self._mark_boundaries()
        self._fill_interiors()

    # ------------------------------------------------------------------------------------------ raster build
    def _cell(self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
              ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        ix = np.floor((lon - self._x0) / self._dx)
        iy = np.floor((lat - self._y0) / self._dy)
        ny, nx = self._owner.shape
        ok = np.isfinite(ix) & np.isfinite(iy) & (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
        return np.where(ok, ix, -1).astype(np.intp), np.where(ok, iy, -1).astype(np.intp)

    def _mark_boundaries(self) -> None:
        """Mark every cell any grid edge touches: edges are cut to ≤ 1 cell per axis, so each piece lies in the 2×2
        block of its endpoints' cells (cell indices are monotonic in the coordinates)."""
        rings = shapely.get_rings(shapely.get_parts(self._geoms))
        pieces = shapely.segmentize(rings, 0.99 * min(self._dx, self._dy))
        xy, ring = shapely.get_coordinates(pieces, return_index=True)
        ix, iy = self._cell(xy[:, 0], xy[:, 1])
        same = ring[1:] == ring[:-1]
        a_x, a_y, b_x, b_y = ix[:-1][same], iy[:-1][same], ix[1:][same], iy[1:][same]
        for cx, cy in ((a_x, a_y), (b_x, b_y), (a_x, b_y), (b_x, a_y)):
            self._owner[cy, cx] = _BOUNDARY

    def _fill_interiors(self) -> None:
        """Give each boundary-free cell the grid that holds its centre (such a cell lies wholly in one grid or none)."""
        bounds = shapely.bounds(self._geoms)
        ix0, iy0 = self._cell(bounds[:, 0], bounds[:, 1])
        ix1, iy1 = self._cell(bounds[:, 2], bounds[:, 3])
        for g in range(len(self._geoms)):
            block = self._owner[iy0[g]:iy1[g] + 1, ix0[g]:ix1[g] + 1]
            free_y, free_x = np.nonzero(block == _OUTSIDE)
            if len(free_y) == 0:
                continue
            cx = self._x0 + (free_x + ix0[g] + 0.5) * self._dx
            cy = self._y0 + (free_y + iy0[g] + 0.5) * self._dy
            hit = shapely.contains_xy(self._geoms[g], cx, cy)
            block[free_y[hit], free_x[hit]] = g

    # ------------------------------------------------------------------------------------------ queries
    @property
    def boundary_cell_fraction(self) -> float:
        """Share of raster cells that need the exact test (diagnostic for benchmarks)."""
        return float(np.mean(self._owner == _BOUNDARY))

    def locate_index(self, lon_wgs84: npt.ArrayLike, lat_wgs84: npt.ArrayLike) -> npt.NDArray[np.intp]:
        """Row position in ``geography.grids`` of the grid holding each point, -1 when none does."""
        lon = np.asarray(lon_wgs84, dtype=np.float64).ravel()
        lat = np.asarray(lat_wgs84, dtype=np.float64).ravel()
        if lon.shape != lat.shape:
            raise ValueError("lon_wgs84 and lat_wgs84 must have the same length")
        ix, iy = self._cell(lon, lat)
        found = np.where(ix >= 0, self._owner[iy, ix], _OUTSIDE).astype(np.intp)
        exact = np.flatnonzero(found == _BOUNDARY)
        for start in range(0, len(exact), _EXACT_CHUNK):
            idx = exact[start:start + _EXACT_CHUNK]
            found[idx] = self._exact(lon[idx], lat[idx])
        return found

    def _exact(self, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
        out = np.full(len(lon), _OUTSIDE, dtype=np.intp)
        p_i, g_i = self._tree.query(shapely.points(lon, lat), predicate="intersects")
        if len(p_i):
            order = np.lexsort((g_i, p_i))
            p_i, g_i = p_i[order], g_i[order]
            first = np.r_[True, p_i[1:] != p_i[:-1]]
            out[p_i[first]] = g_i[first]
        return out

    def locate(self, lon_wgs84: npt.ArrayLike, lat_wgs84: npt.ArrayLike) -> LocatedPoints:
        """Codes for each point (vectorised; arrays of any length, scalars allowed)."""
        index = self.locate_index(lon_wgs84, lat_wgs84)
        take = index + 1
        return LocatedPoints(grid_code=self._grid_code[take], community_code=self._community_code[take],
                             subdistrict_code=self._subdistrict_code[take], inside=index >= 0, grid_index=index)

    def locate_one(self, lon_wgs84: float, lat_wgs84: float) -> PointCodes | None:
        """Codes of one point, or None when it lies outside every grid."""
        g = int(self.locate_index([lon_wgs84], [lat_wgs84])[0])
        if g < 0:
            return None
        return PointCodes(str(self._grid_code[g + 1]), str(self._community_code[g + 1]),
                          str(self._subdistrict_code[g + 1]))
