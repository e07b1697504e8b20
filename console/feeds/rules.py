"""Feed → case rules as data (resources/feeds/rules.yaml): sensor thresholds with hysteresis, camera label/zone rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from console.errors import DataFileError
from console.resources import resource_path


@dataclass(frozen=True)
class SensorRule:
    kind: str
    category: str
    threshold: float
    hysteresis: float
    unit: str
    min_value: float
    max_value: float


@dataclass(frozen=True)
class CameraRule:
    label: str
    category: str
    min_score: float
    zones: tuple[str, ...] = ()
    sub_labels: tuple[str, ...] = ()

    def matches(self, label: str, sub_label: str | None, top_score: float | None, zones: set[str]) -> bool:
        if label != self.label or (top_score or 0.0) < self.min_score:
            return False
        if self.sub_labels and (sub_label or "") not in self.sub_labels:
            return False
        return not self.zones or bool(zones.intersection(self.zones))


@dataclass(frozen=True)
class FeedRules:
    sensors: dict[str, SensorRule]
    camera: tuple[CameraRule, ...]

    def camera_rule(self, label: str, sub_label: str | None, top_score: float | None,
                    zones: set[str]) -> CameraRule | None:
        return next((r for r in self.camera if r.matches(label, sub_label, top_score, zones)), None)


def _num(raw: dict[str, Any], key: str, where: str) -> float:
    try:
        value = float(raw[key])
    except (KeyError, TypeError, ValueError):
        raise DataFileError(f"{where}：缺少或无效的 {key}", f"{where}: missing or invalid {key}") from None
    if not math.isfinite(value):
        raise DataFileError(f"{where}：{key} 不是有限数", f"{where}: {key} is not finite")
    return value


def load_rules(path: Path | None = None) -> FeedRules:
    """Parse the rules file; errors name the file and the entry."""
    path = path or resource_path("feeds", "rules.yaml")
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取规则 {path}：{exc}", f"cannot read rules {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"{path}：应为映射", f"{path}: must be a mapping")
    sensors: dict[str, SensorRule] = {}
    for kind, raw in (data.get("sensors") or {}).items():
        where = f"{path}: sensors.{kind}"
        if not isinstance(raw, dict) or not raw.get("category"):
            raise DataFileError(f"{where}：缺少 category", f"{where}: missing category")
        sensors[str(kind)] = SensorRule(str(kind), str(raw["category"]), _num(raw, "threshold", where),
                                        _num(raw, "hysteresis", where), str(raw.get("unit", "")),
                                        _num(raw, "min", where), _num(raw, "max", where))
    camera: list[CameraRule] = []
    for i, raw in enumerate(data.get("camera") or []):
        where = f"{path}: camera[{i}]"
        if not isinstance(raw, dict) or not raw.get("label") or not raw.get("category"):
            raise DataFileError(f"{where}：缺少 label/category", f"{where}: missing label/category")
        camera.append(CameraRule(str(raw["label"]), str(raw["category"]), _num(raw, "min_score", where),
                                 tuple(str(z) for z in raw.get("zones") or ()),
                                 tuple(str(z) for z in raw.get("sub_labels") or ())))
    return FeedRules(sensors, tuple(camera))
