"""Working calendar (工作日历) and durations in the units of the 立结案标准 tables.

Units and the exact conventions of :meth:`WorkingCalendar.add`:

- 紧急工作时 ``urgent_hours``: round-the-clock hours, ``start + N h`` (the operations centre never closes).
- 自然日 ``calendar_days``: ``start + N × 24 h`` (absolute time; Asia/Shanghai has no daylight saving).
- 工作时 ``working_hours``: time accrues only inside the working windows of working days, from the start instant on.
  A deadline that fills a window exactly is that window's end (12:00, not 13:00; 16:30 on Friday, not 08:30 Monday).
- 工作日 ``working_days``: N *full* working days. Day 1 is the start's own day when that is a working day and the start
  is at or before its first window opens; otherwise the next working day. The deadline is the end of the last window of
  the Nth such day (Mon 10:00 + 1 工作日 → Tue 16:30; Mon 08:00 + 1 工作日 → Mon 16:30). A fraction counts as that share
  of a day's working hours into the next day (Mon 10:00 + 1.5 工作日 → Wed 08:30 + 3.5 h = Wed 12:00).

A working day is a weekday in ``weekdays`` that is not a holiday (放假), or any make-up working day (调休上班).
Windows are wall-clock times in ``tz``. The calendar keeps a sorted table of working-day ordinals (grown on demand), so
add() and working_seconds_between() cost a couple of bisections, however long the span.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from dataclasses import dataclass, field
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

MAX_SPAN_DAYS = 3660  # ten years: a longer deadline or interval is a data error, not a business rule
_MARGIN_DAYS = 400


class TimeUnit(StrEnum):
    """Units of a time limit in the 立结案标准 tables."""

    URGENT_HOURS = "urgent_hours"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"

    @property
    def label_zh(self) -> str:
        return {"urgent_hours": "紧急工作时", "working_hours": "工作时", "working_days": "工作日",
                "calendar_days": "自然日"}[self.value]

    @property
    def on_working_clock(self) -> bool:
        """True when time counts only inside working windows (工作时, 工作日)."""
        return self in (TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS)


@dataclass(frozen=True)
class Duration:
    """An amount in one unit (e.g. 4 工作时); non-negative and finite."""

    amount: float
    unit: TimeUnit

    def __post_init__(self) -> None:
        amount = self.amount
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or not math.isfinite(amount) or amount < 0:
            raise ValidationError(f"时长“{amount}”须为非负有限数", f"duration amount {amount!r} must be finite and >= 0")
        try:
            object.__setattr__(self, "unit", TimeUnit(self.unit))
        except ValueError:
            allowed = ", ".join(u.value for u in TimeUnit)
            raise ValidationError(f"时长单位“{self.unit}”无效（{allowed}）",
                                  f"unknown duration unit {self.unit!r} ({allowed})") from None

    def __str__(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        return f"{amount}{self.unit.label_zh}"

    def to_json(self) -> dict[str, Any]:
        return {"amount": self.amount, "unit": self.unit.value, "label_zh": str(self)}


def _require_aware(t: datetime, what: str) -> datetime:
    if not isinstance(t, datetime) or t.utcoffset() is None:
        raise ValidationError(f"{what} 须为带时区的时间", f"{what} must be a timezone-aware datetime, got {t!r}")
    return t


def _secs(t: time) -> float:
    return float(t.hour * 3600 + t.minute * 60 + t.second) + t.microsecond / 1e6


class _DayTable:
    """Sorted ordinals of working days over [lo, hi), replaced as a whole when it grows (safe to read from threads)."""

    def __init__(self, cal: WorkingCalendar) -> None:
        self._cal = cal
        self._lock = threading.Lock()
        self.state: tuple[int, int, list[int]] = (0, 0, [])

    def cover(self, lo: int, hi: int) -> tuple[int, int, list[int]]:
        state = self.state
        if state[0] <= lo and hi <= state[1]:
            return state
        with self._lock:
            old_lo, old_hi, _ = self.state
            if old_hi > old_lo:
                lo, hi = min(lo, old_lo), max(hi, old_hi)
            lo, hi = lo - _MARGIN_DAYS, hi + _MARGIN_DAYS
            is_working = self._cal.is_working_day
            ords = [o for o in range(lo, hi) if is_working(date.fromordinal(o))]
            self.state = (lo, hi, ords)
            return self.state


@dataclass(frozen=True)
class WorkingCalendar:
    """Working windows, weekdays, holidays and make-up days in one time zone."""

    tz: ZoneInfo
    windows: tuple[tuple[time, time], ...]
    weekdays: frozenset[int]
    holidays: frozenset[date]
    makeup_days: frozenset[date]
    _win_s: tuple[tuple[float, float, float], ...] = field(init=False, repr=False, compare=False)
    _per_day_s: float = field(init=False, repr=False, compare=False)
    _table: _DayTable = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValidationError("工作日历须至少有一个工作时段", "a working calendar needs at least one window")
        spans = sorted((_secs(a), _secs(b)) for a, b in self.windows)
        if any(b <= a for a, b in spans) or any(a2 < b1 for (_, b1), (a2, _) in pairwise(spans)):
            raise ValidationError("工作时段无效或重叠", "working windows are empty or overlap")
        win: list[tuple[float, float, float]] = []
        before = 0.0
        for a, b in spans:
            win.append((a, b, before))  # start, end, working seconds of the day before this window
            before += b - a
        object.__setattr__(self, "_win_s", tuple(win))
        object.__setattr__(self, "_per_day_s", before)
        object.__setattr__(self, "_table", _DayTable(self))

    @property
    def working_seconds_per_day(self) -> float:
        """Working seconds in one full working day (25 200 with 08:30–12:00 and 13:00–16:30)."""
        return self._per_day_s

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_days:
            return True
        return day.isoweekday() in self.weekdays and day not in self.holidays

    # --- helpers on local wall-clock positions -------------------------------------------------------------
    def _local(self, t_utc: datetime) -> tuple[int, float]:
        local = t_utc.astimezone(self.tz)
        sod = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return local.toordinal(), float(sod)

    def _worked_by(self, sod: float) -> float:
        """Working seconds of a working day done by second-of-day ``sod``."""
        done = 0.0
        for a, b, _ in self._win_s:
            if sod <= a:
                break
            done += min(sod, b) - a
        return done

    def _instant(self, ordinal: int, sod: float) -> datetime:
        """Local wall-clock (day, second of day) as aware UTC."""
        return (datetime.fromordinal(ordinal) + timedelta(seconds=sod)).replace(tzinfo=self.tz).astimezone(UTC)

    def _in_day(self, r: float) -> float:
        """Second of day at which ``r`` (0 < r <= per-day) working seconds of a working day are done."""
        for a, b, before in self._win_s:
            if r <= before + (b - a):
                return a + max(0.0, r - before)
        return self._win_s[-1][1]

    def _state_for(self, lo: int, hi: int) -> tuple[int, int, list[int]]:
        if hi - lo > MAX_SPAN_DAYS:
            raise ValidationError("时间跨度超过十年", "time span longer than ten years")
        return self._table.cover(lo, hi)

    def _position(self, ordinal: int, sod: float, ords: list[int]) -> float:
        """Working seconds from the table's first day up to (ordinal, sod)."""
        idx = bisect_left(ords, ordinal)
        pos = idx * self.working_seconds_per_day
        if idx < len(ords) and ords[idx] == ordinal:
            pos += self._worked_by(sod)
        return pos

    def _at_offset(self, start_ordinal: int, offset: float) -> datetime:
        """The instant ``offset`` (> 0) working seconds after the start of the first working day on or after
        ``start_ordinal``; an offset that fills a window exactly maps to that window's end."""
        per_day = self._per_day_s
        skip = max(0, math.ceil(offset / per_day) - 1)  # whole working days passed over
        hi = start_ordinal + 31 + 2 * skip
        lo_t, hi_t, ords = self._table.state
        if not (lo_t <= start_ordinal and hi <= hi_t):
            _, _, ords = self._state_for(start_ordinal, min(hi, start_ordinal + MAX_SPAN_DAYS))
        k = bisect_left(ords, start_ordinal) + skip
        while k >= len(ords):  # fewer working days than expected (sparse weekdays): look further
            if hi - start_ordinal >= MAX_SPAN_DAYS:
                raise ValidationError("时限超出日历范围（十年内没有足够的工作时间）",
                                      "deadline beyond the calendar's range (not enough working time within ten years)")
            hi = start_ordinal + 2 * (hi - start_ordinal)
            _, _, ords = self._state_for(start_ordinal, min(hi, start_ordinal + MAX_SPAN_DAYS))
            k = bisect_left(ords, start_ordinal) + skip
        return self._instant(ords[k], self._in_day(offset - skip * per_day))

    # --- public API ------------------------------------------------------------------------------------------
    def add(self, start_utc: datetime, duration: Duration) -> datetime:
        """The instant ``duration`` after ``start_utc`` on this calendar (aware in, aware UTC out); see module doc."""
        _require_aware(start_utc, "start")
        amount = float(duration.amount)
        if duration.unit == TimeUnit.URGENT_HOURS:
            return start_utc.astimezone(UTC) + timedelta(hours=amount)
        if duration.unit == TimeUnit.CALENDAR_DAYS:
            return start_utc.astimezone(UTC) + timedelta(days=amount)
        if amount == 0:
            return start_utc.astimezone(UTC)
        local = start_utc.astimezone(self.tz)
        sod = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond * 1e-6
        day = local.date()
        working_today = self.is_working_day(day)
        if duration.unit == TimeUnit.WORKING_HOURS:
            offset = (self._worked_by(sod) if working_today else 0.0) + amount * 3600.0
            if working_today and offset <= self._per_day_s:  # fast path: the deadline falls on the same day
                return self._instant(day.toordinal(), self._in_day(offset))
        else:  # working days: count from the first full working day
            partial_today = working_today and sod > self._win_s[0][0]
            offset = (amount + (1 if partial_today else 0)) * self._per_day_s
        return self._at_offset(day.toordinal(), offset)

    def working_seconds_between(self, a_utc: datetime, b_utc: datetime) -> float:
        """Working seconds from a to b (negative when b is before a)."""
        _require_aware(a_utc, "a")
        _require_aware(b_utc, "b")
        if b_utc < a_utc:
            return -self.working_seconds_between(b_utc, a_utc)
        oa, sa = self._local(a_utc)
        ob, sb = self._local(b_utc)
        _, _, ords = self._state_for(oa, ob + 1)
        return self._position(ob, sb, ords) - self._position(oa, sa, ords)

    def next_working_instant(self, t_utc: datetime) -> datetime:
        """``t`` itself (as UTC) if inside a working window, else the start of the next window."""
        _require_aware(t_utc, "t")
        ordinal, sod = self._local(t_utc)
        _, _, ords = self._state_for(ordinal, ordinal + 31)
        idx = bisect_left(ords, ordinal)
        if idx < len(ords) and ords[idx] == ordinal:
            for a, b, _ in self._win_s:
                if sod < b:
                    return t_utc.astimezone(UTC) if sod >= a else self._instant(ordinal, a)
            idx += 1
        if idx >= len(ords):
            _, _, ords = self._state_for(ordinal, ordinal + MAX_SPAN_DAYS)
            idx = bisect_left(ords, ordinal + 1)
            if idx >= len(ords):
                raise ValidationError("日历中十年内找不到工作时间", "no working time within ten years in the calendar")
        return self._instant(ords[idx], self._win_s[0][0])

    def to_json(self) -> dict[str, Any]:
        """The calendar as plain data (for the CLI and documentation)."""
        return {"timezone": self.tz.key, "weekdays": sorted(self.weekdays),
                "working_windows": [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in self.windows],
                "working_hours_per_day": self.working_seconds_per_day / 3600,
                "holidays": [d.isoformat() for d in sorted(self.holidays)],
                "makeup_working_days": [d.isoformat() for d in sorted(self.makeup_days)]}


