"""Who is acting: a role and a user name (``--as 派遣员:wang``)."""

from __future__ import annotations

from dataclasses import dataclass

from console.domain.enums import Role
from console.errors import ValidationError


@dataclass(frozen=True)
class Actor:
    role: Role
    user: str

    @staticmethod
    def parse(text: str) -> Actor:
        """Parse ``ROLE:USER`` where ROLE is an English id or a Chinese post name."""
        role_text, sep, user = text.partition(":")
        if not sep or not user.strip() or not role_text.strip():
            raise ValidationError(f"操作人格式应为 角色:用户名（如 派遣员:wang），收到“{text}”",
                                  f"actor must look like ROLE:USER (e.g. dispatcher:wang), got {text!r}")
        return Actor(Role.parse(role_text), user.strip())

    def __str__(self) -> str:
        return f"{self.role.value}:{self.user}"


SYSTEM_ACTOR = Actor(Role.SYSTEM, "system")
