"""Camera assets (摄像头台账) as the video features see them: id, name, position, view and stream URL.

Cameras live in the existing ``assets`` table (kind ``camera``), projected from the event log like every reference
entity; this module only reads them (from the database or from a World's ``assets`` dict) and attaches the stream URL
the settings give.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from console.storage import projection
from console.storage.db import Database
from console.storage.models import AssetRow
from console.video.config import VideoConfig, stream_url


@dataclass(frozen=True)
class Camera:
    """One camera: WGS-84 position, heading (deg clockwise from north), field of view and range (m), stream URL."""

    id: str
    name: str
    lon_wgs84: float
    lat_wgs84: float
    heading_deg: float | None
    fov_deg: float
    range_m: float
    kind: str
    online: bool
    stream_url: str | None


def camera_from_asset(asset: Mapping[str, Any], config: VideoConfig, server_base: str | None = None) -> Camera | None:
    """A :class:`Camera` from an asset dict (projection state); None when it has no position."""
    if asset.get("lon") is None or asset.get("lat") is None:
        return None
    heading = asset.get("heading_deg")
    return Camera(
        id=str(asset["id"]), name=str(asset.get("name") or asset["id"]),
        lon_wgs84=float(asset["lon"]), lat_wgs84=float(asset["lat"]),
        heading_deg=None if heading is None else float(heading), fov_deg=config.fov_for(asset),
        range_m=config.range_for(asset), kind=str(asset.get("camera_kind") or "normal"),
        online=asset.get("status") != "offline", stream_url=stream_url(asset, config, server_base),
    )


def cameras_from_assets(assets: Iterable[Mapping[str, Any]], config: VideoConfig,
                        server_base: str | None = None) -> list[Camera]:
    out = [camera_from_asset(a, config, server_base) for a in assets]
    return sorted((c for c in out if c is not None), key=lambda c: c.id)


def load_cameras(db: Database, config: VideoConfig, server_base: str | None = None) -> list[Camera]:
    """Every camera asset in the database."""
    spec = projection.SPECS["camera"]
    table = AssetRow.__table__
    with db.read_session() as s:
        rows = [projection.row_to_state(spec, r) for r in s.execute(select(table).where(table.c.kind == "camera"))]
    return cameras_from_assets(rows, config, server_base)
