"""Working calendar (工作日历) and durations in the units of the 立结案标准 tables.

Units: 紧急工作时 ``urgent_hours`` (round-the-clock hours), 工作时 ``working_hours`` (only inside the working windows of
working days), 工作日 ``working_days`` (one working day = the working hours of one full working day, so 1 工作日 = 7
工作时 with the default windows; counting is continuous from the start instant), 自然日 ``calendar_days`` (24 h each).
A working day is a weekday in ``weekdays`` that is not a holiday, or any make-up working day (调休上班).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from console import config
from console.errors import DataFileError, ValidationError
from console.resources import resource_path

MAX_SPAN_DAYS = 3660


class TimeUnit(StrEnum):
    URGENT_HOURS = "urgent_hours"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"

    @property
    def label_zh(self) -> str:
        return {"urgent_hours": "紧急工作时", "working_hours": "工作时", "working_days": "工作日",
                "calendar_days": "自然日"}[self.value]


@dataclass(frozen=True)
class Duration:
    amount: float
    unit: TimeUnit

    def __str__(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        return f"{amount}{self.unit.label_zh}"

    def to_json(self) -> dict[str, Any]:
        return {"amount": self.amount, "unit": self.unit.value, "label_zh": str(self)}


def _require_aware(t: datetime, what: str) -> datetime:
    if t.tzinfo is None:
        raise ValidationError(f"{what} 缺少时区信息", f"{what} must be timezone-aware")
    return t


@dataclass(frozen=True)
class WorkingCalendar:
    """Working windows, weekdays, holidays and make-up days in one time zone."""

    tz: ZoneInfo
    windows: tuple[tuple[time, time], ...]
    weekdays: frozenset[int]
    holidays: frozenset[date]
    makeup_days: frozenset[date]

    @property
    def working_seconds_per_day(self) -> float:
        return float(sum((_secs(b) - _secs(a)) for a, b in self.windows))

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_days:
            return True
        return day.isoweekday() in self.weekdays and day not in self.holidays

    def _day_windows(self, day: date) -> Iterable[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return ()
        return [(datetime.combine(day, a, self.tz), datetime.combine(day, b, self.tz)) for a, b in self.windows]

    def add(self, start_utc: datetime, duration: Duration) -> datetime:
        """The instant ``duration`` after ``start_utc`` on this calendar (aware UTC in and out)."""
        _require_aware(start_utc, "start")
        amount = float(duration.amount)
        if amount < 0:
            raise ValidationError("时长不能为负", "duration must not be negative")
        if duration.unit == TimeUnit.URGENT_HOURS:
            return (start_utc + timedelta(hours=amount)).astimezone(UTC)
        if duration.unit == TimeUnit.CALENDAR_DAYS:
            return (start_utc + timedelta(days=amount)).astimezone(UTC)
        seconds = amount * 3600.0 if duration.unit == TimeUnit.WORKING_HOURS else amount * self.working_seconds_per_day
        return self._add_working_seconds(start_utc, seconds)

    def _add_working_seconds(self, start_utc: datetime, seconds: float) -> datetime:
        local = start_utc.astimezone(self.tz)
        remaining = seconds
        day = local.date()
        if remaining <= 0:
            return start_utc.astimezone(UTC)
        for _ in range(MAX_SPAN_DAYS):
            for ws, we in self._day_windows(day):
                begin = max(ws, local)
                if begin >= we:
                    continue
                available = (we - begin).total_seconds()
                if remaining <= available:
                    return (begin + timedelta(seconds=remaining)).astimezone(UTC)
                remaining -= available
            day += timedelta(days=1)
        raise ValidationError("时限超出日历范围（十年）", "deadline beyond the calendar's range (ten years)")

    def working_seconds_between(self, a_utc: datetime, b_utc: datetime) -> float:
        """Working seconds from a to b (negative when b is before a)."""
        _require_aware(a_utc, "a")
        _require_aware(b_utc, "b")
        if b_utc < a_utc:
            return -self.working_seconds_between(b_utc, a_utc)
        a, b = a_utc.astimezone(self.tz), b_utc.astimezone(self.tz)
        if (b.date() - a.date()).days > MAX_SPAN_DAYS:
            raise ValidationError("时间跨度过大", "time span too large")
        total = 0.0
        day = a.date()
        while day <= b.date():
            for ws, we in self._day_windows(day):
                lo, hi = max(ws, a), min(we, b)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return total

    def next_working_instant(self, t_utc: datetime) -> datetime:
        """``t`` itself if inside a working window, else the start of the next window."""
        local = _require_aware(t_utc, "t").astimezone(self.tz)
        day = local.date()
        for _ in range(MAX_SPAN_DAYS):
            for ws, we in self._day_windows(day):
                if local < we:
                    return max(ws, local).astimezone(UTC)
            day += timedelta(days=1)
        raise ValidationError("日历中找不到工作时间", "no working time found in the calendar")


def _secs(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _parse_time(text: Any, where: str) -> time:
    try:
        hh, mm = str(text).split(":")
        return time(int(hh), int(mm))
    except (ValueError, TypeError) as exc:
        raise DataFileError(f"{where}：时间“{text}”格式应为 HH:MM", f"{where}: time {text!r} must be HH:MM") from exc


def _parse_date(value: Any, where: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataFileError(f"{where}：日期“{value}”无效", f"{where}: invalid date {value!r}") from exc


def load_calendar(path: Path | None = None) -> WorkingCalendar:
    """Load and validate a calendar YAML file; every problem names the file and what is wrong."""
    path = path or config.calendar_file() or resource_path("calendar", "working_calendar.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:  # PyYAML raises ValueError for dates like 2026-13-01
        raise DataFileError(f"无法读取工作日历 {path}：{exc}", f"cannot read calendar file {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataFileError(f"工作日历 {path} 格式错误", f"calendar file {path} is not a mapping")
    where = str(path)
    try:
        tz = ZoneInfo(str(raw.get("timezone", "Asia/Shanghai")))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DataFileError(f"{where}：未知时区 {raw.get('timezone')}", f"{where}: unknown time zone") from exc
    windows_raw = raw.get("working_windows")
    if not isinstance(windows_raw, list) or not windows_raw:
        raise DataFileError(f"{where}：缺少 working_windows", f"{where}: working_windows missing or empty")
    windows: list[tuple[time, time]] = []
    for w in windows_raw:
        if not isinstance(w, list) or len(w) != 2:
            raise DataFileError(f"{where}：工作时段应为 [开始, 结束]", f"{where}: each window must be [start, end]")
        a, b = _parse_time(w[0], where), _parse_time(w[1], where)
        if b <= a:
            raise DataFileError(f"{where}：工作时段 {w} 结束早于开始", f"{where}: window {w} ends before it starts")
        windows.append((a, b))
    windows.sort()
    for (_, b1), (a2, _) in pairwise(windows):
        if a2 < b1:
            raise DataFileError(f"{where}：工作时段重叠", f"{where}: working windows overlap")
    weekdays_raw = raw.get("weekdays", [1, 2, 3, 4, 5])
    if not isinstance(weekdays_raw, list) or not all(isinstance(d, int) and 1 <= d <= 7 for d in weekdays_raw):
        raise DataFileError(f"{where}：weekdays 应为 1–7 的整数列表", f"{where}: weekdays must be integers 1–7")
    holidays: set[date] = set()
    for h in raw.get("holidays") or []:
        if not isinstance(h, dict) or "from" not in h:
            raise DataFileError(f"{where}：假期条目应含 from/to", f"{where}: holiday entries need from/to")
        d0 = _parse_date(h["from"], where)
        d1 = _parse_date(h.get("to", h["from"]), where)
        if d1 < d0 or (d1 - d0).days > 31:
            raise DataFileError(f"{where}：假期 {d0}–{d1} 无效", f"{where}: holiday {d0}–{d1} is invalid")
        holidays.update(d0 + timedelta(days=i) for i in range((d1 - d0).days + 1))
    makeup = {_parse_date(d, where) for d in raw.get("makeup_working_days") or []}
    clash = holidays & makeup
    if clash:
        raise DataFileError(f"{where}：{sorted(clash)[0]} 既是假期又是调休上班日",
                            f"{where}: {sorted(clash)[0]} is both a holiday and a make-up working day")
    return WorkingCalendar(tz, tuple(windows), frozenset(weekdays_raw), frozenset(holidays), frozenset(makeup))


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    return load_calendar()
