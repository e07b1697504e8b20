"""``urbanops cameras serve | list | clip | snapshot``: the loopback synthetic camera server and camera video data.

``serve`` runs the synthetic camera system (live MJPEG + Frigate-shaped snapshot/clip endpoints) headless;
``list`` prints each camera with its view and stream URL; ``clip``/``snapshot`` write generated media to files.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table
from console.errors import ValidationError


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def register(sub: Any) -> None:
    cams = sub.add_parser("cameras", help="camera video: synthetic camera server, stream URLs, clips, snapshots")
    actions = cams.add_subparsers(dest="cameras_command", metavar="ACTION")

    p = actions.add_parser("serve", help="run the loopback synthetic camera server (MJPEG + Frigate-shaped API)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="TCP port (0 = any free port)")
    p.add_argument("--fps", type=float, default=10.0)
    p.add_argument("--size", default="640x360", metavar="WxH")
    p.add_argument("--db", metavar="URL", help="take camera names from this database (optional)")
    p.add_argument("--cycle", type=float, metavar="S",
                   help="live streams repeat a cached S-second cycle (cheap serving for benches)")
    p.set_defaults(handler=serve)

    p = actions.add_parser("list", help="cameras with position, view and stream URL")
    _add_db(p)
    p.add_argument("--server", metavar="URL", help="camera system base URL for the stream template")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=list_cameras)

    p = actions.add_parser("coverage", help="cameras whose view covers a point (核实/核查 by camera), nearest first")
    _add_db(p)
    p.add_argument("--lon", type=float, required=True, help="WGS-84 longitude")
    p.add_argument("--lat", type=float, required=True, help="WGS-84 latitude")
    p.add_argument("--online-only", action="store_true")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=coverage)

    p = actions.add_parser("clip", help="write a generated MP4 clip of a camera")
    p.add_argument("camera")
    p.add_argument("--start", help="ISO time (default: now)")
    p.add_argument("--seconds", type=float, default=6.0)
    p.add_argument("--fps", type=float, default=10.0)
    p.add_argument("--size", default="640x360", metavar="WxH")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=clip)

    p = actions.add_parser("snapshot", help="write a generated snapshot (JPEG or PNG by suffix) of a camera")
    p.add_argument("camera")
    p.add_argument("--at", help="ISO time (default: now)")
    p.add_argument("--size", default="640x360", metavar="WxH")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(handler=snapshot)


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValidationError(f"尺寸格式应为 宽x高：{text}", f"size must be WxH: {text}") from None
    if not (64 <= w <= 3840 and 48 <= h <= 2160):
        raise ValidationError(f"尺寸超出范围：{text}", f"size out of range: {text}")
    return w, h


def parse_time(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"时间格式无效：{text}", f"invalid ISO time: {text}") from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def serve(args: argparse.Namespace) -> int:
    from console.video.camera_server import CameraServer

    names: list[tuple[str, str]] = []
    if args.db:
        from console.storage.db import open_database
        from console.video.cameras import load_cameras
        from console.video.config import load_video_config

        names = [(c.id, c.name) for c in load_cameras(open_database(args.db), load_video_config())]
    if not 0 < args.fps <= 60:
        raise ValidationError("帧率须在 0–60 之间", "--fps must be within 0–60")
    if args.cycle is not None and not 0 < args.cycle <= 60:
        raise ValidationError("循环时长须在 0–60 秒之间", "--cycle must be within 0–60 s")
    server = CameraServer(args.host, args.port, fps=args.fps, size=parse_size(args.size), cameras=names,
                          cycle_s=args.cycle)
    try:
        server.start()
    except OSError as exc:
        raise ValidationError(f"无法监听 {args.host}:{args.port}：{exc}", f"cannot listen on {args.host}:{args.port}: {exc}") from exc
    print(f"synthetic cameras on {server.base_url} ({len(names)} named; any id works): "
          f"{server.base_url}/cameras/<id>/stream.mjpeg — Ctrl-C stops", file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def list_cameras(args: argparse.Namespace) -> int:
    from console.storage.db import open_database
    from console.video.cameras import load_cameras
    from console.video.config import load_video_config

    cams = load_cameras(open_database(args.db), load_video_config(), args.server)
    if args.format == "json":
        print_json([asdict(c) for c in cams])
    else:
        print_table([(c.id, c.name, c.kind, f"{c.lon_wgs84:.5f},{c.lat_wgs84:.5f}",
                      "" if c.heading_deg is None else f"{c.heading_deg:.0f}", f"{c.fov_deg:.0f}", f"{c.range_m:.0f}",
                      c.stream_url or "") for c in cams],
                    ["id", "name", "kind", "lon,lat", "heading", "fov", "range_m", "stream"])
    return 0


def coverage(args: argparse.Namespace) -> int:
    from console.storage.db import open_database
    from console.video.cameras import load_cameras
    from console.video.config import load_video_config
    from console.video.coverage import CoverageIndex

    if not (-180 <= args.lon <= 180 and -90 <= args.lat <= 90):
        raise ValidationError("经纬度超出范围", "longitude/latitude out of range")
    config = load_video_config()
    hits = CoverageIndex(load_cameras(open_database(args.db), config), config).covering(
        args.lon, args.lat, online_only=args.online_only)
    if args.format == "json":
        print_json([{"camera_id": h.camera.id, "name": h.camera.name, "distance_m": round(h.distance_m, 1),
                     "bearing_deg": round(h.bearing_deg, 1), "online": h.camera.online,
                     "polygon": h.polygon_source} for h in hits])
    else:
        print_table([(h.camera.id, h.camera.name, f"{h.distance_m:.1f}", f"{h.bearing_deg:.0f}",
                      "online" if h.camera.online else "offline", h.polygon_source) for h in hits],
                    ["camera", "name", "distance_m", "bearing_deg", "status", "polygon"])
    return 0


def clip(args: argparse.Namespace) -> int:
    from console.video.clips import write_clip
    from console.video.synth import SceneRenderer

    out = write_clip(args.out, SceneRenderer(args.camera, size=parse_size(args.size)), parse_time(args.start),
                     args.seconds, args.fps)
    print(out)
    return 0


def snapshot(args: argparse.Namespace) -> int:
    from console.video.synth import SceneRenderer

    r = SceneRenderer(args.camera, size=parse_size(args.size))
    when = parse_time(args.at)
    data = r.png(when) if args.out.suffix.lower() == ".png" else r.jpeg(when)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(args.out)
    return 0
