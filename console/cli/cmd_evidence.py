"""``urbanops registry sync|import|show`` and ``urbanops evidence export|verify``: non-site enforcement (非现场执法).

The permit registry (渣土车备案/准运) syncs from the district big-data centre's API or imports a CSV/XLSX file;
evidence packs bundle a case's hashed files with a manifest. See docs/evidence.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from console.cli.output import print_json, print_table

DEFAULT_REGISTRY_ACTOR = "system:registry"


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def _add_settings(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, metavar="FILE", help="evidence settings YAML (default resources/evidence/evidence.yaml)")


def register(sub: Any) -> None:
    reg = sub.add_parser("registry", help="muck-truck permit registry (渣土车备案/准运): sync, import, show")
    actions = reg.add_subparsers(dest="registry_command", metavar="ACTION")
    p = actions.add_parser("sync", help="pull every permit from the big-data centre API (nothing written on failure)")
    _add_db(p)
    _add_settings(p)
    p.add_argument("--base-url", metavar="URL", help="API base URL (overrides config and $URBANOPS_REGISTRY_URL)")
    p.add_argument("--as", dest="actor", default=DEFAULT_REGISTRY_ACTOR, metavar="ROLE:USER")
    p.set_defaults(handler=registry_sync)
    p = actions.add_parser("import", help="import permits from a CSV or XLSX file (any bad row: nothing written)")
    _add_db(p)
    p.add_argument("file", type=Path)
    p.add_argument("--as", dest="actor", default=DEFAULT_REGISTRY_ACTOR, metavar="ROLE:USER")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=registry_import)
    p = actions.add_parser("show", help="a plate's permit (plate masked unless the role may read plates; audited)")
    _add_db(p)
    _add_settings(p)
    p.add_argument("plate")
    p.add_argument("--as", dest="actor", default="dispatcher:cli", metavar="ROLE:USER")
    p.add_argument("--lookup", action="store_true", help="ask the API when the cached answer is stale")
    p.set_defaults(handler=registry_show)

    ev = sub.add_parser("evidence", help="evidence packs of a case: export (folder/zip with manifest), verify")
    actions = ev.add_subparsers(dest="evidence_command", metavar="ACTION")
    p = actions.add_parser("export", help="write a case's evidence pack (files + manifest.json with hashes)")
    _add_db(p)
    p.add_argument("case_id")
    p.add_argument("--out", required=True, type=Path, metavar="DIR")
    p.add_argument("--zip", action="store_true", help="also write DIR.zip")
    p.add_argument("--as", dest="actor", required=True, metavar="ROLE:USER", help="needs export and read_plate")
    p.add_argument("--evidence-dir", type=Path, metavar="DIR", help="evidence store root (default: $URBANOPS_EVIDENCE_DIR)")
    p.add_argument("--purpose", help="why (kept in the audit event)")
    p.set_defaults(handler=evidence_export)
    p = actions.add_parser("verify", help="check a pack folder or zip against its manifest (exit 1 if not intact)")
    p.add_argument("pack", type=Path)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=evidence_verify)


def _context(db_url: str | None) -> Any:
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    return ServiceContext(open_database(db_url))


def _registry(args: argparse.Namespace, base_url: str | None = None) -> Any:
    from console.evidence.settings import build_registry, load_settings

    return build_registry(_context(args.db), load_settings(getattr(args, "config", None), registry_url=base_url))


def registry_sync(args: argparse.Namespace) -> int:
    from console.cli.acting import acting_as

    registry = _registry(args, args.base_url)
    report = registry.sync(acting_as(registry.ctx.db, args.actor, "manage_reference"))
    print_json(report.to_json())
    return 0 if report.ok else 1


def registry_import(args: argparse.Namespace) -> int:
    import sys

    from console.cli.acting import acting_as

    registry = _registry(args)
    report = registry.import_file(args.file, acting_as(registry.ctx.db, args.actor, "manage_reference"))
    if args.format == "json":
        print_json(report.to_json())
    elif report.ok:
        print(f"导入 {report.written} 条（新增 {report.added}，更新 {report.updated}） / imported {report.written} permits")
    else:
        print(f"未导入：{len(report.errors)} 行有误 / nothing imported: {len(report.errors)} bad rows", file=sys.stderr)
        print_table([[e.row, e.field, e.message_zh, e.message_en] for e in report.errors[:200]],
                    ["行/row", "字段/field", "原因", "reason"])
    return 0 if report.ok else 1


def registry_show(args: argparse.Namespace) -> int:
    from console.cli.acting import acting_as
    from console.errors import NotFoundError
    from console.security.audit import pii_read_draft, record_audit_events
    from console.security.permissions import allowed
    from console.security.privacy import redact

    registry = _registry(args)
    actor = acting_as(registry.ctx.db, args.actor)  # a full plate read is an audited event in the user's name
    if args.lookup:
        registry.lookup(args.plate)
    row = registry.show(args.plate)
    if row is None:
        raise NotFoundError(f"备案库中没有车牌 {args.plate}", f"plate {args.plate} is not in the local registry")
    full = allowed(actor.role, "read_plate")
    out = row if full else redact(row, actor)
    if full:
        from console.security.privacy import mask_plate

        with registry.ctx.db.session() as s:
            record_audit_events(s, [pii_read_draft(actor, f"plate:{mask_plate(row['plate'])}", ["plate"],
                                                   registry.ctx.clock.now_utc(), "registry show")])
    print_json(out)
    return 0


def evidence_export(args: argparse.Namespace) -> int:
    from console.cli.acting import acting_as
    from console.config import evidence_dir
    from console.evidence.pack import export_pack
    from console.evidence.store import EvidenceStore

    store = EvidenceStore(args.evidence_dir or evidence_dir())
    ctx = _context(args.db)
    manifest = export_pack(ctx, args.case_id, args.out, acting_as(ctx.db, args.actor, "export", "read_plate"), store,
                           make_zip=args.zip, purpose=args.purpose)
    print(f"证据包已导出 / evidence pack written: {args.out} ({len(manifest['files'])} files"
          + (f", {args.out.with_suffix('.zip')}" if args.zip else "") + ")")
    return 0


def evidence_verify(args: argparse.Namespace) -> int:
    import sys

    from console.evidence.pack import verify_pack

    result = verify_pack(args.pack)
    if args.format == "json":
        print_json(result.to_json())
    elif result.ok:
        print(f"证据包完整 / pack intact: case {result.case_id}, {result.checked} files verified")
    else:
        print(f"证据包不完整 / pack NOT intact ({args.pack}):", file=sys.stderr)
        for p in result.problems:
            print(f"  - {p}", file=sys.stderr)
    return 0 if result.ok else 1
