"""Run and check Alembic migrations from code (the CLI's ``db upgrade``; schema checks at open)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from console.errors import StorageError
from console.storage.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> str:
    """Upgrade the schema to ``revision``; refuses a database made by a newer urbanops."""
    _refuse_newer(db)
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
