"""The closed-loop table and engine: legal paths, refusals, guards, and the table as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.domain.enums import CaseStatus, Role
from console.domain.workflow import default_workflow, load_workflow, plan_transition
from console.errors import DataFileError, IllegalActionError, PermissionDeniedError, ValidationError

WF = default_workflow()


def run(case: dict, action: str, role: Role, **kw: str) -> dict:
    plan = plan_transition(WF, case, action, role, **kw)
    new = dict(case)
    new.update(plan.changes)
    return new


def test_happy_path_reaches_closed() -> None:
    case = {"status": "reported"}
    for action, role, kw in [
        ("accept", Role.CALL_TAKER, {}),
        ("verify", Role.INSPECTOR, {}),
        ("file", Role.SHIFT_LEADER, {}),
        ("assign", Role.DISPATCHER, {"target": "OF00001"}),
        ("receive", Role.HANDLER, {}),
        ("report_back", Role.HANDLER, {}),
        ("check", Role.INSPECTOR, {}),
        ("close", Role.SHIFT_LEADER, {}),
    ]:
        case = run(case, action, role, **kw)
    assert case["status"] == "closed"
    assert case["assignee"] == "OF00001"
    assert case["status_stack"][-1] == "checked"


def test_wrong_role_is_refused_with_chinese_message() -> None:
    with pytest.raises(PermissionDeniedError) as err:
        plan_transition(WF, {"status": "filed"}, "assign", Role.CALL_TAKER, target="OF1")
    assert "受理员" in err.value.message_zh and "派遣" in err.value.message_zh


def test_illegal_state_is_refused() -> None:
    with pytest.raises(IllegalActionError) as err:
        plan_transition(WF, {"status": "reported"}, "close", Role.SHIFT_LEADER)
    assert "待受理" in err.value.message_zh


def test_return_needs_reason_and_goes_back_one_step() -> None:
    case = run({"status": "reported"}, "accept", Role.CALL_TAKER)
    case = run(case, "file", Role.SHIFT_LEADER)
    with pytest.raises(ValidationError):
        plan_transition(WF, case, "return", Role.DISPATCHER)
    back = run(case, "return", Role.DISPATCHER, reason="信息不全")
    assert back["status"] == "accepted"
    assert back["return_count"] == 1


def test_rework_counts_and_redispatches() -> None:
    case = {"status": "handled", "status_stack": ["dispatched", "handling"], "assignee": "OF1"}
    case = run(case, "rework", Role.INSPECTOR, reason="未整改到位")
    assert case["status"] == "dispatched" and case["rework_count"] == 1


def test_assign_refused_when_already_assigned() -> None:
    with pytest.raises(IllegalActionError):
        plan_transition(WF, {"status": "filed", "assignee": "OF9"}, "assign", Role.DISPATCHER, target="OF1")


def test_extension_and_hang_need_pending_request() -> None:
    with pytest.raises(IllegalActionError):
        plan_transition(WF, {"status": "handling"}, "extend_approve", Role.DISPATCHER)
    case = run({"status": "handling"}, "extend_request", Role.HANDLER, reason="需协调")
    assert case["extension_pending"] is True
    case = run(case, "extend_approve", Role.DISPATCHER)
    assert case["extension_pending"] is False and case["extension_count"] == 1
    case = run(case, "hang_request", Role.HANDLER, reason="历史遗留")
    case = run(case, "hang_approve", Role.DISPATCHER)
    assert case["status"] == "hung"
    assert run(case, "unhang", Role.DISPATCHER)["status"] == "dispatched"


def test_appeal_needs_overdue_and_approval_exempts_but_keeps_fact() -> None:
    with pytest.raises(IllegalActionError):
        plan_transition(WF, {"status": "handled", "overdue": False}, "appeal", Role.HANDLER, reason="天气")
    case = run({"status": "handled", "overdue": True}, "appeal", Role.HANDLER, reason="暴雨")
    case = run(case, "appeal_approve", Role.SUPERVISOR)
    assert case["appeal_status"] == "approved" and case["stats_exempt"] is True and case["overdue"] is True


def test_close_requires_legal_approval_for_enforcement_categories() -> None:
    case = {"status": "checked", "legal_required": True, "status_stack": ["handled"]}
    with pytest.raises(IllegalActionError):
        plan_transition(WF, case, "close", Role.SHIFT_LEADER)
    case = run(case, "submit_legal_review", Role.SHIFT_LEADER)
    case = run(case, "legal_approve", Role.LEGAL_REVIEWER)
    assert run(case, "close", Role.SHIFT_LEADER)["status"] == "closed"


def test_every_action_role_pair_matches_table() -> None:
    """The whole matrix: an action passes the role check exactly for the roles the table lists."""
    for name, spec in WF.actions.items():
        status = sorted(spec.from_states)[0]
        for role in Role:
            case = {"status": status.value, "status_stack": ["reported"], "extension_pending": name != "extend_request",
                    "hang_pending": name != "hang_request", "overdue": True,
                    "appeal_status": "pending" if name != "appeal" else None}
            try:
                plan_transition(WF, case, name, role, reason="r", target="OF1")
                passed = True
            except PermissionDeniedError:
                passed = False
            assert passed == (role in spec.roles), (name, role)


def test_workflow_json_lists_states_and_actions() -> None:
    data = WF.to_json()
    assert {s["status"] for s in data["states"]} == {s.value for s in CaseStatus}
    assign = next(a for a in data["actions"] if a["action"] == "assign")
    assert assign["roles"] == ["dispatcher"] and assign["target_required"] is True


def test_malformed_workflow_file(tmp_path: Path) -> None:
    bad = tmp_path / "wf.yaml"
    bad.write_text("actions:\n  accept: {from: [nowhere], to: accepted, roles: [call_taker]}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_workflow(bad)
    assert "accept" in err.value.message_en
    bad.write_text("[not a mapping", encoding="utf-8")
    with pytest.raises(DataFileError):
        load_workflow(bad)
