"""Injection at the right sim time, in order, through intake; scoring on a hand-built drill."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from console.domain.enums import Role
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.dispatch import DispatchService
from console.services.writer import CaseWriter
from console.storage import eventstore
from console.storage.db import Database, make_engine
from console.storage.models import CaseRow, PositionRow
from console.storage.models_training import DrillInjectionRow, DrillScoreRow
from console.training.drill import DrillRunner, Injector, drill_of, prepare_drill
from console.training.scoring import record_scores, score_drill
from tests.training.conftest import FIX_OF4_0859, POINT_B, POINT_C, T0, Recording, local

OF3_HOME = (121.4120, 31.2210)  # OFFICERS in conftest


def _xy(p: tuple[float, float]) -> tuple[float, float]:
    x, y = lonlat_wgs84_to_xy_m([p[0]], [p[1]])
    return float(x[0]), float(y[0])


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    (ax, ay), (bx, by) = _xy(a), _xy(b)
    return math.hypot(ax - bx, ay - by)


@pytest.fixture
def sandbox(recording: Recording, tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'drill.db'}"
    info = prepare_drill(recording.url, T0, url, speed=10, duration=timedelta(hours=1))
    assert info.injections == 2  # B and C arrived within the hour; D (10:30) is after it
    return Database(make_engine(url))


def test_injected_cases_arrive_in_order_at_their_time(sandbox: Database, recording: Recording) -> None:
    drill = drill_of(sandbox)
    assert drill is not None and drill["status"] == "prepared"
    ctx = ServiceContext(sandbox, clock=ManualClock(T0))
    inj = Injector(ctx, str(drill["id"]))
    assert inj.inject_due(local(9, 4)) == []
    first = inj.inject_due(local(9, 6))
    assert len(first) == 1
    assert inj.inject_due(local(9, 6)) == []  # never twice
    second = inj.inject_due(local(9, 59))
    assert len(second) == 1 and inj.pending() == 0
    with sandbox.read_session() as s:
        b = s.get(CaseRow, first[0])
        c = s.get(CaseRow, second[0])
        creates = [e for e in eventstore.read(s, 0) if e.action == "create" and e.entity_type == "case"]
        truth = {r.case_id: r.truth for r in s.scalars(select(DrillInjectionRow))}
    assert b is not None and c is not None
    assert eventstore.as_utc(b.created_at) == local(9, 5) and eventstore.as_utc(c.created_at) == local(9, 10)
    assert (b.category_code, b.lon, b.lat, b.source) == ("E0109", *POINT_B, "inspector")
    assert (c.category_code, c.lon, c.lat, c.status) == ("E0304", *POINT_C, "reported")
    assert [e.entity_id for e in creates][-2:] == [first[0], second[0]]
    assert creates[-1].actor == "drill_inject" and (creates[-1].after or {})["drill_injection"].endswith(":0002")
    assert truth[first[0]]["assignee"] == "OF4" and truth[first[0]]["case_id"] == recording.ids["B"]
    assert truth[second[0]]["assignee"] == "OF1"


def _act(ctx: ServiceContext, clock: ManualClock, when, case_id: str, action: str, actor: Actor,  # type: ignore[no-untyped-def]
         target: str | None = None, payload: dict | None = None) -> None:
    clock.set(when)
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        w.act(case_id, action, actor, target=target, payload=payload)
        w.flush()


def test_scoring_a_hand_built_drill(sandbox: Database) -> None:
    drill = drill_of(sandbox)
    assert drill is not None
    clock = ManualClock(T0)
    ctx = ServiceContext(sandbox, clock=clock)
    inj = Injector(ctx, str(drill["id"]))
    [b] = inj.inject_due(local(9, 5))
    [c] = inj.inject_due(local(9, 10))
    li, wu = "li", "wu"
    # trainee li: B filed 09:08, dispatched 09:09 to OF4 (in jurisdiction); OF4 on scene 09:21
    _act(ctx, clock, local(9, 7), b, "accept", Actor(Role.CALL_TAKER, li))
    _act(ctx, clock, local(9, 8), b, "file", Actor(Role.SHIFT_LEADER, li))
    _act(ctx, clock, local(9, 9), b, "assign", Actor(Role.DISPATCHER, li), target="OF4")
    mid = (121.4100, 31.2200)
    with sandbox.session() as s:
        s.add_all([PositionRow(officer_id="OF4", ts_utc=local(9, 14), lon=mid[0], lat=mid[1]),
                   PositionRow(officer_id="OF4", ts_utc=local(9, 20), lon=POINT_B[0], lat=POINT_B[1])])
    disp = DispatchService(ctx)
    for when, stage in ((local(9, 15), "receive"), (local(9, 16), "en_route"), (local(9, 21), "on_scene")):
        clock.set(when)
        disp.progress("OF4", b, stage)
    # trainee wu: C (华阳路, enforcement) filed 09:08, dispatched 09:37 to OF3 — 周家桥, no certificate — with a reason
    _act(ctx, clock, local(9, 11), c, "accept", Actor(Role.CALL_TAKER, wu))
    _act(ctx, clock, local(9, 12), c, "file", Actor(Role.SHIFT_LEADER, wu))
    _act(ctx, clock, local(9, 37), c, "assign", Actor(Role.DISPATCHER, wu), target="OF3",
         payload={"override_reason": "演练：就近"})

    report = score_drill(sandbox)
    by = {t.trainee: t for t in report.trainees}
    assert set(by) == {li, wu} and report.missed == [] and report.not_injected == []
    [sb] = by[li].cases
    assert sb.case_id == b and sb.officer == "OF4"
    assert sb.response_s == 4 * 60  # 09:05 → 09:09
    assert sb.real_response_s == 7 * 60  # recording: 09:05 → 09:12
    assert sb.sla_met is True  # dispatch limit 0.5 urgent hours from filing at 09:08
    assert sb.arrival_s == 12 * 60  # 09:09 → on scene 09:21
    assert sb.real_arrival_s == 13 * 60  # recording: 09:12 → 09:25
    assert sb.distance_straight_m == pytest.approx(_dist(FIX_OF4_0859, POINT_B), abs=0.1)
    assert sb.distance_travelled_m == pytest.approx(_dist(FIX_OF4_0859, mid) + _dist(mid, POINT_B), abs=0.2)
    assert not sb.wrong_unit and not sb.wrong_category and sb.same_officer_as_real is True
    assert sb.points == 100  # faster than the real dispatcher, in time, right officer
    [sc] = by[wu].cases
    assert sc.response_s == 27 * 60 and sc.real_response_s == 20 * 60
    assert sc.sla_met is True  # 09:37 ≤ 09:12 + 30 min
    assert sc.wrong_unit and sc.wrong_category and sc.override_reason == "演练：就近"
    assert sc.same_officer_as_real is False and sc.arrival_s is None
    # OF3's only fix (08:20) is older than the sandbox keeps: its recorded position stands
    assert sc.distance_straight_m == pytest.approx(_dist(OF3_HOME, POINT_C), abs=0.1)
    # 100 − wrong unit 25 − wrong category 25 − 7 min slower × 2 = 36
    assert sc.points == 36
    assert by[wu].score == 36 and by[li].score == 100

    record_scores(ctx, report)
    with sandbox.read_session() as s:
        rows = {r.trainee: r for r in s.scalars(select(DrillScoreRow))}
        assert eventstore.verify(s).ok
    assert rows[li].score == 100 and rows[wu].score == 36 and rows[wu].drill_id == drill["id"]
    assert (drill_of(sandbox) or {})["status"] == "scored"


def test_a_case_nobody_dispatched_is_missed(sandbox: Database) -> None:
    runner = DrillRunner(sandbox, simulate_field=False)
    runner.run(tick_sim_s=60)
    assert runner.finished and runner.injector.pending() == 0
    report = score_drill(sandbox)
    assert report.trainees == [] and len(report.missed) == 2
    assert all(m.sla_met is False for m in report.missed)  # neither was even accepted: the 受理 limit passed
    assert (drill_of(sandbox) or {})["status"] == "finished"


def test_backlog_waiting_at_t_is_scored_from_the_drill_start(recording: Recording, tmp_path: Path) -> None:
    """A case filed at 08:50 and still waiting at 09:00 (really dispatched at 09:15) is scored like an injected one,
    timed from the drill's start."""
    from tests.training.conftest import POINT_D, _case

    rec_clock = ManualClock(local(8, 45))
    rec_ctx = ServiceContext(recording.db, clock=rec_clock)
    ct, sl = Actor(Role.CALL_TAKER, "c"), Actor(Role.SHIFT_LEADER, "z")
    e = _case(rec_ctx, "E0101", POINT_D, local(8, 45), [("accept", local(8, 46), ct, None),
                                                         ("file", local(8, 50), sl, None)])
    _act(rec_ctx, rec_clock, local(9, 15), e, "assign", Actor(Role.DISPATCHER, "pq_real"), "OF1")
    url = f"sqlite:///{tmp_path / 'backlog.db'}"
    info = prepare_drill(recording.url, T0, url, duration=timedelta(hours=1))
    assert info.injections == 3  # B, C and the waiting E
    db = Database(make_engine(url))
    with db.read_session() as s:
        row = s.scalars(select(DrillInjectionRow).where(DrillInjectionRow.case_id == e)).one()
    assert row.spec["origin"] == "backlog" and row.truth["assignee"] == "OF1"
    clock = ManualClock(local(9, 3))
    ctx = ServiceContext(db, clock=clock)
    _act(ctx, clock, local(9, 3), e, "assign", Actor(Role.DISPATCHER, "li"), target="OF1")
    report = score_drill(db)
    [t] = report.trainees
    [cs] = t.cases
    assert cs.case_id == e and cs.trainee == "li"
    assert cs.response_s == 3 * 60  # 09:00 (drill start) → 09:03
    assert cs.real_response_s == 15 * 60  # 09:00 → 09:15 in the recording
    assert cs.sla_met is True  # filed 08:50, dispatch limit 30 min → 09:20
    assert cs.same_officer_as_real is True and cs.points == 100
    db.dispose()
