"""The event log on real SQLite and PostgreSQL: appends, hash chain, tamper detection, projections by fold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from console.storage import eventstore, projection
from console.storage.db import Database
from console.storage.eventstore import EventDraft
from console.storage.models import EventRow, OfficerRow

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def officer_event(i: int, oid: str, status: str, minutes: int = 0) -> EventDraft:
    return EventDraft(actor="tester", role="admin", action="status" if i else "create", entity_type="officer",
                      entity_id=oid, ts_utc=T0 + timedelta(minutes=minutes),
                      after={"status": status, "name": "王伟", "post": "officer"} if i == 0 else {"status": status})


def test_append_assigns_gapless_sequence_and_chain(migrated_db: Database) -> None:
    with migrated_db.session() as s:
        first = eventstore.append(s, [officer_event(0, "OF1", "on_duty_idle")])
        projection.apply(s, first)
    with migrated_db.session() as s:
        more = eventstore.append(s, [officer_event(1, "OF1", "en_route", 1), officer_event(2, "OF1", "on_scene", 2)])
        projection.apply(s, more)
    with migrated_db.read_session() as s:
        events = eventstore.read(s)
        assert [e.seq for e in events] == [1, 2, 3]
        assert events[0].prev_hash == eventstore.GENESIS_HASH
        assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
        assert eventstore.verify(s).ok
        row = s.get(OfficerRow, "OF1")
        assert row is not None and row.status == "on_scene" and row.version == 3 and row.last_seq == 3


def test_rolled_back_append_leaves_nothing(migrated_db: Database) -> None:
    with pytest.raises(RuntimeError), migrated_db.session() as s:
        eventstore.append(s, [officer_event(0, "OF2", "on_duty_idle")])
        raise RuntimeError("crash between append and commit")
    with migrated_db.read_session() as s:
        assert eventstore.read(s) == []
        assert eventstore.verify(s).ok


def _superuser_disables_append_only_trigger(db: Database, s: Session) -> None:
    """On PostgreSQL the log refuses UPDATE/DELETE (migration 0007); a superuser tampering must switch that off first."""
    if db.is_postgres:
        s.execute(text("ALTER TABLE events DISABLE TRIGGER USER"))


def test_edited_event_breaks_the_chain(migrated_db: Database) -> None:
    with migrated_db.session() as s:
        eventstore.append(s, [officer_event(i, "OF3", st, i) for i, st in enumerate(["on_duty_idle", "busy", "off_duty"])])
    with migrated_db.session() as s:
        _superuser_disables_append_only_trigger(migrated_db, s)
        s.execute(update(EventRow).where(EventRow.seq == 2).values(after={"status": "on_duty_idle"}))
    with migrated_db.read_session() as s:
        result = eventstore.verify(s)
    assert not result.ok and result.first_bad_seq == 2 and result.checked == 1


def test_deleted_last_event_is_detected(migrated_db: Database) -> None:
    with migrated_db.session() as s:
        eventstore.append(s, [officer_event(i, "OF4", st, i) for i, st in enumerate(["on_duty_idle", "busy"])])
    with migrated_db.session() as s:
        _superuser_disables_append_only_trigger(migrated_db, s)
        s.execute(text("DELETE FROM events WHERE seq = 2"))
    with migrated_db.read_session() as s:
        assert not eventstore.verify(s).ok


def test_rebuild_gives_the_same_state(migrated_db: Database) -> None:
    with migrated_db.session() as s:
        evs = eventstore.append(s, [officer_event(0, "A", "on_duty_idle"), officer_event(0, "B", "on_duty_idle"),
                                    officer_event(1, "A", "busy", 3)])
        projection.apply(s, evs)
    with migrated_db.read_session() as s:
        before = {r.id: (r.status, r.version, r.last_seq) for r in s.scalars(select(OfficerRow))}
    with migrated_db.session() as s:
        eventstore.lock_chain(s)
        assert projection.rebuild(s) == 3
    with migrated_db.read_session() as s:
        after = {r.id: (r.status, r.version, r.last_seq) for r in s.scalars(select(OfficerRow))}
    assert before == after == {"A": ("busy", 2, 3), "B": ("on_duty_idle", 1, 2)}


def test_non_finite_payload_is_refused_before_writing(migrated_db: Database) -> None:
    bad = EventDraft(actor="x", role="admin", action="create", entity_type="officer", entity_id="N",
                     ts_utc=T0, after={"lon": float("nan")})
    with pytest.raises(ValueError), migrated_db.session() as s:
        eventstore.append(s, [bad])
    with migrated_db.read_session() as s:
        assert eventstore.read(s) == []


def test_revision_chain_is_linear_and_named_by_revision() -> None:
    """Start-up reads the head from file names; Alembic must agree."""
    from alembic.script import ScriptDirectory

    from console.storage.migrations_api import alembic_config, head_revision, known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [head_revision()]
    assert sorted(r.revision for r in script.walk_revisions()) == known_revisions()
