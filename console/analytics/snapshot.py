"""What the wall display, dashboard and daily report show, computed once from the database (Qt-free).

A ``Snapshot`` is plain data (numbers, lists, small frames) so the views only draw, and tests can check the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import select

from console.analytics.engine import KpiEngine, KpiRow
from console.analytics.evaluation import default_evaluation, evaluate_scheme
from console.analytics.exports import load_case_table
from console.analytics.facts import CaseFacts
from console.analytics.loader import load_facts
from console.analytics.period import Period
from console.domain.enums import SourceChannel
from console.storage.db import Database
from console.storage.models import AssetRow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
HEADLINE = ("reports", "filed", "closure_rate", "ontime_closure_rate", "ontime_disposal_rate", "overdue_count",
            "proactive_rate", "avg_disposal_hours")
FORECAST_HOURS = 8


@dataclass
class Snapshot:
    """Figures for one instant; ``day`` is the local reporting day."""

    now_utc: datetime
    day: date
    headline_today: list[KpiRow]
    headline_week: list[KpiRow]
    trend_days: list[str]
    trend_reports: list[float]
    trend_closed: list[float]
    source_mix: list[tuple[str, float]]
    category_mix: list[tuple[str, float]]
    squad_ranking: list[tuple[str, float, str]]  # label, score, grade
    forecast_hours: list[str]
    forecast_breaches: list[int]
    by_subdistrict: pd.DataFrame  # code, name, open, overdue, reports_week
    hotspot_grids: pd.DataFrame  # grid_code, cases (last 7 days), top category
    overdue_cases: pd.DataFrame  # id, category, subdistrict_name, assignee, overdue_hours, supervised
    open_cases: int
    open_by_status: dict[str, int]
    ai_today: int
    ai_week: int
    ai_recent: pd.DataFrame
    ai_categories: list[tuple[str, float]]
    workroom_reports_today: int
    workroom_reports_week: int
    workroom_by_subdistrict: list[tuple[str, float]]
    sensor_reports_week: int
    assets: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → status → count
    supervised_open: int = 0
    last_seq: int = 0


def local_day(now_utc: datetime) -> date:
    return now_utc.astimezone(LOCAL_TZ).date()


def _mix(facts: CaseFacts, dim: str, mask: np.ndarray, top: int = 8, rest: bool = True) -> list[tuple[str, float]]:
    d = facts.dims[dim]
    counts = np.bincount(d.codes[mask], minlength=len(d.keys))
    order = np.argsort(-counts, kind="stable")
    out = [(d.labels[i], float(counts[i])) for i in order[:top] if counts[i] > 0]
    others = float(counts[order[top:]].sum()) if len(order) > top else 0.0
    if rest and others > 0:
        out.append(("其他", others))
    return out


def build_snapshot(db: Database, now_utc: datetime | None = None, *, facts: CaseFacts | None = None) -> Snapshot:
    """Compute every figure the views need at ``now_utc`` (default: now)."""
    now = (now_utc or datetime.now(UTC)).astimezone(UTC)
    facts = facts or load_facts(db, as_of_utc=now)
    engine = KpiEngine(facts)
    today = local_day(now)
    day_p = Period(today, today)
    week_p = Period(today - timedelta(days=6), today)
    headline_today = engine.compute(day_p, indicators=list(HEADLINE))
    headline_week = engine.compute(week_p, indicators=list(HEADLINE))
    trend = {r.group_key: r.numerator for r in engine.compute(week_p, by="day", indicators=["reports"],
                                                                keep_empty=True)}
    closed_mask = facts.columns["closed"]
    closed_at = facts.columns["closed_at"]
    days = [(week_p.first + timedelta(days=i)) for i in range(7)]
    trend_closed = []
    for d in days:
        p = Period(d, d)
        trend_closed.append(float(np.count_nonzero(closed_mask & (closed_at >= p.start_s) & (closed_at < p.end_s))))
    created = facts.columns["created_at"]
    week_mask = (created >= week_p.start_s) & (created < week_p.end_s)
    today_mask = (created >= day_p.start_s) & (created < day_p.end_s)
    scheme = default_evaluation().scheme("squad")
    ranking = [(s.group_label, float(s.score or 0.0), s.grade or "—")
               for s in evaluate_scheme(engine, scheme, week_p) if s.group_key]

    cases = load_case_table(db, open_only=True, now_utc=now)
    created_at = pd.to_datetime(cases["created_at"], utc=True)
    cases = cases[created_at <= pd.Timestamp(now)].reset_index(drop=True)  # a report for a past day: as it was known
    is_active = ~cases["status"].isin(["hung"])
    deadline = pd.to_datetime(cases["disposal_deadline_utc"], utc=True)
    hours_left = (deadline - pd.Timestamp(now)).dt.total_seconds() / 3600.0
    forecast = [int(((hours_left >= h) & (hours_left < h + 1) & is_active).sum()) for h in range(FORECAST_HOURS)]
    forecast_labels = [(now + timedelta(hours=h)).astimezone(LOCAL_TZ).strftime("%H时") for h in range(FORECAST_HOURS)]
    overdue = cases[cases["overdue"] & is_active].copy()
    overdue["overdue_hours"] = (-hours_left[overdue.index]).clip(lower=0.0)  # 0: reported back late, now in check
    overdue = overdue.sort_values("overdue_hours", ascending=False)
    overdue_cases = overdue[["id", "category", "subdistrict_name", "assignee", "overdue_hours", "supervised",
                             "status_zh"]].reset_index(drop=True)
    sub = facts.dims["subdistrict"]
    open_counts = cases.groupby("subdistrict_code").size()
    overdue_counts = overdue.groupby("subdistrict_code").size()
    week_counts = np.bincount(sub.codes[week_mask], minlength=len(sub.keys))
    by_sub = pd.DataFrame({"code": sub.keys, "name": sub.labels, "reports_week": week_counts})
    by_sub = by_sub[by_sub["code"] != ""]
    by_sub["open"] = by_sub["code"].map(open_counts).fillna(0).astype(int)
    by_sub["overdue"] = by_sub["code"].map(overdue_counts).fillna(0).astype(int)
    grid = facts.dims["grid"]
    gcounts = np.bincount(grid.codes[week_mask], minlength=len(grid.keys))
    hot = pd.DataFrame({"grid_code": grid.keys, "cases": gcounts})
    hot = hot[(hot["grid_code"] != "") & (hot["cases"] >= 3)].sort_values("cases", ascending=False).head(40)

    src_codes = facts.dims["source"]
    src_keys = np.asarray(src_codes.keys, dtype=object)[src_codes.codes]
    is_ai = src_keys == SourceChannel.CAMERA_AI.value
    is_wr = src_keys == SourceChannel.WORKROOM_QR.value
    is_iot = src_keys == SourceChannel.IOT_SENSOR.value
    ai_rows = np.flatnonzero(is_ai & week_mask)
    ai_rows = ai_rows[np.argsort(-created[ai_rows])][:12]
    all_cases = load_case_table(db, now_utc=now).set_index("id") if len(ai_rows) else None
    ai_recent = pd.DataFrame(columns=["id", "time", "category", "subdistrict_name", "status_zh"])
    if all_cases is not None:
        ids = [str(facts.case_id[i]) for i in ai_rows]
        sel = all_cases.loc[[i for i in ids if i in all_cases.index]]
        ai_recent = pd.DataFrame({"id": sel.index, "time": sel["created_local"].str[5:], "category": sel["category"],
                                  "subdistrict_name": sel["subdistrict_name"], "status_zh": sel["status_zh"]}
                                 ).reset_index(drop=True)
    assets: dict[str, dict[str, int]] = {}
    with db.read_session() as s:
        for kind, status in s.execute(select(AssetRow.kind, AssetRow.status)):
            assets.setdefault(str(kind), {})
            key = str(status or "unknown")
            assets[str(kind)][key] = assets[str(kind)].get(key, 0) + 1
    return Snapshot(
        now_utc=now, day=today, headline_today=headline_today, headline_week=headline_week,
        trend_days=[d.strftime("%m-%d") for d in days], trend_reports=[trend.get(d.isoformat(), 0.0) for d in days],
        trend_closed=trend_closed, source_mix=_mix(facts, "source", week_mask),
        category_mix=_mix(facts, "category", week_mask, rest=False), squad_ranking=ranking,
        forecast_hours=forecast_labels, forecast_breaches=forecast, by_subdistrict=by_sub.reset_index(drop=True),
        hotspot_grids=hot.reset_index(drop=True), overdue_cases=overdue_cases, open_cases=len(cases),
        open_by_status={str(k): int(v) for k, v in cases.groupby("status_zh").size().items()},
        ai_today=int(np.count_nonzero(is_ai & today_mask)), ai_week=int(np.count_nonzero(is_ai & week_mask)),
        ai_recent=ai_recent, ai_categories=_mix(facts, "category", is_ai & week_mask, top=6, rest=False),
        workroom_reports_today=int(np.count_nonzero(is_wr & today_mask)),
        workroom_reports_week=int(np.count_nonzero(is_wr & week_mask)),
        workroom_by_subdistrict=_mix(facts, "subdistrict", is_wr & week_mask, top=10),
        sensor_reports_week=int(np.count_nonzero(is_iot & week_mask)), assets=assets,
        supervised_open=int(cases["supervised"].fillna(False).astype(bool).sum()), last_seq=facts.last_seq,
    )


def headline_value(rows: list[KpiRow], indicator_id: str) -> KpiRow | None:
    for r in rows:
        if r.indicator.id == indicator_id:
            return r
    return None


def describe(snapshot: Snapshot) -> dict[str, Any]:
    """A compact JSON-able summary (for logs and tests)."""
    return {"day": snapshot.day.isoformat(), "open_cases": snapshot.open_cases,
            "overdue_open": len(snapshot.overdue_cases), "ai_week": snapshot.ai_week,
            "workroom_week": snapshot.workroom_reports_week}
