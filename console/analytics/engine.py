"""The KPI engine: registry indicators over the fact table, per period and grouping, with the previous period.

All counting is ``np.bincount`` over boolean masks of whole columns: flags, expression masks and period masks are
cached, so recomputing the standard set for a million cases takes a fraction of a second (bench/bench_kpi.py).
Every figure can list the case ids behind it (``drill``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from console.analytics.expr import evaluate
from console.analytics.facts import DIMENSIONS, CaseFacts
from console.analytics.period import Period
from console.analytics.registry import Indicator, Registry, default_registry
from console.errors import ValidationError

BoolArray = npt.NDArray[np.bool_]
TIME_GROUPINGS = ("day", "week", "month")
GROUPINGS = (*DIMENSIONS, *TIME_GROUPINGS)
DAY_S = 86400.0


@dataclass
class KpiRow:
    """One figure: an indicator for one group in one period, with its parts and the previous period's value."""

    indicator: Indicator
    group_key: str
    group_label: str
    numerator: float
    denominator: float | None
    value: float | None
    previous_value: float | None = None
    previous_numerator: float | None = None
    previous_denominator: float | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous_value is None:
            return None
        return self.value - self.previous_value

    def value_text(self) -> str:
        return format_value(self.indicator, self.value)

    def to_json(self) -> dict[str, Any]:
        ind = self.indicator
        return {
            "indicator": ind.id, "name_zh": ind.name_zh, "name_en": ind.name_en, "kind": ind.kind,
            "group": self.group_key, "group_label": self.group_label,
            "numerator_label": ind.numerator.label_zh, "numerator": _num(self.numerator),
            "denominator_label": None if ind.denominator is None else ind.denominator.label_zh,
            "denominator": None if self.denominator is None else _num(self.denominator),
            "value": None if self.value is None else round(self.value, 6), "value_text": self.value_text(),
            "previous_value": None if self.previous_value is None else round(self.previous_value, 6),
            "change": None if self.change is None else round(self.change, 6), "unit": ind.unit,
        }


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(float(x), 4)


def format_value(ind: Indicator, value: float | None) -> str:
    if value is None:
        return "—"
    if ind.kind == "ratio":
        return f"{100.0 * value:.2f}%"
    if ind.kind == "mean":
        return f"{value:.2f}"
    return f"{round(value)}"


@dataclass
class _Groups:
    codes: npt.NDArray[np.int64]
    keys: list[str]
    labels: list[str]


def _count(groups: _Groups, by: str | None, weights: npt.NDArray[Any], k: int) -> npt.NDArray[np.float64]:
    """Per-group sums of a mask or of masked values (bincount with weights: no fancy indexing, one pass)."""
    if by is None and weights.dtype == np.bool_:
        return np.array([float(np.count_nonzero(weights))])
    if by is None:
        return np.array([float(np.sum(weights))])
    return np.bincount(groups.codes, weights=weights, minlength=k).astype(np.float64)


