"""Idle-session lock, Qt-free: the UI calls ``touch`` on input and polls ``is_locked`` on a timer."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

DEFAULT_IDLE_TIMEOUT_S = 600.0  # 10 minutes; ``--idle-lock`` or $URBANOPS_IDLE_LOCK_S override it
ENV_IDLE_TIMEOUT = "URBANOPS_IDLE_LOCK_S"


def configured_idle_timeout_s(cli_value: float | None = None) -> float:
    """``--idle-lock`` wins, then $URBANOPS_IDLE_LOCK_S, then the default; 0 disables the lock."""
    if cli_value is not None:
        return max(0.0, float(cli_value))
    env = os.environ.get(ENV_IDLE_TIMEOUT)
    if env:
        try:
            return max(0.0, float(env))
        except ValueError:
            pass
    return DEFAULT_IDLE_TIMEOUT_S


def _now_s() -> float:
    return time.monotonic()


@dataclass
class SessionPolicy:
    """Locks after ``idle_timeout_s`` seconds without ``touch``; ``unlock`` after a successful re-authentication.

    Times are seconds on a monotonic clock (``time.monotonic`` unless the caller passes ``now_s``).
    ``idle_timeout_s <= 0`` disables the lock (demo mode).
    """

    idle_timeout_s: float
    last_activity_s: float = field(default_factory=_now_s)
    locked: bool = False

    def touch(self, now_s: float | None = None) -> None:
        """Record user activity; ignored while locked (only ``unlock`` reopens)."""
        if not self.locked:
            self.last_activity_s = _now_s() if now_s is None else now_s

    def is_locked(self, now_s: float | None = None) -> bool:
        if self.locked:
            return True
        if self.idle_timeout_s <= 0:
            return False
        now = _now_s() if now_s is None else now_s
        if now - self.last_activity_s >= self.idle_timeout_s:
            self.locked = True
        return self.locked

    def lock(self) -> None:
        self.locked = True

    def unlock(self, now_s: float | None = None) -> None:
        self.locked = False
        self.last_activity_s = _now_s() if now_s is None else now_s

    def remaining_s(self, now_s: float | None = None) -> float:
        """Seconds until the lock (0 when locked; inf when disabled)."""
        if self.is_locked(now_s):
            return 0.0
        if self.idle_timeout_s <= 0:
            return float("inf")
        now = _now_s() if now_s is None else now_s
        return max(0.0, self.idle_timeout_s - (now - self.last_activity_s))
