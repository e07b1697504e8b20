"""The bundled CJK font: registered with Qt at start and made the application and map font, so Chinese never
renders as boxes on a machine without Chinese fonts."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from maps.text import load_bundled_font

UI_POINT_SIZE = 10


def install_cjk_font(app: QApplication) -> str | None:
    """Load the bundled font and set it as the application font; returns its family (None if unavailable)."""
    family = load_bundled_font()
    if family is None:
        return None
    font = QFont(family)
    font.setPointSize(UI_POINT_SIZE)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)
    return family


def missing_glyphs(font: QFont, text: str) -> list[str]:
    """Characters of ``text`` the font cannot draw (whitespace ignored)."""
    metrics = QFontMetrics(font)
    return [ch for ch in text if not ch.isspace() and not metrics.inFontUcs4(ord(ch))]
