"""Draw the urbanops app icon (a shield with a map pin in the bureau's blue) with QPainter.

Run once when the design changes: ``QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py``.
It writes ``installer/icons/urbanops-<N>.png`` for the hicolor sizes, ``urbanops.png`` (256 px, the window icon)
and ``urbanops.ico`` (PNG-compressed entries, for the Windows build). The PNGs are committed, so a build needs no drawing.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ICON_DIR = Path(__file__).resolve().parent / "icons"
SIZES_PX = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES_PX = (16, 24, 32, 48, 64, 128, 256)
BUREAU_BLUE = QColor("#1f4e9e")
BUREAU_BLUE_DARK = QColor("#14356d")
PIN_RED = QColor("#e0432f")


def shield_path(side_px: float) -> QPainterPath:
    """A heraldic shield filling most of a square of ``side_px``."""
    s = side_px
    path = QPainterPath()
    path.moveTo(s * 0.50, s * 0.05)
    path.cubicTo(s * 0.66, s * 0.13, s * 0.80, s * 0.15, s * 0.90, s * 0.15)
    path.lineTo(s * 0.90, s * 0.48)
    path.cubicTo(s * 0.90, s * 0.72, s * 0.72, s * 0.87, s * 0.50, s * 0.96)
    path.cubicTo(s * 0.28, s * 0.87, s * 0.10, s * 0.72, s * 0.10, s * 0.48)
    path.lineTo(s * 0.10, s * 0.15)
    path.cubicTo(s * 0.20, s * 0.15, s * 0.34, s * 0.13, s * 0.50, s * 0.05)
    path.closeSubpath()
    return path


def pin_path(side_px: float) -> QPainterPath:
    """A map pin (round head, pointed foot) centred in the shield."""
    s = side_px
    cx, head_cy, r = s * 0.50, s * 0.42, s * 0.19
    path = QPainterPath()
    path.moveTo(cx, s * 0.80)
    path.cubicTo(cx - r * 0.55, s * 0.68, cx - r, head_cy + r * 0.75, cx - r, head_cy)
    path.arcTo(QRectF(cx - r, head_cy - r, 2 * r, 2 * r), 180.0, -180.0)
    path.cubicTo(cx + r, head_cy + r * 0.75, cx + r * 0.55, s * 0.68, cx, s * 0.80)
    path.closeSubpath()
    return path


def draw_icon(side_px: int) -> QImage:
    image = QImage(side_px, side_px, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(side_px)
    painter.setPen(QPen(BUREAU_BLUE_DARK, max(1.0, s * 0.035)))
    painter.setBrush(QBrush(BUREAU_BLUE))
    painter.drawPath(shield_path(s))
    painter.setPen(QPen(QColor("white"), max(0.8, s * 0.02)))
    painter.setBrush(QBrush(PIN_RED))
    painter.drawPath(pin_path(s))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor("white")))
    painter.drawEllipse(QPointF(s * 0.50, s * 0.42), s * 0.075, s * 0.075)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_ico(path: Path, images: dict[int, bytes]) -> None:
    """ICO container with PNG entries (valid since Windows Vista; Inno Setup and PyInstaller accept it)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for side_px, blob in images.items():
        dim = 0 if side_px >= 256 else side_px
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    path.write_bytes(header + entries + blobs)


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    for side_px in SIZES_PX:
        draw_icon(side_px).save(str(ICON_DIR / f"urbanops-{side_px}.png"), "PNG")
    draw_icon(256).save(str(ICON_DIR / "urbanops.png"), "PNG")
    write_ico(ICON_DIR / "urbanops.ico", {n: png_bytes(draw_icon(n)) for n in ICO_SIZES_PX})
    print(f"icons written to {ICON_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
