"""evidence tables: muck-truck permit registry cache and plate sightings (non-site enforcement)

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "muck_permits",
        sa.Column("plate", sa.String(16), primary_key=True),
        sa.Column("record", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("fetched_utc", _TS, nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=True),
    )
    op.create_table(
        "muck_sightings",
        sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("camera", sa.String(64), nullable=False),
        sa.Column("ts_utc", _TS, nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=True),
    )
    op.create_index("ix_muck_sightings_plate_ts", "muck_sightings", ["plate", "ts_utc"])
    op.create_index("ix_muck_sightings_case", "muck_sightings", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_muck_sightings_case", table_name="muck_sightings")
    op.drop_index("ix_muck_sightings_plate_ts", table_name="muck_sightings")
    op.drop_table("muck_sightings")
    op.drop_table("muck_permits")
