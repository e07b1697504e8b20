"""Short generated clips (演示视频片段): H.264 MP4 files of the synthetic scene, written with PyAV (FFmpeg).

Evidence clips in the demo come from here, through the camera server's Frigate-shaped clip endpoints. The encoder runs
single-threaded so that the same (camera, start, length) gives the same bytes — a fetched clip hashes the same twice.
A keyframe every second keeps frame stepping and scrubbing cheap for the player.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import numpy as np

from console.errors import ValidationError
from console.video.synth import DEFAULT_FPS, SceneRenderer

MAX_CLIP_SECONDS = 600.0
CLIP_CODEC = "libx264"


def _write(out: IO[bytes] | str, renderer: SceneRenderer, start_utc: datetime, seconds: float, fps: float) -> int:
    if not 0 < seconds <= MAX_CLIP_SECONDS:
        raise ValidationError(f"片段长度须在 0–{MAX_CLIP_SECONDS:.0f} 秒之间：{seconds}",
                              f"clip length must be within 0–{MAX_CLIP_SECONDS:.0f} s: {seconds}")
    if not 1 <= fps <= 60:
        raise ValidationError(f"帧率须在 1–60 之间：{fps}", f"fps must be within 1–60: {fps}")
    import av  # FFmpeg loads only when a clip is made (the console starts without it)

    n = max(1, round(seconds * fps))
    w, h = renderer.size
    rate = round(fps)
    container = av.open(out, mode="w", format="mp4")
    try:
        stream = container.add_stream(CLIP_CODEC, rate=rate)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height = w - w % 2, h - h % 2
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "superfast", "crf": "26", "threads": "1", "g": str(rate), "bf": "0"}
        stream.codec_context.thread_count = 1
        for k in range(n):
            img = renderer.frame(start_utc + timedelta(seconds=k / rate))
            arr = np.ascontiguousarray(np.asarray(img)[0: stream.height, 0: stream.width])
            frame = av.VideoFrame.from_ndarray(arr, format="rgb24")
            frame.pts = k
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    finally:
        container.close()
    return n


def clip_bytes(renderer: SceneRenderer, start_utc: datetime, seconds: float, fps: float = DEFAULT_FPS) -> bytes:
    """An MP4 (H.264) of ``seconds`` of the scene from ``start_utc`` (aware)."""
    buf = io.BytesIO()
    _write(buf, renderer, start_utc, seconds, fps)
    return buf.getvalue()


def write_clip(path: Path, renderer: SceneRenderer, start_utc: datetime, seconds: float,
               fps: float = DEFAULT_FPS) -> Path:
    """Write the clip to ``path`` (parents created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(clip_bytes(renderer, start_utc, seconds, fps))
    tmp.replace(path)
    return path
