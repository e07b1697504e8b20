"""What a case details panel shows for a city ticket: ticket ids, both deadlines and the light, outbox state.

Qt-free (the widget only formats it); one small read of ``city_outbox`` per call, like the panel's other reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from console.city.deadlines import deadline_summary
from console.city.outbound import case_outbox_state
from console.services.context import ServiceContext


def city_badge(ctx: ServiceContext, case_state: dict[str, Any], now_utc: datetime) -> dict[str, Any] | None:
    """None for cases that did not come from (or merge) a platform ticket."""
    tickets = [str(t) for t in (case_state.get("platform_ticket_ids") or [])]
    if not tickets and case_state.get("platform_ticket_id"):
        tickets = [str(case_state["platform_ticket_id"])]
    if not tickets:
        return None
    outbox = case_outbox_state(ctx, str(case_state["id"]))
    state = "stuck" if outbox["stuck"] else "pending" if outbox["pending"] else "synced"
    return {"tickets": tickets, "channel": case_state.get("platform_channel"),
            **deadline_summary(case_state, ctx.sla, now_utc), "outbox": outbox, "outbox_state": state,
            "satisfaction": case_state.get("platform_satisfaction")}


def badge_text_zh(badge: dict[str, Any]) -> str:
    """One line for the panel, e.g. ``城运工单 T-001 · 平台时限 11-24 17:00 · 推送：已同步``."""
    from zoneinfo import ZoneInfo

    local = ZoneInfo("Asia/Shanghai")

    def at(value: str | None) -> str:
        return "—" if not value else datetime.fromisoformat(value).astimezone(local).strftime("%m-%d %H:%M")

    words = {"synced": "已同步", "pending": f"待推送 {badge['outbox']['pending']} 条", "stuck": "推送受阻"}
    text = (f"城运工单 {'、'.join(badge['tickets'])} · 平台时限 {at(badge['platform_deadline_utc'])}"
            f" · 本局时限 {at(badge['sla_deadline_utc'])} · 推送：{words[badge['outbox_state']]}")
    if badge["outbox"]["last_error"]:
        text += f"（{badge['outbox']['last_error']}）"
    return text
