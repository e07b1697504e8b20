"""Handlers of the ``urbanops`` subcommands. Each returns the process exit code."""

from __future__ import annotations

import argparse
import sys

from console.cli.output import print_json, print_table
from console.errors import StorageError, ValidationError


def _context(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    return ServiceContext(open_database(args.db))


def db_upgrade(args: argparse.Namespace) -> int:
    from console.storage.db import Database, check_reachable, make_engine, resolve_db_url
    from console.storage.migrations_api import upgrade

    engine = make_engine(resolve_db_url(args.db))
    check_reachable(engine)
    db = Database(engine)
    head = upgrade(db)
    print(f"schema at revision {head}: {db.engine.url.render_as_string(hide_password=True)}")
    return 0


def db_rebuild(args: argparse.Namespace) -> int:
    from console.storage import projection
    from console.storage.db import open_database

    db = open_database(args.db)
    with db.session() as s:
        from console.storage.eventstore import lock_chain

        lock_chain(s)
        count = projection.rebuild(s)
    print(f"rebuilt projections from {count} events")
    return 0


def seed(args: argparse.Namespace) -> int:
    from console.sim.seed import SeedOptions, seed_demo
    from console.storage.db import Database, check_reachable, make_engine, resolve_db_url
    from console.storage.migrations_api import upgrade

    now_utc = None
    if args.now:
        from console.replay.session import parse_time

        now_utc = parse_time(args.now)
    engine = make_engine(resolve_db_url(args.db))
    check_reachable(engine)
    db = Database(engine)
    upgrade(db)
    report = seed_demo(db, SeedOptions(seed=args.seed, days=args.days, scale=args.scale, muck_trucks=True,
                                       muck_media=True, now_utc=now_utc),
                       progress=_progress)
    print_json(report)
    return 0


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cases_list(args: argparse.Namespace) -> int:
    from console.services.cases import CaseService

    cases = CaseService(_context(args)).list_cases(status=args.status, subdistrict=args.subdistrict,
                                                   source=args.source, limit=args.limit)
    if args.format == "json":
        print_json(cases)
    else:
        print_table([[c["id"], c["status_zh"], c["category_minor_name"], c["subdistrict"], c["grid_code"],
                      c["source_zh"], c["priority"], c["assignee"], (c["deadline"] or "")[:16]] for c in cases],
                    ["编号", "状态", "类别", "街道", "网格", "来源", "级别", "处置人", "时限(UTC)"])
    return 0


def case_show(args: argparse.Namespace) -> int:
    from console.services.cases import CaseService

    svc = CaseService(_context(args))
    case = svc.get_case(args.case_id)
    events = svc.events(case_id=args.case_id)
    if args.format == "json":
        case["timeline"] = [e.to_json() for e in events]
        print_json(case)
    else:
        for key, value in case.items():
            if key not in ("reports",):
                print(f"{key:>20}: {value}")
        print()
        print_table([[e.seq, e.ts_utc.isoformat()[:19], e.role, e.actor, e.action, e.reason or ""] for e in events],
                    ["seq", "time (UTC)", "role", "actor", "action", "reason"])
    return 0


def case_new(args: argparse.Namespace) -> int:
    from console.cli.acting import acting_as
    from console.services.cases import CaseService

    ctx = _context(args)
    actor = acting_as(ctx.db, args.actor, "create_case")
    case = CaseService(ctx).create_case(category=args.category, lon=args.lon, lat=args.lat,
                                                   source=args.source, actor=actor, description=args.desc,
                                                   address=args.address, priority=args.priority)
    _print_case(case, args.format)
    return 0


def case_act(args: argparse.Namespace) -> int:
    from console.cli.acting import acting_as
    from console.services.cases import CaseService

    ctx = _context(args)
    actor = acting_as(ctx.db, args.actor, args.action)  # workflow actions are registry operations (their roles)
    decision = {k: v for k, v in (("decision_no", args.decision_no), ("decision", args.decision),
                                  ("legal_basis", args.legal_basis), ("fine_cny", args.fine_cny)) if v is not None}
    if decision and args.action != "legal_approve":
        raise ValidationError("处理决定只能随 legal_approve 记录", "a decision is recorded only with legal_approve")
    payload = {"decision": decision} if decision else None
    case = CaseService(ctx).act(args.case_id, args.action, actor, reason=args.reason, target=args.target,
                                payload=payload)
    _print_case(case, args.format)
    return 0


def _print_case(case: dict[str, object], fmt: str) -> None:
    if fmt == "json":
        print_json(case)
    else:
        print(f"{case['id']}  {case['status_zh']}  {case['category_minor_name']}  {case['subdistrict']}")


def events(args: argparse.Namespace) -> int:
    from console.services.cases import CaseService

    evs = CaseService(_context(args)).events(case_id=args.case_id, since=args.since, limit=args.limit)
    if args.format == "json":
        print_json([e.to_json() for e in evs])
    else:
        print_table([[e.seq, e.ts_utc.isoformat()[:19], e.entity_type, e.entity_id, e.role, e.actor, e.action]
                     for e in evs], ["seq", "time (UTC)", "entity", "id", "role", "actor", "action"])
    return 0


def audit_verify(args: argparse.Namespace) -> int:
    from console.storage import eventstore
    from console.storage.db import open_database

    db = open_database(args.db)
    with db.read_session() as s:
        result = eventstore.verify(s)
    if not result.ok:
        print(f"审计链断裂 / audit chain BROKEN at event {result.first_bad_seq}: {result.problem} "
              f"({result.checked} events verified before it)", file=sys.stderr)
        return 1
    print(f"审计链完整 / audit chain intact: {result.checked} events verified")
    if getattr(args, "skip_evidence", False):
        return 0
    return _verify_evidence(db, getattr(args, "evidence_dir", None))


def _verify_evidence(db, evidence_dir: str | None) -> int:  # type: ignore[no-untyped-def]
    """Re-hash the evidence files the log recorded (console/evidence/integrity.py): the store's files, or the copies
    a replay file carries (only its period's; evidence recorded earlier is outside the file by design)."""
    from datetime import datetime
    from pathlib import Path

    from console.config import evidence_dir as default_dir
    from console.evidence.integrity import EvidenceFiles, verify_evidence
    from console.evidence.replay_embed import EmbeddedEvidence
    from console.evidence.store import EvidenceStore
    from console.replay.source import read_replay_meta
    from console.storage.eventstore import as_utc

    files: EvidenceFiles
    since = None
    meta = read_replay_meta(db)
    if evidence_dir is None and meta and EmbeddedEvidence.present(db):
        since = as_utc(datetime.fromisoformat(meta["from_utc"])) if "from_utc" in meta else None
        files = EmbeddedEvidence(db)
    else:
        files = EvidenceStore(Path(evidence_dir) if evidence_dir else default_dir())
    with db.read_session() as s:
        ev = verify_evidence(s, files, since)
    if ev.ok:
        earlier = f"; {ev.out_of_period} recorded before the file's period (not in it)" if ev.out_of_period else ""
        print(f"证据文件完整 / evidence intact: {ev.checked} files re-hashed in {files.root}{earlier}")
        return 0
    print(f"证据文件被改动或缺失 / evidence BROKEN at event {ev.seq} (case {ev.case_id}): {ev.problem} "
          f"({ev.checked} files verified before it)", file=sys.stderr)
    return 1


def workflow(args: argparse.Namespace) -> int:
    from console.domain.workflow import default_workflow

    print_json(default_workflow().to_json())
    return 0


def taxonomy(args: argparse.Namespace) -> int:
    from console.domain.taxonomy import default_taxonomy

    tax = default_taxonomy()
    if args.format == "json":
        print_json(tax.to_json())
    else:
        print_table([[c.code, c.kind_zh, c.major_name, c.minor_name] for c in tax.categories.values()],
                    ["code", "kind", "major", "minor"])
    return 0


def geo_import(args: argparse.Namespace) -> int:
    from console.services.geo_admin import import_layer
    from console.storage.db import open_database

    summary = import_layer(open_database(args.db), args.file, args.layer, args.crs)
    print_json(summary)
    return 0


def demo(args: argparse.Namespace) -> int:
    try:
        from widgets.app import run_demo
    except ImportError as exc:  # pragma: no cover - GUI stack missing
        raise StorageError(f"无法启动图形界面：{exc}", f"cannot start the GUI: {exc}") from exc
    return run_demo(args)
