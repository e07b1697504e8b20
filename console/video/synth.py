"""Synthetic camera pictures (合成画面): a deterministic street-ish scene per camera, a function of camera id and time.

The demo and the tests have no real cameras, so every picture the camera server hands out is drawn here: a fixed
background per camera (sky, buildings, road, pavement — colours and layout seeded by the camera id), vehicles and
pedestrians whose positions are a pure function of the time, and an overlay with the camera name, its id and the
local (Asia/Shanghai) timestamp. The same (camera, time) always gives the same pixels and, through the same libjpeg,
the same JPEG bytes, which makes evidence fetched from the synthetic server hashable and reproducible.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from console.resources import resource_path

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_SIZE = (640, 360)
DEFAULT_FPS = 10.0
JPEG_QUALITY = 72
FONT_FILE = ("fonts", "wqy-microhei.ttc")


def camera_seed(camera_id: str) -> int:
    """A stable 64-bit seed from a camera id (Python's ``hash`` is salted per process, sha256 is not)."""
    return int.from_bytes(hashlib.sha256(camera_id.encode("utf-8")).digest()[:8], "big")


@lru_cache(maxsize=8)
def _font(size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(resource_path(*FONT_FILE)), size_px)
    except OSError:  # font missing from a stripped bundle: ASCII bitmap font, still readable
        return ImageFont.load_default()


@dataclass(frozen=True)
class Mover:
    """One moving object: lane y (fraction of height), speed in px/s (sign = direction), phase, size, colour."""

    kind: str  # "car", "truck", "muck_truck", "person"
    y_frac: float
    speed_px_s: float
    phase_px: float
    length_px: int
    height_px: int
    rgb: tuple[int, int, int]


class SceneRenderer:
    """Draws frames of one camera. Thread-safe: the background is built once, frames are drawn on copies."""

    def __init__(self, camera_id: str, name: str | None = None, size: tuple[int, int] = DEFAULT_SIZE,
                 *, ai: bool | None = None) -> None:
        self.camera_id = camera_id
        self.name = name or camera_id
        self.size = (max(64, int(size[0])), max(48, int(size[1])))
        self.ai = camera_id.startswith("CAM-LK") if ai is None else ai
        self._rng = random.Random(camera_seed(camera_id))
        self._lock = threading.Lock()
        self.background = self._draw_background()
        self.movers = self._make_movers()
        self._draw_static_overlay(ImageDraw.Draw(self.background))

    # ----------------------------------------------------------------- static part
    def _draw_background(self) -> Image.Image:
        w, h = self.size
        rng = self._rng
        img = Image.new("RGB", (w, h))
        d = ImageDraw.Draw(img)
        horizon = int(h * rng.uniform(0.34, 0.42))
        top = (rng.randint(70, 110), rng.randint(110, 150), rng.randint(150, 200))
        for y in range(horizon):  # sky gradient, hazy towards the horizon
            f = y / max(1, horizon)
            d.line([(0, y), (w, y)], fill=tuple(int(c + (215 - c) * f) for c in top))
        x = 0
        while x < w:  # buildings with lit windows
            bw = rng.randint(w // 14, w // 6)
            bh = rng.randint(int(horizon * 0.35), int(horizon * 0.95))
            shade = rng.randint(70, 150)
            body = (shade, shade - rng.randint(0, 20), shade - rng.randint(0, 35))
            d.rectangle([x, horizon - bh, x + bw, horizon], fill=body)
            for wy in range(horizon - bh + 6, horizon - 6, 12):
                for wx in range(x + 5, x + bw - 6, 10):
                    if rng.random() < 0.55:
                        d.rectangle([wx, wy, wx + 4, wy + 5], fill=(200, 190, 120) if rng.random() < 0.4 else (60, 70, 90))
            x += bw + rng.randint(0, 6)
        pave = (rng.randint(140, 170),) * 3
        d.rectangle([0, horizon, w, h], fill=pave)  # pavement near the buildings
        road_top, road_bot = int(horizon + (h - horizon) * 0.22), int(h * 0.9)
        d.rectangle([0, road_top, w, road_bot], fill=(58, 60, 64))
        d.line([(0, road_top), (w, road_top)], fill=(230, 230, 230), width=2)
        d.line([(0, road_bot), (w, road_bot)], fill=(230, 230, 230), width=2)
        mid = (road_top + road_bot) // 2
        for xx in range(0, w, 40):  # dashed centre line
            d.line([(xx, mid), (xx + 22, mid)], fill=(235, 200, 60), width=3)
        for k, xx in enumerate(range(rng.randint(20, 80), w, rng.randint(90, 160))):  # street trees
            d.ellipse([xx - 12, horizon - 4 + (k % 2) * 3, xx + 12, horizon + 18], fill=(50, 110 + (k % 3) * 15, 60))
        self._road = (road_top, road_bot)
        self._horizon = horizon
        return img

    def _make_movers(self) -> list[Mover]:
        rng = self._rng
        w, h = self.size
        road_top, road_bot = self._road
        lane_h = (road_bot - road_top) / 4
        out: list[Mover] = []
        palette = [(200, 40, 40), (240, 240, 240), (30, 30, 30), (40, 80, 170), (150, 150, 160), (230, 180, 40)]
        for i in range(rng.randint(4, 6)):
            lane = i % 4
            direction = 1 if lane >= 2 else -1
            kind = "car"
            if self.ai and i == 0:
                kind = "muck_truck"
            elif rng.random() < 0.2:
                kind = "truck"
            length = {"car": w // 11, "truck": w // 6, "muck_truck": w // 5}[kind]
            height = {"car": int(lane_h * 0.7), "truck": int(lane_h * 0.9), "muck_truck": int(lane_h * 0.95)}[kind]
            out.append(Mover(kind, (road_top + lane_h * (lane + 0.5)) / h, direction * rng.uniform(w / 9, w / 4),
                             rng.uniform(0, w * 2), length, max(6, height), rng.choice(palette)))
        for _ in range(rng.randint(2, 4)):
            y = (self._horizon + (road_top - self._horizon) * rng.uniform(0.3, 0.8)) / h
            out.append(Mover("person", y, rng.choice([-1, 1]) * rng.uniform(w / 60, w / 30), rng.uniform(0, w * 2),
                             max(4, w // 90), max(10, h // 18), rng.choice(palette)))
        return out

    # ----------------------------------------------------------------- moving part
    def _draw_movers(self, d: ImageDraw.ImageDraw, t_s: float) -> None:
        w, h = self.size
        for m in self.movers:
            span = w + 2 * m.length_px
            x = (m.phase_px + m.speed_px_s * t_s) % span - m.length_px
            yc = m.y_frac * h
            if m.kind == "person":
                bob = 1.5 * math.sin(t_s * 6 + m.phase_px)
                d.ellipse([x, yc - m.height_px + bob, x + m.length_px, yc - m.height_px + m.length_px + bob],
                          fill=(230, 200, 170))
                d.rectangle([x, yc - m.height_px + m.length_px + bob, x + m.length_px, yc + bob], fill=m.rgb)
                continue
            y0, y1 = yc - m.height_px / 2, yc + m.height_px / 2
            forward = m.speed_px_s > 0
            if m.kind == "muck_truck":  # 渣土车: cab plus an open (uncovered) earth load
                cab = m.length_px * 0.28
                cx0, cx1 = (x + m.length_px - cab, x + m.length_px) if forward else (x, x + cab)
                bx0, bx1 = (x, x + m.length_px - cab - 2) if forward else (x + cab + 2, x + m.length_px)
                d.rectangle([cx0, y0, cx1, y1], fill=(210, 120, 30))
                d.rectangle([bx0, y0 + 2, bx1, y1], fill=(120, 120, 110))
                d.rectangle([bx0 + 2, y0 - 3, bx1 - 2, y0 + 5], fill=(122, 84, 50))
            else:
                d.rounded_rectangle([x, y0, x + m.length_px, y1], radius=3, fill=m.rgb)
                glass = m.length_px * 0.3
                gx = x + m.length_px - glass - 2 if forward else x + 2
                d.rectangle([gx, y0 + 2, gx + glass, y1 - 2], fill=(80, 110, 140))
            d.ellipse([x + 2, y1 - 3, x + 8, y1 + 3], fill=(15, 15, 15))
            d.ellipse([x + m.length_px - 8, y1 - 3, x + m.length_px - 2, y1 + 3], fill=(15, 15, 15))

    def _draw_static_overlay(self, d: ImageDraw.ImageDraw) -> None:
        """Title bar and footer: drawn once into the background (text rendering is the costly part)."""
        w, h = self.size
        fs = max(10, h // 22)
        font = _font(fs)
        d.rectangle([0, 0, w, fs + 8], fill=(0, 0, 0))
        d.text((6, 3), f"{self.name}  {self.camera_id}", font=font, fill=(255, 255, 255))
        d.text((6, h - fs - 6), "合成画面 SYNTHETIC", font=font, fill=(255, 255, 255))
        self._stamp_w = int(d.textlength("0000-00-00 00:00:00.0", font=font)) + 12

    def _draw_overlay(self, d: ImageDraw.ImageDraw, when_utc: datetime) -> None:
        w, h = self.size
        fs = max(10, h // 22)
        font = _font(fs)
        local = when_utc.astimezone(LOCAL_TZ)
        stamp = local.strftime("%Y-%m-%d %H:%M:%S") + f".{local.microsecond // 100000}"
        d.rectangle([w - self._stamp_w, 0, w, fs + 8], fill=(0, 0, 0))  # vehicles never reach the title bar
        d.text((w - self._stamp_w + 6, 3), stamp, font=font, fill=(255, 230, 120))

    # ----------------------------------------------------------------- API
    def frame(self, when_utc: datetime) -> Image.Image:
        """The picture at ``when_utc`` (aware datetime)."""
        if when_utc.tzinfo is None:
            raise ValueError("when_utc must be timezone-aware")
        img = self.background.copy()
        d = ImageDraw.Draw(img)
        self._draw_movers(d, when_utc.timestamp() % 86400.0)
        self._draw_overlay(d, when_utc)
        return img

    def jpeg(self, when_utc: datetime, quality: int = JPEG_QUALITY) -> bytes:
        """The picture at ``when_utc`` as baseline JPEG bytes."""
        buf = io.BytesIO()
        self.frame(when_utc).save(buf, "JPEG", quality=quality)
        return buf.getvalue()

    def png(self, when_utc: datetime) -> bytes:
        buf = io.BytesIO()
        self.frame(when_utc).save(buf, "PNG")
        return buf.getvalue()


def frame_time(t_utc: datetime, fps: float) -> datetime:
    """``t_utc`` snapped down to the frame grid of ``fps`` (so every client sees the same frame for one instant)."""
    ts = math.floor(t_utc.timestamp() * fps) / fps
    return datetime.fromtimestamp(ts, UTC)
