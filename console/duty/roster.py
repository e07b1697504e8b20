"""Rosters (排班表): officer-day entries generated from a pattern, edited per cell, and the duty state they imply.

Every entry is a ``roster`` entity (id ``<officer>/<YYYY-MM-DD>``) changed only through ``CaseWriter`` events, so the
``roster`` table is a projection like any other. The roster decides, for an instant, whether an officer is on shift,
on a break or off (``roster_state``); ``apply_roster_status`` turns boundary crossings into officer status events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.enums import Role
from console.duty.patterns import DutyRules, default_rules, generate_codes, local_day
from console.errors import NotFoundError, ValidationError
from console.security.permissions import check
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import projection
from console.storage.eventstore import as_utc, iso_utc
from console.storage.models import AssetRow, OfficerRow
from console.storage.models_duty import RosterRow

ROSTER_ACTOR = Actor(Role.SYSTEM, "roster")
ON, BREAK, OFF = "on", "break", "off"
BUSY_STATUSES = frozenset({"busy", "en_route", "on_scene"})
ENTITY = "roster"


def entry_id(officer_id: str, day: date) -> str:
    return f"{officer_id}/{day.isoformat()}"


@dataclass(frozen=True)
class RosterEntry:
    """One officer-day: shift code, window (UTC; None on rest days), breaks and duty grids (责任网格)."""

    officer_id: str
    squad_id: str | None
    day: date
    shift_code: str
    start_utc: datetime | None
    end_utc: datetime | None
    breaks_utc: tuple[tuple[datetime, datetime], ...] = ()
    duty_grids: tuple[str, ...] = ()

    @staticmethod
    def from_state(state: dict[str, Any]) -> RosterEntry:
        def ts(v: Any) -> datetime | None:
            if v is None:
                return None
            return as_utc(v) if isinstance(v, datetime) else as_utc(datetime.fromisoformat(str(v)))

        breaks = tuple((ts(b[0]), ts(b[1])) for b in state.get("breaks") or [])
        return RosterEntry(str(state["officer_id"]), state.get("squad_id"), date.fromisoformat(str(state["day"])),
                           str(state["shift_code"]), ts(state.get("start_utc")), ts(state.get("end_utc")),
                           tuple((a, b) for a, b in breaks if a is not None and b is not None),
                           tuple(str(g) for g in state.get("duty_grids") or []))

    def state_at(self, t_utc: datetime) -> str | None:
        """ON/BREAK inside the shift window, None outside it (the caller decides OFF from the whole day)."""
        if self.start_utc is None or self.end_utc is None or not self.start_utc <= t_utc < self.end_utc:
            return None
        return BREAK if any(a <= t_utc < b for a, b in self.breaks_utc) else ON

    def to_json(self) -> dict[str, Any]:
        return {"officer_id": self.officer_id, "squad_id": self.squad_id, "day": self.day.isoformat(),
                "shift_code": self.shift_code, "start_utc": None if self.start_utc is None else iso_utc(self.start_utc),
                "end_utc": None if self.end_utc is None else iso_utc(self.end_utc),
                "breaks_utc": [[iso_utc(a), iso_utc(b)] for a, b in self.breaks_utc], "duty_grids": list(self.duty_grids)}


def entry_fields(rules: DutyRules, officer_id: str, squad_id: str | None, day: date, code: str,
                 duty_grids: Sequence[str] = ()) -> dict[str, Any]:
    """The ``after`` of a roster event: the shift resolved to UTC so the log alone says when the officer works."""
    shift = rules.shift(code)
    window = shift.window_utc(day)
    # isoformat (not iso_utc) for the columns: what the projection gives back, so an unchanged cell compares equal
    return {"officer_id": officer_id, "squad_id": squad_id, "day": day.isoformat(), "shift_code": code,
            "start_utc": None if window is None else as_utc(window[0]).isoformat(),
            "end_utc": None if window is None else as_utc(window[1]).isoformat(),
            "breaks": [[iso_utc(a), iso_utc(b)] for a, b in shift.breaks_utc(day)],
            "duty_grids": [] if window is None else list(duty_grids)}


def roster_state(entries: Iterable[RosterEntry], t_utc: datetime) -> str | None:
    """ON, BREAK or OFF at ``t_utc`` from an officer's entries for the local day of t and the day before (night shifts);
    None when the officer has no entry for that day (not rostered: the roster says nothing)."""
    today = local_day(t_utc)
    relevant = [e for e in entries if e.day in (today, today - timedelta(days=1))]
    for e in relevant:
        st = e.state_at(t_utc)
        if st is not None:
            return st
    return OFF if any(e.day == today for e in relevant) else None


def assign_grids(officer_ids: Sequence[str], grid_codes: Sequence[str], rotate: int = 0) -> dict[str, list[str]]:
    """Share a squad's duty grids among the officers of one shift, round robin, rotated day by day."""
    out: dict[str, list[str]] = {o: [] for o in officer_ids}
    if not officer_ids:
        return out
    n = len(officer_ids)
    for k, code in enumerate(grid_codes):
        out[officer_ids[(k + rotate) % n]].append(code)
    return out


