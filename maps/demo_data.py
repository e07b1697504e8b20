"""Random but plausible point layers inside the district, for the screenshot demo, the benchmark and tests.

Cases cluster around hotspots (markets, stations, construction) over a uniform background; most cases are historic
(closed), a realistic share is open and some open ones are overdue. Not domain data: presentation fixtures only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely

from console.domain.enums import CaseStatus
from console.geo.projection import xy_m_to_lonlat_wgs84
from maps.symbology import CASE_CATEGORIES, OFFICER_STATUSES


@dataclass
class PointSet:
    ids: npt.NDArray[np.object_]
    lon_wgs84: npt.NDArray[np.float64]
    lat_wgs84: npt.NDArray[np.float64]
    style: dict[str, npt.NDArray[np.generic]] = field(default_factory=dict)
    labels: list[str] | None = None


def _sample(area_m: shapely.Geometry, n: int, draw: Callable[[int], tuple[np.ndarray, np.ndarray]]) -> tuple[
    np.ndarray, np.ndarray
]:
    """Rejection-sample n points inside area_m from a proposal ``draw(k)``."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    got = 0
    while got < n:
        x, y = draw(int((n - got) * 1.8) + 16)
        inside = shapely.contains_xy(area_m, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        got += int(inside.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def random_xy_in(area_m: shapely.Geometry, n: int, rng: np.random.Generator, hotspots: int = 0,
                 hotspot_share: float = 0.0, hotspot_sigma_m: float = 250.0) -> tuple[np.ndarray, np.ndarray]:
    """n points inside a projected polygon: a share around random hotspots, the rest uniform."""
    minx, miny, maxx, maxy = shapely.bounds(area_m)
    shapely.prepare(area_m)
    uniform = lambda k: (rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k))  # noqa: E731
    n_hot = int(n * hotspot_share) if hotspots else 0
    if n_hot == 0:
        return _sample(area_m, n, uniform)
    cx, cy = _sample(area_m, hotspots, uniform)

    def around(k: int) -> tuple[np.ndarray, np.ndarray]:
        pick = rng.integers(0, hotspots, k)
        return cx[pick] + rng.normal(0, hotspot_sigma_m, k), cy[pick] + rng.normal(0, hotspot_sigma_m, k)

    hx, hy = _sample(area_m, n_hot, around)
    ux, uy = _sample(area_m, n - n_hot, uniform)
    order = rng.permutation(n)
    return np.concatenate([hx, ux])[order], np.concatenate([hy, uy])[order]


def _lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = xy_m_to_lonlat_wgs84(x, y)
    return np.asarray(lon), np.asarray(lat)


def demo_cases(area_m: shapely.Geometry, n: int, rng: np.random.Generator) -> PointSet:
    x, y = random_xy_in(area_m, n, rng, hotspots=60, hotspot_share=0.55, hotspot_sigma_m=220.0)
    lon, lat = _lonlat(x, y)
    statuses = [s.value for s in CaseStatus]
    weights = np.asarray([3, 2, 1, 2, 4, 5, 2, 1, 0.5, 72, 5, 1.5], dtype=float)
    status = rng.choice(np.asarray(statuses, dtype=object), n, p=weights / weights.sum())
    cat_w = np.asarray([30, 6, 12, 10, 18, 14, 6, 4], dtype=float)
    category = rng.choice(np.asarray(CASE_CATEGORIES, dtype=object), n, p=cat_w / cat_w.sum())
    priority = rng.choice(np.asarray(["urgent", "A", "B", "C"], dtype=object), n, p=[0.03, 0.17, 0.5, 0.3])
    is_open = np.isin(status, [s.value for s in CaseStatus if s.is_open])
    overdue = is_open & (rng.random(n) < 0.12)
    ids = np.asarray([f"C{i:06d}" for i in range(n)], dtype=object)
    return PointSet(ids, lon, lat, {"status": status, "category_icon": category, "priority": priority,
                                    "overdue": overdue})


def demo_officers(area_m: shapely.Geometry, n: int, rng: np.random.Generator) -> PointSet:
    x, y = random_xy_in(area_m, n, rng, hotspots=30, hotspot_share=0.4, hotspot_sigma_m=400.0)
    lon, lat = _lonlat(x, y)
    status = rng.choice(np.asarray(OFFICER_STATUSES, dtype=object), n, p=[0.35, 0.15, 0.2, 0.1, 0.1, 0.1])
    heading = np.where(rng.random(n) < 0.75, rng.uniform(0, 360, n), np.nan)
    fix_age = rng.exponential(30.0, n)
    stale = rng.random(n) < 0.08
    fix_age[stale] = rng.uniform(150.0, 900.0, int(stale.sum()))
    ids = np.asarray([f"O{i:05d}" for i in range(n)], dtype=object)
    return PointSet(ids, lon, lat, {"status": status, "heading_deg": heading, "fix_age_s": fix_age})


def demo_cameras(area_m: shapely.Geometry, n: int, rng: np.random.Generator, n_ai: int = 20) -> PointSet:
    x, y = random_xy_in(area_m, n, rng)
    lon, lat = _lonlat(x, y)
    kind = np.asarray(["ai" if i < n_ai else "normal" for i in range(n)], dtype=object)
    heading = np.where(rng.random(n) < 0.8, rng.uniform(0, 360, n), np.nan)
    fov = rng.choice([40.0, 60.0, 90.0, 120.0], n)
    online = rng.random(n) > 0.06
    ids = np.asarray([f"CAM{i:04d}" for i in range(n)], dtype=object)
    return PointSet(ids, lon, lat, {"kind": kind, "heading_deg": heading, "fov_deg": fov, "online": online})


def demo_workrooms(area_m: shapely.Geometry, n: int, rng: np.random.Generator) -> PointSet:
    x, y = random_xy_in(area_m, n, rng)
    lon, lat = _lonlat(x, y)
    ids = np.asarray([f"W{i:03d}" for i in range(n)], dtype=object)
    return PointSet(ids, lon, lat, {})


def demo_sensors(area_m: shapely.Geometry, n: int, rng: np.random.Generator) -> PointSet:
    x, y = random_xy_in(area_m, n, rng, hotspots=8, hotspot_share=0.7, hotspot_sigma_m=300.0)
    lon, lat = _lonlat(x, y)
    kind = rng.choice(np.asarray(["trash_bin_fill", "noise", "dust", "manhole", "smoke"], dtype=object), n)
    alarm = rng.random(n) < 0.05
    ids = np.asarray([f"S{i:04d}" for i in range(n)], dtype=object)
    return PointSet(ids, lon, lat, {"kind": kind, "alarm": alarm})
