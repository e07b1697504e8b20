"""The seeder's muck-truck demo: Linkong AI cameras, demo registry, compliant and violating trucks (deterministic)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from console.evidence.demo import seed_muck_trucks
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.storage.models import CaseRow, EventRow
from console.storage.models_evidence import MuckSightingRow

from .conftest import demo_geo

NOW = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
# Linkong AI cameras as the seeder places them (around 121.36, 31.214), two of them west of the 121.358 zone edge.
AI = [("CAM-LK01", 121.3500, 31.2140, True), ("CAM-LK02", 121.3700, 31.2140, True), ("CAM-LK03", 121.3620, 31.2100, True),
      ("CAM-LK04", 121.3600, 31.2180, True), ("CAM-LK05", 121.3560, 31.2120, True), ("CAM-LK06", 121.3650, 31.2160, True)]


def _seed(ctx: ServiceContext, root: Path, server: bool) -> dict[str, object]:
    from console.domain.enums import Role
    from console.services.actor import Actor
    from console.services.writer import CaseWriter

    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        for cid, lon, lat, _ in AI:
            w.upsert_entity("camera", cid, {"name": cid, "lon": lon, "lat": lat, "camera_kind": "ai", "area": "linkong"},
                            Actor(Role.ADMIN, "t"))
        w.flush()
    return seed_muck_trucks(ctx.db, demo_geo(), AI, NOW, seed=3, store_root=root, camera_server=server)


def _violations(ctx: ServiceContext) -> dict[str, str]:
    with ctx.db.read_session() as s:
        rows = s.scalars(select(MuckSightingRow).where(MuckSightingRow.case_id.is_not(None)))
        by_case = {r.case_id: r.plate for r in rows}
        return {by_case[c.id]: c.category_code for c in s.scalars(select(CaseRow)) if c.id in by_case}


def test_demo_script_opens_cases_only_for_violations(sqlite_ctx: ServiceContext, tmp_path: Path) -> None:
    report = _seed(sqlite_ctx, tmp_path / "ev", server=False)
    assert report["sightings"] == 9 and report["cases"] == 5
    assert _violations(sqlite_ctx) == {"沪E39127": "E0305", "沪A60002": "E0306", "沪A60003": "E0305",
                                       "沪A60004": "E0307", "沪A60005": "E0304"}
    with sqlite_ctx.db.read_session() as s:
        compliant = list(s.scalars(select(MuckSightingRow).where(MuckSightingRow.plate == "沪A60001")))
        hashes = sorted(e.entity_id for e in s.scalars(select(EventRow).where(EventRow.entity_type == "evidence")))
    assert len(compliant) == 2 and all(r.case_id is None for r in compliant)
    # deterministic: the same script into a second database yields the same evidence, byte for byte
    from console.services.clock import ManualClock
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade

    other = Database(make_engine(f"sqlite:///{tmp_path / 'other.db'}"))
    upgrade(other)
    ctx2 = ServiceContext(other, clock=ManualClock(NOW), _geo=demo_geo())
    _seed(ctx2, tmp_path / "ev2", server=False)
    with other.read_session() as s:
        again = sorted(e.entity_id for e in s.scalars(select(EventRow).where(EventRow.entity_type == "evidence")))
    other.dispose()
    assert again == hashes


def test_demo_fetches_snapshots_and_a_clip_from_the_loopback_camera_server(sqlite_ctx: ServiceContext,
                                                                             tmp_path: Path) -> None:
    report = _seed(sqlite_ctx, tmp_path / "ev", server=True)
    assert report["camera_server"] is True
    with sqlite_ctx.db.read_session() as s:
        case_id = next(r.case_id for r in s.scalars(select(MuckSightingRow).where(MuckSightingRow.plate == "沪E39127")))
    kinds = [e["kind"] for e in CaseService(sqlite_ctx).get_case(str(case_id))["evidence"]]
    assert kinds.count("snapshot") == 2 and kinds.count("clip") == 1 and kinds.count("camera_event") == 2
