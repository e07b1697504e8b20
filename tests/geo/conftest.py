"""Fixtures for the geo tests: one demo geography and locator per session (built once, ≈ 1 s)."""

from __future__ import annotations

import pytest

from console.geo.geodata import Geography, load_demo_geography
from console.geo.locator import PointLocator


@pytest.fixture(scope="session")
def demo_geo() -> Geography:
    return load_demo_geography()


@pytest.fixture(scope="session")
def demo_locator(demo_geo: Geography) -> PointLocator:
    return PointLocator(demo_geo)
