"""The demo world's roster: each officer's standing day (D) or night (N) shift from the seeder, one rest day a week
staggered across the squad (never today, so the seeded statuses stay true), and the squad's duty grids shared among
each shift — from yesterday (night shifts reaching into today) for eight days."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from console.domain.enums import Role
from console.duty.patterns import default_rules, local_day
from console.duty.roster import ENTITY, assign_grids, entry_fields, entry_id
from console.services.actor import Actor
from console.services.writer import CaseWriter

SEED_ACTOR = Actor(Role.SHIFT_LEADER, "seed")


def demo_codes(officers: Sequence[str], standing: Mapping[str, str], today: date, days: int) -> dict[tuple[str, date], str]:
    """(officer, day) → shift code for days [today − 1, today − 1 + days)."""
    out = {}
    for idx, oid in enumerate(officers):
        rest_offset = 1 + idx % 6
        for d in range(-1, days - 1):
            day = today + timedelta(days=d)
            out[(oid, day)] = "R" if d == rest_offset else ("N" if standing.get(oid) == "night" else "D")
    return out


def seed_roster(w: CaseWriter, squads: Mapping[str, str], officers_by_squad: Mapping[str, Sequence[str]],
                standing: Mapping[str, str], now: datetime, days: int = 8) -> int:
    """Write the demo roster for every squad (``squads``: subdistrict code → squad id); returns officer-days written."""
    rules = default_rules()
    today = local_day(now)
    frame = w.ctx.geo.geography.duty_grids
    n = 0
    for sub, squad in squads.items():
        grids = sorted(str(c) for c in frame.loc[frame["subdistrict_code"] == sub, "code"]) if frame is not None else []
        officers = sorted(officers_by_squad.get(squad, []))
        codes = demo_codes(officers, standing, today, days)
        for d in range(-1, days - 1):
            day = today + timedelta(days=d)
            by_shift: dict[str, list[str]] = {}
            for oid in officers:
                by_shift.setdefault(codes[(oid, day)], []).append(oid)
            for code, members in by_shift.items():
                shares = {} if rules.shift(code).rest else assign_grids(members, grids, rotate=day.toordinal())
                for oid in members:
                    w.upsert_entity(ENTITY, entry_id(oid, day), entry_fields(rules, oid, squad, day, code,
                                                                              shares.get(oid, [])),
                                    SEED_ACTOR, action="roster_generate", ts_utc=now, reason="demo")
                    n += 1
    return n
