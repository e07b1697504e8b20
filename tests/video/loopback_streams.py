"""Real RTSP and HLS sources on loopback for the stream tests (no mocks: FFmpeg on both ends of a real socket).

* :class:`RtspServer` — a small RTSP/1.0 server in Python: OPTIONS, DESCRIBE (SDP), SETUP, PLAY, GET_PARAMETER,
  TEARDOWN; media only as RTP interleaved over the RTSP TCP connection (RFC 2326 §10.12; a SETUP asking for UDP gets
  461, so a client that does not ask for TCP plays nothing). The RTP packets are made by FFmpeg's own ``rtp`` muxer
  (PyAV writing into a Python sink: every write is one RTP or RTCP packet), H.264 (RFC 6184) or H.265 (RFC 7798),
  parameter sets in band, as IP cameras send them. Not RTP/JPEG (RFC 2435): FFmpeg's own packetiser and depacketiser disagree on the
  quantisation tables and drop pictures. Why our own: this FFmpeg has no RTSP *server* for playback (``rtsp_flags listen`` makes the
  demuxer accept a pushed stream), and Debian ships no RTSP server binary (mediamtx is not packaged;
  gstreamer1.0-rtsp is a library). ``behaviour`` makes it misbehave as dead cameras do.
* :func:`write_hls` / :class:`LiveHls` — H.264 HLS made by FFmpeg's ``hls`` muxer into a directory: a finished
  playlist (``#EXT-X-ENDLIST``) or a live one whose segments are written in real time; :class:`HttpDir` serves it.

Every frame carries its number as 8 black/white blocks across the top (:func:`frame_number` reads it back from a
decoded ``QImage`` at any size), a red lower-left and a blue lower-right quarter.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import av
import numpy as np
from PySide6.QtGui import QImage

BITS = 8


def picture(n: int, size: tuple[int, int]) -> np.ndarray:
    """Frame ``n`` (mod 256) as an (h, w, 3) RGB array: number blocks on top, red and blue lower quarters."""
    w, h = size
    arr = np.full((h, w, 3), 96, np.uint8)
    bw, bh = w // BITS, h // 3
    for b in range(BITS):
        if (n >> (BITS - 1 - b)) & 1:
            arr[: bh, b * bw: (b + 1) * bw] = 255
        else:
            arr[: bh, b * bw: (b + 1) * bw] = 0
    arr[h // 2:, : w // 2] = (220, 30, 30)
    arr[h // 2:, w // 2:] = (30, 30, 220)
    return arr


def frame_number(img: QImage) -> int:
    """The number :func:`picture` drew, read from the centres of its blocks (works on a scaled picture)."""
    w, h = img.width(), img.height()
    n = 0
    for b in range(BITS):
        c = img.pixelColor(int((b + 0.5) * w / BITS), int(h / 6))
        n = (n << 1) | (1 if c.lightness() > 128 else 0)
    return n


def colours_ok(img: QImage) -> bool:
    """Red lower-left, blue lower-right: the picture came through decode and colour conversion the right way round."""
    w, h = img.width(), img.height()
    left, right = img.pixelColor(w // 4, h * 3 // 4), img.pixelColor(w * 3 // 4, h * 3 // 4)
    return left.red() > 150 > left.blue() and right.blue() > 150 > right.red()


def _encoder(container: Any, size: tuple[int, int], fps: int, codec: str = "h264") -> Any:
    """libx264 (or libx265), a keyframe every second, no lookahead: what a camera's encoder does."""
    stream = container.add_stream("libx265" if codec == "h265" else "libx264", rate=fps)
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    if codec == "h265":
        stream.codec_context.options = {"preset": "ultrafast", "tune": "zerolatency",
                                        "x265-params": f"keyint={fps}:min-keyint={fps}:log-level=error"}
    else:
        stream.codec_context.options = {"preset": "ultrafast", "tune": "zerolatency", "g": str(fps),
                                        "keyint_min": str(fps), "sc_threshold": "0"}
    stream.thread_count = 1
    return stream


def _frame(n: int, size: tuple[int, int]) -> av.VideoFrame:
    f = av.VideoFrame.from_ndarray(picture(n, size), format="rgb24")
    f.pts = n
    return f


