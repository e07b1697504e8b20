"""`urbanops cameras …` CLI and the video settings file: stream URL resolution, classification, bad files."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import av
import pytest
from PIL import Image

from console.cli.main import main
from console.errors import DataFileError
from console.video.config import Backoff, StreamKind, classify_stream, load_video_config, stream_url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_stream_url_precedence_and_kinds(tmp_path: Path) -> None:
    cfg_file = tmp_path / "v.yaml"
    cfg_file.write_text("stream_url_template: '{server}/live/{camera_id}.mjpeg'\n"
                        "streams: {CAM-2: 'rtsp://cam2/ch1'}\nrange_m: {ai: 90, default: 40}\n", encoding="utf-8")
    cfg = load_video_config(cfg_file)
    assert stream_url({"id": "CAM-1", "stream_url": "file:///clips/a.mp4"}, cfg, "http://h:1") == "file:///clips/a.mp4"
    assert stream_url({"id": "CAM-2"}, cfg, "http://h:1") == "rtsp://cam2/ch1"
    assert stream_url({"id": "CAM-3"}, cfg, "http://h:1/") == "http://h:1/live/CAM-3.mjpeg"
    assert stream_url({"id": "CAM-3"}, cfg, None) is None
    assert cfg.range_for({"camera_kind": "ai"}) == 90 and cfg.range_for({"camera_kind": "x"}) == 40
    assert cfg.range_for({"camera_kind": "ai", "range_m": 12}) == 12
    assert classify_stream("http://h/cameras/A/stream.mjpeg") is StreamKind.MJPEG_HTTP
    assert classify_stream("https://h/live/index.m3u8") is StreamKind.HLS
    assert classify_stream("rtsp://h:554/ch1") is StreamKind.RTSP
    assert classify_stream("file:///tmp/a.mp4") is StreamKind.FILE
    assert classify_stream("/tmp/a.mp4") is StreamKind.FILE
    assert classify_stream("http://h/clip.mp4") is StreamKind.HTTP_VIDEO


def test_bundled_config_loads_and_backoff_grows_to_cap() -> None:
    cfg = load_video_config()
    assert cfg.range_for({"camera_kind": "ai"}) > 0
    b = Backoff(first_s=0.5, factor=2, max_s=3)
    assert [b.delay(n) for n in (1, 2, 3, 4, 9)] == [0.5, 1.0, 2.0, 3.0, 3.0]


@pytest.mark.parametrize("text", ["- a list\n", "range_m: {ai: many}\n", "reconnect: 5\n", "a: [unclosed\n",
                                  "wall_tile_max_fps: -3\n", "wall_tile_max_fps: .nan\n", "wall_tile_max_fps: fast\n"])
def test_bad_config_is_a_data_file_error(tmp_path: Path, text: str) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_video_config(f)
    assert err.value.message_zh and err.value.message_en


def test_cli_clip_and_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "c.mp4"
    assert main(["cameras", "clip", "CAM-LK02", "--start", "2026-11-29T02:00:00+00:00", "--seconds", "1",
                 "--size", "320x180", "--out", str(out)]) == 0
    with av.open(str(out)) as c:
        assert len(list(c.decode(video=0))) == 10
    png = tmp_path / "s.png"
    assert main(["cameras", "snapshot", "CAM-LK02", "--at", "2026-11-29T02:00:00", "--out", str(png)]) == 0
    assert Image.open(io.BytesIO(png.read_bytes())).size == (640, 360)


def test_cli_rejects_bad_size(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["cameras", "snapshot", "CAM-1", "--size", "huge", "--out", str(tmp_path / "x.jpg")]) == 2
    err = capsys.readouterr().err
    assert "尺寸" in err and "WxH" in err


def test_cli_serve_runs_headless_and_stops_on_sigterm() -> None:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen([sys.executable, "-m", "console.cli.main", "cameras", "serve", "--port", str(port)],
                            env=env, stderr=subprocess.PIPE)
    try:
        body = b""
        for _ in range(600):  # up to a minute: the CLI imports every feature module first
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/CAM-001/latest.jpg", timeout=2) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.1)
        assert body[:2] == b"\xff\xd8"  # JPEG SOI
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
