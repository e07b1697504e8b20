"""Working calendar: deadlines across weekends, holidays and make-up days, unit conventions, and file validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.calendar import Duration, TimeUnit, WorkingCalendar, default_calendar, load_calendar
from console.errors import DataFileError, ValidationError

SH = ZoneInfo("Asia/Shanghai")
CAL = default_calendar()
DAY_S = 7 * 3600  # 08:30–12:00 + 13:00–16:30


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(UTC)


def as_local(t: datetime) -> datetime:
    assert t.tzinfo is UTC
    return t.astimezone(SH).replace(tzinfo=None)


def wh(hours: float) -> Duration:
    return Duration(hours, TimeUnit.WORKING_HOURS)


def wd(days: float) -> Duration:
    return Duration(days, TimeUnit.WORKING_DAYS)


def reference_add_hours(cal: WorkingCalendar, start_utc: datetime, hours: float) -> datetime:
    """Plain day-by-day walk over the windows: the obviously-correct (slow) definition of working-hour addition."""
    t = start_utc.astimezone(cal.tz)
    remaining = hours * 3600
    day = t.date()
    while True:
        if cal.is_working_day(day):
            for a, b in cal.windows:
                ws, we = datetime.combine(day, a, cal.tz), datetime.combine(day, b, cal.tz)
                begin = max(ws, t)
                if begin >= we:
                    continue
                available = (we - begin).total_seconds()
                if remaining <= available:
                    return (begin + timedelta(seconds=remaining)).astimezone(UTC)
                remaining -= available
        day += timedelta(days=1)


# --- weekends and holidays -------------------------------------------------------------------------------------
def test_friday_afternoon_plus_four_working_hours_lands_on_monday() -> None:
    # Fri 2026-11-20 16:00: 0.5 h left on Friday, 3.5 h on Monday from 08:30 → fills the morning window exactly.
    assert as_local(CAL.add(local(2026, 11, 20, 16, 0), wh(4))) == datetime(2026, 11, 23, 12, 0)
    assert as_local(CAL.add(local(2026, 11, 20, 15, 0), wh(4))) == datetime(2026, 11, 23, 11, 0)
    # Started on Saturday: counting begins Monday 08:30.
    assert as_local(CAL.add(local(2026, 11, 21, 10, 0), wh(4))) == datetime(2026, 11, 23, 13, 30)


def test_national_day_2026_is_skipped() -> None:
    # Oct 1–7 are holidays; Thu Oct 8 is an ordinary working day; Sat Oct 10 is a make-up working day.
    assert as_local(CAL.add(local(2026, 9, 30, 15, 0), wh(4))) == datetime(2026, 10, 8, 11, 0)
    assert as_local(CAL.add(local(2026, 9, 30, 10, 0), wd(1))) == datetime(2026, 10, 8, 16, 30)
    assert as_local(CAL.add(local(2026, 9, 30, 10, 0), wd(3))) == datetime(2026, 10, 10, 16, 30)
    assert as_local(CAL.add(local(2026, 10, 9, 16, 0), wh(1))) == datetime(2026, 10, 10, 9, 0)
    assert as_local(CAL.add(local(2026, 10, 3, 9, 0), wh(1))) == datetime(2026, 10, 8, 9, 30)


def test_spring_festival_2026_with_make_up_saturdays() -> None:
    # Sat Feb 14 is a make-up day: Fri 13th 16:00 + 2 wh → 0.5 h Friday + 1.5 h Saturday.
    assert as_local(CAL.add(local(2026, 2, 13, 16, 0), wh(2))) == datetime(2026, 2, 14, 10, 0)
    # Feb 15–23 are holidays: Sat 14th 16:00 + 1 wh → Tue 24th 09:00.
    assert as_local(CAL.add(local(2026, 2, 14, 16, 0), wh(1))) == datetime(2026, 2, 24, 9, 0)
    # Fri 13th 10:00 + 2 工作日: day 1 = Sat 14th, day 2 = Tue 24th.
    assert as_local(CAL.add(local(2026, 2, 13, 10, 0), wd(2))) == datetime(2026, 2, 24, 16, 30)
    # Sat Feb 28 is the second make-up day: Fri 27th 10:00 + 1 工作日 ends on it.
    assert as_local(CAL.add(local(2026, 2, 27, 10, 0), wd(1))) == datetime(2026, 2, 28, 16, 30)
    assert [d for d in range(14, 25) if CAL.is_working_day(date(2026, 2, d))] == [14, 24]
    assert CAL.is_working_day(date(2026, 2, 14))


def test_make_up_sunday_jan_4_2026_counts_as_working() -> None:
    assert CAL.is_working_day(date(2026, 1, 4))
    assert not any(CAL.is_working_day(date(2026, 1, d)) for d in (1, 2, 3))
    # New Year's Day evening + 1 wh → the make-up Sunday morning.
    assert as_local(CAL.add(local(2026, 1, 1, 20, 0), wh(1))) == datetime(2026, 1, 4, 9, 30)
    assert CAL.working_seconds_between(local(2026, 1, 3, 0, 0), local(2026, 1, 5, 0, 0)) == DAY_S


def test_2025_table() -> None:
    assert not CAL.is_working_day(date(2025, 10, 8))  # 国庆+中秋 Oct 1–8
    assert CAL.is_working_day(date(2025, 9, 28)) and CAL.is_working_day(date(2025, 10, 11))  # make-up Sun, Sat
    assert CAL.is_working_day(date(2025, 1, 26)) and not CAL.is_working_day(date(2025, 2, 4))
    assert as_local(CAL.add(local(2025, 9, 30, 16, 0), wh(1))) == datetime(2025, 10, 9, 9, 0)


# --- unit conventions ------------------------------------------------------------------------------------------
def test_urgent_hours_and_calendar_days_ignore_the_calendar() -> None:
    start = local(2026, 10, 1, 22, 0)  # a holiday night
    assert CAL.add(start, Duration(3, TimeUnit.URGENT_HOURS)) - start == timedelta(hours=3)
    assert CAL.add(start, Duration(0.25, TimeUnit.URGENT_HOURS)) - start == timedelta(minutes=15)
    assert CAL.add(start, Duration(2, TimeUnit.CALENDAR_DAYS)) - start == timedelta(days=2)
    assert CAL.add(start, Duration(3, TimeUnit.URGENT_HOURS)).tzinfo is UTC


def test_working_day_convention() -> None:
    monday = (2026, 11, 23)
    # Start before the first window: the start day is day 1. Start inside it: day 1 is the next working day.
    assert as_local(CAL.add(local(*monday, 8, 0), wd(1))) == datetime(2026, 11, 23, 16, 30)
    assert as_local(CAL.add(local(*monday, 8, 30), wd(1))) == datetime(2026, 11, 23, 16, 30)
    assert as_local(CAL.add(local(*monday, 10, 0), wd(1))) == datetime(2026, 11, 24, 16, 30)
    assert as_local(CAL.add(local(*monday, 18, 0), wd(1))) == datetime(2026, 11, 24, 16, 30)
    # Fractions: 1.5 days = one full day, then half a day's working hours (3.5 h) into the next.
    assert as_local(CAL.add(local(*monday, 10, 0), wd(1.5))) == datetime(2026, 11, 25, 12, 0)
    assert as_local(CAL.add(local(*monday, 10, 0), wd(0))) == datetime(2026, 11, 23, 10, 0)
    # 20 工作日 from a Monday morning: four full weeks.
    assert as_local(CAL.add(local(*monday, 8, 0), wd(20))) == datetime(2026, 12, 18, 16, 30)


def test_window_boundaries() -> None:
    monday = (2026, 11, 23)
    assert as_local(CAL.add(local(*monday, 8, 30), wh(3.5))) == datetime(2026, 11, 23, 12, 0)
    assert as_local(CAL.add(local(*monday, 8, 30), wh(3.5 + 1 / 3600))) == datetime(2026, 11, 23, 13, 0, 1)
    assert as_local(CAL.add(local(*monday, 12, 30), wh(0.5))) == datetime(2026, 11, 23, 13, 30)
    assert as_local(CAL.add(local(*monday, 16, 30), wh(0.5))) == datetime(2026, 11, 24, 9, 0)
    assert CAL.add(local(*monday, 12, 30), wh(0)) == local(*monday, 12, 30)


def test_next_working_instant() -> None:
    inside = local(2026, 11, 23, 9, 15, 7)
    assert CAL.next_working_instant(inside) == inside
    assert as_local(CAL.next_working_instant(local(2026, 11, 23, 12, 30))) == datetime(2026, 11, 23, 13, 0)
    assert as_local(CAL.next_working_instant(local(2026, 11, 23, 12, 0))) == datetime(2026, 11, 23, 13, 0)
    assert as_local(CAL.next_working_instant(local(2026, 11, 20, 17, 0))) == datetime(2026, 11, 23, 8, 30)
    assert as_local(CAL.next_working_instant(local(2026, 10, 1, 9, 0))) == datetime(2026, 10, 8, 8, 30)


def test_working_seconds_between() -> None:
    fri, mon = local(2026, 11, 20, 16, 0), local(2026, 11, 23, 9, 0)
    assert CAL.working_seconds_between(fri, mon) == 3600
    assert CAL.working_seconds_between(mon, fri) == -3600
    assert CAL.working_seconds_between(local(2026, 11, 21, 0, 0), local(2026, 11, 22, 23, 0)) == 0
    assert CAL.working_seconds_between(local(2026, 9, 30, 0, 0), local(2026, 10, 9, 0, 0)) == 2 * DAY_S


def test_aware_non_utc_input_is_accepted_and_utc_returned() -> None:
    start = datetime(2026, 11, 20, 16, 0, tzinfo=SH)
    assert CAL.add(start, wh(1)) == local(2026, 11, 23, 9, 0)
    assert CAL.add(start, wh(1)).tzinfo is UTC


def test_naive_datetimes_and_bad_durations_are_refused() -> None:
    naive = datetime(2026, 1, 5, 9)
    with pytest.raises(ValidationError):
        CAL.add(naive, wh(1))
    with pytest.raises(ValidationError):
        CAL.working_seconds_between(naive, local(2026, 1, 5, 9))
    with pytest.raises(ValidationError):
        CAL.next_working_instant(naive)
    for amount in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValidationError):
            Duration(amount, TimeUnit.WORKING_HOURS)
    with pytest.raises(ValidationError):
        Duration(1, "fortnights")  # type: ignore[arg-type]
    assert Duration(1, "working_days").unit is TimeUnit.WORKING_DAYS  # type: ignore[arg-type]
    assert str(Duration(4, TimeUnit.WORKING_HOURS)) == "4工作时"
    assert TimeUnit.URGENT_HOURS.label_zh == "紧急工作时" and TimeUnit.CALENDAR_DAYS.label_zh == "自然日"


def test_spans_beyond_ten_years_are_refused() -> None:
    start = local(2026, 1, 5, 9)
    assert CAL.add(start, wd(2000)) > start + timedelta(days=2000)
    with pytest.raises(ValidationError):
        CAL.add(start, wd(4000))
    with pytest.raises(ValidationError):
        CAL.working_seconds_between(start, start + timedelta(days=5000))


def test_sparse_weekdays_calendar(tmp_path: Path) -> None:
    path = tmp_path / "wed.yaml"
    path.write_text('working_windows: [["09:00", "10:00"]]\nweekdays: [3]\n', encoding="utf-8")
    cal = load_calendar(path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = cal.add(start, wh(60))  # 60 Wednesdays
    assert end == reference_add_hours(cal, start, 60)
    assert end.astimezone(UTC).isoweekday() == 3


# --- properties ------------------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(start_s=st.integers(0, 86400 * 500), hours=st.floats(0.001, 400, allow_nan=False))
def test_add_then_working_seconds_between_is_the_duration(start_s: int, hours: float) -> None:
    start = local(2025, 9, 1, 0, 0) + timedelta(seconds=start_s)
    end = CAL.add(start, wh(hours))
    assert CAL.working_seconds_between(start, end) == pytest.approx(hours * 3600, abs=1e-3)
    assert CAL.working_seconds_between(end, start) == pytest.approx(-hours * 3600, abs=1e-3)
    assert abs((end - reference_add_hours(CAL, start, hours)).total_seconds()) < 1e-3


@settings(max_examples=200, deadline=None)
@given(start_s=st.integers(0, 86400 * 500), days=st.integers(1, 40))
def test_working_days_end_at_the_close_of_a_working_day(start_s: int, days: int) -> None:
    start = local(2025, 9, 1, 0, 0) + timedelta(seconds=start_s)
    end = CAL.add(start, wd(days))
    end_local = end.astimezone(SH)
    assert end_local.time() == time(16, 30) and CAL.is_working_day(end_local.date())
    # Exactly `days` full working days lie between the opening of the first full working day and the deadline.
    day = start.astimezone(SH).date()
    if not (CAL.is_working_day(day) and start.astimezone(SH).time() <= time(8, 30)):
        day += timedelta(days=1)
        while not CAL.is_working_day(day):
            day += timedelta(days=1)
    first_full = datetime.combine(day, time(8, 30), SH)
    assert CAL.working_seconds_between(first_full, end) == days * DAY_S


# --- malformed files -------------------------------------------------------------------------------------------
GOOD_WINDOWS = 'working_windows: [["09:00", "12:00"]]\n'


@pytest.mark.parametrize(("body", "needle"), [
    ('timezone: Asia/Shanghai\nworking_windows: [["25:00", "12:00"]]\n', "HH:MM"),
    ('working_windows: [["09:00", "12:00"], ["11:00", "14:00"]]\n', "overlap"),
    ('working_windows: [["12:00", "09:00"]]\n', "does not end after"),
    ('working_windows: []\n', "working_windows"),
    ('timezone: Asia/Shanghai\n', "working_windows"),
    ('timezone: Mars/Olympus\n' + GOOD_WINDOWS, "time zone"),
    (GOOD_WINDOWS + "holidays: [{from: 2026-13-01}]\n", "2026-13-01"),
    (GOOD_WINDOWS + "holidays: [{from: 'first of may'}]\n", "invalid date"),
    (GOOD_WINDOWS + "holidays: [{from: 2026-10-07, to: 2026-10-01}]\n", "invalid"),
    (GOOD_WINDOWS + "holidays: [2026-10-01]\n", "from"),
    (GOOD_WINDOWS + "holidays: [{from: 2026-10-01}]\nmakeup_working_days: [2026-10-01]\n", "both a holiday"),
    (GOOD_WINDOWS + "makeup_working_days: [2026-10-12]\n", "already a regular working day"),
    (GOOD_WINDOWS + "weekdays: [0, 8]\n", "weekdays"),
    (GOOD_WINDOWS + "weekdays: []\n", "weekdays"),
    ("just text", "mapping"),
    ("working_windows: [\n", "cannot read"),
])
def test_malformed_calendar(tmp_path: Path, body: str, needle: str) -> None:
    path = tmp_path / "cal.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_calendar(path)
    assert "cal.yaml" in err.value.message_en and needle in err.value.message_en
    assert "cal.yaml" in err.value.message_zh


def test_missing_calendar_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError):
        load_calendar(tmp_path / "absent.yaml")


def test_bundled_calendar_shape() -> None:
    data = CAL.to_json()
    assert data["timezone"] == "Asia/Shanghai" and data["working_hours_per_day"] == 7
    assert "2026-10-07" in data["holidays"] and "2026-10-10" in data["makeup_working_days"]
    assert default_calendar() is CAL
