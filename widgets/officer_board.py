"""Officer board: squads → officers with duty status and age of the last fix, refreshed from the World."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from console.world import World
from widgets.case_model import handle_case_drop
from widgets.labels import officer_status_text, post_text
from widgets.theme import officer_status_colour

OFFICER_ID_ROLE = Qt.ItemDataRole.UserRole + 10


def fix_age_s(officer: dict[str, Any], now_utc: datetime) -> float | None:
    ts = officer.get("fix_ts_utc")
    if not ts:
        return None
    t = ts if isinstance(ts, datetime) else datetime.fromisoformat(str(ts).replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return max(0.0, (now_utc - t).total_seconds())


def age_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{int(seconds)}s"
    if seconds < 5400:
        return f"{int(seconds // 60)}min"
    return f"{seconds / 3600:.1f}h"


class OfficerBoard(QWidget):
    """Tree by squad; emits ``officerSelected(id)`` when the user picks an officer."""

    officerSelected = Signal(str)
    casesDropped = Signal(list, str)  # case ids dragged from the queue, the officer they were dropped on

    def __init__(self, world: World, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.world = world
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("中队 / 队员"), self.tr("状态"), self.tr("定位")])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.setColumnWidth(0, 150)
        self.tree.setColumnWidth(1, 100)
        self.tree.setColumnWidth(2, 50)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tree)
        self._squads: dict[str, QTreeWidgetItem] = {}
        self._items: dict[str, QTreeWidgetItem] = {}
        self._dirty = True
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.tree.viewport().setAcceptDrops(True)
        self.tree.viewport().installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(2000)
        self._timer.timeout.connect(self.refresh_if_dirty)
        self._timer.start()
        self.rebuild()

    def mark_dirty(self, *_args: Any) -> None:
        self._dirty = True

    def refresh_if_dirty(self) -> None:
        if self._dirty:
            self.refresh()

    def rebuild(self) -> None:
        self.tree.clear()
        self._squads.clear()
        self._items.clear()
        squads = self.world.assets.get("squad", {})
        by_squad: dict[str, list[dict[str, Any]]] = {}
        for o in self.world.officers.values():
            by_squad.setdefault(str(o.get("squad_id") or ""), []).append(o)
        for sid in sorted(by_squad):
            name = str(squads.get(sid, {}).get("name") or sid or self.tr("未编组"))
            top = QTreeWidgetItem([name, "", ""])
            top.setFirstColumnSpanned(False)
            self.tree.addTopLevelItem(top)
            self._squads[sid] = top
            for o in sorted(by_squad[sid], key=lambda o: (o.get("post") != "officer", str(o["id"]))):
                item = QTreeWidgetItem(["", "", ""])
                item.setData(0, OFFICER_ID_ROLE, str(o["id"]))
                top.addChild(item)
                self._items[str(o["id"])] = item
        self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        if set(self._items) != set(map(str, self.world.officers)):
            self.rebuild()
            return
        now = self.world.now_utc
        counts: dict[str, list[int]] = {}
        for oid, item in self._items.items():
            o = self.world.officers[oid]
            status = str(o.get("status") or "")
            badge = o.get("badge_no") or oid
            item.setText(0, f"{o.get('name', oid)}  {post_text(o.get('post')) if o.get('post') != 'officer' else badge}")
            item.setText(1, officer_status_text(status))
            item.setForeground(1, QBrush(officer_status_colour(status)))
            item.setText(2, age_text(fix_age_s(o, now)))
            c = counts.setdefault(str(o.get("squad_id") or ""), [0, 0, 0])
            c[0] += status != "off_duty"
            c[1] += status == "busy"
            c[2] += 1
        for sid, top in self._squads.items():
            on, busy, total = counts.get(sid, [0, 0, 0])
            top.setText(1, self.tr("在岗 %1/%2").replace("%1", str(on)).replace("%2", str(total)))
            top.setText(2, self.tr("忙 %1").replace("%1", str(busy)))

    def select_officer(self, officer_id: str) -> None:
        item = self._items.get(officer_id)
        if item is None:
            return
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(item)
        self.tree.scrollToItem(item)
        self.tree.blockSignals(False)

    def _on_selection(self) -> None:
        items = self.tree.selectedItems()
        if items:
            oid = items[0].data(0, OFFICER_ID_ROLE)
            if oid:
                self.officerSelected.emit(str(oid))

    def officer_at(self, pos: object) -> str | None:
        """The officer id of the row at a viewport position (None over a squad row or empty space)."""
        item = self.tree.itemAt(pos)  # type: ignore[call-overload]
        oid = item.data(0, OFFICER_ID_ROLE) if item is not None else None
        return str(oid) if oid else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Drops of queue rows onto an officer row become ``casesDropped`` (the window assigns them)."""
        if watched is self.tree.viewport() and isinstance(event, (QDragEnterEvent, QDragMoveEvent, QDropEvent)):
            if handle_case_drop(event, self.officer_at, self.casesDropped.emit) is None:
                event.ignore()  # not queue rows: nothing to drop here
            return True
        return super().eventFilter(watched, event)
