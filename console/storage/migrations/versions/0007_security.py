"""security: local user accounts; on PostgreSQL the event log becomes append-only (trigger + privileges)

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

APP_ROLE = "urbanops_app"

# Raised for UPDATE, DELETE (row triggers) and TRUNCATE (statement trigger) on events, whoever the user is.
# A superuser can still ALTER TABLE events DISABLE TRIGGER USER — that is what the hash chain is for.
_PG_UP = [
    """
    CREATE OR REPLACE FUNCTION urbanops_events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'events is append-only: % refused (事件日志只允许追加)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$
    """,
    """
    CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION urbanops_events_append_only()
    """,
    """
    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION urbanops_events_append_only()
    """,
    "REVOKE UPDATE, DELETE, TRUNCATE ON events FROM PUBLIC",
    # The application role (cluster-wide, created once; skipped silently without CREATEROLE).
    f"""
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            BEGIN
                CREATE ROLE {APP_ROLE} NOLOGIN;
            EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN
                NULL;
            END;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            EXECUTE 'GRANT SELECT, INSERT ON events TO {APP_ROLE}';
            EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON events FROM {APP_ROLE}';
        END IF;
    END;
    $$
    """,
]

_PG_DOWN = [
    "DROP TRIGGER IF EXISTS events_no_truncate ON events",
    "DROP TRIGGER IF EXISTS events_append_only ON events",
    "DROP FUNCTION IF EXISTS urbanops_events_append_only()",
    f"""
    DO $$
    BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            EXECUTE 'REVOKE ALL ON events FROM {APP_ROLE}';
        END IF;
    END;
    $$
    """,
]


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", _TS, nullable=True),
        sa.Column("password_changed_at", _TS, nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        for stmt in _PG_UP:
            op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for stmt in _PG_DOWN:
            op.execute(stmt)
    op.drop_table("users")
