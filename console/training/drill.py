"""Drills (演练): prepare a sandbox at a moment, plan the cases to inject, inject them as sim time passes.

``prepare_drill`` restores the world at ``t`` (console.training.sandbox), then plans the injections: the cases that
really arrived in (t, t + duration] in the recording — with what really happened to each (who was assigned, when, when
the officer arrived) as the truth to score against — and/or the incidents of a scenario file. The plan and a ``drill``
entity (an event) are written into the sandbox only; the source is read-only.

``Injector`` reports each planned case through the normal intake path (IntakeService: merge rules, events, projections)
at exactly its due sim time, in due order, tagged ``extra.drill_injection``; re-running it never injects twice
(``external_ref``). ``DrillRunner`` drives a drill: the simulator's field behaviour (officers travel to their orders,
receive, work on scene, report back; colleagues accept and file) without its random cases and without its virtual
dispatcher — dispatching is the trainees' job — plus the injector.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from console.domain.enums import Role
from console.errors import DomainError, NotFoundError, ValidationError
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.intake import IntakeService
from console.services.writer import CaseWriter
from console.storage import eventstore
from console.storage.db import Database, make_engine
from console.storage.eventstore import StoredEvent, iso_utc
from console.storage.models import EventRow
from console.storage.models_training import DrillInjectionRow, DrillRow
from console.training.sandbox import DRILL_ACTOR_USER, RestoreReport, open_source_readonly, restore_to
from console.training.scenario import Scenario

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
DRILL_ACTOR = Actor(Role.SYSTEM, DRILL_ACTOR_USER)
INJECT_ACTOR = Actor(Role.SYSTEM, "drill_inject")
TRUTH_TAIL = timedelta(hours=4)  # how long after the drill's end the recording is read for arrivals


def local_instant(at: str, day: date | None = None) -> datetime:
    """``09:00`` on ``day`` (default: yesterday, Asia/Shanghai) or a full ISO timestamp → aware UTC."""
    text = at.strip()
    if "T" in text or (len(text) > 5 and "-" in text):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(f"时间“{at}”无效", f"invalid time {at!r}") from None
        return (parsed.replace(tzinfo=LOCAL_TZ) if parsed.tzinfo is None else parsed).astimezone(UTC)
    try:
        clock = time.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"时间“{at}”无效，应为 HH:MM 或 ISO 时间", f"invalid time {at!r}; use HH:MM or ISO") from None
    day = day or (datetime.now(LOCAL_TZ).date() - timedelta(days=1))
    return datetime.combine(day, clock, tzinfo=LOCAL_TZ).astimezone(UTC)


@dataclass(frozen=True)
class DrillInfo:
    drill_id: str
    at_utc: datetime
    end_utc: datetime
    speed: float
    restore: RestoreReport
    injections: int

    def to_json(self) -> dict[str, Any]:
        return {"drill_id": self.drill_id, "at": iso_utc(self.at_utc), "end": iso_utc(self.end_utc),
                "speed": self.speed, "injections": self.injections, "sandbox": self.restore.to_json()}


def prepare_drill(source_url: str | Database, at_utc: datetime, sandbox_url: str, *, speed: float = 1.0,
                  duration: timedelta = timedelta(hours=1), scenario: Scenario | None = None,
                  overwrite: bool = False, progress: Callable[[str], None] | None = None) -> DrillInfo:
    """Restore the sandbox at ``at_utc`` and write the drill and its injection plan into it."""
    if not 0 < speed <= 3600:
        raise ValidationError("速度须在 0–3600 倍之间", "speed must be in (0, 3600]")
    if scenario is not None:
        duration = timedelta(minutes=scenario.duration_min)
    if duration <= timedelta(0) or duration > timedelta(days=1):
        raise ValidationError("演练时长须在 0–24 小时之间", "drill duration must be within (0, 24 h]")
    source = open_source_readonly(source_url) if isinstance(source_url, str) else source_url
    try:
        report = restore_to(source, at_utc, sandbox_url, overwrite=overwrite, progress=progress)
        end = at_utc + duration
        plans: list[dict[str, Any]] = []
        if scenario is None or scenario.include_recorded:
            plans.extend(_recorded_plans(source, at_utc, end))
            plans.extend(_backlog_plans(source, sandbox_url, at_utc, end))
    finally:
        if isinstance(source_url, str):
            source.dispose()
    sandbox = Database(make_engine(sandbox_url))
    try:
        ctx = ServiceContext(sandbox, clock=ManualClock(at_utc))
        if scenario is not None:
            plans.extend(_scenario_plans(ctx, scenario, at_utc))
        plans.sort(key=lambda p: (p["due"], p["order"]))
        drill_id = f"DR{at_utc.astimezone(LOCAL_TZ):%Y%m%d%H%M}-{uuid.uuid4().hex[:6]}"
        with sandbox.session() as s:
            w = CaseWriter(s, ctx)
            w.upsert_entity("drill", drill_id, {
                "at_utc": iso_utc(at_utc), "end_utc": iso_utc(end), "speed": float(speed),
                "scenario": scenario.name if scenario else None, "status": "prepared",
                "source": _redacted(source_url), "planned": len(plans)}, DRILL_ACTOR, ts_utc=at_utc)
            w.flush()
            s.add_all([DrillInjectionRow(id=f"{drill_id}:{i + 1:04d}", drill_id=drill_id, due_utc=p["due"],
                                         ordinal=i + 1, spec=p["spec"], truth=p["truth"], case_id=p.get("case_id"),
                                         injected_utc=p["due"] if p.get("case_id") else None)
                       for i, p in enumerate(plans)])
        return DrillInfo(drill_id, at_utc, end, float(speed), report, len(plans))
    finally:
        sandbox.dispose()


def _redacted(source: str | Database) -> str:
    url = source.engine.url if isinstance(source, Database) else make_engine(source).url
    return url.render_as_string(hide_password=True)


def _recorded_plans(source: Database, t0: datetime, end: datetime) -> list[dict[str, Any]]:
    """Cases created in (t0, end] in the recording, with the truth: first assignment and the officer's arrival."""
    e = EventRow.__table__
    with source.read_session() as s:
        creates = [StoredEvent.from_row(r) for r in s.execute(
            select(e).where(e.c.entity_type == "case", e.c.action == "create", e.c.ts_utc > t0, e.c.ts_utc <= end)
            .order_by(e.c.seq))]
    truth_of = _truth_for(source, [c.entity_id for c in creates], t0, end)
    plans = []
    for order, c in enumerate(creates):
        after = c.after or {}
        truth: dict[str, Any] = {"case_id": c.entity_id, "created_utc": iso_utc(c.ts_utc),
                                 "created_by": f"{c.role}:{c.actor}", **truth_of.get(c.entity_id, {})}
        spec = {"category": after.get("category_code"), "source": after.get("source"), "lon": after.get("lon"),
                "lat": after.get("lat"), "description": after.get("description"), "address": after.get("address"),
                "priority": after.get("priority"), "origin": "recording"}
        plans.append({"due": c.ts_utc, "order": order, "spec": spec, "truth": truth})
    return plans


