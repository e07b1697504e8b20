"""Dialog asking for what a workflow action needs: a reason and/or a target (officer, squad or unit)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ActionDialog(QDialog):
    """Non-blocking: the caller connects ``accepted`` and reads :meth:`reason` / :meth:`target`."""

    def __init__(self, title: str, case_id: str, *, need_reason: bool, need_target: bool,
                 targets: Sequence[tuple[str, str]] = (), parent: QWidget | None = None) -> None:
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
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

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
