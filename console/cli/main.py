"""``urbanops`` command line: one entry point, subcommands per task (see docs/cli.md).

Domain errors print their message (Chinese / English) on stderr and exit with code 2; nothing is half-written
because every command is one transaction.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from console import __version__
from console.errors import DomainError

Handler = Callable[[argparse.Namespace], int]

# Feature areas register their own subcommands: each module has ``register(subparsers) -> None``.
EXTENSION_MODULES = (
    "console.cli.cmd_dispatch",  # recommend, officer API
    "console.cli.cmd_gateway",  # gateway (MQTT, OsmAnd, Open311 server), dead letters
    "console.cli.cmd_open311",  # qr sheets
    "console.cli.cmd_analytics",  # kpi, wall, report, export
    "console.cli.cmd_city",  # city platform connector
    "console.cli.cmd_replay",  # replay
    "console.cli.cmd_training",  # drills, training records
    "console.cli.cmd_duty",  # roster, coverage, handover
    "console.cli.cmd_security",  # users, roles
    "console.cli.cmd_collab",  # handover, notes, handoffs, notices, workrooms, workstations
    "console.cli.cmd_evidence",  # evidence export, registry
    "console.cli.cmd_video",  # synthetic camera server, camera stream URLs, clips
)


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def _add_format(p: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json"), default: str = "table") -> None:
    p.add_argument("--format", choices=list(choices), default=default)


def _window_size(text: str) -> tuple[int, int]:
    """``1920x1080`` → (1920, 1080); argparse turns the ValueError into a usage error (exit code 2)."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        w, h = (int(p) for p in parts)
    except ValueError:
        message = f"窗口尺寸应为 宽x高，如 1920x1080 / expected WxH, e.g. 1920x1080: {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not (640 <= w <= 7680 and 480 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"窗口尺寸超出范围 640x480…7680x4320 / size out of range: {text!r}")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    from console.cli import commands as c

    parser = argparse.ArgumentParser(prog="urbanops", description="城管指挥调度台 urbanops — command line")
    parser.add_argument("--version", action="version", version=f"urbanops {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = sub.add_parser("db", help="database schema and projections").add_subparsers(dest="db_command", metavar="ACTION")
    p = db.add_parser("upgrade", help="create or upgrade the schema (Alembic)")
    _add_db(p)
    p.set_defaults(handler=c.db_upgrade)
    p = db.add_parser("rebuild-projections", help="rebuild current-state tables from the event log")
    _add_db(p)
    p.set_defaults(handler=c.db_rebuild)

    p = sub.add_parser("seed", help="fill a database with the Changning demo world")
    _add_db(p)
    p.add_argument("--demo", action="store_true", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=int, default=14)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--now", metavar="ISO_TIME",
                   help="the history ends at this instant (ISO 8601; naive = Asia/Shanghai) instead of the wall clock")
    p.set_defaults(handler=c.seed)

    cases = sub.add_parser("cases", help="list cases").add_subparsers(dest="cases_command", metavar="ACTION")
    lp = cases.add_parser("list", help="list cases")
    _add_db(lp)
    lp.add_argument("--status")
    lp.add_argument("--subdistrict")
    lp.add_argument("--source")
    lp.add_argument("--limit", type=int)
    _add_format(lp)
    lp.set_defaults(handler=c.cases_list)

    case = sub.add_parser("case", help="one case").add_subparsers(dest="case_command", metavar="ACTION")
    p = case.add_parser("show", help="show a case with its timeline")
    _add_db(p)
    p.add_argument("case_id")
    _add_format(p, default="table")
    p.set_defaults(handler=c.case_show)
    p = case.add_parser("new", help="register a new case")
    _add_db(p)
    p.add_argument("--category", required=True, help="category code (E0101) or minor name (暴露垃圾)")
    p.add_argument("--lon", required=True, help="WGS-84 longitude")
    p.add_argument("--lat", required=True, help="WGS-84 latitude")
    p.add_argument("--source", required=True, help="hotline_12345, workroom_qr, camera_ai, inspector, iot_sensor, ...")
    p.add_argument("--desc")
    p.add_argument("--address")
    p.add_argument("--priority", help="urgent, A, B, C (default: the category's)")
    p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER")
    _add_format(p, default="json")
    p.set_defaults(handler=c.case_new)
    p = case.add_parser("act", help="apply a workflow action")
    _add_db(p)
    p.add_argument("case_id")
    p.add_argument("action")
    p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER")
    p.add_argument("--reason")
    p.add_argument("--to", dest="target", metavar="UNIT_OR_OFFICER")
    legal = p.add_argument_group("legal_approve: the decision recorded with the approval (处理决定)")
    legal.add_argument("--decision-no", metavar="TEXT", help="decision document number (决定书文号)")
    legal.add_argument("--decision", metavar="TEXT", help="the decision (处理决定), e.g. 罚款人民币伍仟元")
    legal.add_argument("--legal-basis", metavar="TEXT", help="legal basis (法律依据)")
    legal.add_argument("--fine-cny", type=float, metavar="YUAN", help="fine in yuan (罚款金额)")
    _add_format(p, default="json")
    p.set_defaults(handler=c.case_act)

    p = sub.add_parser("events", help="the event log")
    _add_db(p)
    p.add_argument("--case", dest="case_id")
    p.add_argument("--since", type=int, default=0)
    p.add_argument("--limit", type=int)
    _add_format(p)
    p.set_defaults(handler=c.events)

    audit = sub.add_parser("audit", help="audit trail").add_subparsers(dest="audit_command", metavar="ACTION")
    p = audit.add_parser("verify", help="re-walk the event hash chain and re-hash the evidence files it records")
    _add_db(p)
    p.add_argument("--evidence-dir", metavar="DIR", help="evidence store root (default: $URBANOPS_EVIDENCE_DIR or user data)")
    p.add_argument("--skip-evidence", action="store_true", help="check the event chain only")
    p.set_defaults(handler=c.audit_verify)

    p = sub.add_parser("workflow", help="the closed-loop state machine as data")
    _add_format(p, choices=("json",), default="json")
    p.set_defaults(handler=c.workflow)
    p = sub.add_parser("taxonomy", help="categories and 立结案标准 rules in force")
    _add_format(p, choices=("json", "table"), default="json")
    p.set_defaults(handler=c.taxonomy)

    geo = sub.add_parser("geo", help="geography").add_subparsers(dest="geo_command", metavar="ACTION")
    p = geo.add_parser("import", help="import an official boundary layer (GeoJSON, GeoPackage, Shapefile)")
    _add_db(p)
    p.add_argument("file")
    p.add_argument("--layer", required=True, choices=["subdistricts", "communities", "grids", "streets"])
    p.add_argument("--crs", help="wgs84, cgcs2000, gcj02 or EPSG:NNNN when the file does not say")
    p.set_defaults(handler=c.geo_import)

    p = sub.add_parser("demo", help="open the console on the demo world with the simulator")
    _add_db(p)
    p.add_argument("--lang", choices=["zh", "en"], default=None)
    p.add_argument("--speed", type=float, default=1.0)
    p.add_argument("--screenshot", metavar="PATH",
                   help="write a PNG of the window (the queue's first case selected unless --select-case) and quit")
    p.add_argument("--screenshot-size", type=_window_size, default=None, metavar="WxH",
                   help="window size of the screenshot (default 1600x1000)")
    p.add_argument("--select-case", metavar="CASE_ID", help="open with this case selected (details, map, queue); an unknown id exits with code 2")
    p.add_argument("--quit-after", type=float, metavar="SECONDS")
    p.add_argument("--theme", choices=["dark", "light"], default=None)
    p.add_argument("--mqtt", metavar="URL", help="run the simulator through this broker (e.g. mqtt://127.0.0.1:1883); "
                   "the console then takes positions over MQTT")
    p.add_argument("--sign-in", action="store_true",
                   help="ask for a user name and password (always asked when the database has accounts)")
    p.add_argument("--idle-lock", type=float, metavar="SECONDS",
                   help="lock the screen after this many idle seconds (default $URBANOPS_IDLE_LOCK_S or 600; 0 = off)")
    p.set_defaults(handler=c.demo)

    for module_name in EXTENSION_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # feature not installed in this build
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except DomainError as exc:
        print(f"错误：{exc.message_zh}\nerror: {exc.message_en}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
