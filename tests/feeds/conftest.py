"""Feeds fixtures: a migrated database with a squad, officers (seeded device ids) and sensors."""

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
ZHONGSHAN_PARK = (121.4166, 31.2197)
OFFICERS = ("OF00001", "OF00002", "OF00003")


def seed_feed_entities(db: Database, ctx: ServiceContext) -> None:
    with db.session() as s:
        w = CaseWriter(s, ctx)
        admin = Actor(Role.ADMIN, "t")
        w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": "310105001000"}, admin)
        for oid in OFFICERS:
            w.upsert_entity("officer", oid, {"name": "王伟", "post": "officer", "squad_id": "SQ001",
                                             "status": "on_duty_idle", "active": True, "lon": 121.42, "lat": 31.22,
                                             "device_id": f"dev-{oid.lower()}"}, admin)
        for sid, kind in (("BIN001", "bin_fill"), ("SMK001", "smoke")):
            w.upsert_entity("sensor", sid, {"name": sid, "lon": ZHONGSHAN_PARK[0], "lat": ZHONGSHAN_PARK[1],
                                            "status": "normal", "sensor_kind": kind}, admin)
        w.upsert_entity("camera", "cam_linkong_01", {"name": "临空1号", "lon": 121.365, "lat": 31.215,
                                                      "status": "online", "ai": True}, admin)
        w.flush()


@pytest.fixture
def feed_ctx(migrated_db: Database) -> ServiceContext:
    ctx = ServiceContext(migrated_db, clock=ManualClock(MONDAY_0900))
    seed_feed_entities(migrated_db, ctx)
    return ctx
