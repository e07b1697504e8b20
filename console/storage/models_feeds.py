"""Tables of the live feeds: latest officer fixes, camera AI events, sensor readings, intake bookkeeping.

None of these are projections of the event log: fixes and readings are high-rate telemetry, camera events are one
row per Frigate event id (updated in place as Frigate refines it), and the intake tables make re-delivery idempotent
(``intake_refs``) and keep personal data of additional reporters of merged cases outside the immutable log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from console.storage.models import Base, BigId, UtcDateTime


class OfficerFixRow(Base):
    """The latest accepted fix per officer (one row each), upserted by the position ingest; the live map reads it."""

    __tablename__ = "officer_fixes"

    officer_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(24))
    device_id: Mapped[str | None] = mapped_column(String(64))
    received_utc: Mapped[datetime] = mapped_column(UtcDateTime)


class CameraEventRow(Base):
    """One Frigate detection event (new/update/end messages fold into this one row, keyed by Frigate's event id)."""

    __tablename__ = "camera_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    camera: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(String(48))
    sub_label: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    top_score: Mapped[float | None] = mapped_column(Float)
    start_time_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    end_time_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    zones: Mapped[list[Any]] = mapped_column(JSON, default=list)
    has_clip: Mapped[bool] = mapped_column(Boolean, default=False)
    has_snapshot: Mapped[bool] = mapped_column(Boolean, default=False)
    plate: Mapped[str | None] = mapped_column(String(32))
    plate_score: Mapped[float | None] = mapped_column(Float)
    last_type: Mapped[str] = mapped_column(String(8))
    updated_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    case_id: Mapped[str | None] = mapped_column(String(32))


class SensorReadingRow(Base):
    """One IoT reading; (sensor, kind, ts) is unique so a redelivered message is ignored."""

    __tablename__ = "sensor_readings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sensor_id: Mapped[str] = mapped_column(String(48))
    kind: Mapped[str] = mapped_column(String(24))
    ts_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    value: Mapped[float] = mapped_column(Float)
    alarm: Mapped[bool] = mapped_column(Boolean, default=False)
    case_id: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (UniqueConstraint("sensor_id", "kind", "ts_utc", name="uq_sensor_readings_key"),
                      Index("ix_sensor_readings_ts", "ts_utc"))


class IntakeRefRow(Base):
    """External reference (Open311 token, 12345 ticket, Frigate event id...) → the case and report it became."""

    __tablename__ = "intake_refs"

    external_ref: Mapped[str] = mapped_column(String(128), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    report_index: Mapped[int] = mapped_column(Integer)
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(24))
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)


class ExtraReporterRow(Base):
    """Personal data of a further reporter merged into a case (the first reporter lives in ``case_reporters``)."""

    __tablename__ = "case_extra_reporters"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    report_index: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    contact_note: Mapped[str | None] = mapped_column(Text)
