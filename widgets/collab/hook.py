"""Plugs collaboration into the main window (one call from widgets/main_window.py): a second toolbar row with the
notice bar and buttons for the handover digest (Ctrl+Shift+H), workrooms, the Huayang workstations and the mention
inbox; the notes thread and handoff buttons in the case details' 备注 tab. Logic stays in console/collab."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMessageBox, QToolBar

from console.collab import permissions
from console.collab.service import CollabService
from console.collab.workstation import WorkstationService
from console.errors import DomainError
from console.storage.eventstore import StoredEvent
from widgets.case_actions import error_text
from widgets.collab.notes_panel import CaseNotesPanel
from widgets.collab.notice_bar import NoticeBar

if TYPE_CHECKING:
    from widgets.main_window import MainWindow


class CollabUi:
    """Owns the collaboration widgets of one main window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.notice_bar: NoticeBar | None = None
        self.notes: CaseNotesPanel | None = None
        self.collab: CollabService | None = None
        self.stations: WorkstationService | None = None
        self.windows: dict[str, Any] = {}
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.bar = QToolBar(window.tr("协同办公"), window)
        self.bar.setObjectName("toolbar_collab")
        self.bar.setMovable(False)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.actions: dict[str, QAction] = {}
        for key, text, slot, keys in (
                ("handover", window.tr("交接班摘要"), self.open_handover, "Ctrl+Shift+H"),
                ("workrooms", window.tr("社区工作室"), self.open_workrooms, None),
                ("workstations", window.tr("城运工作站"), self.open_workstations, None),
                ("inbox", window.tr("我的提及"), self.open_inbox, None),
                ("notice", window.tr("发布通知…"), self.post_notice, None)):
            act = QAction(text, window)
            act.setObjectName(f"collab_{key}")
            if keys:
                act.setShortcut(QKeySequence(keys))
            act.triggered.connect(slot)
            act.setEnabled(False)
            self.actions[key] = act
        self.timer = QTimer(window)
        self.timer.setInterval(30_000)
        self.timer.timeout.connect(self._tick)
        window.loadFinished.connect(self.attach)
        window.details.caseShown.connect(self._case_shown)

    # ------------------------------------------------------------------ binding
    def attach(self) -> None:
        loaded = self.window.loaded
        if loaded is None or self.window.bridge is None:
            return
        self.collab = CollabService(loaded.ctx)
        self.stations = WorkstationService(loaded.ctx)
        known = self.collab.active_notices(loaded.world.now_utc)  # the World loads no notices from the tables
        if self.notice_bar is None:
            self.notice_bar = NoticeBar(loaded.world, None, self.bar, loaded=known)
            self.bar.addWidget(self.notice_bar)
            for act in self.actions.values():
                self.bar.addAction(act)
        else:
            self.notice_bar.world, self.notice_bar.loaded = loaded.world, known
        if self.notes is None:
            view = self.window.details.case_view
            self.notes = CaseNotesPanel(self.collab, self.window.current_actor, view)
            self.notes.countChanged.connect(lambda n: view.set_tab_count("notes", n))
            view.add_to_tab("notes", self.notes, stretch=1)
        else:
            self.notes.service = self.collab
        for act in self.actions.values():
            act.setEnabled(True)
        self.window.bridge.eventApplied.connect(self._on_event)
        self.notice_bar.refresh()
        self.timer.start()

    def _case_shown(self, case_id: str) -> None:
        if self.notes is not None:
            self.notes.show_case(case_id)

    def _on_event(self, ev: StoredEvent) -> None:
        if ev.entity_type == "notice" and self.notice_bar is not None:
            self.notice_bar.refresh()
        if self.notes is not None:
            self.notes.on_event(ev)
        view = self.windows.get("workstations")
        if view is not None:
            view.on_event(ev)

    def _tick(self) -> None:
        if self.notice_bar is not None:
            self.notice_bar.refresh()

    # ------------------------------------------------------------------ windows
    def _show(self, key: str, widget: Any) -> Any:
        old = self.windows.get(key)
        if old is not None:
            old.close()
        self.windows[key] = widget
        if hasattr(widget, "caseRequested"):
            widget.caseRequested.connect(lambda cid: self.window.select_case(cid, source="collab"))
        widget.show()
        widget.raise_()
        return widget

    def open_handover(self) -> Any:
        from widgets.collab.handover_window import HandoverWindow

        loaded = self.window.loaded
        if loaded is None:
            return None
        return self._show("handover", HandoverWindow(loaded.ctx, loaded.world.now_utc, self.window.names(), self.window))

    def open_workrooms(self) -> Any:
        from widgets.collab.workroom_panel import WorkroomPanel

        loaded = self.window.loaded
        if loaded is None:
            return None
        return self._show("workrooms", WorkroomPanel(loaded.ctx, self.window.names(), self.window))

    def open_workstations(self) -> Any:
        from widgets.collab.workstation_view import WorkstationView

        if self.stations is None:
            return None
        return self._show("workstations", WorkstationView(self.stations, self.window.current_actor, self.window))

    def open_inbox(self) -> None:
        if self.collab is None:
            return
        user = self.window.current_actor().user
        rows = self.collab.inbox(user, unread_only=True)
        lines = [f"{m.get('case_id') or ''} {m.get('author') or ''}：{m.get('excerpt') or ''}" for m in rows[:20]]
        QMessageBox.information(self.window, self.window.tr("我的提及"),
                                "\n".join(lines) or self.window.tr("没有未读的提及"))

    def post_notice(self) -> None:
        if self.collab is None:
            return
        actor = self.window.current_actor()
        if not permissions.allowed(actor, "notice"):
            QMessageBox.warning(self.window, self.window.tr("发布通知"),
                                self.window.tr("当前岗位无权发布全员通知"))
            return
        title, ok = QInputDialog.getText(self.window, self.window.tr("发布通知"), self.window.tr("通知内容（全体席位可见）："))
        if not ok or not title.strip():
            return
        try:
            self.collab.post_notice(title, actor, level="warning")
        except DomainError as exc:
            QMessageBox.warning(self.window, self.window.tr("发布通知"), error_text(exc))


def install_collab(window: MainWindow) -> CollabUi:
    return CollabUi(window)
