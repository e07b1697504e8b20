"""A live camera tile against the real loopback camera server: frames, offline/retrying when it dies, recovery."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from console.video.camera_server import CameraServer
from console.video.config import Backoff
from widgets.video.stream_reader import PLAYING, RETRYING, RateCap
from widgets.video.tile import CameraTile

FAST = Backoff(first_s=0.2, factor=2.0, max_s=0.8, stall_s=2.0)


def test_tile_shows_frames_from_mjpeg(qtbot: QtBot, camera_server: CameraServer) -> None:
    tile = CameraTile("CAM-LK01", backoff=FAST)
    qtbot.addWidget(tile)
    tile.show()
    tile.open(camera_server.stream_url("CAM-LK01"))
    qtbot.waitUntil(lambda: tile.frames_shown >= 5, timeout=10_000)
    assert tile.state == PLAYING
    assert tile.image is not None and (tile.image.width(), tile.image.height()) == (320, 180)
    assert tile.first_frame_s is not None and tile.first_frame_s > 0
    assert tile.status_text() == ""
    tile.close_stream()


def test_killed_server_shows_offline_retrying_then_recovers(qtbot: QtBot, camera_server: CameraServer) -> None:
    tile = CameraTile("CAM-LK01", backoff=FAST)
    qtbot.addWidget(tile)
    tile.show()
    tile.open(camera_server.stream_url("CAM-LK01"))
    qtbot.waitUntil(lambda: tile.state == PLAYING, timeout=10_000)
    camera_server.stop()
    qtbot.waitUntil(lambda: tile.state == RETRYING, timeout=10_000)
    assert "离线" in tile.status_text() and "重试" in tile.status_text()
    assert tile.image is not None  # the last picture stays, dimmed
    shown = tile.frames_shown
    qtbot.wait(1200)  # several failed attempts while it is down
    assert tile.reader is not None and tile.reader.failures >= 2
    assert tile.frames_shown == shown
    camera_server.start()  # same port
    qtbot.waitUntil(lambda: tile.state == PLAYING and tile.frames_shown > shown + 3, timeout=10_000)
    assert tile.status_text() == ""
    tile.close_stream()


def test_unreachable_and_bad_urls_retry_without_crashing(qtbot: QtBot, camera_server: CameraServer) -> None:
    bad = [f"{camera_server.base_url}/nope.mjpeg", f"{camera_server.base_url}/cameras/bad%20id/stream.mjpeg",
           "/no/such/file.mp4", "http://127.0.0.1:9/x.mjpeg"]
    tiles = []
    for url in bad:
        t = CameraTile(url, backoff=FAST)
        qtbot.addWidget(t)
        t.open(url)
        tiles.append(t)
    for t in tiles:
        qtbot.waitUntil(lambda t=t: t.state == RETRYING, timeout=10_000)
        assert t.frames_shown == 0
        t.close_stream()


def test_tile_plays_a_clip_file_in_a_loop(qtbot: QtBot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from console.video.clips import write_clip
    from console.video.synth import SceneRenderer

    clip = write_clip(tmp_path / "c.mp4", SceneRenderer("CAM-1", size=(160, 96)), datetime(2026, 1, 1, tzinfo=UTC),
                      0.5, fps=20)
    tile = CameraTile("file", backoff=FAST)
    qtbot.addWidget(tile)
    tile.open(clip.as_uri())
    qtbot.waitUntil(lambda: tile.frames_shown > 15, timeout=10_000)  # more frames than the clip has: it loops
    assert tile.state == PLAYING
    tile.close_stream()


def _admitted(cap: RateCap, arrival_fps: float, seconds: float, jitter: list[float] | None = None) -> int:
    """Parts admitted out of a stream arriving at ``arrival_fps`` (explicit timestamps, no clock)."""
    n = round(arrival_fps * seconds)
    return sum(cap.admit(k / arrival_fps + (jitter[k % len(jitter)] if jitter else 0.0)) for k in range(n))


@pytest.mark.parametrize("cap_fps", [10.0, 12.0, 14.0])
def test_rate_cap_admits_its_rate_not_every_other_part(cap_fps: float) -> None:
    # the old whole-token bucket admitted 1 part in 2 of a 15 fps stream for any cap below 15 (7.5 fps on the wall)
    admitted = _admitted(RateCap(cap_fps), 15.0, 60.0)
    assert abs(admitted - cap_fps * 60) <= 2


def test_rate_cap_with_jittered_arrivals_never_exceeds_its_rate() -> None:
    jitter = [0.0, 0.02, -0.015, 0.03, -0.03, 0.01]
    admitted = _admitted(RateCap(12.0), 15.0, 60.0, jitter)
    assert 11 * 60 <= admitted <= 12 * 60 + 2  # uneven gaps waste a little credit, never add any


@pytest.mark.parametrize("cap_fps", [0.0, -1.0, float("nan"), 20.0])
def test_rate_cap_off_or_above_the_stream_rate_admits_everything(cap_fps: float) -> None:
    assert _admitted(RateCap(cap_fps), 15.0, 10.0) == 150


def test_rate_cap_clock_going_backwards_does_not_mint_credit() -> None:
    cap = RateCap(1.0)
    assert cap.admit(10.0)
    assert not cap.admit(5.0) and not cap.admit(9.0)  # the step back earns nothing, nor does coming back
    assert not cap.admit(10.0)
    assert cap.admit(10.5)
