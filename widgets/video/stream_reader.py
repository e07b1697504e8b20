"""Live stream readers (视频流读取): one worker thread per open camera, frames handed to the GUI as ``QImage``.

Why not QMediaPlayer: QtMultimedia is not part of PySide6-Essentials (see docs/video.md), and MJPEG over HTTP — what
most camera systems and our synthetic server offer for low-latency previews — is where QMediaPlayer is weakest. So:

* ``http(s)://….mjpeg`` is parsed here (multipart/x-mixed-replace, or a plain JPEG polled at the stream rate) and
  each part decoded with ``QImage.fromData`` in the worker thread;
* files, RTSP, HLS and other HTTP video go through PyAV (FFmpeg), paced to real time: RTSP with the media
  interleaved over the RTSP TCP connection (``rtsp_transport=tcp``: no UDP ports to open, nothing lost to a
  firewall), every FFmpeg call bounded (``open_s`` to open and probe, ``stall_s`` per packet read, through PyAV's
  interrupt callback, plus FFmpeg's own socket timeouts), see :func:`ffmpeg_options`.

A failure (refused, reset, HTTP error, garbage, no frame for ``stall_s``) puts the reader into ``retrying`` with the
backoff from the video settings and a reason code (:func:`failure_reason`) the tile shows; it keeps trying until
``stop()``. Frames are coalesced: the GUI only ever sees the newest one, so a slow GUI drops frames instead of
queueing them. Nothing here blocks the GUI thread: ``stop()`` waits briefly and otherwise parks the thread, which
ends by itself within its timeouts.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
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
FFMPEG_STOP_WAIT_MS = 300  # a playing FFmpeg source notices stop() between frames; a blocked one is parked

# why a stream is unavailable (the tile words them)
REFUSED = "refused"
TIMEOUT = "timeout"
NOT_FOUND = "not_found"
HTTP_ERROR = "http"
INVALID = "invalid"
NO_ANSWER = "no_answer"  # an RTSP server that says nothing, or nothing RTSP (FFmpeg reports both as invalid data)
ENDED = "ended"
NETWORK = "network"
ERROR = "error"


class StreamError(Exception):
    """A stream failed in a way worth showing (HTTP status, bad part, end of a live stream)."""

    def __init__(self, message: str, reason: str = ERROR) -> None:
        super().__init__(message)
        self.reason = reason


def failure_reason(exc: BaseException) -> str:
    """A reason code for a failed attempt, from our own errors, the socket layer and PyAV's FFmpeg errors."""
    if isinstance(exc, StreamError):
        return exc.reason
    name = type(exc).__name__
    if isinstance(exc, ConnectionRefusedError):
        return REFUSED
    if isinstance(exc, TimeoutError) or name == "ExitError":  # ExitError: PyAV's interrupt callback (open/read timeout)
        return TIMEOUT
    if isinstance(exc, FileNotFoundError) or name in ("HTTPNotFoundError", "StreamNotFoundError"):
        return NOT_FOUND
    if name.startswith("HTTP"):
        return HTTP_ERROR
    if isinstance(exc, ValueError) or name in ("InvalidDataError", "DecoderNotFoundError", "PatchWelcomeError"):
        return INVALID  # InvalidDataError is a ValueError: garbage, not a stream FFmpeg can read
    if isinstance(exc, EOFError):
        return ENDED
    if isinstance(exc, OSError):
        return NETWORK
    return ERROR


def ffmpeg_options(kind: StreamKind, backoff: Backoff) -> dict[str, str]:
    """FFmpeg options for a source: RTSP over TCP (interleaved) with a short probe, socket I/O timeouts in µs (RTSP
    ``timeout``, HTTP/HLS ``rw_timeout``) so that even calls PyAV does not time (closing, RTSP TEARDOWN) end within
    ``stall_s``."""
    io_us = str(max(1, round(backoff.stall_s * 1_000_000)))
    if kind is StreamKind.RTSP:
        # analyzeduration: probe 1 s, not FFmpeg's 5 s (a camera's first picture in ≈ 1 s instead of ≈ 3 s); a stream
        # whose parameters are not known by then still decodes from its next keyframe
        return {"rtsp_transport": "tcp", "timeout": io_us, "analyzeduration": "1000000"}
    if kind in (StreamKind.HLS, StreamKind.HTTP_VIDEO):
        return {"rw_timeout": io_us}
    return {}


