"""The closed-loop state machine (信息收集 → 受理 → 核实 → 立案 → 派遣 → 处置 → 处理反馈 → 核查 → 结案).

The table of actions lives in ``resources/workflow/closed_loop.yaml``; this module loads and validates it and plans
one transition as a pure function: given the case's current state, an action and the actor's role, it returns the
field changes to record, or raises a DomainError and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from console.domain.enums import ROLE_LABELS_ZH, STATUS_LABELS_ZH, CaseStatus, Role
from console.errors import DataFileError, IllegalActionError, PermissionDeniedError, ValidationError
from console.resources import resource_path

SAME = "same"
PREVIOUS = "previous"


@dataclass(frozen=True)
class ActionSpec:
    """One row of the workflow table."""

    name: str
    label_zh: str
    from_states: frozenset[CaseStatus]
    to: str  # a CaseStatus value, SAME or PREVIOUS
    roles: frozenset[Role]
    reason_required: bool = False
    target_required: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.name,
            "label_zh": self.label_zh,
            "from": sorted(s.value for s in self.from_states),
            "to": self.to,
            "roles": sorted(r.value for r in self.roles),
            "reason_required": self.reason_required,
            "target_required": self.target_required,
        }


@dataclass(frozen=True)
class Workflow:
    """The whole state machine: states and actions."""

    actions: Mapping[str, ActionSpec]

    def action(self, name: str) -> ActionSpec:
        spec = self.actions.get(name)
        if spec is None:
            known = ", ".join(self.actions)
            raise ValidationError(f"未知操作“{name}”，可用：{known}", f"unknown action {name!r}; known: {known}")
        return spec

    def available_actions(self, status: CaseStatus, role: Role) -> list[str]:
        """Actions the role could attempt on a case in this status (guards aside), for menus and buttons."""
        return [a.name for a in self.actions.values() if status in a.from_states and role in a.roles]

    def to_json(self) -> dict[str, Any]:
        return {
            "states": [
                {"status": s.value, "label_zh": STATUS_LABELS_ZH[s], "open": s.is_open, "vendor_code": s.vendor_code}
                for s in CaseStatus
            ],
            "roles": [{"role": r.value, "label_zh": ROLE_LABELS_ZH[r]} for r in Role],
            "actions": [a.to_json() for a in self.actions.values()],
        }


@dataclass
class TransitionPlan:
    """What an accepted action changes: the new status and the case fields to record in the event."""

    action: str
    from_status: CaseStatus
    to_status: CaseStatus
    changes: dict[str, Any] = field(default_factory=dict)


def load_workflow(path: Path | None = None) -> Workflow:
    """Load and validate a workflow table; a malformed file raises DataFileError naming the problem."""
    path = path or resource_path("workflow", "closed_loop.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取流程定义 {path}：{exc}", f"cannot read workflow file {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("actions"), dict):
        raise DataFileError(f"流程定义 {path} 缺少 actions 表", f"workflow file {path} has no 'actions' mapping")
    actions: dict[str, ActionSpec] = {}
    for name, row in raw["actions"].items():
        where = f"{path}: action {name}"
        if not isinstance(row, dict):
            raise DataFileError(f"{where} 格式错误", f"{where} is not a mapping")
        try:
            from_states = frozenset(CaseStatus(s) for s in row["from"])
            roles = frozenset(Role(r) for r in row["roles"])
            to = str(row["to"])
            if to not in (SAME, PREVIOUS):
                CaseStatus(to)
            label = str(row.get("label_zh", name))
        except (KeyError, ValueError, TypeError) as exc:
            raise DataFileError(f"{where} 无效：{exc}", f"{where} is invalid: {exc}") from exc
        actions[str(name)] = ActionSpec(
            name=str(name),
            label_zh=label,
            from_states=from_states,
            to=to,
            roles=roles,
            reason_required=bool(row.get("reason", False)),
            target_required=bool(row.get("target", False)),
        )
    return Workflow(actions=actions)


@lru_cache(maxsize=1)
def default_workflow() -> Workflow:
    """The bundled workflow table, loaded once."""
    return load_workflow()


def plan_transition(
    workflow: Workflow,
    case: Mapping[str, Any],
    action: str,
    role: Role,
    *,
    reason: str | None = None,
    target: str | None = None,
) -> TransitionPlan:
    """Check an action against the table and the guards; return the changes, or raise and change nothing.

    ``case`` is the case's current projection (at least ``status``; guards read ``status_stack``,
    ``extension_pending``, ``hang_pending``, ``appeal_status``, ``overdue``, ``legal_required``, ``legal_approved``).
    """
    spec = workflow.action(action)
    status = CaseStatus(case["status"])
    if status not in spec.from_states:
        raise IllegalActionError(
            f"案件当前状态为“{status.label_zh}”，不能执行“{spec.label_zh}”",
            f"cannot {action} a case in status {status.value}",
        )
    if role not in spec.roles:
        allowed = "、".join(ROLE_LABELS_ZH[r] for r in sorted(spec.roles))
        raise PermissionDeniedError(
            f"“{role.label_zh}”无权执行“{spec.label_zh}”（允许：{allowed}）",
            f"role {role.value} may not {action} (allowed: {', '.join(sorted(r.value for r in spec.roles))})",
        )
    if spec.reason_required and not (reason and reason.strip()):
        raise ValidationError(f"“{spec.label_zh}”必须填写原因", f"{action} requires a reason")
    if spec.target_required and not (target and target.strip()):
        raise ValidationError(f"“{spec.label_zh}”必须指定处置人员或单位", f"{action} requires a target (--to)")

    changes: dict[str, Any] = {}
    stack = list(case.get("status_stack") or [])
    _check_guards(spec, case)

    if spec.to == SAME:
        to_status = status
    elif spec.to == PREVIOUS:
        if not stack:
            raise IllegalActionError("案件没有可回退的上一环节", "the case has no previous step to return to")
        to_status = CaseStatus(stack.pop())
        changes["return_count"] = int(case.get("return_count") or 0) + 1
    else:
        to_status = CaseStatus(spec.to)
        if to_status != status:
            stack.append(status.value)
    if to_status != status:
        changes["status"] = to_status.value
        changes["status_stack"] = stack

    _apply_side_effects(spec, case, changes, reason=reason, target=target)
    return TransitionPlan(action=action, from_status=status, to_status=to_status, changes=changes)


def _check_guards(spec: ActionSpec, case: Mapping[str, Any]) -> None:
    name = spec.name
    if name in ("extend_approve", "extend_reject") and not case.get("extension_pending"):
        raise IllegalActionError("没有待审批的延期申请", "no extension request is pending")
    if name in ("hang_approve", "hang_reject") and not case.get("hang_pending"):
        raise IllegalActionError("没有待审批的挂账申请", "no hang request is pending")
    if name == "extend_request" and case.get("extension_pending"):
        raise IllegalActionError("已有延期申请待审批", "an extension request is already pending")
    if name == "hang_request" and case.get("hang_pending"):
        raise IllegalActionError("已有挂账申请待审批", "a hang request is already pending")
    if name == "appeal":
        if not case.get("overdue"):
            raise IllegalActionError("案件未超期，无需超时申诉", "the case is not overdue; nothing to appeal")
        if case.get("appeal_status") in ("pending", "approved"):
            raise IllegalActionError("已提交超时申诉", "an overdue appeal is already pending or approved")
    if name in ("appeal_approve", "appeal_reject") and case.get("appeal_status") != "pending":
        raise IllegalActionError("没有待审批的超时申诉", "no overdue appeal is pending")
    if name == "close" and case.get("legal_required") and not case.get("legal_approved"):
        raise IllegalActionError("该类案件须经法制审核通过后方可结案", "this category needs legal review approval before closing")
    if name == "assign" and case.get("assignee"):
        raise IllegalActionError(f"案件已派遣给 {case.get('assignee')}", f"the case is already assigned to {case.get('assignee')}")


def _apply_side_effects(
    spec: ActionSpec, case: Mapping[str, Any], changes: dict[str, Any], *, reason: str | None, target: str | None
) -> None:
    name = spec.name
    if name in ("assign", "reassign"):
        changes["assignee"] = target
    elif name == "rework":
        changes["rework_count"] = int(case.get("rework_count") or 0) + 1
    elif name == "legal_return":
        changes["legal_approved"] = False
    elif name == "legal_approve":
        changes["legal_approved"] = True
    elif name == "extend_request":
        changes["extension_pending"] = True
    elif name in ("extend_approve", "extend_reject"):
        changes["extension_pending"] = False
        if name == "extend_approve":
            changes["extension_count"] = int(case.get("extension_count") or 0) + 1
    elif name == "hang_request":
        changes["hang_pending"] = True
    elif name in ("hang_approve", "hang_reject"):
        changes["hang_pending"] = False
    elif name == "supervise":
        changes["supervised"] = True
        changes["supervision_count"] = int(case.get("supervision_count") or 0) + 1
    elif name == "appeal":
        changes["appeal_status"] = "pending"
    elif name == "appeal_approve":
        changes["appeal_status"] = "approved"
        changes["stats_exempt"] = True
    elif name == "appeal_reject":
        changes["appeal_status"] = "rejected"
    before_dispatch = (CaseStatus.FILED, CaseStatus.VERIFIED, CaseStatus.ACCEPTED, CaseStatus.REPORTED)
    returned_before_dispatch = spec.to == PREVIOUS and CaseStatus(changes.get("status", case["status"])) in before_dispatch
    if returned_before_dispatch and case.get("assignee"):
        changes["assignee"] = None  # returned before dispatch: nobody holds it any more
