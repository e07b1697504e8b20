"""Working time on the calendar, vectorised: working seconds between many pairs of instants at once.

``WorkingCalendar.working_seconds_between`` walks days in Python; the KPI engine needs it for a million cases, so this
module tabulates each local day's start and cumulative working seconds once and answers with ``searchsorted``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from console.domain.calendar import WorkingCalendar

FloatArray = npt.NDArray[np.float64]


def _secs(t: time) -> float:
    return float(t.hour * 3600 + t.minute * 60 + t.second)


class WorkingClock:
    """Cumulative working seconds W(t) over a range of local days; ``hours_between(a, b) = (W(b) - W(a)) / 3600``."""

    def __init__(self, calendar: WorkingCalendar, first_s: float, last_s: float) -> None:
        tz = calendar.tz
        d0 = datetime.fromtimestamp(first_s, tz).date() - timedelta(days=1)
        d1 = datetime.fromtimestamp(last_s, tz).date() + timedelta(days=2)
        days = [d0 + timedelta(days=i) for i in range((d1 - d0).days + 1)]
        self.day_start_s = np.array([datetime.combine(d, time(0), tz).timestamp() for d in days], dtype=np.float64)
        self.working = np.array([calendar.is_working_day(d) for d in days], dtype=bool)
        self.windows = [(_secs(a), _secs(b)) for a, b in calendar.windows]
        per_day = sum(b - a for a, b in self.windows)
        cum = np.concatenate([[0.0], np.cumsum(np.where(self.working, per_day, 0.0))])
        self.cum_before_day = cum[:-1]

    def working_seconds_at(self, t_s: FloatArray) -> FloatArray:
        """W(t): working seconds from the start of the table to each instant (NaN stays NaN)."""
        t = np.asarray(t_s, dtype=np.float64)
        ok = np.isfinite(t)
        idx = np.clip(np.searchsorted(self.day_start_s, np.where(ok, t, self.day_start_s[0]), side="right") - 1,
                      0, len(self.day_start_s) - 1)
        in_day = t - self.day_start_s[idx]
        inside = np.zeros_like(t)
        for a, b in self.windows:
            inside += np.clip(in_day - a, 0.0, b - a)
        out = self.cum_before_day[idx] + np.where(self.working[idx], inside, 0.0)
        return np.where(ok, out, np.nan)

    def hours_between(self, a_s: FloatArray, b_s: FloatArray) -> FloatArray:
        """Working hours from a to b per element (NaN where either is missing)."""
        return (self.working_seconds_at(b_s) - self.working_seconds_at(a_s)) / 3600.0


def working_clock_for(calendar: WorkingCalendar, *arrays: FloatArray) -> WorkingClock | None:
    """A clock covering every finite instant of the arrays, or None when there is none."""
    finite = [a[np.isfinite(a)] for a in arrays if a.size]
    finite = [a for a in finite if a.size]
    if not finite:
        return None
    lo = min(float(a.min()) for a in finite)
    hi = max(float(a.max()) for a in finite)
    return WorkingClock(calendar, lo, hi)
