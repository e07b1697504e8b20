"""Where rule data comes from: bundled files by default, the bureau's own files through environment variables.

URBANOPS_TAXONOMY_DIR (categories.csv + sla_rules.csv), URBANOPS_CALENDAR_FILE (working calendar YAML),
URBANOPS_SLA_STEPS_FILE (per-step limits YAML), URBANOPS_WORKFLOW_FILE (closed-loop table YAML).
URBANOPS_EVIDENCE_DIR: where evidence files (snapshots, clips, registry records) are stored content-addressed
(default: the user data directory's ``evidence`` folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


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


def evidence_dir() -> Path:
    """Root of the content-addressed evidence store (证据库)."""
    return _env_path("URBANOPS_EVIDENCE_DIR") or Path(platformdirs.user_data_dir("urbanops", appauthor=False)) / "evidence"
