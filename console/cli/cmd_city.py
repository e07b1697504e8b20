"""``urbanops city sync | outbox | stats | serve-fake``: the city platform connector (12345 / 一网统管).

``sync`` runs the connector (pull work orders → cases, case events → outbox → platform); ``outbox`` lists updates the
platform has not acknowledged; ``stats`` gives per-channel figures; ``serve-fake`` runs the loopback fake platform.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table
from console.errors import ValidationError

DEMO_POINTS = ((121.4166, 31.2197), (121.4005, 31.2102), (121.4203, 31.2208), (121.3805, 31.2051))
DEMO_CATEGORIES = ("1001", "5005", "5002", "2002", "3001")


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def register(sub: Any) -> None:
    city = sub.add_parser("city", help="city platform connector: 12345 / 一网统管 work orders in, status out")
    actions = city.add_subparsers(dest="city_command", metavar="ACTION")

    p = actions.add_parser("sync", help="pull work orders into cases and push status updates (loop or --once)")
    _add_db(p)
    p.add_argument("--config", type=Path, metavar="FILE", help="connector YAML (base_url, api key, timeouts, mapping)")
    p.add_argument("--base-url", metavar="URL", help="platform base URL (overrides the config file)")
    p.add_argument("--once", action="store_true", help="run one cycle and exit (exit 1 if the platform was unreachable)")
    p.add_argument("--interval", type=float, metavar="S", help="seconds between cycles (default: config, 30)")
    p.set_defaults(handler=sync)

    p = actions.add_parser("outbox", help="status updates not yet acknowledged by the platform")
    _add_db(p)
    p.add_argument("--all", action="store_true", help="every pending item, not only those that failed")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=outbox)

    p = actions.add_parser("stats", help="per-channel on-time replies, returns and resident satisfaction")
    _add_db(p)
    p.add_argument("--days", type=int, help="only tickets received in the last N days")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=stats)

    p = actions.add_parser("serve-fake", help="run the loopback fake city platform (demos, manual tests)")
    p.add_argument("--http", default="127.0.0.1:8711", metavar="HOST:PORT")
    p.add_argument("--api-key", default="demo-key", help="required X-Api-Key value ('' for none)")
    p.add_argument("--demo-tickets", type=int, default=5, metavar="N", help="work orders to start with")
    p.set_defaults(handler=serve_fake)


def _context(db_url: str | None) -> Any:
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    return ServiceContext(open_database(db_url))


def sync(args: argparse.Namespace) -> int:
    from console.city.connector import CityConnector, load_connector_config

    config = load_connector_config(args.config, args.base_url)
    if args.interval is not None:
        if args.interval <= 0:
            raise ValidationError("间隔须为正数", "--interval must be positive")
        config.poll_interval_s = args.interval
    connector = CityConnector(_context(args.db), config)
    if args.once:
        report = connector.cycle()
        print_json(report.to_json())
        return 1 if report.inbound_error or report.send.failed else 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        connector.run(stop, on_cycle=lambda r: print(json.dumps(r.to_json(), ensure_ascii=False), flush=True))
    except KeyboardInterrupt:
        stop.set()
    return 0


def outbox(args: argparse.Namespace) -> int:
    from console.city.outbound import outbox_items

    items = outbox_items(_context(args.db), stuck_only=not args.all)
    if args.format == "json":
        print_json(items)
    else:
        print_table([[i["id"], i["ticket_id"], i["case_id"], i["kind"], i["attempts"], i["last_error"],
                      i["next_attempt_utc"]] for i in items],
                    ["id", "工单/ticket", "案件/case", "类型/kind", "尝试/attempts", "错误/last error", "下次/next"])
    return 0


def stats(args: argparse.Namespace) -> int:
    from console.city.stats import city_stats

    ctx = _context(args.db)
    since = None
    if args.days is not None:
        if args.days <= 0:
            raise ValidationError("天数须为正数", "--days must be positive")
        since = ctx.clock.now_utc() - timedelta(days=args.days)
    rows = city_stats(ctx.db, since)
    if args.format == "json":
        print_json(rows)
    else:
        print_table([[r["channel_zh"], r["tickets"], r["replied"], r["replied_on_time"], r["on_time_reply_rate"],
                      r["returned"], r["rated"], r["satisfaction_rate"], r["updates_pending"]] for r in rows],
                    ["渠道", "工单", "已答复", "按时答复", "按时答复率", "退单", "已评价", "满意率", "待推送"])
    return 0


def _host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValidationError(f"地址格式应为 主机:端口，收到“{text}”", f"--http must be HOST:PORT, got {text!r}")
    return host or "127.0.0.1", int(port)


def serve_fake(args: argparse.Namespace) -> int:
    from console.city.fake_platform import FakePlatform, make_ticket

    host, port = _host_port(args.http)
    if args.demo_tickets < 0:
        raise ValidationError("工单数不能为负", "--demo-tickets must not be negative")
    fake = FakePlatform(host, port, api_key=args.api_key or None)
    now = datetime.now(UTC)
    for i in range(args.demo_tickets):
        lon, lat = DEMO_POINTS[i % len(DEMO_POINTS)]
        fake.put_ticket(make_ticket(f"DEMO{i + 1:05d}", category=DEMO_CATEGORIES[i % len(DEMO_CATEGORIES)],
                                    lon=lon + 0.001 * (i // len(DEMO_POINTS)), lat=lat,
                                    source="12345" if i % 2 == 0 else "YWTG", updated=now,
                                    deadline=now + timedelta(hours=24 + 12 * i)))
    fake.start()
    print(f"fake city platform on {fake.base_url} (api key header X-Api-Key: {args.api_key or '-'}); Ctrl-C stops",
          file=sys.stderr, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0
