"""Video wall against the real loopback camera server: live 3×3 tiles, synchronised playback of one window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from console.video.camera_server import CameraServer
from console.video.cameras import Camera
from console.video.config import Backoff, VideoConfig
from widgets.video.stream_reader import PLAYING
from widgets.video.tile import CameraTile
from widgets.video.video_wall import SyncTile, VideoWall


def _cams(srv: CameraServer, n: int) -> list[Camera]:
    return [Camera(f"CAM-LK{i + 1:02d}", f"临空{i + 1:02d}", 121.37, 31.20, 90.0, 60.0, 80.0, "ai", True,
                   srv.stream_url(f"CAM-LK{i + 1:02d}")) for i in range(n)]


@pytest.fixture
def wall(qtbot: QtBot, camera_server: CameraServer) -> VideoWall:
    cfg = VideoConfig(reconnect=Backoff(0.2, 2, 1, 2))
    w = VideoWall(_cams(camera_server, 10), cfg, camera_server.base_url)
    qtbot.addWidget(w)
    w.show()
    return w


def test_live_wall_3x3_plays_nine_cameras(qtbot: QtBot, wall: VideoWall) -> None:
    wall.set_layout(3)
    wall.set_cameras([f"CAM-LK{i:02d}" for i in range(1, 10)])
    assert len(wall.tiles) == 9 and all(isinstance(t, CameraTile) for t in wall.tiles)
    assert [t.property("camera_id") for t in wall.tiles] == [f"CAM-LK{i:02d}" for i in range(1, 10)]
    qtbot.waitUntil(lambda: all(isinstance(t, CameraTile) and t.state == PLAYING and t.frames_shown >= 3
                                for t in wall.tiles), timeout=15_000)
    wall.set_layout(2)  # back to 2×2: four tiles, the first four chosen cameras
    assert len(wall.tiles) == 4 and wall.tiles[3].property("camera_id") == "CAM-LK04"
    wall.close()


def test_playback_is_synchronised_across_tiles(qtbot: QtBot, wall: VideoWall, camera_server: CameraServer) -> None:
    wall.set_cameras(["CAM-LK01", "CAM-LK02", "CAM-LK03"])  # 2×2 with one empty cell
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    wall.load_window(start, 4)
    assert wall.mode == "playback"
    sync = [t for t in wall.tiles if isinstance(t, SyncTile) and t.property("camera_id")]
    assert len(sync) == 3
    qtbot.waitUntil(lambda: all(t.info is not None and t.shown_index == 0 for t in sync), timeout=20_000)
    fps = camera_server.fps  # the recordings' frame rate
    assert all(t.info is not None and t.info.fps == fps for t in sync)
    wall.seek_time(2.5)
    qtbot.waitUntil(lambda: all(t.shown_index == int(2.5 * fps) for t in sync), timeout=10_000)
    assert all(t.shown_time_s <= 2.5 < t.shown_time_s + 1 / fps for t in sync)
    wall.speed_combo.setCurrentIndex(wall.speed_combo.findData(4.0))
    wall.play()
    qtbot.waitUntil(lambda: not wall.playing, timeout=10_000)  # 1.5 s left at 4×
    last = round(4 * fps) - 1
    qtbot.waitUntil(lambda: all(t.shown_index == last for t in sync), timeout=10_000)
    assert len({round(t.shown_time_s, 3) for t in sync}) == 1
    wall.close()
