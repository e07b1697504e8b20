"""Evidence fixtures: a migrated database with Linkong AI cameras, a loopback registry API and camera API."""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database

MONDAY_1000_LOCAL = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 Asia/Shanghai
# Three Linkong AI cameras inside Changning, a few hundred metres apart, west to east.
CAMERAS = {"CAM-LK01": (121.3600, 31.2150), "CAM-LK02": (121.3700, 31.2150), "CAM-LK03": (121.3800, 31.2150)}
# A corridor along the three cameras' latitude from LK01 to LK02 only (LK03 lies 1 km beyond its end).
CORRIDOR = {"type": "LineString", "coordinates": [[121.3550, 31.2150], [121.3710, 31.2150]]}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) * 4 + b"\xff\xd9"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(range(256)) * 16


def permit(plate: str = "沪A12345", **over: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"plate": plate, "company": "上海临空渣土运输有限公司", "permit_type": "准运",
                           "permit_no": f"ZY-2026-{plate[-4:]}", "valid_from": "2026-01-01", "valid_to": "2026-12-31",
                           "allowed_hours": ["00:00-24:00"], "corridor": [CORRIDOR], "corridor_buffer_m": 150}
    rec.update(over)
    return rec


def seed_cameras(ctx: ServiceContext) -> None:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        admin = Actor(Role.ADMIN, "t")
        for cid, (lon, lat) in CAMERAS.items():
            w.upsert_entity("camera", cid, {"name": cid, "lon": lon, "lat": lat, "status": "online",
                                            "camera_kind": "ai", "area": "linkong"}, admin)
        w.flush()


@functools.cache
def demo_geo() -> Any:
    """One demo geography for the whole session (loading it costs about a second)."""
    from console.geo.geodata import load_demo_geography
    from console.services.geo_context import GeoContext

    return GeoContext(load_demo_geography())


@pytest.fixture
def ev_ctx(migrated_db: Database) -> ServiceContext:
    ctx = ServiceContext(migrated_db, clock=ManualClock(MONDAY_1000_LOCAL), _geo=demo_geo())
    seed_cameras(ctx)
    return ctx


@pytest.fixture
def sqlite_ctx(sqlite_url: str) -> Iterator[ServiceContext]:
    from console.storage.db import make_engine
    from console.storage.migrations_api import upgrade

    db = Database(make_engine(sqlite_url))
    upgrade(db)
    ctx = ServiceContext(db, clock=ManualClock(MONDAY_1000_LOCAL), _geo=demo_geo())
    seed_cameras(ctx)
    yield ctx
    db.dispose()


@pytest.fixture
def store_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "evidence"
    monkeypatch.setenv("URBANOPS_EVIDENCE_DIR", str(root))
    return root


def frigate(kind: str, event_id: str, camera: str, *, plate: str | None = "沪A12345", label: str = "muck_truck",
            start: datetime = MONDAY_1000_LOCAL, sub_label: str | None = None, attributes: Any = None,
            has_clip: bool | None = None, score: float = 0.9) -> bytes:
    after = {"id": event_id, "camera": camera, "label": label, "sub_label": sub_label, "score": score,
             "top_score": score, "start_time": start.timestamp(), "end_time": None if kind != "end" else start.timestamp() + 8,
             "current_zones": [], "entered_zones": [], "has_clip": kind == "end" if has_clip is None else has_clip,
             "has_snapshot": True, "recognized_license_plate": plate,
             "recognized_license_plate_score": 0.93 if plate else None}
    if attributes is not None:
        after["attributes"] = attributes
    return json.dumps({"type": kind, "before": after, "after": after}).encode()


# ---------------------------------------------------------------------------------------------- loopback servers
@dataclass
class Behaviour:
    """How the loopback registry API answers: a function of (path, query) → (status, body bytes, delay s)."""

    permits: dict[str, dict[str, Any]] = field(default_factory=dict)
    mode: str = "ok"  # ok | slow | fail | malformed | fail_then_ok | bad_page
    fail_count: int = 0
    delay_s: float = 0.0
    custom: Callable[[str, dict[str, list[str]]], tuple[int, bytes]] | None = None
    hits: list[str] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)


class _RegistryHandler(BaseHTTPRequestHandler):
    server: _RegistryServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        b = self.server.behaviour
        url = urlparse(self.path)
        query = parse_qs(url.query)
        b.hits.append(self.path)
        b.keys.append(self.headers.get("X-Api-Key"))
        status, body = self._answer(b, unquote(url.path), query)
        if b.delay_s:
            time.sleep(b.delay_s)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _answer(self, b: Behaviour, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if b.custom is not None:
            return b.custom(path, query)
        if b.mode == "fail" or (b.mode == "fail_then_ok" and len(b.hits) <= b.fail_count):
            return 503, b'{"error":"maintenance"}'
        if b.mode == "malformed":
            return 200, b'{"items": [ {"plate": "\xe6\xb2\xaaA1'
        prefix = "/v1/muck-permits"
        if path == prefix:
            page = int(query.get("page", ["1"])[0])
            size = int(query.get("page_size", ["100"])[0])
            items = list(b.permits.values())
            pages = max(1, -(-len(items) // size))
            if b.mode == "bad_page" and page == 2:
                return 200, b"[1, 2, 3]"
            return 200, json.dumps({"items": items[(page - 1) * size: page * size], "page": page,
                                    "pages": pages}, ensure_ascii=False).encode()
        if path.startswith(prefix + "/"):
            plate = path[len(prefix) + 1:]
            if plate not in b.permits:
                return 404, b'{"error":"not_found"}'
            return 200, json.dumps({"permit": b.permits[plate]}, ensure_ascii=False).encode()
        return 404, b"{}"


class _RegistryServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, behaviour: Behaviour) -> None:
        super().__init__(("127.0.0.1", 0), _RegistryHandler)
        self.behaviour = behaviour


@dataclass
class LoopbackApi:
    behaviour: Behaviour
    base_url: str


@pytest.fixture
def registry_api() -> Iterator[LoopbackApi]:
    behaviour = Behaviour()
    server = _RegistryServer(behaviour)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LoopbackApi(behaviour, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


class _CameraHandler(BaseHTTPRequestHandler):
    server: _CameraServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        srv = self.server
        srv.hits.append(self.path)
        status, body, ctype = 404, b"not found", "text/plain"
        if srv.mode == "fail":
            status, body = 500, b"boom"
        elif srv.mode == "garbage":
            status, body, ctype = 200, b"<html>not an image</html>", "image/jpeg"
        elif self.path.endswith("/snapshot.jpg") or self.path.endswith("/latest.jpg"):
            status, body, ctype = 200, JPEG, "image/jpeg"
        elif self.path.endswith("/clip.mp4"):
            status, body, ctype = 200, MP4, "video/mp4"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _CameraServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CameraHandler)
        self.hits: list[str] = []
        self.mode = "ok"


@pytest.fixture
def camera_api() -> Iterator[_CameraServer]:
    server = _CameraServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def base_url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"
