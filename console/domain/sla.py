"""SLA clocks: which limit applies to each step of the loop, and how close a case is to it (red lights).

Disposal (处置) limits come from the category's 立结案标准 rule (priority- and region-specific); the other steps from
``resources/sla/steps.yaml``. Lights (网格红灯): red once the deadline has passed; yellow when less than one working
hour remains, or (when the step's start is known) less than a quarter of the step's budget remains; green otherwise.
Remaining time and budget are measured on the clock of the step's unit (working seconds for 工作时/工作日, wall-clock
seconds for 紧急工作时/自然日); without a unit the light takes the smaller of the two, so it errs towards yellow.
"""

from __future__ import annotations

import math
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
YELLOW_BUDGET_SHARE = 0.25
YELLOW_WORKING_SECONDS = 3600.0


def load_step_limits(path: Path | None = None) -> dict[str, Duration]:
    """Per-step limits from YAML (``step: {amount, unit}``); every step except dispose must be present."""
    path = path or config.sla_steps_file() or resource_path("sla", "steps.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取环节时限 {path}：{exc}", f"cannot read step limits {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataFileError(f"{path}：应为 YAML 映射", f"{path}: not a YAML mapping")
    unknown = sorted(str(k) for k in raw if k not in REQUIRED_STEPS)
    if unknown:
        hint = "（处置时限在 taxonomy/sla_rules.csv）" if "dispose" in unknown else ""
        raise DataFileError(f"{path}：未知环节 {', '.join(unknown)}{hint}",
                            f"{path}: unknown step(s) {', '.join(unknown)} (known: {', '.join(REQUIRED_STEPS)};"
                            " disposal limits live in taxonomy/sla_rules.csv)")
    limits: dict[str, Duration] = {}
    for step in REQUIRED_STEPS:
        row = raw.get(step)
        if not isinstance(row, dict):
            raise DataFileError(f"{path}：缺少环节 {step}", f"{path}: step {step} missing")
        try:
            amount = float(row["amount"])
            unit = TimeUnit(row["unit"])
        except (KeyError, ValueError, TypeError) as exc:
            raise DataFileError(f"{path}：环节 {step} 无效（需 amount 与 unit）：{exc}",
                                f"{path}: step {step} invalid (needs amount and unit): {exc}") from exc
        if not (amount > 0 and math.isfinite(amount)):
            raise DataFileError(f"{path}：环节 {step} 时限须为正数", f"{path}: step {step} limit must be positive")
        limits[step] = Duration(amount, unit)
    return limits


@dataclass(frozen=True)
class SlaPolicy:
    """Deadlines and lights for the steps of the loop, from the taxonomy's rules, the calendar and step limits."""

    taxonomy: Taxonomy
    calendar: WorkingCalendar
    step_limits: dict[str, Duration] = field(default_factory=dict)

    def limit_for(self, step: str, category_code: str, priority: str, region_class: str = "*") -> Duration | None:
        """The limit of ``step`` for this category and priority (None when the step has no limit)."""
        if step == "dispose":
            return self.taxonomy.rule_for(category_code, priority, region_class).disposal
        return self.step_limits.get(step)

    def step_deadline_utc(self, step: str | None, entered_at_utc: datetime, category_code: str, priority: str,
                          region_class: str = "*") -> datetime | None:
        """When the step entered at ``entered_at_utc`` is due (None for steps without a limit)."""
        if step is None:
            return None
        limit = self.limit_for(step, category_code, priority, region_class)
        return None if limit is None else self.calendar.add(entered_at_utc, limit)

    def deadline_for_status(self, status: CaseStatus | str, entered_at_utc: datetime, category_code: str,
                            priority: str, region_class: str = "*") -> datetime | None:
        """The deadline of the step a case in ``status`` is in (None for closed, voided or hung cases)."""
        step = STEP_FOR_STATUS.get(CaseStatus(status))
        return self.step_deadline_utc(step, entered_at_utc, category_code, priority, region_class)

    def disposal_deadline_utc(self, dispatched_at_utc: datetime, category_code: str, priority: str,
                              region_class: str = "*") -> datetime:
        """处置 deadline: the category's rule limit counted from dispatch."""
        limit = self.taxonomy.rule_for(category_code, priority, region_class).disposal
        return self.calendar.add(dispatched_at_utc, limit)

    def remaining_working_seconds(self, deadline_utc: datetime, now_utc: datetime) -> float:
        """Working seconds left until the deadline (negative once overdue by working time)."""
        return self.calendar.working_seconds_between(now_utc, deadline_utc)

    def _elapsed(self, a_utc: datetime, b_utc: datetime, unit: TimeUnit | None) -> float:
        wall = (b_utc - a_utc).total_seconds()
        if unit is None:
            return min(wall, self.calendar.working_seconds_between(a_utc, b_utc))
        if unit.on_working_clock:
            return self.calendar.working_seconds_between(a_utc, b_utc)
        return wall

    def light(self, deadline_utc: datetime, now_utc: datetime, entered_at_utc: datetime | None = None,
              unit: TimeUnit | None = None) -> Light:
        """red / yellow / green (see module doc); pass ``entered_at_utc`` for the 25 % budget rule and ``unit``
        (the step limit's unit) to measure on the right clock."""
        if now_utc > deadline_utc:
            return "red"
        remaining = self._elapsed(now_utc, deadline_utc, unit)
        if remaining < YELLOW_WORKING_SECONDS:
            return "yellow"
        if entered_at_utc is not None:
            budget = self._elapsed(entered_at_utc, deadline_utc, unit)
            if budget > 0 and remaining < YELLOW_BUDGET_SHARE * budget:
                return "yellow"
        return "green"

    def step_light(self, step: str | None, entered_at_utc: datetime, now_utc: datetime, category_code: str,
                   priority: str, region_class: str = "*") -> Light | None:
        """The light of a step from when it was entered, on its own unit's clock (None for steps without a limit)."""
        if step is None:
            return None
        limit = self.limit_for(step, category_code, priority, region_class)
        if limit is None:
            return None
        deadline = self.calendar.add(entered_at_utc, limit)
        return self.light(deadline, now_utc, entered_at_utc, limit.unit)


def make_sla_policy(taxonomy_dir: Path | None = None, calendar_path: Path | None = None,
                    steps_path: Path | None = None) -> SlaPolicy:
    taxonomy = load_taxonomy(taxonomy_dir) if taxonomy_dir else default_taxonomy()
    calendar = load_calendar(calendar_path) if calendar_path else default_calendar()
    return SlaPolicy(taxonomy, calendar, load_step_limits(steps_path))


@lru_cache(maxsize=1)
def default_sla_policy() -> SlaPolicy:
    """The bundled (or environment-named) taxonomy, calendar and step limits, loaded once."""
    return SlaPolicy(default_taxonomy(), default_calendar(), load_step_limits())
