"""RTSP, HLS and file cameras through the PyAV path, against real sources on loopback (tests/video/loopback_streams):
pictures arrive whole and in order, a dropped source says why and comes back, dead sources never block the GUI."""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.video.cameras import Camera
from console.video.config import Backoff, StreamKind
from tests.video.loopback_streams import (
    HttpDir,
    LiveHls,
    RtspServer,
    closed_port,
    colours_ok,
    frame_number,
    silent_listener,
    write_hls,
)
from widgets.video import stream_reader as sr
from widgets.video.live_view import LiveView
from widgets.video.stream_reader import PLAYING, RETRYING, StreamError, failure_reason, ffmpeg_options, fit_size
from widgets.video.tile import CameraTile

FAST = Backoff(first_s=0.2, factor=2.0, max_s=0.8, stall_s=3.0, open_s=8.0)
WAIT_MS = 20_000


@pytest.fixture
def rtsp() -> Iterator[RtspServer]:
    with RtspServer() as srv:
        yield srv


@pytest.fixture
def hls_dir(tmp_path: Path) -> Iterator[tuple[Path, HttpDir]]:
    with HttpDir(tmp_path) as http:
        yield tmp_path, http


_open_tiles: list[CameraTile] = []


@pytest.fixture(autouse=True)
def _close_tiles() -> Iterator[None]:
    """Every tile's stream is closed after its test, whatever happened (a QThread destroyed running aborts)."""
    yield
    while _open_tiles:
        _open_tiles.pop().close_stream()


