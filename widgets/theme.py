"""Window themes: a dark control-room palette (default) and a light one; status colours shared by every panel."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("dark", "light")

# Case status → colour (same hue family on both themes; the map's symbology uses its own table).
STATUS_COLOURS: dict[str, str] = {
    "reported": "#f2c94c",
    "accepted": "#f2994a",
    "verified": "#f2994a",
    "filed": "#eb5757",
    "dispatched": "#56ccf2",
    "handling": "#2d9cdb",
    "handled": "#9b51e0",
    "checked": "#bb6bd9",
    "legal_review": "#d291bc",
    "closed": "#6fcf97",
    "voided": "#828282",
    "hung": "#a0846c",
}
OFFICER_STATUS_COLOURS: dict[str, str] = {
    "on_duty_idle": "#6fcf97",
    "busy": "#f2994a",
    "en_route": "#56ccf2",
    "on_scene": "#2d9cdb",
    "off_duty": "#828282",
    "offline": "#eb5757",
}
try:  # share the map's symbology colours so list and map agree
    from maps.symbology import CASE_STATUS_COLOURS as _MAP_CASE
    from maps.symbology import OFFICER_STATUS_COLOURS as _MAP_OFFICER

    STATUS_COLOURS.update({str(k): v for k, v in _MAP_CASE.items()})
    OFFICER_STATUS_COLOURS.update(_MAP_OFFICER)
except ImportError:  # pragma: no cover - maps still being built
    pass
OVERDUE_COLOUR = "#ff4d4f"
WARN_COLOUR = "#f2c94c"


def status_colour(status: str | None) -> QColor:
    return QColor(STATUS_COLOURS.get(status or "", "#bdbdbd"))


def officer_status_colour(status: str | None) -> QColor:
    return QColor(OFFICER_STATUS_COLOURS.get(status or "", "#bdbdbd"))


_DARK_QSS = """
QMainWindow, QDockWidget { background: #0f1720; }
QDockWidget::title { background: #16212c; color: #9fb3c8; padding: 4px 8px; font-weight: bold; }
QToolBar { background: #121c26; border: none; spacing: 6px; padding: 3px; }
QStatusBar { background: #0b1118; color: #9fb3c8; }
QStatusBar QLabel { padding: 0 8px; }
QHeaderView::section { background: #16212c; color: #9fb3c8; border: none; border-right: 1px solid #22303d;
                       padding: 3px 6px; }
QTableView, QTreeView, QListView, QTextBrowser { background: #0f1720; alternate-background-color: #131e29;
    gridline-color: #1d2935; selection-background-color: #1f4e6e; selection-color: #ffffff; border: 1px solid #1d2935; }
QLineEdit, QComboBox, QPlainTextEdit { background: #16212c; border: 1px solid #2a3a4a; border-radius: 3px;
    padding: 3px 6px; color: #e6edf3; }
QPushButton { background: #1d2c3a; border: 1px solid #2e4356; border-radius: 3px; padding: 4px 10px; color: #e6edf3; }
QPushButton:hover { background: #24394c; }
QPushButton:disabled { color: #5c6b7a; }
QProgressBar { background: #16212c; border: 1px solid #2a3a4a; border-radius: 3px; text-align: center; color: #e6edf3; }
QProgressBar::chunk { background: #2d9cdb; }
QGroupBox { border: 1px solid #22303d; margin-top: 10px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; color: #9fb3c8; }
"""

_LIGHT_QSS = """
QDockWidget::title { background: #e3e8ee; color: #34495e; padding: 4px 8px; font-weight: bold; }
QToolBar { spacing: 6px; padding: 3px; }
QStatusBar QLabel { padding: 0 8px; }
QGroupBox { border: 1px solid #c8d0d8; margin-top: 10px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; }
"""


def _dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#0f1720"), QColor("#121c26"), QColor("#e6edf3")
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, QColor("#131e29"))
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, QColor("#1d2c3a"))
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.Highlight, QColor("#1f4e6e"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.ToolTipBase, QColor("#16212c"))
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#6b7b8c"))
    p.setColor(QPalette.ColorRole.Link, QColor("#56ccf2"))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#5c6b7a"))
    return p


def _light_palette() -> QPalette:
    p = QPalette()
    p.setColor(QPalette.ColorRole.Window, QColor("#f3f5f7"))
    p.setColor(QPalette.ColorRole.WindowText, QColor("#1b2430"))
    p.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.AlternateBase, QColor("#f1f4f7"))
    p.setColor(QPalette.ColorRole.Text, QColor("#1b2430"))
    p.setColor(QPalette.ColorRole.Button, QColor("#e9edf1"))
    p.setColor(QPalette.ColorRole.ButtonText, QColor("#1b2430"))
    p.setColor(QPalette.ColorRole.Highlight, QColor("#0091ea"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return p


def apply_theme(app: QApplication, name: str) -> str:
    """Apply "dark" or "light" (unknown names fall back to dark); returns the name applied."""
    name = name if name in THEMES else "dark"
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if name == "dark" else _light_palette())
    app.setStyleSheet(_DARK_QSS if name == "dark" else _LIGHT_QSS)
    app.setProperty("urbanops_theme", name)
    return name


def current_theme(app: QApplication) -> str:
    value = app.property("urbanops_theme")
    return str(value) if value in THEMES else "dark"
