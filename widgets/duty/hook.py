"""Main-window hook for duty (勤务): a 勤务 menu with the roster calendar (Ctrl+Shift+R) and personnel docks, and the
patrol coverage map layer (巡查覆盖率, in the layer panel), recomputed off the GUI thread on load, every five minutes
and when an unvisited-grid alert changes."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget

from maps.coverage_layer import LAYER_NAME, coverage_layer

if TYPE_CHECKING:
    from console.duty.coverage import GridCells
    from console.services.context import ServiceContext
    from widgets.main_window import MainWindow

REFRESH_MS = 5 * 60_000


class CoverageWorker(QThread):
    """Computes today's coverage report in a thread; emits ``ready(report, cells)`` or ``failed(message)``."""

    ready = Signal(object, object)
    failed = Signal(str)

    def __init__(self, ctx: ServiceContext, day: date, cells: GridCells | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.day, self.cells = ctx, day, cells

    def run(self) -> None:
        from console.duty.coverage import GridCells, coverage_report, default_config

        try:
            cells = self.cells or GridCells.from_geography(self.ctx, default_config().cell_m)
            self.ready.emit(coverage_report(self.ctx, self.day, cells=cells), cells)
        except Exception as exc:  # a failed refresh must never take the window down
            self.failed.emit(str(exc))


class DutyUi(QObject):
    """Owns the duty docks, menu and coverage layer of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.roster_dock: QDockWidget | None = None
        self.personnel_dock: QDockWidget | None = None
        self.cells: GridCells | None = None
        self.worker: CoverageWorker | None = None
        self.last_report: dict[str, Any] | None = None
        menu = window.menuBar().addMenu(self.tr("勤务"))
        menu.setObjectName("menu_duty")
        self.roster_action = menu.addAction(self.tr("排班表"))
        self.roster_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.roster_action.triggered.connect(self.show_roster)
        self.personnel_action = menu.addAction(self.tr("人员管理"))
        self.personnel_action.triggered.connect(self.show_personnel)
        self.coverage_action = menu.addAction(self.tr("刷新巡查覆盖率"))
        self.coverage_action.triggered.connect(self.refresh_coverage)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh_coverage)
        window.loadFinished.connect(self._on_loaded)

    # ------------------------------------------------------------------ helpers
    def _ctx(self) -> ServiceContext | None:
        return None if self.window.loaded is None else self.window.loaded.ctx

    def _squads(self) -> list[tuple[str, str]]:
        loaded = self.window.loaded
        if loaded is None:
            return []
        squads = loaded.world.assets.get("squad", {})
        return sorted((sid, str(s.get("name") or sid)) for sid, s in squads.items())

    def _today(self) -> date:
        from console.duty.patterns import local_day

        ctx = self._ctx()
        assert ctx is not None
        return local_day(ctx.clock.now_utc())

    def _dock(self, title: str, name: str, widget: Any) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        return dock

    # ------------------------------------------------------------------ docks
    def show_roster(self) -> None:
        ctx = self._ctx()
        if ctx is None:
            return
        if self.roster_dock is None:
            from console.duty.roster import RosterService
            from widgets.duty.roster_view import RosterCalendar

            view = RosterCalendar(RosterService(ctx), self.window.current_actor, self._squads(),
                                  self.window.officer_name, self._today(), self.window)
            view.failed.connect(lambda msg: self.window.statusBar().showMessage(msg, 10_000))
            view.changed.connect(self.refresh_coverage)
            self.roster_dock = self._dock(self.tr("排班表"), "dock_roster", view)
        self.roster_dock.show()
        self.roster_dock.raise_()

    def show_personnel(self) -> None:
        ctx = self._ctx()
        if ctx is None:
            return
        if self.personnel_dock is None:
            from console.duty.personnel import PersonnelService
            from widgets.duty.personnel_view import PersonnelList

            view = PersonnelList(PersonnelService(ctx), self.window.current_actor, self._squads(), self.window)
            self.personnel_dock = self._dock(self.tr("人员管理"), "dock_personnel", view)
        self.personnel_dock.show()
        self.personnel_dock.raise_()

    # ------------------------------------------------------------------ coverage layer
    def _on_loaded(self) -> None:
        if self.window.bridge is not None:
            self.window.bridge.assetsChanged.connect(self._assets_changed)
        self.refresh_coverage()
        self.timer.start()

    def _assets_changed(self, ids: Any) -> None:
        if ids is None or any(kind == "duty_grid" for kind, _ in ids):
            self.refresh_coverage()

    def refresh_coverage(self) -> None:
        ctx = self._ctx()
        if ctx is None or (self.worker is not None and self.worker.isRunning()):
            return
        self.worker = CoverageWorker(ctx, self._today(), self.cells, self)
        self.worker.ready.connect(self._coverage_ready)
        self.worker.failed.connect(lambda msg: self.window.statusBar().showMessage(msg, 10_000))
        self.worker.start()

    def _coverage_ready(self, report: dict[str, Any], cells: GridCells) -> None:
        from console.duty.alerts import unvisited_grids

        self.cells = cells
        self.last_report = report
        loaded = self.window.loaded
        if loaded is None:
            return
        shares = {g["code"]: g["share"] for g in report["grids"]}
        shown = {g["code"] for g in report["grids"] if g["share"] > 0 or g["assigned_to"]}
        alerts = unvisited_grids(loaded.world.assets.get("duty_grid", {}))
        layer = coverage_layer(loaded.geo.geography.duty_grids, shares, shown_codes=shown | set(alerts), alerts=alerts)
        canvas = self.window.map.canvas
        with contextlib.suppress(KeyError):
            canvas.remove_layer(LAYER_NAME)
        canvas.add_layer(layer, z=45)
        applied = self.window.layers.set_layers(self.window.map.layer_infos())
        self.window.map.set_layer_visible(LAYER_NAME, applied.get(LAYER_NAME, True))


def install_duty(window: MainWindow) -> DutyUi:
    """The one line main_window.py calls."""
    return DutyUi(window)
