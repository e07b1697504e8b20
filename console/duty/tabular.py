"""CSV/XLSX tables for the personnel and roster importers: read rows with their row numbers, write rows, and the
row-level error report (row, column, Chinese and English message).

Import policy (documented in docs/duty.md): by default nothing is written if any row is bad (``ImportRejected`` carries
every row error); ``valid_only=True`` writes the good rows and returns the bad ones in the report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import ValidationError

MAX_ROWS = 100_000


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: ``row`` is the 1-based line in the file (the header is row 1)."""

    row: int
    column: str
    message_zh: str
    message_en: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message_zh": self.message_zh, "message_en": self.message_en}


@dataclass
class ImportReport:
    """What an import did: rows read, rows written (0 when rejected), events appended, the row errors."""

    rows: int = 0
    written: int = 0
    events: int = 0
    errors: list[RowError] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "written": self.written, "events": self.events,
                "errors": [e.to_json() for e in self.errors]}


class ImportRejected(ValidationError):
    """The file had bad rows and the import was all-or-nothing: nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        first = report.errors[0] if report.errors else None
        where = f"（第 {first.row} 行“{first.column}”：{first.message_zh}）" if first else ""
        where_en = f" (row {first.row}, {first.column}: {first.message_en})" if first else ""
        super().__init__(f"导入文件有 {len(report.errors)} 处错误，未写入任何数据{where}",
                         f"the file has {len(report.errors)} error(s); nothing was written{where_en}")
        self.report = report


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        text = str(value.isoformat())
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value).strip()


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (row number, {column: text}) rows of a .csv (UTF-8, BOM tolerated) or .xlsx file (first sheet)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook  # type: ignore[import-untyped]

            wb = load_workbook(path, read_only=True, data_only=True)
            ws = wb.worksheets[0]
            raw_rows: Iterable[Sequence[Any]] = ws.iter_rows(values_only=True)
        elif suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            raw_rows = csv.reader(io.StringIO(text))
        else:
            raise ValidationError(f"只支持 .csv 或 .xlsx 文件：{path.name}", f"only .csv or .xlsx files: {path.name}")
        it = iter(raw_rows)
        header_raw = next(it, None)
        if header_raw is None:
            raise ValidationError(f"文件为空：{path.name}", f"the file is empty: {path.name}")
        header = [_cell(h) for h in header_raw]
        rows: list[tuple[int, dict[str, str]]] = []
        for n, raw in enumerate(it, start=2):
            cells = [_cell(v) for v in raw]
            if not any(cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(f"行数超过上限 {MAX_ROWS}", f"more than {MAX_ROWS} rows")
            rows.append((n, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}))
        return header, rows
    except ValidationError:
        raise
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError, IndexError) as exc:
        raise ValidationError(f"无法读取 {path.name}：{exc}", f"cannot read {path.name}: {exc}") from exc
    except Exception as exc:  # openpyxl raises zipfile/XML errors of many kinds on a corrupt workbook
        raise ValidationError(f"无法读取 {path.name}（文件损坏或格式不符）：{type(exc).__name__}",
                              f"cannot read {path.name} (corrupt or not a workbook): {type(exc).__name__}") from exc


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a .csv (UTF-8 with BOM so spreadsheet programs show Chinese) or .xlsx file; returns the row count."""
    suffix = path.suffix.lower()
    data = [["" if v is None else v for v in r] for r in rows]
    if suffix == ".xlsx":
        from openpyxl import Workbook  # type: ignore[import-untyped]

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(list(header))
        for r in data:
            ws.append(r)
        wb.save(path)
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(list(header))
            writer.writerows(data)
    else:
        raise ValidationError(f"只支持 .csv 或 .xlsx 文件：{path.name}", f"only .csv or .xlsx files: {path.name}")
    return len(data)


def missing_columns(header: Sequence[str], required: Sequence[str]) -> list[RowError]:
    return [RowError(1, c, f"缺少列“{c}”", f"missing column {c!r}") for c in required if c not in header]
