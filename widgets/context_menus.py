"""Right-click menus on cases (queue rows, map symbols) and officers (map symbols).

They only offer what the window already does — select, locate, copy, the workflow actions the workflow table gives the
current role, assign the selected case to this officer — so no rule lives here (the service still decides).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint
from PySide6.QtWidgets import QApplication, QMenu

from widgets.case_actions import available_actions
from widgets.labels import action_text

if TYPE_CHECKING:
    from widgets.main_window import MainWindow

ASSIGNABLE_STATUSES = ("filed",)


def case_menu(window: MainWindow, case_id: str) -> QMenu:
    """Open / locate / copy, then the role's workflow actions for the case's current state."""
    menu = QMenu(window)
    menu.setObjectName("caseContextMenu")
    menu.addAction(QCoreApplication.translate("ContextMenus", "打开详情"), lambda: window.select_case(case_id, source="map"))
    menu.addAction(QCoreApplication.translate("ContextMenus", "在地图上定位"), lambda: window.select_case(case_id, source="api"))
    menu.addAction(QCoreApplication.translate("ContextMenus", "复制案件编号"), lambda: QApplication.clipboard().setText(case_id))
    loaded = window.loaded
    case = loaded.world.cases.get(case_id) if loaded is not None else None
    if loaded is not None and case is not None:
        actions = available_actions(loaded.ctx, str(case["status"]), window.current_role())
        if actions:
            menu.addSeparator()
            for action in actions:
                menu.addAction(action_text(action), lambda a=action: (window.select_case(case_id, source="nofly"),
                                                                      window.request_action(case_id, a)))
    return menu


def officer_menu(window: MainWindow, officer_id: str) -> QMenu:
    """Show / copy; "assign the selected case to this officer" when a filed case is selected."""
    menu = QMenu(window)
    menu.setObjectName("officerContextMenu")
    menu.addAction(QCoreApplication.translate("ContextMenus", "查看队员"), lambda: window.select_officer(officer_id, source="api"))
    menu.addAction(QCoreApplication.translate("ContextMenus", "复制队员编号"), lambda: QApplication.clipboard().setText(officer_id))
    loaded = window.loaded
    case_id = window.selected_case
    batch = [cid for cid in window.queue.selected_case_ids()
             if loaded is not None and loaded.world.cases.get(cid, {}).get("status") in ASSIGNABLE_STATUSES]
    if len(batch) > 1:
        from widgets.batch_assign import assign_cases

        menu.addSeparator()
        menu.addAction(QCoreApplication.translate("ContextMenus", "派遣所选 %1 件案件给该队员").replace(
            "%1", str(len(batch))), lambda: assign_cases(window, batch, officer_id))
    elif loaded is not None and case_id and loaded.world.cases.get(case_id, {}).get("status") in ASSIGNABLE_STATUSES:
        roles_actions = available_actions(loaded.ctx, "filed", window.current_role())
        if "assign" in roles_actions and window.actions_ctl is not None:
            ctl = window.actions_ctl
            menu.addSeparator()
            menu.addAction(QCoreApplication.translate("ContextMenus", "派遣当前案件 %1 给该队员").replace("%1", case_id),
                           lambda: ctl.run(case_id, "assign", target=officer_id))
    return menu


def install_context_menus(window: MainWindow) -> None:
    """Connect the queue's and the map's right clicks to the menus above."""

    def show_case(case_id: str, pos: QPoint) -> None:
        window.context_menu = case_menu(window, case_id)
        window.context_menu.popup(pos)

    def show_officer(officer_id: str, pos: QPoint) -> None:
        window.context_menu = officer_menu(window, officer_id)
        window.context_menu.popup(pos)

    window.queue.contextRequested.connect(show_case)
    window.map.caseContextRequested.connect(show_case)
    window.map.officerContextRequested.connect(show_officer)
