"""pyqtgraph charts for the dashboard, the wall and the PDF report: bars with value labels and trend lines.

Fonts are given in pixels so the wall can ask for type readable from across a room; tick labels are explicit
(Chinese category names) and drawn with the bundled CJK font.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QWidget

from maps.text import map_font_family

DARK_BG = "#0b1016"
LIGHT_BG = "#ffffff"
PALETTE = ["#56ccf2", "#f2994a", "#6fcf97", "#bb6bd9", "#f2c94c", "#eb5757", "#2d9cdb", "#a0846c", "#9aa5b1"]


def elide(text: str, max_chars: int) -> str:
    """Shorten long Chinese labels (axis space is fixed; pyqtgraph drops tick text that does not fit)."""
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def font_px(px: int, bold: bool = False) -> QFont:
    font = QFont(map_font_family())
    font.setPixelSize(px)
    font.setBold(bold)
    return font


class _Chart(pg.PlotWidget):  # type: ignore[misc]
    def __init__(self, title: str, *, px: int = 18, dark: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background=DARK_BG if dark else LIGHT_BG)
        self.px = px
        self.fg = "#e8eef5" if dark else "#1c2733"
        self.grid_colour = "#2a3644" if dark else "#d0d7de"
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getPlotItem().setTitle(f'<span style="font-family:{map_font_family()}">{title}</span>',
                                    size=f"{int(px * 1.15)}px", color=self.fg, bold=True)
        self.getPlotItem().titleLabel.item.setFont(font_px(int(px * 1.15), bold=True))
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setStyle(tickFont=font_px(px), tickTextOffset=max(4, px // 3))
            axis.setTextPen(self.fg)
            axis.setPen(self.grid_colour)
        self._labels: list[pg.TextItem] = []

    def _clear_labels(self) -> None:
        for item in self._labels:
            self.removeItem(item)
        self._labels = []

    def _label(self, text: str, x: float, y: float, anchor: tuple[float, float], colour: str | None = None) -> None:
        item = pg.TextItem(text, color=colour or self.fg, anchor=anchor)
        item.setFont(font_px(self.px, bold=True))
        item.setPos(x, y)
        self.addItem(item)
        self._labels.append(item)


class BarChart(_Chart):
    """Bars with their values written at the end; horizontal bars suit long Chinese labels."""

    def __init__(self, title: str, *, horizontal: bool = True, colour: str = PALETTE[0], px: int = 18,
                 dark: bool = True, value_format: str = "{:.0f}", label_width_px: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, px=px, dark=dark, parent=parent)
        self.horizontal = horizontal
        self.colour = colour
        self.value_format = value_format
        self._bars: pg.BarGraphItem | None = None
        if horizontal:
            self.getAxis("left").setWidth(label_width_px or int(px * 8.6))
            self.getAxis("bottom").setStyle(showValues=False)
            self.getAxis("bottom").setHeight(4)
        else:
            self.getAxis("left").setStyle(showValues=False)
            self.getAxis("left").setWidth(4)
            self.getAxis("bottom").setHeight(int(px * 2.0))
        self.labels: list[str] = []
        self.values: list[float] = []

    def set_data(self, labels: Sequence[str], values: Sequence[float], colours: Sequence[str] | None = None,
                 value_texts: Sequence[str] | None = None) -> None:
        self.labels = [elide(str(lab), 8 if self.horizontal else 6) for lab in labels]
        self.values = [float(v) for v in values]
        if self._bars is not None:
            self.removeItem(self._bars)
        self._clear_labels()
        n = len(self.values)
        brushes = [QColor(c) for c in colours] if colours else [QColor(self.colour)] * n
        vmax = max(self.values, default=0.0) or 1.0
        texts = list(value_texts) if value_texts else [self.value_format.format(v) for v in self.values]
        if self.horizontal:
            ys = list(range(n))[::-1]  # first item on top
            self._bars = pg.BarGraphItem(x0=[0] * n, y=ys, height=0.62, width=self.values, brushes=brushes, pen=None)
            self.getAxis("left").setTicks([[(y, lab) for y, lab in zip(ys, self.labels, strict=True)]])
            for y, v, t in zip(ys, self.values, texts, strict=True):
                self._label(t, v + vmax * 0.01, y, (0.0, 0.5))
            self.setXRange(0, vmax * 1.22, padding=0)
            self.setYRange(-0.6, max(n, 1) - 0.4, padding=0)
        else:
            xs = list(range(n))
            self._bars = pg.BarGraphItem(x=xs, height=self.values, width=0.62, brushes=brushes, pen=None)
            self.getAxis("bottom").setTicks([[(x, lab) for x, lab in zip(xs, self.labels, strict=True)]])
            for x, v, t in zip(xs, self.values, texts, strict=True):
                self._label(t, x, v + vmax * 0.01, (0.5, 1.0))
            self.setYRange(0, vmax * 1.25, padding=0)
            self.setXRange(-0.6, max(n, 1) - 0.4, padding=0)
        self.addItem(self._bars)


class TrendChart(_Chart):
    """Daily series as thick lines with dots, a legend in the corner and x labels as dates."""

    def __init__(self, title: str, *, px: int = 18, dark: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(title, px=px, dark=dark, parent=parent)
        self.getAxis("left").setWidth(px * 4)
        self.getAxis("bottom").setHeight(int(px * 2.0))
        self.showGrid(x=False, y=True, alpha=0.25)
        self.legend = self.addLegend(offset=(-20, 10), labelTextColor=self.fg, labelTextSize=f"{px}px")
        self.legend.setLabelTextSize(f"{px}px")
        self.series: dict[str, list[float]] = {}

    def set_series(self, x_labels: Sequence[str], series: dict[str, tuple[Sequence[float], str]]) -> None:
        self.clear()
        self.legend.clear()
        self.series = {}
        xs = list(range(len(x_labels)))
        top = 0.0
        for name, (values, colour) in series.items():
            vals = [float(v) for v in values]
            self.series[name] = vals
            top = max(top, max(vals, default=0.0))
            pen = pg.mkPen(colour, width=max(3, self.px // 5))
            item = self.plot(xs, vals, pen=pen, symbol="o", symbolSize=self.px // 2 + 4, symbolBrush=colour,
                             symbolPen=None, name=name)
            item.setZValue(2)
        for sample, label in self.legend.items:
            label.setText(label.text, size=f"{self.px}px", color=self.fg)
            label.item.setFont(font_px(self.px))
            _ = sample
        self.getAxis("bottom").setTicks([[(x, lab) for x, lab in zip(xs, x_labels, strict=True)]])
        self.setYRange(0, (top or 1.0) * 1.2, padding=0)
        self.setXRange(-0.3, max(len(xs) - 1, 1) + 0.3, padding=0)


def render_widget(widget: QWidget, width: int, height: int) -> QImage:
    """Render a widget offscreen into a width×height image (for PDF reports and tests)."""
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(width, height)
    widget.show()
    img = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor(DARK_BG))
    painter = QPainter(img)
    widget.render(painter)
    painter.end()
    return img
