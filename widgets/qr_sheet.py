"""Printable A4 sheet per community workroom: name, address, the QR code as vector squares, Chinese instructions.

Qt's QPdfWriter + QPainter (offscreen) with the bundled WenQuanYi Micro Hei font: no extra PDF dependency, the same
font as the console (so Chinese never prints as boxes), and the QR modules stay sharp at any print size.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QApplication

from console.feeds.qr import SheetContent
from maps.text import load_bundled_font

_APP: QApplication | None = None


def _ensure_app() -> str:
    """An application object is needed for fonts; reuse the running one (tests, GUI) or make an offscreen one.

    It is a QApplication, not a bare QGuiApplication: in a process that later opens windows (the test suite, the
    console) a QGuiApplication would make every QWidget abort the process."""
    global _APP
    if QGuiApplication.instance() is None:
        _APP = QApplication(["urbanops-qr", "-platform", "offscreen"])
    return load_bundled_font() or "sans-serif"


def write_sheet_pdf(content: SheetContent, path: Path) -> Path:
    """Draw one A4 portrait sheet to ``path`` (PDF)."""
    family = _ensure_app()
    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    writer.setTitle(f"{content.name} 扫码反映问题")
    writer.setCreator("urbanops")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    painter = QPainter(writer)
    try:
        w, h = writer.width(), writer.height()  # device pixels inside the margins
        mm = writer.resolution() / 25.4

        def text(y_mm: float, height_mm: float, string: str, size_pt: float, bold: bool = False,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignHCenter) -> None:
            font = QFont(family)
            font.setPointSizeF(size_pt)
            font.setBold(bold)
            painter.setFont(font)
            painter.setPen(QColor("#111111"))
            painter.drawText(QRectF(0, y_mm * mm, w, height_mm * mm),
                             int(align | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap), string)

        text(0, 14, content.title, 22, bold=True)
        text(16, 12, content.name, 18, bold=True)
        text(29, 9, f"地址：{content.address}", 12)
        n = len(content.matrix)
        side = min(w * 0.62, h * 0.45)
        quiet = 4
        module = side / (n + 2 * quiet)
        left, top = (w - side) / 2, 42 * mm
        painter.fillRect(QRectF(left, top, side, side), QColor("white"))
        black = QColor("black")
        for r, row in enumerate(content.matrix):
            for c, dark in enumerate(row):
                if dark:  # slightly overlapping squares avoid hairline gaps in some PDF viewers
                    painter.fillRect(QRectF(left + (c + quiet) * module, top + (r + quiet) * module,
                                            module * 1.01, module * 1.01), black)
        y = top / mm + side / mm + 4
        text(y, 7, f"工作室编号 {content.workroom_id} · {content.url}", 9)
        y += 10
        text(y, 9, "使用说明", 14, bold=True, align=Qt.AlignmentFlag.AlignLeft)
        y += 10
        for line in content.instructions:
            text(y, 8, line, 12, align=Qt.AlignmentFlag.AlignLeft)
            y += 9
        text(h / mm - 10, 8, "长宁区城市管理行政执法局 · 紧急情况请拨打 12345 市民服务热线", 10)
    finally:
        painter.end()
    return path