BACKLOG_STATUSES = ("reported", "accepted", "verified", "filed")


def _backlog_plans(source: Database, sandbox_url: str, t0: datetime, end: datetime) -> list[dict[str, Any]]:
    """Cases already waiting for dispatch at t (no assignee, not yet dispatched): they are in the sandbox from the
    start, so they are planned as already "injected" at t, with the recording's truth of their dispatch after t."""
    from console.storage.models import CaseRow

    sandbox = Database(make_engine(sandbox_url))
    try:
        with sandbox.read_session() as s:
            waiting = s.execute(select(CaseRow.id, CaseRow.category_code, CaseRow.source, CaseRow.created_at)
                                .where(CaseRow.status.in_(BACKLOG_STATUSES), CaseRow.assignee.is_(None))
                                .order_by(CaseRow.created_at, CaseRow.id)).all()
    finally:
        sandbox.dispose()
    ids = [str(r.id) for r in waiting]
    truth = _truth_for(source, ids, t0, end)
    return [{"due": t0, "order": -len(ids) + k, "case_id": r.id,
             "spec": {"category": r.category_code, "source": r.source, "origin": "backlog"},
             "truth": {"case_id": r.id, "created_utc": iso_utc(t0), "real_created_utc": iso_utc(r.created_at),
                       **truth.get(str(r.id), {})}}
            for k, r in enumerate(waiting)]


def _truth_for(source: Database, ids: list[str], t0: datetime, end: datetime) -> dict[str, dict[str, Any]]:
    """For each case: its first assignment after t0 in the recording and the officer's arrival after it."""
    e = EventRow.__table__
    assigns: dict[str, StoredEvent] = {}
    with source.read_session() as s:
        for i in range(0, len(ids), 500):
            for r in s.execute(select(e).where(e.c.case_id.in_(ids[i:i + 500]), e.c.ts_utc > t0,
                                               e.c.action.in_(["assign", "reassign"])).order_by(e.c.seq)):
                ev = StoredEvent.from_row(r)
                assigns.setdefault(ev.entity_id, ev)
        officers = {str((a.after or {}).get("assignee")) for a in assigns.values()}
        on_scene: dict[str, list[datetime]] = {}
        for r in s.execute(select(e.c.entity_id, e.c.ts_utc, e.c.after).where(
                e.c.entity_type == "officer", e.c.ts_utc > t0, e.c.ts_utc <= end + TRUTH_TAIL).order_by(e.c.seq)):
            if r.entity_id in officers and (r.after or {}).get("status") == "on_scene":
                on_scene.setdefault(str(r.entity_id), []).append(eventstore.as_utc(r.ts_utc))
    out: dict[str, dict[str, Any]] = {}
    for cid, a in assigns.items():
        officer = (a.after or {}).get("assignee")
        t: dict[str, Any] = {"assignee": officer, "assigned_utc": iso_utc(a.ts_utc),
                             "assigned_by": f"{a.role}:{a.actor}"}
        arrival = next((ts for ts in on_scene.get(str(officer), []) if ts >= a.ts_utc), None)
        if arrival is not None:
            t["arrived_utc"] = iso_utc(arrival)
        out[cid] = t
    return out


