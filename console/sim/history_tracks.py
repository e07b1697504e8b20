"""Position history for a seeded demo world (演示轨迹): what the officers' trackers would have reported.

The seeder writes case history through the event log but no telemetry, so a replay of a seeded day would show
officers standing still. This derives plausible fixes from that history, deterministically: on shift, each officer
patrols a smooth loop (≈300–600 m) around the post the roster gave them; when a case is assigned to them they ride to
it (e-bike ≈ 15 km/h, inspectors on foot ≈ 5 km/h), stay until they report back (or the order is returned/closed), then
ride back into their patrol. Off shift the tracker is off (no fixes). Fixes go into ``positions`` like any tracker's
— telemetry, not events. Demo worlds only: ``urbanops replay demo-tracks``.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, insert, select

from console.storage.db import Database
from console.storage.eventstore import as_utc
from console.storage.models import CaseRow, EventRow, OfficerRow, PositionRow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
M_PER_DEG_LAT = 111_320.0
SPEED_M_S = {"ebike": 4.2, "walk": 1.4}
END_ACTIONS = ("report_back", "return", "void", "close", "hang_approve", "reassign", "assign")
FloatArray = npt.NDArray[np.float64]


@dataclass
class Order:
    start_s: float
    end_s: float
    lon: float
    lat: float


def _on_shift(shift: str | None, t_s: FloatArray) -> npt.NDArray[np.bool_]:
    hours = ((t_s + 8 * 3600) % 86400) / 3600.0  # Beijing local hour
    day = (hours >= 8) & (hours < 20)
    if shift == "day":
        return day
    if shift == "night":
        return ~day
    return np.ones_like(t_s, dtype=bool)


def _orders(db: Database, from_utc: datetime, to_utc: datetime) -> dict[str, list[Order]]:
    """Assignment intervals per officer, from the case events (assign → report back / return / close)."""
    ev = EventRow.__table__
    with db.engine.connect() as conn:
        cases = {r.id: (float(r.lon), float(r.lat)) for r in conn.execute(select(CaseRow.id, CaseRow.lon, CaseRow.lat))}
    out: dict[str, list[Order]] = {}
    open_: dict[str, tuple[str, float]] = {}
    stmt = (select(ev.c.case_id, ev.c.action, ev.c.ts_utc, ev.c.after).where(
        ev.c.entity_type == "case", ev.c.ts_utc <= to_utc, ev.c.ts_utc >= from_utc - timedelta(days=2))
        .order_by(ev.c.ts_utc, ev.c.seq))
    with db.engine.connect() as conn:
        for case_id, action, ts, after in conn.execute(stmt):
            t = as_utc(ts).timestamp()
            if action in END_ACTIONS and case_id in open_:
                oid, t0 = open_.pop(case_id)
                if case_id in cases:
                    out.setdefault(oid, []).append(Order(t0, t, *cases[case_id]))
            if action in ("assign", "reassign") and (after or {}).get("assignee"):
                open_[case_id] = (str(after["assignee"]), t)
    for case_id, (oid, t0) in open_.items():
        if case_id in cases:
            out.setdefault(oid, []).append(Order(t0, to_utc.timestamp(), *cases[case_id]))
    return out


def officer_track(oid: str, home: tuple[float, float], t_s: FloatArray, orders: list[Order], speed_m_s: float
                  ) -> tuple[FloatArray, FloatArray]:
    """Patrol loop around ``home`` with detours to the officer's orders (pure function of its inputs)."""
    seed = zlib.crc32(oid.encode())
    rng = np.random.default_rng(seed)
    lon0, lat0 = home
    k = math.cos(math.radians(lat0))
    radius = 300.0 + 300.0 * rng.random()
    period = 1800.0 + 1800.0 * rng.random()
    phase = 2 * math.pi * rng.random()
    a = 2 * math.pi * t_s / period + phase
    wobble = 0.25 * radius * np.sin(3.1 * a + rng.random() * 6)
    x = (radius + wobble) * np.cos(a)
    y = (radius * 0.7 + wobble) * np.sin(a)
    lon = lon0 + x / (M_PER_DEG_LAT * k)
    lat = lat0 + y / M_PER_DEG_LAT
    for o in orders:
        dist = math.hypot((o.lon - lon0) * M_PER_DEG_LAT * k, (o.lat - lat0) * M_PER_DEG_LAT)
        travel = max(60.0, min(dist / speed_m_s, max(o.end_s - o.start_s, 60.0)))
        going = np.clip((t_s - o.start_s) / travel, 0.0, 1.0)
        coming = np.clip(1.0 - (t_s - o.end_s) / travel, 0.0, 1.0)
        w = np.where(t_s <= o.end_s, going, coming) * ((t_s >= o.start_s) & (t_s <= o.end_s + travel))
        lon = lon + w * (o.lon - lon)
        lat = lat + w * (o.lat - lat)
    return lon, lat


def write_history_tracks(db: Database, hours: float = 48.0, every_s: float = 60.0, *,
                         until_utc: datetime | None = None) -> dict[str, Any]:
    """Write fixes for the last ``hours`` of the log (default: up to its last event); returns a summary."""
    with db.read_session() as s:
        last = s.scalar(select(func.max(EventRow.ts_utc)))
        if last is None:
            return {"fixes": 0, "officers": 0}
        end = as_utc(until_utc) if until_utc else min(as_utc(last), datetime.now(UTC))
        start = end - timedelta(hours=hours)
        officers = s.execute(select(OfficerRow.id, OfficerRow.lon, OfficerRow.lat, OfficerRow.post,
                                    OfficerRow.extra)).all()
        already = s.scalar(select(func.count()).select_from(PositionRow).where(
            PositionRow.ts_utc >= start, PositionRow.ts_utc <= end))
    if already:
        return {"fixes": 0, "officers": 0, "skipped": f"{already} fixes already recorded in the period"}
    orders = _orders(db, start, end)
    t0 = math.ceil(start.timestamp() / every_s) * every_s
    t_s = np.arange(t0, end.timestamp(), every_s, dtype=np.float64)
    stamps = [datetime.fromtimestamp(float(t), UTC) for t in t_s]
    total = 0
    for oid, lon0, lat0, post, extra in officers:
        if lon0 is None or lat0 is None:
            continue
        extra = extra or {}
        mode = "walk" if post == "inspector" else str(extra.get("travel_mode") or "ebike")
        lon, lat = officer_track(str(oid), (float(lon0), float(lat0)), t_s, orders.get(str(oid), []),
                                 SPEED_M_S.get(mode, 4.2))
        on = _on_shift(extra.get("shift"), t_s)
        rows = [{"officer_id": oid, "ts_utc": stamps[i], "lon": float(lon[i]), "lat": float(lat[i]),
                 "accuracy_m": 8.0} for i in np.flatnonzero(on)]
        with db.session() as s:
            for i in range(0, len(rows), 20_000):
                s.execute(insert(PositionRow), rows[i:i + 20_000])
        total += len(rows)
    return {"fixes": total, "officers": len(officers), "from_utc": start.isoformat(), "to_utc": end.isoformat(),
            "every_s": every_s}
