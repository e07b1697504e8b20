"""``urbanops handover | note | notes | inbox | handoff | notice | workroom | workstation`` (协同办公, docs/collaboration.md).

``handover --out FILE.pdf`` draws the PDF with Qt (widgets/collab/handover_pdf.py), imported only then.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from console.cli.output import print_json, print_table

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def _add_fmt(p: argparse.ArgumentParser, default: str = "table") -> None:
    p.add_argument("--format", choices=["table", "json"], default=default)


def _ctx(db_url: str | None) -> Any:
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    return ServiceContext(open_database(db_url))


def _actor(db: Any, text: str) -> Any:
    """``--as``, resolved against the accounts (console.cli.acting); the collaboration service then checks the
    operation against its configurable role table (``console.collab.permissions``)."""
    from console.cli.acting import acting_as

    return acting_as(db, text)


def register(sub: Any) -> None:
    p = sub.add_parser("handover", help="shift handover digest (交接班): open, will breach, escalated, hung")
    _add_db(p)
    p.add_argument("--shift", metavar="START", help="start of the incoming shift, local time (2026-11-23T20:00); "
                                                    "default: the next shift")
    p.add_argument("--out", type=Path, metavar="FILE.pdf", help="write the digest as PDF")
    _add_fmt(p)
    p.set_defaults(handler=cmd_handover)

    p = sub.add_parser("note", help="add a note to a case (@mentions, attachments)")
    _add_db(p)
    p.add_argument("case_id")
    p.add_argument("--text", required=True)
    p.add_argument("--attach", action="append", type=Path, default=[], metavar="FILE")
    p.add_argument("--reply-to", metavar="NOTE_ID")
    p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER")
    _add_fmt(p, "json")
    p.set_defaults(handler=cmd_note)
    p = sub.add_parser("notes", help="notes and comments of a case")
    _add_db(p)
    p.add_argument("case_id")
    _add_fmt(p)
    p.set_defaults(handler=cmd_notes)
    p = sub.add_parser("inbox", help="@mentions of a user (and of the user's squad)")
    _add_db(p)
    p.add_argument("user")
    p.add_argument("--unread", action="store_true")
    _add_fmt(p)
    p.set_defaults(handler=cmd_inbox)

    h = sub.add_parser("handoff", help="hand a case to another squad/department (移交) and accept/decline").add_subparsers(
        dest="handoff_command", metavar="ACTION")
    p = h.add_parser("request", help="ask a squad/unit to take a case")
    _add_db(p)
    p.add_argument("case_id")
    p.add_argument("--to", required=True, metavar="SQUAD_OR_UNIT")
    p.add_argument("--reason", required=True)
    p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER")
    _add_fmt(p, "json")
    p.set_defaults(handler=cmd_handoff_request)
    for name, accept in (("accept", True), ("decline", False)):
        p = h.add_parser(name, help=f"{name} a pending handoff")
        _add_db(p)
        p.add_argument("handoff_id")
        p.add_argument("--reason", required=not accept)
        p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER")
        _add_fmt(p, "json")
        p.set_defaults(handler=cmd_handoff_decide, accept=accept)
    p = h.add_parser("list", help="handoffs (pending by default)")
    _add_db(p)
    p.add_argument("--all", action="store_true")
    p.add_argument("--to", metavar="SQUAD_OR_UNIT")
    _add_fmt(p)
    p.set_defaults(handler=cmd_handoff_list)

    n = sub.add_parser("notice", help="notices to all seats (全员通知)").add_subparsers(dest="notice_command", metavar="ACTION")
    p = n.add_parser("post", help="post a notice")
    _add_db(p)
    p.add_argument("title")
    p.add_argument("--body")
    p.add_argument("--level", choices=["info", "warning", "urgent"], default="info")
    p.add_argument("--hours", type=float, help="expires after this many hours")
    p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER")
    _add_fmt(p, "json")
    p.set_defaults(handler=cmd_notice_post)
    p = n.add_parser("list", help="active notices")
    _add_db(p)
    _add_fmt(p)
    p.set_defaults(handler=cmd_notice_list)
    p = n.add_parser("withdraw", help="withdraw a notice")
    _add_db(p)
    p.add_argument("notice_id")
    p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER")
    p.set_defaults(handler=cmd_notice_withdraw)

    wr = sub.add_parser("workroom", help="community workrooms (社区工作室) registry").add_subparsers(
        dest="workroom_command", metavar="ACTION")
    p = wr.add_parser("list", help="all workrooms with complaint counts")
    _add_db(p)
    p.add_argument("--subdistrict", help="subdistrict code or name")
    _add_fmt(p)
    p.set_defaults(handler=cmd_workroom_list)
    p = wr.add_parser("show", help="one workroom: registry entry, statistics, complaints")
    _add_db(p)
    p.add_argument("workroom_id")
    _add_fmt(p)
    p.set_defaults(handler=cmd_workroom_show)
    p = wr.add_parser("import", help="create/update workrooms from CSV (all rows checked before anything is written)")
    _add_db(p)
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--as", dest="actor", default="admin:import", metavar="ROLE:USER")
    p.set_defaults(handler=cmd_workroom_import)
    p = wr.add_parser("export", help="the registry as CSV (the import format)")
    _add_db(p)
    p.add_argument("--out", type=Path, metavar="FILE.csv")
    p.set_defaults(handler=cmd_workroom_export)

    ws = sub.add_parser("workstation", help="neighbourhood workstations (城运工作站): work orders from sensor alarms"
                        ).add_subparsers(dest="workstation_command", metavar="ACTION")
    p = ws.add_parser("list", help="workstations with open work orders")
    _add_db(p)
    _add_fmt(p)
    p.set_defaults(handler=cmd_ws_list)
    p = ws.add_parser("show", help="a workstation: sensors (reading, threshold), cameras, staff on duty, work orders")
    _add_db(p)
    p.add_argument("workstation_id")
    _add_fmt(p)
    p.set_defaults(handler=cmd_ws_show)
    p = ws.add_parser("escalate", help="scheduled check: open orders for alarms, close cleared, escalate overdue")
    _add_db(p)
    p.add_argument("--at", metavar="ISO_TIME", help="check as of this time (default: now)")
    _add_fmt(p, "json")
    p.set_defaults(handler=cmd_ws_escalate)
    p = ws.add_parser("close", help="close a work order locally (就地办结)")
    _add_db(p)
    p.add_argument("order_id")
    p.add_argument("--note", required=True)
    p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER")
    p.set_defaults(handler=cmd_ws_close)


# ---------------------------------------------------------------------------------------------- handover
def cmd_handover(args: argparse.Namespace) -> int:
    from console.collab.config import default_config
    from console.collab.handover import load_digest, next_shift, parse_shift_start, shift_starting_at

    ctx = _ctx(args.db)
    shifts = default_config().shifts
    now = ctx.clock.now_utc()
    window = (shift_starting_at(parse_shift_start(args.shift), shifts) if args.shift else next_shift(now, shifts))
    digest = load_digest(ctx.db, window, now)
    if args.out is not None:
        module = importlib.import_module("widgets.collab.handover_pdf")  # Qt only when a PDF is asked for
        module.write_handover_pdf(digest, args.out, ctx.taxonomy)
        print(f"wrote {args.out}", file=sys.stderr)
    if args.format == "json":
        print_json(digest.to_json())
    elif args.out is None:
        c = digest.to_json()["counts"]
        start = window.start_utc.astimezone(LOCAL_TZ)
        print(f"交接班摘要 {window.label_zh} {start:%Y-%m-%d %H:%M} · open {c['open']} · overdue {c['overdue']} · "
              f"breach next shift {c['breach_next_shift']} · escalated {c['escalated']} · hung {c['hung']} · "
              f"pending handoffs {c['pending_handoffs']}")
        rows = [["breach", i.case_id, i.status, i.subdistrict_name or "", i.deadline_utc or ""]
                for i in digest.breach_next_shift]
        rows += [["escalated", i.case_id, i.status, i.subdistrict_name or "", i.flag or ""] for i in digest.escalated]
        rows += [["hung", i.case_id, i.status, i.subdistrict_name or "", ""] for i in digest.hung]
        print_table(rows, ["list", "case", "status", "subdistrict", "deadline/flag"])
    return 0


# ---------------------------------------------------------------------------------------------- notes
def _collab(db: str | None) -> Any:
    from console.collab.service import CollabService

    return CollabService(_ctx(db))


def cmd_note(args: argparse.Namespace) -> int:
    from console.errors import ValidationError

    files = []
    for path in args.attach:
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise ValidationError(f"无法读取附件 {path}：{exc}", f"cannot read attachment {path}: {exc}") from exc
    svc = _collab(args.db)
    note = svc.add_note(args.case_id, args.text, _actor(svc.ctx.db, args.actor), parent_id=args.reply_to,
                        attachments=files)
    print_json(note)
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    notes = _collab(args.db).notes_for_case(args.case_id)
    if args.format == "json":
        print_json(notes)
    else:
        print_table([[n["id"], n["created_at"], f"{n['author_role']}:{n['author']}", n["body"][:60],
                      len(n.get("attachments") or [])] for n in notes], ["note", "at", "by", "text", "files"])
    return 0


def cmd_inbox(args: argparse.Namespace) -> int:
    rows = _collab(args.db).inbox(args.user, unread_only=args.unread)
    if args.format == "json":
        print_json(rows)
    else:
        print_table([[m["id"], m["created_at"], m.get("case_id") or "", m.get("author") or "",
                      "" if m["read"] else "●", (m.get("excerpt") or "")[:50]] for m in rows],
                    ["mention", "at", "case", "from", "unread", "text"])
    return 0


def cmd_handoff_request(args: argparse.Namespace) -> int:
    svc = _collab(args.db)
    print_json(svc.request_handoff(args.case_id, args.to, _actor(svc.ctx.db, args.actor), reason=args.reason))
    return 0


def cmd_handoff_decide(args: argparse.Namespace) -> int:
    svc = _collab(args.db)
    print_json(svc.decide_handoff(args.handoff_id, args.accept, _actor(svc.ctx.db, args.actor), reason=args.reason))
    return 0


def cmd_handoff_list(args: argparse.Namespace) -> int:
    rows = _collab(args.db).handoffs(to_id=args.to, status=None if args.all else "requested")
    if args.format == "json":
        print_json(rows)
    else:
        print_table([[h["id"], h["case_id"], h.get("from_id") or "", h["to_id"], h["status"], h["requested_by"]]
                     for h in rows], ["handoff", "case", "from", "to", "status", "by"])
    return 0


def cmd_notice_post(args: argparse.Namespace) -> int:
    svc = _collab(args.db)
    expires = None if args.hours is None else svc.ctx.clock.now_utc() + timedelta(hours=args.hours)
    print_json(svc.post_notice(args.title, _actor(svc.ctx.db, args.actor), body=args.body, level=args.level,
                               expires_at_utc=expires))
    return 0


def cmd_notice_list(args: argparse.Namespace) -> int:
    rows = _collab(args.db).active_notices()
    if args.format == "json":
        print_json(rows)
    else:
        print_table([[n["id"], n["level"], n["created_at"], n["author"], n["title"]] for n in rows],
                    ["notice", "level", "at", "by", "title"])
    return 0


def cmd_notice_withdraw(args: argparse.Namespace) -> int:
    svc = _collab(args.db)
    svc.withdraw_notice(args.notice_id, _actor(svc.ctx.db, args.actor))
    return 0


# ---------------------------------------------------------------------------------------------- workrooms
def cmd_workroom_list(args: argparse.Namespace) -> int:
    from console.collab.workrooms import list_workrooms, stats_by_workroom

    ctx = _ctx(args.db)
    rooms = list_workrooms(ctx)
    if args.subdistrict:
        names = {str(v): str(k) for k, v in ctx.geo.names.items()}  # name → code
        code = names.get(args.subdistrict, args.subdistrict)
        rooms = [r for r in rooms if r.get("subdistrict_code") == code]
    st = stats_by_workroom(ctx, ctx.clock.now_utc())
    for r in rooms:
        r["complaints"] = st.get(r["id"], {"total": 0, "open": 0})
    if args.format == "json":
        print_json(rooms)
    else:
        print_table([[r["id"], r["name"], r.get("subdistrict_code") or "", r.get("contact_officer") or "",
                      r.get("opening_hours") or "", r["complaints"]["total"], r["complaints"]["open"]] for r in rooms],
                    ["id", "name", "subdistrict", "contact", "hours", "complaints", "open"])
    return 0


def cmd_workroom_show(args: argparse.Namespace) -> int:
    from console.collab.workrooms import complaints, get_workroom, stats

    ctx = _ctx(args.db)
    room = get_workroom(ctx, args.workroom_id)
    cases = complaints(ctx, args.workroom_id)
    room["stats"] = stats(cases, ctx.clock.now_utc(), ctx.taxonomy)
    room["complaints"] = cases
    if args.format == "json":
        print_json(room)
    else:
        for key in ("id", "name", "subdistrict_code", "community_code", "address", "contact_officer", "opening_hours",
                    "status", "lon", "lat"):
            print(f"{key:16} {room.get(key) if room.get(key) is not None else ''}")
        print(f"{'stats':16} {room['stats']}")
        print_table([[c["id"], c["created_at"], c["status"], c["category_code"]] for c in cases[:50]],
                    ["case", "created", "status", "category"])
    return 0


def cmd_workroom_import(args: argparse.Namespace) -> int:
    from console.collab.workrooms import import_csv, read_text

    ctx = _ctx(args.db)
    report = import_csv(ctx, read_text(args.file), _actor(ctx.db, args.actor), dry_run=args.dry_run)
    for line in report.errors:
        print(line, file=sys.stderr)
    if report.errors:
        print(f"{len(report.errors)} row(s) rejected; nothing written", file=sys.stderr)
        return 2
    print(f"created {report.created} · updated {report.updated} · unchanged {report.unchanged}"
          + (" (dry run)" if args.dry_run else ""))
    return 0


def cmd_workroom_export(args: argparse.Namespace) -> int:
    from console.collab.workrooms import export_csv, list_workrooms

    text = export_csv(list_workrooms(_ctx(args.db)))
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


# ---------------------------------------------------------------------------------------------- workstations
def _ws(db: str | None) -> Any:
    from console.collab.workstation import WorkstationService

    return WorkstationService(_ctx(db))


def cmd_ws_list(args: argparse.Namespace) -> int:
    svc = _ws(args.db)
    stations = svc.stations()
    open_orders = svc.orders(status="open")
    for st in stations:
        st["open_orders"] = sum(1 for o in open_orders if o["workstation_id"] == st["id"])
    if args.format == "json":
        print_json(stations)
    else:
        print_table([[s["id"], s["name"], s.get("community_code") or "", s.get("status") or "", s["open_orders"]]
                     for s in stations], ["id", "name", "community", "status", "open orders"])
    return 0


def cmd_ws_show(args: argparse.Namespace) -> int:
    view = _ws(args.db).view(args.workstation_id)
    if args.format == "json":
        print_json(view)
    else:
        print(f"{view['id']} {view['name']} ({view.get('status')})")
        print_table([[s["id"], s.get("sensor_kind"), s.get("reading"), s.get("threshold"), s.get("status")]
                     for s in view["sensors"]], ["sensor", "kind", "reading", "threshold", "status"])
        print_table([[o["id"], o["status"], o["level"], o.get("sensor_id") or "", o.get("case_id") or ""]
                     for o in view["work_orders"]], ["order", "status", "level", "sensor", "case"])
        print(f"cameras {len(view['cameras'])} · staff on duty {len(view['staff_on_duty'])}")
    return 0


def cmd_ws_escalate(args: argparse.Namespace) -> int:
    from console.collab.handover import parse_shift_start

    at = parse_shift_start(args.at) if args.at else None
    result = _ws(args.db).sync(at.astimezone(ZoneInfo("UTC")) if isinstance(at, datetime) else None)
    if args.format == "json":
        print_json(result.to_json())
    else:
        print(" · ".join(f"{k} {len(v)}" for k, v in result.to_json().items()))
    return 0


def cmd_ws_close(args: argparse.Namespace) -> int:
    ws = _ws(args.db)
    ws.close(args.order_id, _actor(ws.ctx.db, args.actor), args.note)
    return 0
