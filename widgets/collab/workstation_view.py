"""Neighbourhood workstation view (城运工作站, Huayang Road): pick a 居委; see its IoT sensors with current readings
and thresholds, its work orders (local first, escalated to the squad when overdue), staff on duty and cameras.

Refreshes itself when a sensor or work-order event arrives (from the feeds, the simulator or another seat).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.collab.workstation import WorkstationService
from console.errors import DomainError
from console.services.actor import Actor
from console.storage.eventstore import StoredEvent
from widgets.case_actions import error_text
from widgets.labels import local_time, officer_status_text, post_text

ALARM = QColor("#eb5757")
OK = QColor("#6fcf97")
KIND_ZH = {"bin_fill": "垃圾桶满溢", "smoke": "烟感", "standing_water": "积水", "manhole_tilt": "井盖倾斜"}
UNIT = {"bin_fill": "%", "smoke": "", "standing_water": "cm", "manhole_tilt": "°"}
LEVEL_ZH = {"local": "工作站", "squad": "已升级中队"}


class WorkstationView(QDialog):
    caseRequested = Signal(str)

    def __init__(self, service: WorkstationService, actor: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workstation_view")
        self.setWindowTitle(self.tr("城运工作站 · 华阳路街道"))
        self.resize(1080, 680)
        self.service = service
        self.actor = actor
        self.station_id: str | None = None
        self.view: dict[str, Any] = {}
        self.combo = QComboBox(self)
        self.combo.setObjectName("workstation_combo")
        for st in service.stations():
            self.combo.addItem(str(st.get("name") or st["id"]), st["id"])
        self.combo.currentIndexChanged.connect(lambda _i: self.show_station(str(self.combo.currentData())))
        self.summary = QLabel(self)
        self.summary.setStyleSheet("font-size: 14px; font-weight: bold;")
        self.sensors = self._table([self.tr("传感器"), self.tr("类型"), self.tr("当前读数"), self.tr("阈值"),
                                    self.tr("状态"), self.tr("读数时间")])
        self.orders = self._table([self.tr("工单"), self.tr("状态"), self.tr("层级"), self.tr("传感器"), self.tr("生成"),
                                   self.tr("升级时限/升级至"), self.tr("案件")])
        self.orders.cellDoubleClicked.connect(self._open_case)
        self.staff = self._table([self.tr("队员"), self.tr("岗位"), self.tr("状态")])
        self.cameras = self._table([self.tr("摄像头"), self.tr("状态")])
        self.close_btn = QPushButton(self.tr("就地办结所选工单…"), self)
        self.close_btn.setObjectName("workstation_close")
        self.close_btn.clicked.connect(self._close_selected)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("居委工作站"), self))
        top.addWidget(self.combo, 1)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("物联感知"), self), 0, 0)
        grid.addWidget(QLabel(self.tr("在岗人员"), self), 0, 1)
        grid.addWidget(self.sensors, 1, 0)
        grid.addWidget(self.staff, 1, 1)
        grid.addWidget(QLabel(self.tr("工单（先由工作站就地处置，超时升级至中队）"), self), 2, 0)
        grid.addWidget(QLabel(self.tr("周边摄像头"), self), 2, 1)
        grid.addWidget(self.orders, 3, 0)
        grid.addWidget(self.cameras, 3, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.close_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addLayout(grid, 1)
        lay.addLayout(bottom)
        if self.combo.count():
            self.show_station(str(self.combo.currentData()))

    def _table(self, heads: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(heads), self)
        t.setHorizontalHeaderLabels(heads)
        t.verticalHeader().setVisible(False)
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        return t

    def show_station(self, station_id: str) -> None:
        self.station_id = station_id
        self.refresh()

    def refresh(self) -> None:
        if self.station_id is None:
            return
        v = self.view = self.service.view(self.station_id)
        sensors, orders = v["sensors"], v["work_orders"]
        n_alarm = sum(1 for s in sensors if s.get("status") == "alarm")
        n_open = sum(1 for o in orders if o["status"] == "open")
        n_up = sum(1 for o in orders if o["status"] == "open" and o["level"] == "squad")
        self.summary.setText(self.tr("%1 · 传感器 %2 个（报警 %3）· 在办工单 %4（已升级 %5）· 在岗 %6 人 · 摄像头 %7 路")
                             .replace("%1", str(v.get("name"))).replace("%2", str(len(sensors)))
                             .replace("%3", str(n_alarm)).replace("%4", str(n_open)).replace("%5", str(n_up))
                             .replace("%6", str(len(v["staff_on_duty"]))).replace("%7", str(len(v["cameras"]))))
        self._fill(self.sensors, [[s["id"], KIND_ZH.get(str(s.get("sensor_kind")), str(s.get("sensor_kind"))),
                                   "—" if s.get("reading") is None else f"{s['reading']:g}{UNIT.get(str(s.get('sensor_kind')), '')}",
                                   f"{s.get('threshold')}{UNIT.get(str(s.get('sensor_kind')), '')}",
                                   self.tr("报警") if s.get("status") == "alarm" else self.tr("正常"),
                                   local_time(s.get("reading_ts_utc"), "%m-%d %H:%M:%S")] for s in sensors],
                   [ALARM if s.get("status") == "alarm" else OK for s in sensors])
        self._fill(self.orders, [[o["id"], self.tr("在办") if o["status"] == "open" else self.tr("已办结"),
                                  LEVEL_ZH.get(str(o["level"]), str(o["level"])), str(o.get("sensor_id") or ""),
                                  local_time(o.get("opened_at")),
                                  (str(o.get("escalated_to") or "") + " " + local_time(o.get("escalated_at")))
                                  if o["level"] == "squad" else local_time(o.get("escalate_at")),
                                  str(o.get("case_id") or "")] for o in orders],
                   [None if o["status"] != "open" else (ALARM if o["level"] == "squad" else QColor("#f2c94c"))
                    for o in orders])
        self._fill(self.staff, [[f"{p['name']}（{p['id']}）", post_text(p.get("post")), officer_status_text(p.get("status"))]
                                for p in v["staff_on_duty"]], None)
        self._fill(self.cameras, [[str(c.get("name") or c["id"]), str(c.get("status") or "")] for c in v["cameras"]],
                   None)

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]], colours: list[QColor | None] | None) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if colours is not None and colours[r] is not None:
                    item.setForeground(QBrush(colours[r]))
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def on_event(self, ev: StoredEvent) -> None:
        if ev.entity_type in ("work_order", "sensor") and self.isVisible():
            self.refresh()

    def _open_case(self, row: int, _col: int) -> None:
        item = self.orders.item(row, 6)
        if item is not None and item.text():
            self.caseRequested.emit(item.text())

    def _close_selected(self) -> None:
        rows = self.orders.selectionModel().selectedRows()
        if not rows:
            self.message.setText(self.tr("先选择一条工单"))
            return
        oid = self.orders.item(rows[0].row(), 0).text()
        note, ok = QInputDialog.getText(self, self.tr("就地办结"), self.tr("处理情况："))
        if ok:
            self.close_order(oid, note)

    def close_order(self, order_id: str, note: str) -> bool:
        actor: Actor = self.actor()
        try:
            self.service.close(order_id, actor, note)
        except DomainError as exc:
            self.message.setText(error_text(exc))
            return False
        self.message.setText("")
        self.refresh()
        return True
