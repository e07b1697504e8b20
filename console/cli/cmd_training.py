"""``urbanops drill …`` (training drills in a sandbox) and ``urbanops training …`` (courses, sessions, records).

drill start    restore a recorded world at a moment into a sandbox and plan the cases to inject (--run: play it
               headless to the end; --open: open the console on the sandbox with the drill clock and banner)
drill run      play a prepared drill headless (field simulation + injections) to its end or --until
drill score    score the drill per trainee: JSON, HTML or PDF (--record-to URL keeps the scores as training records)
drill check    validate a scenario file (errors name field and line, zh + en)
training course add|list, training session add|attend, training record OFFICER
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table
from console.errors import ValidationError


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def register(sub: Any) -> None:
    drill = sub.add_parser("drill", help="training drills: sandbox at a moment, injected cases, scoring")
    actions = drill.add_subparsers(dest="drill_command", metavar="ACTION")

    p = actions.add_parser("start", help="restore a recorded world at a moment into a sandbox and plan the drill")
    p.add_argument("--from-db", required=True, metavar="URL|FILE",
                   help="the recorded database or a replay file (.urbanops-replay), opened read-only")
    p.add_argument("--at", metavar="HH:MM|ISO", help="drill start, local time (Asia/Shanghai; default: the scenario's)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="day of --at (default: yesterday)")
    p.add_argument("--speed", type=float, default=10.0, help="sim seconds per real second (default 10)")
    p.add_argument("--duration-min", type=int, default=60, help="drill length in minutes (scenario: its own)")
    p.add_argument("--scenario", type=Path, metavar="FILE", help="scripted incidents (YAML/JSON, docs/training.md)")
    p.add_argument("--sandbox", required=True, type=Path, metavar="FILE", help="SQLite file to create")
    p.add_argument("--overwrite", action="store_true", help="replace an existing sandbox file")
    p.add_argument("--run", action="store_true", help="play the drill headless to its end after preparing it")
    p.add_argument("--open", action="store_true", help="open the console on the sandbox (drill clock and banner)")
    p.add_argument("--trainee", help="the trainee's user name at this seat (default: $URBANOPS_TRAINEE, login name)")
    p.set_defaults(handler=drill_start)

    p = actions.add_parser("run", help="play a prepared drill headless (field simulation + injections)")
    p.add_argument("sandbox", type=Path)
    p.add_argument("--until", metavar="HH:MM|ISO", help="stop at this local time (default: the drill's end)")
    p.add_argument("--tick", type=float, default=10.0, help="sim seconds per step (default 10)")
    p.add_argument("--no-field", action="store_true", help="no officer simulation, only injections")
    p.set_defaults(handler=drill_run)

    p = actions.add_parser("score", help="score the drill per trainee (report JSON/HTML/PDF by --out suffix)")
    p.add_argument("sandbox", type=Path)
    p.add_argument("--out", type=Path, metavar="FILE", help="report.json | report.html | report.pdf")
    p.add_argument("--trainee", help="only this trainee's part of the report")
    p.add_argument("--record-to", metavar="URL", help="also keep the scores in this database's training records")
    p.set_defaults(handler=drill_score)

    p = actions.add_parser("check", help="validate a drill scenario file")
    p.add_argument("scenario", type=Path)
    p.set_defaults(handler=drill_check)

    training = sub.add_parser("training", help="training records: courses, sessions, attendance, drill scores")
    tr = training.add_subparsers(dest="training_command", metavar="ACTION")
    course = tr.add_parser("course", help="courses").add_subparsers(dest="course_command", metavar="ACTION")
    p = course.add_parser("add", help="add or update a course")
    _add_db(p)
    p.add_argument("course_id")
    p.add_argument("--title", required=True)
    p.add_argument("--hours", type=float)
    p.add_argument("--as", dest="actor", default="trainer:trainer", metavar="ROLE:USER")
    p.set_defaults(handler=course_add)
    p = course.add_parser("list", help="list courses")
    _add_db(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=course_list)
    session = tr.add_parser("session", help="sessions and attendance").add_subparsers(dest="session_command",
                                                                                   metavar="ACTION")
    p = session.add_parser("add", help="add or update a session of a course")
    _add_db(p)
    p.add_argument("session_id")
    p.add_argument("--course", required=True)
    p.add_argument("--at", required=True, metavar="ISO|YYYY-MM-DDTHH:MM", help="start (local time unless zoned)")
    p.add_argument("--location")
    p.add_argument("--trainer")
    p.add_argument("--as", dest="actor", default="trainer:trainer", metavar="ROLE:USER")
    p.set_defaults(handler=session_add)
    p = session.add_parser("attend", help="record an officer's attendance")
    _add_db(p)
    p.add_argument("session_id")
    p.add_argument("officer_id")
    p.add_argument("--status", default="present", choices=["present", "late", "absent", "excused"])
    p.add_argument("--as", dest="actor", default="trainer:trainer", metavar="ROLE:USER")
    p.set_defaults(handler=session_attend)
    p = tr.add_parser("record", help="an officer's training record (sessions, hours, drill scores)")
    _add_db(p)
    p.add_argument("officer_id")
    p.add_argument("--format", choices=["table", "json"], default="json")
    p.set_defaults(handler=training_record)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.expanduser().resolve()}"


def _sandbox_db(path: Path) -> Any:
    from console.storage.db import open_database

    if not path.is_file():
        raise ValidationError(f"沙盘文件不存在：{path}", f"sandbox file does not exist: {path}")
    return open_database(_sqlite_url(path))


def drill_start(args: argparse.Namespace) -> int:
    from console.training.drill import local_instant, prepare_drill
    from console.training.scenario import load_scenario

    scenario = load_scenario(args.scenario) if args.scenario else None
    day = date.fromisoformat(args.date) if args.date else None
    at_text = args.at
    if at_text is None:
        if scenario is None or scenario.start_local is None:
            raise ValidationError("须给出 --at（或使用带 start 的演练脚本）", "give --at (or a scenario with a start)")
        at_text = scenario.start_local.strftime("%H:%M")
    if scenario is not None and scenario.date_local is not None and day is None:
        day = scenario.date_local
    at = local_instant(at_text, day)
    if args.duration_min <= 0:
        raise ValidationError("--duration-min 须为正数", "--duration-min must be positive")
    source = args.from_db if "://" in args.from_db else _sqlite_url(Path(args.from_db))
    info = prepare_drill(source, at, _sqlite_url(args.sandbox), speed=args.speed,
                         duration=timedelta(minutes=args.duration_min), scenario=scenario, overwrite=args.overwrite,
                         progress=_progress)
    print_json(info.to_json())
    if args.run:
        return drill_run(argparse.Namespace(sandbox=args.sandbox, until=None, tick=10.0, no_field=False))
    if args.open:
        import os

        from console.cli.commands import demo

        if args.trainee:
            os.environ["URBANOPS_TRAINEE"] = args.trainee

        return demo(argparse.Namespace(db=_sqlite_url(args.sandbox), lang=None, speed=args.speed, screenshot=None,
                                       quit_after=None, theme=None))
    print(f"open it: urbanops demo --db {_sqlite_url(args.sandbox)}", file=sys.stderr)
    return 0


def drill_run(args: argparse.Namespace) -> int:
    from console.training.drill import DrillRunner, local_instant

    runner = DrillRunner(_sandbox_db(args.sandbox), simulate_field=not args.no_field)
    until = local_instant(args.until, runner.now_utc.astimezone(local_tz()).date()) if args.until else None
    if args.tick <= 0:
        raise ValidationError("--tick 须为正数", "--tick must be positive")
    runner.run(tick_sim_s=args.tick, until_utc=until)
    print_json({"drill_id": runner.drill_id, "now": runner.now_utc.isoformat(), "finished": runner.finished,
                "pending_injections": runner.injector.pending()})
    return 0


def local_tz() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def drill_score(args: argparse.Namespace) -> int:
    from console.services.context import ServiceContext
    from console.storage.db import open_database
    from console.training.report import render_html
    from console.training.scoring import record_scores, score_drill

    db = _sandbox_db(args.sandbox)
    report = score_drill(db)
    record_scores(ServiceContext(db), report)
    if args.record_to:
        record_scores(ServiceContext(open_database(args.record_to)), report)
    data = report.to_json()
    if args.trainee:
        data["trainees"] = [t for t in data["trainees"] if t["trainee"] == args.trainee]
        if not data["trainees"]:
            raise ValidationError(f"学员 {args.trainee} 未参加该演练", f"trainee {args.trainee} has no dispatch in this drill")
    out: Path | None = args.out
    if out is not None:
        suffix = out.suffix.lower()
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".json":
            out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        elif suffix in (".html", ".htm"):
            out.write_text(render_html(report, args.trainee), encoding="utf-8")
        elif suffix == ".pdf":
            from widgets.drill_report_pdf import write_pdf

            write_pdf(render_html(report, args.trainee), out)
        else:
            raise ValidationError("--out 须为 .json、.html 或 .pdf 文件", "--out must end in .json, .html or .pdf")
    print_json({"drill_id": data["drill_id"], "trainees": [{k: t[k] for k in ("trainee", "score", "cases", "sla_met")}
                                                           for t in data["trainees"]],
                "missed": len(data["missed"]), "out": str(out) if out else None})
    return 0


def drill_check(args: argparse.Namespace) -> int:
    from console.training.scenario import load_scenario

    sc = load_scenario(args.scenario)
    print_json({"name": sc.name, "incidents": len(sc.incidents), "duration_min": sc.duration_min,
                "start": sc.start_local.isoformat() if sc.start_local else None, "ok": True})
    return 0


def _records(args: argparse.Namespace) -> Any:
    from console.services.context import ServiceContext
    from console.storage.db import open_database
    from console.training.records import TrainingRecords

    return TrainingRecords(ServiceContext(open_database(args.db)))


def _actor(records: Any, text: str) -> Any:
    """``--as``, resolved against the accounts and checked for ``manage_training`` (console.cli.acting)."""
    from console.cli.acting import acting_as

    return acting_as(records.ctx.db, text, "manage_training")


def course_add(args: argparse.Namespace) -> int:
    records = _records(args)
    print_json(records.add_course(args.course_id, args.title, _actor(records, args.actor), hours=args.hours))
    return 0


def course_list(args: argparse.Namespace) -> int:
    rows = _records(args).courses()
    if args.format == "json":
        print_json(rows)
    else:
        print_table([[r["id"], r["title"], r.get("hours") or "", "是" if r.get("active") else "否"] for r in rows],
                    ["id", "title", "hours", "active"])
    return 0


def session_add(args: argparse.Namespace) -> int:
    from console.training.drill import local_instant

    starts = local_instant(args.at if "T" in args.at else args.at.replace(" ", "T"))
    records = _records(args)
    print_json(records.add_session(args.session_id, args.course, starts, _actor(records, args.actor),
                                   location=args.location, trainer=args.trainer))
    return 0


def session_attend(args: argparse.Namespace) -> int:
    records = _records(args)
    print_json(records.attend(args.session_id, args.officer_id, _actor(records, args.actor), args.status))
    return 0


def training_record(args: argparse.Namespace) -> int:
    rec = _records(args).record(args.officer_id)
    if args.format == "json":
        print_json(rec)
        return 0
    print(f"{rec['officer_id']} {rec.get('name') or ''}  学时 hours: {rec['hours_attended']}")
    print_table([[x["starts_utc"], x["course"], x["status_zh"], x["hours"] or ""] for x in rec["sessions"]],
                ["start (UTC)", "course", "attendance", "hours"])
    print_table([[d["drill_id"], d["score"], d["cases"], d["sla_met"]] for d in rec["drills"]],
                ["drill", "score", "cases", "sla_met"])
    return 0

