"""Event ticker: the latest events as one readable line each, newest on top; click a case line to select it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from console.storage.eventstore import StoredEvent
from widgets.labels import event_line, local_time
from widgets.theme import status_colour

MAX_LINES = 300
CASE_ROLE = Qt.ItemDataRole.UserRole + 20
# Collaboration events every seat should notice (console/collab): notices, handoffs, workstation escalations.
TICKER_COLLAB_ACTIONS = frozenset({"notice_post", "handoff_request", "handoff_accept", "handoff_decline",
                                   "work_order_open", "work_order_escalate", "work_order_close"})


def is_timer_escalation(ev: StoredEvent) -> bool:
    """A 督办 the SLA timer issued (console/services/dispatch.escalate_overdue)."""
    return ev.action == "supervise" and ev.role == "system" and (ev.payload or {}).get("escalation") == "sla_overdue"


def shows_in_ticker(ev: StoredEvent) -> bool:
    """Case events and alarms; officer status/position chatter and reference-data edits would drown the ticker."""
    if ev.entity_type == "case" or ev.action in TICKER_COLLAB_ACTIONS:
        return True
    if ev.entity_type == "duty_grid":  # patrol alerts (console/duty/alerts.py)
        return True
    return ev.entity_type in ("sensor", "camera") and (ev.after or {}).get("status") in ("alarm", "offline")


class EventTicker(QWidget):
    caseSelected = Signal(str)

    def __init__(self, names: Callable[[], dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = names
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        self.list.setWordWrap(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.list)
        self.list.itemClicked.connect(self._clicked)
        self._round: tuple[Any, QListWidgetItem, list[str]] | None = None  # the SLA timer's current round line

    def add_event(self, ev: StoredEvent) -> None:
        if not shows_in_ticker(ev):
            return
        timer = is_timer_escalation(ev)
        if timer and self._add_escalation(ev):
            return
        item = QListWidgetItem(event_line(ev, self.names()))
        self._round = (ev.ts_utc, item, [str(ev.case_id)]) if timer else self._round
        if ev.case_id or ev.entity_type == "case":
            item.setData(CASE_ROLE, ev.case_id or ev.entity_id)
            status = (ev.after or {}).get("status")
            if status:
                item.setForeground(QBrush(status_colour(str(status))))
        else:
            item.setForeground(QBrush(QColor("#8fa3b8")))
        self.list.insertItem(0, item)
        while self.list.count() > MAX_LINES:
            self.list.takeItem(self.list.count() - 1)

    def add_events(self, events: list[StoredEvent]) -> None:
        self.list.setUpdatesEnabled(False)
        for ev in events:
            self.add_event(ev)
        self.list.setUpdatesEnabled(True)

    def _add_escalation(self, ev: StoredEvent) -> bool:
        """Fold an SLA-timer 督办 into the line of its round (same second): one round that escalates dozens of cases
        is one line, not a flood that pushes everything else out of sight. True when folded."""
        group = self._round
        if group is None or group[0] != ev.ts_utc or self.list.row(group[1]) < 0:
            return False
        ids = group[2]
        ids.append(str(ev.case_id))
        group[1].setText(self.tr("%1 系统自动督办 %2 件超时案件（点击查看首件，悬停看全部）").replace(
            "%1", local_time(ev.ts_utc, "%H:%M:%S")).replace("%2", str(len(ids))))
        group[1].setToolTip("\n".join(ids[:40]) + ("\n…" if len(ids) > 40 else ""))
        return True

    def _clicked(self, item: QListWidgetItem) -> None:
        cid = item.data(CASE_ROLE)
        if cid:
            self.caseSelected.emit(str(cid))
