"""A tiny dispatch world: two squads (华阳路, 周家桥), a handful of officers and filed cases, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database

MONDAY_0900 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai
HUAYANG = "310105001000"
ZHOUJIAQIAO = "310105005000"
ZHONGSHAN_PARK = (121.4166, 31.2197)  # in 周家桥街道 (demo partition)
DISPATCHER = Actor(Role.DISPATCHER, "pq_a")
ADMIN = Actor(Role.ADMIN, "t")


def officer(oid: str, name: str, squad: str, sub: str, lon: float, lat: float, *, status: str = "on_duty_idle",
            certified: bool = True, mode: str = "ebike") -> tuple[str, dict[str, object]]:
    return oid, {"name": name, "post": "officer", "squad_id": squad, "subdistrict_code": sub, "status": status,
                 "active": True, "lon": lon, "lat": lat, "certified": certified, "travel_mode": mode}


OFFICERS = [
    officer("OF1", "王伟", "SQ001", HUAYANG, 121.42, 31.22),
    officer("OF2", "李娜", "SQ005", ZHOUJIAQIAO, 121.4170, 31.2199, status="off_duty"),  # nearest, but off duty
    officer("OF3", "张敏", "SQ005", ZHOUJIAQIAO, 121.4120, 31.2210, certified=False),
    officer("OF4", "刘洋", "SQ005", ZHOUJIAQIAO, 121.4000, 31.2220, mode="car"),
]


def file_case(ctx: ServiceContext, category: str = "E0101", lon: float = ZHONGSHAN_PARK[0],
              lat: float = ZHONGSHAN_PARK[1]) -> str:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        cid = str(w.create_case(category=category, lon=lon, lat=lat, source="inspector",
                                actor=Actor(Role.INSPECTOR, "i"))["id"])
        w.act(cid, "accept", Actor(Role.CALL_TAKER, "c"))
        w.act(cid, "file", Actor(Role.SHIFT_LEADER, "z"))
        w.flush()
    return cid


def build_world(ctx: ServiceContext) -> None:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": HUAYANG}, ADMIN)
        w.upsert_entity("squad", "SQ005", {"name": "周家桥中队", "subdistrict_code": ZHOUJIAQIAO}, ADMIN)
        w.upsert_entity("unit", "U-GREEN", {"name": "区绿化市容局", "status": "active"}, ADMIN)
        for oid, fields in OFFICERS:
            w.upsert_entity("officer", oid, fields, ADMIN)
        w.flush()


@pytest.fixture
def ctx(migrated_db: Database) -> ServiceContext:
    context = ServiceContext(migrated_db, clock=ManualClock(MONDAY_0900))
    build_world(context)
    return context
