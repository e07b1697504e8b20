"""The security UI on real widgets (offscreen): sign-in dialog, role switcher limited to the user's roles, actions
hidden by permission, idle lock with re-entry of the password, and the admin tools writing audited events."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings

from console.domain.enums import Role
from console.security.accounts import AccountService
from console.security.permissions import allowed
from console.security.signin import SignedIn
from console.services.context import ServiceContext
from console.storage.eventstore import read as read_events
from tests.security.conftest import ADMIN, FAST_POLICY

PW = "long-enough-pw"


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path) -> Iterator[None]:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


@pytest.fixture
def accounts(sqlite_ctx: ServiceContext) -> AccountService:
    svc = AccountService(sqlite_ctx, FAST_POLICY)
    svc.create_user("wang", PW, ["dispatcher", "shift_leader"], ADMIN, display_name="王伟")
    svc.create_user("root", PW, ["admin"], ADMIN, display_name="管理员")
    return svc


def _user_events(ctx: ServiceContext, action: str) -> list[object]:
    with ctx.db.read_session() as s:
        return [e for e in read_events(s) if e.entity_type == "user" and e.action == action]


def _window(qtbot, session: SignedIn, accounts: AccountService, idle_s: float = 0.0):  # type: ignore[no-untyped-def]
    from widgets.main_window import MainWindow
    from widgets.security.hook import install_security

    w = MainWindow(theme="dark")
    qtbot.addWidget(w)
    ui = install_security(w, session, accounts, idle_s, poll_ms=20)
    w.show()
    return w, ui


def test_sign_in_dialog_refuses_a_wrong_password_and_accepts_the_right_one(qtbot, accounts) -> None:  # type: ignore[no-untyped-def]
    from widgets.security.signin_dialog import SignInDialog

    dlg = SignInDialog(accounts, username="wang")
    qtbot.addWidget(dlg)
    dlg.password_edit.setText("wrong-password")
    assert dlg.try_sign_in() is False
    assert not dlg.error_label.isHidden() and "错误" in dlg.error_label.text() and dlg.signed_in is None
    assert dlg.password_edit.text() == ""
    dlg.password_edit.setText(PW)
    assert dlg.try_sign_in() is True
    assert dlg.signed_in is not None and dlg.signed_in.roles == (Role.DISPATCHER, Role.SHIFT_LEADER)
    assert len(_user_events(accounts.ctx, "sign_in_failed")) == 1 and len(_user_events(accounts.ctx, "sign_in")) == 1


def test_role_switcher_offers_only_the_users_roles_and_the_gate_follows_permissions(qtbot, accounts) -> None:  # type: ignore[no-untyped-def]
    session = SignedIn.from_account(accounts.authenticate("wang", PW))
    w, ui = _window(qtbot, session, accounts)
    offered = [w.role_combo.itemData(i) for i in range(w.role_combo.count())]
    assert offered == ["dispatcher", "shift_leader"]
    assert w.current_actor().user == "wang"
    for role in (Role.DISPATCHER, Role.SHIFT_LEADER):
        w.set_role(role)
        assert ui.admin_action.isVisible() is allowed(role, "manage_users") is False
    ui.stop()


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SYSTEM])
def test_admin_tools_visible_exactly_for_roles_that_may_manage_users(qtbot, accounts, role: Role) -> None:  # type: ignore[no-untyped-def]
    session = SignedIn(f"u_{role.value}", "x", (role,), True)
    w, ui = _window(qtbot, session, accounts)
    assert w.current_role() is role
    assert ui.admin_action.isVisible() is allowed(role, "manage_users")
    assert ui.admin_action.isEnabled() is allowed(role, "manage_users")
    ui.stop()


def test_idle_session_locks_and_only_the_password_unlocks(qtbot, accounts) -> None:  # type: ignore[no-untyped-def]
    session = SignedIn.from_account(accounts.authenticate("wang", PW))
    w, ui = _window(qtbot, session, accounts, idle_s=0.3)
    qtbot.waitUntil(lambda: ui.lock.is_locked, timeout=5000)
    overlay = ui.lock.overlay
    assert overlay.isVisible() and overlay.geometry() == w.rect()
    overlay.password_edit.setText("not-the-password")
    overlay.button.click()
    assert ui.lock.is_locked and overlay.isVisible() and overlay.error_label.text()
    overlay.password_edit.setText(PW)
    overlay.button.click()
    assert not ui.lock.is_locked and not overlay.isVisible()
    assert ui.lock.policy.remaining_s() > 0
    ui.stop()


def test_manual_lock_blocks_window_shortcuts(qtbot, accounts) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    session = SignedIn.from_account(accounts.authenticate("wang", PW))
    w, ui = _window(qtbot, session, accounts, idle_s=600)
    ui.lock_action.trigger()
    assert ui.lock.is_locked
    w.search_edit.setText("")
    qtbot.keyClicks(w.search_edit, "CN")  # typing into the window behind the overlay does nothing
    assert w.search_edit.text() == ""
    qtbot.keyClicks(ui.lock.overlay.password_edit, PW)
    qtbot.keyClick(ui.lock.overlay.password_edit, Qt.Key.Key_Return)
    assert not ui.lock.is_locked
    ui.stop()


def test_admin_dialog_manages_users_and_every_change_is_audited(qtbot, accounts) -> None:  # type: ignore[no-untyped-def]
    root = SignedIn.from_account(accounts.authenticate("root", PW))
    _w, ui = _window(qtbot, root, accounts)
    assert ui.admin_action.isVisible()
    dlg = ui.open_admin()
    assert dlg is not None
    assert [u.username for u in dlg.users] == ["root", "wang"]
    assert dlg.create_user("li", PW, [Role.CALL_TAKER], "李娜")
    assert dlg.table.rowCount() == 3
    assert not dlg.create_user("bad name!", PW, [Role.CALL_TAKER])  # refused with the service's message
    assert "无效" in dlg.message.text()
    assert dlg.set_roles("li", [Role.CALL_TAKER, Role.INSPECTOR])
    assert dlg.reset_password("li", "another-long-pw")
    assert dlg.deactivate("li")
    assert dlg.select_user("li") and dlg.selected_user() is not None
    assert not dlg.selected_user().active  # type: ignore[union-attr]
    assert dlg.reactivate("li")
    assert not dlg.deactivate("root")  # not yourself
    ctx = accounts.ctx
    for action in ("create", "set_roles", "reset_password", "deactivate", "reactivate"):
        events = [e for e in _user_events(ctx, action) if e.entity_id == "li"]  # type: ignore[attr-defined]
        assert len(events) == 1 and events[0].actor == "root" and events[0].role == "admin", action  # type: ignore[attr-defined]
    assert accounts.authenticate("li", "another-long-pw").roles == (Role.CALL_TAKER, Role.INSPECTOR)
    ui.stop()
