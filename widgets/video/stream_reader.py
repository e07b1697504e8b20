"""Live stream readers (视频流读取): one worker thread per open camera, frames handed to the GUI as ``QImage``.

Why not QMediaPlayer: QtMultimedia is not part of PySide6-Essentials (see docs/video.md), and MJPEG over HTTP — what
most camera systems and our synthetic server offer for low-latency previews — is where QMediaPlayer is weakest. So:

* ``http(s)://….mjpeg`` is parsed here (multipart/x-mixed-replace, or a plain JPEG polled at the stream rate) and
  each part decoded with ``QImage.fromData`` in the worker thread;
* files, RTSP, HLS and other HTTP video go through PyAV (FFmpeg), paced to real time.

A failure (refused, reset, HTTP error, no frame for ``stall_s``) puts the reader into ``retrying`` with the backoff
from the video settings; it keeps trying until ``stop()``. Frames are coalesced: the GUI only ever sees the newest one,
so a slow GUI drops frames instead of queueing them. Nothing here blocks the GUI thread.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, QThread, Signal
from PySide6.QtGui import QImage, QImageReader

from console.video.config import Backoff, StreamKind, classify_stream, local_path

CONNECTING = "connecting"
PLAYING = "playing"
RETRYING = "retrying"
STOPPED = "stopped"
MAX_PART_BYTES = 8 * 1024 * 1024


class StreamError(Exception):
    """A stream failed in a way worth showing (HTTP status, bad part, end of a live stream)."""


def qimage_from_rgb(arr: np.ndarray) -> QImage:
    """A deep-copied RGB888 ``QImage`` from an (h, w, 3) uint8 array."""
    h, w = arr.shape[:2]
    arr = np.ascontiguousarray(arr)
    return QImage(arr.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class RateCap:
    """At most ``max_fps`` admitted parts per second on average, out of parts arriving at the stream's own rate.

    A token bucket that may run one token into debt: a part is admitted while the credit is positive and costs one;
    the credit grows with time up to one. The textbook form (admit only when a whole token is there, credit capped
    at one) aliases against the arrival rate: 15 fps arriving under any cap below 15 admits every other part, 7.5 fps
    — which is what the video wall's 12 fps tiles showed. Keeping the fraction admits 4 parts of 5 (12 fps).
    ``max_fps`` ≤ 0 (or not a number) admits everything.
    """

    def __init__(self, max_fps: float = 0.0) -> None:
        self.max_fps = max_fps
        self._credit = 1.0
        self._last: float | None = None

    def admit(self, now: float) -> bool:
        """Whether a part arriving at ``now`` (monotonic seconds) may be decoded; if so it is paid for."""
        rate = self.max_fps
        if not rate > 0:
            return True
        if self._last is not None:
            self._credit = min(1.0, self._credit + max(0.0, now - self._last) * rate)
        self._last = now if self._last is None else max(self._last, now)
        if self._credit <= 0:
            return False
        self._credit -= 1.0
        return True


class StreamReader(QThread):
    """Reads one stream URL until stopped; ``frameReady`` means :meth:`take_frame` has a new picture."""

    frameReady = Signal()
    stateChanged = Signal(str, str)  # state, detail (reason; for retrying "delay_s|reason")

    def __init__(self, url: str, backoff: Backoff | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.kind = classify_stream(url)
        self.backoff = backoff or Backoff()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._latest: QImage | None = None
        self._latest_ts: float = 0.0
        self._pending = False
        self._sock: socket.socket | None = None
        self.state = STOPPED
        self.frames_decoded = 0
        self.frames_skipped = 0
        self.target_size: tuple[int, int] | None = None  # set by the tile: decode straight to the size shown
        self.max_fps = 0.0  # > 0: decode at most this many MJPEG frames per second (video wall tiles)
        self._cap = RateCap()
        self.failures = 0
        self.opened_at = 0.0
        self.first_frame_at: float | None = None

    # ----------------------------------------------------------------- GUI side
    def take_frame(self) -> QImage | None:
        """The newest frame, once (GUI thread)."""
        with self._lock:
            img, self._latest, self._pending = self._latest, None, False
        return img

    def stop(self, wait_ms: int = 3000) -> None:
        """Ask the thread to end, cut its socket so a blocking read returns, and wait for it."""
        self._stop.set()
        sock = self._sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if not self.wait(wait_ms):
            park(self)

    # ----------------------------------------------------------------- worker thread
    def _publish(self, img: QImage) -> None:
        if img.isNull():
            raise StreamError("undecodable frame")
        self.frames_decoded += 1
        if self.first_frame_at is None:
            self.first_frame_at = time.monotonic()
        with self._lock:
            self._latest, self._latest_ts = img, time.monotonic()
            notify = not self._pending
            self._pending = True
        if notify:
            self.frameReady.emit()

    def _set_state(self, state: str, detail: str = "") -> None:
        self.state = state
        self.stateChanged.emit(state, detail)

    def run(self) -> None:
        self.opened_at = time.monotonic()
        while not self._stop.is_set():
            self._set_state(CONNECTING)
            try:
                frames = self._mjpeg_frames() if self.kind is StreamKind.MJPEG_HTTP else self._av_frames()
                n = 0
                for img in frames:
                    if self._stop.is_set():
                        break
                    self._publish(img)
                    n += 1
                    if self.state != PLAYING:
                        self.failures = 0
                        self._set_state(PLAYING)
                if self._stop.is_set():
                    break
                if n and self.kind in (StreamKind.FILE, StreamKind.HTTP_VIDEO):
                    continue  # a recorded file plays in a loop, like a camera that never stops
                raise StreamError("stream ended")
            except Exception as exc:
                if self._stop.is_set():
                    break
                self.failures += 1
                delay = self.backoff.delay(self.failures)
                self._set_state(RETRYING, f"{delay:.1f}|{type(exc).__name__}: {exc}")
                self._stop.wait(delay)
            finally:
                self._sock = None
        self._set_state(STOPPED)

    # MJPEG over HTTP -------------------------------------------------------------------------------------------
    def _mjpeg_frames(self) -> Iterator[QImage]:
        u = urlparse(self.url)
        cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
        conn = cls(u.hostname or "127.0.0.1", u.port, timeout=self.backoff.stall_s)
        try:
            conn.connect()
            self._sock = conn.sock
            if self._stop.is_set():
                return
            path = (u.path or "/") + (f"?{u.query}" if u.query else "")
            conn.request("GET", path, headers={"Accept": "multipart/x-mixed-replace, image/jpeg"})
            r = conn.getresponse()
            if r.status != 200:
                raise StreamError(f"HTTP {r.status}")
            ctype = (r.getheader("Content-Type") or "").lower()
            if ctype.startswith("image/"):  # a snapshot URL: poll it
                yield _decode(r.read(), self.target_size)
                conn.close()
                while not self._stop.wait(0.1):
                    yield self._poll_once(cls, path)
                return
            boundary = _boundary(r.getheader("Content-Type") or "")
            fp = r.fp
            assert fp is not None
            while not self._stop.is_set():
                part = _read_part(fp, boundary)
                self._cap.max_fps = self.max_fps
                if self._pending and self.frames_decoded:  # the GUI has not shown the last one: drop, do not queue
                    self.frames_skipped += 1
                    continue
                if not self._cap.admit(time.monotonic()):  # over the tile's rate: do not decode this one
                    self.frames_skipped += 1
                    continue
                yield _decode(part, self.target_size)
        finally:
            conn.close()

    def _poll_once(self, cls: type[http.client.HTTPConnection], path: str) -> QImage:
        parsed = urlparse(self.url)
        conn = cls(parsed.hostname or "127.0.0.1", parsed.port, timeout=self.backoff.stall_s)
        try:
            conn.connect()
            self._sock = conn.sock
            conn.request("GET", path)
            r = conn.getresponse()
            if r.status != 200:
                raise StreamError(f"HTTP {r.status}")
            return _decode(r.read(), self.target_size)
        finally:
            conn.close()

    # Files, RTSP, HLS, HTTP video through PyAV ----------------------------------------------------------------
    def _av_frames(self) -> Iterator[QImage]:
        import av

        target = str(local_path(self.url)) if self.kind is StreamKind.FILE else self.url
        options = {"rtsp_transport": "tcp"} if self.kind is StreamKind.RTSP else {}
        with av.open(target, options=options, timeout=(self.backoff.stall_s, self.backoff.stall_s)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            t0_wall: float | None = None
            t0_media = 0.0
            for frame in container.decode(stream):
                if self._stop.is_set():
                    return
                t = float(frame.time or 0.0)
                now = time.monotonic()
                if t0_wall is None or t < t0_media:
                    t0_wall, t0_media = now, t
                ahead = (t - t0_media) - (now - t0_wall)
                if ahead > 1.0 or ahead < -1.0:  # jump or stall in the media clock: resync
                    t0_wall, t0_media = now, t
                elif ahead > 0 and self._stop.wait(ahead):
                    return
                yield qimage_from_rgb(frame.to_ndarray(format="rgb24"))


def _decode(data: bytes, fit: tuple[int, int] | None = None) -> QImage:
    """Decode a JPEG; with ``fit`` (w, h) straight to the largest size that fits it, keeping the aspect (the JPEG
    decoder scales in the DCT, so a small tile costs less to decode and its paint is a plain copy)."""
    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buf, b"jpg")
    if fit is not None:
        size = reader.size()
        if size.isValid() and (size.width() > fit[0] or size.height() > fit[1]):
            s = min(fit[0] / size.width(), fit[1] / size.height())
            reader.setScaledSize(QSize(max(1, round(size.width() * s)), max(1, round(size.height() * s))))
    img = reader.read()
    if img.isNull():
        raise StreamError(f"undecodable JPEG part: {reader.errorString()}")
    return img


def _boundary(content_type: str) -> bytes:
    for part in content_type.split(";"):
        k, _, v = part.strip().partition("=")
        if k.lower() == "boundary" and v:
            b = v.strip().strip('"')
            return (b if b.startswith("--") else "--" + b).encode("latin-1")
    raise StreamError(f"not a multipart stream: {content_type or 'no Content-Type'}")


def _read_part(fp: object, boundary: bytes) -> bytes:
    """Next JPEG body of a multipart/x-mixed-replace stream (Content-Length if given, else up to the boundary)."""
    readline = fp.readline  # type: ignore[attr-defined]
    read = fp.read  # type: ignore[attr-defined]
    for _ in range(64):  # skip the blank line / preamble before the boundary
        line = readline(1024)
        if not line:
            raise StreamError("stream ended")
        if line.strip() == boundary:
            break
    else:
        raise StreamError("no multipart boundary")
    length: int | None = None
    while True:
        line = readline(1024)
        if not line:
            raise StreamError("stream ended")
        if not line.strip():
            break
        k, _, v = line.decode("latin-1").partition(":")
        if k.strip().lower() == "content-length":
            try:
                length = int(v.strip())
            except ValueError:
                raise StreamError(f"bad Content-Length {v.strip()!r}") from None
    if length is not None:
        if not 0 < length <= MAX_PART_BYTES:
            raise StreamError(f"part size {length} out of range")
        data = read(length)
        if len(data) < length:
            raise StreamError("stream ended inside a frame")
        return bytes(data)
    chunks = bytearray()  # no length: read up to the JPEG end marker
    while not chunks.endswith(b"\xff\xd9"):
        b = read(1)
        if not b:
            raise StreamError("stream ended inside a frame")
        chunks += b
        if len(chunks) > MAX_PART_BYTES:
            raise StreamError("part too large")
    return bytes(chunks)


_parked: list[QThread] = []


def park(thread: QThread) -> None:
    """Keep a stopping thread that is still blocked (a slow download or open) alive until it finishes by itself:
    destroying a running QThread aborts the process."""
    thread.setParent(None)
    _parked.append(thread)
    thread.finished.connect(lambda: _parked.remove(thread) if thread in _parked else None)
