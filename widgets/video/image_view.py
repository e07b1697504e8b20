"""A widget that paints one ``QImage`` letterboxed, with an optional caption and a centred message."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class ImageView(QWidget):
    def __init__(self, parent: QWidget | None = None, caption: str = "") -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.caption = caption
        self.message = ""
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)

    def sizeHint(self) -> QSize:
        return QSize(480, 270)

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def set_message(self, text: str) -> None:
        self.message = text
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        r = self.rect()
        p.fillRect(r, QColor(12, 14, 18))
        if self.image is not None and not self.image.isNull():
            iw, ih = self.image.width(), self.image.height()
            s = min(r.width() / iw, r.height() / ih)
            w, h = iw * s, ih * s
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            p.drawImage(QRectF((r.width() - w) / 2, (r.height() - h) / 2, w, h), self.image)
        font = QFont(self.font())
        font.setPixelSize(max(11, min(15, r.height() // 16)))
        p.setFont(font)
        if self.caption:
            bar = QRectF(0, 0, r.width(), font.pixelSize() + 8)
            p.fillRect(bar, QColor(0, 0, 0, 150))
            p.setPen(QColor(240, 240, 240))
            p.drawText(bar.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       self.caption)
        if self.message:
            p.setPen(QColor(230, 230, 230))
            p.drawText(r.adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
        p.setPen(QColor(60, 66, 76))
        p.drawRect(r.adjusted(0, 0, -1, -1))
        p.end()
