"""Two clocks run on a city ticket: the platform's deadline (办结时限) and the bureau's own SLA; the earlier wins.

``effective_deadline`` is what drives the red light of a city-platform case; the UI shows both deadlines beside it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from console.domain.enums import CaseStatus
from console.domain.sla import SlaPolicy
from console.storage.eventstore import as_utc


def _ts(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def platform_deadline(case_state: dict[str, Any]) -> datetime | None:
    """The platform's deadline carried by the case (earliest over merged tickets), aware UTC."""
    return _ts(case_state.get("platform_deadline_utc"))


def sla_deadline(case_state: dict[str, Any]) -> datetime | None:
    """The bureau's current step deadline (what the queue's light uses for other cases)."""
    return _ts(case_state.get("step_deadline_utc"))


def effective_deadline(case_state: dict[str, Any]) -> datetime | None:
    """The earlier of the platform deadline and the bureau's SLA deadline; None for closed cases or without either."""
    status = case_state.get("status")
    if status is not None and not CaseStatus(str(status)).is_open:
        return None
    candidates = [d for d in (platform_deadline(case_state), sla_deadline(case_state)) if d is not None]
    return min(candidates) if candidates else None


def effective_light(case_state: dict[str, Any], sla: SlaPolicy, now_utc: datetime) -> str | None:
    """red / yellow / green from the effective deadline (None when no deadline applies)."""
    deadline = effective_deadline(case_state)
    return None if deadline is None else sla.light(deadline, now_utc)


def deadline_summary(case_state: dict[str, Any], sla: SlaPolicy, now_utc: datetime) -> dict[str, Any]:
    """Both deadlines, which one governs, and the light (for details panels, CLI and JSON)."""
    plat, own, eff = platform_deadline(case_state), sla_deadline(case_state), effective_deadline(case_state)
    governs = None
    if eff is not None:
        governs = "platform" if plat is not None and eff == plat else "sla"
    return {"platform_deadline_utc": None if plat is None else plat.isoformat(),
            "sla_deadline_utc": None if own is None else own.isoformat(),
            "effective_deadline_utc": None if eff is None else eff.isoformat(), "governed_by": governs,
            "light": None if eff is None else sla.light(eff, now_utc)}
