"""Drill scenario files (演练脚本, YAML or JSON): scripted incidents at times after the drill's start.

The format is documented in docs/training.md. ``parse_scenario`` never raises anything but ``ScenarioError`` (a
ValidationError) on bad input, and that error names every problem with its field path and line, in Chinese and
English. Parsing is pure (no database): a camera reference is checked against the world when the drill is planned.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

import yaml

from console.domain.enums import Priority, SourceChannel
from console.domain.taxonomy import Taxonomy, default_taxonomy
from console.errors import DomainError, ValidationError

FORMAT_ID = "urbanops-drill/1"
MAX_DURATION_MIN = 24 * 60
MAX_INCIDENTS = 2_000
MAX_TEXT = 500
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same results, much faster
_OFFSET = re.compile(r"^\+?(?:(\d{1,2}):)?(\d{1,2}):(\d{2})$")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
TOP_KEYS = {"format", "name", "name_en", "description", "start", "date", "duration_min", "include_recorded",
            "incidents"}
INCIDENT_KEYS = {"at", "category", "source", "lon", "lat", "camera", "description", "address", "priority", "expect"}
EXPECT_KEYS = {"officer", "squad", "respond_within_min"}

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """One problem in a scenario file: where (field path, line) and what, in both languages."""

    path: str
    line: int | None
    zh: str
    en: str

    def where(self) -> str:
        return f"{self.path}" + (f"（第 {self.line} 行）" if self.line else "")

    def where_en(self) -> str:
        return f"{self.path}" + (f" (line {self.line})" if self.line else "")


class ScenarioError(ValidationError):
    """A scenario file that cannot be used; ``issues`` lists every problem found."""

    def __init__(self, source: str, issues: list[Issue]) -> None:
        self.issues = issues
        zh = "；".join(f"{i.where()}：{i.zh}" for i in issues[:20])
        en = "; ".join(f"{i.where_en()}: {i.en}" for i in issues[:20])
        more = len(issues) - 20
        if more > 0:
            zh += f"；另有 {more} 处问题"
            en += f"; and {more} more"
        super().__init__(f"演练脚本 {source} 无效：{zh}", f"invalid drill scenario {source}: {en}")


@dataclass(frozen=True)
class Expectation:
    """What the trainer expects for an incident (optional; scored when given)."""

    officer: str | None = None
    squad: str | None = None
    respond_within_min: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"officer": self.officer, "squad": self.squad, "respond_within_min": self.respond_within_min}


@dataclass(frozen=True)
class Incident:
    """One scripted report, ``offset_s`` seconds after the drill's start."""

    offset_s: int
    category: str  # taxonomy code
    source: str
    lon: float | None = None
    lat: float | None = None
    camera: str | None = None
    description: str | None = None
    address: str | None = None
    priority: str | None = None
    expect: Expectation | None = None

    def to_spec(self) -> dict[str, Any]:
        return {"category": self.category, "source": self.source, "lon": self.lon, "lat": self.lat,
                "camera": self.camera, "description": self.description, "address": self.address,
                "priority": self.priority, "expect": None if self.expect is None else self.expect.to_json()}


@dataclass(frozen=True)
class Scenario:
    name: str
    incidents: tuple[Incident, ...]
    name_en: str | None = None
    description: str | None = None
    start_local: time | None = None
    date_local: date | None = None
    duration_min: int = 60
    include_recorded: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------- reading
