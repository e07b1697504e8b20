"""Fixtures for the video tests: offscreen Qt and a real synthetic camera server on a free loopback port."""

from __future__ import annotations

import os
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from console.video.camera_server import CameraServer


@pytest.fixture
def camera_server() -> Iterator[CameraServer]:
    srv = CameraServer(port=0, fps=15, size=(320, 180), cameras=[("CAM-LK01", "临空01号智能探头")])
    srv.start()
    yield srv
    srv.stop()
