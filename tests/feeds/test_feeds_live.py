"""The console's live positions: MQTT fast path (real Mosquitto), database following (fixes written by the gateway
from another process's messages), the World folding fixes, OsmAnd sharing the MQTT gateway's batching."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from console.cli.cmd_gateway import _start_http
from console.errors import DataFileError, ValidationError
from console.feeds.config import GatewayConfig, build_processor
from console.feeds.live import FixFollower, LiveConfig, LiveFix, LivePositions
from console.feeds.mqtt_gateway import MqttGateway
from console.services.context import ServiceContext
from console.sim.mqtt_publish import MqttPublisher
from console.storage.models import PositionRow
from console.world import World
from tests.feeds.conftest import OwnBroker, broker_reachable, skip_or_fail
from tests.feeds.test_feeds_mqtt import count, wait_for

FIX_SCRIPT = r"""
import sys
from datetime import UTC, datetime, timedelta
from console.sim.mqtt_publish import MqttPublisher
port, run, lon = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
pub = MqttPublisher("127.0.0.1", port, client_id="pub-live-" + run)
now = datetime.now(UTC).replace(microsecond=0)
pub.publish_fix("OF00002", lon, 31.2150, now - timedelta(seconds=5), cog_deg=90)
pub.publish_fix("OF00002", lon - 0.001, 31.2140, now - timedelta(seconds=20))  # late, older: must not win
pub.publish("owntracks/of00003/dev-of00003", b'{"_type":"location","lat":31.2,"lon":')  # truncated
pub.close()
"""


def _world(db: object) -> World:
    world = World()
    world.load(db)  # type: ignore[arg-type]
    return world


def test_world_applies_each_fix_with_its_own_time_and_ignores_older_ones(live_ctx: ServiceContext) -> None:
    world = _world(live_ctx.db)
    arrays = world.officer_arrays()
    moved_signal: list[list[str]] = []
    world.officers_moved.connect(moved_signal.append)
    now = datetime.now(UTC)
    world.set_time(now)
    arrays = world.officer_arrays()
    moved = world.apply_fixes([("OF00001", 121.41, 31.22, now - timedelta(seconds=3), 45.0),
                               ("OF00002", 121.42, 31.21, now - timedelta(seconds=400), None),
                               ("NOBODY", 121.4, 31.2, now, None)])
    assert moved == ["OF00001", "OF00002"] and moved_signal == [["OF00001", "OF00002"]]
    i = world._officer_index["OF00001"]
    assert arrays.lon[i] == pytest.approx(121.41) and arrays.heading_deg[i] == pytest.approx(45.0)
    assert arrays.fix_age_s[i] == pytest.approx(3.0, abs=1.0)
    j = world._officer_index["OF00002"]
    assert arrays.fix_age_s[j] == pytest.approx(400.0, abs=1.0)
    assert world.apply_fixes([("OF00001", 121.30, 31.30, now - timedelta(seconds=60), None)]) == []  # older
    assert world.officers["OF00001"]["lon"] == pytest.approx(121.41)


def test_live_config_from_file_env_and_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("URBANOPS_LIVE_MQTT", raising=False)
    bundled = LiveConfig.load()
    assert bundled.mqtt_url is None and bundled.stale_after_s == 120
    f = tmp_path / "live.yaml"
    f.write_text("mqtt: mqtt://127.0.0.1:1883\nstale_after_s: 45\n", encoding="utf-8")
    assert LiveConfig.load(f) == LiveConfig("mqtt://127.0.0.1:1883", 45.0, 1.0)
    monkeypatch.setenv("URBANOPS_LIVE_MQTT", "mqtt://127.0.0.1:1999")
    assert LiveConfig.load(f).mqtt_url == "mqtt://127.0.0.1:1999"
    assert LiveConfig.load(f, mqtt_url="mqtt://localhost:2000").mqtt_url == "mqtt://localhost:2000"
    f.write_text("stale_after_s: -1\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        LiveConfig.load(f)
    f.write_text("mqtt: http://nope\n", encoding="utf-8")
    monkeypatch.delenv("URBANOPS_LIVE_MQTT")
    with pytest.raises(ValidationError):
        LiveConfig.load(f)


def test_console_subscriber_gets_positions_straight_from_the_broker(live_ctx: ServiceContext,
                                                                   own_broker: OwnBroker) -> None:
    """A private broker per test: the SQLite and PostgreSQL variants run in parallel (-n 2) and publish the same
    officer; on one shared broker each would receive the other's fixes."""
    got: list[LiveFix] = []
    lock = threading.Lock()

    def on_fixes(batch: list[LiveFix]) -> None:
        with lock:
            got.extend(batch)

    sub = LivePositions(f"mqtt://127.0.0.1:{own_broker.port}", on_fixes, coalesce_s=0.05).start()
    try:
        assert sub.connected.wait(10)
        run = uuid.uuid4().hex[:6]
        subprocess.run([sys.executable, "-c", FIX_SCRIPT, str(own_broker.port), run, "121.4050"], check=True,
                       timeout=60)
        assert wait_for(lambda: any(f.officer_id == "OF00002" for f in got), 10)
        assert wait_for(lambda: sub.health.snapshot()[0]["dead_letters"] >= 1, 5)
    finally:
        sub.stop()
    newest = max((f for f in got if f.officer_id == "OF00002"), key=lambda f: f.ts_utc)
    assert newest.lon == pytest.approx(121.4050) and newest.heading_deg == pytest.approx(90.0)
    world = _world(live_ctx.db)
    world.apply_fixes(got)  # whatever order the batches came in, the newest fix is what the map shows
    assert world.officers["OF00002"]["lon"] == pytest.approx(121.4050)
    status = sub.health.snapshot()[0]
    assert status["name"] == "positions" and status["state"] == "down" and status["last_message_utc"] is not None


