"""The one permission registry: every service operation × role.

Workflow actions take their roles from the workflow table (resources/workflow/closed_loop.yaml), so a bureau that
changes the table changes the permissions; the other operations are listed here. Services call ``check`` before
they write or reveal anything; the UI asks ``allowed`` to hide or disable what a role may not do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from console.domain.enums import ROLE_LABELS_ZH, Role
from console.domain.workflow import Workflow, default_workflow
from console.errors import PermissionDeniedError, ValidationError

R = Role


class HasRole(Protocol):
    """Anything with a role (console.services.actor.Actor, a signed-in account's actor)."""

    @property
    def role(self) -> Role: ...


@dataclass(frozen=True)
class Operation:
    """One thing a role may or may not do; ``enforced_in`` names the service entry point that calls ``check``."""

    name: str
    label_zh: str
    roles: frozenset[Role]
    enforced_in: str | None
    workflow_action: bool = False


def _op(name: str, label_zh: str, roles: Iterable[Role], enforced_in: str | None) -> Operation:
    return Operation(name, label_zh, frozenset(roles), enforced_in)


# Operations outside the case state machine. Decisions (docs/security.md explains why):
# - read_pii: the call-taker phones reporters back, the shift leader and 督察 follow up complaints; the system role
#   covers internal hand-offs (city platform connector). Admins manage accounts, not cases: no personal data.
# - admin is deliberately not a super-role: it manages users and reference data, it does not act on cases.
NON_WORKFLOW_OPERATIONS: tuple[Operation, ...] = (
    # dispatcher: splitting a wrongly merged report (IntakeService.split_report) registers the split-off case.
    _op("create_case", "登记案件", (R.CALL_TAKER, R.INSPECTOR, R.SYSTEM, R.SUPERVISOR, R.SHIFT_LEADER, R.DISPATCHER),
        "console.services.writer.CaseWriter.create_case"),
    _op("read_pii", "查看个人信息", (R.CALL_TAKER, R.SHIFT_LEADER, R.SUPERVISOR, R.SYSTEM),
        "console.services.cases.CaseService.get_case(unmask=True)"),
    _op("read_plate", "查看完整车牌", (R.LEGAL_REVIEWER, R.HANDLER, R.INSPECTOR, R.SHIFT_LEADER, R.SUPERVISOR, R.SYSTEM),
        "console.security.privacy.redact"),
    _op("manage_users", "用户管理", (R.ADMIN,), "console.security.accounts.AccountService"),
    _op("view_audit", "查看审计记录", (R.SUPERVISOR, R.SHIFT_LEADER, R.ADMIN), "console.security.audit.AuditService"),
    _op("export", "导出数据", (R.SHIFT_LEADER, R.DISPATCHER, R.SUPERVISOR, R.ADMIN, R.SYSTEM),
        "console.security.privacy.export_cases"),
    _op("replay", "回放", (R.TRAINER, R.SHIFT_LEADER, R.SUPERVISOR, R.ADMIN), None),
    _op("run_drill", "演练", (R.TRAINER, R.ADMIN), None),
    _op("manage_roster", "排班管理", (R.SHIFT_LEADER, R.ADMIN), None),
    _op("manage_training", "维护培训记录", (R.TRAINER, R.SHIFT_LEADER, R.SUPERVISOR, R.ADMIN, R.SYSTEM),
        "console.training.records.TrainingRecords"),
    # An officer reporting their own duty status (处置单位, action "status") is field work and exempt.
    _op("manage_reference", "维护基础数据（队员、中队、摄像头、地理）", (R.ADMIN, R.SYSTEM),
        "console.services.writer.CaseWriter.upsert_entity"),
)


class PermissionRegistry:
    """Workflow actions (from the table) plus the non-workflow operations above."""

    def __init__(self, workflow: Workflow | None = None,
                 extra: Iterable[Operation] = NON_WORKFLOW_OPERATIONS) -> None:
        wf = workflow or default_workflow()
        ops: dict[str, Operation] = {}
        for spec in wf.actions.values():
            ops[spec.name] = Operation(spec.name, spec.label_zh, spec.roles,
                                       "console.services.cases.CaseService.act", workflow_action=True)
        for op in extra:
            if op.name in ops:
                raise ValueError(f"operation {op.name} is both a workflow action and a registry entry")
            ops[op.name] = op
        self.operations: dict[str, Operation] = ops

    def operation(self, name: str) -> Operation:
        op = self.operations.get(name)
        if op is None:
            known = ", ".join(sorted(self.operations))
            raise ValidationError(f"未知操作“{name}”", f"unknown operation {name!r}; known: {known}")
        return op

    def allowed(self, role: Role, operation: str) -> bool:
        return role in self.operation(operation).roles

    def check(self, actor: HasRole, operation: str) -> None:
        """Raise PermissionDeniedError (Chinese and English) unless the actor's role may do ``operation``."""
        op = self.operation(operation)
        if actor.role in op.roles:
            return
        allowed = "、".join(ROLE_LABELS_ZH[r] for r in sorted(op.roles)) or "无"
        raise PermissionDeniedError(
            f"“{actor.role.label_zh}”无权执行“{op.label_zh}”（允许：{allowed}）",
            f"role {actor.role.value} may not {op.name} (allowed: {', '.join(sorted(r.value for r in op.roles))})",
        )

    def operations_for(self, role: Role) -> list[str]:
        """Every operation the role may perform (for menus, buttons and ``urbanops user roles``)."""
        return sorted(name for name, op in self.operations.items() if role in op.roles)

    def matrix(self) -> dict[str, dict[str, bool]]:
        """operation → role → allowed, for docs and the CLI."""
        return {name: {r.value: r in op.roles for r in Role} for name, op in sorted(self.operations.items())}


_DEFAULT: PermissionRegistry | None = None


def default_registry() -> PermissionRegistry:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = PermissionRegistry()
    return _DEFAULT


def check(actor: HasRole, operation: str) -> None:
    """``default_registry().check``: the call services make."""
    default_registry().check(actor, operation)


def allowed(role: Role, operation: str) -> bool:
    return default_registry().allowed(role, operation)
