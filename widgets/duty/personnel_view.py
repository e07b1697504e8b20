"""Personnel list (人员管理): everyone of a squad with post, rank, certificate and its expiry, devices, duty status and
the contact phone masked for the current role (``PersonnelService.people``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.duty.personnel import POSTS, PersonnelService
from console.services.actor import Actor


class PersonnelList(QWidget):
    def __init__(self, service: PersonnelService, actor: Callable[[], Actor], squads: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.actor = actor
        self.squad = QComboBox(self)
        self.squad.addItem(self.tr("全部中队"), None)
        for sid, name in squads:
            self.squad.addItem(f"{name}（{sid}）", sid)
        self.table = QTableWidget(self)
        self.table.setObjectName("personnel_table")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("中队"), self))
        top.addWidget(self.squad, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        self.squad.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        people = self.service.people(self.actor(), squad_id=self.squad.currentData(), include_inactive=True)
        headers = [self.tr("编号"), self.tr("姓名"), self.tr("岗位"), self.tr("中队"), self.tr("职级"), self.tr("执法证"),
                   self.tr("有效期"), self.tr("终端"), self.tr("电话"), self.tr("状态")]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(people))
        for r, p in enumerate(people):
            values = [p["id"], p["name"], POSTS.get(str(p["post"]), str(p["post"])), p["squad_id"], p["rank"],
                      p["cert_no"], p["cert_expiry"], ";".join(p["device_ids"] or []), p["phone"],
                      self.tr("停用") if not p["active"] else (p["status"] or "")]
            for c, v in enumerate(values):
                item = QTableWidgetItem("" if v is None else str(v))
                if not p["active"]:
                    item.setForeground(QBrush(QColor("#7a8896")))
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)
