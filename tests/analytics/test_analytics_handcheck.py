"""The published hand check: 972 cases due, 911 closed, 737 on time → 结案率 93.72 %, 按期结案率 75.82 %.

Once on a fact table built directly, once end to end through real commands and events on SQLite.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from console.analytics.engine import KpiEngine
from console.analytics.facts import CaseFacts
from console.analytics.loader import load_facts
from console.analytics.period import Period
from console.domain.enums import Role
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade
from tests.analytics.kpi_script import Script, local, reference

WEEK = Period(date(2026, 11, 2), date(2026, 11, 8))


def _figure(engine: KpiEngine, indicator: str, period: Period = WEEK) -> tuple[float, float | None, str]:
    (row,) = engine.compute(period, indicators=[indicator], compare=False)
    return row.numerator, row.denominator, row.value_text()


def test_handcheck_on_a_direct_fact_table() -> None:
    n_due, n_closed, n_on_time, n_other = 972, 911, 737, 300
    n = n_due + n_other
    in_week = WEEK.start_s + 3600.0 * np.arange(n) % (6 * 86400)
    anchor = np.where(np.arange(n) < n_due, in_week, WEEK.start_s - 86400.0)  # the others fall in the week before
    idx = np.arange(n)
    closed = (idx < n_closed) | (idx >= n_due)
    facts = CaseFacts.from_columns(
        [f"C{i:05d}" for i in range(n)],
        {"due_close": np.ones(n, bool), "close_anchor": anchor, "closed": closed,
         "closed_at": np.where(closed, anchor, np.nan), "closed_on_time": idx < n_on_time,
         "overdue": (idx >= n_on_time) & (idx < n_due)},
        as_of_s=WEEK.end_s)
    engine = KpiEngine(facts)
    assert _figure(engine, "closure_rate") == (911, 972, "93.72%")
    assert _figure(engine, "ontime_closure_rate") == (737, 972, "75.82%")
    assert _figure(engine, "结案率")[2] == "93.72%"  # Chinese names work as ids too
    assert len(engine.drill("closure_rate", WEEK)) == 911
    assert len(engine.drill("closure_rate", WEEK, part="denominator")) == 972
    ids = set(engine.drill("ontime_closure_rate", WEEK))
    assert ids == {f"C{i:05d}" for i in range(737)}
    # the previous week holds the 300 others, all closed on time
    (row,) = engine.compute(WEEK, indicators=["closure_rate"])
    assert row.previous_value == pytest.approx(1.0)
    assert row.change == pytest.approx(911 / 972 - 1.0)


def _write_972(s: Script) -> None:
    """737 closed on time, 174 closed after reporting back late, 61 still open past their deadline."""
    for i in range(972):
        t0 = local(2 + (i % 3), 9, 0) + timedelta(seconds=i)  # Mon–Wed 09:00
        cid = s.new(t0, source="inspector")
        s.do(cid, "accept", Role.CALL_TAKER, t0 + timedelta(minutes=2))
        s.do(cid, "file", Role.SHIFT_LEADER, t0 + timedelta(minutes=5))
        s.do(cid, "assign", Role.DISPATCHER, t0 + timedelta(minutes=10), target="OF1")  # deadline 4 working hours
        s.do(cid, "receive", Role.HANDLER, t0 + timedelta(minutes=15))
        if i >= 911:
            continue
        late = i >= 737
        back = t0 + (timedelta(hours=7) if late else timedelta(hours=1))
        s.do(cid, "report_back", Role.HANDLER, back)
        s.do(cid, "check", Role.INSPECTOR, back + timedelta(minutes=10))
        s.do(cid, "close", Role.SHIFT_LEADER, back + timedelta(minutes=20))


def test_handcheck_end_to_end_through_events(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(make_engine(f"sqlite:///{tmp_path / 'hand.db'}"))
    upgrade(db)
    from console.services.clock import ManualClock
    from console.services.context import ServiceContext
    from console.services.writer import CaseWriter

    ctx = ServiceContext(db, clock=ManualClock(local(1, 8, 0)))
    with db.session() as session:
        w = CaseWriter(session, ctx)
        reference(w)
        _write_972(Script(w))
        w.flush()
    facts = load_facts(db, as_of_utc=local(9, 12, 0))
    engine = KpiEngine(facts)
    assert _figure(engine, "closure_rate") == (911, 972, "93.72%")
    assert _figure(engine, "ontime_closure_rate") == (737, 972, "75.82%")
    assert _figure(engine, "overdue_count")[0] == 972 - 737
    assert _figure(engine, "ontime_disposal_rate") == (737, 972, "75.82%")
    by_day = {r.group_key: r for r in engine.compute(WEEK, by="day", indicators=["reports"])}
    assert by_day["2026-11-02"].numerator == 324 and "2026-11-05" not in by_day
    db.dispose()
