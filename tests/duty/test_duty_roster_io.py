"""Roster files: export → import round trip, bad rows reject the whole file (or only themselves with valid_only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from console.duty.roster import RosterService
from console.duty.roster_io import export_roster, import_roster, next_monday
from console.duty.tabular import ImportRejected
from console.services.context import ServiceContext
from console.storage.models import EventRow
from tests.duty.conftest import LEADER

MON = date(2026, 11, 30)


def _events(ctx: ServiceContext) -> int:
    with ctx.db.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(EventRow)) or 0)


def test_round_trip_xlsx(duty_ctx: ServiceContext, tmp_path: Path) -> None:
    svc = RosterService(duty_ctx)
    svc.generate("SQ005", MON, 7, "day_night", LEADER)
    path = tmp_path / "roster.xlsx"
    assert export_roster(svc, path, MON, 7, "SQ005") == 28
    ws = load_workbook(path).worksheets[0]
    assert [c.value for c in ws[1]] == ["squad_id", "officer_id", "name", "day", "shift_code", "duty_grids"]
    ws.cell(row=2, column=5, value="L")  # OF1 on Monday takes leave
    ws.parent.save(path)
    before = _events(duty_ctx)
    report = import_roster(svc, path, LEADER)
    assert report.errors == [] and report.written == 28 and report.events == 1
    assert _events(duty_ctx) == before + 1
    monday = {e.officer_id: e.shift_code for e in svc.entries(MON, 1, squad_id="SQ005")}
    assert monday["OF1"] == "L"


def test_bad_rows_reject_everything(duty_ctx: ServiceContext, tmp_path: Path) -> None:
    svc = RosterService(duty_ctx)
    path = tmp_path / "roster.csv"
    path.write_text("officer_id,day,shift_code,duty_grids\n"
                    "OF1,2026-11-30,D,\n"
                    "OF404,2026-11-30,D,\n"
                    "OF2,2026-13-01,D,\n"
                    "OF3,2026-11-30,Q,\n"
                    "OF1,2026-11-30,N,\n"
                    "OF4,2026-11-30,D,nope\n", encoding="utf-8")
    before = _events(duty_ctx)
    with pytest.raises(ImportRejected) as info:
        import_roster(svc, path, LEADER)
    got = [(e.row, e.column) for e in info.value.report.errors]
    assert got == [(3, "officer_id"), (4, "day"), (5, "shift_code"), (6, "day"), (7, "duty_grids")]
    assert all(e.message_zh and e.message_en for e in info.value.report.errors)
    assert _events(duty_ctx) == before
    report = import_roster(svc, path, LEADER, valid_only=True)
    assert report.written == 1 and len(report.errors) == 5
    assert [e.officer_id for e in svc.entries(MON, 1)] == ["OF1"]


def test_missing_column_and_wrong_file(duty_ctx: ServiceContext, tmp_path: Path) -> None:
    svc = RosterService(duty_ctx)
    path = tmp_path / "r.csv"
    path.write_text("officer,day\nOF1,2026-11-30\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_roster(svc, path, LEADER)
    assert {e.column for e in info.value.report.errors} == {"officer_id", "shift_code"}
    junk = tmp_path / "r.xlsx"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(Exception) as exc:
        import_roster(svc, junk, LEADER)
    assert "无法读取" in str(exc.value)
    assert next_monday(date(2026, 12, 2)) == date(2026, 12, 7) and next_monday(MON) == date(2026, 12, 7)
