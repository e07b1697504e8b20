"""The sign-in dialog (登录) shown at console start when the database has accounts (or with ``--sign-in``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.errors import DomainError
from console.security.accounts import AccountService
from console.security.signin import SignedIn
from widgets.i18n import current_language


class SignInDialog(QDialog):
    """User name + password; on success :attr:`signed_in` holds the account (no rules here: AccountService decides,
    counts failed attempts and locks the account)."""

    def __init__(self, accounts: AccountService, username: str = "", hint: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.signed_in: SignedIn | None = None
        self.setObjectName("signin_dialog")
        self.setWindowTitle(self.tr("登录 — 长宁区城管指挥调度台"))
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("请登录"), self)
        title.setStyleSheet("font-size: 16px; font-weight: bold;")
        layout.addWidget(title)
        form = QFormLayout()
        self.username_edit = QLineEdit(username, self)
        self.username_edit.setObjectName("signin_username")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("signin_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("用户名"), self.username_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        layout.addLayout(form)
        self.hint_label = QLabel(hint, self)
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(bool(hint))
        self.hint_label.setStyleSheet("color: #9aa5b1;")
        layout.addWidget(self.hint_label)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("signin_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #ff6b6b;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   Qt.Orientation.Horizontal, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password_edit if username else self.username_edit).setFocus()

    def try_sign_in(self) -> bool:
        """Authenticate; on success accept the dialog, else show the (deliberately vague) reason."""
        try:
            account = self.accounts.authenticate(self.username_edit.text(), self.password_edit.text())
        except DomainError as exc:
            self.error_label.setText(exc.message_en if current_language() == "en" else exc.message_zh)
            self.error_label.show()
            self.password_edit.clear()
            self.password_edit.setFocus()
            return False
        self.signed_in = SignedIn.from_account(account)
        self.accept()
        return True
