"""Every indicator on a tiny hand-made log (six cases, every branch), on SQLite and PostgreSQL.

Timeline (Monday 2026-11-02, local; E0101 暴露垃圾: disposal 4 working hours; windows 08:30–12:00, 13:00–16:30):
A inspector: filed 09:10, dispatched 09:15, back 10:15 (1.0 wh), closed 10:45 — on time; one duplicate merged into it.
B hotline: rejected (不予受理).
C hotline: filed 09:15, voided 09:20 (作废 after filing).
D hotline: filed 09:15, dispatched 10:00 (dispatch limit 0.5 h → late), returned by the squad (误派), re-dispatched
  10:10, back 15:30 (late, 4.5 wh from the first dispatch), appeal approved (免责), closed 16:00.
E camera AI: dispatched 09:15, extension +2 wh approved, back 16:00 (on time, 5.75 wh), rework, back again Tuesday
  14:00 (late against the rework's deadline Tue 13:10), closed Tue 14:20.
F hotline: dispatched 09:20, received, never reported back (deadline 14:20 passes) — open and overdue.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from console.analytics.engine import KpiEngine
from console.analytics.loader import load_facts
from console.analytics.period import Period
from console.domain.enums import Role
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import eventstore, projection
from console.storage.db import Database
from console.storage.eventstore import EventDraft
from tests.analytics.kpi_script import Script, local, minutes, reference

WEEK = Period(date(2026, 11, 2), date(2026, 11, 8))


def _script(s: Script) -> dict[str, str]:
    ids: dict[str, str] = {}
    t = local(2, 9, 0)
    a = ids["A"] = s.new(t, source="inspector")
    s.do(a, "accept", Role.CALL_TAKER, t + minutes(5))
    s.do(a, "file", Role.SHIFT_LEADER, t + minutes(10))
    s.do(a, "assign", Role.DISPATCHER, t + minutes(15), target="OF1")
    s.do(a, "receive", Role.HANDLER, t + minutes(20))
    s.do(a, "report_back", Role.HANDLER, t + minutes(75))
    s.do(a, "check", Role.INSPECTOR, t + minutes(90))
    s.do(a, "close", Role.SHIFT_LEADER, t + minutes(105))

    b = ids["B"] = s.new(t)
    s.do(b, "reject", Role.CALL_TAKER, t + minutes(5), reason="重复诉求")

    c = ids["C"] = s.new(t)
    s.do(c, "accept", Role.CALL_TAKER, t + minutes(5))
    s.do(c, "verify", Role.INSPECTOR, t + minutes(10))
    s.do(c, "file", Role.SHIFT_LEADER, t + minutes(15))
    s.do(c, "void", Role.SHIFT_LEADER, t + minutes(20), reason="不属于城管职责")

    d = ids["D"] = s.new(t)
    s.do(d, "accept", Role.CALL_TAKER, t + minutes(5))
    s.do(d, "verify", Role.INSPECTOR, t + minutes(10))
    s.do(d, "file", Role.SHIFT_LEADER, t + minutes(15))
    s.do(d, "assign", Role.DISPATCHER, t + minutes(60), target="OF1")
    s.do(d, "return", Role.HANDLER, t + minutes(65), reason="非本中队辖区")
    s.do(d, "assign", Role.DISPATCHER, t + minutes(70), target="OF1")
    s.do(d, "receive", Role.HANDLER, t + minutes(75))
    s.do(d, "report_back", Role.HANDLER, local(2, 15, 30))
    s.do(d, "appeal", Role.HANDLER, local(2, 15, 35), reason="恶劣天气")
    s.do(d, "appeal_approve", Role.SHIFT_LEADER, local(2, 15, 40))
    s.do(d, "check", Role.INSPECTOR, local(2, 15, 50))
    s.do(d, "close", Role.SHIFT_LEADER, local(2, 16, 0))

    e = ids["E"] = s.new(t, source="camera_ai")
    s.do(e, "accept", Role.CALL_TAKER, t + minutes(5))
    s.do(e, "file", Role.SHIFT_LEADER, t + minutes(10))
    s.do(e, "assign", Role.DISPATCHER, t + minutes(15), target="OF1")
    s.do(e, "receive", Role.HANDLER, t + minutes(20))
    s.do(e, "extend_request", Role.HANDLER, t + minutes(30), reason="协调产权单位",
         payload={"extend_working_hours": 2})
    s.do(e, "extend_approve", Role.DISPATCHER, t + minutes(35))
    s.do(e, "report_back", Role.HANDLER, local(2, 16, 0))
    s.do(e, "rework", Role.INSPECTOR, local(2, 16, 10), reason="未整改到位")
    s.do(e, "receive", Role.HANDLER, local(3, 8, 40))
    s.do(e, "report_back", Role.HANDLER, local(3, 14, 0))
    s.do(e, "check", Role.INSPECTOR, local(3, 14, 10))
    s.do(e, "close", Role.SHIFT_LEADER, local(3, 14, 20))

    f = ids["F"] = s.new(t)
    s.do(f, "accept", Role.CALL_TAKER, t + minutes(5))
    s.do(f, "verify", Role.INSPECTOR, t + minutes(10))
    s.do(f, "file", Role.SHIFT_LEADER, t + minutes(15))
    s.do(f, "assign", Role.DISPATCHER, t + minutes(20), target="OF1")
    s.do(f, "receive", Role.HANDLER, t + minutes(25))
    return ids


@pytest.fixture
def engine(migrated_db: Database) -> tuple[KpiEngine, dict[str, str]]:
    ctx = ServiceContext(migrated_db, clock=ManualClock(local(1, 8, 0)))
    with migrated_db.session() as session:
        w = CaseWriter(session, ctx)
        reference(w)
        ids = _script(Script(w))
        w.flush()
    with migrated_db.session() as session:  # a duplicate report merged into A (the intake helper's event)
        head = eventstore.lock_chain(session)
        stored = eventstore.append(session, [EventDraft(
            actor="sl_a", role="call_taker", action="merge_report", entity_type="case", entity_id=ids["A"],
            case_id=ids["A"], ts_utc=local(2, 9, 30), after={"duplicates": 1}, reason="同一地点重复上报")], head)
        projection.apply(session, stored)
    return KpiEngine(load_facts(migrated_db, as_of_utc=datetime(2026, 11, 9, 4, 0, tzinfo=UTC))), ids


EXPECTED = {  # indicator: (numerator, denominator, shown value)
    "reports": (6, None, "6"),
    "valid_report_rate": (5, 6, "83.33%"),
    "filed": (5, None, "5"),
    "ontime_filing_rate": (5, 5, "100.00%"),
    "accurate_filing_rate": (4, 5, "80.00%"),
    "ontime_dispatch_rate": (3, 4, "75.00%"),
    "accurate_dispatch_rate": (3, 4, "75.00%"),
    "ontime_disposal_rate": (3, 4, "75.00%"),
    "closure_rate": (3, 4, "75.00%"),
    "ontime_closure_rate": (2, 4, "50.00%"),
    "rework_rate": (1, 4, "25.00%"),
    "rework_rate_disposed": (1, 3, "33.33%"),
    "overdue_closure_rate": (1, 3, "33.33%"),
    "extension_rate": (1, 4, "25.00%"),
    "avg_disposal_hours": (3, None, "3.75"),
    "closed_loop_rate": (3, 4, "75.00%"),
    "proactive_rate": (2, 6, "33.33%"),
    "merged_reports": (1, None, "1"),
    "split_reports": (0, None, "0"),
    "overdue_count": (2, None, "2"),
    "overdue_exempt_count": (1, None, "1"),
    "supervised_count": (0, None, "0"),
}


def test_every_indicator_matches_the_hand_count(engine: tuple[KpiEngine, dict[str, str]]) -> None:
    kpi, _ = engine
    rows = {r.indicator.id: r for r in kpi.compute(WEEK, compare=False)}
    assert set(EXPECTED) <= set(rows)
    got = {k: (rows[k].numerator, rows[k].denominator, rows[k].value_text()) for k in EXPECTED}
    assert got == EXPECTED
    # one scripted log per backend serves the other checks too (scripting is the slow part)
    _drill_down_names_the_cases(engine)
    _grouping_and_previous_period(engine)
    _exempt_case_keeps_its_overdue_fact(engine)


def _drill_down_names_the_cases(engine: tuple[KpiEngine, dict[str, str]]) -> None:
    kpi, ids = engine
    assert kpi.drill("accurate_filing_rate", WEEK, part="denominator") == sorted(ids[k] for k in "ACDEF")
    assert kpi.drill("overdue_count", WEEK) == sorted([ids["E"], ids["F"]])
    assert kpi.drill("overdue_exempt_count", WEEK) == [ids["D"]]
    assert kpi.drill("accurate_dispatch_rate", WEEK) == sorted(ids[k] for k in "AEF")
    assert kpi.drill("merged_reports", WEEK) == [ids["A"]]
    assert kpi.drill("proactive_rate", WEEK, by="source", group_key="camera_ai") == [ids["E"]]


def _grouping_and_previous_period(engine: tuple[KpiEngine, dict[str, str]]) -> None:
    kpi, _ = engine
    by_source = {r.group_key: r for r in kpi.compute(WEEK, by="source", indicators=["reports"])}
    assert {k: r.numerator for k, r in by_source.items()} == {"hotline_12345": 4, "inspector": 1, "camera_ai": 1}
    assert by_source["camera_ai"].group_label == "智能视频"
    by_squad = kpi.compute(WEEK, by="squad", indicators=["closure_rate"])
    assert [(r.group_label, r.numerator, r.denominator) for r in by_squad] == [("华阳路中队", 3, 4)]
    by_officer = kpi.compute(WEEK, by="officer", indicators=["closure_rate"])
    assert by_officer[0].group_label == "王伟（OF1）"
    filers = {r.group_key: r.numerator for r in kpi.compute(WEEK, by="filed_by", indicators=["filed"])}
    assert filers == {"zb_a": 5}
    (row,) = kpi.compute(WEEK, indicators=["reports"])
    assert row.previous_value == 0  # nothing the week before
    nxt = Period(date(2026, 11, 9), date(2026, 11, 15))
    (later,) = kpi.compute(nxt, indicators=["reports"])
    assert later.numerator == 0 and later.previous_value == 6


def _exempt_case_keeps_its_overdue_fact(engine: tuple[KpiEngine, dict[str, str]]) -> None:
    kpi, ids = engine
    facts = kpi.facts
    row = list(facts.case_id).index(ids["D"])
    assert bool(facts.columns["overdue"][row]) and bool(facts.columns["exempt"][row])
    assert not bool(facts.columns["closed_on_time"][row])  # the fact is kept; only the indicator exempts it
