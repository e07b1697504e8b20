"""Dispatch uses duty state: rostered-off officers are not recommended and are refused without an override (real
database, the roster only — no status events), conflicting orders are flagged on the recommendation, in the assign
result and in the event."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from console.domain.enums import Role
from console.duty.roster import RosterService
from console.errors import IllegalActionError
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.dispatch import DispatchService
from console.services.recommend import recommend
from console.services.writer import CaseWriter
from console.world import World
from tests.duty.conftest import DISPATCHER, LEADER, ZHONGSHAN_PARK

MON = date(2026, 11, 30)


def file_case(ctx: ServiceContext, lon: float = ZHONGSHAN_PARK[0], lat: float = ZHONGSHAN_PARK[1]) -> str:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        cid = str(w.create_case(category="E0101", lon=lon, lat=lat, source="inspector",
                                actor=Actor(Role.INSPECTOR, "i"))["id"])
        w.act(cid, "accept", Actor(Role.CALL_TAKER, "c"))
        w.act(cid, "file", Actor(Role.SHIFT_LEADER, "z"))
        w.flush()
    return cid


@pytest.fixture
def rostered(duty_ctx: ServiceContext) -> ServiceContext:
    # two_on_two_off on Monday 2026-11-30: OF1 and OF3 on the day shift, OF2 and OF4 resting.
    RosterService(duty_ctx).generate("SQ005", MON, 7, "two_on_two_off", LEADER)
    return duty_ctx


def test_rostered_off_officers_are_not_recommended(rostered: ServiceContext) -> None:
    cid = file_case(rostered)
    before = [r.officer_id for r in recommend(rostered, rostered.db, cid, top=5)]
    assert "OF2" not in before and "OF4" not in before  # status still on_duty_idle: only the roster says off
    assert {"OF1", "OF3"} <= set(before)
    world = World()
    world.load(rostered.db)
    assert [r.officer_id for r in recommend(rostered, world, cid, top=5)] == before
    # Tuesday 20:30 local: everyone's day shift is over, the roster has nobody of SQ005 on duty
    assert isinstance(rostered.clock, ManualClock)
    rostered.clock.set(datetime(2026, 12, 1, 12, 30, tzinfo=UTC))
    late = [r.officer_id for r in recommend(rostered, rostered.db, cid, top=5)]
    assert not {"OF1", "OF2", "OF3", "OF4"} & set(late)


def test_assign_refuses_rostered_off_without_override(rostered: ServiceContext) -> None:
    cid = file_case(rostered)
    svc = DispatchService(rostered)
    n = len(CaseService(rostered).events())
    with pytest.raises(IllegalActionError, match="off duty") as info:
        svc.assign(cid, "OF2", DISPATCHER)
    assert "不在岗" in info.value.message_zh
    assert len(CaseService(rostered).events()) == n
    state = svc.assign(cid, "OF2", DISPATCHER, override_reason="紧急加班，已电话确认")
    assert state["assignee"] == "OF2"
    assert [w["code"] for w in state["warnings"]] == ["off_duty"]
    last = CaseService(rostered).events(case_id=cid)[-1]
    assert last.payload == {"override_reason": "紧急加班，已电话确认", "duty_warnings": ["off_duty"]}


def test_conflicting_orders_are_flagged(rostered: ServiceContext) -> None:
    svc = DispatchService(rostered)
    first, second, third = file_case(rostered), file_case(rostered), file_case(rostered)
    assert svc.assign(first, "OF1", DISPATCHER)["warnings"] == []
    state = svc.assign(second, "OF1", DISPATCHER)
    assert [w["code"] for w in state["warnings"]] == ["active_orders"]
    assert "派单冲突" in state["warnings"][0]["zh"]
    assert CaseService(rostered).events(case_id=second)[-1].payload == {"duty_warnings": ["active_orders"]}
    recs = {r.officer_id: r for r in recommend(rostered, rostered.db, third, top=5)}
    assert [w.code for w in recs["OF1"].warnings] == ["active_orders"]
    assert any("派单冲突" in reason for reason in recs["OF1"].reasons)
    assert recs["OF3"].warnings == ()
    # 12:10 local: the roster has OF3 on its lunch break — still recommendable, but flagged
    assert isinstance(rostered.clock, ManualClock)
    rostered.clock.set(datetime(2026, 11, 30, 4, 10, tzinfo=UTC))
    recs = {r.officer_id: r for r in recommend(rostered, rostered.db, third, top=5)}
    assert "on_break" in [w.code for w in recs["OF3"].warnings]
    # 19:45 local: OF3's shift ends at 20:00, sooner than it could arrive plus half an hour
    rostered.clock.set(datetime(2026, 11, 30, 11, 45, tzinfo=UTC))
    recs = {r.officer_id: r for r in recommend(rostered, rostered.db, third, top=5)}
    assert "shift_ending" in [w.code for w in recs["OF3"].warnings]
