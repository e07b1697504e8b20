"""Shared fixtures: real databases (SQLite file and PostgreSQL + PostGIS), skipping with a reason when absent.

With URBANOPS_REQUIRE_SERVICES=1 (CI) a missing service is a failure, not a skip.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite (and every CLI subprocess it starts) keeps data, caches and settings in a throwaway home, never the
# developer's: evidence and attachment stores, the outbox, QSettings all follow the XDG directories.
_TEST_HOME = tempfile.mkdtemp(prefix="urbanops-tests-")
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = os.path.join(_TEST_HOME, _var.lower())

PG_ADMIN_URL = os.environ.get("URBANOPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def services_required() -> bool:
    return os.environ.get("URBANOPS_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"required service unavailable (URBANOPS_REQUIRE_SERVICES=1): {reason}")
    pytest.skip(reason)


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (with PostGIS available), dropped afterwards."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    name = f"urbanops_t_{uuid.uuid4().hex[:10]}"
    try:
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        skip_or_fail(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {str(exc.orig).strip().splitlines()[0]}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    try:
        from sqlalchemy import create_engine

        probe = create_engine(url)
        with probe.connect() as conn:
            available = conn.execute(text("SELECT count(*) FROM pg_available_extensions WHERE name='postgis'")).scalar()
        probe.dispose()
        if not available:
            skip_or_fail("PostGIS extension is not installed on the PostgreSQL server (postgresql-15-postgis-3)")
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'urbanops.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The core suite runs on both backends."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'urbanops.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def migrated_db(db_url: str):  # type: ignore[no-untyped-def]
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade

    db = Database(make_engine(db_url))
    upgrade(db)
    yield db
    db.dispose()
