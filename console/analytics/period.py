"""Reporting periods: half-open local-date ranges [from, to] in Asia/Shanghai, and the period before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from console.errors import ValidationError

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Period:
    """Local dates ``first``..``last`` inclusive; ``start_s``/``end_s`` are the epoch seconds bounds [start, end)."""

    first: date
    last: date

    @property
    def start_s(self) -> float:
        return datetime.combine(self.first, time(0), LOCAL_TZ).timestamp()

    @property
    def end_s(self) -> float:
        return datetime.combine(self.last + timedelta(days=1), time(0), LOCAL_TZ).timestamp()

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one (环比)."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def label(self) -> str:
        return self.first.isoformat() if self.first == self.last else f"{self.first.isoformat()}–{self.last.isoformat()}"


def parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{what}日期“{text}”无效，应为 YYYY-MM-DD", f"invalid {what} date {text!r}; use YYYY-MM-DD") from None


def make_period(date_from: str | None, date_to: str | None, *, today: date | None = None, default_days: int = 7
                ) -> Period:
    """From CLI strings; missing ends default to the last ``default_days`` days up to today (local)."""
    today = today or datetime.now(LOCAL_TZ).date()
    last = parse_date(date_to, "结束") if date_to else today
    first = parse_date(date_from, "开始") if date_from else last - timedelta(days=default_days - 1)
    if last < first:
        raise ValidationError(f"结束日期 {last} 早于开始日期 {first}", f"end date {last} is before start date {first}")
    if (last - first).days > 3660:
        raise ValidationError("统计区间不能超过十年", "the period must not exceed ten years")
    return Period(first, last)
