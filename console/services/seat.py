"""Seat following: each console tails the event log by sequence number and wakes as soon as another seat commits.

On PostgreSQL a dedicated psycopg 3 connection (autocommit) LISTENs on ``urbanops_events`` — the append path sends a
NOTIFY at commit — so a seat wakes within milliseconds without polling the whole state; a slow fallback poll covers
a lost connection. SQLite stays single-seat and is simply polled. The follower runs in a plain thread and hands
batches of new events (in sequence order, gapless) to a callback; Qt code forwards them to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from console.storage import eventstore
from console.storage.db import Database
from console.storage.eventstore import NOTIFY_CHANNEL, StoredEvent

log = logging.getLogger(__name__)
EventsCallback = Callable[[list[StoredEvent]], None]


class SeatFollower:
    """Follows the log from ``since_seq``; ``start`` launches the thread, ``stop`` ends it."""

    def __init__(self, db: Database, on_events: EventsCallback, *, since_seq: int | None = None,
                 poll_s: float = 1.0, batch: int = 5_000) -> None:
        self.db = db
        self.on_events = on_events
        self.poll_s = poll_s
        self.batch = batch
        if since_seq is None:
            with db.read_session() as s:
                since_seq = eventstore.last_seq(s)
        self.last_seq = since_seq
        self.listening = threading.Event()  # set once LISTEN is active (PostgreSQL) or polling began (SQLite)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def uses_notify(self) -> bool:
        return self.db.is_postgres

    def start(self) -> SeatFollower:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="urbanops-seat-follower", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def poll_once(self) -> int:
        """Read and hand over whatever is new; returns how many events were delivered."""
        delivered = 0
        while True:
            with self.db.read_session() as s:
                events = eventstore.read(s, self.last_seq, limit=self.batch)
            if not events:
                return delivered
            self.last_seq = events[-1].seq
            delivered += len(events)
            try:
                self.on_events(events)
            except Exception:  # a faulty consumer must not kill the follower thread
                log.exception("seat follower callback failed")
            if len(events) < self.batch:
                return delivered

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.uses_notify:
                    self._listen_loop()
                else:
                    self.listening.set()
                    self.poll_once()
                    self._stop.wait(self.poll_s)
            except Exception:  # connection lost: fall back to a poll, then try to listen again
                log.exception("seat follower: listening failed; retrying")
                self._stop.wait(self.poll_s)

    def _listen_loop(self) -> None:
        import psycopg

        url = self.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self.listening.set()
            self.poll_once()  # whatever was committed before LISTEN took effect
            while not self._stop.is_set():
                woke = False
                for _n in conn.notifies(timeout=self.poll_s, stop_after=1):
                    woke = True
                # Drain any further notifications that piled up, then read once for all of them.
                if woke:
                    for _n in conn.notifies(timeout=0.0):
                        pass
                self.poll_once()
