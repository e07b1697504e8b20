"""``urbanops qr`` (workroom QR codes: PNG + printable PDF sheet) and ``urbanops open311 serve|key``.

The PDF sheet is drawn with Qt (widgets/qr_sheet.py), imported only when sheets are asked for.
"""

from __future__ import annotations

import argparse
import importlib
import re
import signal
import threading
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table
from console.errors import NotFoundError, ValidationError

DEFAULT_HTTP = "127.0.0.1:8311"


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def register(sub: Any) -> None:
    p = sub.add_parser("qr", help="QR code PNG and printable PDF sheet per community workroom")
    _add_db(p)
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (created)")
    p.add_argument("--workroom", action="append", metavar="ID", help="only this workroom (repeatable)")
    p.add_argument("--base-url", default=f"http://{DEFAULT_HTTP}",
                   help="public URL of the gateway the codes point to (default: %(default)s)")
    p.add_argument("--no-pdf", action="store_true", help="PNG only (no Qt needed)")
    p.set_defaults(handler=cmd_qr)

    o = sub.add_parser("open311", help="Open311 GeoReport v2 server and API keys").add_subparsers(
        dest="open311_command", metavar="ACTION")
    p = o.add_parser("serve", help="serve Open311, the QR complaint form and OsmAnd positions over HTTP")
    _add_db(p)
    p.add_argument("--http", default=DEFAULT_HTTP, metavar="HOST:PORT", help="listen address (default: %(default)s)")
    p.add_argument("--media-dir", metavar="DIR", help="where uploaded photos are stored (default: user data dir)")
    p.add_argument("--anonymous-limit", type=int, default=6, help="QR submissions per IP per 10 minutes")
    p.set_defaults(handler=cmd_serve)
    p = o.add_parser("key", help="API keys").add_subparsers(dest="key_command", metavar="ACTION")
    k = p.add_parser("add", help="register a client and print its key")
    _add_db(k)
    k.add_argument("name")
    k.add_argument("--channel", default="other", help="source channel of its requests (e.g. hotline_12345)")
    k.add_argument("--require-contact", action="store_true", help="its requests must name a contact")
    k.set_defaults(handler=cmd_key_add)
    k = p.add_parser("list", help="list clients")
    _add_db(k)
    k.add_argument("--format", choices=["table", "json"], default="table")
    k.set_defaults(handler=cmd_key_list)


def parse_host_port(text: str) -> tuple[str, int]:
    m = re.fullmatch(r"\[?([^\]]*?)\]?:(\d{1,5})", text.strip())
    if m is None or not 0 <= int(m.group(2)) <= 65535:
        raise ValidationError(f"监听地址应为 主机:端口，收到“{text}”", f"listen address must be HOST:PORT, got {text!r}")
    return m.group(1) or "0.0.0.0", int(m.group(2))


def cmd_qr(args: argparse.Namespace) -> int:
    from console.feeds.open311 import Open311Api
    from console.feeds.qr import SheetContent, form_url, png_bytes, qr_matrix
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    db = open_database(args.db)
    ctx = ServiceContext(db)
    rooms = Open311Api(ctx).workrooms()
    if args.workroom:
        wanted = set(args.workroom)
        missing = wanted - {r.id for r in rooms}
        if missing:
            ids = ", ".join(sorted(missing))
            raise NotFoundError(f"社区工作室不存在：{ids}", f"no such workroom: {ids}")
        rooms = [r for r in rooms if r.id in wanted]
    if not rooms:
        raise NotFoundError("数据库中没有社区工作室（先运行 urbanops seed --demo）",
                            "no workrooms in the database (run urbanops seed --demo first)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    writer = None if args.no_pdf else importlib.import_module("widgets.qr_sheet")
    for room in rooms:
        url = form_url(args.base_url, room.id)
        matrix = qr_matrix(url)
        (out / f"{room.id}.png").write_bytes(png_bytes(matrix))
        if writer is not None:
            address = room.address or _address_of(ctx, room.lon, room.lat)
            writer.write_sheet_pdf(SheetContent(room.id, room.name, address, url, matrix), out / f"{room.id}.pdf")
    kinds = "PNG" if args.no_pdf else "PNG + PDF"
    print(f"{len(rooms)} workroom(s) → {out} ({kinds})")
    return 0


def _address_of(ctx: Any, lon: float, lat: float) -> str:
    where = ctx.geo.locate_one(lon, lat)
    parts = ["上海市长宁区", where.subdistrict_name or "", where.community_name or ""]
    return "".join(p.replace("（示意）", "") for p in parts) + f"（{lon:.5f}, {lat:.5f}）"


def cmd_serve(args: argparse.Namespace) -> int:
    from console.feeds.http_gateway import BASE_PATH, serve
    from console.feeds.open311 import Open311Config
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    host, port = parse_host_port(args.http)
    ctx = ServiceContext(open_database(args.db))
    _ = ctx.geo  # load geography before the first request
    server = serve(ctx, host, port, config=Open311Config(anonymous_limit=args.anonymous_limit),
                   media_dir=Path(args.media_dir) if args.media_dir else None)
    h, p = server.server_address[:2]
    print(f"Open311 GeoReport v2 at http://{h!s}:{p}{BASE_PATH} · QR form /qr/<workroom> · OsmAnd /osmand", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.shutdown()
    return 0


def cmd_key_add(args: argparse.Namespace) -> int:
    from console.feeds.open311 import add_api_key
    from console.storage.db import open_database

    key = add_api_key(open_database(args.db), args.name, args.channel, allow_anonymous=not args.require_contact)
    print(key)
    return 0


def cmd_key_list(args: argparse.Namespace) -> int:
    from console.feeds.open311 import list_api_keys
    from console.storage.db import open_database

    rows = list_api_keys(open_database(args.db))
    if args.format == "json":
        print_json(rows)
    else:
        cols = ["name", "channel", "allow_anonymous", "active", "key"]
        print_table([[r[c] for c in cols] for r in rows], cols)
    return 0