def _scenario_plans(ctx: ServiceContext, scenario: Scenario, t0: datetime) -> list[dict[str, Any]]:
    """Scenario incidents at their offsets; a camera reference takes the camera's position in the world."""
    from console.storage import projection

    plans = []
    with ctx.db.read_session() as s:
        for order, inc in enumerate(scenario.incidents):
            spec = inc.to_spec()
            spec["origin"] = "scenario"
            if inc.camera is not None:
                cam = projection.load_state(s, "camera", inc.camera)
                if cam is None:
                    raise NotFoundError(f"演练脚本引用的摄像头 {inc.camera} 在沙盘中不存在",
                                        f"the scenario names camera {inc.camera}, which the world does not have")
                if inc.lon is None:
                    spec["lon"], spec["lat"] = cam.get("lon"), cam.get("lat")
            truth: dict[str, Any] = {}
            if inc.expect is not None:
                truth["expect"] = inc.expect.to_json()
            plans.append({"due": t0 + timedelta(seconds=inc.offset_s), "order": 100_000 + order, "spec": spec,
                          "truth": truth})
    return plans


# --------------------------------------------------------------------------------------------- running
def drill_of(db: Database) -> dict[str, Any] | None:
    """The drill held by a sandbox (the latest one), or None when the database is not a drill sandbox."""
    from console.storage import projection

    if not db.has_table("training_drills"):
        return None
    with db.read_session() as s:
        row = s.scalars(select(DrillRow).order_by(DrillRow.at_utc.desc())).first()
        return None if row is None else projection.row_to_state(projection.SPECS["drill"], row)


class Injector:
    """Injects a drill's planned cases through the intake path when their due sim time has come."""

    def __init__(self, ctx: ServiceContext, drill_id: str) -> None:
        self.ctx = ctx
        self.drill_id = drill_id

    def pending(self) -> int:
        with self.ctx.db.read_session() as s:
            return len(s.scalars(select(DrillInjectionRow.id).where(DrillInjectionRow.drill_id == self.drill_id,
                                                                    DrillInjectionRow.injected_utc.is_(None))).all())

    def inject_due(self, now_utc: datetime) -> list[str]:
        """Report every planned case due at or before ``now_utc`` (in due order); returns the case ids."""
        with self.ctx.db.read_session() as s:
            due = s.scalars(select(DrillInjectionRow).where(
                DrillInjectionRow.drill_id == self.drill_id, DrillInjectionRow.injected_utc.is_(None),
                DrillInjectionRow.due_utc <= now_utc).order_by(DrillInjectionRow.due_utc,
                                                               DrillInjectionRow.ordinal)).all()
        out = []
        for row in due:
            due_utc = eventstore.as_utc(row.due_utc)
            spec = dict(row.spec)
            case_id, error = None, None
            at_due = ServiceContext(self.ctx.db, clock=ManualClock(due_utc), workflow=self.ctx.workflow,
                                    taxonomy=self.ctx.taxonomy, sla=self.ctx.sla, _geo=self.ctx.geo)
            try:
                extra = {"drill_injection": row.id}
                if spec.get("camera"):
                    extra["camera_id"] = spec["camera"]
                result = IntakeService.from_config(at_due).report(
                    category=str(spec["category"]), lon=spec["lon"], lat=spec["lat"], source=str(spec["source"]),
                    actor=INJECT_ACTOR, description=spec.get("description"), address=spec.get("address"),
                    extra=extra, external_ref=f"drill:{row.id}")
                case_id = result.case_id
                if spec.get("priority") and not result.merged:
                    self._set_priority(at_due, case_id, str(spec["priority"]), due_utc)
            except DomainError as exc:
                error = str(exc)
            with self.ctx.db.session() as s:
                s.execute(update(DrillInjectionRow).where(DrillInjectionRow.id == row.id).values(
                    case_id=case_id, injected_utc=due_utc, error=error))
            if case_id is not None:
                out.append(case_id)
        return out

    def _set_priority(self, ctx: ServiceContext, case_id: str, priority: str, ts: datetime) -> None:
        """Keep the recorded priority when it differs from the category default (an ordinary case event)."""
        with ctx.db.session() as s:
            w = CaseWriter(s, ctx)
            state = w.state("case", case_id)
            if state is not None and state.get("priority") != priority and state.get("status") == "reported":
                from console.storage.eventstore import EventDraft

                w._record(EventDraft(actor=INJECT_ACTOR.user, role=INJECT_ACTOR.role.value, action="update",
                                     entity_type="case", entity_id=case_id, case_id=case_id, ts_utc=ts,
                                     before={"priority": state.get("priority")}, after={"priority": priority},
                                     reason="演练：按录制数据还原紧急程度 / drill: recorded priority"))
                w.flush()


