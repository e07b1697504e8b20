"""Publish simulated officer fixes (and test camera/sensor messages) to a real broker in the wire formats.

``urbanops demo --mqtt mqtt://127.0.0.1:1883`` can feed the simulator's moves through Mosquitto to the gateway; tests
and the feed benchmark use the same payload builders. Topics: ``owntracks/<officer lower>/dev-<officer lower>``.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def owntracks_topic(officer_id: str) -> str:
    return f"owntracks/{officer_id.lower()}/dev-{officer_id.lower()}"


def owntracks_payload(lon: float, lat: float, ts_utc: datetime, *, acc_m: float | None = 8.0,
                      vel_kmh: float | None = None, cog_deg: float | None = None, tid: str | None = None) -> bytes:
    """An OwnTracks ``_type: location`` message (``tst`` is the fix time in epoch seconds)."""
    msg: dict[str, Any] = {"_type": "location", "lat": round(lat, 7), "lon": round(lon, 7),
                           "tst": int(ts_utc.timestamp()), "t": "u", "conn": "m"}
    if acc_m is not None:
        msg["acc"] = round(acc_m)
    if vel_kmh is not None:
        msg["vel"] = round(vel_kmh)
    if cog_deg is not None:
        msg["cog"] = round(cog_deg) % 360
    if tid is not None:
        msg["tid"] = tid
    return json.dumps(msg).encode()


def frigate_payload(kind: str, event_id: str, camera: str, label: str, *, score: float = 0.8,
                    start_time: float, end_time: float | None = None, zones: list[str] | None = None,
                    sub_label: str | None = None, plate: str | None = None) -> bytes:
    """A Frigate ``frigate/events`` message (type new|update|end)."""
    after = {"id": event_id, "camera": camera, "label": label, "sub_label": sub_label, "score": score,
             "top_score": score, "start_time": start_time, "end_time": end_time, "current_zones": zones or [],
             "entered_zones": zones or [], "has_clip": kind == "end", "has_snapshot": True, "false_positive": False,
             "recognized_license_plate": plate, "recognized_license_plate_score": 0.9 if plate else None}
    return json.dumps({"type": kind, "before": after, "after": after}).encode()


def sensor_payload(kind: str, value: float, ts_utc: datetime) -> bytes:
    """``urbanops/sensors/<id>/reading`` body."""
    return json.dumps({"ts": ts_utc.timestamp(), "value": value, "kind": kind}).encode()


class MqttPublisher:
    """A QoS 1 publisher; ``wait`` blocks until every published message is acknowledged by the broker."""

    def __init__(self, host: str = "127.0.0.1", port: int = 1883, client_id: str = "urbanops-sim") -> None:
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self._infos: list[mqtt.MQTTMessageInfo] = []
        self._lock = threading.Lock()
        self.client.connect(host, port, keepalive=30)
        self.client.loop_start()

    def publish(self, topic: str, payload: bytes, qos: int = 1) -> None:
        info = self.client.publish(topic, payload, qos=qos)
        with self._lock:
            self._infos.append(info)

    def publish_fix(self, officer_id: str, lon: float, lat: float, ts_utc: datetime, **kw: Any) -> None:
        self.publish(owntracks_topic(officer_id), owntracks_payload(lon, lat, ts_utc, **kw))

    def publish_step(self, officer_ids: list[str], lon: list[float], lat: list[float], heading_deg: list[float],
                     ts_utc: datetime) -> None:
        """The moves of one simulator step (``StepResult`` fields) as OwnTracks fixes."""
        for oid, x, y, h in zip(officer_ids, lon, lat, heading_deg, strict=True):
            self.publish_fix(oid, x, y, ts_utc, cog_deg=h)

    def prune(self) -> int:
        """Forget the handles of messages the broker has acknowledged (never blocks); returns how many are pending."""
        with self._lock:
            self._infos = [i for i in self._infos if not i.is_published()]
            return len(self._infos)

    def wait(self, timeout_s: float = 30.0) -> bool:
        with self._lock:
            infos, self._infos = self._infos, []
        for info in infos:
            info.wait_for_publish(timeout_s)
        return all(i.is_published() for i in infos)

    def close(self) -> None:
        self.wait()
        self.client.disconnect()
        self.client.loop_stop()
