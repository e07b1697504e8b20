"""The MQTT side of the gateway: paho-mqtt 2.x, QoS 1, persistent session, manual acknowledgement, backoff.

Reliability: MQTT 5 with a fixed client id, ``clean_start=False`` and a session expiry of a week keeps the
subscription and queued QoS 1 messages at the broker while we are away; messages are acknowledged (``manual_ack``) only after their effect is
committed, so a broker or gateway restart loses nothing; redelivered duplicates are dropped by id downstream.
paho's loop thread reconnects with exponential backoff (1 s … 30 s); the feed health shows reconnecting/down.

Throughput: paho's network thread only appends (topic, payload, mid, qos, receive time) to a deque — it must keep
reading the socket. One worker thread drains the deque, parses and validates, and writes positions in batches that
grow with the load (group commit: when the worker has caught up, or after ``max_batch`` messages, it commits what
it has in one transaction and then acknowledges those messages). Under light load a fix is written within a few
milliseconds; under a flood the batches grow and the per-fix cost falls. Because acknowledgements wait for the commit,
the broker's in-flight window bounds a batch: MQTT 5 lets the gateway announce its own Receive Maximum
(``receive_maximum``, default 2 000) instead of Mosquitto's per-client default of 20 for MQTT 3.1.1 clients,
which would cap every batch at 20 messages and stall the stream on each commit.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import deque
from typing import Any, cast
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from console.errors import ValidationError
from console.feeds.processor import FeedProcessor

log = logging.getLogger(__name__)
SUBSCRIPTIONS = ("owntracks/+/+", "frigate/events", "urbanops/sensors/+/reading")
DEFAULT_CLIENT_ID = "urbanops-gateway"
SESSION_EXPIRY_S = 7 * 24 * 3600  # the broker keeps our queue through a week-long gateway outage


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
                 flush_interval_s: float = 0.005, max_batch: int = 1_000, receive_maximum: int = 2_000) -> None:
        self.processor = processor
        self.health = processor.health
        self.host, self.port = host, port
        self.subscriptions = subscriptions
        self.flush_interval_s = flush_interval_s
        self.max_batch = max_batch
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                                  manual_ack=True)
        self.connect_properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        self.connect_properties.SessionExpiryInterval = SESSION_EXPIRY_S
        self.connect_properties.ReceiveMaximum = receive_maximum
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.max_inflight_messages_set(100)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._inbox: deque[tuple[str, bytes, int, int, float]] = deque()
        self._wake = threading.Event()
        self._flusher = threading.Thread(target=self._work_loop, name="mqtt-ingest", daemon=True)
        self.received = 0
        self.first_message_monotonic: float | None = None
        processor.positions.auto_flush = False  # batches are written by the flush thread, not the network thread

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Connect (asynchronously; retries until the broker is there) and start the network and flush threads."""
        self.health.set_state("reconnecting")
        self.client.connect_async(self.host, self.port, keepalive=15, clean_start=False,
                                  properties=self.connect_properties)
        self.client.loop_start()
        self._flusher.start()

    def stop(self) -> None:
        """Process what was received, flush what is buffered, acknowledge it, disconnect."""
        self._stop.set()
        self._wake.set()
        if self._flusher.is_alive():
            self._flusher.join(timeout=30)
        try:
            self._drain(len(self._inbox))
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

    def _on_message(self, _client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        """Network thread: queue and return (the worker parses, writes and acknowledges)."""
        now = time.monotonic()
        if not self.received:
            self.first_message_monotonic = now
        self.received += 1
        was_empty = not self._inbox
        self._inbox.append((msg.topic, cast(bytes, msg.payload), msg.mid, msg.qos, now))  # paho delivers bytes
        if was_empty:  # the worker only waits on an empty inbox (and re-checks every flush_interval_s anyway)
            self._wake.set()

    # ------------------------------------------------------------------ worker thread
    def _ack(self, mid: int, qos: int) -> Any:
        """The callback that acknowledges one message after its commit (None for QoS 0: nothing to acknowledge)."""
        if qos == 0:
            return None
        return functools.partial(self.client.ack, mid, qos)

    def _drain(self, limit: int) -> int:
        """Hand up to ``limit`` queued messages to the processor (positions are buffered, the rest done at once)."""
        inbox, handle, n = self._inbox, self.processor.handle, 0
        while n < limit:
            try:
                topic, payload, mid, qos, received = inbox.popleft()
            except IndexError:
                break
            handle(topic, payload, self._ack(mid, qos), received)
            n += 1
        return n

    def _work_loop(self) -> None:
        """Drain, then commit the buffered positions once caught up (or every ``max_batch`` messages)."""
        positions = self.processor.positions
        while not self._stop.is_set():
            if not self._inbox:
                self._wake.wait(self.flush_interval_s)
                self._wake.clear()
            try:
                self._drain(self.max_batch)
                if positions.has_pending() and (not self._inbox or positions.due()):
                    positions.flush()
            except Exception as exc:  # database away: keep the buffer, unacknowledged, and retry
                self.health.set_state("reconnecting", feed="positions", error=f"database: {exc}"[:300])
                time.sleep(1.0)
