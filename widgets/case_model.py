"""Case queue model: one row per case in the World, a live SLA countdown column, and a filter proxy.

The model only reads World state; rows are added/refreshed from ``cases_changed`` and the SLA column is refreshed
by :meth:`CaseTableModel.tick` once a second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QDropEvent

from console.city.deadlines import effective_deadline
from console.domain.enums import CaseStatus
from console.world import World
from widgets.labels import local_time, priority_text, source_text, status_text
from widgets.theme import OVERDUE_COLOUR, WARN_COLOUR, status_colour

COLUMNS = ("id", "status", "category", "subdistrict", "source", "priority", "assignee", "sla")
COL = {name: i for i, name in enumerate(COLUMNS)}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 2
PRIORITY_RANK = {"urgent": 0, "A": 1, "B": 2, "C": 3}
WARN_BEFORE_S = 3600.0
AnyIndex = QModelIndex | QPersistentModelIndex


def _deadline(case: dict[str, Any]) -> datetime | None:
    """The step deadline, or a city platform ticket's deadline when that comes first (the earlier drives the light)."""
    return effective_deadline(case)


def sla_seconds_left(case: dict[str, Any], now_utc: datetime) -> float | None:
    """Seconds to the current step's deadline (negative when overdue); None for closed/hung or no deadline."""
    status = CaseStatus(case["status"])
    if not status.is_open or status == CaseStatus.HUNG:
        return None
    deadline = _deadline(case)
    if deadline is None:
        return None
    return (deadline - now_utc).total_seconds()


def is_overdue(case: dict[str, Any], now_utc: datetime) -> bool:
    left = sla_seconds_left(case, now_utc)
    return (bool(case.get("overdue")) and CaseStatus(case["status"]).is_open) or (left is not None and left < 0)


def is_due_within(case: dict[str, Any], now_utc: datetime, within_s: float) -> bool:
    """Open, not yet overdue, and its current step falls due within ``within_s`` seconds (the 即将超期 view)."""
    if not CaseStatus(case["status"]).is_open or is_overdue(case, now_utc):
        return False
    left = sla_seconds_left(case, now_utc)
    return left is not None and 0 <= left <= within_s


CASE_IDS_MIME = "application/x-urbanops-case-ids"


def case_ids_from_mime(mime: QMimeData) -> list[str]:
    """The case ids a drag carries (empty when it carries none)."""
    if not mime.hasFormat(CASE_IDS_MIME):
        return []
    return [line for line in bytes(mime.data(CASE_IDS_MIME).data()).decode().splitlines() if line]


def handle_case_drop(event: QDropEvent, officer_at: Callable[[QPoint], str | None],
                     on_drop: Callable[[list[str], str], None]) -> bool | None:
    """Drag-to-assign for any officer view: accept a drag of queue rows over an officer, call ``on_drop(ids,
    officer_id)`` when they are dropped there. None when the drag carries no case ids (the caller decides)."""
    ids = case_ids_from_mime(event.mimeData())
    if not ids:
        return None
    oid = officer_at(event.position().toPoint())
    if oid is None and event.type() != QEvent.Type.DragEnter:
        event.ignore()
        return True
    event.acceptProposedAction()
    if event.type() == QEvent.Type.Drop and oid is not None:
        on_drop(ids, oid)
    return True


