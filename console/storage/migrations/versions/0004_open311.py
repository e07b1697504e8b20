"""open311 tables: API keys and service requests (request id ↔ token ↔ case)

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "open311_api_keys",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("allow_anonymous", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_utc", _TS, nullable=False),
    )
    op.create_table(
        "open311_requests",
        sa.Column("service_request_id", sa.String(40), primary_key=True),
        sa.Column("token", sa.String(40), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("service_code", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("workroom_id", sa.String(48), nullable=True),
        sa.Column("api_key_name", sa.String(64), nullable=True),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("requested_utc", _TS, nullable=False),
        sa.UniqueConstraint("token", name="uq_open311_requests_token"),
    )
    op.create_index("ix_open311_requests_case_id", "open311_requests", ["case_id"])
    op.create_index("ix_open311_requests_service_code", "open311_requests", ["service_code"])
    op.create_index("ix_open311_requests_requested_utc", "open311_requests", ["requested_utc"])


def downgrade() -> None:
    op.drop_index("ix_open311_requests_requested_utc", table_name="open311_requests")
    op.drop_index("ix_open311_requests_service_code", table_name="open311_requests")
    op.drop_index("ix_open311_requests_case_id", table_name="open311_requests")
    op.drop_table("open311_requests")
    op.drop_table("open311_api_keys")
