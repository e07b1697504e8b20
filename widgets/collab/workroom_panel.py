"""Community workrooms panel (社区工作室): the registry as a table with complaint counts; the selected workroom's
details, statistics and complaints (double-click a complaint to open the case)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.collab.workrooms import complaints, list_workrooms, stats
from console.services.context import ServiceContext
from widgets.labels import local_time, status_text


class WorkroomPanel(QDialog):
    caseRequested = Signal(str)
    locateRequested = Signal(float, float)

    def __init__(self, ctx: ServiceContext, names: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workroom_panel")
        self.setWindowTitle(self.tr("社区工作室"))
        self.resize(1100, 640)
        self.ctx = ctx
        self.names = names or {}
        self.rooms = list_workrooms(ctx)
        all_cases = complaints(ctx)
        self.by_room: dict[str, list[dict[str, Any]]] = {}
        for c in all_cases:
            self.by_room.setdefault(str(c["workroom_id"]), []).append(c)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("筛选：编号、名称、街道、联系人"))
        self.filter.textChanged.connect(self._apply_filter)
        heads = [self.tr("编号"), self.tr("名称"), self.tr("街道"), self.tr("联系人"), self.tr("开放时间"),
                 self.tr("诉件"), self.tr("在办")]
        self.table = QTableWidget(len(self.rooms), len(heads), self)
        self.table.setObjectName("workroom_table")
        self.table.setHorizontalHeaderLabels(heads)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        for r, room in enumerate(self.rooms):
            cases = self.by_room.get(room["id"], [])
            n_open = sum(1 for c in cases if c["status"] not in ("closed", "voided"))
            code = str(room.get("subdistrict_code") or "")
            sub = self.names.get(code) or ctx.geo.names.get(code, code)
            cells = [room["id"], room.get("name") or "", str(sub), room.get("contact_officer") or "—",
                     room.get("opening_hours") or "", str(len(cases)), str(n_open)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= 5:
                    item.setData(Qt.ItemDataRole.DisplayRole, int(text))
                self.table.setItem(r, c, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)
        self.table.resizeColumnsToContents()
        self.table.itemSelectionChanged.connect(self._selected)
        self.detail = QLabel(self.tr("选择一个社区工作室"), self)
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.cases = QTableWidget(0, 4, self)
        self.cases.setObjectName("workroom_cases")
        self.cases.setHorizontalHeaderLabels([self.tr("案件编号"), self.tr("时间"), self.tr("类别"), self.tr("状态")])
        self.cases.verticalHeader().setVisible(False)
        self.cases.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.cases.cellDoubleClicked.connect(lambda r, _c: self.caseRequested.emit(self.cases.item(r, 0).text()))
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.filter)
        ll.addWidget(self.table, 1)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.detail)
        rl.addWidget(self.cases, 1)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([640, 460])
        lay = QHBoxLayout(self)
        lay.addWidget(split)
        if self.rooms:
            self.table.selectRow(0)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for r in range(self.table.rowCount()):
            row_text = " ".join((self.table.item(r, c).text() if self.table.item(r, c) else "") for c in range(5))
            self.table.setRowHidden(r, bool(needle) and needle not in row_text.lower())

    def select_workroom(self, workroom_id: str) -> bool:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text() == workroom_id:
                self.table.selectRow(r)
                return True
        return False

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        wid = self.table.item(rows[0].row(), 0).text()
        room = next(r for r in self.rooms if r["id"] == wid)
        cases = self.by_room.get(wid, [])
        st = stats(cases, self.ctx.clock.now_utc(), self.ctx.taxonomy)
        rate = "—" if st["closed_on_time_rate"] is None else f"{st['closed_on_time_rate'] * 100:.1f}%"
        tops = "、".join(f"{c['name']} {c['count']}" for c in st["top_categories"]) or "—"
        # Labels are translated outside the f-string: lupdate does not see tr() calls inside one.
        address, contact, hours = self.tr("地址"), self.tr("联系人"), self.tr("开放时间")
        total, open_, closed = self.tr("诉件"), self.tr("在办"), self.tr("已结案")
        on_time, week, month, top = self.tr("按期结案率"), self.tr("近7天"), self.tr("近30天"), self.tr("主要问题")
        self.detail.setText(
            f"<b style='font-size:15px'>{room.get('name')}</b>（{wid}）<br/>"
            f"{address}：{room.get('address') or '—'}　{contact}：{room.get('contact_officer') or '—'}"
            f"　{hours}：{room.get('opening_hours') or '—'}<br/>"
            f"{total} <b>{st['total']}</b>　{open_} <b>{st['open']}</b>　{closed} "
            f"{st['closed']}　{on_time} {rate}　{week} {st['last_7_days']}　"
            f"{month} {st['last_30_days']}<br/>{top}：{tops}")
        self.cases.setRowCount(len(cases))
        for r, c in enumerate(cases):
            cells = [c["id"], local_time(c["created_at"]), str(self.names.get(c["category_code"], c["category_code"])),
                     status_text(c["status"])]
            for k, text in enumerate(cells):
                self.cases.setItem(r, k, QTableWidgetItem(text))
        self.cases.resizeColumnsToContents()
        if room.get("lon") is not None and room.get("lat") is not None:
            self.locateRequested.emit(float(room["lon"]), float(room["lat"]))
