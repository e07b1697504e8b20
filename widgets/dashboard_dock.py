"""The analytics dashboard (统计分析) as a dock of the main window (F9).

The figures are computed off the GUI thread from the window's database (facts, snapshot, KPI engine — all in
``console/analytics``) when the dock is shown and then every minute while it stays visible; double-clicking a case in a
drill-down list selects it in the window.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QStackedWidget

if TYPE_CHECKING:
    from console.storage.db import Database
    from widgets.dashboard import DashboardPanel
    from widgets.main_window import MainWindow

REFRESH_MS = 60_000


class SnapshotWorker(QThread):
    """Computes (snapshot, engine) for ``now_utc`` in a thread; emits ``ready`` or ``failed``."""

    ready = Signal(object, object)  # Snapshot, KpiEngine
    failed = Signal(str)

    def __init__(self, db: Database, now_utc: datetime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.now_utc = now_utc

    def run(self) -> None:
        from console.analytics.engine import KpiEngine
        from console.analytics.loader import load_facts
        from console.analytics.snapshot import build_snapshot

        try:
            facts = load_facts(self.db, as_of_utc=self.now_utc)
            snapshot = build_snapshot(self.db, self.now_utc, facts=facts)
            self.ready.emit(snapshot, KpiEngine(facts))
        except Exception as exc:  # shown in the dock, never a crash of the window
            self.failed.emit(str(exc))


class DashboardDock(QDockWidget):
    """Dock holding a :class:`DashboardPanel`; a "computing…" page shows until the first figures arrive."""

    refreshed = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(self.tr("统计分析"), window)
        self.window_ = window
        self.setObjectName("dock_dashboard")
        self._panel: DashboardPanel | None = None  # built on first use: charts and the KPI engine stay out of start-up
        self.status = QLabel(self.tr("正在计算统计数据…"), self)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.status)
        self.setWidget(self.pages)
        self.worker: SnapshotWorker | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.visibilityChanged.connect(self._on_visibility)

    @property
    def panel(self) -> DashboardPanel:
        if self._panel is None:
            from widgets.dashboard import DashboardPanel

            self._panel = DashboardPanel(self, dark=self.window_.theme_name == "dark")
            self._panel.case_activated.connect(lambda cid: self.window_.select_case(cid, source="api"))
            self.pages.addWidget(self._panel)
        return self._panel

    def _on_visibility(self, visible: bool) -> None:
        if visible:
            self.refresh()
            self.timer.start()
        else:
            self.timer.stop()

    def refresh(self) -> bool:
        """Start a background computation unless one runs or no world is loaded; True when one started."""
        loaded = self.window_.loaded
        if loaded is None or (self.worker is not None and self.worker.isRunning()):
            return False
        self.worker = SnapshotWorker(loaded.db, loaded.world.now_utc, self)
        self.worker.ready.connect(self._on_ready)
        self.worker.failed.connect(self._on_failed)
        self.worker.start()
        return True

    def _on_ready(self, snapshot: Any, engine: Any) -> None:
        self.panel.set_data(snapshot, engine)
        self.pages.setCurrentWidget(self.panel)
        self.refreshed.emit()

    def _on_failed(self, message: str) -> None:
        self.status.setText(self.tr("统计数据计算失败：%1").replace("%1", message))
        self.pages.setCurrentWidget(self.status)

    def stop(self) -> None:
        self.timer.stop()
        if self.worker is not None:
            self.worker.wait(10_000)


FLOATING_SIZE_PX = (1280, 820)


def _float_over(window: MainWindow, dock: DashboardDock) -> None:
    """First showing: a large floating panel over the map (charts need room; it can go to a second screen or be
    docked anywhere, and the window remembers where)."""
    settings = window.settings()
    if settings.value("dashboard/placed") in (True, "true"):
        return  # the user's own placement is restored with the window state
    settings.setValue("dashboard/placed", True)
    dock.setFloating(True)
    w, h = FLOATING_SIZE_PX
    centre = window.geometry().center()
    dock.setGeometry(centre.x() - w // 2, centre.y() - h // 2, w, h)


def install_dashboard_dock(window: MainWindow) -> DashboardDock:
    """Add the dock (hidden at first), its F9 toggle, and the refresh when a world loads."""
    dock = DashboardDock(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    toggle = dock.toggleViewAction()
    toggle.setShortcut(QKeySequence("F9"))
    toggle.toggled.connect(lambda on: (_float_over(window, dock), dock.raise_(), dock.refresh()) if on else None)
    window.addAction(toggle)
    window.loadFinished.connect(lambda: dock.refresh() if dock.isVisible() else None)
    return dock