def set_drill_status(ctx: ServiceContext, drill_id: str, status: str, ts_utc: datetime | None = None) -> None:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        if w.state("drill", drill_id) is None:
            raise NotFoundError(f"演练 {drill_id} 不存在", f"drill {drill_id} does not exist")
        w.upsert_entity("drill", drill_id, {"status": status}, DRILL_ACTOR, action="status", ts_utc=ts_utc)
        w.flush()


def drill_start_utc(db: Database) -> datetime:
    """Where a drill's clock starts: its moment, or the time of its latest event when it is resumed."""
    drill = drill_of(db)
    if drill is None:
        raise ValidationError("该数据库不是演练沙盘", "this database is not a drill sandbox")
    start = eventstore.as_utc(datetime.fromisoformat(str(drill["at_utc"])))
    with db.read_session() as s:
        last = eventstore.read(s, eventstore.last_seq(s) - 1)
    return max(start, last[-1].ts_utc) if last else start


class DrillRunner:
    """Sim time at ``speed`` from the drill's start: field simulation without virtual dispatching, plus injection."""

    def __init__(self, db: Database, speed: float | None = None, simulate_field: bool = True,
                 ctx: ServiceContext | None = None) -> None:
        """``ctx`` (whose clock must be a SimClock at ``drill_start_utc(db)``) lets a console share the drill clock."""
        from console.sim.simulator import SimClock

        drill = drill_of(db)
        if drill is None:
            raise ValidationError("该数据库不是演练沙盘", "this database is not a drill sandbox")
        self.drill = drill
        self.drill_id = str(drill["id"])
        self.end_utc = eventstore.as_utc(datetime.fromisoformat(str(drill["end_utc"])))
        if ctx is not None:
            if not isinstance(ctx.clock, SimClock):
                raise TypeError("DrillRunner needs a ServiceContext whose clock is a SimClock")
            self.clock = ctx.clock
            self.ctx = ctx
        else:
            self.clock = SimClock(drill_start_utc(db))
            self.ctx = ServiceContext(db, clock=self.clock)
        start = self.clock.now_utc()
        self.speed = float(speed if speed is not None else drill.get("speed") or 1.0)
        self.injector = Injector(self.ctx, self.drill_id)
        self.sim: Any = None
        if simulate_field:
            self.sim = _drill_simulator(self.ctx, self.speed)
        if drill.get("status") == "prepared":
            set_drill_status(self.ctx, self.drill_id, "running", start)

    @property
    def now_utc(self) -> datetime:
        return self.clock.now_utc()

    @property
    def finished(self) -> bool:
        return self.clock.now_utc() >= self.end_utc

    def step(self, dt_real_s: float) -> Any:
        """Advance sim time by ``dt_real_s × speed`` (never past the end), inject what fell due."""
        remaining = (self.end_utc - self.clock.now_utc()).total_seconds()
        dt_sim = max(0.0, min(dt_real_s * self.speed, remaining))
        result = None
        if self.sim is not None:
            result = self.sim.step(dt_sim / self.speed if self.speed else 0.0)
        else:
            self.clock.advance(dt_sim)
        self.injector.inject_due(self.clock.now_utc())
        if self.finished and self.drill.get("status") != "finished":
            set_drill_status(self.ctx, self.drill_id, "finished", self.end_utc)
            self.drill["status"] = "finished"
        return result

    def run(self, tick_sim_s: float = 10.0, until_utc: datetime | None = None) -> None:
        """Headless: step in ``tick_sim_s`` sim seconds until the end (or ``until_utc``)."""
        stop = min(until_utc or self.end_utc, self.end_utc)
        while self.clock.now_utc() < stop:
            left = (stop - self.clock.now_utc()).total_seconds()
            self.step(min(tick_sim_s, left) / self.speed)


def _drill_simulator(ctx: ServiceContext, speed: float) -> Any:
    from console.sim.simulator import Simulator

    class DrillSimulator(Simulator):
        """The demo simulator with no random cases and no virtual dispatcher: trainees dispatch."""

        def _nearest_idle(self, case_id: str, w: CaseWriter) -> tuple[str | None, bool]:
            return None, False

    return DrillSimulator(ctx, speed=speed, case_rate_scale=0.0)
