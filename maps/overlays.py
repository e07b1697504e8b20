"""Screen-space map furniture: scale bar, north arrow, cursor read-out and layer notes.

Pure painting helpers; the canvas calls them from its view's ``drawForeground`` with an identity transform, so they are
in grabbed images too.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from maps.text import map_font
from maps.theme import MapTheme

NICE_STEPS = (1.0, 2.0, 5.0)


def nice_length_m(max_m: float) -> float:
    """Largest 1/2/5 × 10^k metres not above ``max_m`` (at least 1 m)."""
    if not math.isfinite(max_m) or max_m <= 1.0:
        return 1.0
    exp = math.floor(math.log10(max_m))
    best = 10.0**exp
    for step in NICE_STEPS:
        v = step * 10.0**exp
        if v <= max_m:
            best = v
    return best


def length_label_zh(metres: float) -> str:
    """"500 米", "2 公里", "1.5 公里"."""
    if metres < 1000.0:
        return f"{metres:g} 米"
    return f"{metres / 1000.0:g} 公里"


def length_label(metres: float) -> str:
    """The scale-bar label in the UI language ("500 米" / "500 m")."""
    if metres < 1000.0:
        return QCoreApplication.translate("map", "%1 米").replace("%1", f"{metres:g}")
    return QCoreApplication.translate("map", "%1 公里").replace("%1", f"{metres / 1000.0:g}")


def _haloed_text(p: QPainter, pos: QPointF, text: str, pixel_size: int, theme: MapTheme, bold: bool = False) -> None:
    font = map_font(pixel_size, bold=bold)
    path = QPainterPath()
    path.addText(pos, font, text)
    pen = QPen(theme.overlay_halo, 4.0)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.strokePath(path, pen)
    p.fillPath(path, theme.overlay_text)


def paint_scale_bar(p: QPainter, scale_m_per_px: float, x_px: float, y_px: float, theme: MapTheme,
                    target_px: float = 140.0) -> float:
    """Scale bar with its left end at (x_px, y_px baseline); returns the bar length in metres."""
    metres = nice_length_m(target_px * scale_m_per_px)
    length_px = metres / scale_m_per_px
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    halo = QPen(theme.overlay_halo, 6.0)
    halo.setCapStyle(Qt.PenCapStyle.FlatCap)
    p.setPen(halo)
    p.drawLine(QPointF(x_px, y_px), QPointF(x_px + length_px, y_px))
    # two-tone bar: classic cartographic style, readable on dark and light maps
    half = length_px / 2
    p.setPen(QPen(theme.overlay_text, 4.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    p.drawLine(QPointF(x_px, y_px), QPointF(x_px + half, y_px))
    p.setPen(QPen(theme.overlay_halo.lighter(250), 4.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    p.drawLine(QPointF(x_px + half, y_px), QPointF(x_px + length_px, y_px))
    p.setPen(QPen(theme.overlay_text, 1.5))
    for tx in (x_px, x_px + half, x_px + length_px):
        p.drawLine(QPointF(tx, y_px - 6), QPointF(tx, y_px + 2))
    label = length_label(metres)
    fm = QFontMetricsF(map_font(13))
    _haloed_text(p, QPointF(x_px + length_px / 2 - fm.horizontalAdvance(label) / 2, y_px - 10), label, 13, theme)
    _haloed_text(p, QPointF(x_px - 2, y_px - 10), "0", 12, theme)
    return metres


def paint_north_arrow(p: QPainter, cx: float, cy: float, theme: MapTheme, size_px: float = 26.0) -> None:
    """指北针: a split arrowhead pointing up with 北 above it."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    r = size_px
    p.setPen(QPen(theme.overlay_text, 1.2))
    panel = QColor(theme.overlay_panel)
    p.setBrush(panel)
    p.drawEllipse(QPointF(cx, cy), r, r)
    tip, base_l, base_r, notch = (
        QPointF(cx, cy - r * 0.8), QPointF(cx - r * 0.45, cy + r * 0.6), QPointF(cx + r * 0.45, cy + r * 0.6),
        QPointF(cx, cy + r * 0.25),
    )
    p.setPen(QPen(theme.overlay_text, 1.0))
    p.setBrush(theme.overlay_text)
    p.drawPolygon(QPolygonF([tip, base_l, notch]))
    p.setBrush(QColor("#e53935"))
    p.drawPolygon(QPolygonF([tip, notch, base_r]))
    fm = QFontMetricsF(map_font(14, bold=True))
    north = QCoreApplication.translate("map", "北")
    _haloed_text(p, QPointF(cx - fm.horizontalAdvance(north) / 2, cy - r - 5), north, 14, theme, bold=True)


def paint_text_box(p: QPainter, text: str, x_px: float, y_px: float, theme: MapTheme, *, align_right: bool = False,
                   pixel_size: int = 12) -> QRectF:
    """A line of text on a translucent panel; (x, y) is the bottom-left (or bottom-right) corner."""
    font = map_font(pixel_size)
    fm = QFontMetricsF(font)
    w = fm.horizontalAdvance(text) + 12
    h = fm.height() + 6
    left = x_px - w if align_right else x_px
    rect = QRectF(left, y_px - h, w, h)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(theme.overlay_panel)
    p.drawRoundedRect(rect, 4, 4)
    p.setPen(theme.overlay_text)
    p.setFont(font)
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return rect
