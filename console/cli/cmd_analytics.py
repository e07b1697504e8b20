"""``urbanops kpi | evaluate | report | export | wall``: analytics, performance evaluation, reports, exports, wall.

The KPI engine and exports are Qt-free (console.analytics); the PDF report and the wall display import Qt lazily.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import sys
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table
from console.errors import ValidationError

BY_CHOICES = ("district", "subdistrict", "community", "grid", "squad", "officer", "category", "source", "filed_by",
              "dispatched_by", "day", "week", "month")


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def register(sub: Any) -> None:
    p = sub.add_parser("kpi", help="KPI figures (numerator, denominator, value) per period and group")
    _add_db(p)
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first local date (default: 7 days back)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last local date, inclusive (default: today)")
    p.add_argument("--by", choices=BY_CHOICES, default=None, help="grouping (default: the whole district)")
    p.add_argument("--indicator", action="append", dest="indicators", metavar="ID",
                   help="only these indicators (repeatable; id or Chinese name)")
    p.add_argument("--drill", metavar="ID", help="list the case ids behind an indicator instead of the figures")
    p.add_argument("--group", metavar="KEY", help="with --drill and --by: the group key")
    p.add_argument("--part", choices=["numerator", "denominator"], default="numerator")
    p.add_argument("--registry", metavar="YAML", help="an indicator registry file (default: the bundled one)")
    p.add_argument("--format", choices=["table", "json", "csv", "xlsx"], default="table")
    p.add_argument("--out", metavar="FILE", help="write to FILE (required for xlsx)")
    p.set_defaults(handler=kpi)

    p = sub.add_parser("evaluate", help="composite performance scores with grades and how they were computed")
    _add_db(p)
    p.add_argument("--scheme", default="squad", help="scheme id from resources/kpi/evaluation.yaml")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=evaluate)

    rep = sub.add_parser("report", help="daily / weekly PDF reports in Chinese").add_subparsers(
        dest="report_command", metavar="KIND")
    for kind in ("daily", "weekly"):
        p = rep.add_parser(kind, help=f"{kind} report (PDF: map, charts, KPI table, top overdue cases)")
        _add_db(p)
        p.add_argument("--date", metavar="YYYY-MM-DD", help="the (last) local date of the report (default: today)")
        p.add_argument("--out", required=True, metavar="FILE.pdf")
        p.set_defaults(handler=report, report_kind=kind)

    exp = sub.add_parser("export", help="case lists, map layers, offline HTML map").add_subparsers(
        dest="export_command", metavar="WHAT")
    p = exp.add_parser("cases", help="case list to CSV or XLSX")
    _add_db(p)
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--open-only", action="store_true")
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=export_cases)
    p = exp.add_parser("layer", help="a map layer to GeoJSON or GeoPackage (WGS-84)")
    _add_db(p)
    p.add_argument("--layer", required=True, choices=["grids", "subdistricts", "communities", "cases"])
    p.add_argument("--format", choices=["geojson", "gpkg"], default="geojson")
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(handler=export_layer)
    p = exp.add_parser("html-map", help="interactive HTML map that opens offline (Leaflet bundled)")
    _add_db(p)
    p.add_argument("--out", required=True, metavar="FILE.html")
    p.add_argument("--tiles", metavar="URL", help="intranet XYZ tile URL template (default: $URBANOPS_TILE_URL; none "
                                                  "→ plain background)")
    p.add_argument("--tiles-crs", choices=["wgs84", "gcj02"], help="datum of the tiles (gcj02 shifts our WGS-84 data)")
    p.set_defaults(handler=export_html_map)

    p = sub.add_parser("wall", help="full-screen wall display (kiosk): live, auto-rotating pages in Chinese")
    _add_db(p)
    p.add_argument("--preset", default="overview", help="overview | non_site | community | overdue")
    p.add_argument("--screen", type=int, default=None, help="only this screen (default: one window per screen)")
    p.add_argument("--screenshot", metavar="PATH", help="save a PNG of the first page and quit (works headless)")
    p.add_argument("--quit-after", type=float, metavar="SECONDS")
    p.add_argument("--rotate", type=float, default=15.0, metavar="SECONDS", help="seconds per page")
    p.add_argument("--refresh", type=float, default=10.0, metavar="SECONDS", help="how often to check the database")
    p.add_argument("--windowed", action="store_true", help="not full screen (testing)")
    p.set_defaults(handler=wall)


# ---------------------------------------------------------------------------------------------------- handlers
def _engine(args: argparse.Namespace) -> Any:
    from console.analytics.engine import KpiEngine
    from console.analytics.loader import load_facts
    from console.analytics.registry import load_registry
    from console.storage.db import open_database

    db = open_database(args.db)
    registry = load_registry(Path(args.registry)) if getattr(args, "registry", None) else None
    return KpiEngine(load_facts(db), registry)


def kpi(args: argparse.Namespace) -> int:
    from console.analytics.exports import export_kpi_table, kpi_frame
    from console.analytics.period import make_period

    period = make_period(args.date_from, args.date_to)
    engine = _engine(args)
    if args.drill:
        if args.group and not args.by:
            raise ValidationError("--group 需要同时指定 --by", "--group needs --by")
        ids = engine.drill(args.drill, period, by=args.by, group_key=args.group, part=args.part)
        if args.format == "json":
            print_json({"indicator": args.drill, "period": period.label(), "part": args.part, "group": args.group,
                        "count": len(ids), "case_ids": ids})
        else:
            print("\n".join(ids))
        return 0
    rows = engine.compute(period, by=args.by, indicators=args.indicators)
    if args.format == "xlsx" or (args.out and args.format == "csv"):
        if not args.out:
            raise ValidationError("xlsx 格式需要 --out 文件", "--format xlsx needs --out FILE")
        export_kpi_table(rows, Path(args.out), args.format)
        print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)
        return 0
    if args.format == "json":
        print_json({"period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
                    "previous_period": {"from": period.previous().first.isoformat(),
                                        "to": period.previous().last.isoformat()},
                    "by": args.by, "rows": [r.to_json() for r in rows]})
    elif args.format == "csv":
        buf = io.StringIO()
        fieldnames = ["indicator", "name_zh", "group", "group_label", "numerator_label", "numerator",
                      "denominator_label", "denominator", "value", "value_text", "previous_value", "change"]
        writer = csv.DictWriter(buf, fieldnames=fieldnames, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow(r.to_json())
        sys.stdout.write(buf.getvalue())
    else:
        frame = kpi_frame(rows)
        print(f"统计期 {period.label()}（上期 {period.previous().label()}）")
        print_table(frame.astype(object).where(frame.notna(), "").values.tolist(), list(frame.columns))
    return 0


def evaluate(args: argparse.Namespace) -> int:
    from console.analytics.evaluation import default_evaluation, evaluate_scheme
    from console.analytics.period import make_period

    period = make_period(args.date_from, args.date_to)
    config = default_evaluation()
    scheme = config.scheme(args.scheme)
    engine = _engine(args)
    scores = evaluate_scheme(engine, scheme, period, config)
    if args.format == "json":
        print_json({"scheme": scheme.id, "name_zh": scheme.name_zh, "period": period.label(),
                    "scores": [s.to_json() for s in scores]})
        return 0
    print(f"{scheme.name_zh}  统计期 {period.label()}")
    print_table([[s.group_label, "—" if s.score is None else f"{s.score:.2f}", s.grade or "—",
                  "；".join(f"{t.name_zh} {t.points:.1f}" for t in s.breakdown if t.term_score is not None)]
                 for s in scores], ["对象", "得分", "等级", "构成"])
    return 0


def report(args: argparse.Namespace) -> int:
    from console.analytics.period import parse_date
    from console.storage.db import open_database

    db = open_database(args.db)
    day = parse_date(args.date, "报告") if args.date else None
    module = importlib.import_module("widgets.report_pdf")  # Qt only when a report is asked for
    out = module.write_report(db, Path(args.out), kind=args.report_kind, day=day)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def export_cases(args: argparse.Namespace) -> int:
    from console.analytics.exports import export_cases as run
    from console.storage.db import open_database

    n = run(open_database(args.db), Path(args.out), args.format, open_only=args.open_only)
    print(f"wrote {n} cases to {args.out}", file=sys.stderr)
    return 0


def export_layer(args: argparse.Namespace) -> int:
    from console.analytics.exports import export_layer as run
    from console.storage.db import open_database

    n = run(open_database(args.db), args.layer, Path(args.out), args.format)
    print(f"wrote {n} features to {args.out}", file=sys.stderr)
    return 0


def export_html_map(args: argparse.Namespace) -> int:
    from console.analytics.exports import load_case_table
    from console.analytics.html_map import TileSource, write_html_map
    from console.services.geo_context import load_geo_context
    from console.storage.db import open_database

    db = open_database(args.db)
    tiles = TileSource.configured(args.tiles, args.tiles_crs)
    cases = load_case_table(db, open_only=True)
    subs = load_geo_context(db).geography.subdistricts
    write_html_map(Path(args.out), subs, cases, tiles=tiles)
    print(f"wrote {args.out} ({len(cases)} open cases)", file=sys.stderr)
    return 0


def wall(args: argparse.Namespace) -> int:
    module = importlib.import_module("widgets.wall")
    return int(module.run_wall(args))
