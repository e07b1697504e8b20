"""A notice posted on seat A reaches seat B's World through the log (PostgreSQL LISTEN/NOTIFY)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from console.collab.attachments import AttachmentStore
from console.collab.service import CollabService, is_notice_active
from console.services.context import ServiceContext
from console.services.seat import SeatFollower
from console.storage.db import Database, make_engine
from console.storage.eventstore import StoredEvent
from console.world import World
from tests.collab.conftest import LEADER
from tests.dispatch.conftest import build_world


@pytest.mark.postgres
def test_notice_on_seat_a_reaches_seat_b_within_a_second(pg_url: str, tmp_path: Path) -> None:
    from console.storage.migrations_api import upgrade

    db_a, db_b = Database(make_engine(pg_url)), Database(make_engine(pg_url))
    upgrade(db_a)
    ctx_a = ServiceContext(db_a)
    build_world(ctx_a)
    world_b = World()
    world_b.load(db_b)
    got: list[StoredEvent] = []
    seen = threading.Event()

    def wake(events: list[StoredEvent]) -> None:
        world_b.apply_events(events)
        got.extend(events)
        seen.set()

    follower = SeatFollower(db_b, wake, poll_s=30.0).start()  # only NOTIFY can deliver within the wait below
    try:
        assert follower.listening.wait(5)
        notice = CollabService(ctx_a, store=AttachmentStore(tmp_path)).post_notice(
            "18:00 起暴雨预警，注意积水点", LEADER, level="urgent")
        assert seen.wait(1.0), "seat B did not wake within 1 s"
        assert [e.action for e in got] == ["notice_post"]
        on_b = world_b.assets["notice"][notice["id"]]
        assert on_b["title"] == "18:00 起暴雨预警，注意积水点" and on_b["level"] == "urgent"
        assert is_notice_active(on_b, ctx_a.clock.now_utc())
    finally:
        follower.stop()
        db_a.dispose()
        db_b.dispose()