def test_console_follows_fixes_the_gateway_stored_from_another_process(live_ctx: ServiceContext,
                                                                      own_broker: OwnBroker) -> None:
    """No broker configured in the console: the World moves from officer_fixes, written by a gateway that got the
    positions over MQTT from a separate publisher process (a private broker: see the test above)."""
    db = live_ctx.db
    world = _world(db)
    follower = FixFollower(db)
    assert follower.poll() == []  # nothing stored yet
    processor = build_processor(live_ctx, GatewayConfig())
    run = uuid.uuid4().hex[:6]
    gw = MqttGateway(processor, "127.0.0.1", own_broker.port, client_id=f"gw-live-{run}")
    gw.start()
    try:
        assert gw.connected.wait(10)
        subprocess.run([sys.executable, "-c", FIX_SCRIPT, str(own_broker.port), run, "121.4111"], check=True,
                       timeout=60)
        assert wait_for(lambda: count(db, PositionRow) == 2)
    finally:
        gw.stop()
    fixes = follower.poll()
    assert [f.officer_id for f in fixes] == ["OF00002"]
    assert world.apply_fixes(fixes) == ["OF00002"]
    assert world.officers["OF00002"]["lon"] == pytest.approx(121.4111)
    assert follower.poll() == []  # only what is new since the last poll
    positions = {f["name"]: f for f in follower.health.snapshot()}["positions"]
    assert positions["state"] == "connected" and positions["last_message_utc"] is not None


def test_osmand_positions_share_the_mqtt_gateways_batching(live_ctx: ServiceContext, tmp_path: Path,
                                                           own_broker: OwnBroker) -> None:
    """What ``urbanops gateway --http`` wires: the HTTP server gets the MQTT gateway's PositionIngest (private broker:
    on the shared one this gateway would also ingest the fixes other tests publish)."""
    processor = build_processor(live_ctx, GatewayConfig())
    gw = MqttGateway(processor, "127.0.0.1", own_broker.port, client_id=f"gw-osm-{uuid.uuid4().hex[:6]}")
    gw.start()
    server = _start_http(live_ctx, "127.0.0.1:0", positions=processor.positions, intake=processor.intake)
    try:
        assert server.positions is processor.positions and server.api.intake is processor.intake
        ts = int(datetime.now(UTC).timestamp()) - 10
        r = requests.get(f"http://127.0.0.1:{server.server_address[1]}/",
                         params={"id": "dev-of00003", "lat": "31.2180", "lon": "121.4020", "timestamp": str(ts),
                                 "speed": "2.0"}, timeout=10)
        assert r.status_code == 200
        assert wait_for(lambda: count(live_ctx.db, PositionRow, PositionRow.officer_id == "OF00003") == 1, 10)
        assert processor.positions.stats.written == 1  # committed by the MQTT gateway's worker
    finally:
        server.shutdown()
        gw.stop()


def test_simulator_publisher_prunes_acknowledged_messages() -> None:
    if not broker_reachable():
        skip_or_fail("Mosquitto not reachable on 127.0.0.1:1883")
    pub = MqttPublisher("127.0.0.1", 1883, client_id=f"pub-prune-{uuid.uuid4().hex[:6]}")
    try:
        now = datetime.now(UTC)
        pub.publish_step(["OF00001", "OF00002"], [121.40, 121.41], [31.21, 31.22], [0.0, 90.0], now)
        assert wait_for(lambda: pub.prune() == 0, 10)
    finally:
        pub.close()
