"""collaboration and workstation tables: notes, mentions, handoffs, notices (协同办公), work orders (城运工作站)

All are projections of the event log (console/storage/models_collab.py); rebuild-projections refills them.

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _meta() -> list[sa.Column[object]]:
    return [sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
            sa.Column("last_seq", sa.BigInteger(), nullable=False, server_default="0"),
            sa.Column("extra", sa.JSON(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "collab_notes",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("case_id", sa.String(32), nullable=True),
        sa.Column("parent_id", sa.String(48), nullable=True),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("author_role", sa.String(32), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        *_meta(),
    )
    op.create_index("ix_collab_notes_case_id", "collab_notes", ["case_id"])
    op.create_index("ix_collab_notes_created_at", "collab_notes", ["created_at"])
    op.create_table(
        "collab_mentions",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("note_id", sa.String(48), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=True),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("read", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", _TS, nullable=False),
        *_meta(),
    )
    op.create_index("ix_collab_mentions_target_id", "collab_mentions", ["target_id"])
    op.create_table(
        "collab_handoffs",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("from_id", sa.String(48), nullable=True),
        sa.Column("to_kind", sa.String(16), nullable=False),
        sa.Column("to_id", sa.String(48), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("requested_at", _TS, nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        *_meta(),
    )
    op.create_index("ix_collab_handoffs_case_id", "collab_handoffs", ["case_id"])
    op.create_index("ix_collab_handoffs_to_id", "collab_handoffs", ["to_id"])
    op.create_index("ix_collab_handoffs_status", "collab_handoffs", ["status"])
    op.create_table(
        "collab_notices",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=True),
        *_meta(),
    )
    op.create_index("ix_collab_notices_created_at", "collab_notices", ["created_at"])
    op.create_table(
        "ws_work_orders",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("workstation_id", sa.String(48), nullable=False),
        sa.Column("sensor_id", sa.String(48), nullable=True),
        sa.Column("case_id", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("escalate_at", _TS, nullable=True),
        sa.Column("escalated_at", _TS, nullable=True),
        sa.Column("closed_at", _TS, nullable=True),
        *_meta(),
    )
    op.create_index("ix_ws_work_orders_workstation_id", "ws_work_orders", ["workstation_id"])
    op.create_index("ix_ws_work_orders_sensor_id", "ws_work_orders", ["sensor_id"])
    op.create_index("ix_ws_work_orders_status", "ws_work_orders", ["status"])


def downgrade() -> None:
    for table in ("ws_work_orders", "collab_notices", "collab_handoffs", "collab_mentions", "collab_notes"):
        op.drop_table(table)
