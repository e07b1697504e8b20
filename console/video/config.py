"""Camera video settings held as data (``resources/video/cameras.yaml``) and stream URL resolution.

A camera's stream is data: the asset's ``stream_url`` attribute, else a per-camera override in the file, else the
template filled with the camera system's base URL. ``classify_stream`` tells the player which reader a URL needs.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from console.errors import DataFileError
from console.resources import resource_path

ENV_CONFIG = "URBANOPS_VIDEO_CONFIG"


class StreamKind(StrEnum):
    """How a stream is read: our own MJPEG reader, or FFmpeg (PyAV) for files, RTSP and HLS."""

    MJPEG_HTTP = "mjpeg_http"
    HLS = "hls"
    RTSP = "rtsp"
    FILE = "file"
    HTTP_VIDEO = "http_video"


@dataclass(frozen=True)
class Backoff:
    """Reconnect waits: first_s, then × factor, capped at max_s; ``stall_s`` without a frame counts as a failure.

    ``open_s`` bounds opening an FFmpeg source (RTSP, HLS, files): connecting, the RTSP handshake or the playlist,
    and probing up to the first decodable picture, which for an H.264 camera can take a whole GOP (often 2–4 s).
    """

    first_s: float = 0.5
    factor: float = 2.0
    max_s: float = 8.0
    stall_s: float = 4.0
    open_s: float = 10.0

    def delay(self, failures: int) -> float:
        """Wait before the attempt that follows ``failures`` consecutive failures (≥ 1)."""
        return float(min(self.max_s, self.first_s * self.factor ** max(0, failures - 1)))


@dataclass(frozen=True)
class VideoConfig:
    stream_url_template: str = "{server}/cameras/{camera_id}/stream.mjpeg"
    snapshot_url_template: str = "{server}/api/{camera_id}/recordings/{ts}/snapshot.jpg"
    latest_url_template: str = "{server}/api/{camera_id}/latest.jpg"
    recording_clip_url_template: str = "{server}/api/{camera_id}/start/{start}/end/{end}/clip.mp4"
    streams: Mapping[str, str] = field(default_factory=dict)
    range_m: Mapping[str, float] = field(default_factory=lambda: {"default": 50.0})
    fov_deg_default: float = 60.0
    polygons_file: Path | None = None
    reconnect: Backoff = field(default_factory=Backoff)
    wall_tile_max_fps: float = 12.0

    def range_for(self, camera: Mapping[str, Any]) -> float:
        """The camera's view range (m): its own ``range_m``, else the default for its kind."""
        own = camera.get("range_m")
        if own is not None:
            return float(own)
        kind = str(camera.get("camera_kind") or "default")
        return float(self.range_m.get(kind, self.range_m.get("default", 50.0)))

    def snapshot_url(self, server: str, camera_id: str, ts: float) -> str:
        """The frame of ``camera_id`` at epoch ``ts`` (the one nearest that instant the recorder has)."""
        return self.snapshot_url_template.format(server=server.rstrip("/"), camera_id=camera_id, ts=f"{ts:.3f}")

    def latest_url(self, server: str, camera_id: str) -> str:
        return self.latest_url_template.format(server=server.rstrip("/"), camera_id=camera_id)

    def recording_clip_url(self, server: str, camera_id: str, start_ts: float, end_ts: float) -> str:
        return self.recording_clip_url_template.format(server=server.rstrip("/"), camera_id=camera_id,
                                                       start=f"{start_ts:.3f}", end=f"{end_ts:.3f}")

    def fov_for(self, camera: Mapping[str, Any]) -> float:
        own = camera.get("fov_deg")
        return float(own) if own is not None else self.fov_deg_default


def load_video_config(path: Path | None = None) -> VideoConfig:
    """Read the settings file (``$URBANOPS_VIDEO_CONFIG`` or the bundled one); a bad file is a DataFileError."""
    if path is None:
        env = os.environ.get(ENV_CONFIG)
        path = Path(env) if env else resource_path("video", "cameras.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取视频配置 {path}：{exc}", f"cannot read video config {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataFileError(f"视频配置 {path} 应为映射", f"video config {path} must be a mapping")
    try:
        poly = raw.get("polygons_file")
        poly_path = None if not poly else (Path(poly) if Path(poly).is_absolute() else path.parent / poly)
        rc = raw.get("reconnect") or {}
        return VideoConfig(
            stream_url_template=str(raw.get("stream_url_template") or VideoConfig.stream_url_template),
            snapshot_url_template=str(raw.get("snapshot_url_template") or VideoConfig.snapshot_url_template),
            latest_url_template=str(raw.get("latest_url_template") or VideoConfig.latest_url_template),
            recording_clip_url_template=str(raw.get("recording_clip_url_template")
                                            or VideoConfig.recording_clip_url_template),
            streams={str(k): str(v) for k, v in (raw.get("streams") or {}).items()},
            range_m={str(k): float(v) for k, v in (raw.get("range_m") or {"default": 50}).items()},
            fov_deg_default=float(raw.get("fov_deg_default", 60.0)),
            polygons_file=poly_path,
            wall_tile_max_fps=_rate(raw.get("wall_tile_max_fps", 12.0), "wall_tile_max_fps"),
            reconnect=Backoff(**{k: float(v) for k, v in rc.items() if k in ("first_s", "factor", "max_s", "stall_s", "open_s")}),
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise DataFileError(f"视频配置 {path} 有误：{exc}", f"video config {path} is invalid: {exc}") from exc


def _rate(value: Any, name: str) -> float:
    """A frames-per-second setting: finite and ≥ 0 (0 = no cap); anything else is a ValueError naming the key."""
    fps = float(value)
    if not (math.isfinite(fps) and fps >= 0):
        raise ValueError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return fps


def stream_url(camera: Mapping[str, Any], config: VideoConfig, server_base: str | None) -> str | None:
    """The URL to open for ``camera`` (an asset dict with ``id``), or None when nothing is configured."""
    own = camera.get("stream_url")
    if own:
        return str(own)
    cid = str(camera.get("id") or "")
    if cid in config.streams:
        return config.streams[cid]
    if server_base:
        return config.stream_url_template.format(server=server_base.rstrip("/"), camera_id=cid)
    return None


def classify_stream(url: str) -> StreamKind:
    """Which reader ``url`` needs; a bare path counts as a file."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    path = parsed.path.lower()
    if scheme in ("rtsp", "rtsps", "rtmp"):
        return StreamKind.RTSP
    if scheme in ("http", "https"):
        if path.endswith(".m3u8"):
            return StreamKind.HLS
        if path.endswith((".mjpeg", ".mjpg")) or "mjpeg" in parsed.query.lower() or path.endswith("/video"):
            return StreamKind.MJPEG_HTTP
        return StreamKind.HTTP_VIDEO
    return StreamKind.FILE


def local_path(url: str) -> Path:
    """The file behind a ``file://`` URL or a plain path."""
    parsed = urlparse(url)
    return Path(parsed.path) if parsed.scheme == "file" else Path(url)
