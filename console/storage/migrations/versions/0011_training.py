"""training, drill and scenario tables: courses, sessions, attendance, drills, drill scores, drill injections

Revision ID: 0011
Revises: 0010
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def _projected() -> list[sa.Column[object]]:
    return [
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_seq", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("extra", sa.JSON(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "training_courses",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("title", sa.String(128), nullable=False),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        *_projected(),
    )
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("course_id", sa.String(48), nullable=False),
        sa.Column("starts_utc", _TS, nullable=False),
        sa.Column("location", sa.String(128), nullable=True),
        sa.Column("trainer", sa.String(64), nullable=True),
        *_projected(),
    )
    op.create_index("ix_training_sessions_course_id", "training_sessions", ["course_id"])
    op.create_table(
        "training_attendance",
        sa.Column("id", sa.String(112), primary_key=True),
        sa.Column("session_id", sa.String(48), nullable=False),
        sa.Column("officer_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        *_projected(),
    )
    op.create_index("ix_training_attendance_session_id", "training_attendance", ["session_id"])
    op.create_index("ix_training_attendance_officer_id", "training_attendance", ["officer_id"])
    op.create_table(
        "training_drills",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("at_utc", _TS, nullable=False),
        sa.Column("end_utc", _TS, nullable=True),
        sa.Column("speed", sa.Float(), nullable=False, server_default="1"),
        sa.Column("scenario", sa.String(128), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        *_projected(),
    )
    op.create_table(
        "training_drill_scores",
        sa.Column("id", sa.String(112), primary_key=True),
        sa.Column("drill_id", sa.String(48), nullable=False),
        sa.Column("trainee", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sla_met", sa.Integer(), nullable=False, server_default="0"),
        *_projected(),
    )
    op.create_index("ix_training_drill_scores_drill_id", "training_drill_scores", ["drill_id"])
    op.create_index("ix_training_drill_scores_trainee", "training_drill_scores", ["trainee"])
    op.create_table(
        "drill_injections",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("drill_id", sa.String(48), nullable=False),
        sa.Column("due_utc", _TS, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("truth", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=True),
        sa.Column("injected_utc", _TS, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index("ix_drill_injections_drill_id", "drill_injections", ["drill_id"])
    op.create_index("ix_drill_injections_due_utc", "drill_injections", ["due_utc"])
    op.create_index("ix_drill_injections_case_id", "drill_injections", ["case_id"])


def downgrade() -> None:
    op.drop_table("drill_injections")
    op.drop_table("training_drill_scores")
    op.drop_table("training_drills")
    op.drop_table("training_attendance")
    op.drop_table("training_sessions")
    op.drop_table("training_courses")
