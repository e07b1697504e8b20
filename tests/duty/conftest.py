"""A small duty world: two squads (华阳路 SQ001, 周家桥 SQ005) with a few officers, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database

MONDAY_0900 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai, Monday 2026-11-30
HUAYANG = "310105001000"
ZHOUJIAQIAO = "310105005000"
ZHONGSHAN_PARK = (121.4166, 31.2197)  # in 周家桥街道 (demo partition)
ADMIN = Actor(Role.ADMIN, "t")
LEADER = Actor(Role.SHIFT_LEADER, "zb_sun")
DISPATCHER = Actor(Role.DISPATCHER, "pq_a")

OFFICERS = {
    "OF1": ("王伟", "SQ005", ZHOUJIAQIAO, 121.4170, 31.2199),
    "OF2": ("李娜", "SQ005", ZHOUJIAQIAO, 121.4160, 31.2195),
    "OF3": ("张敏", "SQ005", ZHOUJIAQIAO, 121.4120, 31.2210),
    "OF4": ("刘洋", "SQ005", ZHOUJIAQIAO, 121.4000, 31.2220),
    "OF9": ("陈静", "SQ001", HUAYANG, 121.4300, 31.2200),
}


def build_world(ctx: ServiceContext) -> None:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": HUAYANG}, ADMIN)
        w.upsert_entity("squad", "SQ005", {"name": "周家桥中队", "subdistrict_code": ZHOUJIAQIAO}, ADMIN)
        for oid, (name, squad, sub, lon, lat) in OFFICERS.items():
            w.upsert_entity("officer", oid, {"name": name, "post": "officer", "squad_id": squad,
                                             "subdistrict_code": sub, "status": "on_duty_idle", "active": True,
                                             "lon": lon, "lat": lat, "certified": True, "travel_mode": "ebike"},
                            ADMIN)
        w.flush()


@pytest.fixture
def duty_ctx(migrated_db: Database) -> ServiceContext:
    context = ServiceContext(migrated_db, clock=ManualClock(MONDAY_0900))
    build_world(context)
    return context