class CaseTableModel(QAbstractTableModel):
    def __init__(self, world: World, category_name: Callable[[str], str], officer_name: Callable[[str], str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.world = world
        self.category_name = category_name
        self.officer_name = officer_name
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}
        self.reload()

    # --------------------------------------------------------------- feeding
    def reload(self) -> None:
        self.beginResetModel()
        self._ids = sorted(self.world.cases, key=lambda cid: str(self.world.cases[cid].get("created_at") or ""),
                           reverse=True)
        self._row_of = {cid: i for i, cid in enumerate(self._ids)}
        self.endResetModel()

    def on_cases_changed(self, ids: list[str] | None) -> None:
        if ids is None:
            self.reload()
            return
        new = [cid for cid in dict.fromkeys(ids) if cid not in self._row_of and cid in self.world.cases]
        if new:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for cid in new:
                self._row_of[cid] = len(self._ids)
                self._ids.append(cid)
            self.endInsertRows()
        rows = [self._row_of[cid] for cid in ids if cid in self._row_of]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(COLUMNS) - 1))

    def tick(self) -> None:
        """Refresh the SLA column (called every second)."""
        if self._ids:
            self.dataChanged.emit(self.index(0, COL["sla"]), self.index(len(self._ids) - 1, COL["sla"]),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, SORT_ROLE])

    def case_id_at(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, case_id: str) -> int | None:
        return self._row_of.get(case_id)

    # --------------------------------------------------------------- Qt model API
    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return [CASE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # type: ignore[override]
        """Dragged rows carry their case ids (one per line), for drag-to-assign onto an officer."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(CASE_IDS_MIME, "\n".join(self._ids[r] for r in rows).encode())
        return mime

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [self.tr("案件编号"), self.tr("状态"), self.tr("类别"), self.tr("街道"), self.tr("来源"),
                self.tr("紧急度"), self.tr("处置人"), self.tr("时限")][section]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cid = self._ids[index.row()]
        case = self.world.cases.get(cid)
        if case is None:
            return None
        col = COLUMNS[index.column()]
        if role == CASE_ID_ROLE:
            return cid
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(case, col)
        if role == SORT_ROLE:
            return self._sort_key(case, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "status":
                return QBrush(status_colour(case["status"]))
            if col == "sla":
                left = sla_seconds_left(case, self.world.now_utc)
                if left is not None and left < 0:
                    return QBrush(QColor(OVERDUE_COLOUR))
                if left is not None and left < WARN_BEFORE_S:
                    return QBrush(QColor(WARN_COLOUR))
            if col == "priority" and case.get("priority") == "urgent":
                return QBrush(QColor(OVERDUE_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole:
            room = self._workroom_name(case)
            return (f"{cid} · {source_text(case.get('source'))}" + (f"（{room}）" if room else "")
                    + f" · {case.get('address') or ''} · {local_time(case.get('created_at'))}")
        return None

    def _workroom_name(self, case: dict[str, Any]) -> str | None:
        """The workroom (社区工作室) a complaint came through, short name, or None."""
        wid = case.get("workroom_id")
        if not wid:
            return None
        room = self.world.assets.get("workroom", {}).get(str(wid)) or {}
        name = str(room.get("name") or wid)
        return name.replace("城管社区工作室", "").replace("社区工作室", "") or name

    def _display(self, case: dict[str, Any], col: str) -> str:
        if col == "id":
            return str(case["id"])
        if col == "status":
            return "● " + status_text(case["status"])
        if col == "category":
            return self.category_name(str(case.get("category_code") or ""))
        if col == "subdistrict":
            return str(case.get("subdistrict_name") or "")
        if col == "source":  # the channel, and for a resident's QR complaint the workroom it came through
            room = self._workroom_name(case)
            return source_text(case.get("source")) + (f"·{room}" if room else "")
        if col == "priority":
            return priority_text(case.get("priority"))
        if col == "assignee":
            a = case.get("assignee")
            return self.officer_name(str(a)) if a else ""
        if col == "sla":
            from widgets.labels import countdown_text

            left = sla_seconds_left(case, self.world.now_utc)
            return "" if left is None else countdown_text(left)
        return ""

    def _sort_key(self, case: dict[str, Any], col: str) -> Any:
        if col == "sla":
            left = sla_seconds_left(case, self.world.now_utc)
            return 1e12 if left is None else left
        if col == "priority":
            return PRIORITY_RANK.get(str(case.get("priority")), 9)
        if col == "id":
            return str(case.get("created_at") or "") + str(case["id"])
        return self._display(case, col)


class CaseFilterProxy(QSortFilterProxyModel):
    """Filters by status (a value, "open" or "" for all), category major class (a set of codes), subdistrict, source, overdue, text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status = "open"
        self.category_major = ""  # a key from the queue's category combo ("事件:01"), "" for all
        self.category_codes: frozenset[str] = frozenset()  # the codes of that major class
        self.subdistrict = ""
        self.source = ""
        self.overdue_only = False
        self.due_within_s = 0.0  # > 0: only cases falling due within that many seconds
        self.text = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(False)

    def set_filters(self, **kw: Any) -> None:
        self.beginFilterChange()
        for key, value in kw.items():
            if not hasattr(self, key):
                raise AttributeError(key)
            setattr(self, key, value)
        self.endFilterChange()

    def filters(self) -> dict[str, Any]:
        return {"status": self.status, "category_major": self.category_major, "subdistrict": self.subdistrict,
                "source": self.source, "overdue_only": self.overdue_only, "due_within_s": self.due_within_s}

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, CaseTableModel)
        case = model.world.cases.get(model.case_id_at(source_row))
        if case is None:
            return False
        status = str(case["status"])
        if self.status == "open":
            if not CaseStatus(status).is_open:
                return False
        elif self.status and status != self.status:
            return False
        if self.category_major and str(case.get("category_code") or "") not in self.category_codes:
            return False
        if self.subdistrict and case.get("subdistrict_code") != self.subdistrict:
            return False
        if self.source and case.get("source") != self.source:
            return False
        if self.overdue_only and not is_overdue(case, model.world.now_utc):
            return False
        if self.due_within_s > 0 and not is_due_within(case, model.world.now_utc, self.due_within_s):
            return False
        if self.text:
            hay = f"{case['id']} {case.get('address') or ''} {case.get('description') or ''}"
            if self.text.lower() not in hay.lower():
                return False
        return True