class RosterService:
    """Build, edit, read and apply rosters; one transaction per command."""

    def __init__(self, ctx: ServiceContext, rules: DutyRules | None = None) -> None:
        self.ctx = ctx
        self.rules = rules or default_rules()

    # ------------------------------------------------------------------ reads
    def squad_officers(self, squad_id: str, session: Session | None = None) -> list[str]:
        """Active officers (post officer) of a squad, sorted by id."""
        def run(s: Session) -> list[str]:
            if s.get(AssetRow, ("squad", squad_id)) is None:
                raise NotFoundError(f"中队 {squad_id} 不存在", f"squad {squad_id} does not exist")
            return sorted(s.scalars(select(OfficerRow.id).where(
                OfficerRow.squad_id == squad_id, OfficerRow.active.is_(True), OfficerRow.post == "officer")).all())
        if session is not None:
            return run(session)
        with self.ctx.db.read_session() as s:
            return run(s)

    def squad_duty_grids(self, squad_id: str) -> list[str]:
        """Duty grids (责任网格) of the squad's subdistrict, sorted by code."""
        with self.ctx.db.read_session() as s:
            row = s.get(AssetRow, ("squad", squad_id))
        sub = None if row is None else row.subdistrict_code
        frame = self.ctx.geo.geography.duty_grids
        if sub is None or frame is None or len(frame) == 0:
            return []
        return sorted(str(c) for c in frame.loc[frame["subdistrict_code"] == sub, "code"])

    def entries(self, start: date, days: int, squad_id: str | None = None,
                officer_ids: Sequence[str] | None = None) -> list[RosterEntry]:
        """Entries for local days [start, start + days), optionally for one squad or some officers."""
        end = start + timedelta(days=days)
        with self.ctx.db.read_session() as s:
            stmt = select(RosterRow).where(RosterRow.day >= start.isoformat(), RosterRow.day < end.isoformat())
            if squad_id is not None:
                stmt = stmt.where(RosterRow.squad_id == squad_id)
            if officer_ids is not None:
                stmt = stmt.where(RosterRow.officer_id.in_(list(officer_ids)))
            rows = s.scalars(stmt.order_by(RosterRow.officer_id, RosterRow.day)).all()
            return [RosterEntry.from_state(projection.row_to_state(projection.SPECS[ENTITY], r)) for r in rows]

    def states_at(self, t_utc: datetime, officer_ids: Sequence[str] | None = None) -> dict[str, str]:
        """Officer → ON/BREAK/OFF at ``t_utc`` for every officer the roster covers that day."""
        today = local_day(t_utc)
        by_officer: dict[str, list[RosterEntry]] = {}
        for e in self.entries(today - timedelta(days=1), 2, officer_ids=officer_ids):
            by_officer.setdefault(e.officer_id, []).append(e)
        out = {}
        for oid, es in by_officer.items():
            st = roster_state(es, t_utc)
            if st is not None:
                out[oid] = st
        return out

    # ------------------------------------------------------------------ writes
    def generate(self, squad_id: str, start: date, days: int, pattern_id: str, actor: Actor, *,
                 with_grids: bool = True) -> dict[str, Any]:
        """Roster a squad from a pattern (排班): one event per officer-day that differs from what is there."""
        check(actor, "manage_roster")
        pattern = self.rules.pattern(pattern_id)
        grids = self.squad_duty_grids(squad_id) if with_grids else []
        with self.ctx.db.session() as s:
            officers = self.squad_officers(squad_id, s)
            if not officers:
                raise ValidationError(f"中队 {squad_id} 没有在职队员", f"squad {squad_id} has no active officers")
            codes = generate_codes(officers, pattern, start, days)
            w = CaseWriter(s, self.ctx)
            for d in range(days):
                day = start + timedelta(days=d)
                by_shift: dict[str, list[str]] = {}
                for oid in officers:
                    by_shift.setdefault(codes[(oid, day)], []).append(oid)
                for code, members in by_shift.items():
                    shares = assign_grids(members, grids, rotate=day.toordinal()) if not self.rules.shift(code).rest \
                        else {}
                    for oid in members:
                        w.upsert_entity(ENTITY, entry_id(oid, day),
                                        entry_fields(self.rules, oid, squad_id, day, code, shares.get(oid, [])),
                                        actor, action="roster_generate", reason=pattern_id)
            events = len(w.flush())
        return {"squad_id": squad_id, "pattern": pattern_id, "from": start.isoformat(), "days": days,
                "officers": len(officers), "events": events}

    def set_entry(self, officer_id: str, day: date, code: str, actor: Actor, *, duty_grids: Sequence[str] | None = None,
                  reason: str | None = None) -> RosterEntry:
        """Edit one officer-day (调班): the shift code and, optionally, its duty grids."""
        check(actor, "manage_roster")
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            officer = w.state("officer", officer_id)
            if officer is None:
                raise NotFoundError(f"队员 {officer_id} 不存在", f"officer {officer_id} does not exist")
            current = w.state(ENTITY, entry_id(officer_id, day)) or {}
            grids = list(duty_grids) if duty_grids is not None else list(current.get("duty_grids") or [])
            self._check_grids(grids)
            fields = entry_fields(self.rules, officer_id, officer.get("squad_id"), day, code, grids)
            w.upsert_entity(ENTITY, entry_id(officer_id, day), fields, actor, action="roster_edit", reason=reason)
            w.flush()
            state = w.state(ENTITY, entry_id(officer_id, day))
        assert state is not None
        return RosterEntry.from_state(state)

    def _check_grids(self, grids: Sequence[str]) -> None:
        frame = self.ctx.geo.geography.duty_grids
        known = set(str(c) for c in frame["code"]) if frame is not None else set()
        unknown = [g for g in grids if g not in known]
        if unknown:
            raise ValidationError(f"未知责任网格：{'、'.join(unknown[:5])}", f"unknown duty grids: {', '.join(unknown[:5])}")


