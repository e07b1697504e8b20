"""The two-level classification (部件/事件 → 大类 → 小类) and the 立结案标准 rule table, imported from CSV data.

Files: ``categories.csv`` and ``sla_rules.csv`` in ``resources/taxonomy`` or the directory named by
URBANOPS_TAXONOMY_DIR. A malformed file raises DataFileError naming the file, the line and the problem. Rule lookup
(:meth:`Taxonomy.rule_for`) picks the most specific row: an exact priority outranks ``*``, then an exact region class
outranks ``*``; every category must have a ``*``/``*`` row so a lookup never comes back empty.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import asdict, dataclass
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
TWO_DIGITS_RE = re.compile(r"^\d{2}$")
KIND_LETTER = {"event": "E", "part": "P"}
KIND_ZH = {"event": "事件", "part": "部件"}
DOMAINS = frozenset({"garbage_sorting", "construction_site", "non_motor_parking", "outdoor_ads", "muck_truck",
                     "street_order", "city_appearance", "facilities", "other"})
RULE_PRIORITIES = frozenset({"*", *(p.value for p in Priority)})
JSON_FORMAT = "urbanops.taxonomy/1"


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
        return {**asdict(self), "label_zh": self.label_zh}


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
    """The classes in force and their 立结案标准 rules (immutable; reload the files to change them)."""

    categories: dict[str, Category]
    rules: tuple[SlaRule, ...]

    def get(self, code: str) -> Category:
        """The category with this code; unknown codes raise ValidationError with close matches as a hint."""
        cat = self.categories.get(code)
        if cat is None:
            raise self._unknown(str(code))
        return cat

    def find(self, text: str) -> Category:
        """A category by code (``E0101``, case-insensitive), minor-class name (``暴露垃圾``) or ``大类/小类`` label."""
        key = str(text).strip()
        if key.upper() in self.categories:
            return self.categories[key.upper()]
        for matches in ([c for c in self.categories.values() if c.minor_name == key],
                        [c for c in self.categories.values() if c.label_zh == key]):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                codes = "、".join(c.code for c in matches)
                raise ValidationError(f"类别名称“{key}”不唯一（{codes}），请用编码",
                                      f"category name {key!r} is ambiguous ({codes}); use the code")
        raise self._unknown(key)

    def _unknown(self, key: str) -> ValidationError:
        names = [c.minor_name for c in self.categories.values()] + list(self.categories)
        close = difflib.get_close_matches(key, names, n=3, cutoff=0.4)
        hint_zh = f"，是否指：{'、'.join(close)}" if close else "（可用 urbanops taxonomy 查看全部类别）"
        hint_en = f"; did you mean: {', '.join(close)}" if close else " (list them with `urbanops taxonomy`)"
        return ValidationError(f"未知案件类别“{key}”{hint_zh}", f"unknown category {key!r}{hint_en}")

    def rule_for(self, code: str, priority: str = "*", region_class: str = "*") -> SlaRule:
        """The most specific rule: exact priority beats '*', then exact region class beats '*'."""
        self.get(code)
        priority = str(priority)
        if priority not in RULE_PRIORITIES:
            raise ValidationError(f"紧急程度“{priority}”无效（urgent/A/B/C）",
                                  f"invalid priority {priority!r} (urgent, A, B or C)")
        best: tuple[int, SlaRule] | None = None
        for rule in self._rules_by_code().get(code, ()):
            if rule.priority not in ("*", priority) or rule.region_class not in ("*", region_class):
                continue
            score = (2 if rule.priority != "*" else 0) + (1 if rule.region_class != "*" else 0)
            if best is None or score > best[0]:
                best = (score, rule)
        assert best is not None, "load_taxonomy guarantees a '*' rule per category"
        return best[1]

    def _rules_by_code(self) -> dict[str, tuple[SlaRule, ...]]:
        cached: dict[str, tuple[SlaRule, ...]] | None = self.__dict__.get("_by_code")
        if cached is None:
            grouped: dict[str, list[SlaRule]] = {}
            for rule in self.rules:
                grouped.setdefault(rule.code, []).append(rule)
            cached = {k: tuple(v) for k, v in grouped.items()}
            self.__dict__["_by_code"] = cached  # a derived index; the dataclass stays frozen in its fields
        return cached

    def rules_for_code(self, code: str) -> tuple[SlaRule, ...]:
        """Every rule row of one category, in file order."""
        self.get(code)
        return self._rules_by_code().get(code, ())

    def resident_facing(self) -> list[Category]:
        """Classes residents may report through Open311 and the workroom QR form, in file order."""
        return [c for c in self.categories.values() if c.resident_facing]

    def majors(self) -> list[tuple[str, str, str]]:
        """(kind, major_code, major_name) in file order, without repeats."""
        seen: dict[tuple[str, str], str] = {}
        for c in self.categories.values():
            seen.setdefault((c.kind, c.major_code), c.major_name)
        return [(k, m, n) for (k, m), n in seen.items()]

    def to_json(self) -> dict[str, Any]:
        """Stable shape (docs/taxonomy_sla.md): ``format``, ``majors`` [{kind, major_code, major_name}],
        ``categories`` [Category fields], ``rules`` [SlaRule fields with disposal/stages as {amount, unit, label_zh}]."""
        return {"format": JSON_FORMAT,
                "majors": [{"kind": k, "major_code": m, "major_name": n} for k, m, n in self.majors()],
                "categories": [c.to_json() for c in self.categories.values()],
                "rules": [r.to_json() for r in self.rules]}


# --- loading ---------------------------------------------------------------------------------------------------
def _fail(where: str, zh: str, en: str) -> DataFileError:
    return DataFileError(f"{where}：{zh}", f"{where}: {en}")


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their 1-based line numbers (header is line 1); missing columns or bad encoding fail loudly."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise _fail(f"{path}:1", f"缺少列 {', '.join(missing)}", f"missing columns {', '.join(missing)}")
            rows: list[tuple[int, dict[str, str]]] = []
            for row in reader:
                line = reader.line_num
                if None in row:
                    raise _fail(f"{path}:{line}", "字段数多于表头", "more fields than the header")
                if any(row.get(c) is None for c in required):
                    raise _fail(f"{path}:{line}", "字段数少于表头", "fewer fields than the header")
                rows.append((line, {k: (v or "").strip() for k, v in row.items() if k}))
            return rows
    except OSError as exc:
        raise DataFileError(f"无法读取 {path}：{exc}", f"cannot read {path}: {exc}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path} 不是有效的 UTF-8 CSV：{exc}", f"{path} is not valid UTF-8 CSV: {exc}") from exc


def _flag(value: str, where: str, column: str) -> bool:
    if value not in ("0", "1"):
        raise _fail(where, f"{column} 应为 0 或 1", f"{column} must be 0 or 1, got {value!r}")
    return value == "1"


def _duration(amount: str, unit: str, where: str) -> Duration:
    try:
        value = float(amount)
    except ValueError:
        raise _fail(where, f"时限“{amount}”不是数字", f"limit {amount!r} is not a number") from None
    if not value > 0 or value > 10_000:  # also rejects NaN
        raise _fail(where, f"时限“{amount}”须为正数（不超过 10000）", f"limit must be positive (at most 10000), got {amount!r}")
    try:
        unit_value = TimeUnit(unit)
    except ValueError:
        allowed = ", ".join(u.value for u in TimeUnit)
        raise _fail(where, f"时限单位“{unit}”无效（{allowed}）", f"unknown unit {unit!r} ({allowed})") from None
    return Duration(value, unit_value)


def _category(row: dict[str, str], where: str) -> Category:
    code, kind = row["code"], row["kind"]
    if kind not in KIND_LETTER:
        raise _fail(where, "kind 应为 event 或 part", f"kind must be event or part, got {kind!r}")
    if row["kind_zh"] != KIND_ZH[kind]:
        raise _fail(where, f"kind_zh 应为 {KIND_ZH[kind]}", f"kind_zh must be {KIND_ZH[kind]} for {kind}")
    if not TWO_DIGITS_RE.match(row["major_code"]) or not TWO_DIGITS_RE.match(row["minor_code"]):
        raise _fail(where, "大类、小类代码应为 2 位数字", "major_code and minor_code must be 2 digits")
    if not CODE_RE.match(code) or code != KIND_LETTER[kind] + row["major_code"] + row["minor_code"]:
        raise _fail(where, f"类别编码“{code}”应为类型字母+大类2位+小类2位",
                    f"code {code!r} must be kind letter + 2-digit major + 2-digit minor "
                    f"({KIND_LETTER[kind]}{row['major_code']}{row['minor_code']})")
    if not row["minor_name"] or not row["major_name"]:
        raise _fail(where, "缺少类别名称", "missing class name")
    if row["default_priority"] not in {p.value for p in Priority}:
        raise _fail(where, f"default_priority“{row['default_priority']}”无效（urgent/A/B/C）",
                    f"invalid default_priority {row['default_priority']!r} (urgent, A, B or C)")
    domain = row["domain"] or "other"
    if domain not in DOMAINS:
        raise _fail(where, f"业务领域“{domain}”未知", f"unknown domain {domain!r} ({', '.join(sorted(DOMAINS))})")
    return Category(
        code=code, kind=kind, kind_zh=row["kind_zh"], major_code=row["major_code"], major_name=row["major_name"],
        minor_code=row["minor_code"], minor_name=row["minor_name"],
        resident_facing=_flag(row["resident_facing"], where, "resident_facing"),
        enforcement=_flag(row["enforcement"], where, "enforcement"),
        legal_review_required=_flag(row["legal_review_required"], where, "legal_review_required"),
        domain=domain, default_priority=row["default_priority"], icon=row["icon"] or "other",
    )


def _rule(row: dict[str, str], where: str) -> SlaRule:
    if row["priority"] not in RULE_PRIORITIES:
        raise _fail(where, f"priority“{row['priority']}”无效（urgent/A/B/C/*）",
                    f"invalid priority {row['priority']!r} (urgent, A, B, C or *)")
    stages: list[Stage] = []
    for part in filter(None, (p.strip() for p in row.get("stages", "").split(";"))):
        bits = [b.strip() for b in part.split(":")]
        if len(bits) != 3 or not bits[0]:
            raise _fail(where, f"阶段“{part}”应为 名称:数量:单位", f"stage {part!r} must be name:amount:unit")
        stages.append(Stage(bits[0], _duration(bits[1], bits[2], where)))
    return SlaRule(
        code=row["code"], priority=row["priority"], region_class=row["region_class"] or "*",
        filing_condition=row["filing_condition"], disposal=_duration(row["disposal_amount"], row["disposal_unit"], where),
        stages=tuple(stages), closing_condition=row["closing_condition"], responsible_unit=row["responsible_unit"],
        supervising_department=row["supervising_department"],
    )


def load_taxonomy(directory: Path | None = None) -> Taxonomy:
    """Read and validate ``categories.csv`` and ``sla_rules.csv`` from ``directory`` (default: bundled or env)."""
    directory = directory or config.taxonomy_dir() or resource_path("taxonomy")
    cat_path, rule_path = directory / "categories.csv", directory / "sla_rules.csv"
    categories: dict[str, Category] = {}
    major_names: dict[tuple[str, str], tuple[str, str]] = {}
    for line, row in _read_csv(cat_path, CATEGORY_COLUMNS):
        where = f"{cat_path}:{line}"
        cat = _category(row, where)
        if cat.code in categories:
            raise _fail(where, f"类别编码 {cat.code} 重复", f"duplicate code {cat.code}")
        first = major_names.setdefault((cat.kind, cat.major_code), (cat.major_name, where))
        if first[0] != cat.major_name:
            raise _fail(where, f"大类 {cat.major_code} 名称“{cat.major_name}”与 {first[1]} 的“{first[0]}”不一致",
                        f"major {cat.major_code} is named {cat.major_name!r} here but {first[0]!r} at {first[1]}")
        categories[cat.code] = cat
    if not categories:
        raise _fail(str(cat_path), "没有任何类别", "no categories")
    rules: list[SlaRule] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in _read_csv(rule_path, RULE_COLUMNS):
        where = f"{rule_path}:{line}"
        if row["code"] not in categories:
            raise _fail(where, f"规则引用了未知类别 {row['code']}", f"rule for unknown code {row['code']!r}")
        rule = _rule(row, where)
        key = (rule.code, rule.priority, rule.region_class)
        if key in seen:
            raise _fail(where, f"与第 {seen[key]} 行重复（同一类别、紧急程度、区域）",
                        f"duplicate rule for {'/'.join(key)} (also line {seen[key]})")
        seen[key] = line
        rules.append(rule)
    covered = {r.code for r in rules if r.priority == "*" and r.region_class == "*"}
    missing = [c for c in categories if c not in covered]
    if missing:
        raise _fail(str(rule_path), f"类别 {', '.join(missing[:5])} 缺少通用（*,*）时限规则",
                    f"categories {', '.join(missing[:5])} have no '*' rule (priority * and region_class *)")
    return Taxonomy(categories=categories, rules=tuple(rules))


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The bundled taxonomy, or the bureau's files in URBANOPS_TAXONOMY_DIR (loaded once)."""
    return load_taxonomy()
