"""``urbanops seed --demo``: a deterministic, plausible Changning world with case history.

Everything is written through ``CaseWriter`` — the same commands, rules and event log as live work — so the demo's
history is valid by construction: every case state is reachable, the hash chain is intact, projections rebuild.
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from console.domain.enums import Role, SourceChannel
from console.domain.taxonomy import Category
from console.errors import DomainError
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.geo_context import GeoContext
from console.services.writer import CaseWriter, Reporter
from console.sim import names
from console.storage.db import Database
from console.storage.geo_repo import replace_records

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
Progress = Callable[[str], None]

# Share of new cases per local hour of day (a working-day curve: quiet nights, morning and afternoon peaks).
HOURLY_WEIGHTS = np.array([0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.6, 3.0, 5.2, 6.8, 7.0, 6.2, 4.6, 5.0, 6.4, 6.6, 6.0, 5.2,
                           4.0, 3.4, 2.8, 2.2, 1.5, 1.0])
SOURCE_WEIGHTS: dict[SourceChannel, float] = {
    SourceChannel.INSPECTOR: 30, SourceChannel.HOTLINE_12345: 24, SourceChannel.CITY_PLATFORM: 12,
    SourceChannel.CAMERA_AI: 12, SourceChannel.WORKROOM_QR: 9, SourceChannel.IOT_SENSOR: 6,
    SourceChannel.SUPERVISOR: 4, SourceChannel.OTHER: 3,
}
DOMAIN_WEIGHTS: dict[str, float] = {
    "city_appearance": 22, "street_order": 18, "non_motor_parking": 16, "garbage_sorting": 10, "construction_site": 10,
    "outdoor_ads": 8, "facilities": 8, "muck_truck": 4, "other": 4,
}
LINKONG_CENTRE_WGS84 = (121.3600, 31.2140)
CASES_PER_DAY_AT_SCALE_1 = 750
OFFICERS_PER_SQUAD_AT_SCALE_1 = 22
INSPECTORS_PER_SUBDISTRICT = 4


@dataclass
class SeedOptions:
    seed: int = 1
    days: int = 14
    scale: float = 1.0
    now_utc: datetime | None = None  # default: the wall clock (rounded down to the minute)
    batch_ops: int = 4_000
    # Linkong AI cameras' muck-truck events → registry → cases with evidence (console/evidence), with snapshots and a
    # clip from the video feature's loopback camera server. ``urbanops seed --demo`` turns both on; they are off for
    # in-process seeding (tests, the GUI's first run) so the camera server's threads never share a Qt test process.
    muck_trucks: bool = False
    muck_media: bool = False


@dataclass
class _Op:
    """One scheduled command of the history."""

    ts: datetime
    order: int
    case_no: int
    kind: str  # "create" or an action name
    args: dict[str, Any] = field(default_factory=dict)

    def __lt__(self, other: _Op) -> bool:
        return (self.ts, self.order) < (other.ts, other.order)


@dataclass
class DemoWorld:
    """Reference entities created by the seeder, used to script the history."""

    squads: dict[str, str] = field(default_factory=dict)  # subdistrict_code → squad id
    officers_by_squad: dict[str, list[str]] = field(default_factory=dict)
    inspectors_by_subdistrict: dict[str, list[str]] = field(default_factory=dict)
    officer_shift: dict[str, str] = field(default_factory=dict)  # officer id → "day" | "night"
    cameras: list[tuple[str, float, float, bool]] = field(default_factory=list)  # id, lon, lat, is_ai
    workrooms: list[tuple[str, float, float]] = field(default_factory=list)
    sensors: list[tuple[str, str, float, float]] = field(default_factory=list)  # id, kind, lon, lat


def seed_demo(db: Database, options: SeedOptions, progress: Progress | None = None) -> dict[str, Any]:
    """Build the demo world into ``db`` (schema must be current); returns a summary."""
    say = progress or (lambda _m: None)
    started = time.perf_counter()
    now = (options.now_utc or datetime.now(UTC)).replace(second=0, microsecond=0)
    rng = random.Random(options.seed)
    np_rng = np.random.default_rng(options.seed)

    from console.geo.geodata import load_demo_geography

    say("building geography…")
    geography = load_demo_geography()
    replace_records(db, geography.to_records())
    geo = GeoContext(geography)
    start = now - timedelta(days=options.days)
    clock = ManualClock(start)
    ctx = ServiceContext(db, clock=clock, _geo=geo)

    say("creating squads, officers, cameras, workrooms, workstations…")
    world = DemoWorld()
    with db.session() as s:
        w = CaseWriter(s, ctx)
        _create_reference(w, geo, world, options, rng, np_rng, start)
        w.flush()

    say("scripting case history…")
    ops = _script_history(ctx, world, options, rng, np_rng, start, now)
    say(f"writing {len(ops)} commands…")
    stats = _run_ops(ctx, world, ops, options, now, say, rng)

    with db.session() as s:
        w = CaseWriter(s, ctx)
        _end_of_history_status(w, world, now)
        w.flush()

    muck: dict[str, Any] = {}
    if options.muck_trucks:
        from console.evidence.demo import seed_muck_trucks

        say("muck-truck events from the Linkong AI cameras…")
        muck = seed_muck_trucks(db, geo, [c for c in world.cameras if c[3]], now, options.seed,
                                camera_server=options.muck_media)

    say("rostering the squads (排班)…")
    from console.duty.demo import seed_roster

    with db.session() as s:
        w = CaseWriter(s, ctx)
        seed_roster(w, world.squads, world.officers_by_squad, world.officer_shift, now)
        w.flush()

    elapsed = time.perf_counter() - started
    return {
        "cases": stats["cases"],
        "events_written": stats["events"],
        "commands_refused": stats["refused"],
        "officers": sum(len(v) for v in world.officers_by_squad.values()),
        "inspectors": sum(len(v) for v in world.inspectors_by_subdistrict.values()),
        "squads": len(world.squads),
        "cameras": len(world.cameras),
        "ai_cameras": sum(1 for c in world.cameras if c[3]),
        "workrooms": len(world.workrooms),
        "sensors": len(world.sensors),
        "days": options.days,
        "scale": options.scale,
        "seed": options.seed,
        "now_utc": now.isoformat(),
        "muck_truck": muck,
        "seconds": round(elapsed, 2),
    }


# ---------------------------------------------------------------------------------------------- reference data
def _random_points_in(geo: GeoContext, n: int, np_rng: np.random.Generator, *, centre: tuple[float, float] | None = None,
                      radius_m: float = 0.0, subdistrict: str | None = None, community: str | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points inside the district (optionally near a centre or in one subdistrict/community)."""
    from console.geo.projection import lonlat_wgs84_to_xy_m, xy_m_to_lonlat_wgs84

    if community is not None:
        frame = geo.geography.communities
        bounds = frame[frame["code"] == community].total_bounds
    elif subdistrict is not None:
        frame = geo.geography.subdistricts
        bounds = frame[frame["code"] == subdistrict].total_bounds
    else:
        bounds = geo.geography.district.total_bounds
    out_lon: list[np.ndarray] = []
    out_lat: list[np.ndarray] = []
    have = 0
    for _ in range(200):
        m = max(64, (n - have) * 4)
        if centre is not None:
            cx, cy = lonlat_wgs84_to_xy_m([centre[0]], [centre[1]])
            r = radius_m * np.sqrt(np_rng.random(m))
            a = np_rng.random(m) * 2 * math.pi
            lon, lat = xy_m_to_lonlat_wgs84(cx[0] + r * np.cos(a), cy[0] + r * np.sin(a))
        else:
            lon = np_rng.uniform(bounds[0], bounds[2], m)
            lat = np_rng.uniform(bounds[1], bounds[3], m)
        located = geo.locator.locate(lon, lat)
        keep = np.asarray(located.inside, dtype=bool)
        if subdistrict is not None:
            keep &= np.asarray(located.subdistrict_code, dtype=object) == subdistrict
        if community is not None:
            keep &= np.asarray(located.community_code, dtype=object) == community
        out_lon.append(lon[keep])
        out_lat.append(lat[keep])
        have += int(keep.sum())
        if have >= n:
            break
    lon_all, lat_all = np.concatenate(out_lon)[:n], np.concatenate(out_lat)[:n]
    if len(lon_all) < n:
        raise RuntimeError("could not place demo points inside the requested area")
    return lon_all, lat_all


