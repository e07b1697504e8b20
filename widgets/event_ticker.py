"""Event ticker: the latest events as one readable line each, newest on top; click a case line to select it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from console.storage.eventstore import StoredEvent
from widgets.labels import event_line
from widgets.theme import status_colour

MAX_LINES = 300
CASE_ROLE = Qt.ItemDataRole.UserRole + 20
# Collaboration events every seat should notice (console/collab): notices, handoffs, workstation escalations.
TICKER_COLLAB_ACTIONS = frozenset({"notice_post", "handoff_request", "handoff_accept", "handoff_decline",
                                   "work_order_open", "work_order_escalate", "work_order_close"})


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

    def add_event(self, ev: StoredEvent) -> None:
        if not shows_in_ticker(ev):
            return
        item = QListWidgetItem(event_line(ev, self.names()))
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

    def _clicked(self, item: QListWidgetItem) -> None:
        cid = item.data(CASE_ROLE)
        if cid:
            self.caseSelected.emit(str(cid))
