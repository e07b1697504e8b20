"""outbox: applied_commands — idempotency keys of commands replayed from a console's local outbox

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "applied_commands",
        sa.Column("command_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("queued_at_utc", _TS, nullable=False),
        sa.Column("applied_at_utc", _TS, nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=True),
        sa.Column("entity_id", sa.String(64), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("applied_commands")
