"""Admin tools (用户管理): users, roles, password reset, deactivation. Every command goes through
``console.security.accounts.AccountService`` (checks ``manage_users`` and appends an audited ``user`` event)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain.enums import Role
from console.errors import DomainError
from console.security.accounts import ASSIGNABLE_ROLES, AccountService, UserAccount
from console.services.actor import Actor
from widgets.i18n import current_language
from widgets.labels import role_text


class UserForm(QDialog):
    """New user or new password: user name, display name, roles (check boxes), password twice."""

    def __init__(self, title: str, *, username: str = "", roles: tuple[Role, ...] = (), ask_user: bool = True,
                 ask_roles: bool = True, ask_password: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username_edit = QLineEdit(username, self)
        self.username_edit.setEnabled(ask_user)
        self.name_edit = QLineEdit(self)
        form.addRow(self.tr("用户名"), self.username_edit)
        if ask_user:
            form.addRow(self.tr("姓名"), self.name_edit)
        self.role_boxes: dict[Role, QCheckBox] = {}
        if ask_roles:
            grid = QGridLayout()
            for i, role in enumerate(ASSIGNABLE_ROLES):
                box = QCheckBox(role_text(role), self)
                box.setChecked(role in roles)
                self.role_boxes[role] = box
                grid.addWidget(box, i // 3, i % 3)
            form.addRow(self.tr("岗位"), grid)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit = QLineEdit(self)
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if ask_password:
            form.addRow(self.tr("密码"), self.password_edit)
            form.addRow(self.tr("再次输入"), self.again_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   Qt.Orientation.Horizontal, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def roles(self) -> list[Role]:
        return [r for r, box in self.role_boxes.items() if box.isChecked()]


class AdminDialog(QDialog):
    """The user table plus buttons; the methods below are what the buttons call (and what tests drive)."""

    def __init__(self, accounts: AccountService, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.actor = actor
        self.users: list[UserAccount] = []
        self.setObjectName("admin_dialog")
        self.setWindowTitle(self.tr("用户管理"))
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        headers = [self.tr("用户名"), self.tr("姓名"), self.tr("岗位"), self.tr("状态"), self.tr("失败次数")]
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label, slot in (("add", self.tr("新建用户"), self._add_clicked),
                                 ("roles", self.tr("设置岗位"), self._roles_clicked),
                                 ("reset", self.tr("重置密码"), self._reset_clicked),
                                 ("deactivate", self.tr("停用"), self._deactivate_clicked),
                                 ("reactivate", self.tr("启用"), self._reactivate_clicked)):
            b = QPushButton(label, self)
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[key] = b
        row.addStretch(1)
        layout.addLayout(row)
        self.message = QLabel(self)
        self.message.setObjectName("admin_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.form: UserForm | None = None
        self.refresh()

    # ------------------------------------------------------------------ commands (audited in AccountService)
    def _run(self, done_text: str, fn: object, *args: object, **kwargs: object) -> bool:
        try:
            fn(*args, **kwargs)  # type: ignore[operator]
        except DomainError as exc:
            self.message.setStyleSheet("color: #ff6b6b;")
            self.message.setText(exc.message_en if current_language() == "en" else exc.message_zh)
            return False
        self.message.setStyleSheet("")
        self.message.setText(done_text)
        self.refresh()
        return True

    def create_user(self, username: str, password: str, roles: list[Role], display_name: str = "") -> bool:
        return self._run(self.tr("已创建用户 %1").replace("%1", username), self.accounts.create_user, username,
                         password, roles, self.actor, display_name=display_name or None)

    def set_roles(self, username: str, roles: list[Role]) -> bool:
        return self._run(self.tr("已设置 %1 的岗位").replace("%1", username), self.accounts.set_roles, username,
                         roles, self.actor)

    def reset_password(self, username: str, password: str) -> bool:
        return self._run(self.tr("已重置 %1 的密码").replace("%1", username), self.accounts.reset_password,
                         username, password, self.actor, reason="admin tools")

    def deactivate(self, username: str) -> bool:
        return self._run(self.tr("已停用 %1").replace("%1", username), self.accounts.deactivate, username,
                         self.actor, reason="admin tools")

    def reactivate(self, username: str) -> bool:
        return self._run(self.tr("已启用 %1").replace("%1", username), self.accounts.reactivate, username,
                         self.actor)

    # ------------------------------------------------------------------ table
    def refresh(self) -> None:
        try:
            self.users = self.accounts.list_users(self.actor)
        except DomainError as exc:
            self.users = []
            self.message.setText(exc.message_en if current_language() == "en" else exc.message_zh)
        self.table.setRowCount(len(self.users))
        for i, u in enumerate(self.users):
            status = self.tr("启用") if u.active else self.tr("已停用")
            if u.locked_until is not None:
                status += " · " + self.tr("已锁定")
            cells = (u.username, u.display_name, "、".join(role_text(r) for r in u.roles), status,
                     str(u.failed_attempts))
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def selected_user(self) -> UserAccount | None:
        rows = self.table.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows and rows[0].row() < len(self.users) else None

    def select_user(self, username: str) -> bool:
        for i, u in enumerate(self.users):
            if u.username == username:
                self.table.selectRow(i)
                return True
        return False

    # ------------------------------------------------------------------ buttons → small forms (non-blocking)
    def _open_form(self, form: UserForm, on_ok: object) -> None:
        self.form = form
        form.accepted.connect(on_ok)  # type: ignore[arg-type]
        form.open()

    def _passwords_match(self, form: UserForm) -> bool:
        if form.password_edit.text() != form.again_edit.text():
            self.message.setStyleSheet("color: #ff6b6b;")
            self.message.setText(self.tr("两次输入的密码不一致"))
            return False
        return True

    def _add_clicked(self) -> None:
        form = UserForm(self.tr("新建用户"), parent=self)
        self._open_form(form, lambda: self._passwords_match(form) and self.create_user(
            form.username_edit.text(), form.password_edit.text(), form.roles(), form.name_edit.text()))

    def _roles_clicked(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        form = UserForm(self.tr("设置岗位"), username=user.username, roles=user.roles, ask_user=False,
                        ask_password=False, parent=self)
        self._open_form(form, lambda: self.set_roles(user.username, form.roles()))

    def _reset_clicked(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        form = UserForm(self.tr("重置密码"), username=user.username, ask_user=False, ask_roles=False, parent=self)
        self._open_form(form, lambda: self._passwords_match(form) and self.reset_password(
            user.username, form.password_edit.text()))

    def _deactivate_clicked(self) -> None:
        user = self.selected_user()
        if user is not None:
            self.deactivate(user.username)

    def _reactivate_clicked(self) -> None:
        user = self.selected_user()
        if user is not None:
            self.reactivate(user.username)
