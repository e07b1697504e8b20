"""The World: Qt-free live state the UI renders (cases, officers, assets, clock), with psygnal signals.

It is filled from the projections once, then kept current by folding events from the log (``apply_events``) —
the same fold the projections use, so live, multi-seat and replay views agree by construction. Officer fixes arrive
on a separate fast path (``move_officers``) because they are not events. Widgets connect to the signals; they never
query the database themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from psygnal import Signal
from sqlalchemy import select

from console.domain.enums import CaseStatus
from console.storage import eventstore, projection
from console.storage.db import Database
from console.storage.eventstore import StoredEvent, as_utc
from console.storage.models import AssetRow, CaseRow, OfficerRow

STALE_FIX_S = 120.0


@dataclass
class CaseArrays:
    """Column view of the cases for vectorised drawing and filtering."""

    ids: npt.NDArray[np.object_]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    status: npt.NDArray[np.object_]
    category_code: npt.NDArray[np.object_]
    priority: npt.NDArray[np.object_]
    overdue: npt.NDArray[np.bool_]
    is_open: npt.NDArray[np.bool_]


@dataclass
class OfficerArrays:
    ids: npt.NDArray[np.object_]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    status: npt.NDArray[np.object_]
    heading_deg: npt.NDArray[np.float64]
    fix_age_s: npt.NDArray[np.float64]


def _ts(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


class World:
    """Live state at time ``now_utc``; one instance per window (or per replay / drill sandbox)."""

    cases_changed = Signal(object)  # list[str] of case ids, or None when everything changed
    officers_changed = Signal(object)  # list[str] of officer ids, or None
    officers_moved = Signal(object)  # list[str] of officer ids whose fix changed
    assets_changed = Signal(object)  # list[tuple[kind, id]] or None
    event_applied = Signal(object)  # StoredEvent, in sequence order
    clock_changed = Signal(object)  # datetime (aware UTC)

    def __init__(self) -> None:
        self.cases: dict[str, dict[str, Any]] = {}
        self.officers: dict[str, dict[str, Any]] = {}
        self.assets: dict[str, dict[str, dict[str, Any]]] = {}
        self.last_seq = 0
        self.now_utc = datetime.now(UTC)
        self._case_arrays: CaseArrays | None = None
        self._officer_index: dict[str, int] = {}
        self._officer_arrays: OfficerArrays | None = None

    # ------------------------------------------------------------------ loading
    def load(self, db: Database) -> None:
        """Fill from the current-state tables (fast), remembering the log position to tail from."""
        with db.read_session() as s:
            self.last_seq = eventstore.last_seq(s)
            # Core rows (not ORM objects): several times faster for 100k cases.
            cases, officers, assets = CaseRow.__table__, OfficerRow.__table__, AssetRow.__table__
            self.cases = {r.id: projection.row_to_state(projection.CASE, r) for r in s.execute(select(cases))}
            self.officers = {r.id: projection.row_to_state(projection.OFFICER, r) for r in s.execute(select(officers))}
            self.assets = {}
            for r in s.execute(select(assets)):
                spec = projection.SPECS[r.kind]
                self.assets.setdefault(r.kind, {})[r.id] = projection.row_to_state(spec, r)
        self._invalidate()
        self.cases_changed.emit(None)
        self.officers_changed.emit(None)
        self.assets_changed.emit(None)

    def reset(self, cases: dict[str, dict[str, Any]], officers: dict[str, dict[str, Any]],
              assets: dict[str, dict[str, dict[str, Any]]], last_seq: int) -> None:
        """Replace the whole state at once (a replay jump, a drill sandbox) and tell every view."""
        self.cases, self.officers, self.assets, self.last_seq = cases, officers, assets, last_seq
        self._invalidate()
        self.cases_changed.emit(None)
        self.officers_changed.emit(None)
        self.assets_changed.emit(None)

    def apply_events(self, events: Iterable[StoredEvent], *, in_time_order: bool = False) -> int:
        """Fold events (in seq order) into the state and emit what changed; returns how many were applied.

        ``in_time_order``: the caller (replay) gives events ordered by time, whose seq may go backwards; fold them
        all instead of skipping those at or below ``last_seq``.
        """
        changed_cases: list[str] = []
        changed_officers: list[str] = []
        changed_assets: list[tuple[str, str]] = []
        count = 0
        for ev in events:
            if ev.seq <= self.last_seq and not in_time_order:
                continue
            self.last_seq = max(self.last_seq, ev.seq)
            count += 1
            if ev.entity_type == "case":
                self.cases[ev.entity_id] = projection.fold(self.cases.get(ev.entity_id), ev)
                changed_cases.append(ev.entity_id)
            elif ev.entity_type == "officer":
                self.officers[ev.entity_id] = projection.fold(self.officers.get(ev.entity_id), ev)
                changed_officers.append(ev.entity_id)
            elif ev.entity_type in projection.SPECS:
                bucket = self.assets.setdefault(ev.entity_type, {})
                bucket[ev.entity_id] = projection.fold(bucket.get(ev.entity_id), ev)
                changed_assets.append((ev.entity_type, ev.entity_id))
            self.event_applied.emit(ev)
        if changed_cases:
            self._case_arrays = None
            self.cases_changed.emit(changed_cases)
        if changed_officers:
            self._officer_arrays = None
            self.officers_changed.emit(changed_officers)
        if changed_assets:
            self.assets_changed.emit(changed_assets)
        return count

    def tail(self, db: Database, limit: int = 5_000) -> int:
        """Apply whatever the log has beyond ``last_seq`` (multi-seat sync); returns the number applied."""
        with db.read_session() as s:
            events = eventstore.read(s, self.last_seq, limit=limit)
        return self.apply_events(events)

    # ------------------------------------------------------------------ clock and positions
    def set_time(self, now_utc: datetime) -> None:
        new = as_utc(now_utc)
        delta_s = (new - self.now_utc).total_seconds()
        self.now_utc = new
        self._case_arrays = None
        if self._officer_arrays is not None:  # fix ages move with the clock; no rebuild (replay sets time every frame)
            self._officer_arrays.fix_age_s += delta_s
        self.clock_changed.emit(self.now_utc)

    def move_officers(self, ids: Sequence[str], lon: Sequence[float], lat: Sequence[float],
                      fix_ts_utc: datetime, heading_deg: Sequence[float] | None = None) -> None:
        """Fast path for position fixes (feeds, simulator): updates state and arrays without re-building them."""
        arrays = self._officer_arrays
        iso = fix_ts_utc.isoformat()
        for k, oid in enumerate(ids):
            o = self.officers.get(oid)
            if o is None:
                continue
            o["lon"], o["lat"], o["fix_ts_utc"] = float(lon[k]), float(lat[k]), iso
            if heading_deg is not None:
                o["heading_deg"] = float(heading_deg[k])
            if arrays is not None:
                i = self._officer_index.get(oid)
                if i is not None:
                    arrays.lon[i], arrays.lat[i] = float(lon[k]), float(lat[k])
                    arrays.fix_age_s[i] = max(0.0, (self.now_utc - fix_ts_utc).total_seconds())
                    if heading_deg is not None:
                        arrays.heading_deg[i] = float(heading_deg[k])
        self.officers_moved.emit(list(ids))

    def apply_fixes(self, fixes: Iterable[tuple[str, float, float, datetime, float | None]]) -> list[str]:
        """Live fixes (officer id, lon, lat, fix time UTC, heading or None), each with its own time, e.g. from MQTT
        or ``officer_fixes``; a fix older than the one shown is ignored. Returns the officers that moved."""
        moved: list[str] = []
        appeared = False
        arrays = self._officer_arrays
        for oid, lon, lat, ts, heading in fixes:
            o = self.officers.get(oid)
            if o is None:
                continue
            shown = _ts(o.get("fix_ts_utc"))
            ts = as_utc(ts)
            if shown is not None and ts < shown:
                continue
            appeared = appeared or o.get("lon") is None
            o["lon"], o["lat"], o["fix_ts_utc"] = float(lon), float(lat), ts.isoformat()
            if heading is not None:
                o["heading_deg"] = float(heading)
            moved.append(oid)
            i = self._officer_index.get(oid) if arrays is not None else None
            if arrays is not None and i is not None:
                arrays.lon[i], arrays.lat[i] = float(lon), float(lat)
                arrays.fix_age_s[i] = (self.now_utc - ts).total_seconds()
                if heading is not None:
                    arrays.heading_deg[i] = float(heading)
        if appeared:  # an officer without a position before: the arrays gain a row
            self._officer_arrays = None
            self.officers_changed.emit(moved)
        elif moved:
            self.officers_moved.emit(moved)
        return moved

    # ------------------------------------------------------------------ column views
    def case_arrays(self) -> CaseArrays:
        if self._case_arrays is None:
            self._case_arrays = self._build_case_arrays()
        return self._case_arrays

    def _build_case_arrays(self) -> CaseArrays:
        rows = list(self.cases.values())
        n = len(rows)
        ids = np.empty(n, dtype=object)
        status = np.empty(n, dtype=object)
        cat = np.empty(n, dtype=object)
        prio = np.empty(n, dtype=object)
        lon = np.empty(n, dtype=np.float64)
        lat = np.empty(n, dtype=np.float64)
        overdue = np.zeros(n, dtype=bool)
        is_open = np.zeros(n, dtype=bool)
        now = self.now_utc
        for i, c in enumerate(rows):
            ids[i], status[i], cat[i], prio[i] = c["id"], c["status"], c.get("category_code"), c.get("priority")
            lon[i], lat[i] = float(c["lon"]), float(c["lat"])
            st = CaseStatus(c["status"])
            is_open[i] = st.is_open and st != CaseStatus.HUNG
            deadline = _ts(c.get("step_deadline_utc"))
            overdue[i] = (bool(c.get("overdue")) and is_open[i]) or (is_open[i] and deadline is not None and now > deadline)
        return CaseArrays(ids, lon, lat, status, cat, prio, overdue, is_open)

    def officer_arrays(self) -> OfficerArrays:
        if self._officer_arrays is None:
            rows = [o for o in self.officers.values() if o.get("lon") is not None and o.get("active", True)]
            n = len(rows)
            ids = np.array([o["id"] for o in rows], dtype=object)
            self._officer_index = {str(oid): i for i, oid in enumerate(ids)}
            now = self.now_utc
            ages = np.empty(n, dtype=np.float64)
            for i, o in enumerate(rows):
                fix = _ts(o.get("fix_ts_utc"))
                ages[i] = (now - fix).total_seconds() if fix else np.inf
            self._officer_arrays = OfficerArrays(
                ids=ids,
                lon=np.array([float(o["lon"]) for o in rows], dtype=np.float64),
                lat=np.array([float(o["lat"]) for o in rows], dtype=np.float64),
                status=np.array([o.get("status") for o in rows], dtype=object),
                heading_deg=np.array([np.nan if o.get("heading_deg") is None else float(o["heading_deg"]) for o in rows],
                                     dtype=np.float64),
                fix_age_s=ages,
            )
        return self._officer_arrays

    def _invalidate(self) -> None:
        self._case_arrays = None
        self._officer_arrays = None

    # ------------------------------------------------------------------ lookups
    def case_timeline(self, db: Database, case_id: str) -> list[StoredEvent]:
        with db.read_session() as s:
            return eventstore.read(s, 0, case_id=case_id)

    def open_orders_of(self, officer_id: str) -> list[dict[str, Any]]:
        return [c for c in self.cases.values()
                if c.get("assignee") == officer_id and c["status"] in ("dispatched", "handling")]
