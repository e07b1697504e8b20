"""Score a drill (演练评分) against what really happened and against the SLA rules, per trainee.

For every injected case the sandbox's log tells who dispatched it (the actor of the first ``assign``/``reassign``:
the trainee), when, and to whom. From that and the recording's truth (drill_injections.truth):

- response_s: case creation → dispatch (sim time); real_response_s the same in the recording;
- sla_met: dispatched no later than the step deadline the case carried just before dispatch (console/domain/sla.py
  computed it when the case was filed); a case never dispatched is missed;
- arrival_s: dispatch → the officer on scene (status event ``on_scene``, else the first position fix within
  ARRIVE_WITHIN_M of the case);
- distance_straight_m (officer's position at dispatch → case, EPSG:4549 metres) and distance_travelled_m (sum of
  the officer's position fixes from dispatch to arrival or the drill's end);
- wrong_unit: outside the case's jurisdiction (officer's or squad's subdistrict ≠ the case's); wrong_category: an
  enforcement category given to an officer without the law-enforcement certificate (the rules of
  CaseWriter._check_target; an override reason is reported beside it);
- points from resources/training/scoring.yaml.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from console.errors import DataFileError, ValidationError
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.resources import resource_path
from console.services.context import ServiceContext
from console.services.writer import OVERRIDE_KEY, CaseWriter
from console.storage import eventstore, projection
from console.storage.db import Database
from console.storage.eventstore import StoredEvent, as_utc, iso_utc
from console.storage.models import EventRow, PositionRow
from console.storage.models_training import DrillInjectionRow
from console.training.drill import DRILL_ACTOR, drill_of

ARRIVE_WITHIN_M = 25.0
PENALTY_KEYS = ("sla_missed", "wrong_unit", "wrong_category", "slower_than_real_per_min", "slower_than_real_max",
                "expectation_missed")


@dataclass(frozen=True)
class ScoringRules:
    base: float = 100.0
    penalties: dict[str, float] = field(default_factory=lambda: {
        "sla_missed": 40.0, "wrong_unit": 25.0, "wrong_category": 25.0, "slower_than_real_per_min": 2.0,
        "slower_than_real_max": 20.0, "expectation_missed": 15.0})


def load_rules(path: Path | None = None) -> ScoringRules:
    """Scoring rules from resources/training/scoring.yaml (or ``path``); a bad file names the field."""
    path = path or resource_path("training", "scoring.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取评分规则 {path}：{exc}", f"cannot read scoring rules {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("penalties", {}), dict):
        raise DataFileError(f"{path}：应为含 base 与 penalties 的映射", f"{path}: must map base and penalties")
    values: dict[str, float] = {}
    for key in PENALTY_KEYS:
        v = data.get("penalties", {}).get(key, ScoringRules().penalties[key])
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise DataFileError(f"{path}：penalties.{key} 应为非负数", f"{path}: penalties.{key} must be >= 0")
        values[key] = float(v)
    base = data.get("base", 100)
    if isinstance(base, bool) or not isinstance(base, (int, float)) or not math.isfinite(base) or base <= 0:
        raise DataFileError(f"{path}：base 应为正数", f"{path}: base must be positive")
    return ScoringRules(float(base), values)


@dataclass
class CaseScore:
    injection_id: str
    case_id: str | None
    category: str | None
    origin: str
    trainee: str | None = None
    officer: str | None = None
    created_utc: str | None = None
    assigned_utc: str | None = None
    response_s: float | None = None
    sla_deadline_utc: str | None = None
    sla_met: bool | None = None
    arrived_utc: str | None = None
    arrival_s: float | None = None
    distance_straight_m: float | None = None
    distance_travelled_m: float | None = None
    wrong_unit: bool = False
    wrong_category: bool = False
    override_reason: str | None = None
    reassigned: bool = False
    real_assignee: str | None = None
    real_response_s: float | None = None
    real_arrival_s: float | None = None
    same_officer_as_real: bool | None = None
    expectation_met: bool | None = None
    points: float | None = None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TraineeReport:
    trainee: str
    cases: list[CaseScore]

    @property
    def score(self) -> float:
        pts = [c.points for c in self.cases if c.points is not None]
        return round(sum(pts) / len(pts), 1) if pts else 0.0

    def summary(self) -> dict[str, Any]:
        resp = [c.response_s for c in self.cases if c.response_s is not None]
        arr = [c.arrival_s for c in self.cases if c.arrival_s is not None]
        dist = [c.distance_travelled_m for c in self.cases if c.distance_travelled_m is not None]
        return {"trainee": self.trainee, "score": self.score, "cases": len(self.cases),
                "sla_met": sum(1 for c in self.cases if c.sla_met),
                "mean_response_s": round(sum(resp) / len(resp), 1) if resp else None,
                "mean_arrival_s": round(sum(arr) / len(arr), 1) if arr else None,
                "distance_travelled_m": round(sum(dist), 1) if dist else None,
                "wrong_unit": sum(1 for c in self.cases if c.wrong_unit),
                "wrong_category": sum(1 for c in self.cases if c.wrong_category),
                "same_officer_as_real": sum(1 for c in self.cases if c.same_officer_as_real)}

    def to_json(self) -> dict[str, Any]:
        return {**self.summary(), "case_scores": [c.to_json() for c in self.cases]}


@dataclass
class DrillReport:
    drill: dict[str, Any]
    trainees: list[TraineeReport]
    missed: list[CaseScore]
    not_injected: list[str]
    rules: ScoringRules

    def to_json(self) -> dict[str, Any]:
        d = self.drill
        return {"drill_id": d.get("id"), "at": d.get("at_utc"), "end": d.get("end_utc"),
                "scenario": d.get("scenario"), "speed": d.get("speed"),
                "rules": {"base": self.rules.base, "penalties": self.rules.penalties},
                "trainees": [t.to_json() for t in self.trainees],
                "missed": [c.to_json() for c in self.missed], "not_injected": self.not_injected}


def _ts(value: Any) -> datetime | None:
    if value is None:
        return None
    return as_utc(value) if isinstance(value, datetime) else as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def _secs(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else round((b - a).total_seconds(), 1)


def _xy(lon: float, lat: float) -> tuple[float, float]:
    x, y = lonlat_wgs84_to_xy_m([lon], [lat])
    return float(x[0]), float(y[0])


def score_drill(db: Database, rules: ScoringRules | None = None) -> DrillReport:
    """Score every injected case of the sandbox's drill; the report groups them per trainee."""
    rules = rules or load_rules()
    drill = drill_of(db)
    if drill is None:
        raise ValidationError("该数据库不是演练沙盘", "this database is not a drill sandbox")
    end = _ts(drill.get("end_utc"))
    per: dict[str, list[CaseScore]] = {}
    missed: list[CaseScore] = []
    not_injected: list[str] = []
    with db.read_session() as s:
        rows = s.scalars(select(DrillInjectionRow).where(DrillInjectionRow.drill_id == drill["id"])
                         .order_by(DrillInjectionRow.due_utc, DrillInjectionRow.ordinal)).all()
        for row in rows:
            if row.case_id is None:
                not_injected.append(row.id)
                continue
            cs = _score_case(s, row, end, rules)
            if cs.trainee is None:
                missed.append(cs)
            else:
                per.setdefault(cs.trainee, []).append(cs)
    trainees = [TraineeReport(t, cases) for t, cases in sorted(per.items())]
    return DrillReport(drill, trainees, missed, not_injected, rules)


