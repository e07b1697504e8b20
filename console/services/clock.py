"""Clocks: the services ask a clock for "now" so the simulator, drills and tests can run time their own way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now_utc(self) -> datetime: ...


class SystemClock:
    """Wall-clock time, aware UTC."""

    def now_utc(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, seeding history, drills)."""

    def __init__(self, start_utc: datetime) -> None:
        if start_utc.tzinfo is None:
            raise ValueError("ManualClock needs an aware UTC datetime")
        self._now = start_utc.astimezone(UTC)

    def now_utc(self) -> datetime:
        return self._now

    def set(self, t_utc: datetime) -> None:
        self._now = t_utc.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now
