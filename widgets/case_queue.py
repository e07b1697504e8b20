"""Case queue dock: filter row (status, category, subdistrict, source, overdue, text) over a sortable table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.domain.enums import CaseStatus, SourceChannel
from widgets.case_model import CASE_ID_ROLE, COL, CaseFilterProxy, CaseTableModel
from widgets.labels import source_text, status_text

SETTINGS_KEY = "queue/filters"


DUE_SOON_S = 3600.0  # the "due within the hour" view


class CaseQueue(QWidget):
    caseSelected = Signal(str)
    contextRequested = Signal(str, QPoint)  # case id under the right click, global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: CaseTableModel | None = None
        self.proxy = CaseFilterProxy(self)
        self._categories: dict[str, frozenset[str]] = {}
        self.status_combo = QComboBox(self)
        self.status_combo.addItem(self.tr("全部未结"), "open")
        self.status_combo.addItem(self.tr("全部"), "")
        for st in CaseStatus:
            self.status_combo.addItem(status_text(st.value), st.value)
        self.category_combo = QComboBox(self)
        self.category_combo.addItem(self.tr("全部类别"), "")
        self.subdistrict_combo = QComboBox(self)
        self.subdistrict_combo.addItem(self.tr("全部街道"), "")
        self.source_combo = QComboBox(self)
        self.source_combo.addItem(self.tr("全部来源"), "")
        for src in SourceChannel:
            self.source_combo.addItem(source_text(src.value), src.value)
        self.overdue_check = QCheckBox(self.tr("仅超期"), self)
        self.due_soon_check = QCheckBox(self.tr("1 小时内到期"), self)
        self.due_soon_check.setToolTip(self.tr("未超期、当前环节 1 小时内到期的案件（即将超期）"))
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText(self.tr("筛选编号/地址"))
        self.text_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        for combo in (self.status_combo, self.category_combo, self.subdistrict_combo, self.source_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._apply)
        self.overdue_check.toggled.connect(self._apply)
        self.due_soon_check.toggled.connect(self._apply)
        self.text_edit.textChanged.connect(self._apply)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # Ctrl/Shift: batch assign
        self.table.setDragEnabled(True)  # drag rows onto an officer (board or map) to assign them
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)

        row1 = QHBoxLayout()
        row1.addWidget(self.status_combo)
        row1.addWidget(self.category_combo)
        row1.addWidget(self.subdistrict_combo)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        row2.addWidget(self.source_combo)
        row2.addWidget(self.overdue_check)
        row2.addWidget(self.due_soon_check)
        row2.addWidget(self.text_edit, 1)
        row2.addWidget(self.count_label)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(self.table, 1)

    def set_model(self, model: CaseTableModel) -> None:
        self.model = model
        self.proxy.setSourceModel(model)
        for sig in (model.rowsInserted, model.modelReset):
            sig.connect(self._update_count)
        h = self.table.horizontalHeader()
        widths = {"id": 118, "status": 64, "category": 94, "subdistrict": 74, "source": 68, "priority": 48,
                  "assignee": 54, "sla": 70}
        h.setMinimumSectionSize(36)
        for name, w in widths.items():
            h.resizeSection(COL[name], w)
        h.setStretchLastSection(True)
        self.table.sortByColumn(COL["sla"], Qt.SortOrder.AscendingOrder)
        self._update_count()

    def set_choices(self, categories: Sequence[tuple[str, str, frozenset[str]]],
                    subdistricts: Sequence[tuple[str, str]]) -> None:
        """categories: (key, label, codes); subdistricts: (code, name)."""
        self._categories = {key: codes for key, _label, codes in categories}
        for key, label, _codes in categories:
            self.category_combo.addItem(label, key)
        for code, name in subdistricts:
            self.subdistrict_combo.addItem(name, code)

    # --------------------------------------------------------------- filters
    def set_filters(self, *, status: str | None = None, category_major: str | None = None,
                    subdistrict: str | None = None, source: str | None = None, overdue_only: bool | None = None,
                    text: str | None = None, due_soon: bool | None = None) -> None:
        for combo, value in ((self.status_combo, status), (self.category_combo, category_major),
                             (self.subdistrict_combo, subdistrict), (self.source_combo, source)):
            if value is not None:
                idx = combo.findData(value)
                if idx >= 0:
                    combo.setCurrentIndex(idx)
        if overdue_only is not None:
            self.overdue_check.setChecked(overdue_only)
        if due_soon is not None:
            self.due_soon_check.setChecked(due_soon)
        if text is not None:
            self.text_edit.setText(text)
        self._apply()

    def _apply(self, *_a: Any) -> None:
        cat = str(self.category_combo.currentData() or "")
        self.proxy.set_filters(status=str(self.status_combo.currentData() or ""), category_major=cat,
                               category_codes=self._categories.get(cat, frozenset()),
                               subdistrict=str(self.subdistrict_combo.currentData() or ""),
                               source=str(self.source_combo.currentData() or ""),
                               overdue_only=self.overdue_check.isChecked(),
                               due_within_s=DUE_SOON_S if self.due_soon_check.isChecked() else 0.0,
                               text=self.text_edit.text().strip())
        self._update_count()

    def save_filters(self, settings: QSettings) -> None:
        f = self.proxy.filters()
        for key, value in f.items():
            settings.setValue(f"{SETTINGS_KEY}/{key}", value)

    def restore_filters(self, settings: QSettings) -> None:
        def get(key: str) -> Any:
            return settings.value(f"{SETTINGS_KEY}/{key}")

        def flag(key: str) -> bool | None:
            value = get(key)
            return None if value is None else str(value).lower() in ("true", "1")

        due = get("due_within_s")
        self.set_filters(status=get("status"), category_major=get("category_major"), subdistrict=get("subdistrict"),
                         source=get("source"), overdue_only=flag("overdue_only"),
                         due_soon=None if due is None else float(due) > 0)

    def _update_count(self, *_a: Any) -> None:
        total = self.model.rowCount() if self.model is not None else 0
        self.count_label.setText(self.tr("%1 / %2 件").replace("%1", str(self.proxy.rowCount()))
                                 .replace("%2", str(total)))

    # --------------------------------------------------------------- selection
    def visible_case_ids(self) -> list[str]:
        return [str(self.proxy.index(r, 0).data(CASE_ID_ROLE)) for r in range(self.proxy.rowCount())]

    def selected_case_ids(self) -> list[str]:
        """The selected rows' case ids in the queue's order (Ctrl/Shift-click selects several)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [str(self.proxy.index(r, 0).data(CASE_ID_ROLE)) for r in rows]

    def select_case(self, case_id: str) -> bool:
        if self.model is None:
            return False
        row = self.model.row_of(case_id)
        if row is None:
            return False
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        if not idx.isValid():
            return False
        sm = self.table.selectionModel()
        sm.blockSignals(True)
        sm.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.ClearAndSelect
                           | QItemSelectionModel.SelectionFlag.Rows)
        sm.blockSignals(False)
        self.table.viewport().update()
        self.table.scrollTo(idx, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            cid = current.data(CASE_ID_ROLE)
            if cid:
                self.caseSelected.emit(str(cid))

    def _on_context_menu(self, pos: QPoint) -> None:
        idx = self.table.indexAt(pos)
        cid = idx.data(CASE_ID_ROLE) if idx.isValid() else None
        if cid:
            self.contextRequested.emit(str(cid), self.table.viewport().mapToGlobal(pos))
