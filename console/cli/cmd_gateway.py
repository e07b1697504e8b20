"""``urbanops gateway`` (MQTT feeds, and HTTP when the Open311/OsmAnd module is present) and ``urbanops deadletters``."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def register(sub: Any) -> None:
    p = sub.add_parser("gateway", help="run the feed gateway (MQTT: OwnTracks, Frigate, sensors; HTTP: Open311, OsmAnd)")
    _add_db(p)
    p.add_argument("--mqtt", metavar="URL", default="mqtt://127.0.0.1:1883", help="broker (default mqtt://127.0.0.1:1883)")
    p.add_argument("--no-mqtt", action="store_true", help="do not connect to a broker")
    p.add_argument("--http", metavar="HOST:PORT", help="also serve HTTP (Open311, QR form, OsmAnd) on HOST:PORT")
    p.add_argument("--config", metavar="FILE", type=Path, help="gateway YAML (devices, rules, intake, client_id)")
    p.add_argument("--client-id", metavar="ID", help="MQTT client id (one per gateway process; overrides config)")
    p.add_argument("--run-seconds", type=float, metavar="S", help="stop after S seconds (tests, drills)")
    p.set_defaults(handler=run_gateway)

    d = sub.add_parser("deadletters", help="feed input that could not be used, with the reason")
    _add_db(d)
    d.add_argument("--channel", metavar="NAME", help="only this channel")
    d.add_argument("--limit", type=int, default=50)
    d.add_argument("--format", choices=["table", "json"], default="table")
    d.set_defaults(handler=run_deadletters)


def run_gateway(args: argparse.Namespace) -> int:
    from console.feeds.config import GatewayConfig, build_processor
    from console.feeds.mqtt_gateway import MqttGateway, parse_mqtt_url
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    db = open_database(args.db)
    ctx = ServiceContext(db)
    config = GatewayConfig.load(args.config)
    processor = build_processor(ctx, config)
    stop = threading.Event()
    gateway = None
    if not args.no_mqtt:
        host, port = parse_mqtt_url(args.mqtt)
        gateway = MqttGateway(processor, host, port, client_id=args.client_id or config.client_id)
        gateway.start()
        print(f"MQTT: {host}:{port} as {args.client_id or config.client_id}", file=sys.stderr)
    # OsmAnd fixes share the MQTT gateway's PositionIngest (its worker commits them in the same batches); without
    # MQTT the HTTP server keeps its own ingest and flushes it itself.
    server = _start_http(ctx, args.http, positions=processor.positions if gateway is not None else None,
                         intake=processor.intake)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait(args.run_seconds)
    except KeyboardInterrupt:
        pass
    finally:
        if gateway is not None:
            gateway.stop()
        if server is not None and hasattr(server, "shutdown"):
            server.shutdown()
        print(processor.health.summary_text(), file=sys.stderr)
    return 0


def _start_http(ctx: Any, address: str | None, *, positions: Any = None, intake: Any = None) -> Any:
    if not address:
        return None
    try:
        http = importlib.import_module("console.feeds.http_gateway")
    except ModuleNotFoundError:
        print("HTTP gateway module not available; serving MQTT only", file=sys.stderr)
        return None
    host, _, port = address.rpartition(":")
    from console.errors import ValidationError

    if not port.isdigit():
        raise ValidationError(f"HTTP 地址无效：{address}（应为 主机:端口）", f"invalid HTTP address {address} (HOST:PORT)")
    from console.feeds.open311 import Open311Api, Open311Config

    api = Open311Api(ctx, Open311Config(), intake=intake)  # one merge configuration for every channel
    server = http.serve(ctx, host or "127.0.0.1", int(port), positions=positions, api=api)
    print(f"HTTP: {host or '127.0.0.1'}:{port}", file=sys.stderr)
    return server


def run_deadletters(args: argparse.Namespace) -> int:
    from console.feeds.deadletter import dead_letter_counts, recent_dead_letters
    from console.storage.db import open_database

    db = open_database(args.db)
    counts = dead_letter_counts(db)
    recent = recent_dead_letters(db, limit=max(0, args.limit), channel=args.channel)
    if args.format == "json":
        print_json({"counts": counts, "recent": recent})
        return 0
    print_table([(c, n) for c, n in sorted(counts.items())], ["channel", "count"])
    print()
    print_table([(r["id"], r["ts_utc"][:19], r["channel"], r["reason"][:80]) for r in recent],
                ["id", "time", "channel", "reason"])
    return 0
