"""Shift definitions (班次) and shift patterns (排班模式) as data, and the pure roster generator.

Both live in ``resources/duty/shifts.yaml`` and ``resources/duty/patterns.yaml`` (override with
``URBANOPS_DUTY_DIR``). Times in the files are local (Asia/Shanghai); windows are returned as aware UTC datetimes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from console.errors import DataFileError, ValidationError
from console.resources import resource_path

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
EPOCH_MONDAY = date(2024, 1, 1)  # the cycle anchor of "epoch" patterns (a Monday)


@dataclass(frozen=True)
class Shift:
    """One shift code (班次): a local start/end time (end ≤ start → next day), breaks, or a rest day."""

    code: str
    name_zh: str
    name_en: str
    start: time | None
    end: time | None
    breaks: tuple[tuple[time, time], ...] = ()
    rest: bool = False
    colour: str = "#777777"

    def window_utc(self, day: date) -> tuple[datetime, datetime] | None:
        """The shift starting on local ``day`` as a UTC [start, end) window; ``None`` for a rest day."""
        if self.rest or self.start is None or self.end is None:
            return None
        start = datetime.combine(day, self.start, LOCAL_TZ)
        end_day = day if self.end > self.start else day + timedelta(days=1)
        end = datetime.combine(end_day, self.end, LOCAL_TZ)
        return start.astimezone(UTC), end.astimezone(UTC)

    def breaks_utc(self, day: date) -> list[tuple[datetime, datetime]]:
        """Break windows (UTC) inside the shift that starts on local ``day``."""
        window = self.window_utc(day)
        if window is None:
            return []
        out = []
        for b_start, b_end in self.breaks:
            s = datetime.combine(day, b_start, LOCAL_TZ).astimezone(UTC)
            if s < window[0]:
                s += timedelta(days=1)
            e = datetime.combine(day, b_end, LOCAL_TZ).astimezone(UTC)
            while e <= s:
                e += timedelta(days=1)
            out.append((s, e))
        return out


@dataclass(frozen=True)
class Pattern:
    """A rotation (轮班): a cycle of shift codes run by ``teams`` teams, each shifted by ``team_offset_days``."""

    id: str
    name_zh: str
    name_en: str
    cycle: tuple[str, ...]
    teams: int = 1
    team_offset_days: int = 0
    anchor: str = "epoch"  # or "weekday"

    def code_for(self, member_index: int, day: date) -> str:
        """The shift code of the squad's ``member_index``-th officer (sorted by id) on local ``day``."""
        team = member_index % max(1, self.teams)
        base = day.weekday() if self.anchor == "weekday" else (day - EPOCH_MONDAY).days
        return self.cycle[(base - team * self.team_offset_days) % len(self.cycle)]


@dataclass(frozen=True)
class DutyRules:
    shifts: dict[str, Shift]
    patterns: dict[str, Pattern]

    def shift(self, code: str) -> Shift:
        try:
            return self.shifts[code]
        except KeyError:
            raise ValidationError(f"未知班次代码“{code}”，可用：{'、'.join(self.shifts)}",
                                  f"unknown shift code {code!r}; known: {', '.join(self.shifts)}") from None

    def pattern(self, pattern_id: str) -> Pattern:
        try:
            return self.patterns[pattern_id]
        except KeyError:
            raise ValidationError(f"未知排班模式“{pattern_id}”，可用：{'、'.join(self.patterns)}",
                                  f"unknown shift pattern {pattern_id!r}; known: {', '.join(self.patterns)}") from None


def _hhmm(value: Any, where: str) -> time:
    try:
        hh, mm = str(value).split(":")
        h, m = int(hh), int(mm)
        return time(0, 0) if h == 24 and m == 0 else time(h, m)
    except (ValueError, TypeError):
        raise DataFileError(f"{where}：时间应为 HH:MM，收到“{value}”", f"{where}: time must be HH:MM, got {value!r}") from None


def _read_yaml(path: Path, key: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取 {path}：{exc}", f"cannot read {path}: {exc}") from exc
    section = data.get(key) if isinstance(data, dict) else None
    if not isinstance(section, dict) or not section:
        raise DataFileError(f"{path}：缺少“{key}”映射", f"{path}: missing the {key!r} mapping")
    return section


def load_rules(directory: Path | None = None) -> DutyRules:
    """Read shifts.yaml and patterns.yaml; every pattern must use known shift codes."""
    env = os.environ.get("URBANOPS_DUTY_DIR")
    folder = directory or (Path(env) if env else resource_path("duty"))
    shifts: dict[str, Shift] = {}
    for code, raw in _read_yaml(folder / "shifts.yaml", "shifts").items():
        where = f"shifts.yaml:{code}"
        if not isinstance(raw, dict):
            raise DataFileError(f"{where}：应为映射", f"{where}: must be a mapping")
        rest = bool(raw.get("rest", False))
        breaks = tuple((_hhmm(b[0], where), _hhmm(b[1], where)) for b in (raw.get("breaks") or []))
        shifts[str(code)] = Shift(
            code=str(code), name_zh=str(raw.get("name_zh", code)), name_en=str(raw.get("name_en", code)),
            start=None if rest else _hhmm(raw.get("start"), where), end=None if rest else _hhmm(raw.get("end"), where),
            breaks=breaks, rest=rest, colour=str(raw.get("colour", "#777777")))
    patterns: dict[str, Pattern] = {}
    for pid, raw in _read_yaml(folder / "patterns.yaml", "patterns").items():
        where = f"patterns.yaml:{pid}"
        cycle = tuple(str(c) for c in (raw.get("cycle") or [])) if isinstance(raw, dict) else ()
        if not cycle or any(c not in shifts for c in cycle):
            raise DataFileError(f"{where}：cycle 须为已知班次代码的列表", f"{where}: cycle must list known shift codes")
        anchor = str(raw.get("anchor", "epoch"))
        if anchor not in ("epoch", "weekday") or (anchor == "weekday" and len(cycle) != 7):
            raise DataFileError(f"{where}：anchor 须为 epoch 或 weekday（weekday 时周期为 7 天）",
                                f"{where}: anchor must be epoch or weekday (a weekday cycle is 7 days long)")
        patterns[str(pid)] = Pattern(str(pid), str(raw.get("name_zh", pid)), str(raw.get("name_en", pid)), cycle,
                                     int(raw.get("teams", 1)), int(raw.get("team_offset_days", 0)), anchor)
    return DutyRules(shifts, patterns)


@lru_cache(maxsize=1)
def default_rules() -> DutyRules:
    return load_rules()


def local_day(ts_utc: datetime) -> date:
    """The Asia/Shanghai calendar date of a UTC instant."""
    return ts_utc.astimezone(LOCAL_TZ).date()


def generate_codes(officer_ids: list[str], pattern: Pattern, start: date, days: int) -> dict[tuple[str, date], str]:
    """The shift code of every (officer, day) for ``days`` days from ``start``; officers are ranked by sorted id."""
    if days < 1 or days > 366:
        raise ValidationError("天数须在 1–366 之间", "days must be between 1 and 366")
    ordered = sorted(dict.fromkeys(officer_ids))
    return {(oid, start + timedelta(days=d)): pattern.code_for(i, start + timedelta(days=d))
            for i, oid in enumerate(ordered) for d in range(days)}
