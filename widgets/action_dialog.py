"""Dialog asking for what a workflow action needs: a reason and/or a target (officer, squad or unit), and for
法制审核通过 the decision recorded with it (rules in console/domain/legal_decision.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ActionDialog(QDialog):
    """Non-blocking: the caller connects ``accepted`` and reads :meth:`reason` / :meth:`target`."""

    def __init__(self, title: str, case_id: str, *, need_reason: bool, need_target: bool,
                 targets: Sequence[tuple[str, str]] = (), need_decision: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("案件 %1：%2").replace("%1", case_id).replace("%2", title)))
        form = QFormLayout()
        self.target_combo: QComboBox | None = None
        self.reason_edit: QPlainTextEdit | None = None
        if need_target:
            combo = QComboBox(self)
            combo.setEditable(True)
            for target_id, label in targets:
                combo.addItem(label, target_id)
            form.addRow(self.tr("派遣给"), combo)
            self.target_combo = combo
        if need_reason:
            edit = QPlainTextEdit(self)
            edit.setPlaceholderText(self.tr("请填写原因（必填）"))
            edit.setFixedHeight(80)
            form.addRow(self.tr("原因"), edit)
            self.reason_edit = edit
        self.decision_edits: dict[str, QLineEdit] = {}
        self.fine_spin: QDoubleSpinBox | None = None
        if need_decision:
            for key, label, hint in (("decision_no", self.tr("决定书文号"), self.tr("例：长城管罚字〔2026〕第0123号")),
                                     ("decision", self.tr("处理决定"), self.tr("例：罚款人民币伍仟元")),
                                     ("legal_basis", self.tr("法律依据"), self.tr("例：《上海市建筑垃圾处理管理规定》"))):
                line = QLineEdit(self)
                line.setPlaceholderText(hint)
                form.addRow(label, line)
                self.decision_edits[key] = line
            fine = QDoubleSpinBox(self)
            fine.setRange(0.0, 10_000_000.0)
            fine.setDecimals(2)
            fine.setSingleStep(100.0)
            fine.setSpecialValueText(self.tr("无罚款"))  # the minimum (0) means: no fine in this decision
            fine.setSuffix(self.tr(" 元"))
            form.addRow(self.tr("罚款金额"), fine)
            self.fine_spin = fine
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def decision(self) -> dict[str, Any] | None:
        """The decision as typed (validated by the service, which refuses an incomplete one); None if left empty."""
        if not self.decision_edits:
            return None
        out: dict[str, Any] = {k: e.text().strip() for k, e in self.decision_edits.items() if e.text().strip()}
        if self.fine_spin is not None and self.fine_spin.value() > 0:
            out["fine_cny"] = round(self.fine_spin.value(), 2)
        return out or None

    def set_decision(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if key == "fine_cny" and self.fine_spin is not None:
                self.fine_spin.setValue(float(value))
            elif key in self.decision_edits:
                self.decision_edits[key].setText(str(value))

    def reason(self) -> str | None:
        return self.reason_edit.toPlainText().strip() or None if self.reason_edit is not None else None

    def target(self) -> str | None:
        if self.target_combo is None:
            return None
        idx = self.target_combo.currentIndex()
        text = self.target_combo.currentText().strip()
        if idx >= 0 and self.target_combo.itemText(idx) == text:
            data = self.target_combo.itemData(idx)
            return str(data) if data else text or None
        return text.split()[0] if text else None

    def set_reason(self, text: str) -> None:
        if self.reason_edit is not None:
            self.reason_edit.setPlainText(text)

    def set_target(self, target_id: str) -> None:
        if self.target_combo is None:
            return
        idx = self.target_combo.findData(target_id)
        if idx >= 0:
            self.target_combo.setCurrentIndex(idx)
        else:
            self.target_combo.setEditText(target_id)
