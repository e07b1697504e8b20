"""KPI recompute: the standard indicator set over 1M cases, district total and per subdistrict, with the previous period.

Engine: console.analytics.engine.KpiEngine (bincount over cached boolean masks), a fresh engine per run (no cache hits).
Baselines measured in the same run: (1) a naive per-case Python loop on a 50k subset, extrapolated to the full size;
(2) pandas groupby on the raw fact rows (one boolean column per part, groupby-sum per indicator).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

TARGET_S = 1.0


def synthetic_facts(n: int, seed: int = 7) -> Any:
    """A plausible fact table: 30 days, ten subdistricts, 10 squads, 220 officers, 40 categories, 8 sources."""
    from console.analytics.facts import CaseFacts
    from console.analytics.period import Period

    rng = np.random.default_rng(seed)
    period = Period(date(2026, 10, 1), date(2026, 10, 30))
    span = period.end_s - period.start_s
    created = period.start_s - span + rng.random(n) * 2 * span  # this period and the one before
    rejected = rng.random(n) < 0.03
    filed = ~rejected & (rng.random(n) < 0.96)
    filed_at = np.where(filed, created + rng.uniform(300, 3600, n), np.nan)
    voided = filed & (rng.random(n) < 0.02)
    dispatched = filed & ~voided
    dispatched_at = np.where(dispatched, filed_at + rng.uniform(120, 3000, n), np.nan)
    deadline = dispatched_at + 4 * 3600
    handled = dispatched & (rng.random(n) < 0.97)
    handled_at = np.where(handled, dispatched_at + rng.gamma(2.0, 5000, n), np.nan)
    closed = handled & (rng.random(n) < 0.98)
    closed_at = np.where(closed, handled_at + rng.uniform(600, 9000, n), np.nan)
    overdue = (handled & (handled_at > deadline)) | (dispatched & ~handled)
    exempt = overdue & (rng.random(n) < 0.1)
    cols = {
        "created_at": created, "filed_at": filed_at, "dispatched_at": dispatched_at, "handled_at": handled_at,
        "closed_at": closed_at, "disposal_deadline": deadline,
        "close_anchor": np.where(dispatched, np.fmin(closed_at, deadline), np.nan),
        "reported": np.ones(n, bool), "rejected": rejected, "valid_report": ~rejected, "filed": filed,
        "file_on_time": filed & (rng.random(n) < 0.97), "voided": voided, "voided_after_file": voided,
        "due_dispatch": dispatched, "dispatched": dispatched, "dispatch_on_time": dispatched & (rng.random(n) < 0.8),
        "misdispatched": dispatched & (rng.random(n) < 0.03), "due_disposal": dispatched, "disposed": handled,
        "disposed_on_time": handled & (handled_at <= deadline), "overdue": overdue, "due_close": dispatched,
        "closed": closed, "closed_on_time": closed & ~overdue, "exempt": exempt,
        "reworked": handled & (rng.random(n) < 0.06), "extended": dispatched & (rng.random(n) < 0.04),
        "supervised": rng.random(n) < 0.04, "proactive": rng.random(n) < 0.52, "hung": np.zeros(n, bool),
        "open": ~closed & ~voided & ~rejected,
        "disposal_working_hours": np.where(handled, (handled_at - dispatched_at) / 3600 * 0.4, np.nan),
        "merge_count": np.zeros(n),
    }
    dims = {
        "subdistrict": [f"31010500{i}000" for i in rng.integers(1, 11, n)],
        "squad": [f"SQ00{i}" for i in rng.integers(0, 10, n)],
        "officer": [f"OF{i:05d}" for i in rng.integers(0, 220, n)],
        "category": [f"E0{i:03d}" for i in rng.integers(100, 140, n)],
        "source": [str(s) for s in rng.choice(["inspector", "hotline_12345", "camera_ai", "workroom_qr",
                                               "city_platform", "iot_sensor", "supervisor", "other"], n)],
    }
    ids = np.char.add("C", np.arange(n).astype(str)).astype(object)
    return CaseFacts.from_columns(list(ids), cols, dims=dims, as_of_s=period.end_s), period


def _naive_loop(facts: Any, period: Any, registry: Any, rows: np.ndarray) -> dict[str, tuple[float, float]]:
    """Per case, per indicator: evaluate the expressions with Python booleans (what a plain loop would do)."""
    from console.analytics.expr import evaluate

    cols = facts.columns
    out: dict[str, tuple[float, float]] = {}
    for prd in (period, period.previous()):
        for ind in registry.indicators:
            if ind.kind == "event_count":
                continue
            num = den = 0.0
            for i in rows:
                a = cols[ind.anchor][i]
                if not (prd.start_s <= a < prd.end_s):
                    continue

                def look(name: str, i: int = int(i), end: float = prd.end_s) -> Any:
                    if name == "closed_by_end":
                        return np.array([bool(cols["closed"][i]) and cols["closed_at"][i] < end])
                    if name == "handled_by_end":
                        return np.array([bool(cols["disposed"][i]) and cols["handled_at"][i] < end])
                    return np.array([bool(cols[name][i])])
                if bool(evaluate(ind.numerator.where, look)[0]):
                    num += 1
                if ind.denominator is not None and bool(evaluate(ind.denominator.where, look)[0]):
                    den += 1
            out[f"{ind.id}@{prd.first}"] = (num, den)
    return out


def _pandas_groupby(facts: Any, period: Any, registry: Any, by: str) -> int:
    """Baseline 2: pandas on raw rows — a DataFrame of the flags, per indicator query + groupby-sum."""
    from console.analytics.expr import evaluate

    frame = pd.DataFrame({k: v for k, v in facts.columns.items()})
    frame[by] = np.asarray(facts.dims[by].keys, dtype=object)[facts.dims[by].codes]
    results = 0
    for prd in (period, period.previous()):
        frame["closed_by_end"] = frame["closed"] & (frame["closed_at"] < prd.end_s)
        frame["handled_by_end"] = frame["disposed"] & (frame["handled_at"] < prd.end_s)
        for ind in registry.indicators:
            if ind.kind == "event_count":
                continue
            in_p = frame[ind.anchor].between(prd.start_s, prd.end_s, inclusive="left")
            sub = frame[in_p]
            parts = {"num": evaluate(ind.numerator.where, lambda c, s=sub: s[c].to_numpy())}
            if ind.denominator is not None:
                parts["den"] = evaluate(ind.denominator.where, lambda c, s=sub: s[c].to_numpy())
            g = pd.DataFrame(parts).assign(key=sub[by].to_numpy()).groupby("key").sum()
            results += len(g)
    return results


def synthetic_raw(n: int, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Case projection rows and 8 events per case (create … close), as the loader reads them from the database."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2026-10-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 30 * 86400, n), unit="s")
    ids = [f"CN{i:09d}" for i in range(n)]
    deadline = t0 + pd.Timedelta(hours=6)
    cases = pd.DataFrame({
        "id": ids, "status": "closed", "category_code": "E0101", "source": rng.choice(["inspector", "camera_ai",
                                                                                       "hotline_12345"], n),
        "grid_code": [f"31010500100{i % 900:04d}" for i in range(n)], "community_code": "310105001001",
        "community_name": "c", "subdistrict_code": "310105001000", "subdistrict_name": "华阳路街道",
        "assignee": [f"OF{i % 220:05d}" for i in range(n)], "created_at": t0, "closed_at": t0 + pd.Timedelta(hours=5),
        "disposal_deadline_utc": deadline, "stats_exempt": False})
    steps = [("create", 0), ("accept", 5), ("file", 10), ("assign", 15), ("receive", 20), ("report_back", 200),
             ("check", 230), ("close", 300)]
    frames = []
    for k, (action, minutes) in enumerate(steps):
        before = [None] * n
        if action in ("file", "assign", "report_back"):
            dl = (t0 + pd.Timedelta(minutes=minutes + 30)).map(lambda t: t.isoformat())
            before = [{"step_deadline_utc": d, "status": "x"} for d in dl]
        frames.append(pd.DataFrame({"seq": np.arange(n) * 8 + k + 1, "case_id": ids, "action": action,
                                    "ts_utc": t0 + pd.Timedelta(minutes=minutes), "actor": "u", "before": before}))
    return cases, pd.concat(frames, ignore_index=True).sort_values("seq", kind="stable")


def _fold_baseline(cases: pd.DataFrame, events: pd.DataFrame) -> int:
    """Baseline: per event, a Python dict update per case (a straightforward projection-style fold)."""
    state: dict[str, dict[str, Any]] = {}
    for case_id, action, ts, before in zip(events["case_id"], events["action"], events["ts_utc"], events["before"],
                                           strict=True):
        st = state.setdefault(case_id, {})
        if action not in st:
            st[action] = ts
            if isinstance(before, dict) and before.get("step_deadline_utc"):
                st[action + "_deadline"] = pd.Timestamp(before["step_deadline_utc"])
    on_time = 0
    for st in state.values():
        if "report_back" in st and st["report_back"] <= st.get("report_back_deadline", st["report_back"]):
            on_time += 1
    return on_time


def run(quick: bool = False) -> list[dict[str, Any]]:
    from console.analytics.engine import KpiEngine
    from console.analytics.registry import default_registry

    n = 200_000 if quick else 1_000_000
    registry = default_registry()
    facts, period = synthetic_facts(n)
    n_ind = len(registry.indicators)

    def engine_run(by: str | None) -> float:
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            rows = KpiEngine(facts, registry).compute(period, by=by)
            best = min(best, time.perf_counter() - t)
            assert rows
        return best

    total_s = engine_run(None)
    by_sub_s = engine_run("subdistrict")
    by_officer_s = engine_run("officer")

    subset = 5_000 if quick else 20_000
    t = time.perf_counter()
    _naive_loop(facts, period, registry, np.arange(subset))
    naive_s = (time.perf_counter() - t) * (n / subset)

    t = time.perf_counter()
    _pandas_groupby(facts, period, registry, "subdistrict")
    pandas_s = time.perf_counter() - t

    from console.analytics.facts import build_facts

    n_raw = 20_000 if quick else 100_000
    cases, events = synthetic_raw(n_raw)
    t = time.perf_counter()
    built = build_facts(cases, events)
    build_s = time.perf_counter() - t
    assert built.n == n_raw
    sub = n_raw // 10
    sub_ids = set(cases["id"].iloc[:sub])
    sub_events = events[events["case_id"].isin(sub_ids)]
    t = time.perf_counter()
    _fold_baseline(cases.iloc[:sub], sub_events)
    fold_s = (time.perf_counter() - t) * 10

    target = f"<= {TARGET_S:.0f} s for 1M cases" if not quick else f"<= {TARGET_S * n / 1e6:.1f} s (scaled)"
    rows: list[dict[str, Any]] = [
        {"name": f"kpi recompute, {n_ind} indicators, district total + previous period, {n:,} cases",
         "value": total_s, "unit": "s", "baseline_name": f"naive per-case Python loop ({subset // 1000}k subset × {n // subset})",
         "baseline_value": naive_s, "ratio": naive_s / total_s, "target": target},
        {"name": f"kpi recompute by subdistrict + previous period, {n:,} cases", "value": by_sub_s, "unit": "s",
         "baseline_name": "pandas groupby on raw rows", "baseline_value": pandas_s, "ratio": pandas_s / by_sub_s,
         "target": target},
        {"name": f"kpi recompute by officer (220 groups) + previous period, {n:,} cases", "value": by_officer_s,
         "unit": "s", "baseline_name": "pandas groupby by subdistrict on raw rows", "baseline_value": pandas_s,
         "ratio": pandas_s / by_officer_s, "target": target},
        {"name": f"fact table build from projection + {len(events):,} events ({n_raw:,} cases; reload, not recompute)",
         "value": build_s, "unit": "s", "baseline_name": "per-event Python dict fold (10% subset × 10)",
         "baseline_value": fold_s, "ratio": fold_s / build_s, "target": "informational (load happens on log growth)"},
    ]
    return rows


if __name__ == "__main__":
    import sys

    for row in run(quick="--quick" in sys.argv):
        print(f"{row['name']}: {row['value']:.3f} {row['unit']}  |  {row['baseline_name']}: "
              f"{row['baseline_value']:.3f} {row['unit']}  (×{row['ratio']:.1f})  target {row['target']}")