# --- loading ---------------------------------------------------------------------------------------------------
class _PlainDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date is reported by our parser with its value and place."""


_PlainDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_time(text: Any, where: str) -> time:
    try:
        hh, mm = str(text).split(":")
        if len(mm) != 2:
            raise ValueError(text)
        return time(int(hh), int(mm))
    except (ValueError, TypeError) as exc:
        raise DataFileError(f"{where}：时间“{text}”格式应为 HH:MM", f"{where}: time {text!r} must be HH:MM") from exc


def _parse_date(value: Any, where: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataFileError(f"{where}：日期“{value}”无效（应为 YYYY-MM-DD）",
                            f"{where}: invalid date {value!r} (want YYYY-MM-DD)") from exc


def _fail(where: str, zh: str, en: str) -> DataFileError:
    return DataFileError(f"{where}：{zh}", f"{where}: {en}")


def _load_windows(raw: Any, where: str) -> tuple[tuple[time, time], ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(where, "缺少 working_windows", "working_windows missing or empty")
    windows: list[tuple[time, time]] = []
    for i, w in enumerate(raw):
        at = f"{where} working_windows[{i}]"
        if not isinstance(w, list) or len(w) != 2:
            raise _fail(at, "工作时段应为 [开始, 结束]", "each window must be [start, end]")
        a, b = _parse_time(w[0], at), _parse_time(w[1], at)
        if b <= a:
            raise _fail(at, f"工作时段 {w} 结束不晚于开始", f"window {w} does not end after it starts")
        windows.append((a, b))
    windows.sort()
    for (a1, b1), (a2, _) in pairwise(windows):
        if a2 < b1:
            raise _fail(where, f"工作时段重叠（{a1:%H:%M}–{b1:%H:%M} 与 {a2:%H:%M} 开始的时段）",
                        f"working windows overlap ({a1:%H:%M}–{b1:%H:%M} and the one starting {a2:%H:%M})")
    return tuple(windows)


def _load_holidays(raw: Any, where: str) -> set[date]:
    if raw is None:
        return set()
    if not isinstance(raw, list):
        raise _fail(where, "holidays 应为列表", "holidays must be a list")
    days: set[date] = set()
    for i, h in enumerate(raw):
        at = f"{where} holidays[{i}]"
        if not isinstance(h, dict) or "from" not in h:
            raise _fail(at, "假期条目应含 from（及 to）", "holiday entries need from (and to)")
        d0 = _parse_date(h["from"], at)
        d1 = _parse_date(h.get("to", h["from"]), at)
        if d1 < d0 or (d1 - d0).days > 31:
            raise _fail(at, f"假期 {d0}–{d1} 无效（结束早于开始或超过一个月）",
                        f"holiday {d0}–{d1} is invalid (ends before it starts or longer than a month)")
        days.update(d0 + timedelta(days=n) for n in range((d1 - d0).days + 1))
    return days


def load_calendar(path: Path | None = None) -> WorkingCalendar:
    """Load and validate a calendar YAML file; every problem raises DataFileError naming the file and the fault."""
    path = path or config.calendar_file() or resource_path("calendar", "working_calendar.yaml")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_PlainDatesLoader)  # a SafeLoader subclass
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取工作日历 {path}：{exc}", f"cannot read calendar file {path}: {exc}") from exc
    where = str(path)
    if not isinstance(raw, dict):
        raise _fail(where, "工作日历应为 YAML 映射", "calendar file is not a YAML mapping")
    try:
        tz = ZoneInfo(str(raw.get("timezone", "Asia/Shanghai")))
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # "Asia" names a directory
        raise _fail(where, f"未知时区 {raw.get('timezone')}", f"unknown time zone {raw.get('timezone')!r}") from exc
    windows = _load_windows(raw.get("working_windows"), where)
    weekdays_raw = raw.get("weekdays", [1, 2, 3, 4, 5])
    if (not isinstance(weekdays_raw, list) or not weekdays_raw
            or not all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in weekdays_raw)):
        raise _fail(where, "weekdays 应为 1–7 的整数列表（ISO 星期）", "weekdays must be a non-empty list of ISO weekdays 1–7")
    weekdays = frozenset(weekdays_raw)
    holidays = _load_holidays(raw.get("holidays"), where)
    makeup_raw = raw.get("makeup_working_days") or []
    if not isinstance(makeup_raw, list):
        raise _fail(where, "makeup_working_days 应为日期列表", "makeup_working_days must be a list of dates")
    makeup = {_parse_date(d, f"{where} makeup_working_days[{i}]") for i, d in enumerate(makeup_raw)}
    clash = sorted(holidays & makeup)
    if clash:
        raise _fail(where, f"{clash[0]} 既是假期又是调休上班日", f"{clash[0]} is both a holiday and a make-up working day")
    ordinary = sorted(d for d in makeup if d.isoweekday() in weekdays)
    if ordinary:
        raise _fail(where, f"调休上班日 {ordinary[0]} 本来就是工作日（日期写错？）",
                    f"make-up working day {ordinary[0]} is already a regular working day (typo?)")
    return WorkingCalendar(tz, windows, weekdays, frozenset(holidays), frozenset(makeup))


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    """The bundled calendar, or the bureau's file named by URBANOPS_CALENDAR_FILE (loaded once)."""
    return load_calendar()
