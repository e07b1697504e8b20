"""Camera view polygons and coverage (摄像头视域与覆盖): which cameras see a case point (核实/核查 by camera).

A camera's view is data: the wedge from its WGS-84 position along ``heading_deg`` (clockwise from true north), ±
``fov_deg``/2, out to ``range_m`` — built with geodesic forward steps, so it is right in metres whatever the map
projection — or an explicit polygon from the override file named in the video settings. A camera with no heading
(a dome) sees a full circle of its range. Containment and distances are computed in EPSG:4549 metres.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod

from console.errors import DataFileError
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.video.cameras import Camera
from console.video.config import VideoConfig

GEOD = Geod(ellps="WGS84")
ARC_STEPS = 24


@dataclass(frozen=True)
class CoverageHit:
    """A camera that sees the point: distance (m) and bearing (deg from north) from the camera to the point."""

    camera: Camera
    distance_m: float
    bearing_deg: float
    polygon_source: str  # "derived" or "file"


def view_polygon_lonlat_wgs84(camera: Camera, arc_steps: int = ARC_STEPS) -> shapely.Polygon:
    """The view wedge (or circle for a dome) of ``camera`` as a WGS-84 lon/lat polygon."""
    if camera.heading_deg is None or camera.fov_deg >= 360:
        az = np.linspace(0.0, 360.0, 2 * arc_steps + 1)[:-1]
        lon, lat, _ = GEOD.fwd(np.full(az.size, camera.lon_wgs84), np.full(az.size, camera.lat_wgs84), az,
                               np.full(az.size, camera.range_m))
        return shapely.Polygon(np.column_stack([lon, lat]))
    half = max(0.5, min(179.5, camera.fov_deg / 2))
    az = np.linspace(camera.heading_deg - half, camera.heading_deg + half, arc_steps + 1)
    lon, lat, _ = GEOD.fwd(np.full(az.size, camera.lon_wgs84), np.full(az.size, camera.lat_wgs84), az,
                           np.full(az.size, camera.range_m))
    ring = [(camera.lon_wgs84, camera.lat_wgs84), *zip(lon.tolist(), lat.tolist(), strict=True)]
    return shapely.Polygon(ring)


def load_polygon_overrides(path: Path) -> dict[str, shapely.Polygon]:
    """Explicit view polygons: a GeoJSON FeatureCollection (WGS-84) with ``properties.camera_id`` per Feature."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        out: dict[str, shapely.Polygon] = {}
        for feat in data["features"]:
            cid = str(feat["properties"]["camera_id"])
            geom = shapely.geometry.shape(feat["geometry"])
            if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
                raise ValueError(f"{cid}: geometry must be a Polygon, not {geom.geom_type}")
            if not geom.is_valid:
                geom = shapely.make_valid(geom)
            out[cid] = geom
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise DataFileError(f"视域多边形文件 {path} 有误：{exc}", f"camera view polygon file {path} is invalid: {exc}") from exc


def _to_xy(poly: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(poly, lambda c: np.column_stack(lonlat_wgs84_to_xy_m(c[:, 0], c[:, 1])))


class CoverageIndex:
    """View polygons of a set of cameras, indexed for "who sees this point" queries."""

    def __init__(self, cameras: Iterable[Camera], config: VideoConfig | None = None,
                 overrides: Mapping[str, shapely.Geometry] | None = None) -> None:
        if overrides is None:
            overrides = (load_polygon_overrides(config.polygons_file)
                         if config is not None and config.polygons_file is not None else {})
        self.cameras = list(cameras)
        self.sources = ["file" if c.id in overrides else "derived" for c in self.cameras]
        self.polygons_lonlat = [overrides.get(c.id) or view_polygon_lonlat_wgs84(c) for c in self.cameras]
        self.polygons_xy = [_to_xy(p) for p in self.polygons_lonlat]
        self._tree = shapely.STRtree(self.polygons_xy)

    def polygon_of(self, camera_id: str) -> shapely.Geometry | None:
        for c, p in zip(self.cameras, self.polygons_lonlat, strict=True):
            if c.id == camera_id:
                return p
        return None

    def covering(self, lon_wgs84: float, lat_wgs84: float, *, online_only: bool = False) -> list[CoverageHit]:
        """Cameras whose view contains the point, nearest first."""
        x, y = lonlat_wgs84_to_xy_m([lon_wgs84], [lat_wgs84])
        pt = shapely.Point(float(x[0]), float(y[0]))
        hits: list[CoverageHit] = []
        for i in self._tree.query(pt, predicate="intersects"):
            cam = self.cameras[int(i)]
            if online_only and not cam.online:
                continue
            az, _back, dist = GEOD.inv(cam.lon_wgs84, cam.lat_wgs84, lon_wgs84, lat_wgs84)
            hits.append(CoverageHit(cam, float(dist), float(az) % 360.0, self.sources[int(i)]))
        return sorted(hits, key=lambda h: (h.distance_m, h.camera.id))