def _score_case(s: Any, row: DrillInjectionRow, end: datetime | None, rules: ScoringRules) -> CaseScore:
    spec, truth = dict(row.spec or {}), dict(row.truth or {})
    assert row.case_id is not None
    events = eventstore.read(s, 0, case_id=row.case_id)
    cs = CaseScore(row.id, row.case_id, spec.get("category"), str(spec.get("origin", "")))
    state: dict[str, Any] | None = None
    assign: StoredEvent | None = None
    before_assign: dict[str, Any] = {}
    since = as_utc(row.injected_utc) if row.injected_utc is not None else None
    for ev in events:
        # only dispatches made during the drill: a merged report's case may have been assigned before it arrived
        fresh = since is None or ev.ts_utc >= since
        if ev.action in ("assign", "reassign") and ev.role != DRILL_ACTOR.role.value and fresh:
            if assign is None:
                assign, before_assign = ev, dict(state or {})
            else:
                cs.reassigned = True
        state = projection.fold(state, ev)
    state = state or {}
    created = _ts(state.get("created_at"))
    cs.created_utc = iso_utc(created) if created else None
    if since is not None and created is not None and since > created:
        created = since  # a case already waiting at the drill's start (backlog) or a merged report: clock from then
        cs.notes.append("计时自演练开始或报告并入时 / timed from the drill start or the merged report")
    if truth.get("assignee"):
        cs.real_assignee = str(truth["assignee"])
        cs.real_response_s = _secs(_ts(truth.get("created_utc")), _ts(truth.get("assigned_utc")))
        cs.real_arrival_s = _secs(_ts(truth.get("assigned_utc")), _ts(truth.get("arrived_utc")))
    if assign is None:
        deadline = _ts(state.get("step_deadline_utc"))
        cs.sla_deadline_utc = iso_utc(deadline) if deadline else None
        cs.sla_met = False if deadline is not None and end is not None and end > deadline else None
        cs.notes.append("未派遣 / not dispatched")
        return cs
    cs.trainee = assign.actor
    target = str((assign.after or {}).get("assignee"))
    cs.officer = target
    cs.assigned_utc = iso_utc(assign.ts_utc)
    cs.response_s = _secs(created, assign.ts_utc)
    deadline = _ts(before_assign.get("step_deadline_utc"))
    cs.sla_deadline_utc = iso_utc(deadline) if deadline else None
    cs.sla_met = None if deadline is None else assign.ts_utc <= deadline
    override = (assign.payload or {}).get(OVERRIDE_KEY)
    cs.override_reason = override if isinstance(override, str) and override.strip() else None
    case_xy = (float(state["x_m"]), float(state["y_m"])) if state.get("x_m") is not None else None
    officer = projection.load_state(s, "officer", target)
    if officer is not None:
        home = officer.get("subdistrict_code")
        cs.wrong_unit = bool(home and state.get("subdistrict_code") and home != state.get("subdistrict_code"))
        cat = _taxonomy().categories.get(str(state.get("category_code")))
        cs.wrong_category = bool(cat is not None and cat.enforcement and officer.get("certified") is False)
        _travel(s, cs, officer, assign.ts_utc, case_xy, end)
    else:
        for kind in ("squad", "unit"):
            unit = projection.load_state(s, kind, target)
            if unit is not None:
                home = unit.get("subdistrict_code")
                cs.wrong_unit = bool(home and state.get("subdistrict_code") and home != state.get("subdistrict_code"))
                break
    if cs.real_assignee is not None:
        cs.same_officer_as_real = cs.real_assignee == target
    expect = truth.get("expect")
    if isinstance(expect, dict):
        ok = True
        if expect.get("officer") and expect["officer"] != target:
            ok = False
        if expect.get("squad") and (officer or {}).get("squad_id", target) != expect["squad"]:
            ok = False
        limit = expect.get("respond_within_min")
        if limit is not None and (cs.response_s is None or cs.response_s > float(limit) * 60):
            ok = False
        cs.expectation_met = ok
    cs.points = _points(cs, rules)
    return cs


