"""Plain-text tables (CJK-width aware) and stable JSON for the CLI."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def print_table(rows: Sequence[Sequence[Any]], headers: Sequence[str], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], display_width(v))
    out.write("  ".join(pad(h, widths[i]) for i, h in enumerate(headers)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(pad(v, widths[i]) for i, v in enumerate(row)).rstrip() + "\n")


def print_json(value: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n")
