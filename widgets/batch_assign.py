"""Several cases to one officer at once: Ctrl/Shift-select queue rows, then drag them onto an officer (board row or
map symbol) or use the officer's right-click menu. Each case is its own transaction in the dispatch service, so one
refusal (wrong state, off duty, outside jurisdiction) stops only that case; the status bar says what happened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from console.services.dispatch import BatchResult, DispatchService
from widgets.case_actions import assignment_commands

if TYPE_CHECKING:
    from widgets.main_window import MainWindow

MESSAGE_MS = 10_000


def assign_cases(window: MainWindow, case_ids: list[str], officer_id: str) -> BatchResult | None:
    """Assign ``case_ids`` to ``officer_id`` as the window's current actor; refreshes the world and reports."""
    loaded = window.loaded
    if loaded is None or not case_ids:
        return None
    commands = assignment_commands(window)
    if commands is not None:  # through the local outbox: queued while the database is away
        result = commands.assign_many(case_ids, officer_id, window.current_actor())
    else:
        result = DispatchService(loaded.ctx).assign_many(case_ids, officer_id, window.current_actor())
    if commands is None or commands.online:  # offline: the window keeps the world it has
        loaded.world.tail(loaded.ctx.db)
    name = str(loaded.world.officers.get(officer_id, {}).get("name", officer_id))
    text = QCoreApplication.translate("BatchAssign", "已派遣 %1 件给 %2").replace("%1", str(len(result.assigned))) \
        .replace("%2", name)
    if result.queued:
        text += QCoreApplication.translate("BatchAssign", "；数据库连接中断，%1 件已存入本地发件箱，恢复后按顺序提交") \
            .replace("%1", str(len(result.queued)))
    if result.refused:
        first_id, why = next(iter(result.refused.items()))
        text += QCoreApplication.translate("BatchAssign", "；%1 件未派遣（%2：%3）").replace(
            "%1", str(len(result.refused))).replace("%2", first_id).replace("%3", why)
    window.statusBar().showMessage(text, MESSAGE_MS)
    if window.selected_case in result.assigned:
        window.select_case(window.selected_case, source="nofly")
    return result


def install_batch_assign(window: MainWindow) -> None:
    """Drops on the map's officer symbols assign; the officer board connects when it is created (on load)."""
    window.map.casesDroppedOnOfficer.connect(lambda ids, oid: assign_cases(window, ids, oid))


def connect_officer_board(window: MainWindow) -> None:
    if window.officers is not None:
        window.officers.casesDropped.connect(lambda ids, oid: assign_cases(window, ids, oid))
