"""Database URLs, engines and schema checks for SQLite (embedded, WAL) and PostgreSQL + PostGIS.

The URL comes from ``--db``, else ``URBANOPS_DB``, else a SQLite file in the user data directory. SQLite runs in WAL
mode with deferred transactions; writers serialise on the event-chain row (see eventstore.lock_chain).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from console.errors import StorageError

ENV_DB_URL = "URBANOPS_DB"


def default_sqlite_path() -> Path:
    """Where the embedded database lives when no URL is given."""
    return Path(platformdirs.user_data_dir("urbanops", appauthor=False)) / "urbanops.db"


def resolve_db_url(cli_url: str | None = None) -> str:
    """``--db`` wins, then ``URBANOPS_DB``, then the default SQLite file (its directory is created)."""
    if cli_url:
        return normalise_url(cli_url)
    env = os.environ.get(ENV_DB_URL)
    if env:
        return normalise_url(env)
    path = default_sqlite_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs; reject what SQLAlchemy cannot parse."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"数据库地址无效：{url}", f"invalid database URL: {url}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url_or_engine: str | Engine) -> bool:
    name = url_or_engine.dialect.name if isinstance(url_or_engine, Engine) else make_url(url_or_engine).get_backend_name()
    return name == "sqlite"


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event control transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the right settings for the backend; a bad or unreachable URL raises StorageError."""
    url = normalise_url(url)
    try:
        if is_sqlite(url):
            sqlite_path = make_url(url).database
            if sqlite_path and sqlite_path != ":memory:":
                parent = Path(sqlite_path).expanduser().resolve().parent
                if not parent.is_dir():
                    raise StorageError(
                        f"数据库目录不存在：{parent}", f"database directory does not exist: {parent}"
                    )
            engine = create_engine(url, **kwargs)
            _install_sqlite_pragmas(engine)
        else:
            kwargs.setdefault("pool_pre_ping", True)
            kwargs.setdefault("connect_args", {"connect_timeout": 5})
            engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise StorageError(f"无法使用数据库地址 {url}：{exc}", f"cannot use database URL {url}: {exc}") from exc
    return engine


def check_reachable(engine: Engine) -> None:
    """Connect once so an unreachable database fails early with a clear message."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, SQLAlchemyError) as exc:
        url = engine.url.render_as_string(hide_password=True)
        first_line = str(exc.orig if hasattr(exc, "orig") else exc).strip().splitlines()[0]
        raise StorageError(f"无法连接数据库 {url}：{first_line}", f"cannot reach database {url}: {first_line}") from exc


@dataclass
class Database:
    """An engine plus a session factory; the unit of work is one ``with db.session() as s`` block."""

    engine: Engine

    def __post_init__(self) -> None:
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transactional unit of work: committed on success, rolled back on any exception."""
        session = self._factory()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reads only; rolled back at the end so it never writes.

        Loaded objects are detached with their state intact, so callers may use them after the block.
        """
        session = self._factory()
        try:
            yield session
        finally:
            session.expunge_all()
            session.rollback()
            session.close()

    def has_table(self, name: str) -> bool:
        return inspect(self.engine).has_table(name)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, require_schema: bool = True) -> Database:
    """Open the database named by ``url`` (or the default), checking reachability and schema version."""
    from console.storage.migrations_api import check_schema_current

    engine = make_engine(resolve_db_url(url))
    check_reachable(engine)
    db = Database(engine)
    if require_schema:
        check_schema_current(db)
    return db
