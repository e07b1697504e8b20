"""Security fixtures: a migrated database with a squad and an officer, a manual clock, fast password hashes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.domain.enums import Role
from console.security.accounts import AccountPolicy, AccountService
from console.security.passwords import FAST_TEST_PARAMS
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import eventstore
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade

MONDAY_0900 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai
ZHONGSHAN_PARK = (121.4166, 31.2197)
ADMIN = Actor(Role.ADMIN, "root")
FAST_POLICY = AccountPolicy(max_failed_attempts=3, lockout_s=600, hash_params=FAST_TEST_PARAMS)


def seed_reference(ctx: ServiceContext) -> None:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": "310105001000"}, ADMIN)
        w.upsert_entity("officer", "OF1", {"name": "王伟", "post": "officer", "squad_id": "SQ001",
                                           "status": "on_duty_idle", "active": True, "lon": 121.42, "lat": 31.22}, ADMIN)
        w.flush()


def make_ctx(url: str) -> ServiceContext:
    db = Database(make_engine(url))
    upgrade(db)
    ctx = ServiceContext(db, clock=ManualClock(MONDAY_0900))
    seed_reference(ctx)
    return ctx


@pytest.fixture
def ctx(migrated_db: Database) -> ServiceContext:
    context = ServiceContext(migrated_db, clock=ManualClock(MONDAY_0900))
    seed_reference(context)
    return context


@pytest.fixture
def sqlite_ctx(sqlite_url: str) -> ServiceContext:
    context = make_ctx(sqlite_url)
    yield context  # type: ignore[misc]
    context.db.dispose()


@pytest.fixture
def accounts(ctx: ServiceContext) -> AccountService:
    return AccountService(ctx, FAST_POLICY)


def event_count(ctx: ServiceContext) -> int:
    with ctx.db.read_session() as s:
        return eventstore.last_seq(s)
