"""The gateway against real Mosquitto: messages from a separate process; broker restart mid-stream loses nothing."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.feeds.config import GatewayConfig, build_processor
from console.feeds.deadletter import dead_letter_counts
from console.feeds.mqtt_gateway import MqttGateway
from console.services.clock import SystemClock
from console.services.context import ServiceContext
from console.sim.mqtt_publish import MqttPublisher
from console.storage.db import Database
from console.storage.models import AssetRow, CaseRow, PositionRow
from console.storage.models_feeds import CameraEventRow, OfficerFixRow
from tests.feeds.conftest import OFFICERS, OwnBroker, seed_feed_entities

PUBLISHER_SCRIPT = r"""
import sys, time
from datetime import UTC, datetime, timedelta
from console.sim.mqtt_publish import MqttPublisher, frigate_payload, sensor_payload
port, run = int(sys.argv[1]), sys.argv[2]
pub = MqttPublisher("127.0.0.1", port, client_id="pub-" + run)
now = datetime.now(UTC).replace(microsecond=0)
for i in range(20):
    for j, oid in enumerate(["OF00001", "OF00002", "OF00003"]):
        pub.publish_fix(oid, 121.40 + 0.0005 * i, 31.21 + 0.0003 * j, now - timedelta(seconds=60 - i))
pub.publish("owntracks/of00001/dev-of00001", b'{"_type": "location", "lat": 1e999')
pub.publish("owntracks/ghost/dev-ghost", b'{"_type":"location","lat":31.2,"lon":121.4,"tst":%d}' % int(now.timestamp()))
t0 = now.timestamp() - 30
ev = "ev-" + run
for kind in ("new", "update", "update", "end"):
    pub.publish("frigate/events", frigate_payload(kind, ev, "cam_linkong_01", "garbage", score=0.9, start_time=t0,
                                                 end_time=t0 + 20 if kind == "end" else None))
pub.publish("urbanops/sensors/BIN001/reading", sensor_payload("bin_fill", 95.0, now))
pub.close()
"""


def wait_for(predicate: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def count(db: Database, model: type, *where: object) -> int:
    with db.read_session() as s:
        return int(s.execute(select(func.count()).select_from(model).where(*where)).scalar_one())  # type: ignore[arg-type]


def test_gateway_ingests_messages_from_a_separate_process(live_ctx: ServiceContext, own_broker: OwnBroker) -> None:
    """A private Mosquitto per test: the SQLite and PostgreSQL variants run in parallel (pytest -n 2), and on one
    shared broker each gateway would also ingest the other variant's messages (both subscribe to owntracks/+/+)."""
    run = uuid.uuid4().hex[:8]
    processor = build_processor(live_ctx, GatewayConfig())
    gw = MqttGateway(processor, "127.0.0.1", own_broker.port, client_id=f"gw-test-{run}")
    gw.start()
    try:
        assert gw.connected.wait(10)
        subprocess.run([sys.executable, "-c", PUBLISHER_SCRIPT, str(own_broker.port), run], check=True, timeout=60)
        db = live_ctx.db
        assert wait_for(lambda: count(db, PositionRow) == 60 and count(db, CameraEventRow) == 1
                        and count(db, CaseRow) == 2)
    finally:
        gw.stop()
    with db.read_session() as s:
        fixes = {r.officer_id: r for r in s.scalars(select(OfficerFixRow))}
        ev = s.get(CameraEventRow, f"ev-{run}")
        sensor = s.get(AssetRow, {"kind": "sensor", "id": "BIN001"})
        sources = sorted(str(c.source) for c in s.scalars(select(CaseRow)))
    assert set(fixes) == set(OFFICERS)
    assert fixes["OF00001"].lon == pytest.approx(121.40 + 0.0005 * 19)  # the latest fix wins
    assert ev is not None and ev.last_type == "end" and ev.case_id is not None and ev.end_time_utc is not None
    assert sensor is not None and sensor.status == "alarm"
    assert sources == ["camera_ai", "iot_sensor"]
    dead = dead_letter_counts(db)
    assert dead.get("positions.owntracks", 0) >= 1  # the ghost device
    assert dead.get("mqtt.positions", 0) >= 1  # the truncated JSON
    health = {f["name"]: f for f in processor.health.snapshot()}
    assert health["camera"]["accepted"] >= 1 and health["positions"]["dead_letters"] >= 2


def test_broker_restart_mid_stream_loses_no_qos1_message(migrated_db: Database, own_broker: OwnBroker) -> None:
    ctx = ServiceContext(migrated_db, clock=SystemClock())
    seed_feed_entities(migrated_db, ctx)
    processor = build_processor(ctx, GatewayConfig())
    client_id = f"gw-restart-{uuid.uuid4().hex[:6]}"
    gw = MqttGateway(processor, "127.0.0.1", own_broker.port, client_id=client_id)
    gw.start()
    assert gw.connected.wait(10)
    from datetime import UTC, datetime

    base = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    sent: set[tuple[str, int]] = set()

    def publish(range_: range, client: str) -> None:
        pub = MqttPublisher("127.0.0.1", own_broker.port, client_id=client)
        for i in range_:
            for oid in OFFICERS:
                pub.publish_fix(oid, 121.40 + 0.00001 * i, 31.21, base + timedelta(seconds=i))
                sent.add((oid, i))
        assert pub.wait(20)
        pub.client.disconnect()
        pub.client.loop_stop()

    try:
        publish(range(0, 300), "pub-a")
        own_broker.stop()  # mid-stream: the gateway is still working through its queue
        time.sleep(0.5)
        own_broker.start()
        assert gw.connected.wait(15) or wait_for(gw.connected.is_set, 15)
        publish(range(250, 500), "pub-b")  # 250–299 are duplicates by (officer, fix time)
        gw.stop()  # gateway away: its persistent session queues at the broker
        publish(range(500, 600), "pub-c")
        gw2 = MqttGateway(processor, "127.0.0.1", own_broker.port, client_id=client_id)
        gw2.start()
        try:
            wait_for(lambda: count(migrated_db, PositionRow) >= len(sent), 60)
            time.sleep(0.3)
        finally:
            gw2.stop()
    finally:
        gw.client.loop_stop()
    with migrated_db.read_session() as s:
        stored = [(o, t) for o, t in s.execute(select(PositionRow.officer_id, PositionRow.ts_utc))]
    from console.storage.eventstore import as_utc

    keys = [(o, int((as_utc(t) - base).total_seconds())) for o, t in stored]
    missing = sorted({i for _, i in sent - set(keys)})
    assert not missing, f"lost {len(sent - set(keys))} fixes, seconds {missing[:5]}…{missing[-5:]}"
    assert len(keys) == len(set(keys))  # duplicates ignored
    assert set(keys) == sent  # nothing lost
