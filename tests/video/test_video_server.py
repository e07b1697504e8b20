"""The synthetic camera server on a real loopback port: MJPEG stream, Frigate-shaped snapshot/clip/latest, bad input."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import av
import pytest
from PIL import Image

from console.video.camera_server import BOUNDARY, CameraServer
from console.video.synth import SceneRenderer

T0 = datetime(2026, 11, 29, 2, 0, 0, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[CameraServer]:
    srv = CameraServer(port=0, fps=20, size=(320, 180), cameras=[("CAM-LK01", "临空01号智能探头")],
                       now_utc=lambda: datetime.now(UTC))
    srv.start()
    yield srv
    srv.stop()


def _get(srv: CameraServer, path: str, method: str = "GET", body: bytes | None = None) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=10)
    conn.request(method, path, body=body)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, r.getheader("Content-Type") or "", data


def _jpeg_size(data: bytes) -> tuple[int, int]:
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG"
    return img.size


def test_mjpeg_stream_sends_successive_jpeg_parts(server: CameraServer) -> None:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    conn.request("GET", "/cameras/CAM-LK01/stream.mjpeg")
    r = conn.getresponse()
    assert r.status == 200
    assert r.getheader("Content-Type") == f"multipart/x-mixed-replace; boundary={BOUNDARY}"
    frames: list[bytes] = []
    while len(frames) < 3:
        line = r.fp.readline()
        if line.strip() != f"--{BOUNDARY}".encode():
            continue
        headers = {}
        while (h := r.fp.readline().strip()):
            k, v = h.decode().split(":", 1)
            headers[k.lower()] = v.strip()
        assert headers["content-type"] == "image/jpeg"
        frames.append(r.fp.read(int(headers["content-length"])))
    conn.close()
    assert all(_jpeg_size(f) == (320, 180) for f in frames)
    assert len({hashlib.sha256(f).hexdigest() for f in frames}) >= 2  # the scene moves


def test_snapshot_at_an_instant_is_deterministic(server: CameraServer) -> None:
    ts = T0.timestamp()
    st, ctype, a = _get(server, f"/cameras/CAM-LK01/snapshot.jpg?ts={ts}")
    _, _, b = _get(server, f"/cameras/CAM-LK01/snapshot.jpg?ts={ts}")
    _, _, other_cam = _get(server, f"/cameras/CAM-007/snapshot.jpg?ts={ts}")
    _, _, later = _get(server, f"/cameras/CAM-LK01/snapshot.jpg?ts={ts + 2}")
    assert (st, ctype) == (200, "image/jpeg")
    assert a == b
    assert a == SceneRenderer("CAM-LK01", "临空01号智能探头", (320, 180)).jpeg(T0)
    assert a != other_cam and a != later


def test_frigate_latest_and_recording_snapshot(server: CameraServer) -> None:
    st, ctype, data = _get(server, "/api/CAM-LK01/latest.jpg")
    assert (st, ctype) == (200, "image/jpeg") and _jpeg_size(data) == (320, 180)
    st, ctype, png = _get(server, f"/api/CAM-LK01/recordings/{T0.timestamp()}/snapshot.png")
    assert (st, ctype) == (200, "image/png")
    assert Image.open(io.BytesIO(png)).size == (320, 180)


def test_event_create_snapshot_and_clip(server: CameraServer) -> None:
    st, _, body = _get(server, "/api/events/CAM-LK01/muck_truck/create", "POST", json.dumps({"duration": 2}).encode())
    assert st == 200
    event_id = json.loads(body)["event_id"]
    st, ctype, _snap = _get(server, f"/api/events/{event_id}/snapshot.jpg")
    assert (st, ctype) == (200, "image/jpeg")
    st, ctype, clip = _get(server, f"/api/events/{event_id}/clip.mp4")
    assert (st, ctype) == (200, "video/mp4")
    _, _, again = _get(server, f"/api/events/{event_id}/clip.mp4")
    assert hashlib.sha256(clip).digest() == hashlib.sha256(again).digest()
    with av.open(io.BytesIO(clip)) as c:
        frames = list(c.decode(video=0))
    assert len(frames) == round((2 + 3 + 3) * server.fps)  # pre 3 s + event 2 s + post 3 s
    assert (frames[0].width, frames[0].height) == (320, 180)


def test_registered_event_uses_its_camera_and_window(server: CameraServer) -> None:
    server.register_event("1764381600.5-abc123", "CAM-LK01", T0.timestamp(), T0.timestamp() + 4, "muck_truck")
    _, _, snap = _get(server, "/api/events/1764381600.5-abc123/snapshot.jpg")
    assert snap == server.renderer("CAM-LK01").jpeg(datetime.fromtimestamp(T0.timestamp() + 1, UTC))


def test_recording_window_clip(server: CameraServer) -> None:
    s = T0.timestamp()
    st, ctype, clip = _get(server, f"/api/CAM-LK01/start/{s}/end/{s + 1.5}/clip.mp4")
    assert (st, ctype) == (200, "video/mp4")
    with av.open(io.BytesIO(clip)) as c:
        assert len(list(c.decode(video=0))) == 30


@pytest.mark.parametrize("path", [
    "/cameras/bad%20id!/stream.mjpeg",
    "/cameras/CAM-LK01/snapshot.jpg?ts=abc",
    "/api/CAM-LK01/start/100/end/50/clip.mp4",
    "/api/CAM-LK01/start/0/end/100000/clip.mp4",
    "/cameras/CAM-LK01/stream.mjpeg?fps=0",
])
def test_bad_requests_get_400_with_both_languages(server: CameraServer, path: str) -> None:
    st, ctype, body = _get(server, path)
    assert st == 400 and ctype.startswith("application/json")
    msg = json.loads(body)
    assert msg["success"] is False and msg["message"] and msg["message_zh"]


def test_unknown_endpoint_and_event_are_404(server: CameraServer) -> None:
    assert _get(server, "/nope")[0] == 404
    assert _get(server, "/api/events/not-an-event/clip.mp4")[0] == 404


def test_stop_cuts_live_streams_and_restart_reuses_port(server: CameraServer) -> None:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=5)
    conn.request("GET", "/cameras/CAM-LK01/stream.mjpeg")
    r = conn.getresponse()
    r.fp.readline()
    port = server.port
    server.stop()
    with pytest.raises((OSError, http.client.HTTPException)):
        for _ in range(10_000):  # the stream ends: EOF or reset
            if not r.fp.read(4096):
                raise ConnectionError("eof")
    conn.close()
    server.start()
    assert server.port == port
    assert _get(server, "/healthz")[:1] == (200,)
