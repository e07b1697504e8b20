"""Unvisited duty grids (责任网格长时间无人巡查): a grid assigned on the current shift with no fix inside it for the
configured time raises an alert; a fix inside it again clears it.

The alert is state of a ``duty_grid`` entity (projected into ``assets``, kind ``duty_grid``): status ``unvisited`` or
``ok``, changed only by events (action ``grid_unvisited`` / ``grid_visited``, actor system:patrol), so the ticker,
the map and any seat see it the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import shapely
from sqlalchemy import select

from console.domain.enums import Role
from console.duty.coverage import CoverageConfig, GridCells, default_config
from console.duty.patterns import LOCAL_TZ
from console.duty.roster import ON, RosterService
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.services.actor import Actor
from console.services.writer import CaseWriter
from console.storage.models import PositionRow

PATROL_ACTOR = Actor(Role.SYSTEM, "patrol")
ENTITY = "duty_grid"


def check_unvisited(w: CaseWriter, now: datetime, cells: GridCells, config: CoverageConfig | None = None,
                    roster: RosterService | None = None, observed_since: datetime | None = None
                    ) -> list[tuple[str, str]]:
    """Raise or clear alerts at ``now``; returns (grid code, new status) for each change written.

    ``observed_since``: when the positions began to be watched (the checker's or the simulator's start). A grid is
    reported only after ``unvisited_alert_min`` of both its shift and the observation, so a console that starts in the
    middle of a shift does not accuse every grid at once for fixes it never had the chance to see."""
    cfg = config or default_config()
    roster = roster or RosterService(w.ctx)
    window = timedelta(minutes=cfg.unvisited_alert_min)
    states = roster.states_at(now)
    on_shift = [oid for oid, st in states.items() if st == ON or st == "break"]
    if not on_shift:
        return []
    today_entries = roster.entries((now - timedelta(days=1)).astimezone(LOCAL_TZ).date(), 2, officer_ids=on_shift)
    watched: dict[str, tuple[datetime, list[str]]] = {}  # grid → (earliest shift start, officers)
    for e in today_entries:
        if e.state_at(now) is None or e.start_utc is None:
            continue
        for g in e.duty_grids:
            start, who = watched.get(g, (e.start_utc, []))
            watched[g] = (min(start, e.start_utc), [*who, e.officer_id])
    if not watched:
        return []
    with w.ctx.db.read_session() as s:
        rows = s.execute(select(PositionRow.lon, PositionRow.lat).where(
            PositionRow.ts_utc > now - window, PositionRow.ts_utc <= now)).all()
    visited: set[int] = set()
    if rows:
        x, y = lonlat_wgs84_to_xy_m(np.array([r.lon for r in rows]), np.array([r.lat for r in rows]))
        idx = [cells.index[g] for g in watched if g in cells.index]
        tree = shapely.STRtree(cells.geoms_m[idx])
        _, hit = tree.query(shapely.points(x, y), predicate="within")
        visited = {idx[int(k)] for k in np.unique(hit)}
    changes: list[tuple[str, str]] = []
    for g, (start, who) in sorted(watched.items()):
        k = cells.index.get(g)
        if k is None:
            continue
        current = w.state(ENTITY, g) or {}
        if k in visited:
            if current.get("status") == "unvisited":
                w.upsert_entity(ENTITY, g, {"status": "ok", "last_check_utc": now.isoformat()}, PATROL_ACTOR,
                                action="grid_visited", ts_utc=now, reason=f"责任网格 {cells.names[k]} 已有队员巡查")
                changes.append((g, "ok"))
        elif now - max(start, observed_since or start) >= window and current.get("status") != "unvisited":
            minutes = int(cfg.unvisited_alert_min)
            fields: dict[str, Any] = {"name": cells.names[k], "subdistrict_code": cells.subdistricts[k],
                                      "status": "unvisited", "officers": sorted(who), "last_check_utc": now.isoformat()}
            w.upsert_entity(ENTITY, g, fields, PATROL_ACTOR, action="grid_unvisited", ts_utc=now,
                            reason=f"责任网格 {cells.names[k]} 已超过 {minutes} 分钟无人巡查（责任人：{'、'.join(sorted(who))}）")
            changes.append((g, "unvisited"))
    return changes


def unvisited_grids(alert_states: dict[str, dict[str, Any]]) -> list[str]:
    """Grid codes whose alert is raised, from a World's ``assets['duty_grid']`` (or projected states)."""
    return sorted(g for g, st in alert_states.items() if st.get("status") == "unvisited")
