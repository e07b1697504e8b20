"""Officer recommendation for a case: who can get there soonest and may take it, with a reason for each rank.

Travel time comes from a ``TravelModel``. The shipped geodata has no routable street network, so the default is
``StraightLineEstimate`` (straight-line distance × circuity ÷ speed of the officer's travel mode + a start-up time);
a network model only has to implement ``eta_s`` to replace it. Ranking is vectorised over all officers (numpy): the
score is the ETA in seconds plus penalties from ``resources/dispatch/weights.yaml`` for workload, busy status,
jurisdiction, missing certificate and an ETA that eats the SLA budget. Off-duty, inactive and non-officer posts are
never recommended.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import yaml
from sqlalchemy import func, select

from console.domain.enums import CaseStatus
from console.errors import DataFileError, DomainError, IllegalActionError, NotFoundError
from console.resources import resource_path
from console.services.context import ServiceContext
from console.storage import projection
from console.storage.db import Database
from console.storage.eventstore import as_utc
from console.storage.models import AssetRow, CaseRow, OfficerRow
from console.world import World

FloatArray = npt.NDArray[np.float64]
MODES = ("walk", "ebike", "car")
MODE_ZH = {"walk": "步行", "ebike": "电动车", "car": "巡逻车"}
BUSY_STATUSES = ("busy", "en_route", "on_scene", "on_break")  # on_break: ranked like busy, and warned
STATUS_ZH = {"on_duty_idle": "空闲", "busy": "忙碌", "en_route": "在途", "on_scene": "在现场", "on_break": "班中休息"}
OPEN_ORDER_STATUSES = ("dispatched", "handling")
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True)
class DispatchWeights:
    """The rules-as-data of the ranking (see ``resources/dispatch/weights.yaml``)."""

    circuity: float
    speed_mps: dict[str, float]
    startup_s: dict[str, float]
    default_mode: str
    penalties_s: dict[str, float]
    sla_share_warn: float


def load_weights(path: Path | None = None) -> DispatchWeights:
    path = path or resource_path("dispatch", "weights.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        travel = raw["travel"]
        weights = DispatchWeights(
            circuity=float(travel["circuity"]),
            speed_mps={m: float(travel["speed_mps"][m]) for m in MODES},
            startup_s={m: float(travel["startup_s"][m]) for m in MODES},
            default_mode=str(travel.get("default_mode", "walk")),
            penalties_s={str(k): float(v) for k, v in raw["penalties_s"].items()},
            sla_share_warn=float(raw.get("sla_share_warn", 0.5)),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise DataFileError(f"无法读取派遣权重 {path}：{exc}", f"cannot read dispatch weights {path}: {exc}") from exc
    if weights.circuity < 1 or min(weights.speed_mps.values()) <= 0 or weights.default_mode not in MODES:
        raise DataFileError(f"{path}：绕行系数须 ≥ 1，速度须为正", f"{path}: circuity must be ≥ 1 and speeds positive")
    return weights


@lru_cache(maxsize=1)
def default_weights() -> DispatchWeights:
    return load_weights()


class TravelModel(Protocol):
    """Estimated travel time in seconds from many origins to one destination (metres, one projected CRS)."""

    def eta_s(self, from_xy_m: FloatArray, to_xy_m: tuple[float, float], mode: npt.NDArray[np.int_]) -> FloatArray:
        """``from_xy_m`` is (N, 2); ``mode`` holds indices into ``MODES``; returns (N,) seconds."""
        ...


@dataclass(frozen=True)
class StraightLineEstimate:
    """ETA = start-up time + straight-line distance × circuity ÷ speed of the travel mode.

    A documented stand-in for routing over the street network: with circuity ≈ 1.35 it tracks street distance in a
    dense urban grid to within roughly ±25 %; rivers, rail lines and one-way streets are what it cannot know.
    """

    circuity: float = 1.35
    speed_mps: tuple[float, float, float] = (1.3, 4.5, 6.5)  # walk, ebike, car
    startup_s: tuple[float, float, float] = (60.0, 120.0, 180.0)

    @staticmethod
    def from_weights(w: DispatchWeights) -> StraightLineEstimate:
        return StraightLineEstimate(w.circuity, tuple(w.speed_mps[m] for m in MODES),  # type: ignore[arg-type]
                                    tuple(w.startup_s[m] for m in MODES))  # type: ignore[arg-type]

    def distance_m(self, from_xy_m: FloatArray, to_xy_m: tuple[float, float]) -> FloatArray:
        return np.hypot(from_xy_m[:, 0] - to_xy_m[0], from_xy_m[:, 1] - to_xy_m[1])

    def eta_s(self, from_xy_m: FloatArray, to_xy_m: tuple[float, float], mode: npt.NDArray[np.int_]) -> FloatArray:
        speed = np.asarray(self.speed_mps, dtype=np.float64)[mode]
        start = np.asarray(self.startup_s, dtype=np.float64)[mode]
        result: FloatArray = start + self.distance_m(from_xy_m, to_xy_m) * self.circuity / speed
        return result


@dataclass
class OfficerSnapshot:
    """Column view of the officers a recommendation ranks (one row per officer with a position)."""

    ids: npt.NDArray[np.object_]
    names: npt.NDArray[np.object_]
    squad_ids: npt.NDArray[np.object_]
    subdistricts: npt.NDArray[np.object_]
    status: npt.NDArray[np.object_]
    lon: FloatArray
    lat: FloatArray
    mode: npt.NDArray[np.int_]
    certified: npt.NDArray[np.bool_]  # False only when the record says so explicitly
    available: npt.NDArray[np.bool_]  # active, post officer, not off duty
    open_orders: npt.NDArray[np.int_]
    squad_names: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def build(officers: list[dict[str, Any]], open_orders: dict[str, int], squad_names: dict[str, str],
              default_mode: str = "walk") -> OfficerSnapshot:
        rows = [o for o in officers if o.get("lon") is not None and o.get("lat") is not None]
        mode_index = {m: i for i, m in enumerate(MODES)}
        return OfficerSnapshot(
            ids=np.array([str(o["id"]) for o in rows], dtype=object),
            names=np.array([o.get("name") or o["id"] for o in rows], dtype=object),
            squad_ids=np.array([o.get("squad_id") for o in rows], dtype=object),
            subdistricts=np.array([o.get("subdistrict_code") for o in rows], dtype=object),
            status=np.array([o.get("status") for o in rows], dtype=object),
            lon=np.array([float(o["lon"]) for o in rows], dtype=np.float64),
            lat=np.array([float(o["lat"]) for o in rows], dtype=np.float64),
            mode=np.array([mode_index.get(str(o.get("travel_mode") or default_mode), 0) for o in rows], dtype=np.int_),
            certified=np.array([o.get("certified") is not False for o in rows], dtype=bool),
            available=np.array([bool(o.get("active", True)) and o.get("post", "officer") == "officer"
                                and o.get("status") != "off_duty" for o in rows], dtype=bool),
            open_orders=np.array([open_orders.get(str(o["id"]), 0) for o in rows], dtype=np.int_),
            squad_names=squad_names,
        )

    @staticmethod
    def from_db(db: Database, default_mode: str = "walk") -> OfficerSnapshot:
        with db.read_session() as s:
            officers = [projection.row_to_state(projection.OFFICER, r) for r in s.execute(select(OfficerRow.__table__))]
            counts = s.execute(select(CaseRow.assignee, func.count()).where(
                CaseRow.status.in_(OPEN_ORDER_STATUSES), CaseRow.assignee.is_not(None)).group_by(CaseRow.assignee))
            open_orders = {str(a): int(n) for a, n in counts}
            squads = {str(i): str(n) for i, n in s.execute(
                select(AssetRow.id, AssetRow.name).where(AssetRow.kind == "squad"))}
        return OfficerSnapshot.build(officers, open_orders, squad_names=squads, default_mode=default_mode)


_world_cache: weakref.WeakKeyDictionary[World, tuple[tuple[int, int], OfficerSnapshot]] = weakref.WeakKeyDictionary()


def snapshot_of_world(world: World, default_mode: str = "walk") -> OfficerSnapshot:
    """Officer attributes are rebuilt only when the log moved on; positions are read live on every call."""
    arrays = world.officer_arrays()
    key = (world.last_seq, id(arrays))
    cached = _world_cache.get(world)
    if cached is None or cached[0] != key:
        open_orders: dict[str, int] = {}
        for c in world.cases.values():
            if c.get("status") in OPEN_ORDER_STATUSES and c.get("assignee"):
                open_orders[str(c["assignee"])] = open_orders.get(str(c["assignee"]), 0) + 1
        ordered = [world.officers[str(oid)] for oid in arrays.ids]
        squads = {k: str(v.get("name") or k) for k, v in world.assets.get("squad", {}).items()}
        snap = OfficerSnapshot.build(ordered, open_orders, squads, default_mode)
        _world_cache[world] = (key, snap)
    else:
        snap = cached[1]
    snap.lon, snap.lat = arrays.lon, arrays.lat  # live fixes (moved in place by World.move_officers)
    return snap


@dataclass(frozen=True)
class Recommendation:
    """One ranked officer for a case."""

    rank: int
    officer_id: str
    name: str
    squad_id: str | None
    eta_s: float
    distance_m: float
    score: float
    reasons: list[str]
    needs_override: bool  # outside jurisdiction or uncertified for an enforcement case: assign needs a reason
    status: str
    lon: float
    lat: float
    warnings: tuple[Any, ...] = ()  # DutyWarnings (console.duty.availability): conflicting orders, break, shift end

    def to_json(self) -> dict[str, Any]:
        return {"rank": self.rank, "officer_id": self.officer_id, "name": self.name, "squad_id": self.squad_id,
                "eta_s": round(self.eta_s, 1), "distance_m": round(self.distance_m, 1), "score": round(self.score, 1),
                "reasons": self.reasons, "needs_override": self.needs_override, "status": self.status,
                "lon": self.lon, "lat": self.lat, "warnings": [w.to_json() for w in self.warnings]}


Source = World | Database | tuple[dict[str, Any], OfficerSnapshot]


def recommend(ctx: ServiceContext, source: Source, case_id: str, top: int = 5,
              travel: TravelModel | None = None, weights: DispatchWeights | None = None) -> list[Recommendation]:
    """The ``top`` best officers for a case, best first. ``source`` is a World (GUI), a Database (CLI) or a
    (case state, OfficerSnapshot) pair (benchmarks)."""
    w = weights or default_weights()
    if isinstance(source, World):
        case = source.cases.get(case_id)
        snap = snapshot_of_world(source, w.default_mode)
    elif isinstance(source, Database):
        case = _case_from_db(source, case_id)
        snap = OfficerSnapshot.from_db(source, w.default_mode)
    else:
        case, snap = source
    if case is None:
        raise NotFoundError(f"案件 {case_id} 不存在", f"case {case_id} does not exist")
    if not CaseStatus(case["status"]).is_open:
        raise IllegalActionError(f"案件 {case_id} 已{CaseStatus(case['status']).label_zh}，无需推荐",
                                 f"case {case_id} is {case['status']}; nothing to recommend")
    if top < 1:
        return []
    duty: dict[str, Any] = {}
    if not isinstance(source, tuple):
        snap, duty = _apply_roster(ctx, snap)
    recs = rank_officers(ctx, case, snap, top, travel or StraightLineEstimate.from_weights(w), w)
    return _with_duty_warnings(ctx, recs, snap, duty)


def _apply_roster(ctx: ServiceContext, snap: OfficerSnapshot) -> tuple[OfficerSnapshot, dict[str, Any]]:
    """Officers the roster has off duty now are not recommended, whatever their last status event says
    (console/duty: the roster at the time of dispatch). Returns a copy; the cached snapshot stays untouched."""
    from console.duty.availability import duty_infos
    from console.duty.roster import OFF

    with ctx.db.read_session() as s:
        duty = duty_infos(s, ctx.clock.now_utc())
    if not duty:
        return snap, duty
    off = np.array([duty.get(str(i)) is not None and duty[str(i)].state == OFF for i in snap.ids], dtype=bool)
    return dataclasses.replace(snap, available=snap.available & ~off), duty


def _with_duty_warnings(ctx: ServiceContext, recs: list[Recommendation], snap: OfficerSnapshot,
                        duty: dict[str, Any]) -> list[Recommendation]:
    from console.duty.availability import order_warnings

    now = ctx.clock.now_utc()
    index = {str(i): k for k, i in enumerate(snap.ids)}
    out = []
    for r in recs:
        k = index[r.officer_id]
        officer = {"id": r.officer_id, "name": r.name, "status": r.status}
        warns = order_warnings(officer, duty.get(r.officer_id), int(snap.open_orders[k]), now, r.eta_s)
        if warns:
            r = dataclasses.replace(r, warnings=tuple(warns), reasons=[*r.reasons, *(f"⚠ {x.zh}" for x in warns)])
        out.append(r)
    return out


def rank_officers(ctx: ServiceContext, case: dict[str, Any], snap: OfficerSnapshot, top: int, travel: TravelModel,
                  w: DispatchWeights) -> list[Recommendation]:
    """The vectorised core: ETA, penalties, top-k selection; reasons are written only for the winners."""
    idx = np.flatnonzero(snap.available)
    if idx.size == 0:
        return []
    lon0, lat0 = float(case["lon"]), float(case["lat"])
    # Local equirectangular metres around the case: < 0.1 % error over the district, no projection call needed.
    kx = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    xy = np.column_stack(((snap.lon[idx] - lon0) * kx, (snap.lat[idx] - lat0) * M_PER_DEG_LAT))
    mode = snap.mode[idx]
    eta = travel.eta_s(xy, (0.0, 0.0), mode)
    dist = np.hypot(xy[:, 0], xy[:, 1])
    p = w.penalties_s
    cat = ctx.taxonomy.categories.get(str(case.get("category_code")))
    enforcement = bool(cat is not None and cat.enforcement)
    sub = case.get("subdistrict_code")
    outside = (snap.subdistricts[idx] != sub) & (snap.subdistricts[idx] != None) & (sub is not None)  # noqa: E711
    uncertified = ~snap.certified[idx] if enforcement else np.zeros(idx.size, dtype=bool)
    busy = np.isin(snap.status[idx], BUSY_STATUSES)
    orders = snap.open_orders[idx]
    budget_s = _disposal_budget_s(ctx, case)
    late = (eta > w.sla_share_warn * budget_s) if budget_s > 0 else np.zeros(idx.size, dtype=bool)
    score = (eta + p.get("per_open_order", 0.0) * orders + p.get("busy", 0.0) * busy
             + p.get("outside_jurisdiction", 0.0) * outside + p.get("no_certificate", 0.0) * uncertified
             + p.get("late_for_sla", 0.0) * late)
    k = min(top, idx.size)
    part = np.argpartition(score, k - 1)[:k] if k < idx.size else np.arange(idx.size)
    order = part[np.lexsort((eta[part], score[part]))]
    out: list[Recommendation] = []
    for rank, j in enumerate(order, start=1):
        i = int(idx[j])
        reasons = [f"预计 {eta[j] / 60:.0f} 分钟到达（{MODE_ZH[MODES[int(mode[j])]]}，直线 {dist[j] / 1000:.1f} km）"]
        squad = snap.squad_ids[i]
        squad_name = snap.squad_names.get(str(squad), str(squad)) if squad else "无中队"
        reasons.append(f"跨辖区（{squad_name}），派遣须填写理由" if outside[j] else f"本辖区（{squad_name}）")
        reasons.append(f"在办工单 {int(orders[j])} 件" if orders[j] else "当前无在办工单")
        reasons.append(f"状态：{STATUS_ZH.get(str(snap.status[i]), str(snap.status[i]))}")
        if enforcement:
            reasons.append("无执法证：执法类案件须填写理由" if uncertified[j] else "持执法证（执法类案件）")
        if budget_s > 0:
            share = eta[j] / budget_s
            reasons.append(f"到达约占处置时限 {share:.0%}" + ("，时间紧" if late[j] else ""))
        out.append(Recommendation(rank, str(snap.ids[i]), str(snap.names[i]), None if squad is None else str(squad),
                                  float(eta[j]), float(dist[j]), float(score[j]), reasons,
                                  bool(outside[j] or uncertified[j]), str(snap.status[i]),
                                  float(snap.lon[i]), float(snap.lat[i])))
    return out


def _disposal_budget_s(ctx: ServiceContext, case: dict[str, Any]) -> float:
    """Wall seconds the case would have to be handled in if assigned now (its remaining step time if dispatched)."""
    now = ctx.clock.now_utc()
    try:
        if case.get("status") == CaseStatus.FILED.value or not case.get("disposal_deadline_utc"):
            deadline = ctx.sla.disposal_deadline_utc(now, str(case["category_code"]), str(case["priority"]))
        else:
            deadline = _ts(case["disposal_deadline_utc"])
    except (DomainError, KeyError, ValueError):  # an unknown category/rule: rank without the SLA term rather than refuse to recommend
        return 0.0
    return max(0.0, (deadline - now).total_seconds())


def _ts(value: Any) -> datetime:
    return value if isinstance(value, datetime) else as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def _case_from_db(db: Database, case_id: str) -> dict[str, Any] | None:
    with db.read_session() as s:
        row = s.get(CaseRow, case_id)
        return None if row is None else projection.row_to_state(projection.CASE, row)
