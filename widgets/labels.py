"""Display text for domain values (statuses, sources, roles, actions, officer states, events), in the UI language.

The Chinese labels come from console (the single source); English goes through Qt's translator ("domain" context).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from console.domain.enums import CaseStatus, Priority, Role, SourceChannel
from console.domain.workflow import default_workflow
from console.storage.eventstore import StoredEvent

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

OFFICER_STATUS_ZH: dict[str, str] = {
    "on_duty_idle": "在岗空闲",
    "busy": "处置中",
    "en_route": "赶赴现场",
    "on_scene": "到达现场",
    "off_duty": "下班",
    "offline": "离线",
    "on_break": "休息",
}
POST_ZH: dict[str, str] = {"officer": "队员", "inspector": "监督员", "leader": "队长"}
ASSET_KIND_ZH: dict[str, str] = {"squad": "中队", "unit": "处置单位", "camera": "摄像头", "workroom": "社区工作室",
                                 "sensor": "传感器", "workstation": "城运工作站", "duty_grid": "责任网格",
                                 # collaboration (console/collab)
                                 "note": "备注", "mention": "提及", "handoff": "移交", "notice": "通知",
                                 "work_order": "工作站工单"}
# Non-workflow actions of the collaboration area (console/collab).
COLLAB_ACTIONS_ZH: dict[str, str] = {
    "note_add": "添加备注", "comment_add": "回复", "mention": "提及", "mention_read": "已读",
    "handoff_request": "申请移交", "handoff_accept": "接收移交", "handoff_decline": "拒收移交",
    "notice_post": "发布通知", "notice_withdraw": "撤回通知", "work_order_open": "生成工单",
    "work_order_escalate": "升级至中队", "work_order_close": "办结", "work_order_sensor_clear": "传感器恢复",
    "workroom_import": "导入", "sensor_alarm": "报警", "sensor_normal": "恢复正常"}


def dtr(text_zh: str) -> str:
    """Translate a Chinese domain label (identity in Chinese)."""
    return QCoreApplication.translate("domain", text_zh)


def status_text(status: str | None) -> str:
    if not status:
        return ""
    try:
        return dtr(CaseStatus(status).label_zh)
    except ValueError:
        return status


def source_text(source: str | None) -> str:
    if not source:
        return ""
    try:
        return dtr(SourceChannel(source).label_zh)
    except ValueError:
        return source


def priority_text(priority: str | None) -> str:
    if not priority:
        return ""
    try:
        return dtr(Priority(priority).label_zh)
    except ValueError:
        return priority


def role_text(role: Role | str) -> str:
    try:
        return dtr(Role(role).label_zh)
    except ValueError:
        return str(role)


def action_text(action: str) -> str:
    spec = default_workflow().actions.get(action)
    if spec is not None:
        return dtr(spec.label_zh)
    return dtr({"create": "新建", "update": "更新", "status": "状态变更", "move": "位置更新",
                "sla_overdue": "超期", "grid_unvisited": "长时间无人巡查", "grid_visited": "恢复巡查",
                "sign_in": "签到", "sign_out": "签退", "evidence_captured": "取证", **COLLAB_ACTIONS_ZH}.get(action, action))


def officer_status_text(status: str | None) -> str:
    if not status:
        return ""
    return dtr(OFFICER_STATUS_ZH.get(status, status))


def post_text(post: str | None) -> str:
    return dtr(POST_ZH.get(post or "", post or ""))


def local_time(ts: datetime | str | None, fmt: str = "%m-%d %H:%M") -> str:
    """An aware UTC time (or ISO string) shown in Asia/Shanghai."""
    if ts is None or ts == "":
        return ""
    if isinstance(ts, str):
        ts = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(LOCAL_TZ).strftime(fmt)


def countdown_text(seconds: float) -> str:
    """SLA countdown: ``2:05:10`` left, or ``超期 1:02:00`` when negative."""
    s = int(abs(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    body = f"{h}:{m:02d}:{sec:02d}"
    if seconds < 0:
        return QCoreApplication.translate("labels", "超期 %1").replace("%1", body)
    return body


def event_line(ev: StoredEvent, names: dict[str, Any] | None = None) -> str:
    """One human-readable line per event, for the ticker and the timeline."""
    names = names or {}
    t = local_time(ev.ts_utc, "%H:%M:%S")
    who = f"{role_text(ev.role)} {names.get(ev.actor, ev.actor)}"
    if ev.entity_type == "case":
        after = ev.after or {}
        if ev.action == "create":
            cat = names.get(str(after.get("category_code")), after.get("category_code") or "")
            src = source_text(after.get("source"))
            where = after.get("subdistrict_name") or ""
            return QCoreApplication.translate("labels", "%1 新案件 %2：%3（%4）%5").replace("%1", t).replace("%2", ev.entity_id) \
                .replace("%3", str(cat)).replace("%4", src).replace("%5", str(where))
        line = QCoreApplication.translate("labels", "%1 %2 对案件 %3 执行“%4”").replace("%1", t).replace("%2", who) \
            .replace("%3", ev.entity_id).replace("%4", action_text(ev.action))
        target = after.get("assignee")
        if ev.action in ("assign", "reassign") and target:
            line += " → " + str(names.get(str(target), target))
        if ev.reason:
            line += QCoreApplication.translate("labels", "，原因：%1").replace("%1", ev.reason)
        return line
    kind = dtr(ASSET_KIND_ZH.get(ev.entity_type, "队员" if ev.entity_type == "officer" else ev.entity_type))
    label = names.get(ev.entity_id, ev.entity_id)
    status = (ev.after or {}).get("status")
    extra = f"：{officer_status_text(status)}" if ev.entity_type == "officer" and status else ""
    title = (ev.after or {}).get("title")
    if title:  # notices and work orders carry a title worth reading in the ticker
        extra += f"：{title}"
    if ev.entity_type == "duty_grid" and ev.reason:  # the alert's own sentence names the grid and who holds it
        return f"{t} {kind} {label} {action_text(ev.action)}：{ev.reason}"
    return f"{t} {kind} {label} {action_text(ev.action)}{extra}"