def load_scenario(path: Path, taxonomy: Taxonomy | None = None) -> Scenario:
    """Read and validate a scenario file (``.json`` as JSON, anything else as YAML)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(str(path), [Issue("-", None, f"无法读取文件：{exc.strerror or exc}",
                                              f"cannot read the file: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(path), [Issue("-", None, f"不是 UTF-8 文本（字节 {exc.start}）",
                                              f"not UTF-8 text (byte {exc.start})")]) from None
    return parse_scenario(text, source=str(path), as_json=path.suffix.lower() == ".json", taxonomy=taxonomy)


def parse_scenario(text: str, *, source: str = "<scenario>", as_json: bool = False,
                   taxonomy: Taxonomy | None = None) -> Scenario:
    """Parse and validate scenario text; raises ScenarioError listing every problem."""
    data, lines = _load(text, source, as_json)
    checker = _Checker(lines, taxonomy or _default_taxonomy())
    scenario = checker.scenario(data)
    if checker.issues or scenario is None:
        raise ScenarioError(source, checker.issues or [Issue("-", None, "无有效内容", "no usable content")])
    return scenario


_TAXONOMY: Taxonomy | None = None


def _default_taxonomy() -> Taxonomy:
    global _TAXONOMY
    if _TAXONOMY is None:
        _TAXONOMY = default_taxonomy()
    return _TAXONOMY


def _load(text: str, source: str, as_json: bool) -> tuple[Any, dict[Path_, int]]:
    if as_json:
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise ScenarioError(source, [Issue("-", exc.lineno, f"JSON 语法错误：{exc.msg}",
                                               f"JSON syntax error: {exc.msg}")]) from None
        except (ValueError, RecursionError) as exc:
            raise ScenarioError(source, [Issue("-", None, f"JSON 无效：{exc}", f"invalid JSON: {exc}")]) from None
        return data, _lines_of(text)
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # a safe loader (CSafeLoader or SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = str(exc.problem or exc.context or "")
        raise ScenarioError(source, [Issue("-", line, f"YAML 语法错误：{problem}",
                                           f"YAML syntax error: {problem}")]) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, OverflowError) as exc:
        raise ScenarioError(source, [Issue("-", None, f"YAML 无效：{exc}", f"invalid YAML: {exc}")]) from None
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _lines_of(text: str) -> dict[Path_, int]:
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return {}
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return lines


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], depth: int = 0) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if depth > 8:
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines[(*path, str(key.value))] = key.start_mark.line + 1
                _walk(value, (*path, str(key.value)), lines, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, depth + 1)


# --------------------------------------------------------------------------------------------- checking
class _Checker:
    def __init__(self, lines: dict[Path_, int], taxonomy: Taxonomy) -> None:
        self.lines = lines
        self.taxonomy = taxonomy
        self.issues: list[Issue] = []

    def fail(self, path: Path_, zh: str, en: str) -> None:
        text = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))
        line = None
        for k in range(len(path), -1, -1):
            if path[:k] in self.lines:
                line = self.lines[path[:k]]
                break
        self.issues.append(Issue(text or "-", line, zh, en))

    def scenario(self, data: Any) -> Scenario | None:
        if not isinstance(data, dict):
            self.fail((), "顶层应为映射（键: 值）", "the top level must be a mapping (key: value)")
            return None
        for key in sorted(str(k) for k in data if str(k) not in TOP_KEYS):
            self.fail((key,), f"未知字段“{key}”", f"unknown field {key!r}")
        if data.get("format") != FORMAT_ID:
            self.fail(("format",), f"format 应为 {FORMAT_ID}", f"format must be {FORMAT_ID}")
        name = self.text(data, ("name",), required=True)
        name_en = self.text(data, ("name_en",))
        description = self.text(data, ("description",))
        start = self.clock_time(data.get("start"), ("start",)) if "start" in data else None
        day = self.day(data.get("date"), ("date",)) if "date" in data else None
        duration = data.get("duration_min", 60)
        if isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= MAX_DURATION_MIN:
            self.fail(("duration_min",), f"duration_min 应为 1–{MAX_DURATION_MIN} 的整数（分钟）",
                      f"duration_min must be an integer 1–{MAX_DURATION_MIN} (minutes)")
            duration = 60
        include = data.get("include_recorded", False)
        if not isinstance(include, bool):
            self.fail(("include_recorded",), "include_recorded 应为 true 或 false", "include_recorded must be true/false")
            include = False
        raw_incidents = data.get("incidents")
        incidents: list[Incident] = []
        if not isinstance(raw_incidents, list) or not raw_incidents:
            if not include:
                self.fail(("incidents",), "incidents 应为非空列表", "incidents must be a non-empty list")
            elif raw_incidents is not None and not isinstance(raw_incidents, list):
                self.fail(("incidents",), "incidents 应为列表", "incidents must be a list")
        elif len(raw_incidents) > MAX_INCIDENTS:
            self.fail(("incidents",), f"事件过多（上限 {MAX_INCIDENTS}）", f"too many incidents (max {MAX_INCIDENTS})")
        else:
            for i, item in enumerate(raw_incidents):
                inc = self.incident(item, ("incidents", i), duration)
                if inc is not None:
                    incidents.append(inc)
        if name is None:
            return None
        incidents.sort(key=lambda x: x.offset_s)
        return Scenario(name=name, incidents=tuple(incidents), name_en=name_en, description=description,
                        start_local=start, date_local=day, duration_min=duration, include_recorded=include)

    def incident(self, item: Any, path: Path_, duration_min: int) -> Incident | None:
        if not isinstance(item, dict):
            self.fail(path, "每个事件应为映射", "each incident must be a mapping")
            return None
        before = len(self.issues)
        for key in sorted(str(k) for k in item if str(k) not in INCIDENT_KEYS):
            self.fail((*path, key), f"未知字段“{key}”", f"unknown field {key!r}")
        offset = self.offset(item.get("at"), (*path, "at"))
        if offset is not None and offset > duration_min * 60:
            self.fail((*path, "at"), f"时间 {offset} 秒超出演练时长 {duration_min} 分钟",
                      f"time {offset} s is after the drill's end ({duration_min} min)")
        category = None
        cat_text = item.get("category")
        if not isinstance(cat_text, str) or not cat_text.strip():
            self.fail((*path, "category"), "缺少 category（类别编码或名称）", "category (code or name) is required")
        else:
            try:
                category = self.taxonomy.find(cat_text).code
            except DomainError as exc:
                self.fail((*path, "category"), exc.message_zh, exc.message_en)
        source = item.get("source", "other")
        try:
            source = SourceChannel(source).value if isinstance(source, str) else None
        except ValueError:
            source = None
        if source is None:
            known = ", ".join(s.value for s in SourceChannel)
            self.fail((*path, "source"), f"来源无效，可用：{known}", f"invalid source; known: {known}")
        camera = self.text(item, (*path, "camera"), key="camera", limit=64)
        lon = self.coordinate(item, "lon", path, -180, 180)
        lat = self.coordinate(item, "lat", path, -90, 90)
        if ("lon" in item) != ("lat" in item):
            self.fail(path, "lon 与 lat 须同时给出", "lon and lat must be given together")
        if camera is None and "lon" not in item and "lat" not in item:
            self.fail(path, "须给出位置：lon/lat 或 camera", "a place is required: lon/lat or camera")
        priority = item.get("priority")
        if priority is not None:
            try:
                priority = Priority(priority).value if isinstance(priority, str) else None
            except ValueError:
                priority = None
            if priority is None:
                known = ", ".join(p.value for p in Priority)
                self.fail((*path, "priority"), f"紧急程度无效，可用：{known}", f"invalid priority; known: {known}")
        expect = self.expectation(item.get("expect"), (*path, "expect")) if "expect" in item else None
        description = self.text(item, (*path, "description"), key="description")
        address = self.text(item, (*path, "address"), key="address")
        if len(self.issues) > before or offset is None or category is None or source is None:
            return None
        return Incident(offset, category, source, lon, lat, camera, description, address, priority, expect)

    def expectation(self, value: Any, path: Path_) -> Expectation | None:
        if not isinstance(value, dict):
            self.fail(path, "expect 应为映射", "expect must be a mapping")
            return None
        for key in sorted(str(k) for k in value if str(k) not in EXPECT_KEYS):
            self.fail((*path, key), f"未知字段“{key}”", f"unknown field {key!r}")
        officer = self.text(value, (*path, "officer"), key="officer", limit=64)
        squad = self.text(value, (*path, "squad"), key="squad", limit=64)
        within = value.get("respond_within_min")
        if within is not None:
            if (isinstance(within, bool) or not isinstance(within, (int, float)) or not math.isfinite(within)
                    or not 0 < within <= MAX_DURATION_MIN):
                self.fail((*path, "respond_within_min"), f"respond_within_min 应为 0–{MAX_DURATION_MIN} 的分钟数",
                          f"respond_within_min must be minutes in (0, {MAX_DURATION_MIN}]")
                within = None
            else:
                within = float(within)
        return Expectation(officer, squad, within)

    def text(self, data: dict[Any, Any], path: Path_, *, key: str | None = None, required: bool = False,
             limit: int = MAX_TEXT) -> str | None:
        value = data.get(key or str(path[-1]))
        if value is None:
            if required:
                self.fail(path, f"缺少 {path[-1]}", f"{path[-1]} is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"{path[-1]} 应为非空文本", f"{path[-1]} must be non-empty text")
            return None
        if len(value) > limit:
            self.fail(path, f"{path[-1]} 过长（上限 {limit} 字）", f"{path[-1]} is too long (max {limit})")
            return None
        return value.strip()

    def coordinate(self, item: dict[Any, Any], key: str, path: Path_, lo: float, hi: float) -> float | None:
        if key not in item:
            return None
        value = item[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not lo <= value <= hi:
            self.fail((*path, key), f"{key} 应为 {lo}–{hi} 之间的数（WGS-84）",
                      f"{key} must be a number in [{lo}, {hi}] (WGS-84)")
            return None
        return float(value)

    def offset(self, value: Any, path: Path_) -> int | None:
        """Seconds after the start: an integer, or text HH:MM:SS / MM:SS (a leading + is allowed)."""
        if isinstance(value, bool) or value is None:
            self.fail(path, "缺少 at（开始后的时间，如 00:05:00 或秒数）",
                      "at (time after the start, e.g. 00:05:00 or seconds) is required")
            return None
        if isinstance(value, int):
            seconds = value
        elif isinstance(value, str) and (m := _OFFSET.match(value.strip())):
            hours, minutes, secs = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
            if (minutes >= 60 and m.group(1) is not None) or secs >= 60:
                self.fail(path, f"时间“{value}”无效", f"invalid time {value!r}")
                return None
            seconds = hours * 3600 + minutes * 60 + secs
        else:
            self.fail(path, f"时间“{value}”无效，应为 HH:MM:SS、MM:SS 或秒数",
                      f"invalid time {value!r}; use HH:MM:SS, MM:SS or seconds")
            return None
        if not 0 <= seconds <= MAX_DURATION_MIN * 60:
            self.fail(path, "时间应在 0 至 24 小时之间", "time must be between 0 and 24 hours")
            return None
        return seconds

    def clock_time(self, value: Any, path: Path_) -> time | None:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            # YAML 1.1 reads an unquoted 09:00 as a sexagesimal integer (540): accept it as minutes
            return time(value // 60, value % 60)
        m = _HHMM.match(value.strip()) if isinstance(value, str) else None
        if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            self.fail(path, f"start 应为本地时间 HH:MM，收到“{value}”", f"start must be a local time HH:MM, got {value!r}")
            return None
        return time(int(m.group(1)), int(m.group(2)))

    def day(self, value: Any, path: Path_) -> date | None:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(path, f"date 应为 YYYY-MM-DD，收到“{value}”", f"date must be YYYY-MM-DD, got {value!r}")
        return None
