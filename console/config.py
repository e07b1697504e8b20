"""Where rule data comes from: bundled files by default, the bureau's own files through environment variables.

URBANOPS_TAXONOMY_DIR (categories.csv + sla_rules.csv), URBANOPS_CALENDAR_FILE (working calendar YAML),
URBANOPS_SLA_STEPS_FILE (per-step limits YAML), URBANOPS_WORKFLOW_FILE (closed-loop table YAML).
"""

from __future__ import annotations

import os
from pathlib import Path


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def taxonomy_dir() -> Path | None:
    return _env_path("URBANOPS_TAXONOMY_DIR")


def calendar_file() -> Path | None:
    return _env_path("URBANOPS_CALENDAR_FILE")


def sla_steps_file() -> Path | None:
    return _env_path("URBANOPS_SLA_STEPS_FILE")


def workflow_file() -> Path | None:
    return _env_path("URBANOPS_WORKFLOW_FILE")
