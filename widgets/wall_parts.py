"""Building blocks of the wall display: big KPI tiles and a painted table, sized for reading from 5 m."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from widgets.charts import font_px

BG = "#05080c"
PANEL = "#101821"
FG = "#f4f7fa"
MUTED = "#a9b8c8"
GOOD = "#6fcf97"
BAD = "#ff5c5c"
ACCENT = "#56ccf2"


class Tile(QFrame):
    """One figure: a caption, a very large value and a comparison line."""

    def __init__(self, caption: str, *, value_px: int = 84, caption_px: int = 30, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setStyleSheet(f"QFrame {{ background: {PANEL}; border-radius: 10px; }} QLabel {{ background: transparent; }}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(22, 14, 22, 14)
        lay.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setFont(font_px(caption_px, bold=True))
        self.caption.setStyleSheet(f"color: {MUTED};")
        self.value = QLabel("—")
        self.value.setFont(font_px(value_px, bold=True))
        self.value.setStyleSheet(f"color: {FG};")
        self.note = QLabel(" ")
        self.note.setFont(font_px(max(24, caption_px - 4)))
        self.note.setStyleSheet(f"color: {MUTED};")
        for w in (self.caption, self.value, self.note):
            lay.addWidget(w)
        lay.addStretch(1)

    def set(self, value: str, note: str = " ", *, colour: str = FG, note_colour: str = MUTED) -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {colour};")
        self.note.setText(note)
        self.note.setStyleSheet(f"color: {note_colour};")


class BigTable(QWidget):
    """Rows of text drawn directly (no scroll bars, no selection), columns by width share, zebra stripes."""

    def __init__(self, title: str, headers: Sequence[str], shares: Sequence[float], *, px: int = 30,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.headers = list(headers)
        self.shares = list(shares)
        self.px = px
        self.rows: list[list[str]] = []
        self.row_colours: list[str | None] = []
        self.empty_text = "暂无"

    def set_rows(self, rows: Sequence[Sequence[str]], colours: Sequence[str | None] | None = None) -> None:
        self.rows = [list(r) for r in rows]
        self.row_colours = list(colours) if colours else [None] * len(self.rows)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), QColor(PANEL))
        pad = 18.0
        title_h = self.px * 1.7
        p.setFont(font_px(int(self.px * 1.1), bold=True))
        p.setPen(QColor(FG))
        p.drawText(QRectF(pad, 6, w - 2 * pad, title_h), Qt.AlignmentFlag.AlignVCenter, self.title)
        row_h = self.px * 1.75
        total = sum(self.shares) or 1.0
        xs = [pad]
        for s in self.shares:
            xs.append(xs[-1] + (w - 2 * pad) * s / total)
        y = title_h + 8
        p.setFont(font_px(int(self.px * 0.85), bold=True))
        p.setPen(QColor(MUTED))
        for i, head in enumerate(self.headers):
            p.drawText(QRectF(xs[i], y, xs[i + 1] - xs[i] - 8, row_h * 0.8), Qt.AlignmentFlag.AlignVCenter, head)
        y += row_h * 0.8
        p.setFont(font_px(self.px))
        if not self.rows:
            p.setPen(QColor(MUTED))
            p.drawText(QRectF(pad, y, w - 2 * pad, row_h), Qt.AlignmentFlag.AlignVCenter, self.empty_text)
        for r, row in enumerate(self.rows):
            if y + row_h > h - 4:
                break
            if r % 2 == 0:
                p.fillRect(QRectF(pad / 2, y, w - pad, row_h), QColor("#17222e"))
            p.setPen(QColor(self.row_colours[r] or FG))
            for i, cell in enumerate(row[: len(self.headers)]):
                rect = QRectF(xs[i], y, xs[i + 1] - xs[i] - 8, row_h)
                text = p.fontMetrics().elidedText(cell, Qt.TextElideMode.ElideRight, int(rect.width()))
                p.drawText(rect, Qt.AlignmentFlag.AlignVCenter, text)
            y += row_h
        p.end()
