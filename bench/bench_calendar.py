"""Working-calendar arithmetic: 100k deadline computations and working-time intervals.

Baselines measured in the same run on the same start instants: the floor (round-the-clock ``start + N h``, what an
urgent-hours limit costs) and the straightforward day-by-day window walk that WorkingCalendar replaced.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from console.domain.calendar import Duration, TimeUnit, WorkingCalendar, default_calendar


def _walk_add_hours(cal: WorkingCalendar, start_utc: datetime, hours: float) -> datetime:
    """The day-by-day window walk (reference algorithm)."""
    t = start_utc.astimezone(cal.tz)
    remaining = hours * 3600
    day = t.date()
    while True:
        if cal.is_working_day(day):
            for a, b in cal.windows:
                ws, we = datetime.combine(day, a, cal.tz), datetime.combine(day, b, cal.tz)
                begin = max(ws, t)
                if begin < we:
                    available = (we - begin).total_seconds()
                    if remaining <= available:
                        return (begin + timedelta(seconds=remaining)).astimezone(UTC)
                    remaining -= available
        day += timedelta(days=1)


def _walk_between(cal: WorkingCalendar, a_utc: datetime, b_utc: datetime) -> float:
    a, b = a_utc.astimezone(cal.tz), b_utc.astimezone(cal.tz)
    total, day = 0.0, a.date()
    while day <= b.date():
        if cal.is_working_day(day):
            for wa, wb in cal.windows:
                lo = max(datetime.combine(day, wa, cal.tz), a)
                hi = min(datetime.combine(day, wb, cal.tz), b)
                if hi > lo:
                    total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


def _timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 20_000 if quick else 100_000
    cal = default_calendar()
    starts = [datetime(2025, 11, 1, tzinfo=UTC) + timedelta(minutes=37 * i) for i in range(n)]  # ~7 years of instants
    urgent = Duration(2, TimeUnit.URGENT_HOURS)
    floor_s = _timed(lambda: [cal.add(s, urgent) for s in starts])
    rows: list[dict[str, Any]] = []
    for label, duration in (("4 工作时", Duration(4, TimeUnit.WORKING_HOURS)),
                            ("20 工作日", Duration(20, TimeUnit.WORKING_DAYS))):
        cal.add(starts[0], duration)  # build the day table outside the timing
        took = _timed(lambda d=duration: [cal.add(s, d) for s in starts])  # type: ignore[misc]
        rows.append({"name": f"{n:,} × add(start, {label})", "value": took, "unit": "s",
                     "baseline_name": f"{n:,} × add(start, 2 紧急工作时) (timedelta floor)", "baseline_value": floor_s,
                     "ratio": took / floor_s, "target": "< 1 s per 100k",
                     "verdict": "met" if took * 100_000 / n < 1.0 else "MISSED"})
    hours = 20 * 7.0  # the 20-working-day limit in working hours, for the walk
    m = n // 10
    sub = starts[:m]
    fast_s = _timed(lambda: [cal.add(s, Duration(hours, TimeUnit.WORKING_HOURS)) for s in sub])
    walk_s = _timed(lambda: [_walk_add_hours(cal, s, hours) for s in sub])
    rows.append({"name": f"{m:,} × add(start, 140 工作时)", "value": fast_s, "unit": "s",
                 "baseline_name": "day-by-day window walk", "baseline_value": walk_s, "ratio": fast_s / walk_s,
                 "target": "faster than the walk"})
    between_s = _timed(lambda: [cal.working_seconds_between(s, s + timedelta(days=30)) for s in starts])
    walk_between_s = _timed(lambda: [_walk_between(cal, s, s + timedelta(days=30)) for s in sub]) * (n / m)
    rows.append({"name": f"{n:,} × working_seconds_between(t, t + 30 d)", "value": between_s, "unit": "s",
                 "baseline_name": "day-by-day window walk (extrapolated from 10 %)", "baseline_value": walk_between_s,
                 "ratio": between_s / walk_between_s, "target": "< 1 s per 100k",
                 "verdict": "met" if between_s * 100_000 / n < 1.0 else "MISSED"})
    return rows


if __name__ == "__main__":
    from bench.__main__ import print_row

    for r in run():
        print_row(r)
