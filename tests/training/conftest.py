"""A recorded morning on a tiny world (SQLite file), for sandbox, injection and scoring tests.

Times are local Asia/Shanghai (UTC+8) in the comments. The drill starts at 09:00 and lasts one hour.
- A: 暴露垃圾 E0101 in 周家桥, created 08:30, accepted 08:31, filed 08:32, assigned to OF4 08:40; OF4 receives 09:20.
- B: 道路积水 E0109 in 周家桥, created 09:05, accepted 09:06, filed 09:07, assigned to OF4 by pq_real 09:12;
  OF4 on scene 09:25.
- C: 渣土车未密闭 E0304 (enforcement) in 华阳路, created 09:10, accepted 09:11, filed 09:12, assigned to OF1 09:30.
- D: 暴露垃圾 in 华阳路, created 10:30 (after the drill).
Position history: OF1 at 08:58 and 09:02, OF4 at 08:50, 08:59 and 09:10 (11 min later: a gap, not interpolated), OF3\nonly at 08:20 (too old to place it at 09:00).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade
from console.storage.models import PositionRow

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 Asia/Shanghai
HUAYANG = "310105001000"
ZHOUJIAQIAO = "310105005000"
ADMIN = Actor(Role.ADMIN, "t")
POINT_A = (121.4166, 31.2197)
POINT_B = (121.4160, 31.2190)
POINT_C = (121.4200, 31.2200)
POINT_D = (121.4210, 31.2205)
FIX_OF1 = (121.4210, 31.2210)
FIX_OF1_0902 = (121.4230, 31.2220)
FIX_OF4_0850 = (121.4020, 31.2218)
FIX_OF4_0859 = (121.4050, 31.2215)
FIX_OF3_0820 = (121.4110, 31.2212)


def local(hh: int, mm: int) -> datetime:
    """Local clock time on the drill day as aware UTC."""
    return T0 + timedelta(hours=hh - 9, minutes=mm)


def officer(oid: str, name: str, squad: str, sub: str, lon: float, lat: float, *,
            certified: bool = True) -> tuple[str, dict[str, object]]:
    return oid, {"name": name, "post": "officer", "squad_id": squad, "subdistrict_code": sub,
                 "status": "on_duty_idle", "active": True, "lon": lon, "lat": lat, "certified": certified,
                 "travel_mode": "ebike"}


OFFICERS = [
    officer("OF1", "王伟", "SQ001", HUAYANG, 121.4200, 31.2210),
    officer("OF3", "张敏", "SQ005", ZHOUJIAQIAO, 121.4120, 31.2210, certified=False),
    officer("OF4", "刘洋", "SQ005", ZHOUJIAQIAO, 121.4000, 31.2220),
]


@dataclass
class Recording:
    url: str
    path: Path
    db: Database
    ids: dict[str, str]


def _case(ctx: ServiceContext, cat: str, point: tuple[float, float], created: datetime,
          steps: list[tuple[str, datetime, Actor, str | None]]) -> str:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        cid = str(w.create_case(category=cat, lon=point[0], lat=point[1], source="inspector",
                                actor=Actor(Role.INSPECTOR, "insp"), ts_utc=created)["id"])
        for action, ts, actor, target in steps:
            w.act(cid, action, actor, target=target, ts_utc=ts)
        w.flush()
    return cid


def record_morning(db: Database) -> dict[str, str]:
    ctx = ServiceContext(db, clock=ManualClock(local(7, 0)))
    assert ctx.geo.locate_one(*POINT_B).subdistrict_code == ZHOUJIAQIAO
    assert ctx.geo.locate_one(*POINT_C).subdistrict_code == HUAYANG
    with db.session() as s:
        w = CaseWriter(s, ctx)
        w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": HUAYANG}, ADMIN, ts_utc=local(7, 0))
        w.upsert_entity("squad", "SQ005", {"name": "周家桥中队", "subdistrict_code": ZHOUJIAQIAO}, ADMIN,
                        ts_utc=local(7, 0))
        for oid, fields in OFFICERS:
            w.upsert_entity("officer", oid, fields, ADMIN, ts_utc=local(7, 0))
        w.flush()
    ct, sl, pq = Actor(Role.CALL_TAKER, "c"), Actor(Role.SHIFT_LEADER, "z"), Actor(Role.DISPATCHER, "pq_real")
    ids = {}
    ids["A"] = _case(ctx, "E0101", POINT_A, local(8, 30), [("accept", local(8, 31), ct, None),
                                                           ("file", local(8, 32), sl, None),
                                                           ("assign", local(8, 40), pq, "OF4")])
    with db.session() as s:
        s.execute(insert(PositionRow), [
            {"officer_id": "OF3", "ts_utc": local(8, 20), "lon": FIX_OF3_0820[0], "lat": FIX_OF3_0820[1]},
            {"officer_id": "OF4", "ts_utc": local(8, 50), "lon": FIX_OF4_0850[0], "lat": FIX_OF4_0850[1]},
            {"officer_id": "OF1", "ts_utc": local(8, 58), "lon": FIX_OF1[0], "lat": FIX_OF1[1]},
            {"officer_id": "OF4", "ts_utc": local(8, 59), "lon": FIX_OF4_0859[0], "lat": FIX_OF4_0859[1]},
            {"officer_id": "OF4", "ts_utc": local(9, 10), "lon": 121.41, "lat": 31.22},
            {"officer_id": "OF1", "ts_utc": local(9, 2), "lon": FIX_OF1_0902[0], "lat": FIX_OF1_0902[1]},
        ])
    ids["B"] = _case(ctx, "E0109", POINT_B, local(9, 5), [("accept", local(9, 6), ct, None),
                                                          ("file", local(9, 7), sl, None),
                                                          ("assign", local(9, 12), pq, "OF4")])
    ids["C"] = _case(ctx, "E0304", POINT_C, local(9, 10), [("accept", local(9, 11), ct, None),
                                                           ("file", local(9, 12), sl, None)])
    with db.session() as s:
        w = CaseWriter(s, ctx)
        w.act(ids["A"], "receive", Actor(Role.HANDLER, "OF4"), ts_utc=local(9, 20))
        w.upsert_entity("officer", "OF4", {"status": "on_scene"}, Actor(Role.HANDLER, "OF4"), action="status",
                        ts_utc=local(9, 25))
        w.act(ids["C"], "assign", pq, target="OF1", ts_utc=local(9, 30))
        w.flush()
    ids["D"] = _case(ctx, "E0101", POINT_D, local(10, 30), [])
    return ids


@pytest.fixture
def recording(tmp_path: Path) -> Recording:
    path = tmp_path / "recorded.db"
    url = f"sqlite:///{path}"
    db = Database(make_engine(url))
    upgrade(db)
    ids = record_morning(db)
    db.dispose()
    return Recording(url, path, Database(make_engine(url)), ids)
