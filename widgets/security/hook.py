"""Wires sign-in, idle lock, admin tools and permission hiding into the main window through one call,
:func:`install_security`, so ``widgets/main_window.py`` only needs ``set_session`` and its ``roleChanged`` signal."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton

from console.domain.enums import Role
from console.security.accounts import AccountService
from console.security.session import SessionPolicy
from console.security.signin import SignedIn
from widgets.security.admin_dialog import AdminDialog
from widgets.security.gate import PermissionGate
from widgets.security.lock import SessionLock


class SecurityUi:
    """The account menu in the toolbar, the permission gate and the idle lock of one window."""

    def __init__(self, window: Any, session: SignedIn, accounts: AccountService | None,
                 idle_timeout_s: float, poll_ms: int = 1000) -> None:
        self.window = window
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


def install_security(window: Any, session: SignedIn, accounts: AccountService | None,
                     idle_timeout_s: float = 0.0, poll_ms: int = 1000) -> SecurityUi:
    """Attach the security UI; keep the returned object alive as long as the window (it is stored on it)."""
    ui = SecurityUi(window, session, accounts, idle_timeout_s, poll_ms)
    window.security_ui = ui
    return ui