def apply_roster_status(w: CaseWriter, service: RosterService, now: datetime,
                        officer_ids: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """The roster tick: officers whose roster state changed get a status event (system:roster).

    on → on_duty_idle (from off_duty/on_break); break → on_break when idle; off → off_duty when idle, else the officer
    finishes the job first (``roster_pending_off``) and goes off duty at the first tick after it. Officers the roster
    does not cover that day are left alone. Returns (officer, new status) pairs.
    """
    changes: list[tuple[str, str]] = []
    for oid, st in sorted(service.states_at(now, officer_ids).items()):
        officer = w.state("officer", oid)
        if officer is None or not officer.get("active", True):
            continue
        status = str(officer.get("status") or "off_duty")
        previous = officer.get("roster_state")
        fields: dict[str, Any] = {}
        if st != previous:
            fields["roster_state"] = st
            if st == ON and status in ("off_duty", "on_break"):
                fields["status"] = "on_duty_idle"
            elif st == BREAK and status == "on_duty_idle":
                fields["status"] = "on_break"
            elif st == OFF:
                if status in BUSY_STATUSES:
                    fields["roster_pending_off"] = True
                elif status != "off_duty":
                    fields["status"] = "off_duty"
            if st != OFF and officer.get("roster_pending_off"):
                fields["roster_pending_off"] = False
        elif st == OFF and officer.get("roster_pending_off") and status not in BUSY_STATUSES:
            fields.update(status="off_duty", roster_pending_off=False)
        if fields:
            w.upsert_entity("officer", oid, fields, ROSTER_ACTOR, action="status", ts_utc=now,
                            reason=f"roster:{st}")
            if "status" in fields:
                changes.append((oid, str(fields["status"])))
    return changes
