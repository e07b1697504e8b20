"""Dispatch subcommands: ``recommend``, ``assign`` (batch, override), ``escalate``, ``due-soon``, ``officer-api``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from console.cli.output import print_json, print_table
from console.errors import ValidationError


def _ctx(args: argparse.Namespace) -> Any:
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    return ServiceContext(open_database(args.db))


def register(sub: Any) -> None:
    p = sub.add_parser("recommend", help="rank officers for a case (ETA, SLA, workload, jurisdiction, certificate)")
    p.add_argument("case_id")
    p.add_argument("--top", type=int, default=5)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--db", metavar="URL")
    p.set_defaults(handler=cmd_recommend)

    p = sub.add_parser("assign", help="assign one or several cases to an officer, squad or handling unit")
    p.add_argument("case_ids", nargs="+", metavar="CASE_ID")
    p.add_argument("--to", dest="target", required=True, metavar="OFFICER_SQUAD_OR_UNIT")
    p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER")
    p.add_argument("--override-reason", metavar="TEXT",
                   help="written reason to assign outside the officer's jurisdiction or without a certificate")
    p.add_argument("--format", choices=["table", "json"], default="json")
    p.add_argument("--db", metavar="URL")
    p.set_defaults(handler=cmd_assign)

    p = sub.add_parser("escalate", help="issue 督办 for every case whose step deadline has passed (once per step)")
    p.add_argument("--every", type=float, metavar="SECONDS",
                   help="keep running as the SLA timer, one round every SECONDS (safe beside other timers)")
    p.add_argument("--rounds", type=int, default=0, metavar="N", help="with --every: stop after N rounds (0: never)")
    p.add_argument("--db", metavar="URL")
    p.set_defaults(handler=cmd_escalate)

    p = sub.add_parser("due-soon", help="open cases whose step falls due within a window")
    p.add_argument("--within-min", type=float, default=60.0)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--db", metavar="URL")
    p.set_defaults(handler=cmd_due_soon)

    p = sub.add_parser("officer-api", help="serve the officer HTTP JSON API (field app, simulator)")
    p.add_argument("--http", default="127.0.0.1:8081", metavar="HOST:PORT")
    p.add_argument("--db", metavar="URL")
    p.set_defaults(handler=cmd_officer_api)


def cmd_recommend(args: argparse.Namespace) -> int:
    from console.services.recommend import recommend

    ctx = _ctx(args)
    recs = recommend(ctx, ctx.db, args.case_id, top=args.top)
    if args.format == "json":
        print_json({"case_id": args.case_id, "recommendations": [r.to_json() for r in recs]})
    else:
        print_table([[r.rank, r.officer_id, r.name, r.squad_id, f"{r.eta_s:.0f}", f"{r.distance_m:.0f}",
                      "；".join(r.reasons)] for r in recs],
                    ["#", "officer_id", "姓名", "中队", "eta_s", "distance_m", "理由"])
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from console.cli.acting import acting_as
    from console.services.dispatch import DispatchService

    ctx = _ctx(args)
    actor = acting_as(ctx.db, args.actor, "assign")
    svc = DispatchService(ctx)
    if len(args.case_ids) == 1:
        state = svc.assign(args.case_ids[0], args.target, actor, override_reason=args.override_reason)
        result: dict[str, Any] = {"assigned": [state["id"]], "refused": {}}
    else:
        result = svc.assign_many(args.case_ids, args.target, actor, override_reason=args.override_reason).to_json()
    if args.format == "json":
        print_json(result)
    else:
        print_table([[c, "assigned"] for c in result["assigned"]] + [[c, m] for c, m in result["refused"].items()],
                    ["case", "result"])
    return 0 if not result["refused"] else 2


def cmd_escalate(args: argparse.Namespace) -> int:
    import time

    from console.services.dispatch import escalate_overdue

    ctx = _ctx(args)
    if args.every is None:
        print_json({"escalated": escalate_overdue(ctx)})
        return 0
    if not args.every > 0:
        raise ValidationError("--every 必须大于 0 秒", "--every must be more than 0 seconds")
    done = 0
    while True:  # one JSON line per round, so a supervisor process can log it
        print_json({"round": done + 1, "escalated": escalate_overdue(ctx)})
        sys.stdout.flush()
        done += 1
        if args.rounds and done >= args.rounds:
            return 0
        time.sleep(args.every)


def cmd_due_soon(args: argparse.Namespace) -> int:
    from console.services.dispatch import due_soon

    rows = due_soon(_ctx(args), args.within_min * 60.0)
    if args.format == "json":
        print_json(rows)
    else:
        print_table([[r["id"], r["status"], r["step"], r["assignee"], f"{r['remaining_s'] / 60:.0f}"] for r in rows],
                    ["case", "status", "step", "assignee", "剩余(分钟)"])
    return 0


def cmd_officer_api(args: argparse.Namespace) -> int:
    from console.feeds.officer_api import OfficerApiServer

    host, sep, port = str(args.http).rpartition(":")
    if not sep or not port.isdigit():
        raise ValidationError(f"--http 应为 主机:端口，收到 {args.http}", f"--http must be HOST:PORT, got {args.http}")
    server = OfficerApiServer(_ctx(args), host or "127.0.0.1", int(port))
    print(f"officer API on {server.url} (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
