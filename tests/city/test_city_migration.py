"""Migration 0006 creates and drops the city tables on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from console.storage.db import Database, make_engine
from console.storage.migrations_api import alembic_config, upgrade

CITY_TABLES = {"city_tickets", "city_sync_state", "city_outbox"}


def test_0006_up_and_down(db_url: str) -> None:
    from alembic import command

    db = Database(make_engine(db_url))
    try:
        upgrade(db, "0005")
        assert not CITY_TABLES & set(inspect(db.engine).get_table_names())
        upgrade(db, "0006")
        assert set(inspect(db.engine).get_table_names()) >= CITY_TABLES
        columns = {c["name"] for c in inspect(db.engine).get_columns("city_outbox")}
        assert {"idempotency_key", "attempts", "last_error", "sent_at", "acked_at", "payload"} <= columns
        cfg = alembic_config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")
        assert not CITY_TABLES & set(inspect(db.engine).get_table_names())
    finally:
        db.dispose()
