"""Tables of the non-site enforcement pipeline: the local permit registry cache and plate sightings.

Neither is a projection of the event log. ``muck_permits`` mirrors an outside authority's register (the district
big-data centre, or an imported file); what a case relied on is captured as a hashed evidence file and an event.
``muck_sightings`` is camera telemetry (one row per Frigate event with a recognised plate), like ``camera_events``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from console.storage.models import Base, BigId, UtcDateTime


class MuckPermitRow(Base):
    """One plate's permit record (渣土车备案/准运), or a cached "not registered" answer (``record`` null)."""

    __tablename__ = "muck_permits"

    plate: Mapped[str] = mapped_column(String(16), primary_key=True)
    record: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    source: Mapped[str] = mapped_column(String(16))  # api | import | demo
    fetched_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    record_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class MuckSightingRow(Base):
    """A muck truck seen by an AI camera: plate, camera, place and time, and the case it fed (if any)."""

    __tablename__ = "muck_sightings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    plate: Mapped[str] = mapped_column(String(16))
    camera: Mapped[str] = mapped_column(String(64))
    ts_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)  # label, sub_label, uncovered, violations
    case_id: Mapped[str | None] = mapped_column(String(32), nullable=True)

    __table_args__ = (Index("ix_muck_sightings_plate_ts", "plate", "ts_utc"),
                      Index("ix_muck_sightings_case", "case_id"))