def _create_reference(w: CaseWriter, geo: GeoContext, world: DemoWorld, options: SeedOptions, rng: random.Random,
                      np_rng: np.random.Generator, start: datetime) -> None:
    admin = Actor(Role.ADMIN, "seed")
    subs = geo.geography.subdistricts
    for unit_id, unit_name in names.HANDLING_UNITS:
        w.upsert_entity("unit", unit_id, {"name": unit_name, "status": "active"}, admin, ts_utc=start)
    per_squad = max(3, round(OFFICERS_PER_SQUAD_AT_SCALE_1 * options.scale))
    badge = 0
    for _, sub in subs.iterrows():
        code, sub_name = str(sub["code"]), str(sub["name"])
        squad_id = f"SQ{code[6:9]}"
        squad_name = sub_name.replace("街道", "").replace("镇", "") + "中队"
        world.squads[code] = squad_id
        w.upsert_entity("squad", squad_id, {"name": squad_name, "subdistrict_code": code, "status": "active"}, admin,
                        ts_utc=start)
        lon, lat = _random_points_in(geo, per_squad + INSPECTORS_PER_SUBDISTRICT, np_rng, subdistrict=code)
        officers: list[str] = []
        for i in range(per_squad):
            badge += 1
            oid = f"OF{badge:05d}"
            shift = "day" if i % 3 != 2 else "night"
            world.officer_shift[oid] = shift
            w.upsert_entity("officer", oid, {
                "name": names.person_name(rng), "badge_no": f"310105{badge:05d}", "post": "officer",
                "squad_id": squad_id, "subdistrict_code": code, "status": "on_duty_idle",
                "lon": float(lon[i]), "lat": float(lat[i]), "fix_ts_utc": start.isoformat(), "heading_deg": None,
                "active": True, "shift": shift, "travel_mode": rng.choice(["walk", "ebike", "ebike", "car"]),
                "certified": rng.random() < 0.85, "device_id": f"dev-{oid.lower()}",
            }, admin, ts_utc=start)
            officers.append(oid)
        world.officers_by_squad[squad_id] = officers
        inspectors: list[str] = []
        for j in range(INSPECTORS_PER_SUBDISTRICT):
            iid = f"IN{code[6:9]}{j + 1:02d}"
            k = per_squad + j
            w.upsert_entity("officer", iid, {
                "name": names.person_name(rng), "badge_no": None, "post": "inspector", "squad_id": squad_id,
                "subdistrict_code": code, "status": "on_duty_idle", "lon": float(lon[k]), "lat": float(lat[k]),
                "fix_ts_utc": start.isoformat(), "heading_deg": None, "active": True, "shift": "day",
            }, admin, ts_utc=start)
            inspectors.append(iid)
        world.inspectors_by_subdistrict[code] = inspectors

    # Cameras: 20 AI cameras of the Linkong non-site-enforcement pilot, the rest ordinary public-security views.
    ai_lon, ai_lat = _random_points_in(geo, 20, np_rng, centre=LINKONG_CENTRE_WGS84, radius_m=1500)
    n_normal = max(20, round(80 * min(options.scale, 3)))
    cam_lon, cam_lat = _random_points_in(geo, n_normal, np_rng)
    for i in range(20):
        cid = f"CAM-LK{i + 1:02d}"
        world.cameras.append((cid, float(ai_lon[i]), float(ai_lat[i]), True))
        w.upsert_entity("camera", cid, {
            "name": f"临空{i + 1:02d}号智能探头", "lon": float(ai_lon[i]), "lat": float(ai_lat[i]), "status": "online",
            "camera_kind": "ai", "heading_deg": float(rng.randrange(0, 360)), "fov_deg": 70.0, "area": "linkong",
            "labels": ["muck_truck", "truck", "uncovered_load"], "stream_url": None,
        }, admin, ts_utc=start)
    for i in range(n_normal):
        cid = f"CAM-{i + 1:03d}"
        world.cameras.append((cid, float(cam_lon[i]), float(cam_lat[i]), False))
        w.upsert_entity("camera", cid, {
            "name": f"{i + 1:03d}号监控", "lon": float(cam_lon[i]), "lat": float(cam_lat[i]),
            "status": "online" if rng.random() > 0.04 else "offline", "camera_kind": "normal",
            "heading_deg": float(rng.randrange(0, 360)), "fov_deg": 60.0, "stream_url": None,
        }, admin, ts_utc=start)

    # 188 community workrooms: one in every community, the rest in the largest ones.
    comms = geo.geography.communities
    codes = [str(c) for c in comms["code"]]
    extra = max(0, 188 - len(codes))
    by_area = comms.assign(_a=comms.to_crs(4549).area).sort_values("_a", ascending=False)["code"].astype(str).tolist()
    wr_codes = (codes + by_area[:extra])[:188]
    for i, ccode in enumerate(wr_codes):
        lon1, lat1 = _random_points_in(geo, 1, np_rng, community=ccode)
        wid = f"WR{i + 1:03d}"
        located = geo.locate_one(float(lon1[0]), float(lat1[0]))
        world.workrooms.append((wid, float(lon1[0]), float(lat1[0])))
        w.upsert_entity("workroom", wid, {
            "name": f"{(located.community_name or '社区').replace('（示意）', '')}城管社区工作室",
            "community_code": ccode, "subdistrict_code": located.subdistrict_code,
            "lon": float(lon1[0]), "lat": float(lat1[0]), "status": "open", "opening_hours": "周一至周五 09:00-17:00",
            "contact_officer": _contact(w, world, located.subdistrict_code, i),
        }, admin, ts_utc=start)

    # Huayang Road pilot: a city-operations workstation in each of its neighbourhood committees, with IoT sensors.
    huayang = comms[comms["subdistrict_code"].astype(str) == "310105001000"]
    sensor_kinds = [("bin_fill", "垃圾桶满溢监测", 80.0), ("smoke", "烟感", 1.0), ("standing_water", "积水监测", 10.0),
                    ("manhole_tilt", "井盖倾斜", 15.0)]
    for i, ccode in enumerate(huayang["code"].astype(str)):
        lon_s, lat_s = _random_points_in(geo, 5, np_rng, community=ccode)
        ws_id = f"WS{i + 1:02d}"
        w.upsert_entity("workstation", ws_id, {
            "name": f"华阳路街道第{i + 1:02d}居委城运工作站", "community_code": ccode, "subdistrict_code": "310105001000",
            "lon": float(lon_s[0]), "lat": float(lat_s[0]), "status": "online",
        }, admin, ts_utc=start)
        for j in range(1, 5):
            kind, label, threshold = sensor_kinds[(i + j) % len(sensor_kinds)]
            sid = f"SN{i + 1:02d}{j}"
            world.sensors.append((sid, kind, float(lon_s[j]), float(lat_s[j])))
            w.upsert_entity("sensor", sid, {
                "name": f"{label}{sid}", "parent_id": ws_id, "community_code": ccode,
                "subdistrict_code": "310105001000", "lon": float(lon_s[j]), "lat": float(lat_s[j]),
                "status": "normal", "sensor_kind": kind, "threshold": threshold,
            }, admin, ts_utc=start)


