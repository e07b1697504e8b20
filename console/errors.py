"""Domain errors that carry a user-facing message in Chinese and English.

Every rule the core enforces raises one of these; the CLI turns them into exit code 2 with the message on
stderr and the GUI shows ``message_zh`` (or ``message_en``) in plain words. Nothing is written when one is raised.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses: illegal action, wrong role, bad input, conflicting change."""

    code: str = "domain_error"

    def __init__(self, message_zh: str, message_en: str, *, code: str | None = None) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        if code is not None:
            self.code = code

    def message(self, lang: str = "zh") -> str:
        """The message in the UI language ("zh" or "en")."""
        return self.message_zh if lang.startswith("zh") else self.message_en

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


class IllegalActionError(DomainError):
    """The action does not apply to the case in its current state."""

    code = "illegal_action"


class PermissionDeniedError(DomainError):
    """The actor's role may not perform this action."""

    code = "permission_denied"


class ValidationError(DomainError):
    """Input is malformed: unknown category, coordinates outside the district, missing reason..."""

    code = "invalid_input"


class NotFoundError(DomainError):
    """A referenced case, officer or unit does not exist."""

    code = "not_found"


class ConflictError(DomainError):
    """Somebody else changed the same thing first (optimistic concurrency)."""

    code = "conflict"


class DataFileError(DomainError):
    """A bundled or imported data file (taxonomy, calendar, geodata) is malformed."""

    code = "bad_data_file"


class StorageError(DomainError):
    """The database is unreachable, or has a schema this version does not understand."""

    code = "storage"
