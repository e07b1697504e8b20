"""Turns feed messages into stored facts and cases: the transport-independent half of the gateway.

``FeedProcessor.handle(topic, payload, ack)`` never raises: malformed or unmappable input becomes a dead letter
with a reason. ``ack`` is called once the message's effect is durable (positions: after their batch commits), so the
MQTT gateway can acknowledge QoS 1 messages only then. Each message's writes happen in one transaction; where a case
is reported first (camera, sensor), the intake's external reference makes a retry after a crash idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from console.domain.enums import Role
from console.errors import DomainError
from console.feeds.deadletter import record_dead_letter
from console.feeds.health import FeedHealth
from console.feeds.parsers import (
    FrigateEvent,
    Ignored,
    OwnTracksLocation,
    OwnTracksTransition,
    ParseError,
    SensorReading,
    parse_frigate,
    parse_owntracks,
    parse_sensor,
)
from console.feeds.positions import PositionIngest
from console.feeds.rules import FeedRules
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.intake import IntakeService
from console.services.writer import CaseWriter
from console.storage.eventstore import iso_utc
from console.storage.models import AssetRow
from console.storage.models_feeds import CameraEventRow, SensorReadingRow

log = logging.getLogger(__name__)
GATEWAY_ACTOR = Actor(Role.SYSTEM, "gateway")
Ack = Callable[[], None]


class CameraEventHook(Protocol):
    """A specialised consumer of camera events (the muck-truck pipeline, console/evidence/pipeline.py)."""

    def claims(self, ev: FrigateEvent) -> bool: ...

    def handle(self, ev: FrigateEvent, cam_lon: float, cam_lat: float, known_case: str | None = None) -> str | None: ...


def feed_of(topic: str) -> str:
    if topic.startswith("owntracks/"):
        return "positions"
    if topic.startswith("frigate/"):
        return "camera"
    if topic.startswith("urbanops/sensors/"):
        return "sensors"
    return "other"


class FeedProcessor:
    """Dispatch by topic: OwnTracks → positions/officer events, Frigate → camera_events (+ case), sensors → readings."""

    def __init__(self, ctx: ServiceContext, positions: PositionIngest, intake: IntakeService, rules: FeedRules,
                 health: FeedHealth | None = None, camera_hook: CameraEventHook | None = None) -> None:
        self.ctx = ctx
        self.camera_hook = camera_hook
        self.db = ctx.db
        self.positions = positions
        self.intake = intake
        self.rules = rules
        self.health = health or FeedHealth()

    # ------------------------------------------------------------------ entry
    def handle(self, topic: str, payload: bytes | str, ack: Ack | None = None,
               received_monotonic: float | None = None) -> str:
        """Process one message; returns the outcome (accepted | duplicates | ignored | dead_letters | queued)."""
        feed = feed_of(topic)
        try:
            if feed == "positions":
                outcome = self._owntracks(topic, payload, ack, received_monotonic)
                if outcome == "queued":
                    return outcome
            elif feed == "camera":
                outcome = self._camera(parse_frigate(payload))
            elif feed == "sensors":
                outcome = self._sensor(parse_sensor(topic, payload))
            else:
                raise ParseError(f"no handler for topic {topic[:100]!r}")
        except (ParseError, DomainError) as exc:
            outcome = self._dead(feed, exc.reason if isinstance(exc, ParseError) else str(exc), topic, payload)
        except Exception as exc:  # never crash the gateway on one message
            log.exception("feed message failed on %s", topic)
            outcome = self._dead(feed, f"internal error: {type(exc).__name__}: {exc}", topic, payload)
        self.health.count(feed, outcome)
        if ack is not None:
            ack()
        return outcome

    def _dead(self, feed: str, reason: str, topic: str, payload: bytes | str) -> str:
        raw = payload if isinstance(payload, str) else payload.decode("utf-8", "backslashreplace")
        record_dead_letter(self.db, f"mqtt.{feed}", reason, f"{topic}\n{raw}")
        return "dead_letters"

    # ------------------------------------------------------------------ OwnTracks
    def _owntracks(self, topic: str, payload: bytes | str, ack: Ack | None,
                   received_monotonic: float | None = None) -> str:
        item = parse_owntracks(topic, payload)
        if isinstance(item, Ignored):
            return "ignored"
        if isinstance(item, OwnTracksLocation):
            before = self.positions.stats.dead_letters
            self.positions.ingest(item.fix, raw=lambda: f"{topic}\n{_text(payload)}", tid=item.tid, ack=ack,
                                  received_monotonic=received_monotonic)
            self.health.count("positions", "dead_letters" if self.positions.stats.dead_letters > before else "accepted")
            return "queued"
        return self._transition(item)

    def _transition(self, t: OwnTracksTransition) -> str:
        officer = self.positions.mapping.resolve(f"{t.user}/{t.device}", t.tid)
        with self.db.session() as s:
            w = CaseWriter(s, self.ctx)
            if officer is None or w.state("officer", officer) is None:
                raise ParseError(f"unknown device {t.user}/{t.device} in transition")
            before = len(w._pending)
            w.upsert_entity("officer", officer, {
                "region": t.region if t.event == "enter" else None,
                "region_event": {"event": t.event, "region": t.region, "ts": iso_utc(t.ts_utc)},
            }, GATEWAY_ACTOR, action=f"region_{t.event}")
            changed = len(w._pending) > before
            w.flush()
        return "accepted" if changed else "duplicates"

    # ------------------------------------------------------------------ Frigate
    def _camera(self, ev: FrigateEvent) -> str:
        now = self.ctx.clock.now_utc()
        with self.db.session() as s:
            cam = s.get(AssetRow, {"kind": "camera", "id": ev.camera})
            if cam is None:
                raise ParseError(f"unknown camera {ev.camera!r}")
            if cam.lon is None or cam.lat is None:
                raise ParseError(f"camera {ev.camera!r} has no location")
            cam_lon, cam_lat = float(cam.lon), float(cam.lat)
            row = s.get(CameraEventRow, ev.id, with_for_update=True)
            values: dict[str, Any] = {
                "camera": ev.camera, "label": ev.label, "sub_label": ev.sub_label, "score": ev.score,
                "top_score": ev.top_score, "start_time_utc": ev.start_time_utc, "end_time_utc": ev.end_time_utc,
                "zones": list(ev.zones), "has_clip": ev.has_clip, "has_snapshot": ev.has_snapshot, "plate": ev.plate,
                "plate_score": ev.plate_score, "last_type": ev.type, "raw": ev.raw, "updated_utc": now}
            if row is None:
                s.add(CameraEventRow(id=ev.id, case_id=None, **values))
                outcome = "accepted"
                case_id = None
            else:
                if row.raw == ev.raw or (row.last_type == "end" and ev.type != "end"):
                    return "duplicates"  # redelivered, or a late update after the end
                zones = list(dict.fromkeys([*(row.zones or []), *ev.zones]))
                values["zones"] = zones
                values["top_score"] = max(ev.top_score or 0.0, row.top_score or 0.0) or None
                for key, value in values.items():
                    setattr(row, key, value)
                outcome, case_id = "accepted", row.case_id
        if self.camera_hook is not None and self.camera_hook.claims(ev):
            hooked = self.camera_hook.handle(ev, cam_lon, cam_lat, case_id)
            if hooked is not None and hooked != case_id:
                with self.db.session() as s:
                    stored = s.get(CameraEventRow, ev.id)
                    if stored is not None:
                        stored.case_id = hooked
            return outcome
        if case_id is None:
            rule = self.rules.camera_rule(ev.label, ev.sub_label, ev.top_score, set(ev.zones))
            if rule is not None:
                res = self.intake.report(
                    category=rule.category, lon=cam_lon, lat=cam_lat, source="camera_ai", actor=GATEWAY_ACTOR,
                    description=f"智能视频发现：{ev.camera} {ev.label}" + (f"（{ev.plate}）" if ev.plate else ""),
                    attachments=[f"frigate:/api/events/{ev.id}/snapshot.jpg"] if ev.has_snapshot else None,
                    extra={"camera_id": ev.camera, "camera_event_id": ev.id, "plate": ev.plate},
                    external_ref=f"frigate:{ev.id}")
                with self.db.session() as s:
                    stored = s.get(CameraEventRow, ev.id)
                    if stored is not None:
                        stored.case_id = res.case_id
        return outcome

    # ------------------------------------------------------------------ sensors
    def _sensor(self, r: SensorReading) -> str:
        with self.db.read_session() as s:
            sensor = s.get(AssetRow, {"kind": "sensor", "id": r.sensor_id})
            exists = s.execute(select(SensorReadingRow.id).where(
                SensorReadingRow.sensor_id == r.sensor_id, SensorReadingRow.kind == r.kind,
                SensorReadingRow.ts_utc == r.ts_utc)).first()
        if sensor is None:
            raise ParseError(f"unknown sensor {r.sensor_id!r}")
        rule = self.rules.sensors.get(r.kind)
        if rule is None:
            raise ParseError(f"unknown sensor kind {r.kind!r}")
        extra = sensor.extra or {}
        if extra.get("sensor_kind") not in (None, r.kind):
            raise ParseError(f"sensor {r.sensor_id} measures {extra.get('sensor_kind')}, not {r.kind}")
        if not rule.min_value <= r.value <= rule.max_value:
            raise ParseError(f"{r.kind} value {r.value} outside [{rule.min_value}, {rule.max_value}]")
        if sensor.lon is None or sensor.lat is None:
            raise ParseError(f"sensor {r.sensor_id} has no location")
        if exists is not None:
            return "duplicates"
        threshold = float(extra.get("threshold", rule.threshold))
        in_alarm = sensor.status == "alarm"
        crossing = not in_alarm and r.value >= threshold
        cleared = in_alarm and r.value <= threshold - rule.hysteresis
        case_id = None
        if crossing:
            res = self.intake.report(
                category=rule.category, lon=float(sensor.lon), lat=float(sensor.lat), source="iot_sensor",
                actor=GATEWAY_ACTOR, description=f"物联感知：{sensor.name} {r.kind}={r.value:g}{rule.unit}",
                extra={"sensor_id": r.sensor_id}, external_ref=f"sensor:{r.sensor_id}:{r.kind}:{iso_utc(r.ts_utc)}")
            case_id = res.case_id
        try:
            with self.db.session() as s:
                w = CaseWriter(s, self.ctx)
                s.add(SensorReadingRow(sensor_id=r.sensor_id, kind=r.kind, ts_utc=r.ts_utc, value=r.value,
                                       alarm=crossing or (in_alarm and not cleared), case_id=case_id))
                if crossing or cleared:
                    w.upsert_entity("sensor", r.sensor_id, {
                        "status": "alarm" if crossing else "normal", "last_alarm_case": case_id,
                        "status_ts": iso_utc(r.ts_utc)}, GATEWAY_ACTOR,
                        action="sensor_alarm" if crossing else "sensor_normal")
                w.flush()
        except IntegrityError:
            return "duplicates"  # another gateway stored the same reading first
        return "accepted"


def _text(payload: bytes | str) -> str:
    return payload if isinstance(payload, str) else payload.decode("utf-8", "backslashreplace")

