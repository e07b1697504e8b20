"""The geography in force for a database: loaded from ``geo_features``, or the demo partition stored on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from console.geo.geodata import Geography, GeoRecord, load_demo_geography
from console.geo.locator import PointLocator
from console.storage.db import Database
from console.storage.geo_repo import load_records, replace_records


@dataclass
class Location:
    """Where a point falls: codes and names of its unit grid, community and subdistrict."""

    inside: bool
    grid_code: str | None
    community_code: str | None
    community_name: str | None
    subdistrict_code: str | None
    subdistrict_name: str | None


@dataclass
class GeoContext:
    """Geography plus a vectorised locator and code → name lookups."""

    geography: Geography
    names: dict[str, str] = field(init=False)

    @cached_property
    def locator(self) -> PointLocator:
        """Built on first use (≈0.3 s): displaying the map does not need it, placing a point does."""
        return PointLocator(self.geography)

    def __post_init__(self) -> None:
        self.names = {}
        for frame in (self.geography.subdistricts, self.geography.communities):
            self.names.update(dict(zip(frame["code"].astype(str), frame["name"].astype(str), strict=True)))

    def locate_one(self, lon_wgs84: float, lat_wgs84: float) -> Location:
        located = self.locator.locate(np.array([lon_wgs84]), np.array([lat_wgs84]))
        if not bool(located.inside[0]):
            return Location(False, None, None, None, None, None)
        grid = _code(located.grid_code[0])
        community = _code(located.community_code[0])
        subdistrict = _code(located.subdistrict_code[0])
        return Location(True, grid, community, self.names.get(community or ""), subdistrict,
                        self.names.get(subdistrict or ""))


def _code(value: Any) -> str | None:
    text = "" if value is None else str(value)
    return text or None


def load_geo_context(db: Database) -> GeoContext:
    """The database's geography; on a database without one, the demo partition is stored first."""
    records = load_records(db)
    if not records:
        geography = load_demo_geography()
        replace_records(db, geography.to_records())
        return GeoContext(geography)
    return GeoContext(Geography.from_records(records))


def records_of(geography: Geography) -> list[GeoRecord]:
    return list(geography.to_records())
