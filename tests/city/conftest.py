"""City fixtures: a migrated database with one squad and officer, the loopback fake platform and a connector."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from console.city.client import CityPlatformClient, ClientConfig
from console.city.connector import CityConnector, ConnectorConfig
from console.city.fake_platform import FakePlatform
from console.domain.enums import Role
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database

MONDAY_0900 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai
ZHONGSHAN_PARK = (121.4166, 31.2197)


@pytest.fixture
def city_ctx(migrated_db: Database) -> ServiceContext:
    ctx = ServiceContext(migrated_db, clock=ManualClock(MONDAY_0900))
    with migrated_db.session() as s:
        w = CaseWriter(s, ctx)
        admin = Actor(Role.ADMIN, "t")
        w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": "310105001000"}, admin)
        w.upsert_entity("officer", "OF1", {"name": "王伟", "post": "officer", "squad_id": "SQ001",
                                           "status": "on_duty_idle", "active": True, "lon": 121.42, "lat": 31.22},
                        admin)
        w.flush()
    return ctx


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    platform = FakePlatform(api_key="test-key").start()
    yield platform
    platform.stop()


def make_client(fake: FakePlatform, **overrides: object) -> CityPlatformClient:
    cfg = ClientConfig(base_url=fake.base_url, api_key="test-key", retries=2, backoff_s=0.001,
                       connect_timeout_s=2.0, read_timeout_s=5.0, page_size=50)
    for key, value in overrides.items():
        setattr(cfg, key, value)
    return CityPlatformClient(cfg, sleep=lambda _s: None)


@pytest.fixture
def connector(city_ctx: ServiceContext, fake: FakePlatform) -> CityConnector:
    client = make_client(fake)
    return CityConnector(city_ctx, ConnectorConfig(client.config, send_backoff_s=5.0), client=client)