# ---------------------------------------------------------------------------------------------------------- RTSP
class _PacketSink(io.RawIOBase):
    """FFmpeg's rtp muxer flushes after each packet, so each ``write`` is exactly one RTP or RTCP packet."""

    def __init__(self, send: Callable[[bytes], None]) -> None:
        super().__init__()
        self.send = send

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self.send(data)
        return len(data)


class RtspServer:
    """Loopback RTSP server; ``behaviour``: ``ok``, ``silent`` (accepts, never answers), ``garbage`` (answers noise),
    ``no_media`` (PLAY answered, no RTP sent); ``frozen.set()`` stops the pictures of open sessions. ``stop()`` cuts every session, ``start()`` again reuses the port."""

    def __init__(self, size: tuple[int, int] = (320, 180), fps: int = 10, *, path: str = "/cam",
                 behaviour: str = "ok", codec: str = "h264") -> None:
        self.codec = codec
        self.size, self.fps, self.path, self.behaviour = size, fps, path, behaviour
        self.requested_port = 0
        self.setups_tcp = 0
        self.setups_udp = 0
        self.plays = 0
        self.requests = 0  # RTSP requests read (a silent server too)
        self.frozen = threading.Event()  # set: sessions stay open but no RTP is sent (a hung encoder)
        self._srv: socketserver.ThreadingTCPServer | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        assert self._srv is not None
        return int(self._srv.server_address[1])

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}{self.path}"

    def start(self) -> RtspServer:
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                owner._serve(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        srv = socketserver.ThreadingTCPServer(("127.0.0.1", self.requested_port), Handler)
        srv.daemon_threads = True
        self._srv = srv
        self.requested_port = self.port
        self._thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        srv, self._srv = self._srv, None
        if srv is not None:
            srv.shutdown()
            srv.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=2)

    def __enter__(self) -> RtspServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------------------ session
    def _serve(self, sock: socket.socket) -> None:
        with self._lock:
            self._conns.add(sock)
        playing = threading.Event()
        send_lock = threading.Lock()
        try:
            rfile = sock.makefile("rb")
            while True:
                req = _read_request(rfile)
                if req is None:
                    return
                self.requests += 1
                if self.behaviour == "silent":
                    continue
                if self.behaviour == "garbage":
                    sock.sendall(os.urandom(512))
                    continue
                method, url, headers = req
                cseq = headers.get("cseq", "0")
                reply = functools.partial(self._reply, sock, send_lock, cseq)
                if method == "OPTIONS":
                    reply(200, {"Public": "OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN"})
                elif method == "DESCRIBE":
                    if not url.rstrip("/").endswith(self.path):
                        reply(404)
                        continue
                    sdp = self._sdp().encode()
                    reply(200, {"Content-Base": f"{self.url}/", "Content-Type": "application/sdp"}, sdp)
                elif method == "SETUP":
                    transport = headers.get("transport", "")
                    if "interleaved" not in transport and "/TCP" not in transport.upper():
                        self.setups_udp += 1
                        reply(461)
                        continue
                    self.setups_tcp += 1
                    reply(200, {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1",
                                "Session": "urbanops-test;timeout=60"})
                elif method == "PLAY":
                    self.plays += 1
                    reply(200, {"Session": "urbanops-test", "Range": "npt=0.000-"})
                    if self.behaviour == "ok" and not playing.is_set():
                        playing.set()
                        threading.Thread(target=self._stream, args=(sock, send_lock), daemon=True).start()
                elif method in ("GET_PARAMETER", "TEARDOWN"):
                    reply(200, {"Session": "urbanops-test"})
                    if method == "TEARDOWN":
                        return
                else:
                    reply(501)
        except OSError:
            return
        finally:
            with self._lock:
                self._conns.discard(sock)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    @staticmethod
    def _reply(sock: socket.socket, lock: threading.Lock, cseq: str, status: int,
               headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        reason = {200: "OK", 404: "Not Found", 461: "Unsupported Transport", 501: "Not Implemented"}[status]
        lines = [f"RTSP/1.0 {status} {reason}", f"CSeq: {cseq}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        with lock:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def _sdp(self) -> str:
        media = (["m=video 0 RTP/AVP 96", "a=rtpmap:96 H265/90000"] if self.codec == "h265" else
                 ["m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=fmtp:96 packetization-mode=1"])
        return "\r\n".join(["v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=urbanops test camera", "c=IN IP4 0.0.0.0",
                            "t=0 0", "a=control:*", *media, "a=control:track0", ""])

    def _stream(self, sock: socket.socket, lock: threading.Lock) -> None:
        """Encode frames in real time and send each RTP packet on channel 0 (RTCP on 1) until the socket fails."""

        def send(pkt: bytes) -> None:
            channel = 1 if 200 <= pkt[1] <= 204 else 0
            with lock:
                sock.sendall(b"$" + bytes([channel]) + len(pkt).to_bytes(2, "big") + pkt)

        try:
            out = av.open(_PacketSink(send), "w", format="rtp", options={"packetsize": "1400"})
            stream = _encoder(out, self.size, self.fps, self.codec)
            t0 = time.monotonic()
            n = 0
            while True:
                if self.frozen.is_set():
                    time.sleep(0.05)
                    continue
                for p in stream.encode(_frame(n, self.size)):
                    out.mux(p)
                n += 1
                time.sleep(max(0.0, t0 + n / self.fps - time.monotonic()))
        except Exception:  # the client went away or the server was stopped: that session's stream ends
            return


def _read_request(rfile: Any) -> tuple[str, str, dict[str, str]] | None:
    """The next RTSP request (method, url, lower-cased headers); interleaved packets from the client are skipped."""
    while True:
        first = rfile.read(1)
        if not first:
            return None
        if first == b"$":  # RTCP receiver report on the interleaved channel
            head = rfile.read(3)
            if len(head) < 3:
                return None
            rfile.read(int.from_bytes(head[1:], "big"))
            continue
        line = (first + rfile.readline(4096)).decode("latin-1").strip()
        if line:
            break
    parts = line.split()
    headers: dict[str, str] = {}
    while True:
        h = rfile.readline(4096).decode("latin-1").strip()
        if not h:
            break
        k, _, v = h.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0") or 0)
    if length:
        rfile.read(length)
    return (parts[0] if parts else "", parts[1] if len(parts) > 1 else "", headers)


# ----------------------------------------------------------------------------------------------------------- HLS
HLS_OPTIONS = {"hls_time": "1", "hls_flags": "temp_file"}


def write_hls(directory: Path, frames: int, size: tuple[int, int] = (320, 180), fps: int = 10) -> Path:
    """A finished H.264 HLS playlist of ``frames`` frames (1 s segments) in ``directory``; its playlist path."""
    directory.mkdir(parents=True, exist_ok=True)
    playlist = directory / "index.m3u8"
    with av.open(str(playlist), "w", format="hls", options={**HLS_OPTIONS, "hls_list_size": "0"}) as out:
        stream = _encoder(out, size, fps)
        for n in range(frames):
            for p in stream.encode(_frame(n, size)):
                out.mux(p)
        for p in stream.encode(None):
            out.mux(p)
    return playlist


class LiveHls:
    """A live HLS playlist: frames encoded in real time, a 1 s segment appended to the playlist as each completes,
    no ``#EXT-X-ENDLIST`` while it runs. ``frames_written`` is the number of frames encoded so far."""

    def __init__(self, directory: Path, size: tuple[int, int] = (320, 180), fps: int = 10) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.playlist = directory / "index.m3u8"
        self.size, self.fps = size, fps
        self.frames_written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> LiveHls:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def segments(self) -> int:
        if not self.playlist.exists():
            return 0
        return self.playlist.read_text(encoding="utf-8").count("#EXTINF")

    def _run(self) -> None:
        with av.open(str(self.playlist), "w", format="hls", options={**HLS_OPTIONS, "hls_list_size": "6"}) as out:
            stream = _encoder(out, self.size, self.fps)
            t0 = time.monotonic()
            while not self._stop.is_set():
                for p in stream.encode(_frame(self.frames_written, self.size)):
                    out.mux(p)
                self.frames_written += 1
                self._stop.wait(max(0.0, t0 + self.frames_written / self.fps - time.monotonic()))


class HttpDir:
    """A directory served over HTTP on loopback (``http.server``), e.g. HLS playlists and segments."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> HttpDir:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def silent_listener() -> tuple[socket.socket, int]:
    """A TCP socket that accepts connections (the kernel does, from its backlog) and never says anything."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s, int(s.getsockname()[1])


def closed_port() -> int:
    """A loopback port nobody listens on (bound then closed: connecting is refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port
