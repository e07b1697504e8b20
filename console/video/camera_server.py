"""Loopback camera server (合成摄像头服务): live MJPEG per camera plus Frigate-shaped snapshot and clip endpoints.

The demo, the tests and the benches need cameras that work offline. This server draws every picture with
:mod:`console.video.synth`, so any camera id works and the content is a pure function of (camera id, time).

Endpoints (GET unless noted)::

    /cameras/<camera>/stream.mjpeg           live MJPEG, multipart/x-mixed-replace; ?fps=N (default: server fps)
    /cameras/<camera>/snapshot.jpg           one JPEG; ?ts=<epoch s> (default: now)
    /api/<camera>/latest.jpg                 Frigate: the newest frame
    /api/<camera>/recordings/<ts>/snapshot.png (.jpg)   Frigate: the frame at an instant
    /api/<camera>/start/<ts>/end/<ts>/clip.mp4          Frigate: a recording window (≤ 10 min)
    /api/events/<event_id>/snapshot.jpg      Frigate: the event's snapshot
    /api/events/<event_id>/clip.mp4          Frigate: the event's clip (start − pre .. end + post)
    POST /api/events/<camera>/<label>/create Frigate: make a manual event → {"success", "event_id"}
    /api/cameras                             the cameras the server was told about (id, name, stream path)
    /healthz                                 "ok"

An event's camera and time come from :meth:`CameraServer.register_event` (or the create POST); an unregistered id
of Frigate's ``<epoch>-<suffix>`` form still yields a picture at that instant, from a scene seeded by the id.
Clips are cached per URL so that two fetches return the same bytes (evidence hashes).
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from console.errors import ValidationError
from console.video.clips import MAX_CLIP_SECONDS, clip_bytes
from console.video.synth import DEFAULT_FPS, DEFAULT_SIZE, SceneRenderer, frame_time

BOUNDARY = "urbanopsframe"
EVENT_PRE_S = 3.0
EVENT_POST_S = 3.0
DEFAULT_EVENT_S = 6.0
CLIP_CACHE_ITEMS = 64
CAMERA_ID_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
FRIGATE_EVENT_RE = re.compile(r"^(\d{9,11}(?:\.\d+)?)-[A-Za-z0-9]+$")


@dataclass(frozen=True)
class CameraEvent:
    """What the server knows of one (Frigate-style) event: camera, label and time window (epoch seconds)."""

    event_id: str
    camera: str
    label: str
    start_ts: float
    end_ts: float


class CameraServer:
    """A ThreadingHTTPServer on loopback; ``start()`` serves in a daemon thread, ``stop()`` also cuts live streams."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, fps: float = DEFAULT_FPS,
                 size: tuple[int, int] = DEFAULT_SIZE, cameras: Iterable[tuple[str, str]] = (),
                 now_utc: Callable[[], datetime] | None = None, cycle_s: float | None = None) -> None:
        self.host = host
        # cycle_s: live streams repeat a cached cycle of this many seconds (benches: serving then costs only the
        # socket writes, as with a real camera system on another machine). None: every frame drawn fresh.
        self.cycle_s = cycle_s
        self._cycle: dict[tuple[str, int], bytes] = {}
        self.requested_port = port
        self.fps = float(fps)
        self.size = size
        self.now_utc = now_utc or (lambda: datetime.now(UTC))
        self.names: dict[str, str] = dict(cameras)
        self._renderers: dict[str, SceneRenderer] = {}
        self._events: dict[str, CameraEvent] = {}
        self._clips: OrderedDict[str, bytes] = OrderedDict()
        self._frames: dict[str, tuple[float, bytes]] = {}
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self.frames_served = 0

    # ----------------------------------------------------------------- lifecycle
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("camera server not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stream_url(self, camera_id: str) -> str:
        return f"{self.base_url}/cameras/{camera_id}/stream.mjpeg"

    def start(self) -> CameraServer:
        self.stopping.clear()
        handler = type("_BoundHandler", (_Handler,), {"server_ref": self})
        httpd = ThreadingHTTPServer((self.host, self.requested_port), handler)
        httpd.daemon_threads = True
        self._httpd = httpd
        self.requested_port = self.port  # a restart comes back on the same port
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"camera-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut every open connection (live streams end at once, as with a dead camera)."""
        self.stopping.set()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> CameraServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- content
    def renderer(self, camera_id: str) -> SceneRenderer:
        with self._lock:
            r = self._renderers.get(camera_id)
            if r is None:
                r = SceneRenderer(camera_id, self.names.get(camera_id), self.size)
                self._renderers[camera_id] = r
            return r

    def live_jpeg(self, camera_id: str, fps: float) -> tuple[float, bytes]:
        """The current frame (shared by every viewer of the camera within one frame period)."""
        t = frame_time(self.now_utc(), fps)
        ts = t.timestamp()
        if self.cycle_s:
            k = round(ts * fps) % max(1, int(self.cycle_s * fps))
            with self._lock:
                data = self._cycle.get((camera_id, k))
            if data is None:
                data = self.renderer(camera_id).jpeg(t)
                with self._lock:
                    self._cycle[(camera_id, k)] = data
            return ts, data
        with self._lock:
            cached = self._frames.get(camera_id)
        if cached is not None and cached[0] == ts:
            return cached
        data = self.renderer(camera_id).jpeg(t)
        with self._lock:
            self._frames[camera_id] = (ts, data)
        return ts, data

    def register_event(self, event_id: str, camera: str, start_ts: float, end_ts: float | None = None,
                       label: str = "object") -> CameraEvent:
        """Tell the server about an event so its snapshot/clip show the right camera and window."""
        ev = CameraEvent(event_id, camera, label, float(start_ts), float(end_ts if end_ts else start_ts + DEFAULT_EVENT_S))
        with self._lock:
            self._events[event_id] = ev
        return ev

    def event(self, event_id: str) -> CameraEvent | None:
        with self._lock:
            ev = self._events.get(event_id)
        if ev is not None:
            return ev
        m = FRIGATE_EVENT_RE.match(event_id)
        if m is None:
            return None
        start = float(m.group(1))
        return CameraEvent(event_id, f"event-{event_id}", "object", start, start + DEFAULT_EVENT_S)

    def clip(self, key: str, camera: str, start_ts: float, seconds: float) -> bytes:
        with self._lock:
            data = self._clips.get(key)
            if data is not None:
                self._clips.move_to_end(key)
                return data
        data = clip_bytes(self.renderer(camera), datetime.fromtimestamp(start_ts, UTC), seconds, self.fps)
        with self._lock:
            self._clips[key] = data
            while len(self._clips) > CLIP_CACHE_ITEMS:
                self._clips.popitem(last=False)
        return data

    def cameras_json(self) -> list[dict[str, str]]:
        return [{"id": cid, "name": name, "stream": f"/cameras/{cid}/stream.mjpeg"} for cid, name in self.names.items()]


class _Handler(BaseHTTPRequestHandler):
    server_ref: CameraServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def setup(self) -> None:
        super().setup()
        with self.server_ref._lock:
            self.server_ref._conns.add(self.connection)

    def finish(self) -> None:
        with self.server_ref._lock:
            self.server_ref._conns.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    # ----------------------------------------------------------------- replies
    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _error(self, status: int, zh: str, en: str) -> None:
        self._json(status, {"success": False, "message": en, "message_zh": zh})

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        url = urlparse(self.path)
        parts = [unquote(p) for p in url.path.split("/") if p]
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            self._route(parts, query)
        except ValidationError as exc:
            self._error(400, exc.message_zh, exc.message_en)
        except (BrokenPipeError, ConnectionResetError, OSError):
            return

    def do_POST(self) -> None:
        parts = [unquote(p) for p in urlparse(self.path).path.split("/") if p]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(parts) == 5 and parts[:2] == ["api", "events"] and parts[4] == "create":
            camera, label = parts[2], parts[3]
            if not CAMERA_ID_RE.match(camera):
                return self._error(400, "摄像头编号无效", "invalid camera id")
            try:
                opts = json.loads(body or b"{}")
                duration = float(opts.get("duration") or DEFAULT_EVENT_S)
            except (ValueError, AttributeError):
                return self._error(400, "请求体不是有效 JSON", "request body is not valid JSON")
            now = self.server_ref.now_utc().timestamp()
            event_id = f"{now:.6f}-{secrets.token_hex(3)}"
            self.server_ref.register_event(event_id, camera, now, now + duration, label)
            return self._json(200, {"success": True, "message": "Successfully created event.", "event_id": event_id})
        return self._error(404, "无此接口", "no such endpoint")

    # ----------------------------------------------------------------- routing
    def _route(self, parts: list[str], query: dict[str, str]) -> None:
        srv = self.server_ref
        if parts == ["healthz"]:
            return self._send(200, b"ok", "text/plain")
        if parts == ["api", "cameras"]:
            return self._json(200, srv.cameras_json())
        if len(parts) == 3 and parts[0] == "cameras":
            cam = self._camera(parts[1])
            if cam is None:
                return None
            if parts[2] in ("stream.mjpeg", "stream.mjpg"):
                return self._stream(cam, _float(query.get("fps"), srv.fps, 0.2, 60))
            if parts[2] == "snapshot.jpg":
                ts = _float(query.get("ts"), srv.now_utc().timestamp(), 0, 4e9)
                return self._send(200, srv.renderer(cam).jpeg(datetime.fromtimestamp(ts, UTC)), "image/jpeg")
        if len(parts) == 4 and parts[:2] == ["api", "events"]:
            ev = srv.event(parts[2])
            if ev is None:
                return self._error(404, f"无此事件 {parts[2]}", f"no such event {parts[2]}")
            if parts[3] in ("snapshot.jpg", "thumbnail.jpg"):
                mid = ev.start_ts + min(1.0, (ev.end_ts - ev.start_ts) / 2)
                return self._send(200, srv.renderer(ev.camera).jpeg(datetime.fromtimestamp(mid, UTC)), "image/jpeg")
            if parts[3] == "clip.mp4":
                start = ev.start_ts - EVENT_PRE_S
                seconds = min(MAX_CLIP_SECONDS, ev.end_ts - ev.start_ts + EVENT_PRE_S + EVENT_POST_S)
                return self._send(200, srv.clip(f"event/{ev.event_id}", ev.camera, start, seconds), "video/mp4")
        if len(parts) == 3 and parts[0] == "api" and parts[2] == "latest.jpg":
            cam = self._camera(parts[1])
            if cam is not None:
                self._send(200, srv.live_jpeg(cam, srv.fps)[1], "image/jpeg")
            return None
        if len(parts) == 5 and parts[0] == "api" and parts[2] == "recordings" and parts[4].startswith("snapshot."):
            cam = self._camera(parts[1])
            if cam is None:
                return None
            ts = _float(parts[3], None, 0, 4e9)
            when = datetime.fromtimestamp(ts, UTC)
            if parts[4] == "snapshot.png":
                return self._send(200, srv.renderer(cam).png(when), "image/png")
            return self._send(200, srv.renderer(cam).jpeg(when), "image/jpeg")
        if len(parts) == 7 and parts[0] == "api" and parts[2] == "start" and parts[4] == "end" and parts[6] == "clip.mp4":
            cam = self._camera(parts[1])
            if cam is None:
                return None
            start, end = _float(parts[3], None, 0, 4e9), _float(parts[5], None, 0, 4e9)
            if not 0 < end - start <= MAX_CLIP_SECONDS:
                return self._error(400, "时间窗须为 0–600 秒", "time window must be 0–600 s")
            return self._send(200, srv.clip(f"rec/{cam}/{start}/{end}", cam, start, end - start), "video/mp4")
        return self._error(404, "无此接口", "no such endpoint")

    def _camera(self, camera_id: str) -> str | None:
        if CAMERA_ID_RE.match(camera_id):
            return camera_id
        self._error(400, "摄像头编号无效", "invalid camera id")
        return None

    def _stream(self, camera: str, fps: float) -> None:
        srv = self.server_ref
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        period = 1.0 / fps
        next_t = time.monotonic()
        while not srv.stopping.is_set():
            _ts, data = srv.live_jpeg(camera, fps)
            head = (f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(data)}\r\n\r\n").encode()
            self.wfile.write(head + data + b"\r\n")
            self.wfile.flush()
            srv.frames_served += 1
            next_t += period
            delay = next_t - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                next_t = time.monotonic()  # a slow client does not make us burst


def _float(text: str | None, default: float | None, lo: float, hi: float) -> float:
    if text is None or text == "":
        if default is None:
            raise ValidationError("缺少数值参数", "missing numeric parameter")
        return default
    try:
        v = float(text)
    except ValueError:
        raise ValidationError(f"不是数值：{text}", f"not a number: {text}") from None
    if not lo <= v <= hi:
        raise ValidationError(f"数值超出范围：{text}", f"value out of range: {text}")
    return v
