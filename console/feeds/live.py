"""The console's side of the feeds (实时定位): officer fixes for the live map, straight from MQTT or from the database.

Two sources, one output (batches of :class:`LiveFix`):

- ``LivePositions`` subscribes to the OwnTracks topics on the broker (QoS 0, clean session: the map wants the newest
  fix, not every one) — the fast path when the console is configured with a broker. It coalesces a burst into one
  batch per ``coalesce_s`` (newest fix per officer) and hands it to a callback in its own thread; the Qt side
  re-emits it as a queued signal to the GUI thread (``widgets/live_feed.py``), as ``WorldBridge`` does for the World.
- ``FixFollower`` reads the latest fixes the gateway wrote (``officer_fixes``) since its last poll — the console
  follows the database when no broker is configured, so officers move when positions arrive from another process.

Both keep a :class:`FeedHealth` current (state and last message time per feed) for the status-bar indicator.
Qt-free on purpose (console/ never imports Qt).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import paho.mqtt.client as mqtt
import yaml
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

from console.errors import DataFileError
from console.feeds.health import FeedHealth
from console.feeds.mqtt_gateway import parse_mqtt_url
from console.feeds.parsers import OwnTracksLocation, ParseError, parse_owntracks
from console.feeds.positions import DISTRICT_BBOX_WGS84, DeviceMapping
from console.resources import resource_path
from console.storage.db import Database
from console.storage.eventstore import as_utc
from console.storage.models_feeds import CameraEventRow, OfficerFixRow, SensorReadingRow

log = logging.getLogger(__name__)
LIVE_TOPIC = "owntracks/+/+"
CONSOLE_FEEDS = ("positions", "camera", "sensors", "open311")
MQTT_ENV = "URBANOPS_LIVE_MQTT"


class LiveFix(NamedTuple):
    """One officer position for the map (WGS-84 degrees, fix time in UTC, heading in degrees or None)."""

    officer_id: str
    lon: float
    lat: float
    ts_utc: datetime
    heading_deg: float | None


@dataclass(frozen=True)
class LiveConfig:
    """``resources/feeds/live.yaml``: where the console takes positions from and when a fix counts as stale."""

    mqtt_url: str | None = None
    stale_after_s: float = 120.0
    db_poll_s: float = 1.0

    @staticmethod
    def load(path: Path | None = None, mqtt_url: str | None = None) -> LiveConfig:
        """The file (bundled default), then ``$URBANOPS_LIVE_MQTT``, then an explicit ``mqtt_url`` (CLI) win."""
        path = path or resource_path("feeds", "live.yaml")
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise DataFileError(f"无法读取实时定位配置 {path}：{exc}", f"cannot read live-feed config {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise DataFileError(f"{path}：应为映射", f"{path}: must be a mapping")
        try:
            stale = float(data.get("stale_after_s", 120.0))
            poll = float(data.get("db_poll_s", 1.0))
        except (TypeError, ValueError):
            raise DataFileError(f"{path}：stale_after_s/db_poll_s 应为数字",
                                f"{path}: stale_after_s/db_poll_s must be numbers") from None
        if not (0 < stale < 86_400 and 0.05 <= poll <= 60):
            raise DataFileError(f"{path}：stale_after_s 或 db_poll_s 超出范围", f"{path}: stale_after_s/db_poll_s out of range")
        url = mqtt_url or os.environ.get(MQTT_ENV) or data.get("mqtt") or None
        if url is not None:
            parse_mqtt_url(str(url))  # refuse a bad URL now, with the zh + en message
        return LiveConfig(None if url is None else str(url), stale, poll)


def _in_box(lon: float, lat: float, bbox: tuple[float, float, float, float]) -> bool:
    return bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


class LivePositions:
    """MQTT fast path: OwnTracks locations → coalesced batches of LiveFix, handed to ``on_fixes`` (own thread)."""

    def __init__(self, url: str, on_fixes: Callable[[list[LiveFix]], None], *, mapping: DeviceMapping | None = None,
                 health: FeedHealth | None = None, coalesce_s: float = 0.1,
                 bbox: tuple[float, float, float, float] = DISTRICT_BBOX_WGS84) -> None:
        self.host, self.port = parse_mqtt_url(url)
        self.on_fixes = on_fixes
        self.mapping = mapping or DeviceMapping.from_yaml()
        self.health = health or FeedHealth(("positions",))
        self.coalesce_s = coalesce_s
        self.bbox = bbox
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"urbanops-console-{uuid.uuid4().hex[:8]}",
                                  clean_session=True, protocol=mqtt.MQTTv311)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.connected = threading.Event()
        self._lock = threading.Lock()
        self._pending: dict[str, LiveFix] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._deliver_loop, name="live-positions", daemon=True)

    def start(self) -> LivePositions:
        self.health.set_state("reconnecting", feed="positions")
        self.client.connect_async(self.host, self.port, keepalive=15)
        self.client.loop_start()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        self.client.disconnect()
        self.client.loop_stop()
        self.health.set_state("down", feed="positions")

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if getattr(reason, "is_failure", False):
            self.health.set_state("reconnecting", feed="positions", error=str(reason))
            return
        client.subscribe(LIVE_TOPIC, qos=0)
        self.health.set_state("connected", feed="positions")
        self.connected.set()

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected.clear()
        self.health.set_state("down" if self._stop.is_set() else "reconnecting", feed="positions", error=str(reason))

    def _on_message(self, _c: mqtt.Client, _u: Any, msg: mqtt.MQTTMessage) -> None:
        """Parse and map; a bad message is counted (the gateway dead-letters it), never raised into paho."""
        try:
            item = parse_owntracks(msg.topic, bytes(msg.payload))
        except ParseError:
            self.health.count("positions", "dead_letters")
            return
        if not isinstance(item, OwnTracksLocation):
            self.health.count("positions", "ignored")
            return
        fix = item.fix
        officer = self.mapping.resolve(fix.device_id, item.tid)
        if officer is None or not _in_box(fix.lon, fix.lat, self.bbox):
            self.health.count("positions", "dead_letters")
            return
        live = LiveFix(officer, fix.lon, fix.lat, fix.ts_utc, fix.heading_deg)
        with self._lock:
            prev = self._pending.get(officer)
            if prev is None or prev.ts_utc <= live.ts_utc:
                self._pending[officer] = live
        self.health.count("positions", "accepted")

    def _deliver_loop(self) -> None:
        while not self._stop.wait(self.coalesce_s):
            with self._lock:
                batch, self._pending = list(self._pending.values()), {}
            if batch:
                try:
                    self.on_fixes(batch)
                except Exception:  # a faulty consumer must not end the feed
                    log.exception("live positions consumer failed")


class FixFollower:
    """Database path: fixes the gateway stored (``officer_fixes``) since the last poll, plus each feed's activity.

    Rows are read with an overlap of ``OVERLAP`` behind the newest ``received_utc`` seen: a gateway stamps
    ``received_utc`` just before its commit, so a batch committed slightly later than another gateway's newer one
    would otherwise be skipped. Fixes already delivered (same officer and fix time) are not handed over twice.
    """

    OVERLAP = timedelta(seconds=5)

    def __init__(self, db: Database, health: FeedHealth | None = None) -> None:
        self.db = db
        self.health = health or FeedHealth(CONSOLE_FEEDS)
        self.watermark_utc: datetime | None = None
        self._delivered: dict[str, datetime] = {}

    def poll(self) -> list[LiveFix]:
        """New latest fixes (all of them on the first call); marks the positions feed connected or down."""
        stmt = select(OfficerFixRow.officer_id, OfficerFixRow.lon, OfficerFixRow.lat, OfficerFixRow.ts_utc,
                      OfficerFixRow.heading_deg, OfficerFixRow.received_utc)
        if self.watermark_utc is not None:
            stmt = stmt.where(OfficerFixRow.received_utc > self.watermark_utc - self.OVERLAP)
        try:
            with self.db.read_session() as s:
                rows = s.execute(stmt).all()
        except Exception as exc:  # database away: show it, keep the map as it is
            self.health.set_state("down", feed="positions", error=f"database: {exc}"[:300])
            return []
        self.health.set_state("connected", feed="positions")
        out: list[LiveFix] = []
        for oid, lon, lat, ts, heading, received in rows:
            received_utc = as_utc(received)
            if self.watermark_utc is None or received_utc > self.watermark_utc:
                self.watermark_utc = received_utc
            fix_ts = as_utc(ts)
            if self._delivered.get(str(oid)) == fix_ts:
                continue  # seen in the overlap already
            self._delivered[str(oid)] = fix_ts
            out.append(LiveFix(str(oid), float(lon), float(lat), fix_ts, None if heading is None else float(heading)))
        if out and self.watermark_utc is not None:
            self.health.seen("positions", self.watermark_utc, n=len(out))
        return out

    def poll_activity(self) -> None:
        """Last message time of the other feeds, as stored by the gateway (camera events, sensor readings, Open311)."""
        from console.storage.models_open311 import Open311RequestRow

        queries = {"camera": func.max(CameraEventRow.updated_utc), "sensors": func.max(SensorReadingRow.ts_utc),
                   "open311": func.max(Open311RequestRow.requested_utc)}
        try:
            with self.db.read_session() as s:
                for feed, agg in queries.items():
                    last = s.execute(select(agg)).scalar_one_or_none()
                    self.health.set_state("connected", feed=feed)
                    if last is not None:
                        self.health.seen(feed, as_utc(last))
        except Exception as exc:
            for feed in queries:
                self.health.set_state("down", feed=feed, error=f"database: {exc}"[:300])
