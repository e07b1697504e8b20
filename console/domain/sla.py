"""SLA clocks: which limit applies to each step of the loop, and how close a case is to it (red lights).

Disposal (处置) limits come from the category's 立结案标准 rule; the other steps from ``resources/sla/steps.yaml``.
Lights: red when the deadline has passed; yellow when less than a quarter of the step's working budget, or less
than one working hour, remains; green otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

from console import config
from console.domain.calendar import Duration, TimeUnit, WorkingCalendar, default_calendar, load_calendar
from console.domain.enums import CaseStatus
from console.domain.taxonomy import Taxonomy, default_taxonomy, load_taxonomy
from console.errors import DataFileError
from console.resources import resource_path

Light = Literal["green", "yellow", "red"]
STEP_FOR_STATUS: dict[CaseStatus, str] = {
    CaseStatus.REPORTED: "accept",
    CaseStatus.ACCEPTED: "verify",
    CaseStatus.VERIFIED: "file",
    CaseStatus.FILED: "dispatch",
    CaseStatus.DISPATCHED: "dispose",
    CaseStatus.HANDLING: "dispose",
    CaseStatus.HANDLED: "check",
    CaseStatus.CHECKED: "close",
    CaseStatus.LEGAL_REVIEW: "legal_review",
}
STEP_LABELS_ZH = {"accept": "受理", "verify": "核实", "file": "立案", "dispatch": "派遣", "dispose": "处置",
                  "check": "核查", "close": "结案", "legal_review": "法制审核"}
REQUIRED_STEPS = ("accept", "verify", "file", "dispatch", "check", "close", "legal_review")


def load_step_limits(path: Path | None = None) -> dict[str, Duration]:
    path = path or config.sla_steps_file() or resource_path("sla", "steps.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取环节时限 {path}：{exc}", f"cannot read step limits {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataFileError(f"{path} 格式错误", f"{path} is not a mapping")
    limits: dict[str, Duration] = {}
    for step in REQUIRED_STEPS:
        row = raw.get(step)
        if not isinstance(row, dict):
            raise DataFileError(f"{path}：缺少环节 {step}", f"{path}: step {step} missing")
        try:
            amount = float(row["amount"])
            unit = TimeUnit(row["unit"])
        except (KeyError, ValueError, TypeError) as exc:
            raise DataFileError(f"{path}：环节 {step} 无效：{exc}", f"{path}: step {step} invalid: {exc}") from exc
        if not amount > 0:
            raise DataFileError(f"{path}：环节 {step} 时限须为正数", f"{path}: step {step} limit must be positive")
        limits[step] = Duration(amount, unit)
    return limits


@dataclass(frozen=True)
class SlaPolicy:
    taxonomy: Taxonomy
    calendar: WorkingCalendar
    step_limits: dict[str, Duration] = field(default_factory=dict)

    def limit_for(self, step: str, category_code: str, priority: str, region_class: str = "*") -> Duration | None:
        if step == "dispose":
            return self.taxonomy.rule_for(category_code, priority, region_class).disposal
        return self.step_limits.get(step)

    def step_deadline_utc(self, step: str | None, entered_at_utc: datetime, category_code: str, priority: str,
                          region_class: str = "*") -> datetime | None:
        if step is None:
            return None
        limit = self.limit_for(step, category_code, priority, region_class)
        return None if limit is None else self.calendar.add(entered_at_utc, limit)

    def disposal_deadline_utc(self, dispatched_at_utc: datetime, category_code: str, priority: str,
                              region_class: str = "*") -> datetime:
        limit = self.taxonomy.rule_for(category_code, priority, region_class).disposal
        return self.calendar.add(dispatched_at_utc, limit)

    def remaining_working_seconds(self, deadline_utc: datetime, now_utc: datetime) -> float:
        return self.calendar.working_seconds_between(now_utc, deadline_utc)

    def light(self, deadline_utc: datetime, now_utc: datetime, entered_at_utc: datetime | None = None) -> Light:
        if now_utc > deadline_utc:
            return "red"
        remaining_wall = (deadline_utc - now_utc).total_seconds()
        remaining = min(self.calendar.working_seconds_between(now_utc, deadline_utc), remaining_wall)
        if remaining < 3600:
            return "yellow"
        if entered_at_utc is not None:
            budget = (deadline_utc - entered_at_utc).total_seconds()
            if budget > 0 and remaining_wall < 0.25 * budget:
                return "yellow"
        return "green"


def make_sla_policy(taxonomy_dir: Path | None = None, calendar_path: Path | None = None,
                    steps_path: Path | None = None) -> SlaPolicy:
    taxonomy = load_taxonomy(taxonomy_dir) if taxonomy_dir else default_taxonomy()
    calendar = load_calendar(calendar_path) if calendar_path else default_calendar()
    return SlaPolicy(taxonomy, calendar, load_step_limits(steps_path))


@lru_cache(maxsize=1)
def default_sla_policy() -> SlaPolicy:
    return SlaPolicy(default_taxonomy(), default_calendar(), load_step_limits())
