"""Assignment refusals, overrides, batch and unit dispatch, the order's life, SLA escalation — SQLite and PostGIS."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.domain.enums import Role
from console.errors import ConflictError, IllegalActionError, PermissionDeniedError, ValidationError
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.dispatch import DispatchService, due_soon, escalate_overdue
from tests.dispatch.conftest import DISPATCHER, file_case


def n_events(ctx: ServiceContext) -> int:
    return len(CaseService(ctx).events())


def test_off_duty_outside_jurisdiction_and_uncertified_are_refused_and_write_nothing(ctx: ServiceContext) -> None:
    svc = DispatchService(ctx)
    cid = file_case(ctx)  # 暴露垃圾 in 周家桥
    enforcement = file_case(ctx, category="E0201")  # 违规户外广告: an enforcement category
    before = n_events(ctx)
    with pytest.raises(IllegalActionError, match="off duty") as off:
        svc.assign(cid, "OF2", DISPATCHER)
    assert "不在岗" in off.value.message_zh
    with pytest.raises(IllegalActionError, match="jurisdiction") as out:
        svc.assign(cid, "OF1", DISPATCHER)  # 华阳路 officer, 周家桥 case
    assert "不在其辖区" in out.value.message_zh and "华阳路街道" in out.value.message_zh
    with pytest.raises(IllegalActionError, match="certificate") as cert:
        svc.assign(enforcement, "OF3", DISPATCHER)
    assert "无执法证" in cert.value.message_zh
    assert n_events(ctx) == before
    svc.assign(cid, "OF3", DISPATCHER)  # no certificate needed for 暴露垃圾


def test_override_reason_lets_a_dispatcher_assign_across_jurisdiction_and_is_recorded(ctx: ServiceContext) -> None:
    cid = file_case(ctx)
    state = DispatchService(ctx).assign(cid, "OF1", DISPATCHER, override_reason="周家桥中队全员在外，临时支援")
    assert state["assignee"] == "OF1"
    last = CaseService(ctx).events(case_id=cid)[-1]
    assert last.action == "assign" and last.payload == {"override_reason": "周家桥中队全员在外，临时支援"}


def test_second_dispatcher_gets_already_assigned_by_whom_and_when(ctx: ServiceContext) -> None:
    cid = file_case(ctx)
    svc = DispatchService(ctx)
    svc.assign(cid, "OF4", Actor(Role.DISPATCHER, "pq_first"))
    before = n_events(ctx)
    with pytest.raises(ConflictError) as exc:
        svc.assign(cid, "OF3", Actor(Role.DISPATCHER, "pq_second"))
    assert "已由 dispatcher:pq_first 于 2026-11-23 09:00:00 派遣给 OF4" in exc.value.message_zh
    assert "already assigned to OF4 by dispatcher:pq_first at 2026-11-23T01:00:00" in exc.value.message_en
    assert n_events(ctx) == before
    assert CaseService(ctx).get_case(cid)["assignee"] == "OF4"
    svc.assign(cid, "OF3", Actor(Role.DISPATCHER, "pq_second"), reassign=True, override_reason="改派")  # explicit


def test_batch_assign_reports_each_case_and_units_are_targets(ctx: ServiceContext) -> None:
    svc = DispatchService(ctx)
    a, b, c = file_case(ctx), file_case(ctx), file_case(ctx)
    svc.assign(b, "OF4", DISPATCHER)
    result = svc.assign_many([a, b, c], "U-GREEN", DISPATCHER)
    assert result.assigned == [a, c] and list(result.refused) == [b]
    assert "已由" in result.refused[b]
    assert CaseService(ctx).get_case(c)["assignee"] == "U-GREEN"


def test_order_life_through_the_officer_side(ctx: ServiceContext) -> None:
    svc = DispatchService(ctx)
    cid = file_case(ctx)
    svc.assign(cid, "OF4", DISPATCHER)
    assert [o["id"] for o in svc.orders_of("OF4")] == [cid]
    with pytest.raises(PermissionDeniedError):
        svc.progress("OF3", cid, "receive")
    with pytest.raises(ValidationError):
        svc.progress("OF4", cid, "en_route")  # must receive first
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    for stage in ("receive", "en_route", "on_scene"):
        clock.advance(timedelta(minutes=5))
        svc.progress("OF4", cid, stage)
    with pytest.raises(ValidationError):
        svc.progress("OF4", cid, "report_back")  # a result is required
    order = svc.progress("OF4", cid, "report_back", result="已清理完毕", photos=["evidence/abc.jpg"])
    assert order["status"] == "handled"
    events = CaseService(ctx).events(case_id=cid)
    assert [e.action for e in events][-4:] == ["receive", "note", "note", "report_back"]
    assert events[-1].payload == {"stage": "report_back", "photos": ["evidence/abc.jpg"], "result": "已清理完毕"}
    officer_events = [e for e in CaseService(ctx).events() if e.entity_id == "OF4" and e.action == "status"]
    assert [e.after["status"] for e in officer_events if e.after] == ["busy", "en_route", "on_scene", "on_duty_idle"]
    CaseService(ctx).act(cid, "check", Actor(Role.INSPECTOR, "i"))  # back to the dispatcher side for 核查
    assert CaseService(ctx).act(cid, "close", Actor(Role.SHIFT_LEADER, "z"))["status"] == "closed"


def test_status_api_validates(ctx: ServiceContext) -> None:
    svc = DispatchService(ctx)
    with pytest.raises(ValidationError):
        svc.set_status("OF1", "sleeping")
    with pytest.raises(ValidationError):
        svc.set_status("OF1", "on_duty_idle", lon=121.50, lat=31.23)  # outside the district
    assert svc.set_status("OF2", "on_duty_idle", lon=121.4170, lat=31.2199)["status"] == "on_duty_idle"


def test_escalation_once_per_case_per_step_and_due_soon(ctx: ServiceContext) -> None:
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    cid = file_case(ctx)
    deadline = CaseService(ctx).get_case(cid)["deadline"]
    assert [r["id"] for r in due_soon(ctx, 24 * 3600)] == [cid]
    assert escalate_overdue(ctx) == []
    clock.advance(timedelta(days=3))
    assert due_soon(ctx, 3600) == []
    assert escalate_overdue(ctx) == [cid]
    assert escalate_overdue(ctx) == []  # once per step
    case = CaseService(ctx).get_case(cid)
    assert case["supervised"] and case["deadline"] == deadline
    sup = CaseService(ctx).events(case_id=cid)[-1]
    assert sup.action == "supervise" and sup.role == "system" and sup.payload == {"step": "dispatch",
                                                                                   "escalation": "sla_overdue"}
    DispatchService(ctx).assign(cid, "OF4", DISPATCHER)  # a new step (dispose) gets its own clock
    clock.advance(timedelta(days=3))
    assert escalate_overdue(ctx) == [cid]


def test_escalate_every_runs_as_a_timer_and_escalates_once(ctx: ServiceContext, db_url: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`urbanops escalate --every S --rounds N`: the first round escalates the (wall-clock) overdue case, the second
    finds nothing new; --every 0 is refused with exit 2."""
    import json

    from console.cli.main import main

    cid = file_case(ctx)  # filed on 2026-11-23 09:00: its dispatch step is long overdue by the wall clock
    assert main(["escalate", "--every", "0.01", "--rounds", "2", "--db", db_url]) == 0
    out = capsys.readouterr().out
    rounds = [json.loads(chunk) for chunk in out.replace("}\n{", "}\x00{").split("\x00")]
    assert [r["round"] for r in rounds] == [1, 2]
    assert rounds[0]["escalated"] == [cid] and rounds[1]["escalated"] == []
    assert main(["escalate", "--every", "0", "--db", db_url]) == 2
