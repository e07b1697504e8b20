"""SLA policy: step deadlines per status, disposal limits from the category rule, remaining time and lights."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from console.domain.calendar import Duration, TimeUnit, default_calendar
from console.domain.enums import CaseStatus
from console.domain.sla import STEP_FOR_STATUS, SlaPolicy, default_sla_policy, load_step_limits, make_sla_policy
from console.domain.taxonomy import default_taxonomy
from console.errors import DataFileError, ValidationError

SH = ZoneInfo("Asia/Shanghai")
POLICY = default_sla_policy()
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=SH).astimezone(UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(UTC)


def as_local(t: datetime | None) -> datetime:
    assert t is not None and t.tzinfo is UTC
    return t.astimezone(SH).replace(tzinfo=None)


def test_status_to_step_mapping() -> None:
    assert STEP_FOR_STATUS == {
        CaseStatus.REPORTED: "accept", CaseStatus.ACCEPTED: "verify", CaseStatus.VERIFIED: "file",
        CaseStatus.FILED: "dispatch", CaseStatus.DISPATCHED: "dispose", CaseStatus.HANDLING: "dispose",
        CaseStatus.HANDLED: "check", CaseStatus.CHECKED: "close", CaseStatus.LEGAL_REVIEW: "legal_review"}
    for status in (CaseStatus.CLOSED, CaseStatus.VOIDED, CaseStatus.HUNG):
        assert POLICY.deadline_for_status(status, MONDAY_9, "E0101", "B") is None


def test_bundled_step_limits() -> None:
    limits = POLICY.step_limits
    assert set(limits) == {"accept", "verify", "file", "dispatch", "check", "close", "legal_review"}
    assert limits["accept"] == Duration(0.5, TimeUnit.URGENT_HOURS)
    assert limits["verify"] == Duration(2, TimeUnit.WORKING_HOURS)


def test_step_deadlines_follow_the_steps_units() -> None:
    saturday = local(2026, 11, 21, 10, 0)
    # The operations centre accepts round the clock (urgent hours); field verification waits for working hours.
    assert as_local(POLICY.step_deadline_utc("accept", saturday, "E0101", "B")) == datetime(2026, 11, 21, 10, 30)
    assert as_local(POLICY.step_deadline_utc("verify", saturday, "E0101", "B")) == datetime(2026, 11, 23, 10, 30)
    assert as_local(POLICY.deadline_for_status("handled", local(2026, 11, 20, 16, 0), "E0101", "B")) \
        == datetime(2026, 11, 23, 10, 0)  # check: 2 wh across the weekend
    # Legal review: 2 full working days (start inside Monday → Tue and Wed).
    assert as_local(POLICY.step_deadline_utc("legal_review", MONDAY_9, "E0304", "A")) == datetime(2026, 11, 25, 16, 30)
    assert POLICY.step_deadline_utc(None, MONDAY_9, "E0101", "B") is None
    assert POLICY.step_deadline_utc("evaluate", MONDAY_9, "E0101", "B") is None


def test_disposal_uses_the_category_rule_priority_and_region() -> None:
    assert as_local(POLICY.disposal_deadline_utc(MONDAY_9, "E0101", "B")) == datetime(2026, 11, 23, 14, 0)  # 4 wh
    assert as_local(POLICY.disposal_deadline_utc(MONDAY_9, "E0101", "A")) == datetime(2026, 11, 23, 12, 0)  # 3 wh
    assert as_local(POLICY.disposal_deadline_utc(MONDAY_9, "E0101", "B", "core")) == datetime(2026, 11, 23, 11, 0)
    assert as_local(POLICY.disposal_deadline_utc(MONDAY_9, "E0103", "B")) == datetime(2026, 11, 23, 11, 0)  # 2 wh
    assert POLICY.disposal_deadline_utc(MONDAY_9, "E0101", "urgent") - MONDAY_9 == timedelta(hours=2)
    # Dispatched and handling both count against the disposal limit.
    for status in ("dispatched", "handling"):
        assert POLICY.deadline_for_status(status, MONDAY_9, "E0103", "B") == local(2026, 11, 23, 11, 0)
    # 私搭乱建: 20 working days, counted from Tuesday because Monday had already started.
    assert as_local(POLICY.disposal_deadline_utc(MONDAY_9, "E0507", "B")) == datetime(2026, 12, 21, 16, 30)
    with pytest.raises(ValidationError):
        POLICY.disposal_deadline_utc(MONDAY_9, "E9999", "B")


def test_remaining_working_seconds() -> None:
    deadline = local(2026, 11, 23, 10, 0)
    assert POLICY.remaining_working_seconds(deadline, local(2026, 11, 20, 16, 0)) == 2 * 3600
    assert POLICY.remaining_working_seconds(deadline, local(2026, 11, 23, 11, 0)) == -3600


def test_lights() -> None:
    deadline = local(2026, 11, 23, 14, 30)
    assert POLICY.light(deadline, local(2026, 11, 23, 15, 0)) == "red"
    assert POLICY.light(deadline, local(2026, 11, 23, 14, 0)) == "yellow"  # half a working hour left
    assert POLICY.light(deadline, local(2026, 11, 23, 9, 0)) == "green"
    # Over the lunch break only 0.5 h of working time is left although 1 h 20 min of wall time remain.
    assert POLICY.light(local(2026, 11, 23, 13, 30), local(2026, 11, 23, 12, 10)) == "yellow"
    # Friday evening before a Monday 09:00 deadline: 0.5 working hours left → yellow despite 63 h of wall time.
    assert POLICY.light(local(2026, 11, 23, 9, 0), local(2026, 11, 20, 18, 0)) == "yellow"


def test_quarter_budget_rule() -> None:
    entered = local(2026, 11, 23, 8, 30)
    deadline = POLICY.calendar.add(entered, Duration(3, TimeUnit.WORKING_DAYS))  # Wed 16:30, 21 working hours
    now = local(2026, 11, 25, 12, 0)  # 4.5 working hours left: > 1 h but < 25 % of 21 h
    assert POLICY.light(deadline, now) == "green"
    assert POLICY.light(deadline, now, entered, TimeUnit.WORKING_DAYS) == "yellow"
    assert POLICY.light(deadline, local(2026, 11, 24, 12, 0), entered, TimeUnit.WORKING_DAYS) == "green"


def test_unit_decides_the_clock() -> None:
    # An urgent-hours deadline at night: 1.5 h of round-the-clock time is plenty on the urgent clock,
    # but no working time remains, so without the unit the light errs towards yellow.
    now, deadline = local(2026, 11, 23, 22, 0), local(2026, 11, 23, 23, 30)
    assert POLICY.light(deadline, now, unit=TimeUnit.URGENT_HOURS) == "green"
    assert POLICY.light(deadline, now) == "yellow"
    assert POLICY.step_light("accept", now, now + timedelta(minutes=10), "E0101", "B") == "yellow"  # 20 min left
    assert POLICY.step_light("dispose", MONDAY_9, MONDAY_9 + timedelta(minutes=30), "E0101", "B") == "green"
    assert POLICY.step_light("dispose", MONDAY_9, local(2026, 11, 23, 13, 30), "E0101", "B") == "yellow"
    assert POLICY.step_light("dispose", MONDAY_9, local(2026, 11, 23, 14, 1), "E0101", "B") == "red"
    assert POLICY.step_light(None, MONDAY_9, MONDAY_9, "E0101", "B") is None


# --- step-limit file -------------------------------------------------------------------------------------------
STEPS = {"accept": "{amount: 10, unit: urgent_hours}", "verify": "{amount: 2, unit: working_hours}",
         "file": "{amount: 1, unit: urgent_hours}", "dispatch": "{amount: 0.5, unit: urgent_hours}",
         "check": "{amount: 2, unit: working_hours}", "close": "{amount: 4, unit: working_hours}",
         "legal_review": "{amount: 2, unit: working_days}"}


def steps_yaml(**override: str | None) -> str:
    rows = {**STEPS, **override}
    return "".join(f"{k}: {v}\n" for k, v in rows.items() if v is not None)


def test_custom_step_limits(tmp_path: Path) -> None:
    path = tmp_path / "steps.yaml"
    path.write_text(steps_yaml(accept="{amount: 0.25, unit: working_hours}"), encoding="utf-8")
    policy = make_sla_policy(steps_path=path)
    assert policy.step_limits["accept"] == Duration(0.25, TimeUnit.WORKING_HOURS)
    friday_late = local(2026, 11, 20, 16, 20)
    assert as_local(policy.step_deadline_utc("accept", friday_late, "E0101", "B")) == datetime(2026, 11, 23, 8, 35)
    assert SlaPolicy(default_taxonomy(), default_calendar(), load_step_limits(path)) == policy


@pytest.mark.parametrize(("body", "needle"), [
    (steps_yaml(close=None), "close missing"),
    (steps_yaml(dispose="{amount: 4, unit: working_hours}"), "sla_rules.csv"),
    (steps_yaml(verify="{amount: -2, unit: working_hours}"), "positive"),
    (steps_yaml(verify="{amount: .nan, unit: working_hours}"), "positive"),
    (steps_yaml(verify="{amount: 2, unit: moons}"), "verify invalid"),
    (steps_yaml(verify="{unit: working_hours}"), "verify invalid"),
    (steps_yaml(verify="2"), "verify missing"),
    ("- accept\n", "mapping"),
    ("accept: {amount: [\n", "cannot read"),
])
def test_malformed_step_limits(tmp_path: Path, body: str, needle: str) -> None:
    path = tmp_path / "steps.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_step_limits(path)
    assert "steps.yaml" in err.value.message_en and needle in err.value.message_en


def test_default_policy_is_cached() -> None:
    assert default_sla_policy() is POLICY
    assert POLICY.taxonomy is default_taxonomy() and POLICY.calendar is default_calendar()
