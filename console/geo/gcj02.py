"""WGS-84 ⇄ GCJ-02 ("Mars coordinates") conversion, vectorised over numpy arrays.

Chinese web basemaps (AMap, Tencent) and AMap's DataV boundary exports store GCJ-02: WGS-84 shifted by a published,
deliberately irregular offset of a few hundred metres. We store WGS-84, so GCJ-02 data is converted on the way in and
WGS-84 only at the boundary with a GCJ-02 tile source.

Forward (WGS-84 → GCJ-02) is the widely reimplemented public formula (Krasovsky 1940 ellipsoid, a = 6378245 m,
e² = 0.00669342162296594323). It has no closed-form inverse, so ``gcj02_to_wgs84`` solves ``forward(w) = g`` by the
fixed-point iteration ``w ← w − (forward(w) − g)`` starting at ``w = g``; the offset's gradient is small (< 1e-2), so the
error shrinks ~100× per step and converges in 2–4 steps to < 1e-7° (≈ 1 cm). Outside mainland China's rough bounding box
(the usual ``out_of_china`` rule) no offset applies and the input is returned unchanged.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

_A_M = 6378245.0  # Krasovsky 1940 semi-major axis
_EE = 0.00669342162296594323  # Krasovsky 1940 first eccentricity squared
INVERSE_TOLERANCE_DEG = 1e-7
_MAX_ITERATIONS = 30


def out_of_china(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True where no GCJ-02 offset applies (outside lon 72.004–137.8347, lat 0.8293–55.8271)."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    return np.asarray((lon_a < 72.004) | (lon_a > 137.8347) | (lat_a < 0.8293) | (lat_a > 55.8271))


def _transform_lat(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _offset_deg(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 minus WGS-84 at a WGS-84 point, in degrees (zero outside China)."""
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A_M * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A_M / sqrt_magic * np.cos(rad_lat) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, d_lon), np.where(outside, 0.0, d_lat)


@overload
def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]: ...
def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray] | tuple[float, float]:
    """WGS-84 lon/lat degrees → GCJ-02 lon/lat degrees (scalars give floats, arrays give arrays)."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    d_lon, d_lat = _offset_deg(lon_a, lat_a)
    return _out(lon_a + d_lon, lat_a + d_lat, scalar=lon_a.ndim == 0 and lat_a.ndim == 0)


@overload
def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def gcj02_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]: ...
def gcj02_to_wgs84(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray] | tuple[float, float]:
    """GCJ-02 lon/lat degrees → WGS-84 lon/lat degrees by fixed-point iteration to < 1e-7° (≈ 1 cm)."""
    g_lon, g_lat = np.broadcast_arrays(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    scalar = g_lon.ndim == 0
    w_lon = g_lon.astype(np.float64, copy=True)
    w_lat = g_lat.astype(np.float64, copy=True)
    for _ in range(_MAX_ITERATIONS):
        d_lon, d_lat = _offset_deg(w_lon, w_lat)
        err_lon = w_lon + d_lon - g_lon
        err_lat = w_lat + d_lat - g_lat
        w_lon = w_lon - err_lon
        w_lat = w_lat - err_lat
        if g_lon.size == 0 or max(float(np.max(np.abs(err_lon))), float(np.max(np.abs(err_lat)))) < INVERSE_TOLERANCE_DEG:
            break
    return _out(w_lon, w_lat, scalar=scalar)


def _out(lon: FloatArray, lat: FloatArray, *, scalar: bool) -> tuple[FloatArray, FloatArray] | tuple[float, float]:
    if scalar:
        return float(lon), float(lat)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def coords_gcj02_to_wgs84(xy: FloatArray) -> FloatArray:
    """(N, 2) lon/lat GCJ-02 coordinate array → WGS-84; fits ``shapely.transform``."""
    lon, lat = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def coords_wgs84_to_gcj02(xy: FloatArray) -> FloatArray:
    """(N, 2) lon/lat WGS-84 coordinate array → GCJ-02; fits ``shapely.transform``."""
    lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])