def _travel(s: Any, cs: CaseScore, officer: dict[str, Any], assigned: datetime, case_xy: tuple[float, float] | None,
            end: datetime | None) -> None:
    """Arrival and distances from the officer's status events and position fixes after the dispatch."""
    oid = str(officer["id"])
    p = PositionRow.__table__
    at = s.execute(select(p.c.lon, p.c.lat).where(p.c.officer_id == oid, p.c.ts_utc <= assigned)
                   .order_by(p.c.ts_utc.desc()).limit(1)).first()
    start = (float(at.lon), float(at.lat)) if at is not None else (
        (float(officer["lon"]), float(officer["lat"])) if officer.get("lon") is not None else None)
    if start is not None and case_xy is not None:
        sx, sy = _xy(*start)
        cs.distance_straight_m = round(math.hypot(case_xy[0] - sx, case_xy[1] - sy), 1)
    e = EventRow.__table__
    arrived: datetime | None = None
    for r in s.execute(select(e.c.ts_utc, e.c.after).where(e.c.entity_type == "officer", e.c.entity_id == oid,
                                                           e.c.ts_utc >= assigned).order_by(e.c.seq)):
        if (r.after or {}).get("status") == "on_scene":
            arrived = as_utc(r.ts_utc)
            break
    stop = arrived or end
    q = select(p.c.ts_utc, p.c.lon, p.c.lat).where(p.c.officer_id == oid, p.c.ts_utc >= assigned)
    if stop is not None:
        q = q.where(p.c.ts_utc <= stop)
    fixes = s.execute(q.order_by(p.c.ts_utc)).all()
    pts = [_xy(float(f.lon), float(f.lat)) for f in fixes]
    if start is not None:
        pts.insert(0, _xy(*start))
    if len(pts) >= 2:
        legs = (math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(pts))
        cs.distance_travelled_m = round(sum(legs), 1)
    if arrived is None and case_xy is not None:
        for f, xy in zip(fixes, pts[1:] if start is not None else pts, strict=False):
            if math.hypot(xy[0] - case_xy[0], xy[1] - case_xy[1]) <= ARRIVE_WITHIN_M:
                arrived = as_utc(f.ts_utc)
                break
    if arrived is not None:
        cs.arrived_utc = iso_utc(arrived)
        cs.arrival_s = _secs(assigned, arrived)


