"""Open311 GeoReport v2 bookkeeping: API keys and the mapping request id ↔ token ↔ case.

Neither table is a projection: keys are configuration, and a service request is a resident-facing handle on a report
that the intake service turned into (or merged into) a case. Several requests can point at one case after a merge.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from console.storage.models import Base, UtcDateTime


class Open311ApiKeyRow(Base):
    """A client allowed to POST requests; ``channel`` is the SourceChannel its requests carry."""

    __tablename__ = "open311_api_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(24))
    allow_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)  # may also file without contact data
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)


class Open311RequestRow(Base):
    """One POSTed service request: its public id and token, and the case it created or joined."""

    __tablename__ = "open311_requests"

    service_request_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    service_code: Mapped[str] = mapped_column(String(16), index=True)
    channel: Mapped[str] = mapped_column(String(24))
    workroom_id: Mapped[str | None] = mapped_column(String(48))
    api_key_name: Mapped[str | None] = mapped_column(String(64))
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_utc: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
