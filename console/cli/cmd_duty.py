"""``urbanops roster | coverage | personnel``: duty rosters (排班), patrol coverage (巡查覆盖) and personnel (人员管理).

Writes go through the one write path as events; ``--as ROLE:USER`` names who acts (defaults: 值班长 ``cli`` for rosters,
系统管理员 ``cli`` for personnel). Import files are .csv or .xlsx; a bad row rejects the whole file unless
``--valid-only`` (the report lists row, column and a Chinese and English message either way).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table
from console.errors import ValidationError


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"日期应为 YYYY-MM-DD，收到“{text}”", f"date must be YYYY-MM-DD, got {text!r}") from None


def register(sub: Any) -> None:
    roster = sub.add_parser("roster", help="duty rosters (排班): generate from a pattern, import, export, show")
    actions = roster.add_subparsers(dest="roster_command", metavar="ACTION")

    p = actions.add_parser("generate", help="roster a squad for a date range from a shift pattern")
    _add_db(p)
    p.add_argument("--squad", required=True, metavar="SQUAD_ID")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first local day")
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--pattern", required=True, help="pattern id from resources/duty/patterns.yaml (see roster patterns)")
    p.add_argument("--no-grids", action="store_true", help="do not share the squad's duty grids among the shift")
    p.add_argument("--as", dest="actor", default="shift_leader:cli", metavar="ROLE:USER")
    p.set_defaults(handler=roster_generate)

    p = actions.add_parser("export", help="write the roster to a .csv or .xlsx file (one row per officer-day)")
    _add_db(p)
    p.add_argument("file", type=Path)
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--squad", metavar="SQUAD_ID", help="only this squad")
    p.set_defaults(handler=roster_export)

    p = actions.add_parser("import", help="set officer-days from a .csv or .xlsx file")
    _add_db(p)
    p.add_argument("file", type=Path)
    p.add_argument("--valid-only", action="store_true", help="write the good rows even if some rows are bad")
    p.add_argument("--as", dest="actor", default="shift_leader:cli", metavar="ROLE:USER")
    p.set_defaults(handler=roster_import)

    p = actions.add_parser("show", help="the roster of a squad as a week grid (officers × days)")
    _add_db(p)
    p.add_argument("--squad", required=True, metavar="SQUAD_ID")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=roster_show)

    p = actions.add_parser("tick", help="officers follow the roster (status events at shift boundaries) and duty grids "
                                        "left unvisited raise alerts; once, or every S seconds")
    _add_db(p)
    p.add_argument("--every", type=float, metavar="S", help="repeat every S seconds until interrupted")
    p.set_defaults(handler=roster_tick)

    p = actions.add_parser("patterns", help="the shift codes and patterns in force")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=roster_patterns)

    p = sub.add_parser("coverage", help="patrol coverage (巡查覆盖率) per duty grid and officer for one local day")
    _add_db(p)
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="local (Asia/Shanghai) day")
    p.add_argument("--squad", metavar="SQUAD_ID", help="only this squad's rostered officers")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=coverage)

    people = sub.add_parser("personnel", help="personnel (人员管理): import, export, list, deactivate")
    pa = people.add_subparsers(dest="personnel_command", metavar="ACTION")
    p = pa.add_parser("import", help="create or update people from a .csv or .xlsx file")
    _add_db(p)
    p.add_argument("file", type=Path)
    p.add_argument("--valid-only", action="store_true", help="write the good rows even if some rows are bad")
    p.add_argument("--as", dest="actor", default="admin:cli", metavar="ROLE:USER")
    p.set_defaults(handler=personnel_import)
    p = pa.add_parser("export", help="write people to a .csv or .xlsx file (contact masked by role)")
    _add_db(p)
    p.add_argument("file", type=Path)
    p.add_argument("--as", dest="actor", default="admin:cli", metavar="ROLE:USER")
    p.set_defaults(handler=personnel_export)
    p = pa.add_parser("list", help="people (contact masked unless --unmask and the role may read personal data)")
    _add_db(p)
    p.add_argument("--squad", metavar="SQUAD_ID")
    p.add_argument("--all", action="store_true", help="include deactivated people")
    p.add_argument("--unmask", action="store_true", help="show the phone in full (audited; needs read_pii)")
    p.add_argument("--as", dest="actor", default="dispatcher:cli", metavar="ROLE:USER")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=personnel_list)
    p = pa.add_parser("deactivate", help="deactivate a person (history is kept; never deleted)")
    _add_db(p)
    p.add_argument("officer_id")
    p.add_argument("--reason", required=True)
    p.add_argument("--as", dest="actor", default="admin:cli", metavar="ROLE:USER")
    p.set_defaults(handler=personnel_deactivate)

    for extra in _EXTRA_REGISTRARS:
        extra(sub)


def _service(db_url: str | None) -> Any:
    from console.duty.roster import RosterService
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    return RosterService(ServiceContext(open_database(db_url)))


def _actor(svc: Any, text: str, *operations: str) -> Any:
    """``--as``, resolved against the accounts and checked for ``operations`` (console.cli.acting)."""
    from console.cli.acting import acting_as

    return acting_as(svc.ctx.db, text, *operations)


def roster_generate(args: argparse.Namespace) -> int:
    svc = _service(args.db)
    result = svc.generate(args.squad, _day(args.start), args.days, args.pattern,
                          _actor(svc, args.actor, "manage_roster"), with_grids=not args.no_grids)
    print_json(result)
    return 0


def roster_export(args: argparse.Namespace) -> int:
    from console.duty.roster_io import export_roster

    if args.days < 1:
        raise ValidationError("天数须为正数", "--days must be positive")
    n = export_roster(_service(args.db), args.file, _day(args.start), args.days, args.squad)
    print_json({"file": str(args.file), "rows": n})
    return 0


def roster_import(args: argparse.Namespace) -> int:
    from console.duty.roster_io import import_roster
    from console.duty.tabular import ImportRejected

    svc = _service(args.db)
    actor = _actor(svc, args.actor, "manage_roster")
    try:
        report = import_roster(svc, args.file, actor, valid_only=args.valid_only)
    except ImportRejected as exc:
        print_json(exc.report.to_json())
        raise
    print_json(report.to_json())
    return 1 if report.errors else 0


def roster_show(args: argparse.Namespace) -> int:
    from datetime import timedelta

    svc = _service(args.db)
    start = _day(args.start)
    entries = svc.entries(start, args.days, squad_id=args.squad)
    if args.format == "json":
        print_json([e.to_json() for e in entries])
        return 0
    days = [start + timedelta(days=d) for d in range(args.days)]
    grid: dict[str, dict[date, str]] = {}
    for e in entries:
        grid.setdefault(e.officer_id, {})[e.day] = e.shift_code
    print_table([[oid, *(cells.get(d, "") for d in days)] for oid, cells in sorted(grid.items())],
                ["队员/officer", *(d.strftime("%m-%d %a") for d in days)])
    return 0


def roster_tick(args: argparse.Namespace) -> int:
    import time

    from console.duty.alerts import check_unvisited
    from console.duty.coverage import GridCells, default_config
    from console.duty.roster import apply_roster_status
    from console.services.writer import CaseWriter

    if args.every is not None and args.every <= 0:
        raise ValidationError("间隔须为正数", "--every must be positive")
    svc = _service(args.db)
    cells = GridCells.from_geography(svc.ctx, default_config().cell_m)
    started = svc.ctx.clock.now_utc()
    observed_since = None if args.every is None else started  # a one-off tick trusts the stored position history
    while True:
        now = svc.ctx.clock.now_utc()
        with svc.ctx.db.session() as s:
            w = CaseWriter(s, svc.ctx)
            status = apply_roster_status(w, svc, now)
            alerts = check_unvisited(w, now, cells, roster=svc, observed_since=observed_since)
            w.flush()
        print_json({"now_utc": now.isoformat(), "status": [{"officer_id": o, "status": st} for o, st in status],
                    "alerts": [{"grid": g, "status": st} for g, st in alerts]})
        if args.every is None:
            return 0
        try:
            time.sleep(args.every)
        except KeyboardInterrupt:
            return 0


def roster_patterns(args: argparse.Namespace) -> int:
    from console.duty.patterns import default_rules

    rules = default_rules()
    if args.format == "json":
        print_json({"shifts": {c: {"name_zh": s.name_zh, "name_en": s.name_en, "rest": s.rest,
                                   "start": None if s.start is None else s.start.strftime("%H:%M"),
                                   "end": None if s.end is None else s.end.strftime("%H:%M")}
                               for c, s in rules.shifts.items()},
                    "patterns": {p.id: {"name_zh": p.name_zh, "name_en": p.name_en, "cycle": list(p.cycle),
                                        "teams": p.teams, "team_offset_days": p.team_offset_days}
                                 for p in rules.patterns.values()}})
        return 0
    print_table([[p.id, p.name_zh, " ".join(p.cycle), p.teams] for p in rules.patterns.values()],
                ["模式/pattern", "名称/name", "周期/cycle", "班组/teams"])
    return 0


def coverage(args: argparse.Namespace) -> int:
    from console.duty.coverage import coverage_report

    svc = _service(args.db)
    report = coverage_report(svc.ctx, _day(args.date), squad_id=args.squad)
    if args.format == "json":
        print_json(report)
        return 0
    print_table([[o["officer_id"], o["shift_code"] or "—", o["fixes"], len(o["assigned_grids"]),
                  "—" if o["assigned_share"] is None else f"{o['assigned_share']:.0%}",
                  sum(1 for v in o["grids"].values() if v > 0)] for o in report["officers"]],
                ["队员/officer", "班次/shift", "定位点/fixes", "责任网格/assigned", "覆盖率/covered", "到访网格/visited"])
    visited = [g for g in report["grids"] if g["share"] > 0]
    print(f"\n{len(visited)}/{len(report['grids'])} duty grids visited; "
          f"mean share {sum(g['share'] for g in report['grids']) / max(1, len(report['grids'])):.1%}")
    return 0


def _personnel(db_url: str | None) -> Any:
    from console.duty.personnel import PersonnelService

    return PersonnelService(_service(db_url).ctx)


def personnel_import(args: argparse.Namespace) -> int:
    from console.duty.tabular import ImportRejected

    svc = _personnel(args.db)
    actor = _actor(svc, args.actor, "manage_reference")
    try:
        report = svc.import_file(args.file, actor, valid_only=args.valid_only)
    except ImportRejected as exc:
        print_json(exc.report.to_json())
        raise
    print_json(report.to_json())
    return 1 if report.errors else 0


def personnel_export(args: argparse.Namespace) -> int:
    svc = _personnel(args.db)
    n = svc.export_file(args.file, _actor(svc, args.actor, "export"))
    print_json({"file": str(args.file), "rows": n})
    return 0


def personnel_list(args: argparse.Namespace) -> int:
    svc = _personnel(args.db)
    people = svc.people(_actor(svc, args.actor), squad_id=args.squad, include_inactive=args.all, unmask=args.unmask,
                        purpose="cli")
    if args.format == "json":
        print_json(people)
        return 0
    print_table([[p["id"], p["name"], p["post"], p["squad_id"], p["rank"], p["cert_no"], p["cert_expiry"],
                  ";".join(p["device_ids"] or []), p["phone"], "在职" if p["active"] else "停用"] for p in people],
                ["编号/id", "姓名/name", "岗位/post", "中队/squad", "职级/rank", "执法证/cert", "有效期/expiry",
                 "终端/devices", "电话/phone", "状态/active"])
    return 0


def personnel_deactivate(args: argparse.Namespace) -> int:
    svc = _personnel(args.db)
    svc.deactivate(args.officer_id, _actor(svc, args.actor, "manage_reference"), args.reason)
    print_json({"officer_id": args.officer_id, "active": False})
    return 0


_EXTRA_REGISTRARS: list[Any] = []
