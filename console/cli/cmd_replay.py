"""``urbanops replay``: replay any past period (回放), strictly read-only, and export a period to a replay file.

    urbanops replay [FILE | --db URL] [--from T1 --to T2] [--at TIME] [--speed X] [--screenshot PNG --quit-after S]
    urbanops replay FILE --info                     # period, counts, timings as JSON (no window)
    urbanops replay export --from T1 --to T2 --out day.urbanops-replay [--db URL] [--force]
    urbanops replay demo-tracks [--db URL] [--hours 48]   # demo worlds: officers' position history for the seeded days

Times are ISO 8601; without a zone they are Asia/Shanghai local time (``2026-11-28T09:00``); ``--at`` also takes
``HH:MM`` on the period's first day. Training drills register their own subcommands through ``console.training``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from console.cli.output import print_json
from console.errors import ValidationError


def register(sub: Any) -> None:
    p = sub.add_parser("replay", help="replay a past period read-only (FILE or --db), or 'replay export' a period",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", nargs="?", metavar="FILE|export",
                   help="a .urbanops-replay file to open, or 'export' to write one (default: the database, read-only)")
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")
    p.add_argument("--from", dest="from_time", metavar="T1", help="period start (default: file period / last 24 h)")
    p.add_argument("--to", dest="to_time", metavar="T2", help="period end")
    p.add_argument("--at", metavar="TIME", help="open at this instant (ISO or HH:MM)")
    p.add_argument("--speed", type=float, default=60.0, help="playback speed, 1–120 (default 60)")
    p.add_argument("--play", action="store_true", help="start playing at once")
    p.add_argument("--follow", metavar="OFFICER_OR_CASE", help="keep this officer or case centred")
    p.add_argument("--screenshot", metavar="PATH", help="write a PNG of the replay window and quit")
    p.add_argument("--quit-after", type=float, metavar="SECONDS")
    p.add_argument("--lang", choices=["zh", "en"], default=None)
    p.add_argument("--theme", choices=["dark", "light"], default=None)
    p.add_argument("--info", action="store_true", help="print the period summary as JSON (no window)")
    p.add_argument("--out", metavar="FILE", help="export: the replay file to write")
    p.add_argument("--force", action="store_true", help="export: overwrite an existing file")
    p.add_argument("--evidence-dir", metavar="DIR",
                   help="export: evidence store root to embed files from (default: $URBANOPS_EVIDENCE_DIR or user data)")
    p.add_argument("--hours", type=float, default=48.0, help="demo-tracks: hours of history to fill (default 48)")
    p.set_defaults(handler=replay)
    # Training drills (another feature area) add their subcommands here when their package is present.
    if importlib.util.find_spec("console.training") is not None:
        try:
            cli = importlib.import_module("console.training.cli")
        except ModuleNotFoundError:
            cli = None
        if cli is not None and hasattr(cli, "register"):
            cli.register(sub)


def _time(text: str | None, default_day: datetime | None = None) -> datetime | None:
    if text is None:
        return None
    from console.replay.session import parse_time

    return parse_time(text, default_day)


def replay(args: argparse.Namespace) -> int:
    if args.target == "export":
        return export(args)
    if args.target == "demo-tracks":
        return demo_tracks(args)
    if args.target and args.db:
        raise ValidationError("请给出回放文件或 --db，不能同时给出", "give a replay FILE or --db, not both")
    if args.info:
        return info(args)
    if importlib.util.find_spec("widgets.replay") is None:
        print("回放窗口不在此版本中；可用 --info / the replay window is not in this build; use --info", file=sys.stderr)
        return 2
    app = importlib.import_module("widgets.replay.app")  # Qt only now, never for export/info
    return int(app.run_replay(args))


def info(args: argparse.Namespace) -> int:
    from console.replay import ReplaySource, load_session

    src = ReplaySource.open(args.target, db_url=args.db)
    try:
        session = load_session(src, _time(args.from_time), _time(args.to_time))
        at = _time(args.at, session.from_utc) or session.from_utc
        state = session.state_at(at)
        n_open = sum(1 for c in state.cases.values() if c.get("status") not in ("closed", "voided"))
        print_json({
            "source": src.kind, "label": src.label, "from_utc": session.from_utc.isoformat(),
            "to_utc": session.to_utc.isoformat(), "events_in_period": len(session.index.events),
            "checkpoints": len(session.index.checkpoints), "fixes": session.tracks.n_fixes,
            "officers_with_tracks": len(session.tracks.officer_ids), "camera_events": len(session.camera_events),
            "at_utc": at.isoformat(), "cases_at": len(state.cases), "open_cases_at": n_open,
            "officers_placed_at": int(session.positions(at).officer.size),
            "meta": src.meta, "load_seconds": {k: round(v, 3) for k, v in session.timings_s.items()},
        })
    finally:
        src.close()
    return 0


def demo_tracks(args: argparse.Namespace) -> int:
    """Write the seeded demo world's position history (the only replay command that writes; never a replay file)."""
    from console.sim.history_tracks import write_history_tracks
    from console.storage.db import open_database

    if not 0 < args.hours <= 24 * 31:
        raise ValidationError("--hours 应在 0 到 744 之间", "--hours must be within 0–744")
    db = open_database(args.db)
    try:
        print_json(write_history_tracks(db, hours=args.hours))
    finally:
        db.dispose()
    return 0


def export(args: argparse.Namespace) -> int:
    from console.replay import ReplaySource
    from console.replay.export import export_period

    if not args.from_time or not args.to_time or not args.out:
        raise ValidationError("导出需要 --from、--to 和 --out", "export needs --from, --to and --out")
    t1, t2 = _time(args.from_time), _time(args.to_time)
    assert t1 is not None and t2 is not None
    src = ReplaySource.open(None, db_url=args.db)
    try:
        from console.evidence.store import EvidenceStore

        store = EvidenceStore(Path(args.evidence_dir)) if args.evidence_dir else None
        result = export_period(src, t1, t2, Path(args.out), force=args.force,
                               say=lambda m: print(m, file=sys.stderr), evidence_store=store)
    finally:
        src.close()
    print_json(result.to_json())
    return 0
