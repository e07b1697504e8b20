"""The sandbox holds the world as it stood at t, and the recording it came from is never written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from console.errors import ValidationError
from console.storage import eventstore, projection
from console.storage.db import Database, make_engine
from console.storage.models import CaseCounterRow, CaseRow, OfficerRow, PositionRow
from console.training.sandbox import open_source_readonly, restore_to
from tests.training.conftest import FIX_OF1, FIX_OF1_0902, FIX_OF4_0859, OFFICERS, T0, Recording, local


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        p = Path(f"{path}{suffix}")
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def _fold_until(db: Database, t) -> dict[tuple[str, str], dict]:  # type: ignore[no-untyped-def]
    """The expected world: fold the recording's own events with ts ≤ t (independent of the sandbox copy)."""
    states: dict[tuple[str, str], dict] = {}
    with db.read_session() as s:
        for ev in eventstore.iterate(s):
            if ev.ts_utc <= t and ev.entity_type in projection.SPECS:
                key = (ev.entity_type, ev.entity_id)
                states[key] = projection.fold(states.get(key), ev)
    return states


def test_sandbox_equals_state_at_t(recording: Recording, tmp_path: Path) -> None:
    sandbox_url = f"sqlite:///{tmp_path / 'sandbox.db'}"
    report = restore_to(recording.url, T0, sandbox_url)
    expected = _fold_until(recording.db, T0)
    sandbox = Database(make_engine(sandbox_url))
    with sandbox.read_session() as s:
        cases = {r.id: projection.row_to_state(projection.CASE, r) for r in s.scalars(select(CaseRow))}
        officers = {r.id: projection.row_to_state(projection.OFFICER, r) for r in s.scalars(select(OfficerRow))}
        assert eventstore.verify(s).ok
        counters = {r.day: r.last for r in s.scalars(select(CaseCounterRow))}
        trail = s.execute(select(PositionRow.officer_id, PositionRow.ts_utc)).all()
    # only case A existed at 09:00, in the state it had then (dispatched to OF4, not yet received at 09:20)
    assert set(cases) == {recording.ids["A"]}
    a = cases[recording.ids["A"]]
    assert a["status"] == "dispatched" and a["assignee"] == "OF4"
    want = expected[("case", recording.ids["A"])]
    assert {k: a[k] for k in ("status", "assignee", "step", "category_code", "version")} == \
        {k: want[k] for k in ("status", "assignee", "step", "category_code", "version")}
    # officers: as folded at t, but placed where the position history had them (OF3's fix is too old)
    for oid, _fields in OFFICERS:
        assert officers[oid]["status"] == expected[("officer", oid)]["status"]
    # OF1 halfway between its 08:58 and 09:02 fixes; OF4 holds its 08:59 fix (the next one, 09:10, is 11 min later)
    assert officers["OF1"]["lon"] == pytest.approx((FIX_OF1[0] + FIX_OF1_0902[0]) / 2, abs=1e-9)
    assert officers["OF1"]["lat"] == pytest.approx((FIX_OF1[1] + FIX_OF1_0902[1]) / 2, abs=1e-9)
    assert (officers["OF4"]["lon"], officers["OF4"]["lat"]) == FIX_OF4_0859
    assert (officers["OF3"]["lon"], officers["OF3"]["lat"]) == (expected[("officer", "OF3")]["lon"],
                                                              expected[("officer", "OF3")]["lat"])
    assert report.officers_placed == 2 and report.cases == 1
    # the next case number follows A's, and only fixes up to t were copied (OF4's 09:10 fix is the future)
    day = recording.ids["A"][2:10]
    assert counters == {day: int(recording.ids["A"][-5:])}
    assert all(eventstore.as_utc(ts) <= T0 for _oid, ts in trail) and len(trail) == 3
    sandbox.dispose()


def test_source_is_never_written(recording: Recording, tmp_path: Path) -> None:
    recording.db.dispose()
    before = _digest(recording.path)
    restore_to(recording.url, T0, f"sqlite:///{tmp_path / 'sandbox.db'}")
    assert _digest(recording.path) == before
    ro = open_source_readonly(recording.url)
    with pytest.raises(OperationalError, match="readonly"), ro.engine.begin() as conn:
        conn.execute(text("DELETE FROM events"))
    ro.dispose()
    assert _digest(recording.path) == before


def test_existing_sandbox_is_refused(recording: Recording, tmp_path: Path) -> None:
    target = tmp_path / "sandbox.db"
    restore_to(recording.url, T0, f"sqlite:///{target}")
    with pytest.raises(ValidationError, match="already exists"):
        restore_to(recording.url, T0, f"sqlite:///{target}")
    again = restore_to(recording.url, local(9, 10), f"sqlite:///{target}", overwrite=True)
    assert again.cases == 3  # A, B and C (created at 09:10 itself: ts ≤ t counts)


@pytest.mark.postgres
def test_restore_from_postgresql_reads_only(pg_url: str, tmp_path: Path) -> None:
    """A PostgreSQL recording is opened in read-only transactions: the copy works, a write is refused."""
    from console.storage.migrations_api import upgrade
    from tests.training.conftest import record_morning

    db = Database(make_engine(pg_url))
    upgrade(db)
    ids = record_morning(db)
    with db.read_session() as s:
        head_before = eventstore.last_seq(s)
    db.dispose()
    report = restore_to(pg_url, T0, f"sqlite:///{tmp_path / 'sandbox.db'}")
    assert report.cases == 1 and report.officers_placed == 2
    ro = open_source_readonly(pg_url)
    with pytest.raises(Exception, match="read-only"), ro.engine.begin() as conn:
        conn.execute(text("DELETE FROM events"))
    ro.dispose()
    db = Database(make_engine(pg_url))
    with db.read_session() as s:
        assert eventstore.last_seq(s) == head_before
        assert s.get(CaseRow, ids["D"]) is not None
    db.dispose()


def test_drill_from_a_replay_file(recording: Recording, tmp_path: Path) -> None:
    """A replay export (.urbanops-replay, an ordinary database at schema head) is a drill source like the live one."""
    from console.cli.main import main
    from console.replay.export import export_period
    from console.replay.source import ReplaySource

    src = ReplaySource.open(db_url=recording.url)
    out = tmp_path / "morning.urbanops-replay"
    export_period(src, local(8, 0), local(10, 0), out)
    src.close()
    sandbox = tmp_path / "sb.db"
    assert main(["drill", "start", "--from-db", str(out), "--at", "2026-11-23T09:00", "--sandbox", str(sandbox)]) == 0
    db = Database(make_engine(f"sqlite:///{sandbox}"))
    with db.read_session() as s:
        assert [r.id for r in s.scalars(select(CaseRow))] == [recording.ids["A"]]
    db.dispose()
