"""The MQTT side of the gateway: paho-mqtt 2.x, QoS 1, persistent session, manual acknowledgement, backoff.

Reliability: a fixed client id with ``clean_session=False`` (MQTT 3.1.1) keeps the subscription and queued QoS 1
messages at the broker while we are away; messages are acknowledged (``manual_ack``) only after their effect is
committed, so a broker or gateway restart loses nothing; redelivered duplicates are dropped by id downstream.
paho's loop thread reconnects with exponential backoff (1 s … 30 s); the feed health shows reconnecting/down.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from console.errors import ValidationError
from console.feeds.processor import FeedProcessor

log = logging.getLogger(__name__)
SUBSCRIPTIONS = ("owntracks/+/+", "frigate/events", "urbanops/sensors/+/reading")
DEFAULT_CLIENT_ID = "urbanops-gateway"


def parse_mqtt_url(url: str) -> tuple[str, int]:
    """``mqtt://HOST:PORT`` (port defaults to 1883)."""
    parsed = urlparse(url if "://" in url else f"mqtt://{url}")
    if parsed.scheme not in ("mqtt", "tcp") or not parsed.hostname:
        raise ValidationError(f"MQTT 地址无效：{url}（应为 mqtt://主机:端口）", f"invalid MQTT URL {url} (mqtt://HOST:PORT)")
    try:
        port = parsed.port or 1883
    except ValueError:
        raise ValidationError(f"MQTT 端口无效：{url}", f"invalid MQTT port in {url}") from None
    return parsed.hostname, port


class MqttGateway:
    """Subscribes, hands each message to the processor, acknowledges after commit, flushes position batches."""

    def __init__(self, processor: FeedProcessor, host: str = "127.0.0.1", port: int = 1883, *,
                 client_id: str = DEFAULT_CLIENT_ID, subscriptions: tuple[str, ...] = SUBSCRIPTIONS,
                 flush_interval_s: float = 0.005) -> None:
        self.processor = processor
        self.health = processor.health
        self.host, self.port = host, port
        self.subscriptions = subscriptions
        self.flush_interval_s = flush_interval_s
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False,
                                  protocol=mqtt.MQTTv311, manual_ack=True)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.max_inflight_messages_set(100)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._flusher = threading.Thread(target=self._flush_loop, name="mqtt-flush", daemon=True)
        self.received = 0
        processor.positions.auto_flush = False  # batches are written by the flush thread, not the network thread

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Connect (asynchronously; retries until the broker is there) and start the network and flush threads."""
        self.health.set_state("reconnecting")
        self.client.connect_async(self.host, self.port, keepalive=15)
        self.client.loop_start()
        self._flusher.start()

    def stop(self) -> None:
        """Flush what is buffered, acknowledge it, disconnect."""
        self._stop.set()
        if self._flusher.is_alive():
            self._flusher.join(timeout=5)
        try:
            self.processor.positions.flush()
        except Exception:
            log.exception("final flush failed")
        self.client.disconnect()
        self.client.loop_stop()
        self.health.set_state("down")

    # ------------------------------------------------------------------ callbacks (paho network thread)
    def _on_connect(self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        if getattr(reason, "is_failure", False):
            self.health.set_state("reconnecting", error=str(reason))
            return
        client.subscribe([(topic, 1) for topic in self.subscriptions])
        self.health.set_state("connected")
        self.connected.set()

    def _on_disconnect(self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any) -> None:
        self.connected.clear()
        self.health.set_state("down" if self._stop.is_set() else "reconnecting", error=str(reason))

    def _on_message(self, client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        self.received += 1
        mid, qos = msg.mid, msg.qos

        def ack() -> None:
            if qos > 0:
                client.ack(mid, qos)

        self.processor.handle(msg.topic, bytes(msg.payload), ack)

    def _flush_loop(self) -> None:
        """Write position batches that waited long enough (bounded latency under light load)."""
        positions = self.processor.positions
        while not self._stop.is_set():
            time.sleep(self.flush_interval_s)
            try:
                if positions.due():
                    positions.flush()
            except Exception as exc:  # database away: keep the buffer, unacknowledged, and retry
                self.health.set_state("reconnecting", feed="positions", error=f"database: {exc}"[:300])
                time.sleep(1.0)