def fit_size(size: tuple[int, int], fit: tuple[int, int] | None) -> tuple[int, int] | None:
    """The size to decode a ``size`` picture to so that it fits ``fit`` keeping its aspect; None = as it is (it fits
    already, or nothing to fit). Pictures are only ever made smaller."""
    w, h = size
    if fit is None or w <= 0 or h <= 0 or (w <= fit[0] and h <= fit[1]):
        return None
    s = min(fit[0] / w, fit[1] / h)
    return max(1, round(w * s)), max(1, round(h * s))


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
        self.failure = ""  # reason code of the last failed attempt
        self.opened_at = 0.0
        self.first_frame_at: float | None = None

    # ----------------------------------------------------------------- GUI side
    def take_frame(self) -> QImage | None:
        """The newest frame, once (GUI thread)."""
        with self._lock:
            img, self._latest, self._pending = self._latest, None, False
        return img

    def stop(self, wait_ms: int | None = None) -> bool:
        """Ask the thread to end, cut its socket so a blocking read returns, and wait for it a little; True when it
        has ended. Otherwise it is parked (:func:`park`): the caller must not delete it.

        An MJPEG read unblocks at once when its socket is cut. A blocked FFmpeg call (a dead RTSP host, a hung
        playlist) cannot be cut from outside; it ends by its own timeout, so the GUI waits only
        ``FFMPEG_STOP_WAIT_MS`` for it."""
        self._stop.set()
        sock = self._sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if wait_ms is None:
            wait_ms = 3000 if self.kind is StreamKind.MJPEG_HTTP else FFMPEG_STOP_WAIT_MS
        if self.wait(wait_ms):
            return True
        park(self)
        return False

    # ----------------------------------------------------------------- worker thread
    def _publish(self, img: QImage) -> None:
        if img.isNull():
            raise StreamError("undecodable frame", INVALID)
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
                raise StreamError("stream ended", ENDED if n else INVALID)
            except Exception as exc:
                if self._stop.is_set():
                    break
                self.failures += 1
                delay = self.backoff.delay(self.failures)
                self.failure = failure_reason(exc)
                self._set_state(RETRYING, f"{delay:.1f}|{self.failure}|{type(exc).__name__}: {exc}")
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
                raise StreamError(f"HTTP {r.status}", NOT_FOUND if r.status == 404 else HTTP_ERROR)
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
                raise StreamError(f"HTTP {r.status}", NOT_FOUND if r.status == 404 else HTTP_ERROR)
            return _decode(r.read(), self.target_size)
        finally:
            conn.close()

    # Files, RTSP, HLS, HTTP video through PyAV ----------------------------------------------------------------
    def _av_frames(self) -> Iterator[QImage]:
        """Decoded pictures of an FFmpeg source, paced to its clock. Every packet is decoded (inter-frame codecs need
        them all); only the conversion to a picture — scaled straight to the tile's size — is skipped for frames the
        GUI has not caught up with or that are over the tile's rate, as in the MJPEG path."""
        import av

        target = str(local_path(self.url)) if self.kind is StreamKind.FILE else self.url
        if self.kind is StreamKind.FILE and not Path(target).is_file():
            raise StreamError(f"no such file: {target}", NOT_FOUND)  # FFmpeg's message would name no reason
        options = ffmpeg_options(self.kind, self.backoff)
        try:
            opened = av.open(target, options=options, timeout=(self.backoff.open_s, self.backoff.stall_s))
        except ValueError as exc:  # av.error.InvalidDataError
            if self.kind is StreamKind.RTSP:
                raise StreamError(f"no valid RTSP answer: {exc}", NO_ANSWER) from exc
            raise
        with opened as container:
            if not container.streams.video:
                raise StreamError("no video stream", INVALID)
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
                self._cap.max_fps = self.max_fps
                if self._pending and self.frames_decoded:  # the GUI has not shown the last one: drop, do not queue
                    self.frames_skipped += 1
                    continue
                if not self._cap.admit(time.monotonic()):
                    self.frames_skipped += 1
                    continue
                size = fit_size((frame.width, frame.height), self.target_size)
                if size is None:
                    yield qimage_from_rgb(frame.to_ndarray(format="rgb24"))
                else:
                    yield qimage_from_rgb(frame.to_ndarray(format="rgb24", width=size[0], height=size[1]))


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
        raise StreamError(f"undecodable JPEG part: {reader.errorString()}", INVALID)
    return img


