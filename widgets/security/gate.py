"""Hide or disable what the current role may not do. The rule is ``console.security.permissions.allowed``; this
module only remembers which widget stands for which operation."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from console.domain.enums import Role
from console.security.permissions import allowed


@dataclass
class _Entry:
    target: QAction | QWidget
    operation: str
    hide: bool


class PermissionGate:
    """``register(action_or_widget, "manage_users")`` then ``apply(role)`` on every role change."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.role: Role | None = None

    def register(self, target: QAction | QWidget, operation: str, *, hide: bool = True) -> None:
        allowed(Role.ADMIN, operation)  # an unknown operation name fails here, at wiring time
        self.entries.append(_Entry(target, operation, hide))
        if self.role is not None:
            self._apply_one(self.entries[-1], self.role)

    def apply(self, role: Role) -> None:
        self.role = role
        for entry in self.entries:
            self._apply_one(entry, role)

    @staticmethod
    def _apply_one(entry: _Entry, role: Role) -> None:
        ok = allowed(role, entry.operation)
        if entry.hide:
            entry.target.setVisible(ok)
        entry.target.setEnabled(ok)