class KpiEngine:
    """Computes indicators of ``registry`` over ``facts``; caches masks between calls on the same facts."""

    def __init__(self, facts: CaseFacts, registry: Registry | None = None) -> None:
        self.facts = facts
        self.registry = registry or default_registry()
        self._flag_cache: dict[tuple[str, float], BoolArray] = {}
        self._expr_cache: dict[tuple[str, float], BoolArray] = {}
        self._period_cache: dict[tuple[str, float, float], BoolArray] = {}
        self._dim_cache: dict[str, _Groups] = {}

    # --------------------------------------------------------------------------------------------- masks
    def _flag(self, name: str, end_s: float) -> BoolArray:
        key = (name, end_s)
        if key not in self._flag_cache:
            cols = self.facts.columns
            if name == "closed_by_end":
                self._flag_cache[key] = cols["closed"] & (cols["closed_at"] < end_s)
            elif name == "handled_by_end":
                self._flag_cache[key] = cols["disposed"] & (cols["handled_at"] < end_s)
            else:
                self._flag_cache[key] = np.asarray(cols[name], dtype=bool)
        return self._flag_cache[key]

    def mask(self, text: str, end_s: float) -> BoolArray:
        key = (text, end_s if ("_by_end" in text) else 0.0)
        if key not in self._expr_cache:
            self._expr_cache[key] = evaluate(text, lambda n: self._flag(n, end_s))
        return self._expr_cache[key]

    def in_period(self, anchor: str, period: Period) -> BoolArray:
        key = (anchor, period.start_s, period.end_s)
        if key not in self._period_cache:
            a = self.facts.columns[anchor]
            self._period_cache[key] = (a >= period.start_s) & (a < period.end_s)
        return self._period_cache[key]

    def part_mask(self, ind: Indicator, part: str, period: Period) -> BoolArray:
        """Cases counted by the numerator or denominator of ``ind`` in ``period``."""
        spec = ind.numerator if part == "numerator" else ind.denominator
        if spec is None:
            raise ValidationError(f"指标 {ind.name_zh} 没有分母", f"indicator {ind.id} has no denominator")
        m = self.mask(spec.where, period.end_s) & self.in_period(ind.anchor, period)
        if ind.filters:
            m = m & self.mask(ind.filters, period.end_s)
        if ind.kind == "mean" and ind.value:
            m = m & np.isfinite(self.facts.columns[ind.value])
        return m

    # --------------------------------------------------------------------------------------------- groups
    def _groups(self, by: str | None, period: Period, anchor_s: npt.NDArray[np.float64] | None) -> _Groups:
        n = self.facts.n if anchor_s is None else len(anchor_s)
        if by is None:
            return _Groups(np.zeros(n, dtype=np.int64), ["all"], ["全部"])
        if by in DIMENSIONS:
            if by not in self._dim_cache:
                dim = self.facts.dims[by]
                self._dim_cache[by] = _Groups(dim.codes.astype(np.intp), dim.keys, dim.labels)
            return self._dim_cache[by]
        if by not in TIME_GROUPINGS:
            raise ValidationError(f"未知分组“{by}”，可用：{', '.join(GROUPINGS)}",
                                  f"unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}")
        assert anchor_s is not None
        day = np.floor((np.nan_to_num(anchor_s, nan=period.start_s) - period.start_s) / DAY_S).astype(np.int64)
        dates = [period.first + timedelta(days=i) for i in range(period.days)]
        if by == "day":
            return _Groups(np.clip(day, 0, period.days - 1), [d.isoformat() for d in dates],
                           [d.isoformat() for d in dates])
        if by == "week":
            offset = period.first.weekday()
            week = (day + offset) // 7
            n_weeks = (period.days - 1 + offset) // 7 + 1
            starts = [period.first - timedelta(days=offset) + timedelta(days=7 * i) for i in range(n_weeks)]
            return _Groups(np.clip(week, 0, n_weeks - 1), [s.isoformat() for s in starts],
                           [f"{s.isoformat()} 周" for s in starts])
        months = sorted({(d.year, d.month) for d in dates})
        month_of_day = np.array([months.index((d.year, d.month)) for d in dates], dtype=np.int64)
        keys = [f"{y:04d}-{m:02d}" for y, m in months]
        return _Groups(month_of_day[np.clip(day, 0, period.days - 1)], keys, keys)

    def _anchor_values(self, ind: Indicator) -> npt.NDArray[np.float64]:
        if ind.kind == "event_count":
            return self.facts.events[str(ind.action)].ts_s if ind.action in self.facts.events else np.empty(0)
        return np.asarray(self.facts.columns[ind.anchor], dtype=np.float64)

    # --------------------------------------------------------------------------------------------- compute
    def _figures(self, ind: Indicator, period: Period, by: str | None
                 ) -> tuple[_Groups, npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
        """Numerator (or sum for means) and denominator (or count) per group."""
        anchor = self._anchor_values(ind) if by in TIME_GROUPINGS else None
        if ind.kind == "event_count":
            ev = self.facts.events.get(str(ind.action))
            ts = ev.ts_s if ev is not None else np.empty(0)
            rows = ev.case_index if ev is not None else np.empty(0, dtype=np.int64)
            if by is None:
                groups = _Groups(np.zeros(len(ts), dtype=np.int64), ["all"], ["全部"])
                codes = groups.codes
            elif by in TIME_GROUPINGS:
                groups = self._groups(by, period, ts)
                codes = groups.codes
            else:
                groups = self._groups(by, period, None)
                codes = groups.codes[rows]
            m = (ts >= period.start_s) & (ts < period.end_s)
            return groups, np.bincount(codes[m], minlength=len(groups.keys)).astype(np.float64), None
        groups = self._groups(by, period, anchor)
        k = len(groups.keys)
        num_mask = self.part_mask(ind, "numerator", period)
        if ind.kind == "mean":
            values = self.facts.columns[str(ind.value)]
            sums = _count(groups, by, np.where(num_mask, values, 0.0), k)
            return groups, sums, _count(groups, by, num_mask, k)
        num = _count(groups, by, num_mask, k)
        if ind.denominator is None:
            return groups, num, None
        return groups, num, _count(groups, by, self.part_mask(ind, "denominator", period), k)

    @staticmethod
    def _value(ind: Indicator, num: float, den: float | None) -> float | None:
        if ind.kind in ("count", "event_count"):
            return num
        if den is None or den <= 0:
            return None
        return num / den

    def compute(self, period: Period, by: str | None = None, indicators: list[str] | None = None,
                compare: bool = True, keep_empty: bool = False) -> list[KpiRow]:
        """Rows per indicator and group; ``compare`` adds the previous period's value (same groups)."""
        chosen = [self.registry.get(i) for i in indicators] if indicators else list(self.registry.indicators)
        rows: list[KpiRow] = []
        prev_period = period.previous()
        for ind in chosen:
            groups, num, den = self._figures(ind, period, by)
            prev: tuple[_Groups, npt.NDArray[np.float64], npt.NDArray[np.float64] | None] | None = None
            if compare and by not in TIME_GROUPINGS:
                prev = self._figures(ind, prev_period, by)
            for g, key in enumerate(groups.keys):
                d = None if den is None else float(den[g])
                n_ = float(num[g])
                if ind.kind == "mean":
                    value = None if not d else n_ / d
                    shown_num, shown_den = d or 0.0, None
                else:
                    value = self._value(ind, n_, d)
                    shown_num, shown_den = n_, d
                if by is not None and not keep_empty and shown_num == 0 and not shown_den:
                    continue
                row = KpiRow(ind, key, groups.labels[g], shown_num, shown_den, value)
                if prev is not None:
                    _, pn, pd_ = prev
                    pden = None if pd_ is None else float(pd_[g])
                    if ind.kind == "mean":
                        row.previous_value = None if not pden else float(pn[g]) / pden
                        row.previous_numerator = pden
                    else:
                        row.previous_value = self._value(ind, float(pn[g]), pden)
                        row.previous_numerator, row.previous_denominator = float(pn[g]), pden
                rows.append(row)
        return rows

    def drill(self, indicator_id: str, period: Period, *, by: str | None = None, group_key: str | None = None,
              part: str = "numerator") -> list[str]:
        """The case ids behind a figure (numerator or denominator), in case-id order."""
        ind = self.registry.get(indicator_id)
        if ind.kind == "event_count":
            ev = self.facts.events.get(str(ind.action))
            if ev is None:
                return []
            m = (ev.ts_s >= period.start_s) & (ev.ts_s < period.end_s)
            rows = ev.case_index[m]
            if by is not None and group_key is not None:
                groups = self._groups(by, period, ev.ts_s[m] if by in TIME_GROUPINGS else None)
                codes = groups.codes if by in TIME_GROUPINGS else groups.codes[rows]
                rows = rows[codes == groups.keys.index(group_key)] if group_key in groups.keys else rows[:0]
            return sorted({str(x) for x in self.facts.case_id[rows]})
        mask = self.part_mask(ind, part, period)
        if by is not None and group_key is not None:
            anchor = self._anchor_values(ind) if by in TIME_GROUPINGS else None
            groups = self._groups(by, period, anchor)
            if group_key not in groups.keys:
                return []
            mask = mask & (groups.codes == groups.keys.index(group_key))
        return sorted(str(x) for x in self.facts.case_id[mask])
