"""Wires sign-in, idle lock, admin tools and permission hiding into the main window through one call,
:func:`install_security`, so ``widgets/main_window.py`` only needs ``set_session`` and its ``roleChanged`` signal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from console.domain.enums import Role
from console.errors import DomainError
from console.security.accounts import AccountService
from console.security.session import SessionPolicy
from console.security.signin import SignedIn
from console.services.outbox import LocalOutbox, ResilientCommands
from widgets.i18n import current_language
from widgets.security.admin_dialog import AdminDialog
from widgets.security.gate import PermissionGate
from widgets.security.lock import SessionLock
from widgets.security.outage import OutageMonitor


class SecurityUi:
    """The account menu in the toolbar, the permission gate and the idle lock of one window."""

    def __init__(self, window: Any, session: SignedIn, accounts: AccountService | None,
                 idle_timeout_s: float, poll_ms: int = 1000, outbox_path: Path | None = None,
                 monitor_ms: int = 3000) -> None:
        self.window = window
        self.monitor_ms = monitor_ms
        self.accounts = accounts
        self.gate = PermissionGate()
        self.admin_dialog: AdminDialog | None = None
        window.set_session(session)
        policy = SessionPolicy(idle_timeout_s if session.authenticated else 0.0)
        self.lock = SessionLock(window, session, accounts if session.authenticated else None, policy, poll_ms)

        self.menu = QMenu(window.tr("账号"), window)
        self.menu.setObjectName("account_menu")
        self.admin_action = QAction(window.tr("用户管理…"), window)
        self.admin_action.setObjectName("action_manage_users")
        self.admin_action.triggered.connect(self.open_admin)
        self.menu.addAction(self.admin_action)
        self.gate.register(self.admin_action, "manage_users")
        self.lock_action = QAction(window.tr("锁定屏幕"), window)
        self.lock_action.setObjectName("action_lock")
        self.lock_action.setEnabled(session.authenticated)
        self.lock_action.triggered.connect(self.lock.lock_now)
        self.menu.addAction(self.lock_action)
        button = QToolButton(window)
        button.setObjectName("account_button")
        button.setText(window.tr("账号"))
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(self.menu)
        toolbar = window.findChild(QToolBar, "toolbar_main")
        if toolbar is not None:
            toolbar.addWidget(button)
        self.button = button
        window.roleChanged.connect(self.on_role_changed)
        self.on_role_changed(window.current_role())
        self.outbox_path = outbox_path
        self.commands: ResilientCommands | None = None
        self.monitor: OutageMonitor | None = None
        self.outbox_error: str | None = None
        window.loadFinished.connect(self.start_outbox)

    def start_outbox(self) -> None:
        """Route the window's case actions through the local outbox once the world is loaded."""
        loaded = getattr(self.window, "loaded", None)
        ctl = getattr(self.window, "actions_ctl", None)
        if loaded is None or ctl is None or self.commands is not None:
            return
        try:
            outbox = LocalOutbox(self.outbox_path)
        except DomainError as exc:  # unwritable/full data dir: say so, keep working without the outbox
            self.outbox_error = exc.message_en if current_language() == "en" else exc.message_zh
            self.window.statusBar().showMessage(self.outbox_error, 30_000)
            return
        self.commands = ResilientCommands(loaded.ctx, outbox)
        ctl.commands = self.commands
        ctl.queued.connect(self._on_queued)
        self.monitor = OutageMonitor(self.window, self.commands, self.monitor_ms)
        self.monitor.poll()

    def _on_queued(self, case_id: str, action: str) -> None:
        from widgets.labels import action_text

        self.window.statusBar().showMessage(
            self.window.tr("数据库连接中断：“%1”（%2）已存入本地发件箱，恢复后按顺序提交")
            .replace("%1", action_text(action)).replace("%2", case_id), 10_000)

    def on_role_changed(self, role: Role) -> None:
        self.gate.apply(role)

    def open_admin(self) -> AdminDialog | None:
        accounts = self.accounts
        if accounts is None and getattr(self.window, "loaded", None) is not None:
            accounts = AccountService(self.window.loaded.ctx)  # demo without accounts: an admin may create the first
        if accounts is None:
            return None
        if self.admin_dialog is not None:
            self.admin_dialog.close()
        self.admin_dialog = AdminDialog(accounts, self.window.current_actor(), self.window)
        self.admin_dialog.open()
        return self.admin_dialog

    def stop(self) -> None:
        self.lock.stop()
        if self.monitor is not None:
            self.monitor.stop()


def install_security(window: Any, session: SignedIn, accounts: AccountService | None,
                     idle_timeout_s: float = 0.0, poll_ms: int = 1000, outbox_path: Path | None = None,
                     monitor_ms: int = 3000) -> SecurityUi:
    """Attach the security UI; keep the returned object alive as long as the window (it is stored on it)."""
    ui = SecurityUi(window, session, accounts, idle_timeout_s, poll_ms, outbox_path, monitor_ms)
    window.security_ui = ui
    return ui