def _contact(w: CaseWriter, world: DemoWorld, subdistrict_code: str | None, i: int) -> str | None:
    """A workroom's contact officer (联系人): one of its subdistrict's inspectors, in turn."""
    pool = world.inspectors_by_subdistrict.get(str(subdistrict_code), [])
    if not pool:
        return None
    iid = pool[i % len(pool)]
    return f"{(w.state('officer', iid) or {}).get('name', iid)}（{iid}）"


# ---------------------------------------------------------------------------------------------- history script
def _weighted_categories(ctx: ServiceContext) -> tuple[list[Category], np.ndarray]:
    cats = list(ctx.taxonomy.categories.values())
    per_domain: dict[str, int] = {}
    for c in cats:
        per_domain[c.domain] = per_domain.get(c.domain, 0) + 1
    weights = np.array([DOMAIN_WEIGHTS.get(c.domain, 2.0) / per_domain[c.domain] for c in cats], dtype=float)
    return cats, weights / weights.sum()


def _script_history(ctx: ServiceContext, world: DemoWorld, options: SeedOptions, rng: random.Random,
                    np_rng: np.random.Generator, start: datetime, now: datetime) -> list[_Op]:
    geo = ctx.geo
    total_days = options.days
    per_day = CASES_PER_DAY_AT_SCALE_1 * options.scale
    n_cases = round(per_day * total_days)
    if n_cases == 0:
        return []
    hours = HOURLY_WEIGHTS / HOURLY_WEIGHTS.sum()
    day_idx = np_rng.integers(0, total_days, n_cases)
    hour_idx = np_rng.choice(24, n_cases, p=hours)
    minute = np_rng.random(n_cases) * 60.0
    start_local = start.astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    created = [start_local + timedelta(days=int(d), hours=int(h), minutes=float(m))
               for d, h, m in zip(day_idx, hour_idx, minute, strict=True)]
    created_utc = [c.astimezone(UTC) for c in created]

    sources = list(SOURCE_WEIGHTS)
    sw = np.array([SOURCE_WEIGHTS[s] for s in sources], dtype=float)
    src_idx = np_rng.choice(len(sources), n_cases, p=sw / sw.sum())
    cats, cat_p = _weighted_categories(ctx)
    by_domain: dict[str, list[int]] = {}
    for i, c in enumerate(cats):
        by_domain.setdefault(c.domain, []).append(i)
    cat_idx = np_rng.choice(len(cats), n_cases, p=cat_p)
    lon, lat = _random_points_in(geo, n_cases, np_rng)
    # Hot spots: a quarter of the cases cluster around metro stations (markets, parking pressure).
    stations = geo.geography.metro_stations
    if len(stations) and n_cases > 10:
        inside = geo.locator.locate(stations.geometry.x.to_numpy(), stations.geometry.y.to_numpy()).inside
        st = stations[np.asarray(inside, dtype=bool)]
        hot = np_rng.random(n_cases) < 0.25
        if len(st) and hot.any():
            pick = np_rng.integers(0, len(st), int(hot.sum()))
            jitter_lon = np_rng.normal(0, 0.0015, int(hot.sum()))
            jitter_lat = np_rng.normal(0, 0.0012, int(hot.sum()))
            hl = st.geometry.x.to_numpy()[pick] + jitter_lon
            ht = st.geometry.y.to_numpy()[pick] + jitter_lat
            ok = np.asarray(geo.locator.locate(hl, ht).inside, dtype=bool)
            idx = np.flatnonzero(hot)[ok]
            lon[idx], lat[idx] = hl[ok], ht[ok]

    ops: list[_Op] = []
    order = 0
    ai_cams = [c for c in world.cameras if c[3]]
    for i in range(n_cases):
        src = sources[int(src_idx[i])]
        cat = cats[int(cat_idx[i])]
        p_lon, p_lat = float(lon[i]), float(lat[i])
        extra: dict[str, Any] = {}
        if src == SourceChannel.CAMERA_AI and ai_cams:
            cam = ai_cams[rng.randrange(len(ai_cams))]
            p_lon, p_lat = cam[1] + rng.uniform(-3e-4, 3e-4), cam[2] + rng.uniform(-3e-4, 3e-4)
            domain = rng.choice(["muck_truck", "non_motor_parking", "city_appearance"])
            cat = cats[rng.choice(by_domain.get(domain) or list(range(len(cats))))]
            extra["camera_id"] = cam[0]
        elif src == SourceChannel.IOT_SENSOR and world.sensors:
            sensor = world.sensors[rng.randrange(len(world.sensors))]
            p_lon, p_lat = sensor[2], sensor[3]
            extra["sensor_id"] = sensor[0]
        elif src == SourceChannel.WORKROOM_QR and world.workrooms:
            room = world.workrooms[rng.randrange(len(world.workrooms))]
            p_lon, p_lat = room[1] + rng.uniform(-2e-3, 2e-3), room[2] + rng.uniform(-2e-3, 2e-3)
            extra["workroom_id"] = room[0]
        reporter = None
        if src in (SourceChannel.HOTLINE_12345, SourceChannel.WORKROOM_QR, SourceChannel.CITY_PLATFORM):
            reporter = Reporter(name=names.person_name(rng), phone=names.phone_number(rng))
        t0 = created_utc[i]
        create = _Op(t0, order, i, "create", {
            "category": cat.code, "lon": p_lon, "lat": p_lat, "source": src.value, "reporter": reporter,
            "address": names.address_for(rng), "description": f"{cat.minor_name}（{src.label_zh}）", "extra": extra,
        })
        if t0 <= now:  # the rest of today has not happened yet: no case is reported in the future
            ops.append(create)
        order += 1
        # A future case's lifecycle is still drawn up to its first step, so the random stream (and with it every
        # other case of a seed) is the same as before future cases were dropped.
        for ts, kind, args in _lifecycle(rng, cat, src, t0):
            if ts > now:
                break
            ops.append(_Op(ts, order, i, kind, args))
            order += 1
    heapq.heapify(ops)
    return [heapq.heappop(ops) for _ in range(len(ops))]


