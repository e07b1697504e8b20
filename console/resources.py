"""Locate bundled data files under ``resources/`` (works from a checkout, a wheel or a frozen bundle)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The directory that holds bundled data (taxonomy, calendar, geodata, fonts, translations)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of one bundled file, e.g. ``resource_path("taxonomy", "categories.csv")``."""
    return resources_dir().joinpath(*parts)
