"""Read the fact table's inputs from a database in one pass: the case projection, case events and officers."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import func, select

from console.analytics.facts import EVENT_ACTIONS, CaseFacts, build_facts
from console.domain.calendar import WorkingCalendar
from console.domain.taxonomy import default_taxonomy
from console.storage.db import Database
from console.storage.models import AssetRow, CaseRow, EventRow, OfficerRow

CASE_COLUMNS = ("id", "status", "category_code", "source", "grid_code", "community_code", "community_name",
                "subdistrict_code", "subdistrict_name", "assignee", "created_at", "closed_at", "disposal_deadline_utc",
                "stats_exempt")


def last_event_seq(db: Database) -> int:
    """The newest event's sequence number (cheap; lets a live view skip reloads when nothing changed)."""
    with db.read_session() as s:
        return int(s.execute(select(func.max(EventRow.seq))).scalar() or 0)


def load_facts(db: Database, *, as_of_utc: datetime | None = None, calendar: WorkingCalendar | None = None
               ) -> CaseFacts:
    """The fact table for every case in the database, as of ``as_of_utc`` (default: now)."""
    case_t = CaseRow.__table__
    ev_t = EventRow.__table__
    with db.read_session() as s:
        case_rows = s.execute(select(*[case_t.c[c] for c in CASE_COLUMNS])).all()
        ev_rows = s.execute(
            select(ev_t.c.seq, ev_t.c.case_id, ev_t.c.action, ev_t.c.ts_utc, ev_t.c.actor, ev_t.c.before)
            .where(ev_t.c.entity_type == "case", ev_t.c.action.in_(EVENT_ACTIONS)).order_by(ev_t.c.seq)).all()
        last_seq = int(s.execute(select(func.max(ev_t.c.seq))).scalar() or 0)
        officers = s.execute(select(OfficerRow.id, OfficerRow.name, OfficerRow.squad_id)).all()
        squads = s.execute(select(AssetRow.id, AssetRow.name).where(AssetRow.kind.in_(("squad", "unit")))).all()
    cases = pd.DataFrame([tuple(r) for r in case_rows], columns=list(CASE_COLUMNS))
    events = pd.DataFrame([tuple(r) for r in ev_rows], columns=["seq", "case_id", "action", "ts_utc", "actor", "before"])
    officer_df = pd.DataFrame([tuple(r) for r in officers], columns=["id", "name", "squad_id"])
    taxonomy = default_taxonomy()
    cat_names = {code: c.minor_name for code, c in taxonomy.categories.items()}
    as_of = (as_of_utc or datetime.now(UTC)).timestamp()
    facts = build_facts(cases, events, officers=officer_df, squad_names={str(i): str(nm) for i, nm in squads},
                        category_names=cat_names, calendar=calendar, as_of_s=as_of)
    facts.last_seq = last_seq
    return facts
