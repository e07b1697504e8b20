"""duty: roster projection (排班) and officers' contact data kept outside the event log

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "roster",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("officer_id", sa.String(32), nullable=False),
        sa.Column("squad_id", sa.String(32), nullable=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("shift_code", sa.String(8), nullable=False),
        sa.Column("start_utc", _TS, nullable=True),
        sa.Column("end_utc", _TS, nullable=True),
        sa.Column("duty_grids", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
    )
    op.create_index("ix_roster_day_squad", "roster", ["day", "squad_id"])
    op.create_index("ix_roster_officer_day", "roster", ["officer_id", "day"])
    op.create_table(
        "officer_contacts",
        sa.Column("officer_id", sa.String(32), primary_key=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_utc", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("officer_contacts")
    op.drop_index("ix_roster_officer_day", table_name="roster")
    op.drop_index("ix_roster_day_squad", table_name="roster")
    op.drop_table("roster")
