"""Neighbourhood workstations (城运工作站, the Huayang Road pilot): sensor alarms become work orders.

A sensor of a workstation in alarm (set by the feeds' threshold rules, console/feeds/rules.py) opens a work order
handled locally by the workstation first — the minimal management unit (最小管理单元, "solve it locally"). An order
not closed within the configured minutes (collab.yaml ``workstation.escalate_after_minutes``, per sensor kind) is
escalated to the squad of the subdistrict, with a note on the sensor's case that @mentions the squad. A reading back
below threshold closes (or annotates) the order. ``sync`` does all three and is idempotent: the scheduled check
(``urbanops workstation escalate``, the simulator tick) just calls it with the current time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from console.collab import permissions
from console.collab.config import CollabConfig, default_config
from console.collab.mentions import Mention, Target
from console.collab.service import CollabService, new_id
from console.domain.enums import Role
from console.errors import ConflictError, NotFoundError, ValidationError
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import projection
from console.storage.eventstore import as_utc, iso_utc
from console.storage.models import AssetRow, OfficerRow
from console.storage.models_collab import WorkOrderRow
from console.storage.models_feeds import SensorReadingRow

WORKSTATION_ACTOR = Actor(Role.SYSTEM, "workstation")


@dataclass
class SyncResult:
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    annotated: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, list[str]]:
        return {"opened": self.opened, "closed": self.closed, "annotated": self.annotated, "escalated": self.escalated}


def _ts(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


class WorkstationService:
    """Work orders of the workstations; views for the workstation window."""

    def __init__(self, ctx: ServiceContext, config: CollabConfig | None = None) -> None:
        self.ctx = ctx
        self.config = config or default_config()

    # ------------------------------------------------------------------ the scheduled check
    def sync(self, now_utc: datetime | None = None) -> SyncResult:
        """Open orders for new alarms, close/annotate orders whose sensor cleared, escalate overdue local orders."""
        now = now_utc or self.ctx.clock.now_utc()
        result = SyncResult()
        rules = self.config.workstation
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            sensors = {r.id: r for r in s.execute(select(AssetRow).where(AssetRow.kind == "sensor")).scalars()}
            stations = {r.id: r for r in s.execute(select(AssetRow).where(AssetRow.kind == "workstation")).scalars()}
            open_orders = list(s.execute(select(WorkOrderRow).where(WorkOrderRow.status == "open")).scalars())
            open_by_sensor = {o.sensor_id: o for o in open_orders if o.sensor_id}
            for sid, sensor in sorted(sensors.items()):
                if sensor.status != "alarm" or sid in open_by_sensor or sensor.parent_id not in stations:
                    continue
                extra = sensor.extra or {}
                since = _ts(extra.get("status_ts")) or now
                kind = extra.get("sensor_kind")
                oid = f"WO-{sid}-{since.strftime('%Y%m%d%H%M%S')}"
                if w.state("work_order", oid) is not None:
                    continue  # this alarm already had its order (closed by hand while the sensor stays in alarm)
                w.upsert_entity("work_order", oid, {
                    "workstation_id": sensor.parent_id, "sensor_id": sid, "case_id": extra.get("last_alarm_case"),
                    "status": "open", "level": "local", "opened_at": iso_utc(now),
                    "escalate_at": iso_utc(now + timedelta(minutes=rules.escalate_minutes(kind))),
                    "escalated_at": None, "closed_at": None, "sensor_kind": kind, "title": f"{sensor.name} 报警",
                    "alarm_since": iso_utc(since), "community_code": sensor.community_code,
                }, WORKSTATION_ACTOR, action="work_order_open", ts_utc=now, case_id=extra.get("last_alarm_case"))
                result.opened.append(oid)
            for order in open_orders:
                its_sensor = sensors.get(order.sensor_id or "")
                if its_sensor is not None and its_sensor.status != "alarm":
                    if rules.close_on_sensor_clear:
                        self._close(w, order.id, WORKSTATION_ACTOR, now, "传感器读数已恢复正常，自动办结", "sensor_clear")
                        result.closed.append(order.id)
                    elif not (order.extra or {}).get("sensor_cleared_at"):
                        w.upsert_entity("work_order", order.id, {"sensor_cleared_at": iso_utc(now)}, WORKSTATION_ACTOR,
                                        action="work_order_sensor_clear", ts_utc=now, case_id=order.case_id)
                        result.annotated.append(order.id)
                    continue
                due = _ts(order.escalate_at)
                if order.level == "local" and due is not None and now >= due:
                    self._escalate(w, order, stations.get(order.workstation_id), now)
                    result.escalated.append(order.id)
            w.flush()
        return result

    def _escalate(self, w: CaseWriter, order: WorkOrderRow, station: AssetRow | None, now: datetime) -> None:
        sub = station.subdistrict_code if station is not None else None
        squad = w.session.execute(select(AssetRow.id, AssetRow.name).where(
            AssetRow.kind == "squad", AssetRow.subdistrict_code == sub)).first() if sub else None
        w.upsert_entity("work_order", order.id, {
            "level": "squad", "escalated_at": iso_utc(now), "escalated_to": None if squad is None else str(squad.id),
        }, WORKSTATION_ACTOR, action="work_order_escalate", ts_utc=now, case_id=order.case_id,
            reason="工作站未在规定时间内办结，升级至中队")
        if order.case_id and squad is not None:
            station_name = station.name if station is not None else order.workstation_id
            text = f"@{squad.name} {station_name} 工单 {order.id} 未在规定时间内办结，已升级至中队处置"
            CollabService(self.ctx, self.config)._write_note(
                w, new_id("NT", now), order.case_id, text, WORKSTATION_ACTOR, now,
                [Mention(str(squad.name), Target("squad", str(squad.id), str(squad.name)))], [], kind="escalation")

    def _close(self, w: CaseWriter, order_id: str, actor: Actor, now: datetime, note: str, how: str) -> None:
        order = w.state("work_order", order_id) or {}
        w.upsert_entity("work_order", order_id, {"status": "closed", "closed_at": iso_utc(now), "closed_by": actor.user,
                                                 "close_note": note, "closed_how": how},
                        actor, action="work_order_close", ts_utc=now, case_id=order.get("case_id"), reason=note)

    def close(self, order_id: str, actor: Actor, note: str, now_utc: datetime | None = None) -> dict[str, Any]:
        """Close an order locally (就地办结) with what was done."""
        permissions.check(actor, "work_order", self.config)
        if not (note or "").strip():
            raise ValidationError("办结须填写处理情况", "closing a work order needs a note of what was done")
        now = now_utc or self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            order = w.state("work_order", order_id)
            if order is None:
                raise NotFoundError(f"工单 {order_id} 不存在", f"work order {order_id} does not exist")
            if order.get("status") != "open":
                raise ConflictError(f"工单 {order_id} 已办结", f"work order {order_id} is already closed")
            self._close(w, order_id, actor, now, note.strip(), "by_hand")
            w.flush()
            state = w.state("work_order", order_id)
        assert state is not None
        return dict(state)

    # ------------------------------------------------------------------ views
    def orders(self, workstation_id: str | None = None, *, status: str | None = None) -> list[dict[str, Any]]:
        spec = projection.SPECS["work_order"]
        stmt = select(WorkOrderRow)
        if workstation_id is not None:
            stmt = stmt.where(WorkOrderRow.workstation_id == workstation_id)
        if status is not None:
            stmt = stmt.where(WorkOrderRow.status == status)
        with self.ctx.db.read_session() as s:
            rows = s.execute(stmt.order_by(WorkOrderRow.opened_at.desc(), WorkOrderRow.last_seq.desc())).scalars()
            return [projection.row_to_state(spec, r) for r in rows]

    def view(self, workstation_id: str) -> dict[str, Any]:
        """Everything the workstation window shows: the station, its cameras, sensors with latest readings and
        thresholds, staff on duty (officers of its subdistrict's squad now on duty), its work orders."""
        with self.ctx.db.read_session() as s:
            st = s.execute(select(AssetRow).where(AssetRow.kind == "workstation", AssetRow.id == workstation_id)).scalar()
            if st is None:
                raise NotFoundError(f"工作站 {workstation_id} 不存在", f"workstation {workstation_id} does not exist")
            station = projection.row_to_state(projection.SPECS["workstation"], st)
            sensors = [projection.row_to_state(projection.SPECS["sensor"], r) for r in s.execute(
                select(AssetRow).where(AssetRow.kind == "sensor", AssetRow.parent_id == workstation_id)
                .order_by(AssetRow.id)).scalars()]
            for sensor in sensors:
                last = s.execute(select(SensorReadingRow.value, SensorReadingRow.ts_utc)
                                 .where(SensorReadingRow.sensor_id == sensor["id"])
                                 .order_by(SensorReadingRow.ts_utc.desc()).limit(1)).first()
                sensor["reading"] = None if last is None else float(last.value)
                sensor["reading_ts_utc"] = None if last is None else iso_utc(as_utc(last.ts_utc))
            cameras = [projection.row_to_state(projection.SPECS["camera"], r) for r in s.execute(
                select(AssetRow).where(AssetRow.kind == "camera")).scalars()
                if r.community_code == station.get("community_code") or _near(r, st)]
            staff = [{"id": r.id, "name": r.name, "post": r.post, "status": r.status, "squad_id": r.squad_id}
                     for r in s.execute(select(OfficerRow).where(
                         OfficerRow.subdistrict_code == station.get("subdistrict_code"),
                         OfficerRow.status.notin_(("off_duty",)), OfficerRow.active.is_(True))
                         .order_by(OfficerRow.post, OfficerRow.id)).scalars()]
        station["sensors"] = sensors
        station["cameras"] = cameras
        station["staff_on_duty"] = staff
        station["work_orders"] = self.orders(workstation_id)
        return station

    def stations(self) -> list[dict[str, Any]]:
        with self.ctx.db.read_session() as s:
            return [projection.row_to_state(projection.SPECS["workstation"], r) for r in s.execute(
                select(AssetRow).where(AssetRow.kind == "workstation").order_by(AssetRow.id)).scalars()]


CAMERA_RADIUS_M = 400.0


def _near(camera: AssetRow, station: AssetRow) -> bool:
    """Cameras within ~400 m of the workstation count as its cameras (the demo's cameras carry no community)."""
    if None in (camera.lon, camera.lat, station.lon, station.lat):
        return False
    import math

    dy = (float(camera.lat) - float(station.lat)) * 111_320.0  # type: ignore[arg-type]
    dx = (float(camera.lon) - float(station.lon)) * 111_320.0 * math.cos(math.radians(float(station.lat)))  # type: ignore[arg-type]
    return dx * dx + dy * dy <= CAMERA_RADIUS_M ** 2
