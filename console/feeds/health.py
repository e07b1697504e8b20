"""Feed health for the status bar: per feed its connection state, last message time, counts and dead letters.

Qt-free and thread-safe: the gateway's network thread updates it, the GUI polls ``snapshot()`` (e.g. once a second).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

STATES = ("connected", "reconnecting", "down")


@dataclass
class FeedStatus:
    name: str
    state: str = "down"
    last_message_utc: datetime | None = None
    messages: int = 0
    accepted: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_letters: int = 0
    last_error: str | None = None

    def age_s(self, now_utc: datetime | None = None) -> float | None:
        if self.last_message_utc is None:
            return None
        return ((now_utc or datetime.now(UTC)) - self.last_message_utc).total_seconds()


class FeedHealth:
    """Counters and states of every feed (positions, transitions, camera, sensors, http...)."""

    def __init__(self, feeds: tuple[str, ...] = ("positions", "camera", "sensors")) -> None:
        self._lock = threading.Lock()
        self._feeds: dict[str, FeedStatus] = {name: FeedStatus(name) for name in feeds}

    def _get(self, feed: str) -> FeedStatus:
        if feed not in self._feeds:
            self._feeds[feed] = FeedStatus(feed)
        return self._feeds[feed]

    def set_state(self, state: str, feed: str | None = None, error: str | None = None) -> None:
        """Set one feed's state, or every feed's (a broker connection carries them all)."""
        if state not in STATES:
            raise ValueError(f"unknown feed state {state!r}")
        with self._lock:
            for status in ([self._get(feed)] if feed else list(self._feeds.values())):
                status.state = state
                if error is not None:
                    status.last_error = error

    def count(self, feed: str, outcome: str, n: int = 1) -> None:
        """Count a message with outcome accepted | duplicates | ignored | dead_letters."""
        with self._lock:
            status = self._get(feed)
            status.messages += n
            status.last_message_utc = datetime.now(UTC)
            setattr(status, outcome, getattr(status, outcome) + n)

    def seen(self, feed: str, last_message_utc: datetime, n: int = 0) -> None:
        """Record activity observed elsewhere (the console reading what the gateway stored): last time, n messages."""
        with self._lock:
            status = self._get(feed)
            if status.last_message_utc is None or last_message_utc > status.last_message_utc:
                status.last_message_utc = last_message_utc
            status.messages += n
            status.accepted += n

    def snapshot(self) -> list[dict[str, Any]]:
        """Plain dicts for display or JSON (``age_s`` is seconds since the last message)."""
        now = datetime.now(UTC)
        with self._lock:
            out = []
            for status in self._feeds.values():
                d = asdict(status)
                d["last_message_utc"] = status.last_message_utc.isoformat() if status.last_message_utc else None
                d["age_s"] = status.age_s(now)
                out.append(d)
            return out

    def summary_text(self) -> str:
        """One line for a status bar, e.g. ``positions ● 2 s · camera ● 40 s · sensors ○``."""
        parts = []
        for d in self.snapshot():
            mark = {"connected": "●", "reconnecting": "◐", "down": "○"}[d["state"]]
            age = "" if d["age_s"] is None else f" {d['age_s']:.0f} s"
            dead = f" ✕{d['dead_letters']}" if d["dead_letters"] else ""
            parts.append(f"{d['name']} {mark}{age}{dead}")
        return " · ".join(parts)
