"""Who may write notes, hand off cases, post notices, manage workrooms and handle work orders — from collab.yaml."""

from __future__ import annotations

from console.collab.config import CollabConfig, default_config
from console.domain.enums import ROLE_LABELS_ZH
from console.errors import PermissionDeniedError
from console.security.permissions import HasRole

LABELS_ZH = {"note": "写备注/评论", "handoff_request": "申请移交", "handoff_decide": "接收/拒收移交",
             "notice": "发布通知", "workroom_admin": "维护社区工作室", "work_order": "处理工作站工单"}


def allowed(actor: HasRole, operation: str, config: CollabConfig | None = None) -> bool:
    roles = (config or default_config()).permissions.get(operation, frozenset())
    return actor.role in roles


def check(actor: HasRole, operation: str, config: CollabConfig | None = None) -> None:
    """Raise PermissionDeniedError (zh + en) unless the actor's role is listed for ``operation``."""
    if allowed(actor, operation, config):
        return
    roles = (config or default_config()).permissions.get(operation, frozenset())
    names = "、".join(ROLE_LABELS_ZH[r] for r in sorted(roles)) or "无"
    raise PermissionDeniedError(
        f"“{actor.role.label_zh}”无权{LABELS_ZH.get(operation, operation)}（允许：{names}）",
        f"role {actor.role.value} may not {operation} (allowed: {', '.join(sorted(r.value for r in roles)) or 'none'})")
