"""Fuzz the personnel and roster importers: any CSV text either imports or is refused with row errors; nothing else
escapes and a refused file writes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from console.duty.personnel import COLUMNS, PersonnelService
from console.duty.roster import RosterService
from console.duty.roster_io import import_roster
from console.duty.tabular import ImportRejected
from console.errors import DomainError
from console.services.context import ServiceContext
from console.storage.models import EventRow
from tests.duty.conftest import ADMIN, LEADER

CELL = st.one_of(st.sampled_from(["", "OF1", "OF9", "SQ001", "SQ005", "队员", "inspector", "2026-11-30", "D", "R",
                                  "2027-01-01", "是", "否", "13812345678", "dev-x;dev-y", "310105001000"]),
                 st.text(max_size=12))
ROW = st.lists(CELL, min_size=0, max_size=len(COLUMNS) + 2)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def _events(ctx: ServiceContext) -> int:
    with ctx.db.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(EventRow)) or 0)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, max_size=6), valid_only=st.booleans(), which=st.sampled_from(["personnel", "roster"]),
       raw=st.none() | st.binary(max_size=64))
def test_importers_never_crash(duty_ctx: ServiceContext, tmp_path: Path, rows: list[list[str]], valid_only: bool,
                               which: str, raw: bytes | None) -> None:
    path = tmp_path / "fuzz.csv"
    if raw is not None:
        path.write_bytes(raw)
    elif which == "personnel":
        path.write_text(_csv(list(COLUMNS), rows), encoding="utf-8")
    else:
        path.write_text(_csv(["officer_id", "day", "shift_code", "duty_grids"], rows), encoding="utf-8")
    before = _events(duty_ctx)
    try:
        if which == "personnel":
            report = PersonnelService(duty_ctx).import_file(path, ADMIN, valid_only=valid_only)
        else:
            report = import_roster(RosterService(duty_ctx), path, LEADER, valid_only=valid_only)
    except ImportRejected as exc:
        assert exc.report.errors and _events(duty_ctx) == before
        assert all(e.row >= 1 and e.column and e.message_zh and e.message_en for e in exc.report.errors)
        return
    except DomainError as exc:  # unreadable file, a device already taken...: refused with a message, nothing written
        assert exc.message_zh and exc.message_en and _events(duty_ctx) == before
        return
    assert valid_only or not report.errors
    assert report.written + len({e.row for e in report.errors}) <= max(report.rows, 0) + 1