def _points(cs: CaseScore, rules: ScoringRules) -> float:
    p = rules.penalties
    points = rules.base
    if cs.sla_met is False:
        points -= p["sla_missed"]
    if cs.wrong_unit:
        points -= p["wrong_unit"]
    if cs.wrong_category:
        points -= p["wrong_category"]
    if cs.response_s is not None and cs.real_response_s is not None and cs.response_s > cs.real_response_s:
        slower_min = (cs.response_s - cs.real_response_s) / 60.0
        points -= min(p["slower_than_real_max"], p["slower_than_real_per_min"] * slower_min)
    if cs.expectation_met is False:
        points -= p["expectation_missed"]
    return round(max(0.0, points), 1)


_TAX: Any = None


def _taxonomy() -> Any:
    global _TAX
    if _TAX is None:
        from console.domain.taxonomy import default_taxonomy

        _TAX = default_taxonomy()
    return _TAX


def record_scores(ctx: ServiceContext, report: DrillReport) -> list[str]:
    """Keep each trainee's score as a training record: one ``drill_score`` event each (id ``DRILL:TRAINEE``)."""
    ids = []
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        for t in report.trainees:
            sid = f"{report.drill.get('id')}:{t.trainee}"
            summary = t.summary()
            w.upsert_entity("drill_score", sid, {
                "drill_id": report.drill.get("id"), "trainee": t.trainee, "score": t.score, "cases": len(t.cases),
                "sla_met": summary["sla_met"], "summary": summary, "at_utc": report.drill.get("at_utc"),
                "scenario": report.drill.get("scenario")}, DRILL_ACTOR)
            ids.append(sid)
        if w.state("drill", str(report.drill.get("id"))) is not None:
            w.upsert_entity("drill", str(report.drill.get("id")), {"status": "scored"}, DRILL_ACTOR, action="status")
        w.flush()
    return ids