def _minutes(rng: random.Random, lo: float, hi: float) -> timedelta:
    return timedelta(minutes=rng.uniform(lo, hi))


def _lifecycle(rng: random.Random, cat: Category, src: SourceChannel, t0: datetime
               ) -> Iterator[tuple[datetime, str, dict[str, Any]]]:
    """The commands a case goes through after creation, with plausible delays and every branch of the loop."""
    t = t0 + _minutes(rng, 2, 20)
    if rng.random() < 0.03:
        yield t, "reject", {"role": Role.CALL_TAKER, "reason": "重复或无效诉求"}
        return
    yield t, "accept", {"role": Role.CALL_TAKER}
    if not src.is_proactive:
        t += _minutes(rng, 10, 70)
        yield t, "verify", {"role": Role.INSPECTOR}
    t += _minutes(rng, 3, 30)
    if rng.random() < 0.04:
        yield t, "void", {"role": Role.SHIFT_LEADER, "reason": "经核实不属于城管职责"}
        return
    yield t, "file", {"role": Role.SHIFT_LEADER}
    t += _minutes(rng, 3, 40)
    yield t, "assign", {"role": Role.DISPATCHER, "to": "officer"}
    if rng.random() < 0.03:
        t += _minutes(rng, 5, 30)
        yield t, "return", {"role": Role.HANDLER, "reason": "非本中队辖区，请改派"}
        t += _minutes(rng, 5, 20)
        yield t, "assign", {"role": Role.DISPATCHER, "to": "officer"}
    t += _minutes(rng, 2, 25)
    yield t, "receive", {"role": Role.HANDLER}
    if rng.random() < 0.04:
        t += _minutes(rng, 20, 90)
        yield t, "extend_request", {"role": Role.HANDLER, "reason": "需协调产权单位", "payload": {"extend_working_hours": 16}}
        t += _minutes(rng, 10, 60)
        yield t, "extend_approve", {"role": Role.DISPATCHER}
    if rng.random() < 0.012:
        t += _minutes(rng, 60, 240)
        yield t, "hang_request", {"role": Role.HANDLER, "reason": "涉及历史遗留问题，需长期整治"}
        t += _minutes(rng, 30, 120)
        yield t, "hang_approve", {"role": Role.DISPATCHER}
        return
    late = rng.random() < 0.14
    t += timedelta(hours=rng.uniform(6, 40)) if late else _minutes(rng, 25, 200)
    if late and rng.random() < 0.35:
        yield t - _minutes(rng, 5, 60), "supervise", {"role": Role.SUPERVISOR, "reason": "超期未处置，督办"}
    yield t, "report_back", {"role": Role.HANDLER, "payload": {"result": "已现场整改"}}
    if late and rng.random() < 0.3:
        t += _minutes(rng, 10, 60)
        yield t, "appeal", {"role": Role.HANDLER, "reason": "恶劣天气影响处置"}
        t += _minutes(rng, 30, 120)
        if rng.random() < 0.5:
            yield t, "appeal_approve", {"role": Role.SHIFT_LEADER}
        else:
            yield t, "appeal_reject", {"role": Role.SHIFT_LEADER, "reason": "理由不充分"}
    t += _minutes(rng, 20, 150)
    if rng.random() < 0.06:
        yield t, "rework", {"role": Role.INSPECTOR, "reason": "现场仍未整改到位"}
        t += _minutes(rng, 5, 30)
        yield t, "receive", {"role": Role.HANDLER}
        t += _minutes(rng, 30, 180)
        yield t, "report_back", {"role": Role.HANDLER, "payload": {"result": "返工后整改完毕"}}
        t += _minutes(rng, 20, 120)
    yield t, "check", {"role": Role.INSPECTOR}
    if cat.legal_review_required:
        t += _minutes(rng, 10, 60)
        yield t, "submit_legal_review", {"role": Role.SHIFT_LEADER}
        t += _minutes(rng, 60, 600)
        yield t, "legal_approve", {"role": Role.LEGAL_REVIEWER}
    t += _minutes(rng, 5, 90)
    yield t, "close", {"role": Role.SHIFT_LEADER}