def _boundary(content_type: str) -> bytes:
    for part in content_type.split(";"):
        k, _, v = part.strip().partition("=")
        if k.lower() == "boundary" and v:
            b = v.strip().strip('"')
            return (b if b.startswith("--") else "--" + b).encode("latin-1")
    raise StreamError(f"not a multipart stream: {content_type or 'no Content-Type'}", INVALID)


def _read_part(fp: object, boundary: bytes) -> bytes:
    """Next JPEG body of a multipart/x-mixed-replace stream (Content-Length if given, else up to the boundary)."""
    readline = fp.readline  # type: ignore[attr-defined]
    read = fp.read  # type: ignore[attr-defined]
    for _ in range(64):  # skip the blank line / preamble before the boundary
        line = readline(1024)
        if not line:
            raise StreamError("stream ended", ENDED)
        if line.strip() == boundary:
            break
    else:
        raise StreamError("no multipart boundary", INVALID)
    length: int | None = None
    while True:
        line = readline(1024)
        if not line:
            raise StreamError("stream ended", ENDED)
        if not line.strip():
            break
        k, _, v = line.decode("latin-1").partition(":")
        if k.strip().lower() == "content-length":
            try:
                length = int(v.strip())
            except ValueError:
                raise StreamError(f"bad Content-Length {v.strip()!r}", INVALID) from None
    if length is not None:
        if not 0 < length <= MAX_PART_BYTES:
            raise StreamError(f"part size {length} out of range", INVALID)
        data = read(length)
        if len(data) < length:
            raise StreamError("stream ended inside a frame", ENDED)
        return bytes(data)
    chunks = bytearray()  # no length: read up to the JPEG end marker
    while not chunks.endswith(b"\xff\xd9"):
        b = read(1)
        if not b:
            raise StreamError("stream ended inside a frame", ENDED)
        chunks += b
        if len(chunks) > MAX_PART_BYTES:
            raise StreamError("part too large", INVALID)
    return bytes(chunks)


_parked: list[QThread] = []


def park(thread: QThread) -> None:
    """Keep a stopping thread that is still blocked (a slow download or open) alive until it finishes by itself:
    destroying a running QThread aborts the process. Finished ones are let go here, on the GUI thread (dropping the
    last reference from the thread's own ``finished`` would destroy it while it is still winding down)."""
    _parked[:] = [t for t in _parked if not t.isFinished()]
    thread.setParent(None)
    _parked.append(thread)


def parked() -> int:
    """Parked threads still running."""
    return sum(1 for t in _parked if not t.isFinished())


def wait_parked(wait_ms: int = 15_000) -> bool:
    """Wait for every parked thread to end (at shutdown, before Qt objects go away); True when none is left."""
    deadline = time.monotonic() + wait_ms / 1000
    for t in list(_parked):
        t.wait(max(0, round((deadline - time.monotonic()) * 1000)))
    _parked[:] = [t for t in _parked if not t.isFinished()]
    return not _parked
