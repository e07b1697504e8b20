"""Registry, expression, working-time and evaluation rules (pure units, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
import yaml

from console.analytics.engine import KpiEngine
from console.analytics.evaluation import evaluate_scheme, load_evaluation, parse_evaluation
from console.analytics.expr import evaluate
from console.analytics.facts import CaseFacts
from console.analytics.period import Period, make_period
from console.analytics.registry import default_registry, parse_registry
from console.analytics.workcal import WorkingClock
from console.domain.calendar import default_calendar
from console.errors import DataFileError, ValidationError
from console.resources import resource_path

REQUIRED_ZH = ["上报数", "有效上报率", "立案数", "按时立案率", "准确立案率", "按时派遣率", "准确派遣率", "按期处置率",
               "结案率", "按期结案率", "返工率", "超期结案率", "延期率", "平均处置时长（工作时）", "闭环率", "主动发现率",
               "重复上报合并数", "申诉免责超期数"]


def test_registry_ships_the_required_indicators_with_explicit_denominators() -> None:
    reg = default_registry()
    names = [i.name_zh for i in reg.indicators]
    for zh in REQUIRED_ZH:
        assert zh in names
    for ind in reg.indicators:
        if ind.kind == "ratio":
            assert ind.denominator is not None and ind.denominator.label_zh
    assert reg.get("结案率").denominator.label_zh == "应结案数"  # type: ignore[union-attr]
    assert reg.get("返工率").denominator.label_zh == "应结案数"  # type: ignore[union-attr]


def _raw() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(resource_path("kpi", "indicators.yaml").read_text(encoding="utf-8"))


def test_registry_rejects_typos_and_missing_denominators() -> None:
    raw = _raw()
    raw["indicators"][1]["numerator"]["where"] = "valid_reprot"
    with pytest.raises(DataFileError, match="valid_reprot"):
        parse_registry(raw, "x.yaml")
    raw = _raw()
    del raw["indicators"][1]["denominator"]
    with pytest.raises(DataFileError) as exc:
        parse_registry(raw, "x.yaml")
    assert "分母" in exc.value.message_zh
    raw = _raw()
    raw["indicators"].append(dict(raw["indicators"][0]))
    with pytest.raises(DataFileError, match="duplicate"):
        parse_registry(raw, "x.yaml")


def test_expressions() -> None:
    cols = {"a": np.array([1, 1, 0, 0], bool), "b": np.array([1, 0, 1, 0], bool)}
    assert evaluate("a & ~b", cols.__getitem__).tolist() == [False, True, False, False]
    assert evaluate("~(a | b)", cols.__getitem__).tolist() == [False, False, False, True]
    assert evaluate("a | b & ~a", cols.__getitem__).tolist() == [True, True, True, False]
    for bad in ("a &", "(a | b", "a b", "a + b"):
        with pytest.raises(DataFileError):
            evaluate(bad, cols.__getitem__)


def test_vectorised_working_hours_match_the_calendar() -> None:
    cal = default_calendar()
    rng = np.random.default_rng(3)
    start = datetime(2026, 9, 25, tzinfo=UTC)  # spans the National Day holiday and its make-up day
    a = [start + timedelta(minutes=float(m)) for m in rng.uniform(0, 60 * 24 * 20, 60)]
    b = [t + timedelta(minutes=float(m)) for t, m in zip(a, rng.uniform(0, 60 * 24 * 6, 60), strict=True)]
    a_s = np.array([t.timestamp() for t in a])
    b_s = np.array([t.timestamp() for t in b])
    clock = WorkingClock(cal, float(a_s.min()), float(b_s.max()))
    got = clock.hours_between(a_s, b_s)
    want = [cal.working_seconds_between(x, y) / 3600 for x, y in zip(a, b, strict=True)]
    assert got == pytest.approx(want, abs=1e-6)
    assert np.isnan(clock.hours_between(np.array([np.nan]), np.array([b_s[0]])))[0]


def test_periods() -> None:
    p = make_period("2026-11-02", "2026-11-08")
    assert p.days == 7 and p.previous() == Period(date(2026, 10, 26), date(2026, 11, 1))
    assert p.end_s - p.start_s == 7 * 86400
    with pytest.raises(ValidationError):
        make_period("2026-11-08", "2026-11-02")
    with pytest.raises(ValidationError):
        make_period("2026-13-01", None)


def test_evaluation_scores_grades_and_breakdown() -> None:
    cfg = load_evaluation(registry=default_registry())
    assert [b.grade for b in cfg.grades] == ["A", "B", "C", "D", "E"]
    assert cfg.grade_for(90).grade == "A" and cfg.grade_for(89.99).grade == "B" and cfg.grade_for(39.9).grade == "E"
    week = Period(date(2026, 11, 2), date(2026, 11, 8))
    n = 10
    t = np.full(n, week.start_s + 3600)
    facts = CaseFacts.from_columns(
        [f"C{i}" for i in range(n)],
        {"filed": np.ones(n, bool), "filed_at": t, "file_on_time": np.arange(n) < 8,
         "voided_after_file": np.arange(n) == 9, "due_close": np.ones(n, bool), "close_anchor": t,
         "closed": np.ones(n, bool), "closed_at": t, "closed_on_time": np.arange(n) < 5},
        dims={"filed_by": ["zb_a"] * 5 + ["zb_b"] * 5})
    scheme = cfg.scheme("shift_leader")
    scores = {s.group_key: s for s in evaluate_scheme(KpiEngine(facts), scheme, week, cfg)}
    # zb_a: 按时立案 5/5, 准确立案 5/5, 按期结案 5/5 → 100 (A)
    assert scores["zb_a"].score == pytest.approx(100.0) and scores["zb_a"].grade == "A"
    # zb_b: 按时立案 3/5 ×25 + 准确立案 4/5 ×40 + 按期结案 0/5 ×35 = 15 + 32 + 0 = 47 (D)
    assert scores["zb_b"].score == pytest.approx(47.0) and scores["zb_b"].grade == "D"
    explain = scores["zb_b"].explain_zh()
    assert "准确立案率" in explain and "47.00（D）" in explain


def test_evaluation_file_errors() -> None:
    with pytest.raises(DataFileError):
        parse_evaluation({"grades": [{"grade": "A", "min": 90}], "schemes": [{"id": "x", "by": "nowhere",
                                                                             "terms": {"closure_rate": 1}}]}, "e.yaml")
    with pytest.raises(DataFileError):
        parse_evaluation({"grades": [{"grade": "A", "min": 90}], "schemes": [{"id": "x", "terms": {"nope": 1}}]},
                         "e.yaml", default_registry())
    with pytest.raises(DataFileError):
        load_evaluation().scheme("no_such_scheme")


def test_published_formula_table_is_generated_from_the_registry() -> None:
    from pathlib import Path

    from console.analytics.docs import render_tables, update_document

    doc = Path(__file__).resolve().parents[2] / "docs" / "analytics.md"
    assert render_tables() in doc.read_text(encoding="utf-8")
    assert update_document(doc) == doc.read_text(encoding="utf-8")
    assert "| `closure_rate` | 结案率 |" in render_tables()
