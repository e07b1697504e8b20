"""Muck-truck violation rules as data (resources/evidence/muck_rules.yaml) and their pure evaluation.

``evaluate`` takes one sighting, the registry's answer and the plate's recent track and returns the violations
(unregistered, outside permitted hours, off the permitted corridor, uncovered load) with their reasons. It touches
no database or network, so it is tested directly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from console.errors import DataFileError
from console.evidence.permits import Permit
from console.resources import resource_path

VIOLATION_KINDS = ("unregistered", "outside_hours", "off_corridor", "uncovered_load")
VIOLATION_ZH = {"unregistered": "无证运输", "outside_hours": "超时段运输", "off_corridor": "偏离路线",
                "uncovered_load": "未密闭"}


@dataclass(frozen=True)
class MuckRules:
    truck_labels: frozenset[str]
    truck_sub_labels: frozenset[str]
    min_plate_score: float
    min_score: float
    case_window_s: float
    categories: dict[str, str]
    required_permit_types: frozenset[str]
    off_min_sightings: int
    off_min_off_route: int
    off_lookback_s: float
    uncovered_labels: frozenset[str]
    uncovered_sub_labels: frozenset[str]
    uncovered_attributes: frozenset[str]
    min_attribute_score: float
    precedence: tuple[str, ...]

    def is_truck(self, label: str, sub_label: str | None) -> bool:
        return label in self.truck_labels or (sub_label or "") in self.truck_sub_labels

    def category_for(self, violations: Sequence[str]) -> str:
        first = next(k for k in self.precedence if k in violations)
        return self.categories[first]


@dataclass(frozen=True)
class Sighting:
    """One muck-truck sighting: where (camera position, WGS-84) and when, and what the AI said about the load."""

    camera: str
    ts_utc: datetime
    lon: float
    lat: float
    uncovered: bool = False


@dataclass(frozen=True)
class Violation:
    kind: str
    category: str
    reason_zh: str
    reason_en: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "kind_zh": VIOLATION_ZH[self.kind], "category": self.category,
                "reason_zh": self.reason_zh, "reason_en": self.reason_en}


def _num(raw: dict[str, Any], key: str, default: float, where: str, lo: float = 0.0, hi: float = math.inf) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not lo <= value <= hi:
        raise DataFileError(f"{where}：{key} 应为 {lo:g}–{hi:g} 之间的数", f"{where}: {key} must be a number in [{lo:g}, {hi:g}]")
    return float(value)


def _names(raw: dict[str, Any], key: str) -> frozenset[str]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DataFileError(f"{key} 应为名称列表", f"{key} must be a list of names")
    return frozenset(value)


def load_muck_rules(path: Path | None = None) -> MuckRules:
    """Parse the rules file; errors name the file and the key."""
    path = path or resource_path("evidence", "muck_rules.yaml")
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取渣土车规则 {path}：{exc}", f"cannot read muck-truck rules {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("violations"), dict):
        raise DataFileError(f"{path}：缺少 violations", f"{path}: missing violations")
    v: dict[str, Any] = data["violations"]
    cats: dict[str, str] = {}
    for kind in VIOLATION_KINDS:
        entry = v.get(kind)
        if not isinstance(entry, dict) or not isinstance(entry.get("category"), str):
            raise DataFileError(f"{path}：violations.{kind} 缺少 category", f"{path}: violations.{kind} lacks a category")
        cats[kind] = entry["category"]
    precedence = tuple(data.get("precedence") or VIOLATION_KINDS)
    if sorted(precedence) != sorted(VIOLATION_KINDS):
        raise DataFileError(f"{path}：precedence 须列出全部违规类型", f"{path}: precedence must list every violation kind")
    off, unc = v["off_corridor"], v["uncovered_load"]
    where = str(path)
    return MuckRules(
        truck_labels=_names(data, "truck_labels"), truck_sub_labels=_names(data, "truck_sub_labels"),
        min_plate_score=_num(data, "min_plate_score", 0.6, where, hi=1), min_score=_num(data, "min_score", 0.6, where, hi=1),
        case_window_s=_num(data, "case_window_s", 86400, where, lo=1, hi=90 * 86400), categories=cats,
        required_permit_types=_names(v["unregistered"], "required_permit_types") or frozenset({"准运"}),
        off_min_sightings=int(_num(off, "min_sightings", 2, where, lo=1, hi=1000)),
        off_min_off_route=int(_num(off, "min_off_route", 1, where, lo=1, hi=1000)),
        off_lookback_s=_num(off, "lookback_s", 7200, where, lo=1, hi=30 * 86400),
        uncovered_labels=_names(unc, "labels"), uncovered_sub_labels=_names(unc, "sub_labels"),
        uncovered_attributes=_names(unc, "attributes"),
        min_attribute_score=_num(unc, "min_attribute_score", 0.6, where, hi=1), precedence=precedence)


def is_uncovered(rules: MuckRules, label: str, sub_label: str | None, attributes: Any) -> bool:
    """The AI's verdict on the load: a label, a sub_label, or an attribute (Frigate: dict name→score or list)."""
    if label in rules.uncovered_labels or (sub_label or "") in rules.uncovered_sub_labels:
        return True
    items: list[tuple[Any, Any]] = []
    if isinstance(attributes, dict):
        items = list(attributes.items())
    elif isinstance(attributes, list):
        for a in attributes[:50]:
            if isinstance(a, dict):
                items.append((a.get("label"), a.get("score", 1.0)))
            elif isinstance(a, str):
                items.append((a, 1.0))
    for name, score in items:
        ok_score = isinstance(score, int | float) and not isinstance(score, bool) and score >= rules.min_attribute_score
        if isinstance(name, str) and name in rules.uncovered_attributes and ok_score:
            return True
    return False


