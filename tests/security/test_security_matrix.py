"""The whole permission matrix through the real services on a real SQLite database: every operation × every role.

Workflow actions: the case is first put in a state where the action is legal (guards included), then every role
tries it; only the roles the workflow table allows may succeed, the others get PermissionDeniedError and nothing is
written. Non-workflow operations go through the service entry point that enforces them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from console.domain.enums import Role
from console.domain.workflow import default_workflow
from console.errors import PermissionDeniedError
from console.security.accounts import AccountService
from console.security.audit import AuditService
from console.security.permissions import NON_WORKFLOW_OPERATIONS, default_registry
from console.security.privacy import export_cases, redact
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter, Reporter
from console.training.records import TrainingRecords
from tests.security.conftest import ADMIN, FAST_POLICY, ZHONGSHAN_PARK, event_count

R = Role
Step = tuple[str, Role]
TO_HANDLING: list[Step] = [("accept", R.CALL_TAKER), ("file", R.SHIFT_LEADER), ("assign", R.DISPATCHER),
                           ("receive", R.HANDLER)]
TO_CHECKED: list[Step] = [*TO_HANDLING, ("report_back", R.HANDLER), ("check", R.INSPECTOR)]
OVERDUE = "overdue"  # pseudo-step: move the clock past the disposal deadline

# For each workflow action: the steps that make it legal on a fresh case.
PREPARE: dict[str, list[Step | str]] = {
    "accept": [], "reject": [], "supervise": [], "note": [],
    "verify": [("accept", R.CALL_TAKER)],
    "file": [("accept", R.CALL_TAKER)],
    "void": [("accept", R.CALL_TAKER)],
    "return": [("accept", R.CALL_TAKER)],
    "assign": [("accept", R.CALL_TAKER), ("file", R.SHIFT_LEADER)],
    "reassign": TO_HANDLING[:3],
    "receive": TO_HANDLING[:3],
    "report_back": TO_HANDLING,
    "extend_request": TO_HANDLING,
    "hang_request": TO_HANDLING,
    "extend_approve": [*TO_HANDLING, ("extend_request", R.HANDLER)],
    "extend_reject": [*TO_HANDLING, ("extend_request", R.HANDLER)],
    "hang_approve": [*TO_HANDLING, ("hang_request", R.HANDLER)],
    "hang_reject": [*TO_HANDLING, ("hang_request", R.HANDLER)],
    "unhang": [*TO_HANDLING, ("hang_request", R.HANDLER), ("hang_approve", R.DISPATCHER)],
    "check": TO_CHECKED[:-1],
    "rework": TO_CHECKED[:-1],
    "submit_legal_review": TO_CHECKED,
    "close": TO_CHECKED,
    "legal_approve": [*TO_CHECKED, ("submit_legal_review", R.SHIFT_LEADER)],
    "legal_return": [*TO_CHECKED, ("submit_legal_review", R.SHIFT_LEADER)],
    "appeal": [*TO_HANDLING, OVERDUE],
    "appeal_approve": [*TO_HANDLING, OVERDUE, ("appeal", R.HANDLER)],
    "appeal_reject": [*TO_HANDLING, OVERDUE, ("appeal", R.HANDLER)],
}


def _do(svc: CaseService, case_id: str, action: str, role: Role) -> dict[str, Any]:
    spec = default_workflow().action(action)
    return svc.act(case_id, action, Actor(role, f"m_{role.value}"), reason="矩阵测试",
                   target="SQ001" if spec.target_required else None)


def _prepared_case(ctx: ServiceContext, svc: CaseService, action: str) -> str:
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    case = svc.create_case(category="暴露垃圾", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1], source="hotline_12345",
                           actor=Actor(R.CALL_TAKER, "prep"))
    for step in PREPARE[action]:
        if step == OVERDUE:
            clock.advance(timedelta(days=60))
        else:
            assert isinstance(step, tuple)
            _do(svc, case["id"], *step)
    return str(case["id"])


def test_every_workflow_action_has_a_preparation() -> None:
    assert set(PREPARE) == set(default_workflow().actions)


def test_workflow_matrix_every_action_times_every_role(sqlite_ctx: ServiceContext) -> None:
    ctx, svc = sqlite_ctx, CaseService(sqlite_ctx)
    outcome: dict[tuple[str, Role], bool] = {}
    for action, spec in default_workflow().actions.items():
        case_id = _prepared_case(ctx, svc, action)
        for role in (r for r in Role if r not in spec.roles):
            before = event_count(ctx)
            with pytest.raises(PermissionDeniedError):
                _do(svc, case_id, action, role)
            assert event_count(ctx) == before, (action, role)
            outcome[(action, role)] = False
        for role in sorted(spec.roles):
            case_id = case_id or _prepared_case(ctx, svc, action)
            before = event_count(ctx)
            _do(svc, case_id, action, role)
            assert event_count(ctx) == before + 1, (action, role)
            outcome[(action, role)] = True
            case_id = ""  # the next allowed role needs a fresh case in the same state
    registry = default_registry()
    assert len(outcome) == len(default_workflow().actions) * len(Role)
    for (action, role), ok in outcome.items():
        assert ok == registry.allowed(role, action), (action, role)


def _new_case(svc: CaseService, reporter: Reporter | None = None) -> dict[str, Any]:
    return svc.create_case(category="暴露垃圾", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1], source="hotline_12345",
                           actor=Actor(R.CALL_TAKER, "prep"), reporter=reporter)


def _upsert_squad(ctx: ServiceContext, name: str, actor: Actor) -> None:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        w.upsert_entity("squad", "SQ001", {"name": name}, actor)
        w.flush()


def test_non_workflow_matrix_through_the_services(sqlite_ctx: ServiceContext) -> None:
    ctx, svc = sqlite_ctx, CaseService(sqlite_ctx)
    accounts, audit = AccountService(ctx, FAST_POLICY), AuditService(ctx)
    with_reporter = _new_case(svc, Reporter("张三丰", "13812345678"))["id"]
    plate_case = {**svc.get_case(with_reporter), "extra": {"plate": "沪A12323"}}
    counter = iter(range(10_000))

    attempts: dict[str, Callable[[Actor], object]] = {
        "create_case": lambda a: svc.create_case(category="暴露垃圾", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1],
                                                 source="inspector", actor=a),
        "read_pii": lambda a: svc.get_case(with_reporter, unmask=True, actor=a),
        "manage_users": lambda a: accounts.create_user(f"u{next(counter)}", "secret-pass-1", ["dispatcher"], a),
        "view_audit": lambda a: audit.case_history(with_reporter, a),
        "export": lambda a: export_cases(ctx, [plate_case], a),
        "manage_reference": lambda a: _upsert_squad(ctx, f"新中队{next(counter)}", a),
        "manage_training": lambda a: TrainingRecords(ctx).add_course(f"C{next(counter)}", "执法规范", a),
    }
    for role in Role:
        actor = Actor(role, f"m_{role.value}")
        for op, attempt in attempts.items():
            expected = default_registry().allowed(role, op)
            before = event_count(ctx)
            if expected:
                attempt(actor)
                assert event_count(ctx) > before or op == "view_audit", (op, role)
            else:
                with pytest.raises(PermissionDeniedError):
                    attempt(actor)
                assert event_count(ctx) == before, (op, role)
        # read_plate is enforced by redaction (exports, detail panels): full plate only for allowed roles.
        shown = redact(plate_case, actor)["extra"]["plate"]
        assert (shown == "沪A12323") == default_registry().allowed(role, "read_plate"), role
        assert shown in ("沪A12323", "沪A·***23")
    enforced = {op.name for op in NON_WORKFLOW_OPERATIONS if op.enforced_in}
    assert enforced == {*attempts, "read_plate"}
    # Not yet wired into a service (their features are not in this build, or not yet checked): listed for the UI.
    assert {op.name for op in NON_WORKFLOW_OPERATIONS if not op.enforced_in} == {
        "replay", "run_drill", "manage_roster"}
    assert ADMIN.role in default_registry().operation("manage_users").roles
