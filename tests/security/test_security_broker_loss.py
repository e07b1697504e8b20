"""Broker lost: the feed health turns stale at once (reconnecting, ◐ in the status line), the gateway keeps running
and reconnects by itself when the broker is back (a private Mosquitto; the shared one is never stopped)."""

from __future__ import annotations

import shutil
from pathlib import Path

from console.feeds.config import GatewayConfig, build_processor
from console.feeds.mqtt_gateway import MqttGateway
from console.services.clock import SystemClock
from console.services.context import ServiceContext
from console.storage.db import Database
from tests.conftest import skip_or_fail
from tests.feeds.conftest import OwnBroker
from tests.feeds.test_feeds_mqtt import wait_for


def test_broker_loss_shows_stale_feeds_and_reconnects(migrated_db: Database, tmp_path: Path) -> None:
    if not (shutil.which("mosquitto") or Path("/usr/sbin/mosquitto").exists()):
        skip_or_fail("mosquitto executable not installed")
    broker = OwnBroker(tmp_path)
    broker.start()
    processor = build_processor(ServiceContext(migrated_db, clock=SystemClock()), GatewayConfig())
    gw = MqttGateway(processor, "127.0.0.1", broker.port, client_id="gw-broker-loss")
    gw.start()
    try:
        assert gw.connected.wait(10)
        states = lambda: {f["state"] for f in processor.health.snapshot()}  # noqa: E731
        assert states() == {"connected"}
        broker.stop()
        assert wait_for(lambda: states() == {"reconnecting"}, 15)
        assert "◐" in processor.health.summary_text() and "●" not in processor.health.summary_text()
        assert gw._flusher.is_alive()  # no crash: the ingest thread keeps running
        broker.start()  # same port: paho's backoff (1–30 s) reconnects without help
        assert wait_for(lambda: states() == {"connected"}, 45)
    finally:
        gw.stop()
        broker.stop()
