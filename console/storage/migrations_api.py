"""Run and check Alembic migrations from code (the CLI's ``db upgrade``; schema checks at open)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from console.errors import StorageError
from console.storage.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def known_revisions() -> list[str]:
    """Revision ids in chain order. Our chain is linear and files are named ``NNNN_<name>.py`` with revision
    ``NNNN`` (a test checks this against Alembic's own view), so start-up needs no Alembic import."""
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(db: Database) -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as conn:
        value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def upgrade(db: Database, revision: str = "head") -> str:
    """Upgrade the schema to ``revision``; refuses a database made by a newer urbanops."""
    _refuse_newer(db)
    if current_revision(db) == head_revision():
        return head_revision()
    from alembic import command

    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return head_revision()


def _refuse_newer(db: Database) -> None:
    current = current_revision(db)
    if current is not None and current not in known_revisions():
        raise StorageError(
            f"数据库结构版本 {current} 比本程序新，请升级 urbanops",
            f"database schema revision {current} is newer than this urbanops knows; upgrade urbanops",
        )


def check_schema_current(db: Database) -> None:
    """Raise StorageError unless the database is at this version's head revision."""
    _refuse_newer(db)
    current = current_revision(db)
    if current != head_revision():
        raise StorageError(
            f"数据库结构未初始化或过旧（{current or '空'}），请先运行 urbanops db upgrade",
            f"database schema is missing or old ({current or 'empty'}); run 'urbanops db upgrade' first",
        )
