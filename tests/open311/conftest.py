"""Open311 fixtures: a migrated database with a workroom, officers and an API key, and a live HTTP gateway."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.domain.enums import Role
from console.feeds.http_gateway import GatewayHTTPServer, serve
from console.feeds.open311 import Open311Config, add_api_key
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database

ZHONGSHAN_PARK = (121.4166, 31.2197)
API_KEY = "test-key-0123456789abcdef"


def seed(db: Database, ctx: ServiceContext) -> None:
    with db.session() as s:
        w = CaseWriter(s, ctx)
        admin = Actor(Role.ADMIN, "t")
        w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": "310105001000"}, admin)
        w.upsert_entity("officer", "OF00001", {"name": "王伟", "post": "officer", "squad_id": "SQ001",
                                               "status": "on_duty_idle", "active": True}, admin)
        w.upsert_entity("workroom", "WR001", {"name": "中山公园城管社区工作室", "lon": ZHONGSHAN_PARK[0],
                                              "lat": ZHONGSHAN_PARK[1], "status": "open",
                                              "address": "长宁路780号"}, admin)
        w.flush()
    add_api_key(db, "12345热线对接", "hotline_12345", key=API_KEY)


@pytest.fixture
def o311_ctx(migrated_db: Database) -> ServiceContext:
    ctx = ServiceContext(migrated_db)
    seed(migrated_db, ctx)
    return ctx


@pytest.fixture
def gateway(o311_ctx: ServiceContext, tmp_path: Path) -> Iterator[GatewayHTTPServer]:
    yield from running_gateway(o311_ctx, tmp_path)


def base_url(server: GatewayHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


def seeded_context(url: str) -> Iterator[ServiceContext]:
    """A migrated, seeded database at ``url`` behind a service context (body of the ``*_ctx`` fixtures)."""
    from console.storage.db import make_engine
    from console.storage.migrations_api import upgrade

    db = Database(make_engine(url))
    upgrade(db)
    ctx = ServiceContext(db)
    seed(db, ctx)
    yield ctx
    db.dispose()


def running_gateway(ctx: ServiceContext, tmp_path: Path) -> Iterator[GatewayHTTPServer]:
    """The gateway on a free loopback port (body of the ``*_gateway`` fixtures)."""
    server = serve(ctx, "127.0.0.1", 0, config=Open311Config(anonymous_limit=1000), media_dir=tmp_path / "media")
    yield server
    server.shutdown()


@pytest.fixture
def lite_ctx(sqlite_url: str) -> Iterator[ServiceContext]:
    """SQLite only, for behaviour that does not depend on the backend (keeps the area fast)."""
    yield from seeded_context(sqlite_url)


@pytest.fixture
def lite_gateway(lite_ctx: ServiceContext, tmp_path: Path) -> Iterator[GatewayHTTPServer]:
    yield from running_gateway(lite_ctx, tmp_path)
