"""The collaboration rules file (resources/collab/collab.yaml): permissions, attachment limits, shifts, escalation.

Loaded once per process (``default_config``); a bureau's own file comes from ``URBANOPS_COLLAB_CONFIG``. Errors name
the file and the entry (DataFileError, Chinese + English).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from console.domain.enums import Role
from console.errors import DataFileError
from console.resources import resource_path

ENV_FILE = "URBANOPS_COLLAB_CONFIG"
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class ShiftDef:
    """One shift pattern (班次) in local time; ``end <= start`` means it runs past midnight."""

    id: str
    label_zh: str
    start: time
    end: time


@dataclass(frozen=True)
class AttachmentRules:
    max_bytes: int
    max_per_note: int
    types: dict[str, str]  # extension (lower case, no dot) → MIME type


@dataclass(frozen=True)
class WorkstationRules:
    escalate_after_minutes: dict[str, float]  # sensor kind (or "default") → minutes
    close_on_sensor_clear: bool

    def escalate_minutes(self, sensor_kind: str | None) -> float:
        return float(self.escalate_after_minutes.get(sensor_kind or "", self.escalate_after_minutes["default"]))


@dataclass(frozen=True)
class CollabConfig:
    permissions: dict[str, frozenset[Role]]
    attachments: AttachmentRules
    shifts: tuple[ShiftDef, ...]
    workstation: WorkstationRules
    source: str


def _fail(where: str, zh: str, en: str) -> DataFileError:
    return DataFileError(f"{where}：{zh}", f"{where}: {en}")


def _hhmm(value: Any, where: str) -> time:
    m = _HHMM.match(str(value))
    if m is None:
        raise _fail(where, f"时间应为 HH:MM，收到“{value}”", f"time must be HH:MM, got {value!r}")
    return time(int(m.group(1)), int(m.group(2)))


def _positive(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _fail(where, f"应为正数，收到“{value}”", f"must be a positive number, got {value!r}") from None
    if not number > 0 or number != number or number == float("inf"):
        raise _fail(where, f"应为正数，收到“{value}”", f"must be a positive number, got {value!r}")
    return number


def parse_config(data: Any, source: str) -> CollabConfig:
    """Validate the parsed YAML; every problem names its entry."""
    if not isinstance(data, dict):
        raise _fail(source, "应为映射", "must be a mapping")
    perms: dict[str, frozenset[Role]] = {}
    for op, roles in (data.get("permissions") or {}).items():
        if not isinstance(roles, list):
            raise _fail(f"{source}: permissions.{op}", "应为角色列表", "must be a list of roles")
        perms[str(op)] = frozenset(Role.parse(str(r)) for r in roles)
    att = data.get("attachments") or {}
    types = {str(k).lower().lstrip("."): str(v) for k, v in (att.get("types") or {}).items()}
    if not types:
        raise _fail(f"{source}: attachments.types", "至少列出一种类型", "list at least one type")
    attachments = AttachmentRules(int(_positive(att.get("max_bytes", 10 * 1024 * 1024), f"{source}: attachments.max_bytes")),
                                  int(_positive(att.get("max_per_note", 8), f"{source}: attachments.max_per_note")), types)
    shifts: list[ShiftDef] = []
    for i, raw in enumerate(data.get("shifts") or []):
        where = f"{source}: shifts[{i}]"
        if not isinstance(raw, dict) or not raw.get("id"):
            raise _fail(where, "缺少 id", "missing id")
        shifts.append(ShiftDef(str(raw["id"]), str(raw.get("label_zh") or raw["id"]), _hhmm(raw.get("start"), where),
                               _hhmm(raw.get("end"), where)))
    if not shifts:
        raise _fail(f"{source}: shifts", "至少定义一个班次", "define at least one shift")
    ws = data.get("workstation") or {}
    minutes = {str(k): _positive(v, f"{source}: workstation.escalate_after_minutes.{k}")
               for k, v in (ws.get("escalate_after_minutes") or {}).items()}
    minutes.setdefault("default", 60.0)
    return CollabConfig(perms, attachments, tuple(shifts),
                        WorkstationRules(minutes, bool(ws.get("close_on_sensor_clear", True))), source)


def load_config(path: Path | None = None) -> CollabConfig:
    env = os.environ.get(ENV_FILE)
    path = path or (Path(env).expanduser() if env else resource_path("collab", "collab.yaml"))
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取协同办公配置 {path}：{exc}", f"cannot read collaboration config {path}: {exc}") from exc
    return parse_config(data, str(path))


@lru_cache(maxsize=1)
def default_config() -> CollabConfig:
    return load_config()
