"""Importing official boundary layers: the geography in force is replaced and every case's codes follow it.

Case codes (grid, community, subdistrict) are derived facts; when the geography changes they are re-derived and the
changes recorded as ``relocate`` events by the system, so the audit trail shows why a case's grid changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from console.domain.enums import Role
from console.geo.importer import ImportLayer, apply_import, describe_layer, read_layer
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.geo_context import GeoContext, load_geo_context
from console.storage import eventstore, projection
from console.storage.db import Database
from console.storage.eventstore import EventDraft
from console.storage.geo_repo import replace_records
from console.storage.models import CaseRow

SYSTEM = Actor(Role.SYSTEM, "geo-import")


def import_layer(db: Database, path: str, layer: ImportLayer, crs: str | None = None) -> dict[str, Any]:
    """Import one official layer; returns a summary (features, approximate flag, cases relocated)."""
    frame = read_layer(Path(path), crs=crs, layer=layer)
    current = load_geo_context(db)
    updated = apply_import(current.geography, layer, frame)
    replace_records(db, updated.to_records())
    relocated = relocate_cases(ServiceContext(db, _geo=GeoContext(updated)))
    return {"layer": layer, "file": str(path), "features": len(frame), "summary": describe_layer(frame),
            "approximate": bool(updated.is_approximate), "unit_grids": len(updated.grids),
            "cases_relocated": relocated}


def relocate_cases(ctx: ServiceContext, batch: int = 5_000) -> int:
    """Re-derive every case's grid/community/subdistrict from the geography in force; record the changes."""
    geo = ctx.geo
    with ctx.db.read_session() as s:
        rows = s.execute(select(CaseRow.id, CaseRow.lon, CaseRow.lat, CaseRow.grid_code, CaseRow.community_code,
                                CaseRow.subdistrict_code)).all()
    if not rows:
        return 0
    located = geo.locator.locate(np.array([r.lon for r in rows]), np.array([r.lat for r in rows]))
    changes: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for i, r in enumerate(rows):
        new = {"grid_code": str(located.grid_code[i]) or None, "community_code": str(located.community_code[i]) or None,
               "subdistrict_code": str(located.subdistrict_code[i]) or None}
        old = {"grid_code": r.grid_code, "community_code": r.community_code, "subdistrict_code": r.subdistrict_code}
        if new != old:
            new["community_name"] = geo.names.get(new["community_code"] or "")
            new["subdistrict_name"] = geo.names.get(new["subdistrict_code"] or "")
            changes.append((r.id, old, new))
    now = ctx.clock.now_utc()
    for i in range(0, len(changes), batch):
        with ctx.db.session() as s:
            head = eventstore.lock_chain(s)
            drafts = [EventDraft(actor=SYSTEM.user, role=SYSTEM.role.value, action="relocate", entity_type="case",
                                 entity_id=cid, case_id=cid, ts_utc=now, before=old, after=new,
                                 reason="geography replaced by an imported official layer")
                      for cid, old, new in changes[i:i + batch]]
            stored = eventstore.append(s, drafts, head)
            projection.apply(s, stored)
    return len(changes)
