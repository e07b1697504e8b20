"""The published KPI formula table (docs/analytics.md) generated from the registry and evaluation data.

``python -m console.analytics.docs > docs/analytics.md`` regenerates the section between the markers; a test keeps the
committed file in step with resources/kpi/*.yaml.
"""

from __future__ import annotations

import sys
from pathlib import Path

from console.analytics.evaluation import EvaluationConfig, default_evaluation
from console.analytics.registry import Registry, default_registry

BEGIN = "<!-- BEGIN GENERATED: KPI registry (python -m console.analytics.docs) -->"
END = "<!-- END GENERATED -->"
KIND_EN = {"ratio": "ratio", "count": "count", "mean": "mean", "event_count": "event count"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_tables(registry: Registry | None = None, evaluation: EvaluationConfig | None = None) -> str:
    reg = registry or default_registry()
    ev = evaluation or default_evaluation()
    lines = [BEGIN, "", "### Indicators (resources/kpi/indicators.yaml)", "",
             "| id | 指标 | Indicator | kind | numerator (分子) | denominator (分母) | period anchor | exempt | definition |",
             "|---|---|---|---|---|---|---|---|---|"]
    for ind in reg.indicators:
        num = f"{ind.numerator.label_zh}: `{ind.numerator.where}`"
        if ind.kind == "event_count":
            num = f"{ind.numerator.label_zh}: events `{ind.action}`"
        if ind.kind == "mean":
            num = f"mean of `{ind.value}` over {ind.numerator.label_zh}: `{ind.numerator.where}`"
        den = "—" if ind.denominator is None else f"{ind.denominator.label_zh}: `{ind.denominator.where}`"
        lines.append(f"| `{ind.id}` | {ind.name_zh} | {ind.name_en} | {KIND_EN[ind.kind]} | {_cell(num)} | "
                     f"{_cell(den)} | `{ind.anchor}` | {ind.exempt} | {_cell(ind.definition)} |")
    lines += ["", "### Evaluation schemes (resources/kpi/evaluation.yaml)", "",
              "| scheme | 名称 | grouped by | terms (weight) |", "|---|---|---|---|"]
    for s in ev.schemes:
        terms = " + ".join(f"{reg.get(i).name_zh} {w:g}" for i, w in s.terms.items())
        lines.append(f"| `{s.id}` | {s.name_zh} | `{s.by}` | {terms} |")
    bands = ", ".join(f"{b.grade} ≥ {b.min_score:g} ({b.label_zh})" for b in ev.grades)
    lines += ["", f"Grade bands: {bands}.", "", END]
    return "\n".join(lines)


def update_document(path: Path) -> str:
    """The document with its generated section replaced (the rest is hand-written prose)."""
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        return text.rstrip() + "\n\n" + render_tables() + "\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + render_tables() + tail


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/analytics.md")
    target.write_text(update_document(target), encoding="utf-8")
    print(f"updated {target}")