# ---------------------------------------------------------------------------------------------- execution
def _run_ops(ctx: ServiceContext, world: DemoWorld, ops: list[_Op], options: SeedOptions, now: datetime,
             say: Progress, rng: random.Random) -> dict[str, int]:
    case_ids: dict[int, str] = {}
    dead_cases: set[int] = set()
    events = refused = 0
    assert isinstance(ctx.clock, ManualClock)
    users = {Role.CALL_TAKER: ["sl_zhao", "sl_qian"], Role.SHIFT_LEADER: ["zb_sun", "zb_li"],
             Role.DISPATCHER: ["pq_zhou", "pq_wu", "pq_zheng"], Role.SUPERVISOR: ["dc_wang"],
             Role.LEGAL_REVIEWER: ["fz_feng"]}
    cache: dict[tuple[str, str], dict[str, Any] | None] = {}  # the seeder is the only writer: keep states
    for b in range(0, len(ops), options.batch_ops):
        batch = ops[b:b + options.batch_ops]
        with ctx.db.session() as s:
            w = CaseWriter(s, ctx, state_cache=cache)
            for op in batch:
                if op.case_no in dead_cases:
                    continue
                ctx.clock.set(op.ts)
                try:
                    if op.kind == "create":
                        a = op.args
                        state = w.create_case(category=a["category"], lon=a["lon"], lat=a["lat"], source=a["source"],
                                              actor=Actor(Role.CALL_TAKER, "intake"), description=a["description"],
                                              address=a["address"], reporter=a["reporter"], extra=a["extra"],
                                              ts_utc=op.ts)
                        case_ids[op.case_no] = str(state["id"])
                        continue
                    case_id = case_ids[op.case_no]
                    role: Role = op.args["role"]
                    target = None
                    case = w.state("case", case_id) or {}
                    if op.kind.startswith("appeal") and not case.get("overdue"):
                        continue  # finished late by the script's clock but still inside its deadline: nothing to appeal
                    if op.args.get("to") == "officer":
                        cat = ctx.taxonomy.categories.get(str(case.get("category_code")))
                        needs_cert = cat is not None and cat.enforcement
                        certified = {o for o, st in ((o, w.state("officer", o) or {}) for o in
                                                     world.officers_by_squad.get(world.squads.get(
                                                         str(case.get("subdistrict_code")), ""), []))
                                     if st.get("certified", True) or not needs_cert}
                        target = _pick_officer(world, case, op.ts, rng, certified.__contains__)
                    if role == Role.HANDLER:
                        user = str(case.get("assignee") or "handler")
                    elif role == Role.INSPECTOR:
                        user = rng.choice(world.inspectors_by_subdistrict.get(str(case.get("subdistrict_code")), ["insp"]))
                    else:
                        user = rng.choice(users.get(role, ["user"]))
                    w.act(case_id, op.kind, Actor(role, user), reason=op.args.get("reason"), target=target,
                          payload=op.args.get("payload"), ts_utc=op.ts)
                except DomainError:
                    refused += 1
                    dead_cases.add(op.case_no)
            events += len(w.flush())
        say(f"  {min(b + options.batch_ops, len(ops))}/{len(ops)} commands, {events} events")
    return {"cases": len(case_ids), "events": events, "refused": refused}


