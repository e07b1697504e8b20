"""Map tests run offscreen with the bundled CJK font loaded, on small synthetic geographies near lon 121.40, lat 31.21."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box


@pytest.fixture(scope="session", autouse=True)
def _bundled_font(qapp: object) -> str:
    from maps.text import load_bundled_font

    family = load_bundled_font()
    assert family is not None, "resources/fonts/wqy-microhei.ttc must load"
    return family


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    """Four 0.01° squares in a row (≈ 950 m × 1110 m each) with Chinese names."""
    names = ["华阳路街道", "江苏路街道", "新华路街道", "天山路街道"]
    geoms = [box(121.40 + 0.01 * i, 31.20, 121.41 + 0.01 * i, 31.21) for i in range(4)]
    return gpd.GeoDataFrame({"code": [f"S{i}" for i in range(4)], "name": names}, geometry=geoms, crs=4326)


@pytest.fixture
def canvas(qtbot: object):  # type: ignore[no-untyped-def]
    from maps.canvas import MapCanvas

    c = MapCanvas()
    qtbot.addWidget(c)  # type: ignore[attr-defined]
    c.resize(800, 600)
    c.show()
    qtbot.waitExposed(c)  # type: ignore[attr-defined]
    return c


def _rng_points(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(121.40, 121.44, n)
    lat = rng.uniform(31.20, 31.21, n)
    ids = np.asarray([f"P{i}" for i in range(n)], dtype=object)
    return ids, lon, lat


@pytest.fixture
def rng_points():  # type: ignore[no-untyped-def]
    """Factory: n random points (ids "P0"…) over the squares' area."""
    return _rng_points
