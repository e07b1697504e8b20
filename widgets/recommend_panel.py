"""Dispatch in the window: ranked officers for the selected filed case, drawn on the map, one-click assignment;
and the seat follower that wakes the World when another console commits (PostgreSQL LISTEN/NOTIFY).

Thin by design: ranking is ``console.services.recommend``, assignment ``DispatchService``; this module only shows
results and forwards clicks. Alt+1 … Alt+5 assign the n-th recommendation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain.enums import Role
from console.errors import DomainError
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.services.dispatch import DispatchService
from console.services.recommend import Recommendation, recommend
from console.services.seat import SeatFollower
from widgets.case_actions import assignment_commands, error_text

if TYPE_CHECKING:
    from widgets.main_window import MainWindow

TOP_N = 5


class RecommendPanel(QWidget):
    """Top officers for one case: rank, name, ETA, distance, reasons; a 派遣 button per row."""

    assignRequested = Signal(str, str)  # case id, officer id
    shown = Signal(object)  # list[Recommendation] (empty when hidden)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_id: str | None = None
        self.recs: list[Recommendation] = []
        self.title = QLabel(self.tr("推荐队员（Alt+1…5 派遣）"), self)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels([self.tr("#"), self.tr("队员"), self.tr("预计到达"), self.tr("理由"), ""])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)  # five rows in view above the details tabs
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(170)
        self.override_edit = QLineEdit(self)
        self.override_edit.setPlaceholderText(self.tr("跨辖区/无执法证派遣理由（需要时必填）"))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.buttons: list[QPushButton] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        lay.addLayout(head)
        lay.addWidget(self.table)
        lay.addWidget(self.override_edit)
        lay.addWidget(self.message)
        self.shortcuts = []
        for n in range(1, TOP_N + 1):
            sc = QShortcut(QKeySequence(f"Alt+{n}"), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(lambda n=n: self.assign_nth(n))
            self.shortcuts.append(sc)
        self.setVisible(False)

    def set_recommendations(self, case_id: str | None, recs: list[Recommendation]) -> None:
        self.case_id, self.recs = case_id, recs
        self.message.setVisible(False)
        self.table.setRowCount(len(recs))
        self.buttons = []
        for row, r in enumerate(recs):
            mark = " ⚠" if r.needs_override else ""
            cells = [str(r.rank), f"{r.name} {r.officer_id}{mark}", self.tr("%1 分钟").replace("%1", f"{r.eta_s / 60:.0f}")
                     + f" · {r.distance_m / 1000:.1f} km", "；".join(r.reasons[1:])]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip("\n".join(r.reasons))
                self.table.setItem(row, col, item)
            btn = QPushButton(self.tr("派遣"), self.table)
            btn.clicked.connect(lambda _c=False, oid=r.officer_id: self._request(oid))
            self.table.setCellWidget(row, 4, btn)
            self.buttons.append(btn)
        self.table.resizeColumnsToContents()
        self.setVisible(bool(recs))
        self.shown.emit(recs)

    def assign_nth(self, n: int) -> bool:
        if not self.isVisible() or not 1 <= n <= len(self.recs):
            return False
        self._request(self.recs[n - 1].officer_id)
        return True

    def override_reason(self) -> str | None:
        return self.override_edit.text().strip() or None

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)

    def _request(self, officer_id: str) -> None:
        if self.case_id is not None:
            self.assignRequested.emit(self.case_id, officer_id)


class RecommendOverlay:
    """Lines from the recommended officers to the case and rings on the officers (map metres, EPSG:4549)."""

    def __init__(self, view_box: Any) -> None:
        self.lines = pg.PlotDataItem(pen=pg.mkPen(QColor(255, 200, 60, 220), width=2, style=Qt.PenStyle.DashLine))
        self.rings = pg.ScatterPlotItem(size=22, pen=pg.mkPen(QColor(255, 200, 60), width=2), brush=None)
        self.labels: list[pg.TextItem] = []
        self.view_box = view_box
        for item in (self.lines, self.rings):
            item.setZValue(900)
            view_box.addItem(item)

    def show(self, case: dict[str, Any] | None, recs: list[Recommendation]) -> None:
        for label in self.labels:
            self.view_box.removeItem(label)
        self.labels = []
        if case is None or not recs:
            self.lines.setData([], [])
            self.rings.setData([], [])
            return
        lon = np.array([r.lon for r in recs] + [float(case["lon"])])
        lat = np.array([r.lat for r in recs] + [float(case["lat"])])
        x, y = lonlat_wgs84_to_xy_m(lon, lat)
        n = len(recs)
        xs = np.empty(2 * n)
        ys = np.empty(2 * n)
        xs[0::2], ys[0::2] = x[:n], y[:n]
        xs[1::2], ys[1::2] = x[n], y[n]
        self.lines.setData(xs, ys, connect="pairs")
        self.rings.setData(x[:n], y[:n])
        for r, xi, yi in zip(recs, x[:n], y[:n], strict=True):
            label = pg.TextItem(f"{r.rank} · {r.eta_s / 60:.0f}′", color=(255, 220, 120), anchor=(0, 1))
            label.setPos(float(xi), float(yi))
            label.setZValue(901)
            self.view_box.addItem(label)
            self.labels.append(label)

    @property
    def shown_count(self) -> int:
        return len(self.labels)


class _Waker(QObject):
    woke = Signal()


class DispatchUi:
    """Wires the panel, the map overlay and the seat follower into a loaded MainWindow."""

    def __init__(self, window: MainWindow) -> None:
        assert window.loaded is not None
        self.window = window
        self.loaded = window.loaded
        self.service = DispatchService(self.loaded.ctx)
        self.panel = RecommendPanel(window.details.case_view)
        window.details.case_view.add_above_tabs(self.panel)  # assigning is the job at 立案: never behind a tab
        self.overlay = RecommendOverlay(window.map.canvas.view_box())
        self.panel.assignRequested.connect(self.assign)
        self.follower: SeatFollower | None = None
        self._waker = _Waker(window)
        self._waker.woke.connect(self._on_wake)
        if self.loaded.db.is_postgres:  # SQLite stays single-seat: the window's tick polls
            self.follower = SeatFollower(self.loaded.db, lambda _evs: self._waker.woke.emit()).start()

    def refresh(self, case_id: str | None) -> list[Recommendation]:
        """Show recommendations when a dispatcher looks at a filed case; hide them otherwise."""
        world = self.loaded.world
        case = world.cases.get(case_id) if case_id else None
        recs: list[Recommendation] = []
        if case is not None and case.get("status") == "filed" and self.window.current_role() == Role.DISPATCHER:
            try:
                recs = recommend(self.loaded.ctx, world, str(case_id), top=TOP_N)
            except DomainError:
                recs = []
        self.panel.set_recommendations(case_id if recs else None, recs)
        self.overlay.show(case if recs else None, recs)
        return recs

    def assign(self, case_id: str, officer_id: str) -> bool:
        ctl = self.window.actions_ctl
        commands = assignment_commands(self.window)
        try:
            if commands is not None:  # through the local outbox: queued while the database is away
                result = commands.assign(case_id, officer_id, self.window.current_actor(),
                                         override_reason=self.panel.override_reason())
                if result.error is not None:
                    raise result.error
                if result.status == "queued":
                    self.panel.override_edit.clear()
                    if ctl is not None:
                        ctl.queued.emit(case_id, "assign")
                    return True
            else:
                self.service.assign(case_id, officer_id, self.window.current_actor(),
                                    override_reason=self.panel.override_reason())
        except DomainError as exc:
            self.panel.show_message(error_text(exc))
            if ctl is not None:
                ctl.refused.emit(case_id, "assign", error_text(exc))
            return False
        self.panel.override_edit.clear()
        self.loaded.world.tail(self.loaded.db)
        if ctl is not None:
            ctl.succeeded.emit(case_id, "assign")
        self.refresh(case_id)
        return True

    def _on_wake(self) -> None:
        self.loaded.world.tail(self.loaded.db)

    def stop(self) -> None:
        if self.follower is not None:
            self.follower.stop()
            self.follower = None
