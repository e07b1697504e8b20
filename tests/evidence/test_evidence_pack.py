"""Case flow to closure (on-site check, 法制审核 with a return, decision), evidence packs and the CLI."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from console.cli.main import main as cli_main
from console.errors import PermissionDeniedError, ValidationError
from console.evidence.pack import export_pack, verify_pack
from console.evidence.store import EvidenceStore
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.models import CaseRow, EventRow

from .conftest import base_url, frigate
from .test_evidence_pipeline import make_processor

A = Actor.parse


def violating_case(ctx: ServiceContext, root: Path, camera_url: str | None = None) -> str:
    proc = make_processor(ctx, root, camera_url)
    proc.handle("frigate/events", frigate("new", "p1", "CAM-LK01"))
    proc.handle("frigate/events", frigate("end", "p1", "CAM-LK01"))
    with ctx.db.read_session() as s:
        return str(s.scalars(select(CaseRow.id)).one())


def add_officer(ctx: ServiceContext) -> None:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        w.upsert_entity("officer", "OF01", {"name": "李强", "post": "officer", "status": "on_duty_idle",
                                            "active": True, "certified": True}, A("admin:t"))
        w.flush()


def test_case_goes_through_on_site_check_and_legal_review_to_closure(ev_ctx: ServiceContext, store_root: Path) -> None:
    case_id = violating_case(ev_ctx, store_root)
    add_officer(ev_ctx)
    svc = CaseService(ev_ctx)
    svc.act(case_id, "accept", A("call_taker:c"))
    svc.act(case_id, "file", A("shift_leader:s"))
    svc.act(case_id, "assign", A("dispatcher:d"), target="OF01")
    svc.act(case_id, "receive", A("handler:OF01"))
    svc.act(case_id, "report_back", A("handler:OF01"), payload={"onsite_result": "现场核实：车辆无准运证，驾驶员在场"})
    svc.act(case_id, "check", A("inspector:i"))
    svc.act(case_id, "submit_legal_review", A("shift_leader:s"))
    with pytest.raises(ValidationError):
        svc.act(case_id, "legal_return", A("legal_reviewer:l"))  # a return needs its reasons
    returned = svc.act(case_id, "legal_return", A("legal_reviewer:l"), reason="缺少驾驶员笔录")
    assert returned["status"] == "dispatched"
    svc.act(case_id, "receive", A("handler:OF01"))
    svc.act(case_id, "report_back", A("handler:OF01"), payload={"onsite_result": "补充笔录"})
    svc.act(case_id, "check", A("inspector:i"))
    svc.act(case_id, "submit_legal_review", A("shift_leader:s"))
    decision = {"decision_no": "长城管罚字〔2026〕第0123号", "decision": "罚款人民币伍仟元",
                "legal_basis": "《上海市建筑垃圾处理管理规定》"}
    svc.act(case_id, "legal_approve", A("legal_reviewer:l"), payload={"decision": decision})
    closed = svc.act(case_id, "close", A("shift_leader:s"))
    assert closed["status"] == "closed"
    events = svc.events(case_id=case_id)
    approve = next(e for e in events if e.action == "legal_approve")
    assert approve.payload == {"decision": decision}
    assert [e.reason for e in events if e.action == "legal_return"] == ["缺少驾驶员笔录"]


def test_pack_exports_verifies_and_detects_tampering(ev_ctx: ServiceContext, store_root: Path, camera_api: Any,
                                                     tmp_path: Path) -> None:
    case_id = violating_case(ev_ctx, store_root, base_url(camera_api))
    out = tmp_path / "pack"
    manifest = export_pack(ev_ctx, case_id, out, A("shift_leader:s"), EvidenceStore(store_root), make_zip=True)
    kinds = [f["kind"] for f in manifest["files"]]
    assert kinds[:4] == ["camera_event", "snapshot", "registry_record", "sightings_track"] and "clip" in kinds
    assert manifest["registry_record"]["status"] == "not_registered"
    assert manifest["sightings"]["sightings"][0]["camera"] == "CAM-LK01"
    assert {e["action"] for e in manifest["events"]} >= {"create", "evidence_captured"}
    assert verify_pack(out).ok and verify_pack(out.with_suffix(".zip")).ok
    # the export is audited, with the full read of the plate
    with ev_ctx.db.read_session() as s:
        audit = [(e.action, e.entity_id) for e in s.scalars(select(EventRow).where(EventRow.entity_type == "audit"))]
    assert ("export", "export") in audit
    victim = out / manifest["files"][1]["name"]
    victim.write_bytes(victim.read_bytes() + b"!")
    bad = verify_pack(out)
    assert not bad.ok and "does not match" in bad.problems[0]
    (out / "files" / "extra.txt").write_text("x", encoding="utf-8")
    assert any("unlisted" in p for p in verify_pack(out).problems)
    manifest_path = out / "manifest.json"
    manifest_path.write_text(manifest_path.read_text(encoding="utf-8").replace("CAM-LK01", "CAM-LK09"), encoding="utf-8")
    assert any("manifest.sha256" in p for p in verify_pack(out).problems)
    with zipfile.ZipFile(out.with_suffix(".zip")) as zf:
        assert "manifest.json" in zf.namelist()


def test_pack_refuses_roles_and_tampered_store(ev_ctx: ServiceContext, store_root: Path, tmp_path: Path) -> None:
    case_id = violating_case(ev_ctx, store_root)
    with pytest.raises(PermissionDeniedError):
        export_pack(ev_ctx, case_id, tmp_path / "a", A("dispatcher:d"), EvidenceStore(store_root))  # no read_plate
    with pytest.raises(PermissionDeniedError):
        export_pack(ev_ctx, case_id, tmp_path / "b", A("legal_reviewer:l"), EvidenceStore(store_root))  # no export
    [f] = [e for e in CaseService(ev_ctx).get_case(case_id)["evidence"] if e["kind"] == "registry_record"]
    Path(f["path"]).write_text("{}", encoding="utf-8")
    from console.errors import DataFileError

    with pytest.raises(DataFileError):
        export_pack(ev_ctx, case_id, tmp_path / "c", A("shift_leader:s"), EvidenceStore(store_root))
    assert not (tmp_path / "c").exists()


def test_cli_registry_and_evidence_commands(sqlite_ctx: ServiceContext, sqlite_url: str, store_root: Path,
                                            tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = tmp_path / "p.csv"
    csv_path.write_text("plate,company,permit_type,permit_no,valid_from,valid_to\n"
                        "沪A77777,戊公司,准运,ZY7,2026-01-01,2026-12-31\n", encoding="utf-8")
    assert cli_main(["registry", "import", str(csv_path), "--db", sqlite_url]) == 0
    assert cli_main(["registry", "show", "沪A77777", "--db", sqlite_url]) == 0  # dispatcher: masked
    out = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert out["plate"] == "沪A·***77" and out["record"]["plate"] == "沪A·***77"
    assert cli_main(["registry", "show", "沪A77777", "--db", sqlite_url, "--as", "legal_reviewer:l"]) == 0
    assert json.loads(capsys.readouterr().out)["plate"] == "沪A77777"
    with sqlite_ctx.db.read_session() as s:
        reads = list(s.scalars(select(EventRow).where(EventRow.action == "pii_read")))
    assert len(reads) == 1 and reads[0].payload["fields"] == ["plate"]
    bad = tmp_path / "bad.csv"
    bad.write_text("plate,company,permit_type,permit_no,valid_from,valid_to\nxx,a,b,c,d,e\n", encoding="utf-8")
    assert cli_main(["registry", "import", str(bad), "--db", sqlite_url]) == 1
    assert cli_main(["registry", "show", "沪B00000", "--db", sqlite_url]) == 2

    case_id = violating_case(sqlite_ctx, store_root)
    capsys.readouterr()
    pack = tmp_path / "pack"
    assert cli_main(["evidence", "export", case_id, "--out", str(pack), "--zip", "--db", sqlite_url,
                     "--as", "shift_leader:s"]) == 0
    assert cli_main(["evidence", "verify", str(pack)]) == 0
    assert cli_main(["evidence", "verify", str(pack.with_suffix(".zip")), "--format", "json"]) == 0
    assert cli_main(["evidence", "export", case_id, "--out", str(pack), "--db", sqlite_url, "--as", "shift_leader:s"]) == 2
    next((pack / "files").iterdir()).write_bytes(b"tampered")
    assert cli_main(["evidence", "verify", str(pack)]) == 1


def test_cli_legal_approve_records_the_decision_and_refuses_bad_ones(
        sqlite_ctx: ServiceContext, sqlite_url: str, store_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """法制审核 from the command line: the decision goes into the approval event; malformed ones change nothing."""
    case_id = violating_case(sqlite_ctx, store_root)
    add_officer(sqlite_ctx)
    steps = [("accept", "call_taker:c", []), ("file", "shift_leader:s", []),
             ("assign", "dispatcher:d", ["--to", "OF01"]), ("receive", "handler:OF01", []),
             ("report_back", "handler:OF01", []), ("check", "inspector:i", []),
             ("submit_legal_review", "shift_leader:s", [])]
    for action, actor, extra in steps:
        assert cli_main(["case", "act", case_id, action, "--as", actor, "--db", sqlite_url, *extra]) == 0, action
    approve = ["case", "act", case_id, "legal_approve", "--as", "legal_reviewer:l", "--db", sqlite_url]
    capsys.readouterr()
    assert cli_main([*approve, "--decision", "罚款"]) == 2  # no document number
    assert "决定书文号" in capsys.readouterr().err
    assert cli_main([*approve, "--decision-no", "长城管罚字〔2026〕第0123号", "--decision", "罚款",
                     "--fine-cny", "-5"]) == 2
    assert cli_main(["case", "act", case_id, "note", "--as", "legal_reviewer:l", "--db", sqlite_url,
                     "--reason", "x", "--decision-no", "N1", "--decision", "d"]) == 2  # a decision only with approval
    with sqlite_ctx.db.read_session() as s:
        assert not list(s.scalars(select(EventRow).where(EventRow.action == "legal_approve")))
    assert cli_main([*approve, "--decision-no", "长城管罚字〔2026〕第0123号", "--decision", "罚款人民币伍仟元",
                     "--legal-basis", "《上海市建筑垃圾处理管理规定》", "--fine-cny", "5000"]) == 0
    with sqlite_ctx.db.read_session() as s:
        event = s.scalars(select(EventRow).where(EventRow.action == "legal_approve")).one()
    assert event.payload == {"decision": {"decision_no": "长城管罚字〔2026〕第0123号", "decision": "罚款人民币伍仟元",
                                          "legal_basis": "《上海市建筑垃圾处理管理规定》", "fine_cny": 5000.0}}
    assert cli_main(["case", "act", case_id, "close", "--as", "shift_leader:s", "--db", sqlite_url]) == 0
