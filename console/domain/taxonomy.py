"""The two-level classification (部件/事件 → 大类 → 小类) and the 立结案标准 rule table, imported from CSV data.

Files: ``categories.csv`` and ``sla_rules.csv`` in ``resources/taxonomy`` or the directory named by
URBANOPS_TAXONOMY_DIR. A malformed file raises DataFileError naming the file, the line and the problem.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from console import config
from console.domain.calendar import Duration, TimeUnit
from console.domain.enums import Priority
from console.errors import DataFileError, ValidationError
from console.resources import resource_path

CATEGORY_COLUMNS = ("kind", "kind_zh", "major_code", "major_name", "minor_code", "minor_name", "code",
                    "resident_facing", "enforcement", "legal_review_required", "domain", "default_priority", "icon")
RULE_COLUMNS = ("code", "priority", "region_class", "filing_condition", "disposal_amount", "disposal_unit", "stages",
                "closing_condition", "responsible_unit", "supervising_department")
CODE_RE = re.compile(r"^[EP]\d{4}$")
KIND_LETTER = {"event": "E", "part": "P"}


@dataclass(frozen=True)
class Category:
    """One minor class (小类) with its major class (大类)."""

    code: str
    kind: str  # event | part
    kind_zh: str
    major_code: str
    major_name: str
    minor_code: str
    minor_name: str
    resident_facing: bool
    enforcement: bool
    legal_review_required: bool
    domain: str
    default_priority: str
    icon: str

    @property
    def label_zh(self) -> str:
        return f"{self.major_name}/{self.minor_name}"

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Stage:
    """One stage of a staged limit (e.g. 私搭乱建: stop work, penalty, demolition)."""

    name: str
    limit: Duration


@dataclass(frozen=True)
class SlaRule:
    """One row of the 立结案标准 table."""

    code: str
    priority: str  # urgent | A | B | C | *
    region_class: str  # * or a region class such as "core"
    filing_condition: str
    disposal: Duration
    stages: tuple[Stage, ...]
    closing_condition: str
    responsible_unit: str
    supervising_department: str

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code, "priority": self.priority, "region_class": self.region_class,
            "filing_condition": self.filing_condition, "disposal": self.disposal.to_json(),
            "stages": [{"name": s.name, **s.limit.to_json()} for s in self.stages],
            "closing_condition": self.closing_condition, "responsible_unit": self.responsible_unit,
            "supervising_department": self.supervising_department,
        }


@dataclass(frozen=True)
class Taxonomy:
    categories: dict[str, Category]
    rules: tuple[SlaRule, ...]

    def get(self, code: str) -> Category:
        cat = self.categories.get(code)
        if cat is None:
            raise self._unknown(code)
        return cat

    def find(self, text: str) -> Category:
        """A category by code (E0101) or by minor-class name (暴露垃圾)."""
        key = str(text).strip()
        if key in self.categories:
            return self.categories[key]
        by_name = [c for c in self.categories.values() if c.minor_name == key]
        if len(by_name) == 1:
            return by_name[0]
        raise self._unknown(key)

    def _unknown(self, key: str) -> ValidationError:
        names = [c.minor_name for c in self.categories.values()] + list(self.categories)
        close = difflib.get_close_matches(key, names, n=3, cutoff=0.4)
        hint_zh = f"，是否指：{'、'.join(close)}" if close else ""
        hint_en = f"; did you mean: {', '.join(close)}" if close else ""
        return ValidationError(f"未知案件类别“{key}”{hint_zh}", f"unknown category {key!r}{hint_en}")

    def rule_for(self, code: str, priority: str = "*", region_class: str = "*") -> SlaRule:
        """The most specific rule: exact priority beats '*', exact region class beats '*'."""
        self.get(code)
        best: tuple[int, SlaRule] | None = None
        for rule in self.rules:
            if rule.code != code:
                continue
            if rule.priority not in ("*", priority) or rule.region_class not in ("*", region_class):
                continue
            score = (2 if rule.priority == priority and priority != "*" else 0) + (
                1 if rule.region_class == region_class and region_class != "*" else 0)
            if best is None or score > best[0]:
                best = (score, rule)
        assert best is not None, "load_taxonomy guarantees a '*' rule per category"
        return best[1]

    def resident_facing(self) -> list[Category]:
        return [c for c in self.categories.values() if c.resident_facing]

    def majors(self) -> list[tuple[str, str, str]]:
        """(kind, major_code, major_name) in file order, without repeats."""
        seen: dict[tuple[str, str], str] = {}
        for c in self.categories.values():
            seen.setdefault((c.kind, c.major_code), c.major_name)
        return [(k, m, n) for (k, m), n in seen.items()]

    def to_json(self) -> dict[str, Any]:
        return {"categories": [c.to_json() for c in self.categories.values()],
                "rules": [r.to_json() for r in self.rules]}


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise DataFileError(f"{path}：缺少列 {', '.join(missing)}", f"{path}: missing columns {', '.join(missing)}")
            return [(i + 2, {k: (v or "").strip() for k, v in row.items() if k}) for i, row in enumerate(reader)]
    except OSError as exc:
        raise DataFileError(f"无法读取 {path}：{exc}", f"cannot read {path}: {exc}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path} 不是有效的 UTF-8 CSV：{exc}", f"{path} is not valid UTF-8 CSV: {exc}") from exc


def _flag(value: str, where: str, column: str) -> bool:
    if value not in ("0", "1"):
        raise DataFileError(f"{where}：{column} 应为 0 或 1", f"{where}: {column} must be 0 or 1, got {value!r}")
    return value == "1"


def _duration(amount: str, unit: str, where: str) -> Duration:
    try:
        value = float(amount)
    except ValueError:
        raise DataFileError(f"{where}：时限“{amount}”不是数字", f"{where}: limit {amount!r} is not a number") from None
    if not value > 0 or value != value or value > 10_000:
        raise DataFileError(f"{where}：时限须为正数", f"{where}: limit must be positive, got {amount!r}")
    try:
        return Duration(value, TimeUnit(unit))
    except ValueError:
        allowed = ", ".join(u.value for u in TimeUnit)
        raise DataFileError(f"{where}：时限单位“{unit}”无效（{allowed}）", f"{where}: unknown unit {unit!r} ({allowed})") from None


def load_taxonomy(directory: Path | None = None) -> Taxonomy:
    directory = directory or config.taxonomy_dir() or resource_path("taxonomy")
    cat_path, rule_path = directory / "categories.csv", directory / "sla_rules.csv"
    categories: dict[str, Category] = {}
    for line, row in _read_csv(cat_path, CATEGORY_COLUMNS):
        where = f"{cat_path}:{line}"
        code, kind = row["code"], row["kind"]
        if kind not in KIND_LETTER:
            raise DataFileError(f"{where}：kind 应为 event 或 part", f"{where}: kind must be event or part")
        if not CODE_RE.match(code) or code != KIND_LETTER[kind] + row["major_code"] + row["minor_code"]:
            raise DataFileError(f"{where}：类别编码“{code}”应为类型字母+大类2位+小类2位",
                                f"{where}: code {code!r} must be kind letter + 2-digit major + 2-digit minor")
        if code in categories:
            raise DataFileError(f"{where}：类别编码 {code} 重复", f"{where}: duplicate code {code}")
        if not row["minor_name"] or not row["major_name"]:
            raise DataFileError(f"{where}：缺少类别名称", f"{where}: missing class name")
        if row["default_priority"] not in {p.value for p in Priority}:
            raise DataFileError(f"{where}：default_priority 无效", f"{where}: invalid default_priority")
        categories[code] = Category(
            code=code, kind=kind, kind_zh=row["kind_zh"], major_code=row["major_code"], major_name=row["major_name"],
            minor_code=row["minor_code"], minor_name=row["minor_name"],
            resident_facing=_flag(row["resident_facing"], where, "resident_facing"),
            enforcement=_flag(row["enforcement"], where, "enforcement"),
            legal_review_required=_flag(row["legal_review_required"], where, "legal_review_required"),
            domain=row["domain"] or "other", default_priority=row["default_priority"], icon=row["icon"] or "other",
        )
    if not categories:
        raise DataFileError(f"{cat_path}：没有任何类别", f"{cat_path}: no categories")
    rules: list[SlaRule] = []
    for line, row in _read_csv(rule_path, RULE_COLUMNS):
        where = f"{rule_path}:{line}"
        if row["code"] not in categories:
            raise DataFileError(f"{where}：规则引用了未知类别 {row['code']}", f"{where}: rule for unknown code {row['code']}")
        if row["priority"] not in {"*", *(p.value for p in Priority)}:
            raise DataFileError(f"{where}：priority 无效", f"{where}: invalid priority {row['priority']!r}")
        stages: list[Stage] = []
        for part in filter(None, row.get("stages", "").split(";")):
            bits = part.split(":")
            if len(bits) != 3:
                raise DataFileError(f"{where}：阶段“{part}”应为 名称:数量:单位", f"{where}: stage {part!r} must be name:amount:unit")
            stages.append(Stage(bits[0], _duration(bits[1], bits[2], where)))
        rules.append(SlaRule(
            code=row["code"], priority=row["priority"], region_class=row["region_class"] or "*",
            filing_condition=row["filing_condition"], disposal=_duration(row["disposal_amount"], row["disposal_unit"], where),
            stages=tuple(stages), closing_condition=row["closing_condition"], responsible_unit=row["responsible_unit"],
            supervising_department=row["supervising_department"],
        ))
    covered = {r.code for r in rules if r.priority == "*" and r.region_class == "*"}
    missing = [c for c in categories if c not in covered]
    if missing:
        raise DataFileError(f"{rule_path}：类别 {', '.join(missing[:5])} 缺少通用（*）时限规则",
                            f"{rule_path}: categories {', '.join(missing[:5])} have no '*' rule")
    return Taxonomy(categories=categories, rules=tuple(rules))


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()
