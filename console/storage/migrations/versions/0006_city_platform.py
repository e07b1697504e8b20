"""city_platform tables: platform tickets, sync cursors, outbox of status updates

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "city_tickets",
        sa.Column("ticket_id", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("link_seq", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("platform_deadline_utc", _TS, nullable=True),
        sa.Column("platform_updated_utc", _TS, nullable=True),
        sa.Column("satisfaction", sa.String(24), nullable=True),
        sa.Column("satisfaction_note", sa.Text(), nullable=True),
        sa.Column("received_utc", _TS, nullable=False),
        sa.Column("updated_utc", _TS, nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
    )
    op.create_index("ix_city_tickets_case_id", "city_tickets", ["case_id"])
    op.create_table(
        "city_sync_state",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("updated_utc", _TS, nullable=True),
    )
    op.create_table(
        "city_outbox",
        sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("ticket_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(160), nullable=False, unique=True),
        sa.Column("event_seq", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_attempt_utc", _TS, nullable=True),
        sa.Column("next_attempt_utc", _TS, nullable=True),
        sa.Column("sent_at", _TS, nullable=True),
        sa.Column("acked_at", _TS, nullable=True),
    )
    op.create_index("ix_city_outbox_case_id", "city_outbox", ["case_id"])
    op.create_index("ix_city_outbox_ticket_id", "city_outbox", ["ticket_id", "id"])
    op.create_index("ix_city_outbox_acked", "city_outbox", ["acked_at"])


def downgrade() -> None:
    op.drop_table("city_outbox")
    op.drop_table("city_sync_state")
    op.drop_table("city_tickets")
