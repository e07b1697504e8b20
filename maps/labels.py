"""Screen-space labels: pre-rendered haloed text pixmaps, placed greedily without overlap.

Labels are anchored in metres but drawn in device pixels so they never scale with zoom. A coarse occupancy bitmap
(8-px cells) shared by all layers during one frame keeps labels of different layers from piling up; the canvas resets
it at the start of each frame (see :func:`begin_frame`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsScene

from maps.text import font_generation, map_font

OCC_CELL_PX = 8


@dataclass(frozen=True)
class LabelStyle:
    pixel_size: int = 13
    bold: bool = False
    colour: str = "#dfe7ef"  # any QColor name, "#rrggbb" or "#aarrggbb"
    halo: str = "#e60a0e13"
    halo_px: float = 3.0

    def key(self) -> tuple[int, bool, str, str, float]:
        return (self.pixel_size, self.bold, self.colour, self.halo, self.halo_px)


_pixmap_cache: dict[tuple[object, ...], QPixmap] = {}
_CACHE_LIMIT = 6000


def label_pixmap(text: str, style: LabelStyle) -> QPixmap:
    """Haloed text as a pixmap (cached; rebuilt when the map font family changes)."""
    key = (text, style.key(), font_generation())
    pm = _pixmap_cache.get(key)
    if pm is not None:
        return pm
    font = map_font(style.pixel_size, bold=style.bold)
    fm = QFontMetricsF(font)
    pad = int(np.ceil(style.halo_px)) + 1
    w = int(np.ceil(fm.horizontalAdvance(text))) + 2 * pad
    h = int(np.ceil(fm.height())) + 2 * pad
    pm = QPixmap(max(w, 1), max(h, 1))
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    path = QPainterPath()
    path.addText(QPointF(pad, pad + fm.ascent()), font, text)
    if style.halo_px > 0:
        pen = QPen(QColor(style.halo), style.halo_px * 2)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.strokePath(path, pen)
    p.fillPath(path, QColor(style.colour))
    p.end()
    if len(_pixmap_cache) > _CACHE_LIMIT:
        _pixmap_cache.clear()
    _pixmap_cache[key] = pm
    return pm


class Occupancy:
    """Which 8-px cells of the viewport are already covered by a label this frame."""

    def __init__(self, width_px: int, height_px: int) -> None:
        self.width_px = width_px
        self.height_px = height_px
        self._grid: npt.NDArray[np.bool_] = np.zeros(
            (height_px // OCC_CELL_PX + 2, width_px // OCC_CELL_PX + 2), dtype=bool
        )

    def try_claim(self, rect: QRectF) -> bool:
        """Claim ``rect`` (device px) if free and on screen; False when it would overlap or fall off-screen."""
        if rect.left() < 0 or rect.top() < 0 or rect.right() > self.width_px or rect.bottom() > self.height_px:
            return False
        c0 = int(rect.left()) // OCC_CELL_PX
        c1 = int(rect.right()) // OCC_CELL_PX + 1
        r0 = int(rect.top()) // OCC_CELL_PX
        r1 = int(rect.bottom()) // OCC_CELL_PX + 1
        cells = self._grid[r0:r1, c0:c1]
        if cells.any():
            return False
        cells[:] = True
        return True


_OCC_ATTR = "_urbanops_label_occupancy"


def begin_frame(scene: QGraphicsScene, width_px: int, height_px: int) -> None:
    """Start a new frame: forget all claimed label space of ``scene``."""
    setattr(scene, _OCC_ATTR, Occupancy(width_px, height_px))


def frame_occupancy(scene: QGraphicsScene | None, width_px: int, height_px: int) -> Occupancy:
    """The frame's shared occupancy, or a private one when no canvas manages frames."""
    occ = getattr(scene, _OCC_ATTR, None) if scene is not None else None
    if isinstance(occ, Occupancy) and occ.width_px == width_px and occ.height_px == height_px:
        return occ
    return Occupancy(width_px, height_px)


def draw_labels(
    painter: QPainter,
    occupancy: Occupancy,
    px: npt.NDArray[np.float64],
    py: npt.NDArray[np.float64],
    texts: list[str],
    style: LabelStyle,
    *,
    offset_px: tuple[float, float] = (0.0, 0.0),
    centred: bool = True,
    max_labels: int = 400,
) -> int:
    """Draw labels at device positions in priority order (caller sorts); returns how many were placed.

    The painter must have an identity transform (device pixels).
    """
    placed = 0
    for i in range(min(len(texts), px.shape[0])):
        if placed >= max_labels:
            break
        text = texts[i]
        if not text:
            continue
        pm = label_pixmap(text, style)
        w, h = pm.width(), pm.height()
        x = px[i] + offset_px[0] - (w / 2 if centred else 0.0)
        y = py[i] + offset_px[1] - h / 2
        rect = QRectF(x, y, w, h)
        if not occupancy.try_claim(rect):
            continue
        painter.drawPixmap(QPointF(x, y), pm)
        placed += 1
    return placed
