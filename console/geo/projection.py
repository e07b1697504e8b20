"""Projections between WGS-84 longitude/latitude and metres.

Distances, areas and grids are computed in CGCS2000 / 3-degree Gauss-Kruger CM 120°E (EPSG:4549), whose x/y are
metres (x = easting, false easting 500 km, y = northing). Note: the domain brief names EPSG:4547, but that code is CM 114°E; CM 120°E is EPSG:4549. CGCS2000 equals WGS-84 at map scale, so WGS-84 lon/lat go
straight in. All functions are vectorised over numpy arrays.
"""

from __future__ import annotations

import threading

import numpy as np
import numpy.typing as npt
from pyproj import CRS, Transformer

WGS84 = CRS.from_epsg(4326)
METRIC_CRS = CRS.from_epsg(4549)  # CGCS2000 / 3-degree Gauss-Kruger CM 120E, metres
METRIC_EPSG = 4549

FloatArray = npt.NDArray[np.float64]


_local = threading.local()


def _forward() -> Transformer:
    """One transformer per thread: pyproj transformers must not be shared between threads."""
    t: Transformer | None = getattr(_local, "forward", None)
    if t is None:
        t = _local.forward = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
    return t


def _inverse() -> Transformer:
    t: Transformer | None = getattr(_local, "inverse", None)
    if t is None:
        t = _local.inverse = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)
    return t


def lonlat_wgs84_to_xy_m(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """WGS-84 degrees → projected metres (EPSG:4549)."""
    x, y = _forward().transform(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def xy_m_to_lonlat_wgs84(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Projected metres (EPSG:4549) → WGS-84 degrees."""
    lon, lat = _inverse().transform(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
