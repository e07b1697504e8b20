"""The indicator registry (绩效指标库) as data: ``resources/kpi/indicators.yaml`` (or a file the user names)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from console.analytics.expr import names_in
from console.analytics.facts import FLAG_COLUMNS, TIME_COLUMNS, VALUE_COLUMNS
from console.errors import DataFileError
from console.resources import resource_path

KINDS = ("ratio", "count", "mean", "event_count")
PERIOD_FLAGS = ("closed_by_end", "handled_by_end")  # computed per period (closed before the period's end)
ANCHORS = (*TIME_COLUMNS, "event")


@dataclass(frozen=True)
class Part:
    """Numerator or denominator: a Chinese label and the flag expression selecting its cases."""

    label_zh: str
    where: str


@dataclass(frozen=True)
class Indicator:
    id: str
    name_zh: str
    name_en: str
    kind: str
    numerator: Part
    denominator: Part | None
    anchor: str
    filters: str | None
    exempt: str
    better: str
    period: str
    definition: str
    value: str | None = None
    action: str | None = None
    unit: str = "percent"

    @property
    def is_rate(self) -> bool:
        return self.kind == "ratio"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name_zh": self.name_zh, "name_en": self.name_en, "kind": self.kind,
            "numerator": {"label_zh": self.numerator.label_zh, "where": self.numerator.where},
            "denominator": None if self.denominator is None else {"label_zh": self.denominator.label_zh,
                                                                  "where": self.denominator.where},
            "anchor": self.anchor, "filters": self.filters, "exempt": self.exempt, "better": self.better,
            "period": self.period, "definition": self.definition, "value": self.value, "action": self.action,
            "unit": self.unit,
        }


@dataclass(frozen=True)
class Registry:
    indicators: tuple[Indicator, ...]

    def get(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id or ind.name_zh == indicator_id:
                return ind
        known = ", ".join(i.id for i in self.indicators)
        raise DataFileError(f"未知指标“{indicator_id}”", f"unknown indicator {indicator_id!r}; known: {known}")

    def ids(self) -> list[str]:
        return [i.id for i in self.indicators]


def _part(raw: Any, where: str, what: str) -> Part:
    if not isinstance(raw, dict) or not raw.get("where") or not raw.get("label_zh"):
        raise DataFileError(f"{where}：{what} 需要 label_zh 与 where", f"{where}: {what} needs label_zh and where")
    expr = str(raw["where"])
    allowed = set(FLAG_COLUMNS) | set(PERIOD_FLAGS)
    unknown = names_in(expr) - allowed
    if unknown:
        raise DataFileError(f"{where}：{what} 引用了未知字段 {sorted(unknown)}",
                            f"{where}: {what} refers to unknown flags {sorted(unknown)}")
    return Part(str(raw["label_zh"]), expr)


def parse_registry(raw: Any, source: str) -> Registry:
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), list):
        raise DataFileError(f"{source}：缺少 indicators 列表", f"{source}: 'indicators' list missing")
    out: list[Indicator] = []
    seen: set[str] = set()
    for i, row in enumerate(raw["indicators"]):
        where = f"{source} #{i + 1}"
        if not isinstance(row, dict):
            raise DataFileError(f"{where}：条目应为映射", f"{where}: entry must be a mapping")
        missing = [k for k in ("id", "name_zh", "name_en", "kind", "numerator", "anchor", "definition") if k not in row]
        if missing:
            raise DataFileError(f"{where}：缺少字段 {missing}", f"{where}: missing fields {missing}")
        ind_id = str(row["id"])
        if ind_id in seen:
            raise DataFileError(f"{where}：指标编号 {ind_id} 重复", f"{where}: duplicate indicator id {ind_id}")
        seen.add(ind_id)
        kind = str(row["kind"])
        if kind not in KINDS:
            raise DataFileError(f"{where}：未知类型 {kind}", f"{where}: unknown kind {kind} (use {', '.join(KINDS)})")
        anchor = str(row["anchor"])
        if anchor not in ANCHORS:
            raise DataFileError(f"{where}：未知时间锚点 {anchor}", f"{where}: unknown anchor {anchor}")
        denominator = _part(row["denominator"], where, "denominator") if row.get("denominator") else None
        if kind == "ratio" and denominator is None:
            raise DataFileError(f"{where}：比率指标必须写明分母", f"{where}: a ratio must state its denominator")
        value = row.get("value")
        if kind == "mean" and value not in VALUE_COLUMNS:
            raise DataFileError(f"{where}：均值指标的 value 无效", f"{where}: mean needs value in {VALUE_COLUMNS}")
        if kind == "event_count" and not row.get("action"):
            raise DataFileError(f"{where}：事件计数需要 action", f"{where}: event_count needs an action")
        filters = row.get("filters")
        if filters:
            _part({"label_zh": "filters", "where": filters}, where, "filters")
        out.append(Indicator(
            id=ind_id, name_zh=str(row["name_zh"]), name_en=str(row["name_en"]), kind=kind,
            numerator=_part(row["numerator"], where, "numerator"), denominator=denominator, anchor=anchor,
            filters=str(filters) if filters else None, exempt=str(row.get("exempt", "include")),
            better=str(row.get("better", "higher")), period=str(row.get("period", "week")),
            definition=str(row["definition"]), value=str(value) if value else None,
            action=str(row["action"]) if row.get("action") else None,
            unit=str(row.get("unit", "percent" if kind == "ratio" else "count")),
        ))
    return Registry(tuple(out))


def load_registry(path: Path | None = None) -> Registry:
    path = path or resource_path("kpi", "indicators.yaml")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取指标库 {path}：{exc}", f"cannot read KPI registry {path}: {exc}") from exc
    return parse_registry(raw, str(path))


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return load_registry()
