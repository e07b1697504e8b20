"""Working calendar and SLA deadlines across weekends, holidays and make-up days; taxonomy data validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.calendar import Duration, TimeUnit, default_calendar, load_calendar
from console.domain.sla import default_sla_policy
from console.domain.taxonomy import default_taxonomy, load_taxonomy
from console.errors import DataFileError, ValidationError

SH = ZoneInfo("Asia/Shanghai")
CAL = default_calendar()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(UTC)


def as_local(t: datetime) -> datetime:
    return t.astimezone(SH).replace(tzinfo=None)


def wh(hours: float) -> Duration:
    return Duration(hours, TimeUnit.WORKING_HOURS)


def test_friday_afternoon_plus_four_working_hours_lands_on_monday() -> None:
    # Fri 2026-11-20 15:00 → 1.5 h left on Friday, 2.5 h on Monday from 08:30.
    assert as_local(CAL.add(local(2026, 11, 20, 15, 0), wh(4))) == datetime(2026, 11, 23, 11, 0)


def test_national_day_holiday_is_skipped() -> None:
    # Wed 2026-09-30 15:00 + 4 wh: Oct 1–7 are holidays, Thu Oct 8 is a working day.
    assert as_local(CAL.add(local(2026, 9, 30, 15, 0), wh(4))) == datetime(2026, 10, 8, 11, 0)
    # One working day (7 wh) from 16:00 on Sep 30 ends at 15:30 on Oct 8.
    assert as_local(CAL.add(local(2026, 9, 30, 16, 0), Duration(1, TimeUnit.WORKING_DAYS))) == datetime(2026, 10, 8, 16, 0)


def test_make_up_days_count_as_working() -> None:
    assert CAL.is_working_day(datetime(2026, 1, 4).date())  # Sunday make-up day
    assert CAL.is_working_day(datetime(2026, 2, 14).date())  # Saturday before Spring Festival
    assert not CAL.is_working_day(datetime(2026, 2, 16).date())  # Spring Festival Monday
    # Sat 2026-10-10 is a make-up working day: Fri Oct 9 16:00 + 1 wh → Sat Oct 10 09:00.
    assert as_local(CAL.add(local(2026, 10, 9, 16, 0), wh(1))) == datetime(2026, 10, 10, 9, 0)


def test_spring_festival_span() -> None:
    # Fri 2026-02-13 16:00 + 2 wh: Sat 14th is a make-up day (08:30 + 1.5 h = 10:00).
    assert as_local(CAL.add(local(2026, 2, 13, 16, 0), wh(2))) == datetime(2026, 2, 14, 10, 0)
    # Sat 14th 16:00 + 1 wh: 15th–23rd are holidays, Tue 24th 09:00.
    assert as_local(CAL.add(local(2026, 2, 14, 16, 0), wh(1))) == datetime(2026, 2, 24, 9, 0)


def test_urgent_hours_and_calendar_days_ignore_the_calendar() -> None:
    start = local(2026, 10, 1, 22, 0)
    assert CAL.add(start, Duration(3, TimeUnit.URGENT_HOURS)) - start == timedelta(hours=3)
    assert CAL.add(start, Duration(2, TimeUnit.CALENDAR_DAYS)) - start == timedelta(days=2)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValidationError):
        CAL.add(datetime(2026, 1, 5, 9), wh(1))


@settings(max_examples=200, deadline=None)
@given(start_min=st.integers(0, 60 * 24 * 400), hours=st.floats(0.01, 300, allow_nan=False))
def test_add_and_working_seconds_agree(start_min: int, hours: float) -> None:
    start = local(2025, 11, 1, 0, 0) + timedelta(minutes=start_min)
    end = CAL.add(start, wh(hours))
    assert abs(CAL.working_seconds_between(start, end) - hours * 3600) < 1e-3
    assert CAL.working_seconds_between(end, start) == pytest.approx(-hours * 3600, abs=1e-3)


@pytest.mark.parametrize("body", [
    "timezone: Asia/Shanghai\nworking_windows: [[\"25:00\", \"12:00\"]]\n",
    "timezone: Asia/Shanghai\nworking_windows: [[\"09:00\", \"12:00\"], [\"11:00\", \"14:00\"]]\n",
    "timezone: Mars/Olympus\nworking_windows: [[\"09:00\", \"12:00\"]]\n",
    "working_windows: [[\"09:00\", \"12:00\"]]\nholidays: [{from: 2026-13-01}]\n",
    "working_windows: [[\"09:00\", \"12:00\"]]\nholidays: [{from: 2026-10-01}]\nmakeup_working_days: [2026-10-01]\n",
    "just text",
])
def test_malformed_calendar(tmp_path: Path, body: str) -> None:
    path = tmp_path / "cal.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_calendar(path)
    assert "cal.yaml" in err.value.message_en


def test_sla_uses_category_rule_and_priority() -> None:
    policy = default_sla_policy()
    start = local(2026, 11, 23, 9, 0)  # Monday
    assert as_local(policy.disposal_deadline_utc(start, "E0101", "B")) == datetime(2026, 11, 23, 14, 0)  # 4 wh
    assert as_local(policy.disposal_deadline_utc(start, "E0103", "B")) == datetime(2026, 11, 23, 11, 0)  # 2 wh
    assert policy.disposal_deadline_utc(start, "E0101", "urgent") - start == timedelta(hours=2)
    rule = default_taxonomy().rule_for("E0507", "B")
    assert [s.name for s in rule.stages] == ["stop_work", "penalty", "demolish"]
    assert default_taxonomy().rule_for("E0101", "B", "core").disposal == wh(2)


def test_lights() -> None:
    policy = default_sla_policy()
    deadline = local(2026, 11, 23, 14, 30)
    assert policy.light(deadline, local(2026, 11, 23, 15, 0)) == "red"
    assert policy.light(deadline, local(2026, 11, 23, 14, 0)) == "yellow"
    assert policy.light(deadline, local(2026, 11, 23, 9, 0)) == "green"


def test_taxonomy_find_and_unknown() -> None:
    tax = default_taxonomy()
    assert tax.find("暴露垃圾").code == "E0101" and tax.find("E0101").minor_name == "暴露垃圾"
    with pytest.raises(ValidationError) as err:
        tax.find("暴露拉圾")
    assert "暴露垃圾" in err.value.message_zh  # suggestion offered
    assert len(tax.resident_facing()) < len(tax.categories)
    assert tax.get("E0304").legal_review_required


@pytest.mark.parametrize(("cats", "rules", "needle"), [
    ("kind,code\nevent,E0101\n", "code\n", "missing columns"),
    ("{H}\nevent,事件,01,市容环境,01,暴露垃圾,E01X1,1,0,0,other,B,trash\n", "{R}\n", "code"),
    ("{H}\n{ROW}\n{ROW}\n", "{R}\n", "duplicate"),
    ("{H}\n{ROW}\n", "{R}\nE0999,*,*,x,4,working_hours,,y,z,w\n", "unknown code"),
    ("{H}\n{ROW}\n", "{R}\nE0101,*,*,x,4,fortnights,,y,z,w\n", "unknown unit"),
    ("{H}\n{ROW}\n", "{R}\nE0101,*,*,x,-4,working_hours,,y,z,w\n", "positive"),
    ("{H}\n{ROW}\n", "{R}\n", "no '*' rule"),
])
def test_malformed_taxonomy(tmp_path: Path, cats: str, rules: str, needle: str) -> None:
    header = "kind,kind_zh,major_code,major_name,minor_code,minor_name,code,resident_facing,enforcement," \
             "legal_review_required,domain,default_priority,icon"
    row = "event,事件,01,市容环境,01,暴露垃圾,E0101,1,0,0,other,B,trash"
    rheader = "code,priority,region_class,filing_condition,disposal_amount,disposal_unit,stages,closing_condition," \
              "responsible_unit,supervising_department"
    (tmp_path / "categories.csv").write_text(cats.format(H=header, ROW=row), encoding="utf-8")
    (tmp_path / "sla_rules.csv").write_text(rules.format(R=rheader), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_taxonomy(tmp_path)
    assert needle in err.value.message_en
