"""SQLAlchemy 2 typed tables.

``events`` is the single source of truth (append-only, hash-chained). ``cases``, ``officers`` and ``assets`` are
projections of it and can be rebuilt (``urbanops db rebuild-projections``). ``case_reporters`` holds personal data
outside the immutable log so it can be masked or erased; ``positions`` holds high-rate officer fixes (not events);
``geo_features`` holds the geography in force (WKB, WGS-84; on PostgreSQL a generated PostGIS column indexes it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

UtcDateTime = DateTime(timezone=True)
BigId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite only auto-increments INTEGER PRIMARY KEY


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: UtcDateTime}


class EventRow(Base):
    """One entry of the event log: who, role, when, what, before/after, chained by SHA-256."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    ts_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(48))
    entity_type: Mapped[str] = mapped_column(String(24))
    entity_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_events_entity", "entity_type", "entity_id"),)


class EventChainRow(Base):
    """The head of the hash chain; appenders lock this row so sequence numbers stay gapless and ordered."""

    __tablename__ = "event_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class CaseRow(Base):
    """Current state of a case (案件), projected from its events."""

    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    category_code: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(String(24))
    priority: Mapped[str] = mapped_column(String(8))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    x_m: Mapped[float] = mapped_column(Float)
    y_m: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(Text)
    grid_code: Mapped[str | None] = mapped_column(String(15), index=True)
    community_code: Mapped[str | None] = mapped_column(String(12))
    community_name: Mapped[str | None] = mapped_column(String(64))
    subdistrict_code: Mapped[str | None] = mapped_column(String(12), index=True)
    subdistrict_name: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    step: Mapped[str | None] = mapped_column(String(24))
    step_deadline_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disposal_deadline_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    appeal_status: Mapped[str | None] = mapped_column(String(16))
    stats_exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    rework_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CaseReporterRow(Base):
    """Personal data of a case's reporter, kept outside the immutable log so it can be masked or erased."""

    __tablename__ = "case_reporters"

    case_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    contact_note: Mapped[str | None] = mapped_column(Text)


class CaseCounterRow(Base):
    """Per-day counter for human-readable case numbers (CN + yyyymmdd + 5-digit serial)."""

    __tablename__ = "case_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class OfficerRow(Base):
    """Current state of an officer or inspector (队员/监督员), projected from events; the live fix too."""

    __tablename__ = "officers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    badge_no: Mapped[str | None] = mapped_column(String(32))
    post: Mapped[str] = mapped_column(String(24))  # officer | inspector | leader
    squad_id: Mapped[str | None] = mapped_column(String(32), index=True)
    subdistrict_code: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(24))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    fix_ts_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    heading_deg: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AssetRow(Base):
    """Reference entities projected from events: squads, units, cameras, workrooms, sensors, workstations."""

    __tablename__ = "assets"

    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    parent_id: Mapped[str | None] = mapped_column(String(48))
    subdistrict_code: Mapped[str | None] = mapped_column(String(12))
    community_code: Mapped[str | None] = mapped_column(String(12))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer, default=0)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PositionRow(Base):
    """Officer position history (tracks, replay, coverage); high-rate, so not in the event log."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    officer_id: Mapped[str] = mapped_column(String(32))
    ts_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    heading_deg: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_positions_officer_ts", "officer_id", "ts_utc"), Index("ix_positions_ts", "ts_utc"))


class GeoFeatureRow(Base):
    """Geography in force: district, subdistricts, communities, unit grids, duty grids, streets (WKB, WGS-84)."""

    __tablename__ = "geo_features"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    layer: Mapped[str] = mapped_column(String(24))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    parent_code: Mapped[str | None] = mapped_column(String(32))
    props: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    wkb: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (UniqueConstraint("layer", "code", name="uq_geo_layer_code"),)


class DeadLetterRow(Base):
    """Input that could not be used (feeds, imports): kept with the reason, never silently dropped."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ts_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    channel: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
