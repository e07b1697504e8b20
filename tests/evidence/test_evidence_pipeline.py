"""Camera event → registry → violation → case with hashed evidence, through the gateway's feed processor."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from console.cli.main import main as cli_main
from console.evidence.camera_client import CameraClient
from console.evidence.pipeline import MuckTruckPipeline
from console.evidence.registry import PermitRegistry
from console.evidence.rules import load_muck_rules
from console.evidence.store import EvidenceStore, sha256_file
from console.feeds.positions import DeviceMapping, PositionIngest
from console.feeds.processor import FeedProcessor
from console.feeds.rules import load_rules
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.intake import IntakeService
from console.storage.models import CaseRow
from console.storage.models_evidence import MuckSightingRow

from .conftest import MONDAY_1000_LOCAL, base_url, frigate, permit

ADMIN = Actor.parse("admin:t")


def make_processor(ctx: ServiceContext, root: Path, camera_url: str | None) -> FeedProcessor:
    registry = PermitRegistry(ctx)
    camera = CameraClient(camera_url, timeout_s=2, retries=0) if camera_url else None
    pipeline = MuckTruckPipeline(ctx, registry, EvidenceStore(root), load_muck_rules(), camera)
    positions = PositionIngest(ctx.db, DeviceMapping({}), clock=ctx.clock.now_utc)
    return FeedProcessor(ctx, positions, IntakeService(ctx), load_rules(), camera_hook=pipeline)


def import_permits(ctx: ServiceContext, tmp_path: Path, *records: dict[str, Any]) -> None:
    import json

    from console.evidence.registry import PermitRegistry

    # the API shape doubles as an import via the registry's own validation path
    reg = PermitRegistry(ctx)
    path = tmp_path / "permits.csv"
    lines = ["plate,company,permit_type,permit_no,valid_from,valid_to,allowed_hours,corridor,corridor_buffer_m"]
    for r in records:
        corridor = json.dumps(r["corridor"][0]).replace('"', '""') if r.get("corridor") else ""
        lines.append(f'{r["plate"]},{r["company"]},{r["permit_type"]},{r["permit_no"]},{r["valid_from"]},'
                     f'{r["valid_to"]},{";".join(r["allowed_hours"])},"{corridor}",{r.get("corridor_buffer_m", "")}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert reg.import_file(path, ADMIN).ok


def cases(ctx: ServiceContext) -> list[CaseRow]:
    with ctx.db.read_session() as s:
        return list(s.scalars(select(CaseRow).order_by(CaseRow.id)))


def test_unregistered_truck_becomes_a_case_with_hashed_evidence(ev_ctx: ServiceContext, store_root: Path,
                                                                camera_api: Any) -> None:
    proc = make_processor(ev_ctx, store_root, base_url(camera_api))
    assert proc.handle("frigate/events", frigate("new", "1700000000.1-aa", "CAM-LK01")) == "accepted"
    [case] = cases(ev_ctx)
    assert case.category_code == "E0305" and case.source == "camera_ai"
    assert "沪A·***45" in (case.description or "") and "沪A12345" not in (case.description or "")
    shown = CaseService(ev_ctx).get_case(case.id)
    kinds = [e["kind"] for e in shown["evidence"]]
    assert kinds == ["camera_event", "snapshot", "registry_record", "sightings_track"]
    for item in shown["evidence"]:
        assert Path(item["path"]).is_file() and sha256_file(Path(item["path"])) == (item["sha256"], item["size"])
        assert item["path"].startswith(str(store_root))
    snap = shown["evidence"][1]
    assert snap["url"].endswith("/api/events/1700000000.1-aa/snapshot.jpg") and snap["media_type"] == "image/jpeg"

    # the end message brings the clip; a redelivery changes nothing
    assert proc.handle("frigate/events", frigate("end", "1700000000.1-aa", "CAM-LK01")) == "accepted"
    proc.handle("frigate/events", frigate("end", "1700000000.1-aa", "CAM-LK01"))
    shown = CaseService(ev_ctx).get_case(case.id)
    assert [e["kind"] for e in shown["evidence"]].count("clip") == 1
    assert sum(1 for h in camera_api.hits if h.endswith("clip.mp4")) == 1


def test_compliant_truck_leaves_only_a_sighting(ev_ctx: ServiceContext, store_root: Path, tmp_path: Path) -> None:
    import_permits(ev_ctx, tmp_path, permit("沪A12345"))
    proc = make_processor(ev_ctx, store_root, None)
    proc.handle("frigate/events", frigate("new", "1700000000.2-bb", "CAM-LK01"))
    assert cases(ev_ctx) == []
    with ev_ctx.db.read_session() as s:
        [row] = s.scalars(select(MuckSightingRow))
        assert row.case_id is None and row.facts["registry"] == "registered"
    assert not store_root.exists() or not any(store_root.rglob("*.jpg"))


def test_later_sightings_join_the_plates_case_within_the_window(ev_ctx: ServiceContext, store_root: Path) -> None:
    proc = make_processor(ev_ctx, store_root, None)  # no camera API: the event's own data is recorded
    proc.handle("frigate/events", frigate("new", "e1", "CAM-LK01"))
    ev_ctx.clock.advance(timedelta(minutes=20))  # type: ignore[attr-defined]
    proc.handle("frigate/events", frigate("new", "e2", "CAM-LK02", start=MONDAY_1000_LOCAL + timedelta(minutes=20)))
    proc.handle("frigate/events", frigate("new", "e3", "CAM-LK01", plate="沪B55555"))
    all_cases = cases(ev_ctx)
    assert len(all_cases) == 2
    first = CaseService(ev_ctx).get_case(all_cases[0].id)["evidence"]
    assert [e["kind"] for e in first] == ["camera_event", "registry_record", "sightings_track",
                                          "camera_event", "sightings_track"]
    import json

    track = json.loads(Path(first[-1]["path"]).read_text(encoding="utf-8"))
    assert [s["camera"] for s in track["sightings"]] == ["CAM-LK01", "CAM-LK02"]
    # after the window a new case opens
    late = MONDAY_1000_LOCAL + timedelta(days=2)
    ev_ctx.clock.set(late)  # type: ignore[attr-defined]
    proc.handle("frigate/events", frigate("new", "e4", "CAM-LK03", start=late))
    assert len(cases(ev_ctx)) == 3


def test_off_corridor_and_outside_hours(ev_ctx: ServiceContext, store_root: Path, tmp_path: Path) -> None:
    import_permits(ev_ctx, tmp_path, permit("沪A12345"), permit("沪D00001", allowed_hours=["22:00-05:00"]))
    proc = make_processor(ev_ctx, store_root, None)
    proc.handle("frigate/events", frigate("new", "c1", "CAM-LK02"))
    assert cases(ev_ctx) == []
    later = MONDAY_1000_LOCAL + timedelta(minutes=6)
    proc.handle("frigate/events", frigate("new", "c2", "CAM-LK03", start=later))
    [case] = cases(ev_ctx)
    assert case.category_code == "E0307" and (case.extra or {})["violations"][0]["kind"] == "off_corridor"
    proc.handle("frigate/events", frigate("new", "c3", "CAM-LK01", plate="沪D00001"))
    assert [c.category_code for c in cases(ev_ctx)] == ["E0307", "E0306"]


def test_uncovered_load_with_plate_uses_the_registry_case(ev_ctx: ServiceContext, store_root: Path,
                                                          tmp_path: Path) -> None:
    import_permits(ev_ctx, tmp_path, permit("沪A12345"))
    proc = make_processor(ev_ctx, store_root, None)
    proc.handle("frigate/events", frigate("new", "u1", "CAM-LK01", label="uncovered_load"))
    [case] = cases(ev_ctx)
    assert case.category_code == "E0304"


def test_camera_api_failures_never_stop_the_case(ev_ctx: ServiceContext, store_root: Path, camera_api: Any) -> None:
    camera_api.mode = "garbage"
    proc = make_processor(ev_ctx, store_root, base_url(camera_api))
    proc.handle("frigate/events", frigate("new", "g1", "CAM-LK01"))
    camera_api.mode = "fail"
    proc.handle("frigate/events", frigate("new", "g2", "CAM-LK01", plate="沪B55555"))
    assert len(cases(ev_ctx)) == 2
    for c in cases(ev_ctx):
        kinds = [e["kind"] for e in CaseService(ev_ctx).get_case(c.id)["evidence"]]
        assert "snapshot" not in kinds and "camera_event" in kinds


def test_not_a_muck_truck_or_no_plate_goes_the_generic_way(ev_ctx: ServiceContext, store_root: Path) -> None:
    proc = make_processor(ev_ctx, store_root, None)
    proc.handle("frigate/events", frigate("new", "n1", "CAM-LK01", plate=None))
    proc.handle("frigate/events", frigate("new", "n2", "CAM-LK01", label="car"))
    assert cases(ev_ctx) == []
    proc.handle("frigate/events", frigate("new", "n3", "CAM-LK01", label="uncovered_load", plate=None))
    [case] = cases(ev_ctx)
    assert case.category_code == "E0304" and CaseService(ev_ctx).get_case(case.id)["evidence"] == []


def test_audit_verify_re_hashes_evidence(sqlite_ctx: ServiceContext, sqlite_url: str, store_root: Path,
                                         camera_api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    proc = make_processor(sqlite_ctx, store_root, base_url(camera_api))
    proc.handle("frigate/events", frigate("new", "t1", "CAM-LK01"))
    assert cli_main(["audit", "verify", "--db", sqlite_url]) == 0
    assert "4 files re-hashed" in capsys.readouterr().out
    [case] = cases(sqlite_ctx)
    snap = next(e for e in CaseService(sqlite_ctx).get_case(case.id)["evidence"] if e["kind"] == "snapshot")
    path = Path(snap["path"])
    original = path.read_bytes()
    path.write_bytes(original[:-1] + b"\x00")
    assert cli_main(["audit", "verify", "--db", sqlite_url]) == 1
    err = capsys.readouterr().err
    assert "evidence BROKEN" in err and "content changed" in err and snap["sha256"][:12] in err
    assert cli_main(["audit", "verify", "--db", sqlite_url, "--skip-evidence"]) == 0
    path.unlink()
    assert cli_main(["audit", "verify", "--db", sqlite_url]) == 1
    assert "missing" in capsys.readouterr().err


def test_case_show_json_lists_evidence(sqlite_ctx: ServiceContext, sqlite_url: str, store_root: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    import json

    proc = make_processor(sqlite_ctx, store_root, None)
    proc.handle("frigate/events", frigate("new", "s1", "CAM-LK01"))
    [case] = cases(sqlite_ctx)
    capsys.readouterr()
    assert cli_main(["case", "show", case.id, "--db", sqlite_url, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {e["kind"] for e in shown["evidence"]} == {"camera_event", "registry_record", "sightings_track"}
    assert all(len(e["sha256"]) == 64 and e["size"] > 0 and e["path"] for e in shown["evidence"])
    assert any(e["action"] == "evidence_captured" for e in shown["timeline"])
