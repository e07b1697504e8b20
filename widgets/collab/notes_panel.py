"""The notes and comments thread of a case (备注/评论) with @mentions and attachments, and its handoff buttons
(申请移交 / 接收 / 拒收). Writes go through CollabService; refusals are shown in the panel, never raised."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.collab import permissions
from console.collab.service import CollabService
from console.errors import DomainError
from console.services.actor import Actor
from console.storage.eventstore import StoredEvent
from widgets.case_actions import error_text
from widgets.labels import local_time, role_text

COLLAB_TYPES = frozenset({"note", "handoff", "mention"})


class CaseNotesPanel(QWidget):
    """Thread + input line + attach/send + handoff row for the case shown in the details panel (its 备注 tab)."""

    changed = Signal()
    countChanged = Signal(int)  # notes + handoffs of the case shown (the 备注 tab's caption)

    def __init__(self, service: CollabService, actor: Callable[[], Actor], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("collab_notes")
        self.service = service
        self.actor = actor
        self.case_id: str | None = None
        self.files: list[Path] = []
        self.thread = QTextBrowser(self)
        self.thread.setObjectName("collab_thread")
        self.thread.setMinimumHeight(56)
        self.input = QLineEdit(self)
        self.input.setObjectName("collab_input")
        self.input.setPlaceholderText(self.tr("写备注，@中队/@队员/@用户 通知对方（回车发送）"))
        self.input.returnPressed.connect(self.send)
        self.attach_btn = QPushButton(self.tr("附件…"), self)
        self.attach_btn.clicked.connect(self._pick_files)
        self.send_btn = QPushButton(self.tr("发送"), self)
        self.send_btn.setObjectName("collab_send")
        self.send_btn.clicked.connect(self.send)
        self.handoff_btn = QPushButton(self.tr("申请移交…"), self)
        self.handoff_btn.setObjectName("collab_handoff")
        self.handoff_btn.clicked.connect(self._request_handoff)
        self.accept_btn = QPushButton(self.tr("接收移交"), self)
        self.accept_btn.setObjectName("collab_accept")
        self.accept_btn.clicked.connect(lambda: self._decide(True))
        self.decline_btn = QPushButton(self.tr("拒收…"), self)
        self.decline_btn.setObjectName("collab_decline")
        self.decline_btn.clicked.connect(lambda: self._decide(False))
        self.pending_label = QLabel(self)
        self.pending_label.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.message.setStyleSheet("QLabel { background: #5a1f24; color: #ffe3e3; padding: 4px; border-radius: 3px; }")
        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.attach_btn)
        row.addWidget(self.send_btn)
        hand = QHBoxLayout()
        hand.addStretch(1)
        hand.addWidget(self.handoff_btn)
        hand.addWidget(self.accept_btn)
        hand.addWidget(self.decline_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.thread, 1)
        lay.addLayout(row)
        lay.addWidget(self.pending_label)
        lay.addLayout(hand)
        lay.addWidget(self.message)
        self.pending: dict[str, Any] | None = None

    # ------------------------------------------------------------------ showing
    def show_case(self, case_id: str) -> None:
        if case_id != self.case_id:
            self.message.setVisible(False)
            self.files = []
            self.input.clear()
        self.case_id = case_id
        self.refresh()

    def refresh(self) -> None:
        if self.case_id is None:
            return
        notes = self.service.notes_for_case(self.case_id)
        handoffs = self.service.handoffs(case_id=self.case_id)
        self.thread.setHtml(thread_html(notes, handoffs))
        self.thread.verticalScrollBar().setValue(self.thread.verticalScrollBar().maximum())
        self.countChanged.emit(len(notes) + len(handoffs))
        self.pending = next((h for h in handoffs if h.get("status") == "requested"), None)
        actor = self.actor()
        self.handoff_btn.setEnabled(self.pending is None and permissions.allowed(actor, "handoff_request"))
        can_decide = self.pending is not None and permissions.allowed(actor, "handoff_decide")
        self.accept_btn.setVisible(can_decide)
        self.decline_btn.setVisible(can_decide)
        if self.pending is not None:
            self.pending_label.setText(self.tr("待接收移交：%1 → %2").replace("%1", str(self.pending.get("from_id") or "—"))
                                       .replace("%2", str(self.pending["to_id"])))
        else:
            self.pending_label.setText("")
        self.send_btn.setEnabled(permissions.allowed(actor, "note"))
        self.attach_btn.setText(self.tr("附件…") if not self.files else self.tr("附件（%1）").replace("%1", str(len(self.files))))

    def on_event(self, ev: StoredEvent) -> None:
        """Refresh when a note/handoff of the shown case arrives (from this or another seat)."""
        if self.case_id is not None and ev.case_id == self.case_id and ev.entity_type in COLLAB_TYPES:
            self.refresh()

    # ------------------------------------------------------------------ writing
    def _error(self, exc: DomainError) -> None:
        self.message.setText(error_text(exc))
        self.message.setVisible(True)

    def send(self) -> None:
        if self.case_id is None:
            return
        text = self.input.text()
        try:
            files = [(p.name, p.read_bytes()) for p in self.files]
        except OSError as exc:
            self.message.setText(str(exc))
            self.message.setVisible(True)
            return
        try:
            self.service.add_note(self.case_id, text, self.actor(), attachments=files)
        except DomainError as exc:
            self._error(exc)
            return
        self.input.clear()
        self.files = []
        self.message.setVisible(False)
        self.refresh()
        self.changed.emit()

    def _pick_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("选择附件"), "",
                                                self.tr("图片、PDF、文本、视频 (*.jpg *.jpeg *.png *.pdf *.txt *.mp4)"))
        self.files = [Path(n) for n in names]
        self.refresh()

    def _request_handoff(self) -> None:
        if self.case_id is None:
            return
        target, ok = QInputDialog.getText(self, self.tr("申请移交"), self.tr("移交给（中队或处置单位编号，如 SQ005、U-GREEN）："))
        if not ok or not target.strip():
            return
        reason, ok = QInputDialog.getText(self, self.tr("申请移交"), self.tr("移交理由："))
        if not ok:
            return
        self.request_handoff(target.strip(), reason)

    def request_handoff(self, target: str, reason: str) -> bool:
        if self.case_id is None:
            return False
        try:
            self.service.request_handoff(self.case_id, target, self.actor(), reason=reason)
        except DomainError as exc:
            self._error(exc)
            return False
        self.refresh()
        self.changed.emit()
        return True

    def _decide(self, accept: bool) -> None:
        reason = ""
        if not accept:
            reason, ok = QInputDialog.getText(self, self.tr("拒收移交"), self.tr("拒收理由："))
            if not ok:
                return
        self.decide(accept, reason)

    def decide(self, accept: bool, reason: str = "") -> bool:
        if self.pending is None:
            return False
        try:
            self.service.decide_handoff(str(self.pending["id"]), accept, self.actor(), reason=reason or None)
        except DomainError as exc:
            self._error(exc)
            return False
        self.refresh()
        self.changed.emit()
        return True


HANDOFF_ZH = {"requested": "待接收", "accepted": "已接收", "declined": "已拒收"}


def thread_html(notes: list[dict[str, Any]], handoffs: list[dict[str, Any]]) -> str:
    """Notes (replies indented) and handoffs in time order, mentions highlighted."""
    items: list[tuple[str, str]] = []
    for n in notes:
        body = escape(str(n.get("body") or ""))
        for m in n.get("mentions") or []:
            for key in {str(m.get("name")), str(m.get("id"))}:
                body = body.replace("@" + escape(key), f"<span style='color:#f2c94c'>@{escape(key)}</span>")
        files = "".join(f"<br/>[附件] {escape(str(a['name']))} ({int(a['size_bytes']) // 1024 + 1} KB)"
                        for a in n.get("attachments") or [])
        indent = "margin-left:18px;" if n.get("parent_id") else ""
        colour = "#eb5757" if n.get("note_kind") == "escalation" else "#8fa3b8"
        items.append((str(n.get("created_at")),
                      f"<div style='{indent}margin-bottom:6px'><span style='color:{colour}'>"
                      f"{escape(local_time(n.get('created_at')))} {escape(role_text(str(n.get('author_role'))))} "
                      f"{escape(str(n.get('author')))}</span><br/>{body}{files}</div>"))
    for h in handoffs:
        status = HANDOFF_ZH.get(str(h.get("status")), str(h.get("status")))
        why = h.get("decision_reason") or h.get("request_reason") or ""
        items.append((str(h.get("requested_at")),
                      f"<div style='margin-bottom:6px;color:#56ccf2'>⇄ {escape(local_time(h.get('requested_at')))} "
                      f"移交 {escape(str(h.get('from_id') or '—'))} → {escape(str(h.get('to_id')))}："
                      f"<b>{escape(status)}</b> {escape(str(why))}</div>"))
    items.sort(key=lambda kv: kv[0])
    return "".join(html for _, html in items) or "<span style='color:#8fa3b8'>暂无备注</span>"
