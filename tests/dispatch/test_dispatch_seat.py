"""Several seats: seat B's World sees seat A's assignment within a second (PostgreSQL LISTEN/NOTIFY; SQLite polls)."""

from __future__ import annotations

import threading

import pytest

from console.services.context import ServiceContext
from console.services.dispatch import DispatchService
from console.services.seat import SeatFollower
from console.storage.db import Database, make_engine
from console.storage.eventstore import StoredEvent
from console.world import World
from tests.dispatch.conftest import DISPATCHER, file_case


def _follow(db: Database, world: World, poll_s: float) -> tuple[SeatFollower, threading.Event]:
    """Seat B: the follower thread wakes; the World is advanced with world.tail as the window does."""
    seen = threading.Event()
    lock = threading.Lock()

    def wake(_events: list[StoredEvent]) -> None:
        with lock:
            world.tail(db)
        seen.set()

    follower = SeatFollower(db, wake, poll_s=poll_s).start()
    assert follower.listening.wait(5)
    return follower, seen


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_assignment_on_seat_a_is_visible_on_seat_b_within_a_second(backend: str, request: pytest.FixtureRequest,
                                                                    tmp_path: object) -> None:
    from console.storage.migrations_api import upgrade
    from tests.dispatch.conftest import build_world

    url = request.getfixturevalue("pg_url") if backend == "postgresql" else request.getfixturevalue("sqlite_url")
    db_a = Database(make_engine(url))
    upgrade(db_a)
    ctx_a = ServiceContext(db_a)
    build_world(ctx_a)
    cid = file_case(ctx_a)
    db_b = Database(make_engine(url))
    world_b = World()
    world_b.load(db_b)
    assert world_b.cases[cid]["status"] == "filed"
    # PostgreSQL: the fallback poll is 30 s, so only NOTIFY can deliver within the 1 s below.
    follower, seen = _follow(db_b, world_b, poll_s=30.0 if backend == "postgresql" else 0.1)
    try:
        assert follower.uses_notify is (backend == "postgresql")
        DispatchService(ctx_a).assign(cid, "OF4", DISPATCHER)
        assert seen.wait(1.0), "seat B did not wake within 1 s"
        assert world_b.cases[cid]["assignee"] == "OF4" and world_b.cases[cid]["status"] == "dispatched"
        seen.clear()
        DispatchService(ctx_a).progress("OF4", cid, "receive")
        assert seen.wait(1.0)
        assert world_b.cases[cid]["status"] == "handling" and world_b.officers["OF4"]["status"] == "busy"
    finally:
        follower.stop()
        db_a.dispose()
        db_b.dispose()


def test_follower_delivers_every_event_once_in_order(sqlite_url: str) -> None:
    from console.storage.migrations_api import upgrade
    from tests.dispatch.conftest import build_world

    db = Database(make_engine(sqlite_url))
    upgrade(db)
    got: list[int] = []
    follower = SeatFollower(db, lambda evs: got.extend(e.seq for e in evs), since_seq=0, batch=3)
    build_world(ServiceContext(db))
    assert follower.poll_once() == len(got) and got == list(range(1, len(got) + 1)) and len(got) > 3
    assert follower.poll_once() == 0
    db.dispose()
