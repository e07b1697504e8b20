"""The drill report as PDF: the Qt-free HTML of console/training/report.py printed with QTextDocument + QPdfWriter,
with the bundled CJK font registered first so Chinese is embedded on any machine."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication


def write_pdf(html_text: str, out: Path) -> Path:
    """Print ``html_text`` to an A4 PDF at ``out``."""
    from widgets.fonts import install_cjk_font

    app = QApplication.instance() or QApplication(sys.argv[:1])
    family = install_cjk_font(app)  # type: ignore[arg-type]
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(out))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    writer.setResolution(150)
    doc = QTextDocument()
    if isinstance(family, str) and family:
        doc.setDefaultFont(QFont(family, 9))
    doc.setHtml(html_text)
    doc.print_(writer)
    return out
