"""feeds tables: latest officer fixes, camera events, sensor readings, intake references, extra reporters

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "officer_fixes",
        sa.Column("officer_id", sa.String(32), primary_key=True),
        sa.Column("ts_utc", _TS, nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("speed_kmh", sa.Float(), nullable=True),
        sa.Column("heading_deg", sa.Float(), nullable=True),
        sa.Column("source", sa.String(24), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=True),
        sa.Column("received_utc", _TS, nullable=False),
    )
    op.create_table(
        "camera_events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("camera", sa.String(64), nullable=False),
        sa.Column("label", sa.String(48), nullable=False),
        sa.Column("sub_label", sa.String(64), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("top_score", sa.Float(), nullable=True),
        sa.Column("start_time_utc", _TS, nullable=True),
        sa.Column("end_time_utc", _TS, nullable=True),
        sa.Column("zones", sa.JSON(), nullable=False),
        sa.Column("has_clip", sa.Boolean(), nullable=False),
        sa.Column("has_snapshot", sa.Boolean(), nullable=False),
        sa.Column("plate", sa.String(32), nullable=True),
        sa.Column("plate_score", sa.Float(), nullable=True),
        sa.Column("last_type", sa.String(8), nullable=False),
        sa.Column("updated_utc", _TS, nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=True),
    )
    op.create_index("ix_camera_events_camera", "camera_events", ["camera"])
    op.create_index("ix_camera_events_start_time_utc", "camera_events", ["start_time_utc"])
    op.create_table(
        "sensor_readings",
        sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("sensor_id", sa.String(48), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("ts_utc", _TS, nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("alarm", sa.Boolean(), nullable=False),
        sa.Column("case_id", sa.String(32), nullable=True),
        sa.UniqueConstraint("sensor_id", "kind", "ts_utc", name="uq_sensor_readings_key"),
    )
    op.create_index("ix_sensor_readings_ts", "sensor_readings", ["ts_utc"])
    op.create_table(
        "intake_refs",
        sa.Column("external_ref", sa.String(128), primary_key=True),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("report_index", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(24), nullable=False),
        sa.Column("created_utc", _TS, nullable=False),
    )
    op.create_index("ix_intake_refs_case_id", "intake_refs", ["case_id"])
    op.create_table(
        "case_extra_reporters",
        sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("report_index", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("contact_note", sa.Text(), nullable=True),
    )
    op.create_index("ix_case_extra_reporters_case_id", "case_extra_reporters", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_extra_reporters_case_id", table_name="case_extra_reporters")
    op.drop_table("case_extra_reporters")
    op.drop_index("ix_intake_refs_case_id", table_name="intake_refs")
    op.drop_table("intake_refs")
    op.drop_index("ix_sensor_readings_ts", table_name="sensor_readings")
    op.drop_table("sensor_readings")
    op.drop_index("ix_camera_events_start_time_utc", table_name="camera_events")
    op.drop_index("ix_camera_events_camera", table_name="camera_events")
    op.drop_table("camera_events")
    op.drop_table("officer_fixes")
