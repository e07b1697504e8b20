"""Roster files (排班表导入导出): one row per officer-day — squad_id, officer_id, name, day, shift_code, duty_grids
(grid codes separated by ``;``). Import checks every row first and reports row, column and a zh + en message."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from console.duty.roster import ENTITY, RosterService, entry_fields, entry_id
from console.duty.tabular import ImportRejected, ImportReport, RowError, missing_columns, read_table, write_table
from console.security.permissions import check
from console.services.actor import Actor
from console.services.writer import CaseWriter
from console.storage.models import OfficerRow

COLUMNS = ("squad_id", "officer_id", "name", "day", "shift_code", "duty_grids")
REQUIRED = ("officer_id", "day", "shift_code")


def export_roster(svc: RosterService, path: Path, start: date, days: int, squad_id: str | None = None) -> int:
    """Write the roster of [start, start + days) (one squad or all) to .csv/.xlsx; returns the row count."""
    entries = svc.entries(start, days, squad_id=squad_id)
    with svc.ctx.db.read_session() as s:
        names = {str(i): str(n) for i, n in s.execute(select(OfficerRow.id, OfficerRow.name))}
    rows = [(e.squad_id, e.officer_id, names.get(e.officer_id, ""), e.day.isoformat(), e.shift_code,
             ";".join(e.duty_grids)) for e in entries]
    return write_table(path, COLUMNS, rows)


def import_roster(svc: RosterService, path: Path, actor: Actor, *, valid_only: bool = False) -> ImportReport:
    """Set the officer-days of a roster file; all-or-nothing unless ``valid_only``."""
    check(actor, "manage_roster")
    header, rows = read_table(path)
    report = ImportReport(rows=len(rows), errors=missing_columns(header, REQUIRED))
    if report.errors:
        raise ImportRejected(report)
    frame = svc.ctx.geo.geography.duty_grids
    known_grids = set(str(c) for c in frame["code"]) if frame is not None else set()
    with svc.ctx.db.read_session() as s:
        officers = {str(i): (sq, bool(a)) for i, sq, a in s.execute(
            select(OfficerRow.id, OfficerRow.squad_id, OfficerRow.active))}
    good: list[tuple[str, str | None, date, str, list[str]]] = []
    seen: dict[tuple[str, date], int] = {}
    for n, row in rows:
        errs: list[RowError] = []
        oid = row.get("officer_id", "")
        if oid not in officers:
            errs.append(RowError(n, "officer_id", f"队员“{oid}”不存在", f"officer {oid!r} does not exist"))
        elif not officers[oid][1]:
            errs.append(RowError(n, "officer_id", f"队员“{oid}”已停用", f"officer {oid!r} is deactivated"))
        day: date | None = None
        try:
            day = date.fromisoformat(row.get("day", ""))
        except ValueError:
            errs.append(RowError(n, "day", f"日期应为 YYYY-MM-DD，收到“{row.get('day', '')}”",
                                 f"day must be YYYY-MM-DD, got {row.get('day', '')!r}"))
        code = row.get("shift_code", "")
        if code not in svc.rules.shifts:
            errs.append(RowError(n, "shift_code", f"未知班次代码“{code}”", f"unknown shift code {code!r}"))
        grids = [g.strip() for g in row.get("duty_grids", "").replace("，", ";").replace(",", ";").split(";") if g.strip()]
        bad = [g for g in grids if g not in known_grids]
        if bad:
            errs.append(RowError(n, "duty_grids", f"未知责任网格：{'、'.join(bad[:3])}", f"unknown duty grids: {', '.join(bad[:3])}"))
        if day is not None and oid:
            if (oid, day) in seen:
                errs.append(RowError(n, "day", f"与第 {seen[(oid, day)]} 行重复（同一队员同一天）",
                                     f"duplicates row {seen[(oid, day)]} (same officer and day)"))
            else:
                seen[(oid, day)] = n
        if errs:
            report.errors.extend(errs)
        else:
            assert day is not None
            squad = row.get("squad_id") or officers[oid][0]
            good.append((oid, squad, day, code, grids))
    if report.errors and not valid_only:
        raise ImportRejected(report)
    with svc.ctx.db.session() as s:
        w = CaseWriter(s, svc.ctx)
        for oid, squad, day, code, grids in good:
            w.upsert_entity(ENTITY, entry_id(oid, day), entry_fields(svc.rules, oid, squad, day, code, grids), actor,
                            action="roster_import", reason=path.name)
        report.events = len(w.flush())
    report.written = len(good)
    return report


def next_monday(today: date) -> date:
    """The Monday after ``today`` (next week's roster starts there)."""
    return today + timedelta(days=7 - today.weekday())
