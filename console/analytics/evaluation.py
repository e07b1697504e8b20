"""Performance evaluation (综合评价): weighted composite scores with grade bands, from ``resources/kpi/evaluation.yaml``.

A score is Σ wᵢ·sᵢ / Σ wᵢ over the terms with data, where sᵢ = 100·rate (or 100·(1 − rate) when lower is better).
``Score.breakdown`` keeps every term (rate, parts, weight used, points) so the console can show how it was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from console.analytics.engine import GROUPINGS, KpiEngine, KpiRow
from console.analytics.period import Period
from console.analytics.registry import Registry
from console.errors import DataFileError
from console.resources import resource_path


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min_score: float
    label_zh: str


@dataclass(frozen=True)
class Scheme:
    id: str
    name_zh: str
    by: str | None
    terms: dict[str, float]


@dataclass(frozen=True)
class EvaluationConfig:
    grades: tuple[GradeBand, ...]
    schemes: tuple[Scheme, ...]

    def scheme(self, scheme_id: str) -> Scheme:
        for s in self.schemes:
            if s.id == scheme_id:
                return s
        known = ", ".join(s.id for s in self.schemes)
        raise DataFileError(f"未知评价方案“{scheme_id}”（可用：{known}）", f"unknown scheme {scheme_id!r}; known: {known}")

    def grade_for(self, score: float) -> GradeBand:
        for band in self.grades:
            if score >= band.min_score:
                return band
        return self.grades[-1]


@dataclass
class Term:
    indicator_id: str
    name_zh: str
    rate: float | None
    numerator: float
    denominator: float | None
    weight: float
    weight_used: float = 0.0
    term_score: float | None = None
    points: float = 0.0
    inverted: bool = False


@dataclass
class Score:
    scheme_id: str
    group_key: str
    group_label: str
    score: float | None
    grade: str | None
    grade_label_zh: str | None
    breakdown: list[Term] = field(default_factory=list)

    def explain_zh(self) -> str:
        """One line per term, e.g. ``按时立案率 98.00% ×25% → 24.50``."""
        lines = []
        for t in self.breakdown:
            if t.term_score is None:
                lines.append(f"{t.name_zh}：无数据，权重 {t.weight:g} 不计入")
                continue
            shown = "1 − " if t.inverted else ""
            lines.append(f"{t.name_zh}：{shown}{100 * (t.rate or 0):.2f}%（{t.numerator:g}/{t.denominator or 0:g}）"
                         f" × 权重 {100 * t.weight_used:.1f}% → {t.points:.2f} 分")
        total = "—" if self.score is None else f"{self.score:.2f}（{self.grade}）"
        lines.append(f"合计：{total}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme_id, "group": self.group_key, "group_label": self.group_label,
            "score": None if self.score is None else round(self.score, 2), "grade": self.grade,
            "grade_label_zh": self.grade_label_zh,
            "breakdown": [{"indicator": t.indicator_id, "name_zh": t.name_zh,
                           "rate": None if t.rate is None else round(t.rate, 6), "numerator": t.numerator,
                           "denominator": t.denominator, "weight": t.weight, "weight_used": round(t.weight_used, 6),
                           "inverted": t.inverted,
                           "term_score": None if t.term_score is None else round(t.term_score, 4),
                           "points": round(t.points, 4)} for t in self.breakdown],
            "explain_zh": self.explain_zh(),
        }


def parse_evaluation(raw: Any, source: str, registry: Registry | None = None) -> EvaluationConfig:
    if not isinstance(raw, dict):
        raise DataFileError(f"{source} 格式错误", f"{source} is not a mapping")
    grades_raw = raw.get("grades")
    if not isinstance(grades_raw, list) or not grades_raw:
        raise DataFileError(f"{source}：缺少 grades", f"{source}: grades missing")
    try:
        grades = tuple(sorted((GradeBand(str(g["grade"]), float(g["min"]), str(g.get("label_zh", g["grade"])))
                               for g in grades_raw), key=lambda b: -b.min_score))
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFileError(f"{source}：grades 条目无效：{exc}", f"{source}: invalid grade band: {exc}") from exc
    schemes: list[Scheme] = []
    for s in raw.get("schemes") or []:
        if not isinstance(s, dict) or not s.get("id") or not isinstance(s.get("terms"), dict) or not s["terms"]:
            raise DataFileError(f"{source}：评价方案需要 id 与 terms", f"{source}: a scheme needs id and terms")
        by = s.get("by")
        if by is not None and by not in GROUPINGS:
            raise DataFileError(f"{source}：方案 {s['id']} 的分组 {by} 无效", f"{source}: scheme {s['id']}: bad by {by}")
        terms: dict[str, float] = {}
        for ind_id, w in s["terms"].items():
            if registry is not None:
                registry.get(str(ind_id))
            try:
                weight = float(w)
            except (TypeError, ValueError):
                raise DataFileError(f"{source}：权重 {w} 无效", f"{source}: invalid weight {w!r}") from None
            if weight < 0:
                raise DataFileError(f"{source}：权重不能为负", f"{source}: weights must not be negative")
            terms[str(ind_id)] = weight
        schemes.append(Scheme(str(s["id"]), str(s.get("name_zh", s["id"])), by, terms))
    return EvaluationConfig(grades, tuple(schemes))


def load_evaluation(path: Path | None = None, registry: Registry | None = None) -> EvaluationConfig:
    path = path or resource_path("kpi", "evaluation.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取评价方案 {path}：{exc}", f"cannot read evaluation file {path}: {exc}") from exc
    return parse_evaluation(raw, str(path), registry)


@lru_cache(maxsize=1)
def default_evaluation() -> EvaluationConfig:
    return load_evaluation()


def evaluate_scheme(engine: KpiEngine, scheme: Scheme, period: Period, config: EvaluationConfig | None = None
                    ) -> list[Score]:
    """Scores per group of ``scheme.by`` for ``period``, best first; groups without any data are left out."""
    cfg = config or default_evaluation()
    rows = engine.compute(period, by=scheme.by, indicators=list(scheme.terms), compare=False)
    by_group: dict[str, dict[str, KpiRow]] = {}
    labels: dict[str, str] = {}
    for r in rows:
        by_group.setdefault(r.group_key, {})[r.indicator.id] = r
        labels[r.group_key] = r.group_label
    scores: list[Score] = []
    for key, figures in by_group.items():
        terms: list[Term] = []
        for ind_id, weight in scheme.terms.items():
            ind = engine.registry.get(ind_id)
            fig = figures.get(ind.id)
            rate = None if fig is None else fig.value
            terms.append(Term(ind.id, ind.name_zh, rate, 0.0 if fig is None else fig.numerator,
                              None if fig is None else fig.denominator, weight, inverted=ind.better == "lower"))
        total_w = sum(t.weight for t in terms if t.rate is not None)
        score: float | None = None
        if total_w > 0:
            score = 0.0
            for t in terms:
                if t.rate is None:
                    continue
                t.weight_used = t.weight / total_w
                t.term_score = 100.0 * ((1.0 - t.rate) if t.inverted else t.rate)
                t.points = t.term_score * t.weight_used
                score += t.points
        band = cfg.grade_for(score) if score is not None else None
        scores.append(Score(scheme.id, key, labels[key], score, band.grade if band else None,
                            band.label_zh if band else None, terms))
    scores.sort(key=lambda s: -1.0 if s.score is None else -s.score)
    return scores
