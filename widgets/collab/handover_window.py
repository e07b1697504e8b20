"""The shift handover digest window (交接班摘要): counts, then one tab per list; export to PDF.

The digest is read off the GUI thread (a QThread), so a large database never freezes the window.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.collab.config import default_config
from console.collab.handover import DigestItem, HandoverDigest, ShiftWindow, load_digest, next_shift, shift_at
from console.services.context import ServiceContext
from widgets.labels import local_time, status_text


class DigestWorker(QThread):
    ready = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx: ServiceContext, window: ShiftWindow, now_utc: datetime, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx, self.window, self.now_utc = ctx, window, now_utc

    def run(self) -> None:
        try:
            self.ready.emit(load_digest(self.ctx.db, self.window, self.now_utc))
        except Exception as exc:  # shown in the window
            self.failed.emit(str(exc))


class HandoverWindow(QDialog):
    caseRequested = Signal(str)

    def __init__(self, ctx: ServiceContext, now_utc: datetime, names: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handover_window")
        self.setWindowTitle(self.tr("交接班摘要"))
        self.resize(980, 640)
        self.ctx = ctx
        self.now_utc = now_utc
        self.names = names or {}
        self.digest: HandoverDigest | None = None
        self.worker: DigestWorker | None = None
        shifts = default_config().shifts
        self.choices = [next_shift(now_utc, shifts), shift_at(now_utc, shifts)]
        self.shift_combo = QComboBox(self)
        for w in self.choices:
            self.shift_combo.addItem(f"{w.label_zh} {local_time(w.start_utc, '%m-%d %H:%M')}–"
                                     f"{local_time(w.end_utc, '%H:%M')}")
        self.shift_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.summary = QLabel(self.tr("正在生成…"), self)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 14px; font-weight: bold;")
        self.pdf_btn = QPushButton(self.tr("导出 PDF…"), self)
        self.pdf_btn.clicked.connect(self._export)
        self.tabs = QTabWidget(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("接班班次"), self))
        top.addWidget(self.shift_combo)
        top.addStretch(1)
        top.addWidget(self.pdf_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs, 1)
        self.reload()

    def reload(self) -> None:
        window = self.choices[max(0, self.shift_combo.currentIndex())]
        self.summary.setText(self.tr("正在生成…"))
        self.worker = DigestWorker(self.ctx, window, self.now_utc, self)
        self.worker.ready.connect(self.show_digest)
        self.worker.failed.connect(self.summary.setText)
        self.worker.start()

    def show_digest(self, digest: HandoverDigest) -> None:
        self.digest = digest
        c = digest.to_json()["counts"]
        self.summary.setText(
            self.tr("在办 %1 件 · 已超时 %2 · 本班将超时 %3 · 督办 %4 · 挂账 %5 · 待接收移交 %6 · 工作站升级 %7")
            .replace("%1", str(c["open"])).replace("%2", str(c["overdue"])).replace("%3", str(c["breach_next_shift"]))
            .replace("%4", str(c["escalated"])).replace("%5", str(c["hung"])).replace("%6", str(c["pending_handoffs"]))
            .replace("%7", str(c["escalated_work_orders"])))
        self.tabs.clear()
        for title, items in ((self.tr("本班将超时"), digest.breach_next_shift), (self.tr("已超时"), digest.overdue),
                             (self.tr("督办"), digest.escalated), (self.tr("挂账"), digest.hung),
                             (self.tr("在办"), digest.open_cases)):
            self.tabs.addTab(self._case_table(items), f"{title}（{len(items)}）")
        self.tabs.addTab(self._dict_table(digest.pending_handoffs, ["id", "case_id", "from_id", "to_id", "requested_by",
                                                                    "request_reason"]),
                         self.tr("待接收移交（%1）").replace("%1", str(len(digest.pending_handoffs))))
        self.tabs.addTab(self._dict_table(digest.escalated_work_orders, ["id", "workstation_id", "sensor_id",
                                                                         "escalated_to", "case_id"]),
                         self.tr("工作站升级（%1）").replace("%1", str(len(digest.escalated_work_orders))))

    def _case_table(self, items: list[DigestItem]) -> QTableWidget:
        heads = [self.tr("案件编号"), self.tr("类别"), self.tr("状态"), self.tr("街道"), self.tr("承办"), self.tr("期限"),
                 self.tr("标记")]
        t = QTableWidget(len(items), len(heads), self)
        t.setHorizontalHeaderLabels(heads)
        t.verticalHeader().setVisible(False)
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for r, i in enumerate(items):
            cells = [i.case_id, str(self.names.get(i.category_code, i.category_code)), status_text(i.status),
                     i.subdistrict_name or "", str(self.names.get(i.assignee or "", i.assignee or "")),
                     local_time(i.deadline_utc), self.tr("上一班新增") if i.flag == "new" else ""]
            for c, text in enumerate(cells):
                t.setItem(r, c, QTableWidgetItem(text))
        t.resizeColumnsToContents()
        t.cellDoubleClicked.connect(lambda row, _c, tb=t: self.caseRequested.emit(tb.item(row, 0).text()))
        return t

    def _dict_table(self, rows: list[dict[str, Any]], keys: list[str]) -> QTableWidget:
        t = QTableWidget(len(rows), len(keys), self)
        t.setHorizontalHeaderLabels(keys)
        t.verticalHeader().setVisible(False)
        t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, k in enumerate(keys):
                t.setItem(r, c, QTableWidgetItem(str(row.get(k) or "")))
        t.resizeColumnsToContents()
        return t

    def _export(self) -> None:
        if self.digest is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出交接班摘要"), "handover.pdf", "PDF (*.pdf)")
        if path:
            self.export_pdf(Path(path))

    def export_pdf(self, path: Path) -> Path | None:
        if self.digest is None:
            return None
        from widgets.collab.handover_pdf import write_handover_pdf

        return write_handover_pdf(self.digest, path, self.ctx.taxonomy)