def _on_shift(shift: str, ts: datetime) -> bool:
    hour = ts.astimezone(LOCAL_TZ).hour
    return (8 <= hour < 20) if shift == "day" else not (8 <= hour < 20)


def _pick_officer(world: DemoWorld, case: dict[str, Any], ts: datetime, rng: random.Random,
                  qualified: Callable[[str], bool]) -> str:
    squad = world.squads.get(str(case.get("subdistrict_code")))
    pool = world.officers_by_squad.get(squad or "", []) or next(iter(world.officers_by_squad.values()))
    on_shift = [o for o in pool if _on_shift(world.officer_shift[o], ts) and qualified(o)]
    return rng.choice(on_shift or pool)


def _end_of_history_status(w: CaseWriter, world: DemoWorld, now: datetime) -> None:
    """Officers' duty status at the end of the history: the roster's shift, busy where they hold open orders."""
    system = Actor(Role.SYSTEM, "roster")
    busy: set[str] = set()
    from sqlalchemy import select

    from console.storage.models import CaseRow

    open_states = ("dispatched", "handling")
    for (assignee,) in w.session.execute(select(CaseRow.assignee).where(CaseRow.status.in_(open_states))):
        if assignee:
            busy.add(str(assignee))
    for officers in world.officers_by_squad.values():
        for oid in officers:
            if not _on_shift(world.officer_shift[oid], now):
                status = "off_duty"
            else:
                status = "busy" if oid in busy else "on_duty_idle"
            w.upsert_entity("officer", oid, {"status": status}, system, action="status", ts_utc=now)
