"""A resident's complaint reaches a console within a second: POST to the real gateway on loopback, PostgreSQL,
a console World following the database with the SeatFollower (LISTEN/NOTIFY), the queue model showing the channel
and the workroom."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from console.feeds.http_gateway import GatewayHTTPServer
from console.services.context import ServiceContext
from console.services.seat import SeatFollower
from console.storage.eventstore import StoredEvent
from console.world import World
from tests.open311.conftest import API_KEY, base_url, running_gateway, seeded_context

DEADLINE_S = 1.0


@pytest.fixture
def pg_ctx(pg_url: str) -> Iterator[ServiceContext]:
    yield from seeded_context(pg_url)


@pytest.fixture
def pg_gateway(pg_ctx: ServiceContext, tmp_path: Path) -> Iterator[GatewayHTTPServer]:
    yield from running_gateway(pg_ctx, tmp_path)


def _apply_until(world: World, inbox: list[StoredEvent], lock: threading.Lock, case_id: str) -> bool:
    """The GUI thread's part: fold what the follower delivered until the case is there or the deadline passes."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        with lock:
            batch, inbox[:] = list(inbox), []
        world.apply_events(batch)
        if case_id in world.cases or time.monotonic() > deadline:
            return case_id in world.cases
        time.sleep(0.01)


def test_complaints_appear_in_a_following_console_within_a_second(pg_gateway: GatewayHTTPServer,
                                                                   pg_ctx: ServiceContext, qtbot: object) -> None:
    from widgets.case_model import COL, CaseTableModel

    db = pg_ctx.db
    world = World()
    world.load(db)
    inbox: list[StoredEvent] = []
    lock = threading.Lock()

    def deliver(events: list[StoredEvent]) -> None:
        with lock:
            inbox.extend(events)

    follower = SeatFollower(db, deliver, since_seq=world.last_seq, poll_s=5.0).start()  # slow poll: NOTIFY wakes it
    model = CaseTableModel(world, lambda code: code, lambda oid: oid)
    try:
        assert follower.listening.wait(10) and follower.uses_notify
        url = f"{base_url(pg_gateway)}/open311/v2/requests.json"
        qr = requests.post(url, data={"service_code": "E0101", "workroom_id": "WR001", "description": "扫码投诉"},
                           timeout=10)
        assert qr.status_code == 200, qr.text
        qr_id = qr.json()[0]["service_request_id"]
        assert _apply_until(world, inbox, lock, qr_id), "the QR complaint did not reach the console within 1 s"
        keyed = requests.post(url, data={"api_key": API_KEY, "service_code": "E0301", "lat": "31.2150",
                                         "long": "121.4000"}, timeout=10)
        api_id = keyed.json()[0]["service_request_id"]
        assert _apply_until(world, inbox, lock, api_id), "the 12345 request did not reach the console within 1 s"
    finally:
        follower.stop()
    assert world.cases[qr_id]["source"] == "workroom_qr" and world.cases[qr_id]["workroom_id"] == "WR001"
    model.on_cases_changed(None)
    rows = {model.index(r, COL["id"]).data(): r for r in range(model.rowCount())}
    assert model.index(rows[qr_id], COL["source"]).data() == "社区工作室·中山公园"
    assert model.index(rows[api_id], COL["source"]).data() == "12345热线"
