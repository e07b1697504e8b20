"""The console on a drill sandbox (演练模式): the drill's clock, its runner instead of the simulator, a banner with
the drill time, the trainee's name on every action, and the trainer's results dialog.

``detect(db_url)`` returns a DrillMode when the database is a drill sandbox (console/training/drill.py); the app
then loads the world with ``mode.clock`` and calls ``mode.start(window)`` instead of starting the simulator. The
runner quacks like widgets.sim_runner.SimulatorRunner (``last_step_monotonic``, ``last_step_ms``, ``stop``) so the
window's feed-health read-out works unchanged.
"""

from __future__ import annotations

import getpass
import os
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console.services.context import ServiceContext
from console.storage.db import Database, make_engine
from widgets.sim_runner import TimedStepper

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
ENV_TRAINEE = "URBANOPS_TRAINEE"
BANNER_STYLE = "background:#b35900;color:white;font-weight:bold;padding:2px 10px;"


def trainee_name() -> str:
    """Who is training at this seat: $URBANOPS_TRAINEE, else the login name."""
    name = os.environ.get(ENV_TRAINEE, "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or "trainee"
    except (KeyError, OSError):
        return "trainee"


def detect(db_url: str) -> DrillMode | None:
    """A DrillMode when ``db_url`` is a drill sandbox; None for any other database (or one that cannot be read)."""
    try:
        from console.training.drill import drill_of, drill_start_utc

        db = Database(make_engine(db_url))
        try:
            drill = drill_of(db)
            if drill is None:
                return None
            start = drill_start_utc(db)
        finally:
            db.dispose()
    except Exception:  # not a sandbox, an old schema, unreachable: the normal console handles it
        return None
    return DrillMode(drill, start)


class DrillMode(TimedStepper):
    """Drives the drill with the demo simulator's step loop (widgets.sim_runner.TimedStepper; see its note on pyproj)."""

    def __init__(self, drill: dict[str, Any], start_utc: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from console.sim.simulator import SimClock

        self.drill = drill
        self.clock = SimClock(start_utc)
        self.trainee = trainee_name()
        self.runner: Any = None
        self.window: Any = None
        self.banner: QLabel | None = None

    def start(self, window: Any, speed: float | None = None) -> bool:
        """Attach to a loaded MainWindow: runner, banner, trainee as the acting user."""
        from console.training.drill import DrillRunner

        self.window = window
        try:
            self.runner = DrillRunner(window.loaded.db, speed=speed, ctx=window.loaded.ctx)
        except Exception as exc:  # the console stays usable; the banner says what went wrong
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return False
        if hasattr(window, "user_name"):
            window.user_name = self.trainee
            window._update_user_label()
        window.sim_runner = self
        window.sim_speed = self.runner.speed
        self.stepped.connect(window._on_sim_step)
        self.failed.connect(window._on_feed_error)
        self._add_banner(window)
        self.start_timer()
        self._refresh_banner()
        return True

    def escalation_context(self) -> ServiceContext:
        return self.runner.ctx  # type: ignore[no-any-return]  # DrillRunner is typed Any here

    def advance(self, dt_s: float) -> Any:
        return self.runner.step(dt_s)

    def deliver(self, result: Any) -> None:
        if result is not None:
            self.stepped.emit(result)
        elif self.window is not None and self.window.loaded is not None:
            self.window.loaded.world.set_time(self.clock.now_utc())
            self.window.loaded.world.tail(self.window.loaded.db)
        self._refresh_banner()
        if self.runner.finished:
            self.timer.stop()

    def _add_banner(self, window: QMainWindow) -> None:
        bar = QToolBar(self.tr("演练"), window)
        bar.setObjectName("drill_banner")
        bar.setMovable(False)
        self.banner = QLabel(bar)
        self.banner.setStyleSheet(BANNER_STYLE)
        bar.addWidget(self.banner)
        spacer = QWidget(bar)
        bar.addWidget(spacer)
        results = QPushButton(self.tr("演练成绩…"), bar)
        results.clicked.connect(lambda: self.show_results(window))
        bar.addWidget(results)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def banner_text(self) -> str:
        now = self.clock.now_utc().astimezone(LOCAL_TZ).strftime("%H:%M:%S")
        speed = self.runner.speed if self.runner is not None else self.drill.get("speed")
        state = self.tr("已结束") if self.runner is not None and self.runner.finished else self.tr("进行中")
        pending = self.runner.injector.pending() if self.runner is not None else 0
        return (self.tr("演练模式 %1 · 演练时间 %2 · ×%3 · 学员 %4 · 待到达案件 %5 · %6")
                .replace("%1", str(self.drill.get("id"))).replace("%2", now).replace("%3", f"{speed:g}")
                .replace("%4", self.trainee).replace("%5", str(pending)).replace("%6", state))

    def _refresh_banner(self) -> None:
        if self.banner is not None:
            self.banner.setText(self.banner_text())

    def show_results(self, parent: QWidget) -> DrillResultsDialog:
        dlg = DrillResultsDialog(self.window.loaded.db if self.window is not None else None, parent)
        dlg.show()
        return dlg


class DrillResultsDialog(QDialog):
    """The trainer's view: each trainee's score, dispatches, SLA met, mean response and wrong dispatches."""

    def __init__(self, db: Database | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("演练成绩"))
        self.resize(820, 360)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        layout.addWidget(self.summary)
        headers = [self.tr("学员"), self.tr("得分"), self.tr("派遣"), self.tr("按时"), self.tr("平均响应(分)"),
                   self.tr("平均到场(分)"), self.tr("跨辖区"), self.tr("资质不符"), self.tr("同实际派遣")]
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        refresh = QPushButton(self.tr("刷新"), self)
        refresh.clicked.connect(self.refresh)
        layout.addWidget(refresh)
        self.db = db
        self.rows: list[dict[str, Any]] = []
        self.refresh()

    def refresh(self) -> None:
        from console.errors import DomainError
        from console.training.scoring import score_drill

        if self.db is None:
            return
        try:
            report = score_drill(self.db)
        except DomainError as exc:
            self.summary.setText(exc.message_zh)
            return
        self.rows = [t.summary() for t in report.trainees]
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            cells = [r["trainee"], f"{r['score']:.1f}", r["cases"], r["sla_met"],
                     "—" if r["mean_response_s"] is None else f"{r['mean_response_s'] / 60:.1f}",
                     "—" if r["mean_arrival_s"] is None else f"{r['mean_arrival_s'] / 60:.1f}",
                     r["wrong_unit"], r["wrong_category"], r["same_officer_as_real"]]
            for j, v in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(str(v)))
        self.summary.setText(self.tr("演练 %1：学员 %2 人，未派遣案件 %3 件，尚未到达 %4 件")
                             .replace("%1", str(report.drill.get("id"))).replace("%2", str(len(report.trainees)))
                             .replace("%3", str(len(report.missed))).replace("%4", str(len(report.not_injected))))
