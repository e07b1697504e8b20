"""KPIs as they stood at a replay instant (回放时刻的考核指标): the analytics engine over the state and events ≤ t.

The fact table is built exactly as the live dashboard builds it (``console.analytics.facts.build_facts``), but from the
replay's state at *t* (cases) and its case events with ts ≤ t, with ``as_of`` = t — so an "overdue" or "closed on
time" figure is what the duty room would have seen at that moment, not what is known today.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from console.analytics.engine import KpiEngine, KpiRow
from console.analytics.facts import build_facts
from console.analytics.period import Period
from console.analytics.snapshot import HEADLINE, local_day
from console.replay.session import ReplaySession
from console.replay.source import to_epoch_s

CASE_COLUMNS = ("id", "status", "category_code", "source", "grid_code", "community_code", "community_name",
                "subdistrict_code", "subdistrict_name", "assignee", "created_at", "closed_at",
                "disposal_deadline_utc", "stats_exempt")


def kpis_at(session: ReplaySession, t: datetime | float, indicators: tuple[str, ...] = HEADLINE) -> list[KpiRow]:
    """The headline indicators for the local day of ``t``, computed over what had happened by ``t``."""
    t_s = to_epoch_s(t) if isinstance(t, datetime) else float(t)
    state = session.state_at(t_s)
    cases = pd.DataFrame([{k: c.get(k) for k in CASE_COLUMNS} for c in state.cases.values()],
                         columns=list(CASE_COLUMNS))
    cases["stats_exempt"] = cases["stats_exempt"].fillna(False).astype(bool)
    k = session.index.count_at(t_s)
    rows = [{"seq": e.seq, "case_id": e.case_id, "action": e.action, "ts_utc": e.ts_utc, "actor": e.actor,
             "before": e.before} for e in (*session.base_case_events, *session.index.events[:k])
            if e.case_id and e.entity_type == "case"]
    events = pd.DataFrame(rows, columns=["seq", "case_id", "action", "ts_utc", "actor", "before"])
    facts = build_facts(cases, events, as_of_s=t_s)
    day = local_day(datetime.fromtimestamp(t_s, UTC))
    return KpiEngine(facts).compute(Period(day, day), indicators=list(indicators))