def _tile(qtbot: QtBot, size: tuple[int, int] = (640, 360), **kw: object) -> CameraTile:
    tile = CameraTile("test", backoff=FAST, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(tile)
    tile.resize(*size)
    tile.show()
    _open_tiles.append(tile)
    return tile


def _play(qtbot: QtBot, tile: CameraTile, n: int) -> list[int]:
    """Wait for ``n`` frames on screen; the frame numbers seen on the way (sampled, so some may be missing)."""
    seen: list[int] = []

    def enough() -> bool:
        if tile.image is not None and (not seen or frame_number(tile.image) != seen[-1]):
            seen.append(frame_number(tile.image))
        return tile.frames_shown >= n

    qtbot.waitUntil(enough, timeout=WAIT_MS)
    return seen


def _ascending(seen: list[int]) -> bool:
    return len(seen) >= 3 and all(b > a for a, b in itertools.pairwise(seen))


# ------------------------------------------------------------------------------------------------------------ RTSP
@pytest.mark.parametrize("codec", ["h264", "h265"])
def test_rtsp_camera_plays_in_a_tile_over_tcp(qtbot: QtBot, codec: str) -> None:
    with RtspServer(codec=codec) as rtsp:
        _rtsp_plays(qtbot, rtsp)


def _rtsp_plays(qtbot: QtBot, rtsp: RtspServer) -> None:
    tile = _tile(qtbot)
    tile.open(rtsp.url)
    assert tile.reader is not None and tile.reader.kind is StreamKind.RTSP
    seen = _play(qtbot, tile, 12)
    assert tile.state == PLAYING and tile.status_text() == ""
    assert tile.image is not None and (tile.image.width(), tile.image.height()) == (320, 180)
    assert colours_ok(tile.image)
    assert _ascending(seen), seen  # whole pictures, in the order they were sent
    assert rtsp.setups_tcp >= 1 and rtsp.setups_udp == 0  # asked for interleaved TCP straight away
    tile.close_stream()


def test_rtsp_pictures_are_decoded_to_the_tile_size_and_capped(qtbot: QtBot, rtsp: RtspServer) -> None:
    tile = _tile(qtbot, (160, 90), max_fps=4)  # a small wall tile: 320×180 at 10 fps arrives, 160×90 ≤ 4 fps shown
    tile.open(rtsp.url)
    _play(qtbot, tile, 6)
    assert tile.image is not None and (tile.image.width(), tile.image.height()) == (160, 90)
    assert colours_ok(tile.image)
    assert tile.reader is not None and tile.reader.frames_skipped > 0
    tile.close_stream()


def test_rtsp_camera_that_goes_away_shows_unavailable_then_recovers(qtbot: QtBot, rtsp: RtspServer) -> None:
    tile = _tile(qtbot)
    tile.open(rtsp.url)
    _play(qtbot, tile, 3)
    rtsp.stop()  # cuts the session and stops listening: ended, then refused
    qtbot.waitUntil(lambda: tile.state == RETRYING, timeout=WAIT_MS)
    assert tile.reason in (sr.ENDED, sr.REFUSED, sr.NETWORK)
    assert "离线" in tile.status_text() and tile.reason_text() in tile.status_text()
    shown = tile.frames_shown
    qtbot.waitUntil(lambda: tile.reader is not None and tile.reader.failures >= 2, timeout=WAIT_MS)
    rtsp.start()  # same port
    qtbot.waitUntil(lambda: tile.state == PLAYING and tile.frames_shown > shown + 3, timeout=WAIT_MS)
    assert tile.status_text() == "" and tile.reason == ""
    tile.close_stream()


def test_rtsp_camera_that_stalls_times_out_and_recovers(qtbot: QtBot, rtsp: RtspServer) -> None:
    tile = _tile(qtbot)
    tile.open(rtsp.url)
    _play(qtbot, tile, 3)
    rtsp.frozen.set()  # the connection stays up, the pictures stop: only the read timeout can tell
    qtbot.waitUntil(lambda: tile.state == RETRYING, timeout=WAIT_MS)
    assert tile.reason == sr.TIMEOUT and tile.image is not None  # the last picture stays, dimmed
    shown = tile.frames_shown
    rtsp.frozen.clear()
    qtbot.waitUntil(lambda: tile.state == PLAYING and tile.frames_shown > shown + 3, timeout=WAIT_MS)


def test_live_view_plays_an_rtsp_camera(qtbot: QtBot, rtsp: RtspServer) -> None:
    view = LiveView(backoff=FAST)
    qtbot.addWidget(view)
    cam = Camera(id="CAM-RTSP1", name="RTSP 测试", lon_wgs84=116.4, lat_wgs84=39.9, heading_deg=90.0, fov_deg=60.0,
                 range_m=60.0, kind="ai", online=True, stream_url=rtsp.url)
    view.show_camera(cam)
    qtbot.waitUntil(lambda: view.tile.state == PLAYING and view.tile.frames_shown >= 5, timeout=WAIT_MS)
    assert view.tile.image is not None and colours_ok(view.tile.image)
    view.close()
    assert view.tile.reader is None


# ------------------------------------------------------------------------------------------------------------- HLS
def test_hls_playlist_plays_in_a_tile(qtbot: QtBot, hls_dir: tuple[Path, HttpDir]) -> None:
    root, http = hls_dir
    write_hls(root / "vod", frames=30)
    tile = _tile(qtbot)
    tile.open(f"{http.base_url}/vod/index.m3u8")
    assert tile.reader is not None and tile.reader.kind is StreamKind.HLS
    seen = _play(qtbot, tile, 20)
    assert tile.image is not None and (tile.image.width(), tile.image.height()) == (320, 180)
    assert colours_ok(tile.image)
    assert _ascending(seen) and seen[-1] < 30, seen


def test_live_hls_keeps_playing_segments_written_after_it_opened(qtbot: QtBot,
                                                                 hls_dir: tuple[Path, HttpDir]) -> None:
    root, http = hls_dir
    live = LiveHls(root / "live").start()
    try:
        qtbot.waitUntil(lambda: live.segments() >= 2, timeout=WAIT_MS)
        tile = _tile(qtbot)
        tile.open(f"{http.base_url}/live/index.m3u8")
        written_at_open = live.frames_written
        seen: list[int] = []

        def past_open() -> bool:
            if tile.image is not None:
                seen.append(frame_number(tile.image))
            return bool(seen) and max(seen) > written_at_open + 15  # from segments that did not exist at open
        qtbot.waitUntil(past_open, timeout=WAIT_MS)
        assert tile.state == PLAYING
        assert "#EXT-X-ENDLIST" not in live.playlist.read_text(encoding="utf-8")
        tile.close_stream()
    finally:
        live.stop()


# ------------------------------------------------------------------------------------------------------------ files
def test_plain_path_and_file_url_play(qtbot: QtBot, tmp_path: Path) -> None:
    playlist = write_hls(tmp_path / "clip", frames=12)  # an HLS playlist on disk is a file source too
    for url in (str(playlist), playlist.as_uri()):
        tile = _tile(qtbot)
        tile.open(url)
        assert tile.reader is not None and tile.reader.kind is StreamKind.FILE
        _play(qtbot, tile, 15)  # more than it has: a file loops
        assert tile.state == PLAYING and tile.image is not None and colours_ok(tile.image)
        tile.close_stream()


# ------------------------------------------------------------------------------------------------------ dead sources
def _dead_urls(root: Path, http: HttpDir, silent_port: int, garbage: RtspServer, mute: RtspServer,
               nomedia: RtspServer, good: RtspServer) -> dict[str, tuple[str, str]]:
    (root / "junk").mkdir()
    (root / "junk" / "index.m3u8").write_bytes(os.urandom(4096))
    (root / "badseg").mkdir()
    (root / "badseg" / "index.m3u8").write_text("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg0.ts\n"
                                                "#EXT-X-ENDLIST\n", encoding="utf-8")
    (root / "badseg" / "seg0.ts").write_bytes(os.urandom(8192))
    return {
        "rtsp refused": (f"rtsp://127.0.0.1:{closed_port()}/cam", sr.REFUSED),
        "hls refused": (f"http://127.0.0.1:{closed_port()}/live/index.m3u8", sr.REFUSED),
        "hls 404 playlist": (f"{http.base_url}/none/index.m3u8", sr.NOT_FOUND),
        "hls garbage playlist": (f"{http.base_url}/junk/index.m3u8", sr.INVALID),
        "hls garbage segment": (f"{http.base_url}/badseg/index.m3u8", sr.INVALID),
        "hls silent server": (f"http://127.0.0.1:{silent_port}/index.m3u8", sr.TIMEOUT),
        "rtsp unknown path": (good.url.replace("/cam", "/nope"), sr.NOT_FOUND),
        "rtsp garbage answer": (garbage.url, sr.NO_ANSWER),
        "rtsp silent server": (mute.url, sr.NO_ANSWER),
        "rtsp no media after PLAY": (nomedia.url, sr.TIMEOUT),
        "missing file": ("/no/such/dir/cam.mp4", sr.NOT_FOUND),
    }


def _is_retrying(tile: CameraTile) -> bool:
    return tile.state == RETRYING


def test_dead_sources_show_unavailable_with_a_reason_and_keep_retrying(qtbot: QtBot,
                                                                       hls_dir: tuple[Path, HttpDir]) -> None:
    root, http = hls_dir
    silent, silent_port = silent_listener()
    servers = [RtspServer(behaviour=b).start() for b in ("garbage", "silent", "no_media", "ok")]
    try:
        cases = _dead_urls(root, http, silent_port, *servers)
        tiles = {}
        for label, (url, _reason) in cases.items():  # all at once: the GUI thread waits for none of them
            tiles[label] = _tile(qtbot, (320, 180))
            tiles[label].open(url)
        for label, (_url, reason) in cases.items():
            tile = tiles[label]
            qtbot.waitUntil(functools.partial(_is_retrying, tile), timeout=WAIT_MS)
            assert (label, tile.reason) == (label, reason), tile.detail
            assert tile.frames_shown == 0 and tile.image is None
            text = tile.status_text()
            assert "离线" in text and tile.reason_text() in text and "视频流" in tile.reason_text()
            tile.grab()  # paints the unavailable state
        qtbot.waitUntil(lambda: tiles["rtsp refused"].reader is not None
                        and tiles["rtsp refused"].reader.failures >= 3, timeout=WAIT_MS)
        for tile in tiles.values():
            tile.close_stream()
    finally:
        for s in servers:
            s.stop()
        silent.close()
        assert sr.wait_parked(30_000)


def test_closing_a_tile_blocked_in_ffmpeg_parks_its_reader(qtbot: QtBot) -> None:
    with RtspServer(behaviour="silent") as mute:
        tile = CameraTile("dead", backoff=Backoff(first_s=1.0, stall_s=3.0, open_s=3.0))
        qtbot.addWidget(tile)
        tile.open(mute.url)
        reader = tile.reader
        assert reader is not None
        qtbot.waitUntil(lambda: mute.requests >= 1, timeout=WAIT_MS)  # FFmpeg now waits for an answer in vain
        tile.close_stream()  # returns without waiting for FFmpeg's timeout
        assert tile.reader is None and reader.isRunning() and sr.parked() >= 1
        qtbot.waitUntil(reader.isFinished, timeout=WAIT_MS)  # ends by itself, within its timeouts
        assert sr.wait_parked(5_000) and sr.parked() == 0


# ------------------------------------------------------------------------------------------------------ pure parts
def test_ffmpeg_options_per_source() -> None:
    b = Backoff(stall_s=2.5)
    rtsp = ffmpeg_options(StreamKind.RTSP, b)
    assert rtsp["rtsp_transport"] == "tcp" and rtsp["timeout"] == "2500000"
    assert ffmpeg_options(StreamKind.HLS, b) == {"rw_timeout": "2500000"}
    assert ffmpeg_options(StreamKind.FILE, b) == {}


@pytest.mark.parametrize(("exc", "reason"), [
    (ConnectionRefusedError(), sr.REFUSED), (TimeoutError(), sr.TIMEOUT), (FileNotFoundError(), sr.NOT_FOUND),
    (ValueError("x"), sr.INVALID), (EOFError(), sr.ENDED), (ConnectionResetError(), sr.NETWORK),
    (RuntimeError("x"), sr.ERROR), (StreamError("HTTP 503", sr.HTTP_ERROR), sr.HTTP_ERROR),
])
def test_failure_reason(exc: BaseException, reason: str) -> None:
    assert failure_reason(exc) == reason


def test_failure_reason_of_ffmpeg_errors() -> None:
    import av.error

    assert failure_reason(av.error.ExitError(1414092869, "Immediate exit requested")) == sr.TIMEOUT
    assert failure_reason(av.error.HTTPNotFoundError(-1330794744, "404")) == sr.NOT_FOUND
    assert failure_reason(av.error.InvalidDataError(1094995529, "bad")) == sr.INVALID


@pytest.mark.parametrize(("size", "fit", "out"), [
    ((320, 180), (640, 360), None), ((320, 180), None, None), ((1920, 1080), (480, 270), (480, 270)),
    ((1920, 1080), (400, 400), (400, 225)), ((100, 400), (50, 50), (12, 50)), ((0, 0), (10, 10), None),
])
def test_fit_size(size: tuple[int, int], fit: tuple[int, int] | None, out: tuple[int, int] | None) -> None:
    assert fit_size(size, fit) == out
