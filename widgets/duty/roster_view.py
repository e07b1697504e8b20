"""Roster calendar (排班表): one squad's week as officers × days, shift codes coloured; double-click a cell to change
it; "生成下周排班" builds next week's roster from a pattern. Every write goes through ``RosterService`` (events)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.duty.roster import RosterService
from console.duty.roster_io import next_monday
from console.errors import DomainError
from console.services.actor import Actor

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


class RosterCalendar(QWidget):
    """Week grid of one squad; emits ``changed`` after a write and ``failed(message)`` when a write is refused."""

    changed = Signal()
    failed = Signal(str)

    def __init__(self, service: RosterService, actor: Callable[[], Actor], squads: list[tuple[str, str]],
                 names: Callable[[str], str], today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.actor = actor
        self.names = names
        self.squad = QComboBox(self)
        self.squad.setObjectName("roster_squad")
        for sid, name in squads:
            self.squad.addItem(f"{name}（{sid}）", sid)
        self.week = QDateEdit(self)
        self.week.setCalendarPopup(True)
        self.week.setDisplayFormat("yyyy-MM-dd")
        monday = today - timedelta(days=today.weekday())
        self.week.setDate(QDate(monday.year, monday.month, monday.day))
        self.pattern = QComboBox(self)
        self.pattern.setObjectName("roster_pattern")
        for p in service.rules.patterns.values():
            self.pattern.addItem(p.name_zh, p.id)
        self.build_button = QPushButton(self.tr("生成下周排班"), self)
        self.build_button.setObjectName("roster_build_next_week")
        self.build_button.setToolTip(self.tr("按所选排班模式生成所选中队下周（周一至周日）的排班"))
        self.today = today
        self.status = QLabel("", self)
        self.table = QTableWidget(self)
        self.table.setObjectName("roster_table")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("中队"), self))
        top.addWidget(self.squad, 2)
        top.addWidget(QLabel(self.tr("周起始"), self))
        top.addWidget(self.week)
        top.addWidget(QLabel(self.tr("排班模式"), self))
        top.addWidget(self.pattern, 2)
        top.addWidget(self.build_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.status)
        self.squad.currentIndexChanged.connect(lambda _i: self.refresh())
        self.week.dateChanged.connect(lambda _d: self.refresh())
        self.build_button.clicked.connect(self.build_next_week)
        self.table.cellDoubleClicked.connect(self._edit_cell)
        self.refresh()

    def week_start(self) -> date:
        d = self.week.date()
        return date(d.year(), d.month(), d.day())

    def squad_id(self) -> str:
        return str(self.squad.currentData() or "")

    def refresh(self) -> None:
        """Reload the grid from the roster projection."""
        start, sid = self.week_start(), self.squad_id()
        days = [start + timedelta(days=k) for k in range(7)]
        if not sid:
            return
        officers = self.service.squad_officers(sid)
        cells = {(e.officer_id, e.day): e for e in self.service.entries(start, 7, squad_id=sid)}
        officers = sorted(set(officers) | {o for o, _ in cells})
        self.table.clear()
        self.table.setRowCount(len(officers))
        self.table.setColumnCount(7)
        weekdays = (self.tr("周一"), self.tr("周二"), self.tr("周三"), self.tr("周四"), self.tr("周五"), self.tr("周六"),
                    self.tr("周日"))
        self.table.setHorizontalHeaderLabels([f"{d:%m-%d} {weekdays[d.weekday()]}" for d in days])
        self.table.setVerticalHeaderLabels([f"{self.names(o)} {o}" for o in officers])
        rules = self.service.rules
        for r, oid in enumerate(officers):
            for c, d in enumerate(days):
                e = cells.get((oid, d))
                shift = None if e is None else rules.shifts.get(e.shift_code)
                text = "" if e is None else (e.shift_code if shift is None else f"{shift.name_zh} {e.shift_code}")
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(Qt.ItemDataRole.UserRole, (oid, d.isoformat()))
                item.setData(CODE_ROLE, None if e is None else e.shift_code)
                if shift is not None and e is not None:
                    item.setBackground(QBrush(QColor(shift.colour)))
                    item.setForeground(QBrush(QColor("#ffffff")))
                    item.setToolTip(f"{shift.name_zh}" + (f" · 责任网格 {len(e.duty_grids)} 个" if e.duty_grids else ""))
                self.table.setItem(r, c, item)
        filled = len(cells)
        self.status.setText(self.tr("%1 人，本周已排 %2 个班次（共 %3 格）").replace("%1", str(len(officers)))
                            .replace("%2", str(filled)).replace("%3", str(len(officers) * 7)))

    def build_next_week(self) -> None:
        """Roster next week (the Monday after today) for the selected squad and pattern, then show it."""
        start = next_monday(self.today)
        try:
            result = self.service.generate(self.squad_id(), start, 7, str(self.pattern.currentData()), self.actor())
        except DomainError as exc:
            self.failed.emit(exc.message_zh)
            return
        self.week.setDate(QDate(start.year, start.month, start.day))
        self.refresh()
        self.status.setText(self.tr("已生成下周排班：%1 人，写入 %2 条事件").replace("%1", str(result["officers"]))
                            .replace("%2", str(result["events"])))
        self.changed.emit()

    def set_cell(self, officer_id: str, day: date, code: str) -> bool:
        """Change one officer-day (调班); False (and ``failed``) when refused."""
        try:
            self.service.set_entry(officer_id, day, code, self.actor(), reason="排班表调整")
        except DomainError as exc:
            self.failed.emit(exc.message_zh)
            return False
        self.refresh()
        self.changed.emit()
        return True

    def _edit_cell(self, row: int, col: int) -> None:
        item = self.table.item(row, col)
        if item is None:
            return
        oid, day = item.data(Qt.ItemDataRole.UserRole)
        codes = list(self.service.rules.shifts)
        labels = [f"{c} {self.service.rules.shifts[c].name_zh}" for c in codes]
        code = item.data(CODE_ROLE)
        current = codes.index(code) if code in codes else 0
        choice, ok = QInputDialog.getItem(self, self.tr("调整班次"), f"{self.names(oid)} {day}", labels, current, False)
        if ok:
            self.set_cell(oid, date.fromisoformat(day), codes[labels.index(choice)])
