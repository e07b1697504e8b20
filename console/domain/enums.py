"""Closed vocabularies of the domain: roles, case states, sources, priorities.

Values are stable English identifiers (stored in the database and JSON); each member knows its Chinese label.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar


class Role(StrEnum):
    """Positions in the closed loop (岗位). Chinese names are accepted on the CLI (``--as 派遣员:wang``)."""

    CALL_TAKER = "call_taker"  # 受理员
    SHIFT_LEADER = "shift_leader"  # 值班长
    DISPATCHER = "dispatcher"  # 派遣员
    INSPECTOR = "inspector"  # 监督员/采集员
    HANDLER = "handler"  # 处置单位/队员 (officer or handling unit)
    LEGAL_REVIEWER = "legal_reviewer"  # 法制审核
    SUPERVISOR = "supervisor"  # 督察
    TRAINER = "trainer"  # 培训员
    ADMIN = "admin"  # 系统管理员
    SYSTEM = "system"  # 系统 (feeds, simulator, SLA timers)

    @property
    def label_zh(self) -> str:
        return ROLE_LABELS_ZH[self]

    @classmethod
    def parse(cls, text: str) -> Role:
        """Accept the English id, the Chinese name or a common alias."""
        key = text.strip()
        for role in cls:
            if key in (role.value, role.name.lower(), ROLE_LABELS_ZH[role]):
                return role
        alias = ROLE_ALIASES.get(key)
        if alias is not None:
            return alias
        from console.errors import ValidationError

        names = "、".join(ROLE_LABELS_ZH.values())
        raise ValidationError(f"未知角色“{text}”，可用：{names}", f"unknown role {text!r}; known: {', '.join(r.value for r in cls)}")


ROLE_LABELS_ZH: dict[Role, str] = {
    Role.CALL_TAKER: "受理员",
    Role.SHIFT_LEADER: "值班长",
    Role.DISPATCHER: "派遣员",
    Role.INSPECTOR: "监督员",
    Role.HANDLER: "处置单位",
    Role.LEGAL_REVIEWER: "法制审核",
    Role.SUPERVISOR: "督察",
    Role.TRAINER: "培训员",
    Role.ADMIN: "管理员",
    Role.SYSTEM: "系统",
}

ROLE_ALIASES: dict[str, Role] = {
    "采集员": Role.INSPECTOR,
    "队员": Role.HANDLER,
    "officer": Role.HANDLER,
    "处置": Role.HANDLER,
    "督查": Role.SUPERVISOR,
    "法制审核员": Role.LEGAL_REVIEWER,
}


class CaseStatus(StrEnum):
    """Where a case stands in the closed loop (信息收集 → … → 结案)."""

    REPORTED = "reported"  # 待受理 (信息收集)
    ACCEPTED = "accepted"  # 已受理，待核实
    VERIFIED = "verified"  # 已核实，待立案
    FILED = "filed"  # 已立案，待派遣
    DISPATCHED = "dispatched"  # 已派遣，待处置
    HANDLING = "handling"  # 处置中
    HANDLED = "handled"  # 已处理反馈，待核查
    CHECKED = "checked"  # 已核查，待结案
    LEGAL_REVIEW = "legal_review"  # 法制审核中 (enforcement cases)
    CLOSED = "closed"  # 已结案
    VOIDED = "voided"  # 作废/不予立案
    HUNG = "hung"  # 挂账

    @property
    def label_zh(self) -> str:
        return STATUS_LABELS_ZH[self]

    @property
    def is_open(self) -> bool:
        return self not in (CaseStatus.CLOSED, CaseStatus.VOIDED)

    @property
    def vendor_code(self) -> int:
        """The dominant vendor's numeric state code (1 待受理 … 9 督查), for interoperability exports."""
        return VENDOR_CODES[self]


STATUS_LABELS_ZH: dict[CaseStatus, str] = {
    CaseStatus.REPORTED: "待受理",
    CaseStatus.ACCEPTED: "待核实",
    CaseStatus.VERIFIED: "待立案",
    CaseStatus.FILED: "待派遣",
    CaseStatus.DISPATCHED: "待处置",
    CaseStatus.HANDLING: "处置中",
    CaseStatus.HANDLED: "待核查",
    CaseStatus.CHECKED: "待结案",
    CaseStatus.LEGAL_REVIEW: "法制审核",
    CaseStatus.CLOSED: "已结案",
    CaseStatus.VOIDED: "已作废",
    CaseStatus.HUNG: "挂账",
}

VENDOR_CODES: dict[CaseStatus, int] = {
    CaseStatus.REPORTED: 1,
    CaseStatus.ACCEPTED: 1,
    CaseStatus.VERIFIED: 1,
    CaseStatus.FILED: 3,
    CaseStatus.DISPATCHED: 3,
    CaseStatus.HANDLING: 4,
    CaseStatus.HANDLED: 5,
    CaseStatus.CHECKED: 5,
    CaseStatus.LEGAL_REVIEW: 5,
    CaseStatus.CLOSED: 6,
    CaseStatus.VOIDED: 7,
    CaseStatus.HUNG: 8,
}


class SourceChannel(StrEnum):
    """How a problem reached the bureau (信息来源)."""

    HOTLINE_12345 = "hotline_12345"  # 12345热线
    CITY_PLATFORM = "city_platform"  # 城运派单 (一网统管)
    WORKROOM_QR = "workroom_qr"  # 社区工作室扫码
    CAMERA_AI = "camera_ai"  # 智能视频发现
    INSPECTOR = "inspector"  # 监督员巡查上报
    IOT_SENSOR = "iot_sensor"  # 物联感知
    SUPERVISOR = "supervisor"  # 督察发现
    OTHER = "other"  # 其他

    @property
    def label_zh(self) -> str:
        return SOURCE_LABELS_ZH[self]

    @property
    def is_proactive(self) -> bool:
        """Found by the bureau itself (主动发现) rather than reported by residents."""
        return self in (SourceChannel.CAMERA_AI, SourceChannel.INSPECTOR, SourceChannel.IOT_SENSOR, SourceChannel.SUPERVISOR)


SOURCE_LABELS_ZH: dict[SourceChannel, str] = {
    SourceChannel.HOTLINE_12345: "12345热线",
    SourceChannel.CITY_PLATFORM: "城运派单",
    SourceChannel.WORKROOM_QR: "社区工作室",
    SourceChannel.CAMERA_AI: "智能视频",
    SourceChannel.INSPECTOR: "巡查上报",
    SourceChannel.IOT_SENSOR: "物联感知",
    SourceChannel.SUPERVISOR: "督察发现",
    SourceChannel.OTHER: "其他",
}


class Priority(StrEnum):
    """Urgency (紧急程度): urgent, then A/B/C as in the 立结案标准 tables."""

    URGENT = "urgent"
    A = "A"
    B = "B"
    C = "C"

    @property
    def label_zh(self) -> str:
        return {"urgent": "紧急", "A": "A级", "B": "B级", "C": "C级"}[self.value]


E = TypeVar("E", bound=StrEnum)


def parse_enum(enum_type: type[E], text: str, what_zh: str, what_en: str) -> E:
    """Parse a StrEnum by value, raising a ValidationError that lists the allowed values."""
    try:
        return enum_type(text)
    except ValueError:
        from console.errors import ValidationError

        allowed = ", ".join(m.value for m in enum_type)
        raise ValidationError(f"未知{what_zh}“{text}”，可用：{allowed}", f"unknown {what_en} {text!r}; allowed: {allowed}") from None