def on_route(permit: Permit, lon: float, lat: float) -> bool:
    """Inside the corridor buffer or a permitted zone (distances in EPSG:4549 metres); unrestricted permits: True."""
    if not permit.route_restricted:
        return True
    from shapely.geometry import LineString, Point, Polygon

    from console.geo.projection import lonlat_wgs84_to_xy_m

    def xy(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        x_m, y_m = lonlat_wgs84_to_xy_m([p[0] for p in points], [p[1] for p in points])
        return list(zip(x_m.tolist(), y_m.tolist(), strict=True))

    here = Point(xy([(lon, lat)])[0])
    if any(LineString(xy(line)).distance(here) <= permit.corridor_buffer_m for line in permit.corridor):
        return True
    return any(Polygon(xy(ring)).covers(here) for ring in permit.zones)


def evaluate(rules: MuckRules, sighting: Sighting, status: str, permit: Permit | None,
             track: Sequence[Sighting]) -> list[Violation]:
    """Violations of one sighting. ``status`` is the registry's (registered | not_registered | unknown); ``track`` is
    the plate's earlier sightings (any order). An unknown registry answer accuses nothing registry-based."""
    out: list[Violation] = []
    cat = rules.categories
    if sighting.uncovered:
        out.append(Violation("uncovered_load", cat["uncovered_load"], "智能分析识别车厢未密闭",
                             "the AI saw an uncovered load"))
    if status == "unknown":
        return out
    ts = sighting.ts_utc
    if permit is None or status != "registered":
        out.insert(0, Violation("unregistered", cat["unregistered"], "备案库无此车辆的有效准运证",
                                "no permit on record for this plate"))
        return out
    if permit.permit_type not in rules.required_permit_types:
        out.insert(0, Violation("unregistered", cat["unregistered"], f"仅有{permit.permit_type}，无准运证",
                                f"only a {permit.permit_type} permit, no transport permit"))
        return out
    if not permit.valid_on(ts):
        out.insert(0, Violation("unregistered", cat["unregistered"],
                                f"准运证 {permit.permit_no} 不在有效期（{permit.valid_from}–{permit.valid_to}）",
                                f"permit {permit.permit_no} not valid on that day ({permit.valid_from}..{permit.valid_to})"))
        return out
    if not permit.hours_ok(ts):
        hours = "、".join(w.text() for w in permit.allowed_hours)
        out.append(Violation("outside_hours", cat["outside_hours"], f"不在准运时段（{hours}）",
                             f"outside the permitted hours ({', '.join(w.text() for w in permit.allowed_hours)})"))
    if permit.route_restricted:
        recent = [t for t in track if 0 <= (ts - t.ts_utc).total_seconds() <= rules.off_lookback_s
                  and t is not sighting]
        seen = [*recent, sighting]
        off = [t for t in seen if not on_route(permit, t.lon, t.lat)]
        cameras = {t.camera for t in off}
        if len(seen) >= rules.off_min_sightings and len(off) >= rules.off_min_off_route and not on_route(
                permit, sighting.lon, sighting.lat):
            out.append(Violation("off_corridor", cat["off_corridor"],
                                 f"{len(seen)} 次识别中 {len(off)} 次在准运路线外（{'、'.join(sorted(cameras))}）",
                                 f"{len(off)} of {len(seen)} sightings off the permitted route ({', '.join(sorted(cameras))})"))
    return out
