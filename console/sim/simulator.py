"""The built-in simulator: officers patrol and answer orders, residents and sensors report, colleagues work.

It stands in for the field and for the other seats of the operations centre so the demo is alive. It writes only
through ``CaseWriter`` (commands → events) and learns what the human dispatcher did by tailing the event log, like
any other seat. It holds no Qt objects: ``step`` returns the officer fixes it produced and the caller (a GUI timer
or a headless loop) hands them to its World.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert, select

from console.domain.enums import CaseStatus, Role, SourceChannel
from console.duty.alerts import check_unvisited
from console.duty.coverage import GridCells
from console.duty.coverage import default_config as default_coverage_config
from console.duty.roster import RosterService, apply_roster_status
from console.errors import DomainError
from console.geo.projection import lonlat_wgs84_to_xy_m, xy_m_to_lonlat_wgs84
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter, Reporter
from console.sim import names
from console.sim.seed import CASES_PER_DAY_AT_SCALE_1, HOURLY_WEIGHTS, LOCAL_TZ, SOURCE_WEIGHTS, _weighted_categories
from console.storage import eventstore
from console.storage.models import CaseRow, OfficerRow, PositionRow

SPEED_MPS = {"walk": 1.3, "ebike": 4.5, "car": 7.0}
PATROL_FACTOR = 0.45  # patrols move slower than travel to a job
POSITION_LOG_EVERY_S = 30.0
ROSTER_TICK_S = 60.0
ALERT_CHECK_S = 300.0
ARRIVE_WITHIN_M = 25.0


class SimClock:
    """Simulated time, advanced by the simulator; services read it as their clock."""

    def __init__(self, start_utc: datetime) -> None:
        self._now = start_utc

    def now_utc(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        self._now = self._now + timedelta(seconds=seconds)
        return self._now


@dataclass
class StepResult:
    """What one step produced for the UI: the new fixes of moving officers."""

    now_utc: datetime
    officer_ids: list[str] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    heading_deg: list[float] = field(default_factory=list)
    events_written: int = 0


@dataclass
class _Job:
    case_id: str
    x_m: float
    y_m: float
    phase: str = "assigned"  # assigned → en_route → on_scene → done
    work_until: datetime | None = None


class Simulator:
    """Drives a demo world forward at ``speed`` × real time."""

    def __init__(self, ctx: ServiceContext, speed: float = 1.0, seed: int = 7, case_rate_scale: float = 1.0,
                 on_error: Callable[[str], None] | None = None) -> None:
        if not isinstance(ctx.clock, SimClock):
            raise TypeError("Simulator needs a ServiceContext whose clock is a SimClock")
        self.ctx = ctx
        self.clock: SimClock = ctx.clock
        self.speed = speed
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self.case_rate_scale = case_rate_scale
        self.on_error = on_error or (lambda _m: None)
        self._cats, self._cat_p = _weighted_categories(ctx)
        self._sources = list(SOURCE_WEIGHTS)
        sw = np.array([SOURCE_WEIGHTS[s] for s in self._sources], dtype=float)
        self._source_p = sw / sw.sum()
        self._load()

    # ------------------------------------------------------------------ state
    def _load(self) -> None:
        with self.ctx.db.read_session() as s:
            self.last_seq = eventstore.last_seq(s)
            rows = s.scalars(select(OfficerRow).where(OfficerRow.active.is_(True))).all()
            open_cases = s.scalars(select(CaseRow).where(CaseRow.status.in_(
                [st.value for st in CaseStatus if st.is_open and st != CaseStatus.HUNG]))).all()
        officers = [r for r in rows if r.lon is not None and r.post == "officer"]
        self.ids = [r.id for r in officers]
        self.index = {oid: i for i, oid in enumerate(self.ids)}
        lon = np.array([r.lon for r in officers], dtype=float)
        lat = np.array([r.lat for r in officers], dtype=float)
        self.x, self.y = lonlat_wgs84_to_xy_m(lon, lat)
        self.heading = self.np_rng.uniform(0, 2 * math.pi, len(officers))
        self.status = [r.status for r in officers]
        self.subdistrict = [r.subdistrict_code for r in officers]
        self.certified = [bool((r.extra or {}).get("certified", True)) for r in officers]
        self.speed_mps = np.array([SPEED_MPS.get(str((r.extra or {}).get("travel_mode", "walk")), 1.3)
                                   for r in officers])
        self.jobs: dict[str, _Job] = {}
        self.case_status: dict[str, str] = {c.id: c.status for c in open_cases}
        self.case_xy: dict[str, tuple[float, float]] = {c.id: (c.x_m, c.y_m) for c in open_cases}
        self.case_meta: dict[str, dict[str, Any]] = {c.id: {"assignee": c.assignee, "source": c.source,
                                                            "subdistrict": c.subdistrict_code} for c in open_cases}
        for c in open_cases:
            if c.assignee in self.index and c.status in ("dispatched", "handling"):
                self.jobs.setdefault(c.assignee, _Job(c.id, c.x_m, c.y_m,
                                                      "en_route" if c.status == "handling" else "assigned"))
        self.next_action: dict[str, datetime] = {}
        self._since_position_log = 0.0
        self._pending_positions: list[dict[str, Any]] = []
        self._roster = RosterService(self.ctx)
        self._next_roster_tick: datetime | None = None
        self._next_alert_check: datetime | None = None
        self._cells: GridCells | None = None
        from console.collab.sim_sensors import WorkstationSim  # Huayang sensors and the workstation check

        self.workstations = WorkstationSim(self.ctx)
        self._started_utc = self.clock.now_utc()  # positions are watched from here (unvisited-grid alerts)

    def _roster_tick(self, w: CaseWriter, now: datetime) -> None:
        """Once a simulated minute, officers follow the roster (console/duty): on at the start of their shift (and
        sign in, 签到), on a break, off at the end once their job is done (and sign out)."""
        if self._next_roster_tick is not None and now < self._next_roster_tick:
            return
        self._next_roster_tick = now + timedelta(seconds=ROSTER_TICK_S)
        if self._next_alert_check is None or now >= self._next_alert_check:
            self._next_alert_check = now + timedelta(seconds=ALERT_CHECK_S)
            if self._cells is None:
                self._cells = GridCells.from_geography(self.ctx, default_coverage_config().cell_m)
            check_unvisited(w, now, self._cells, roster=self._roster, observed_since=self._started_utc)
        for oid, status in apply_roster_status(w, self._roster, now, self.ids):
            i = self.index.get(oid)
            if i is None:
                continue
            before, self.status[i] = self.status[i], status
            if before == "off_duty" and status == "on_duty_idle":
                w.upsert_entity("officer", oid, {"signed_in_utc": now.isoformat()}, Actor(Role.HANDLER, oid),
                                action="sign_in", ts_utc=now)
            elif status == "off_duty":
                w.upsert_entity("officer", oid, {"signed_out_utc": now.isoformat()}, Actor(Role.HANDLER, oid),
                                action="sign_out", ts_utc=now)

    # ------------------------------------------------------------------ main loop
    def step(self, dt_real_s: float) -> StepResult:
        """Advance simulated time by ``dt_real_s × speed`` seconds and act; never raises on a refused command."""
        dt = max(0.0, dt_real_s * self.speed)
        now = self.clock.advance(dt)
        result = StepResult(now_utc=now)
        self._follow_log()
        moved = self._move(dt, now)
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            self._roster_tick(w, now)
            self._new_cases(w, dt, now)
            self._colleagues(w, now)
            self._field(w, now)
            self._since_position_log += dt
            if self._since_position_log >= POSITION_LOG_EVERY_S and len(self.ids):
                self._since_position_log = 0.0
                lon, lat = xy_m_to_lonlat_wgs84(self.x, self.y)
                s.execute(insert(PositionRow), [
                    {"officer_id": oid, "ts_utc": now, "lon": float(lon[i]), "lat": float(lat[i]),
                     "accuracy_m": 8.0, "speed_kmh": None, "heading_deg": float(math.degrees(self.heading[i]) % 360)}
                    for i, oid in enumerate(self.ids) if self.status[i] != "off_duty"])
            result.events_written = len(w.flush())
        try:
            self.workstations.tick(dt, now)
        except DomainError as exc:
            self.on_error(str(exc))
        if moved.size:
            lon, lat = xy_m_to_lonlat_wgs84(self.x[moved], self.y[moved])
            result.officer_ids = [self.ids[i] for i in moved]
            result.lon = lon.tolist()
            result.lat = lat.tolist()
            result.heading_deg = [float(math.degrees(h) % 360) for h in self.heading[moved]]
        return result

    def _follow_log(self) -> None:
        """Learn what other seats (the human dispatcher) did since we last looked."""
        with self.ctx.db.read_session() as s:
            events = eventstore.read(s, self.last_seq, limit=20_000)
        for ev in events:
            self.last_seq = ev.seq
            after = ev.after or {}
            if ev.entity_type == "case":
                if "status" in after:
                    self.case_status[ev.entity_id] = str(after["status"])
                if ev.action == "create":
                    self.case_xy[ev.entity_id] = (float(after["x_m"]), float(after["y_m"]))
                    self.case_meta[ev.entity_id] = {"assignee": None, "source": after.get("source"),
                                                    "subdistrict": after.get("subdistrict_code")}
                if "assignee" in after:
                    self.case_meta.setdefault(ev.entity_id, {})["assignee"] = after["assignee"]
                    officer = after["assignee"]
                    for oid, job in list(self.jobs.items()):
                        if job.case_id == ev.entity_id and oid != officer:
                            del self.jobs[oid]
                    if officer in self.index and ev.entity_id in self.case_xy:
                        x, y = self.case_xy[ev.entity_id]
                        self.jobs[officer] = _Job(ev.entity_id, x, y)
                if ev.action == "rework" and self.case_meta.get(ev.entity_id, {}).get("assignee") in self.index:
                    officer = self.case_meta[ev.entity_id]["assignee"]
                    x, y = self.case_xy[ev.entity_id]
                    self.jobs[officer] = _Job(ev.entity_id, x, y)
            elif ev.entity_type == "officer" and "status" in after and ev.entity_id in self.index:
                self.status[self.index[ev.entity_id]] = str(after["status"])

    def _move(self, dt: float, now: datetime) -> np.ndarray:
        if not self.ids or dt <= 0:
            return np.array([], dtype=int)
        active = np.array([s not in ("off_duty", "on_break") for s in self.status])
        speed = self.speed_mps * PATROL_FACTOR
        for oid, job in self.jobs.items():
            i = self.index[oid]
            if job.phase in ("assigned", "en_route"):
                dx, dy = job.x_m - self.x[i], job.y_m - self.y[i]
                self.heading[i] = math.atan2(dy, dx)
                speed[i] = self.speed_mps[i]
            elif job.phase == "on_scene":
                speed[i] = 0.0
        patrol = active & np.array([oid not in self.jobs for oid in self.ids])
        self.heading[patrol] += self.np_rng.normal(0, 0.35, int(patrol.sum())) * min(1.0, dt / 10)
        step = speed * dt * active
        nx = self.x + np.cos(self.heading) * step
        ny = self.y + np.sin(self.heading) * step
        for oid, job in self.jobs.items():  # do not overshoot the destination
            i = self.index[oid]
            if job.phase in ("assigned", "en_route"):
                dist = math.hypot(job.x_m - self.x[i], job.y_m - self.y[i])
                if dist <= step[i]:
                    nx[i], ny[i] = job.x_m, job.y_m
        lon, lat = xy_m_to_lonlat_wgs84(nx, ny)
        inside = np.asarray(self.ctx.geo.locator.locate(lon, lat).inside, dtype=bool)
        bounce = ~inside & active
        self.heading[bounce] += math.pi + self.np_rng.normal(0, 0.5, int(bounce.sum()))
        ok = inside & active
        self.x[ok], self.y[ok] = nx[ok], ny[ok]
        return np.flatnonzero(active)

    # ------------------------------------------------------------------ actors
    def _new_cases(self, w: CaseWriter, dt: float, now: datetime) -> None:
        hour = now.astimezone(LOCAL_TZ).hour
        rate_per_s = CASES_PER_DAY_AT_SCALE_1 * self.case_rate_scale * HOURLY_WEIGHTS[hour] / HOURLY_WEIGHTS.sum() / 3600
        n = int(self.np_rng.poisson(rate_per_s * dt))
        if n == 0:
            return
        geo = self.ctx.geo
        bounds = geo.geography.district.total_bounds
        for _ in range(n):
            for _attempt in range(30):
                lon = self.rng.uniform(bounds[0], bounds[2])
                lat = self.rng.uniform(bounds[1], bounds[3])
                if geo.locate_one(lon, lat).inside:
                    break
            else:
                continue
            src: SourceChannel = self._sources[int(self.np_rng.choice(len(self._sources), p=self._source_p))]
            cat = self._cats[int(self.np_rng.choice(len(self._cats), p=self._cat_p))]
            reporter = None
            if src in (SourceChannel.HOTLINE_12345, SourceChannel.WORKROOM_QR, SourceChannel.CITY_PLATFORM):
                reporter = Reporter(name=names.person_name(self.rng), phone=names.phone_number(self.rng))
            try:
                w.create_case(category=cat.code, lon=lon, lat=lat, source=src.value,
                              actor=Actor(Role.CALL_TAKER, "intake"), description=f"{cat.minor_name}（{src.label_zh}）",
                              address=names.address_for(self.rng), reporter=reporter)
            except DomainError as exc:
                self.on_error(exc.message_zh)

    def _colleagues(self, w: CaseWriter, now: datetime) -> None:
        """Virtual call-takers, inspectors and shift leaders move cases along after plausible delays.

        Filed cases are left to the human dispatcher for a while; only if nobody assigns them within
        20 simulated minutes does a virtual dispatcher step in.
        """
        delays = {"reported": (3, 12), "accepted": (10, 40), "verified": (3, 15), "filed": (20, 30),
                  "handled": (15, 60), "checked": (5, 30), "legal_review": (30, 120)}
        for case_id, status in list(self.case_status.items()):
            if status not in delays:
                continue
            due = self.next_action.get(case_id)
            if due is None:
                lo, hi = delays[status]
                self.next_action[case_id] = now + timedelta(minutes=self.rng.uniform(lo, hi))
                continue
            if now < due:
                continue
            self.next_action.pop(case_id, None)
            meta = self.case_meta.get(case_id, {})
            try:
                if status == "reported":
                    w.act(case_id, "accept", Actor(Role.CALL_TAKER, "sl_zhao"))
                elif status == "accepted":
                    src = SourceChannel(meta.get("source") or "other")
                    if src.is_proactive:
                        w.act(case_id, "file", Actor(Role.SHIFT_LEADER, "zb_sun"))
                    else:
                        w.act(case_id, "verify", Actor(Role.INSPECTOR, "insp"))
                elif status == "verified":
                    w.act(case_id, "file", Actor(Role.SHIFT_LEADER, "zb_sun"))
                elif status == "filed":
                    officer, in_jurisdiction = self._nearest_idle(case_id, w)
                    if officer is not None:
                        payload = None if in_jurisdiction else {"override_reason": "辖区内无空闲队员，就近调度（模拟调度员）"}
                        w.act(case_id, "assign", Actor(Role.DISPATCHER, "pq_auto"), target=officer, payload=payload)
                elif status == "handled":
                    w.act(case_id, "check", Actor(Role.INSPECTOR, "insp"))
                elif status == "checked":
                    state = w.state("case", case_id) or {}
                    if state.get("legal_required") and not state.get("legal_approved"):
                        w.act(case_id, "submit_legal_review", Actor(Role.SHIFT_LEADER, "zb_sun"))
                    else:
                        w.act(case_id, "close", Actor(Role.SHIFT_LEADER, "zb_sun"))
                elif status == "legal_review":
                    w.act(case_id, "legal_approve", Actor(Role.LEGAL_REVIEWER, "fz_feng"))
            except DomainError as exc:
                self.on_error(f"{case_id}: {exc.message_zh}")
            new_state = w.state("case", case_id)
            if new_state is not None:
                self.case_status[case_id] = str(new_state["status"])
                if "assignee" in new_state:
                    self.case_meta.setdefault(case_id, {})["assignee"] = new_state.get("assignee")
                if not CaseStatus(new_state["status"]).is_open:
                    self._forget(case_id)

    def _nearest_idle(self, case_id: str, w: CaseWriter) -> tuple[str | None, bool]:
        """Nearest idle officer of the case's subdistrict (certified for enforcement categories); if none, the
        nearest idle officer anywhere, flagged so the assignment carries an override reason."""
        xy = self.case_xy.get(case_id)
        if xy is None or not self.ids:
            return None, False
        idle = np.array([s == "on_duty_idle" and self.ids[i] not in self.jobs for i, s in enumerate(self.status)])
        if not idle.any():
            return None, False
        state = w.state("case", case_id) or {}
        cat = self.ctx.taxonomy.categories.get(str(state.get("category_code")))
        needs_cert = bool(cat and cat.enforcement)
        local = idle & np.array([sd == state.get("subdistrict_code") and (c or not needs_cert)
                                 for sd, c in zip(self.subdistrict, self.certified, strict=True)])
        d2 = (self.x - xy[0]) ** 2 + (self.y - xy[1]) ** 2
        pool = local if local.any() else idle
        d2[~pool] = np.inf
        return self.ids[int(np.argmin(d2))], bool(local.any())

    def _field(self, w: CaseWriter, now: datetime) -> None:
        """Officers receive their orders, travel, work on scene and report back."""
        for oid, job in list(self.jobs.items()):
            i = self.index[oid]
            handler = Actor(Role.HANDLER, oid)
            try:
                if job.phase == "assigned" and self.case_status.get(job.case_id) == "dispatched":
                    w.act(job.case_id, "receive", handler)
                    self._set_status(w, oid, "en_route", now)
                    job.phase = "en_route"
                elif job.phase == "en_route":
                    if math.hypot(job.x_m - self.x[i], job.y_m - self.y[i]) <= ARRIVE_WITHIN_M:
                        job.phase = "on_scene"
                        job.work_until = now + timedelta(minutes=self.rng.uniform(8, 35))
                        self._set_status(w, oid, "on_scene", now)
                elif job.phase == "on_scene" and job.work_until is not None and now >= job.work_until:
                    if self.case_status.get(job.case_id) == "handling":
                        w.act(job.case_id, "report_back", handler, payload={"result": "已现场处置完毕"})
                    job.phase = "done"
                    self._set_status(w, oid, "on_duty_idle", now)
            except DomainError as exc:
                self.on_error(f"{oid}: {exc.message_zh}")
                job.phase = "done"
                self._set_status(w, oid, "on_duty_idle", now)
            state = w.state("case", job.case_id)
            if state is not None:
                self.case_status[job.case_id] = str(state["status"])
            if job.phase == "done" or self.case_meta.get(job.case_id, {}).get("assignee") not in (oid, None):
                self.jobs.pop(oid, None)

    def _set_status(self, w: CaseWriter, oid: str, status: str, now: datetime) -> None:
        i = self.index[oid]
        if self.status[i] != status:
            self.status[i] = status
            w.upsert_entity("officer", oid, {"status": status}, Actor(Role.HANDLER, oid), action="status", ts_utc=now)

    def _forget(self, case_id: str) -> None:
        self.case_status.pop(case_id, None)
        self.case_xy.pop(case_id, None)
        self.case_meta.pop(case_id, None)
        self.next_action.pop(case_id, None)
