"""Idle lock (空闲锁屏): after ``idle_timeout_s`` without keyboard or mouse input an overlay covers the window until
the signed-in user re-enters their password. The timing rule is ``console.security.session.SessionPolicy``."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from console.errors import DomainError
from console.security.accounts import AccountService
from console.security.session import SessionPolicy
from console.security.signin import SignedIn
from widgets.i18n import current_language

INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                QEvent.Type.TouchBegin}
BLOCKED_WHILE_LOCKED = {QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride, QEvent.Type.MouseButtonRelease,
                        QEvent.Type.MouseButtonDblClick, QEvent.Type.KeyRelease}


class LockOverlay(QWidget):
    """Covers its parent; only the password field and the unlock button take input."""

    unlockRequested = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lock_overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lock_overlay { background: rgba(10, 14, 20, 235); } QLabel { color: #e6edf3; }")
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(self.tr("屏幕已锁定"), self)
        self.title.setStyleSheet("font-size: 22px; font-weight: bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QLabel(self)
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("lock_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("输入密码解锁"))
        self.password_edit.setFixedWidth(280)
        self.password_edit.returnPressed.connect(self._submit)
        self.button = QPushButton(self.tr("解锁"), self)
        self.button.setObjectName("lock_unlock")
        self.button.clicked.connect(self._submit)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #ff6b6b;")
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.title, self.who, self.password_edit, self.button, self.error_label):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        self.hide()

    def show_for(self, who: str) -> None:
        self.who.setText(self.tr("当前用户：%1（长时间无操作）").replace("%1", who))
        self.error_label.clear()
        self.password_edit.clear()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
        self.password_edit.setFocus()

    def _submit(self) -> None:
        self.unlockRequested.emit(self.password_edit.text())
        self.password_edit.clear()


class SessionLock(QObject):
    """Watches application input, polls the policy and shows the overlay; unlocking re-authenticates."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, session: SignedIn, accounts: AccountService | None,
                 policy: SessionPolicy, poll_ms: int = 1000) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.accounts = accounts
        self.policy = policy
        self.overlay = LockOverlay(window)
        self.overlay.unlockRequested.connect(self.try_unlock)
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.poll)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if policy.idle_timeout_s > 0:
            self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.policy.locked

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.policy.locked and (kind in INPUT_EVENTS or kind in BLOCKED_WHILE_LOCKED) \
                and not self._inside_overlay(watched):
            return True  # while locked, input and shortcuts reach only the overlay
        if kind in INPUT_EVENTS:
            self.policy.touch()
        if event.type() == QEvent.Type.Resize and watched is self.window and self.overlay.isVisible():
            self.overlay.setGeometry(self.window.rect())
        return False

    def _inside_overlay(self, obj: QObject) -> bool:
        node: QObject | None = obj
        while node is not None:
            if node is self.overlay:
                return True
            node = node.parent()
        return False

    def poll(self) -> None:
        if self.policy.locked and self.overlay.isVisible():
            return
        if self.policy.is_locked():
            self.lock_now()

    def lock_now(self) -> None:
        self.policy.lock()
        self.overlay.show_for(f"{self.session.display_name} ({self.session.username})")
        self.locked.emit()

    def try_unlock(self, password: str) -> bool:
        if self.accounts is None:  # demo user without an account: nothing to check
            ok = True
        else:
            try:
                self.accounts.authenticate(self.session.username, password)
                ok = True
            except DomainError as exc:
                self.overlay.error_label.setText(exc.message_en if current_language() == "en" else exc.message_zh)
                ok = False
        if ok:
            self.policy.unlock()
            self.overlay.hide()
            self.unlocked.emit()
        return ok

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
