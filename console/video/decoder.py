"""Frame-accurate clip access (逐帧解码) for the evidence clip player and the video wall.

On open the clip's packets are indexed (demux only, no decoding): every frame's presentation time and where the
keyframes are. ``frame(k)`` then decodes frame k exactly — continuing from the previous frame when playing forward,
seeking to the keyframe at or before k otherwise — so stepping, scrubbing and playing at any speed show the true
frame k, not "about there". Qt-free; frames are (h, w, 3) uint8 RGB arrays.
"""

from __future__ import annotations

import bisect
import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from console.errors import ValidationError

if TYPE_CHECKING:
    import av

RGBArray = npt.NDArray[np.uint8]
MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024
DOWNLOAD_TIMEOUT_S = 30.0


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as r:
        if r.status != 200:
            raise OSError(f"HTTP {r.status}")
        data = bytes(r.read(MAX_DOWNLOAD_BYTES + 1))
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise OSError("clip larger than 512 MiB")
    return data


@dataclass(frozen=True)
class ClipInfo:
    """Frame count, nominal rate, size and duration (s) of an opened clip."""

    frames: int
    fps: float
    width: int
    height: int
    duration_s: float


class ClipDecoder:
    """Random access to the frames of one video file or URL (not thread-safe: one decoder per thread)."""

    def __init__(self, source: str | Path) -> None:
        import av  # FFmpeg loads only when a clip is opened

        self.source = str(source)
        try:
            if self.source.startswith(("http://", "https://")):
                # Recorder clips are small; fetching them whole makes seeking free and does not depend on the
                # server honouring Range requests (an MP4's index may sit at its end).
                self._container: av.container.InputContainer = av.open(io.BytesIO(_download(self.source)), "r")
            else:
                self._container = av.open(self.source.removeprefix("file://"), "r", timeout=(10.0, 10.0))
        except (av.FFmpegError, OSError, urllib.error.URLError) as exc:
            raise ValidationError(f"无法打开视频 {self.source}：{exc}", f"cannot open video {self.source}: {exc}") from exc
        if not self._container.streams.video:
            self._container.close()
            raise ValidationError(f"没有视频流：{self.source}", f"no video stream in {self.source}")
        self._stream = self._container.streams.video[0]
        pts: list[int] = []
        keys: list[int] = []
        try:
            for packet in self._container.demux(self._stream):
                if packet.pts is None or packet.size == 0:
                    continue
                pts.append(int(packet.pts))
                if packet.is_keyframe:
                    keys.append(int(packet.pts))
        except av.FFmpegError as exc:
            self._container.close()
            raise ValidationError(f"视频已损坏：{self.source}（{exc}）", f"video is damaged: {self.source} ({exc})") from exc
        if not pts:
            self._container.close()
            raise ValidationError(f"视频没有帧：{self.source}", f"video has no frames: {self.source}")
        self._pts = sorted(pts)
        self._keys = sorted(keys) or [self._pts[0]]
        tb = self._stream.time_base
        self._tb = float(tb) if tb is not None else 1 / 90000
        rate = self._stream.average_rate or self._stream.guessed_rate
        n = len(self._pts)
        dur = (self._pts[-1] - self._pts[0]) * self._tb
        fps = float(rate) if rate else ((n - 1) / dur if dur > 0 else 25.0)
        ctx = self._stream.codec_context
        self.info = ClipInfo(n, fps, int(ctx.width), int(ctx.height), dur + 1.0 / fps)
        self._iter: Iterator[av.VideoFrame] | None = None
        self._next_index = -1  # index the running decoder will yield next (-1: must seek)

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> ClipDecoder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def time_of(self, index: int) -> float:
        """Seconds from the clip start to frame ``index``."""
        return (self._pts[index] - self._pts[0]) * self._tb

    def index_at(self, seconds: float) -> int:
        """The frame shown at ``seconds`` from the start (the last one whose time is ≤ seconds), clamped."""
        target = self._pts[0] + seconds / self._tb
        k = bisect.bisect_right(self._pts, target + 1e-9) - 1
        return max(0, min(len(self._pts) - 1, k))

    def frame(self, index: int) -> RGBArray:
        """Frame ``index`` (0-based, clamped to the clip) as RGB."""
        index = max(0, min(self.info.frames - 1, int(index)))
        if self._iter is None or index != self._next_index:
            self._seek_before(index)
        target = self._pts[index]
        assert self._iter is not None
        for frame in self._iter:
            if frame.pts is None:
                continue
            if frame.pts >= target:
                self._next_index = bisect.bisect_right(self._pts, frame.pts)
                return np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
        # ran off the end (should not happen with a consistent index): restart once from the keyframe
        self._seek_before(index)
        again = self._iter
        assert again is not None
        for frame in again:
            if frame.pts is not None and frame.pts >= target:
                self._next_index = index + 1
                return np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)
        raise ValidationError(f"无法解码第 {index} 帧", f"cannot decode frame {index}")

    def _seek_before(self, index: int) -> None:
        key = self._keys[max(0, bisect.bisect_right(self._keys, self._pts[index]) - 1)]
        self._container.seek(key, stream=self._stream, backward=True, any_frame=False)
        self._iter = self._container.decode(self._stream)
        self._next_index = -1
