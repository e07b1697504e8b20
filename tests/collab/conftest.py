"""A small collaboration world: two squads, a unit, four officers (tests/dispatch/conftest.py), a user account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.collab.attachments import AttachmentStore
from console.collab.service import CollabService
from console.domain.enums import Role
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.storage.db import Database
from tests.dispatch.conftest import build_world

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 Asia/Shanghai
DISPATCHER = Actor(Role.DISPATCHER, "pq_a")
LEADER = Actor(Role.SHIFT_LEADER, "zb_b")
HANDLER = Actor(Role.HANDLER, "OF4")


@pytest.fixture
def ctx(migrated_db: Database) -> Iterator[ServiceContext]:
    context = ServiceContext(migrated_db, clock=ManualClock(T0))
    build_world(context)
    yield context


@pytest.fixture
def collab(ctx: ServiceContext, tmp_path: Path) -> CollabService:
    return CollabService(ctx, store=AttachmentStore(tmp_path / "attachments"))
