"""Camera event → plate → registry → violations → case with hashed evidence (非现场执法 pipeline).

The gateway's feed processor hands every Frigate event it stored to ``MuckTruckPipeline.handle`` when ``claims`` says
it is a muck truck with a recognised plate. Network work (registry lookup, snapshot/clip download, writing files to
the content-addressed store) happens before the write transaction; the decision (new case, or evidence added to the
plate's open case of the window) is taken again under the event-chain lock, so two gateways cannot open two cases for
one plate. Each evidence file is one ``evidence_captured`` event on the case carrying its SHA-256, size and address.
Compliant trucks only leave a sighting row: no case, no stored images (data minimisation).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from console.domain.enums import CaseStatus, Role
from console.evidence.camera_client import CameraClient, Media
from console.evidence.permits import RecordError, normalise_plate
from console.evidence.registry import Lookup, PermitRegistry, canonical_json
from console.evidence.rules import VIOLATION_ZH, MuckRules, Sighting, Violation, evaluate, is_uncovered
from console.evidence.store import EvidenceStore, StoredFile
from console.feeds.parsers import FrigateEvent
from console.security.privacy import mask_plate
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.eventstore import EventDraft, as_utc, iso_utc
from console.storage.models import CaseRow
from console.storage.models_evidence import MuckSightingRow

log = logging.getLogger(__name__)
PIPELINE_ACTOR = Actor(Role.SYSTEM, "gateway")
EVIDENCE_ENTITY = "evidence"
EVIDENCE_ACTION = "evidence_captured"
OPEN_STATUSES = frozenset(s.value for s in CaseStatus if s.is_open)


@dataclass(frozen=True)
class PendingFile:
    kind: str
    stored: StoredFile
    url: str | None = None


class MuckTruckPipeline:
    """The muck-truck half of the camera feed (see the module docstring)."""

    def __init__(self, ctx: ServiceContext, registry: PermitRegistry, store: EvidenceStore, rules: MuckRules,
                 camera: CameraClient | None = None, actor: Actor = PIPELINE_ACTOR) -> None:
        self.ctx = ctx
        self.registry = registry
        self.store = store
        self.rules = rules
        self.camera = camera
        self.actor = actor

    # ------------------------------------------------------------------ entry
    def claims(self, ev: FrigateEvent) -> bool:
        """A muck truck with a usable plate reading (label/sub_label and scores from the rules)."""
        if not ev.plate or not self.rules.is_truck(ev.label, ev.sub_label):
            return False
        if ev.plate_score is not None and ev.plate_score < self.rules.min_plate_score:
            return False
        if (ev.top_score or ev.score or 0.0) < self.rules.min_score:
            return False
        try:
            normalise_plate(ev.plate)
        except RecordError:
            return False
        return True

    def handle(self, ev: FrigateEvent, cam_lon: float, cam_lat: float, known_case: str | None = None) -> str | None:
        """Process one claimed event; returns the case it belongs to (None: compliant, no case)."""
        plate = normalise_plate(ev.plate)
        now = self.ctx.clock.now_utc()
        ts = ev.start_time_utc or now
        with self.ctx.db.read_session() as s:
            seen = s.execute(select(MuckSightingRow).where(MuckSightingRow.event_id == ev.id)).scalar_one_or_none()
            seen_case = None if seen is None else seen.case_id
            clip_done = False if seen is None else bool((seen.facts or {}).get("clip_sha256"))
        if seen is not None:
            if seen_case and ev.type == "end" and ev.has_clip and not clip_done:
                self._add_clip(ev, seen_case)
            return seen_case or known_case
        attributes = (ev.raw.get("after") or {}).get("attributes") if isinstance(ev.raw.get("after"), dict) else None
        sighting = Sighting(ev.camera, ts, cam_lon, cam_lat, is_uncovered(self.rules, ev.label, ev.sub_label, attributes))
        lookup = self.registry.lookup(plate)
        with self.ctx.db.read_session() as s:
            track = self._track(s, plate, ts)
            existing = known_case or self._open_case(s, plate, ts)
        violations = evaluate(self.rules, sighting, lookup.status, lookup.permit, track)
        files: list[PendingFile] = []
        if violations or existing:
            files = self._capture(ev, lookup, violations, with_registry=existing is None)
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            if s.execute(select(MuckSightingRow.id).where(MuckSightingRow.event_id == ev.id)).first() is not None:
                return known_case  # another gateway took this event first
            track = self._track(s, plate, ts)
            violations = evaluate(self.rules, sighting, lookup.status, lookup.permit, track)
            case_id = known_case or self._open_case(s, plate, ts)
            if case_id is None and violations:
                if not any(f.kind == "registry_record" for f in files):
                    files = self._capture(ev, lookup, violations, with_registry=True)
                case_id = self._create_case(w, plate, ev, cam_lon, cam_lat, violations)
            facts: dict[str, Any] = {"label": ev.label, "sub_label": ev.sub_label, "uncovered": sighting.uncovered,
                                     "violations": [v.kind for v in violations], "registry": lookup.status}
            if any(f.kind == "clip" for f in files):
                facts["clip_sha256"] = next(f.stored.sha256 for f in files if f.kind == "clip")
            s.add(MuckSightingRow(event_id=ev.id, plate=plate, camera=ev.camera, ts_utc=ts, lon=cam_lon, lat=cam_lat,
                                  facts=facts, case_id=case_id))
            s.flush()
            if case_id is not None:
                for f in files:
                    w.append_fact(self._draft(case_id, f, ev, violations))
                w.append_fact(self._draft(case_id, self._track_file(s, case_id), ev, violations))
            w.flush()
        return case_id

    # ------------------------------------------------------------------ pieces
    def _track(self, s: Any, plate: str, ts: datetime) -> list[Sighting]:
        since = ts - timedelta(seconds=max(self.rules.off_lookback_s, 1.0))
        rows = s.execute(select(MuckSightingRow).where(MuckSightingRow.plate == plate, MuckSightingRow.ts_utc >= since,
                                                       MuckSightingRow.ts_utc <= ts)).scalars()
        return [Sighting(r.camera, as_utc(r.ts_utc), r.lon, r.lat, bool((r.facts or {}).get("uncovered"))) for r in rows]

    def _open_case(self, s: Any, plate: str, ts: datetime) -> str | None:
        """The plate's open case created within the window before ``ts`` (one case per plate per window)."""
        since = ts - timedelta(seconds=self.rules.case_window_s)
        rows = s.execute(select(MuckSightingRow.case_id).where(
            MuckSightingRow.plate == plate, MuckSightingRow.case_id.is_not(None), MuckSightingRow.ts_utc >= since)
            .order_by(MuckSightingRow.ts_utc.desc()).limit(5)).all()
        for (case_id,) in rows:
            case = s.get(CaseRow, case_id)
            if case is not None and case.status in OPEN_STATUSES and as_utc(case.created_at) >= since:
                return str(case_id)
        return None

    def _create_case(self, w: CaseWriter, plate: str, ev: FrigateEvent, lon: float, lat: float,
                     violations: list[Violation]) -> str:
        kinds = [v.kind for v in violations]
        what = "、".join(VIOLATION_ZH[k] for k in kinds)
        state = w.create_case(
            category=self.rules.category_for(kinds), lon=lon, lat=lat, source="camera_ai", actor=self.actor,
            description=f"智能视频发现渣土车{what}：{mask_plate(plate)}（{ev.camera}）",
            extra={"camera_id": ev.camera, "camera_event_id": ev.id, "plate": plate, "muck_truck": True,
                   "violations": [v.to_json() for v in violations]})
        return str(state["id"])

    def _capture(self, ev: FrigateEvent, lookup: Lookup, violations: list[Violation], *,
                 with_registry: bool) -> list[PendingFile]:
        """Hash and store the event's own data, its snapshot (and clip, at the end), and the registry answer."""
        files = [PendingFile("camera_event", self.store.put(canonical_json(ev.raw), "application/json"))]
        if self.camera is not None and ev.has_snapshot:
            files += self._media("snapshot", self.camera.event_snapshot(ev.id), ev)
        if self.camera is not None and ev.type == "end" and ev.has_clip:
            files += self._media("clip", self.camera.event_clip(ev.id), ev)
        if with_registry:
            record = {**lookup.to_json(), "looked_up_utc": iso_utc(self.ctx.clock.now_utc()),
                      "violations": [v.to_json() for v in violations]}
            files.append(PendingFile("registry_record", self.store.put(canonical_json(record), "application/json")))
        return files

    def _media(self, kind: str, media: Media | None, ev: FrigateEvent) -> list[PendingFile]:
        if media is None:
            log.warning("no %s for camera event %s: %s", kind, ev.id, self.camera.last_error if self.camera else "-")
            return []
        return [PendingFile(kind, self.store.put(media.data, media.media_type), media.url)]

    def _add_clip(self, ev: FrigateEvent, case_id: str) -> None:
        if self.camera is None:
            return
        files = self._media("clip", self.camera.event_clip(ev.id), ev)
        if not files:
            return
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            row = s.execute(select(MuckSightingRow).where(MuckSightingRow.event_id == ev.id)).scalar_one()
            if (row.facts or {}).get("clip_sha256"):
                return
            row.facts = {**(row.facts or {}), "clip_sha256": files[0].stored.sha256}
            w.append_fact(self._draft(case_id, files[0], ev, []))
            w.flush()

    def _track_file(self, s: Any, case_id: str) -> PendingFile:
        rows = s.execute(select(MuckSightingRow).where(MuckSightingRow.case_id == case_id)
                         .order_by(MuckSightingRow.ts_utc, MuckSightingRow.id)).scalars()
        track = {"case_id": case_id, "sightings": [
            {"camera_event_id": r.event_id, "camera": r.camera, "ts_utc": iso_utc(r.ts_utc), "lon_wgs84": r.lon,
             "lat_wgs84": r.lat, "plate": r.plate, **{k: v for k, v in (r.facts or {}).items() if k != "clip_sha256"}}
            for r in rows]}
        return PendingFile("sightings_track", self.store.put(canonical_json(track), "application/json"))

    def _draft(self, case_id: str, f: PendingFile, ev: FrigateEvent, violations: list[Violation]) -> EventDraft:
        now = self.ctx.clock.now_utc()
        return EventDraft(
            actor=self.actor.user, role=self.actor.role.value, action=EVIDENCE_ACTION, entity_type=EVIDENCE_ENTITY,
            entity_id=f.stored.sha256, case_id=case_id, ts_utc=now,
            payload={"kind": f.kind, "sha256": f.stored.sha256, "size": f.stored.size, "path": f.stored.relpath,
                     "media_type": f.stored.media_type, "url": f.url, "camera": ev.camera,
                     "camera_event_id": ev.id, "captured_utc": iso_utc(now),
                     "violations": [v.kind for v in violations]})
