"""Demo muck-truck traffic for the seeder: the Linkong (临空) AI cameras see registered and violating trucks.

Deterministic for a seed: the demo registry (resources/evidence/demo_permits.csv) is imported, then a fixed script of
Frigate-shaped events for yesterday (local time) goes through the gateway's own feed processor and muck-truck
pipeline. Compliant trucks leave sightings only; the others open cases with evidence. When the video feature's
loopback camera server is available, snapshots (and one clip) are fetched from it; otherwise only the events' own
data is recorded.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from console.config import evidence_dir
from console.domain.enums import Role
from console.evidence.camera_client import CameraClient
from console.evidence.permits import LOCAL_TZ
from console.evidence.pipeline import MuckTruckPipeline
from console.evidence.registry import PermitRegistry
from console.evidence.rules import load_muck_rules
from console.evidence.store import EvidenceStore
from console.resources import resource_path
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.geo_context import GeoContext
from console.storage.db import Database

WEST_ZONE_EAST_EDGE_LON = 121.3580  # 沪A60004 may only drive west of this (demo_permits.csv)
# (local time, plate, camera role, label, ends with a clip)
SCRIPT: tuple[tuple[str, str, str, str, bool], ...] = (
    ("09:12", "沪A60001", "west", "muck_truck", False),      # 准运, whole Linkong zone: compliant
    ("09:40", "沪A60001", "east", "muck_truck", False),      # compliant again
    ("10:05", "沪E39127", "a", "muck_truck", True),          # not in the registry → 无证运输 (with its clip)
    ("10:35", "沪E39127", "b", "muck_truck", False),         # same plate, same window → evidence added
    ("10:50", "沪A60002", "c", "muck_truck", False),         # night-only permit at 10:50 → 超时段运输
    ("11:10", "沪A60003", "d", "muck_truck", False),         # 备案 only, no 准运 → 无证运输
    ("13:20", "沪A60004", "west", "muck_truck", False),      # inside its western zone: compliant
    ("13:45", "沪A60004", "east", "muck_truck", False),      # then east of it → 偏离路线
    ("14:30", "沪A60005", "c", "uncovered_load", False),     # valid permit, load uncovered → 未密闭
)


def _frigate(kind: str, event_id: str, camera: str, label: str, plate: str, start: datetime) -> bytes:
    after = {"id": event_id, "camera": camera, "label": label, "sub_label": None, "score": 0.88, "top_score": 0.91,
             "start_time": start.timestamp(), "end_time": start.timestamp() + 12 if kind == "end" else None,
             "current_zones": ["road"], "entered_zones": ["road"], "has_clip": kind == "end", "has_snapshot": True,
             "false_positive": False, "recognized_license_plate": plate, "recognized_license_plate_score": 0.94}
    return json.dumps({"type": kind, "before": after, "after": after}, ensure_ascii=False).encode()


def seed_muck_trucks(db: Database, geo: GeoContext, ai_cameras: Sequence[tuple[str, float, float, Any]],
                     now_utc: datetime, seed: int, store_root: Path | None = None,
                     camera_server: bool = True) -> dict[str, Any]:
    """Run the script through the gateway path; returns counts (events, sightings, cases, evidence files)."""
    from console.feeds.positions import DeviceMapping, PositionIngest
    from console.feeds.processor import FeedProcessor
    from console.feeds.rules import load_rules
    from console.services.intake import IntakeService

    if len(ai_cameras) < 4:
        return {"events": 0, "cases": 0}
    rng = random.Random(seed * 7919 + 6)
    day = (now_utc.astimezone(LOCAL_TZ) - timedelta(days=1)).date()
    by_lon = sorted(ai_cameras, key=lambda c: c[1])
    west = next((c for c in by_lon if c[1] < WEST_ZONE_EAST_EDGE_LON - 0.001), by_lon[0])
    east = by_lon[-1]
    others = [c for c in ai_cameras if c not in (west, east)]
    rng.shuffle(others)
    role = {"west": west, "east": east, "a": others[0], "b": others[1], "c": others[2], "d": others[3]}
    clock = ManualClock(datetime.combine(day, time(9, 0), LOCAL_TZ).astimezone(UTC))
    ctx = ServiceContext(db, clock=clock, _geo=geo)
    registry = PermitRegistry(ctx)
    registry.import_file(resource_path("evidence", "demo_permits.csv"), Actor(Role.SYSTEM, "seed"), source="demo")
    server = _start_camera_server(ai_cameras) if camera_server else None
    try:
        camera = CameraClient(server.base_url, timeout_s=30, retries=1) if server is not None else None
        pipeline = MuckTruckPipeline(ctx, registry, EvidenceStore(store_root or evidence_dir()), load_muck_rules(),
                                     camera)
        positions = PositionIngest(db, DeviceMapping({}), clock=clock.now_utc)
        processor = FeedProcessor(ctx, positions, IntakeService(ctx), load_rules(), camera_hook=pipeline)
        outcomes: list[str] = []
        for i, (hhmm, plate, cam_role, label, with_clip) in enumerate(SCRIPT):
            hh, mm = (int(x) for x in hhmm.split(":"))
            start = datetime.combine(day, time(hh, mm, rng.randrange(60)), LOCAL_TZ).astimezone(UTC)
            cam = role[cam_role][0]
            event_id = f"{start.timestamp():.1f}-mk{seed % 1000:03d}{i:02d}"
            if server is not None:
                server.register_event(event_id, cam, start.timestamp(), start.timestamp() + 12, label=label)
            clock.set(start + timedelta(seconds=2))
            outcomes.append(processor.handle("frigate/events", _frigate("new", event_id, cam, label, plate, start)))
            if with_clip:
                clock.set(start + timedelta(seconds=15))
                processor.handle("frigate/events", _frigate("end", event_id, cam, label, plate, start))
    finally:
        if server is not None:
            server.stop()
    from sqlalchemy import func, select

    from console.storage.models import EventRow
    from console.storage.models_evidence import MuckSightingRow

    with db.read_session() as s:
        sightings = int(s.execute(select(func.count()).select_from(MuckSightingRow)).scalar() or 0)
        case_ids = {c for (c,) in s.execute(select(MuckSightingRow.case_id).where(MuckSightingRow.case_id.is_not(None)))}
        files = int(s.execute(select(func.count()).select_from(EventRow).where(EventRow.entity_type == "evidence")).scalar() or 0)
    return {"events": len(SCRIPT), "accepted": outcomes.count("accepted"), "sightings": sightings,
            "cases": len(case_ids), "evidence_files": files, "camera_server": server is not None}


def _start_camera_server(cameras: Sequence[tuple[str, float, float, Any]]) -> Any:
    """The video feature's loopback camera server (Frigate endpoints), when that feature is installed."""
    try:
        from console.video.camera_server import CameraServer
    except ImportError:
        return None
    return CameraServer(cameras=[(c[0], c[0]) for c in cameras]).start()
