"""Replay of the live database provably writes nothing, and every write attempt through it is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

from console.domain.enums import Role
from console.replay import ReplayClock, ReplaySource, load_session
from console.replay.source import is_read_only_refusal
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database, make_engine
from console.storage.models import CaseRow, EventRow, OfficerRow, PositionRow

TABLES = (EventRow, CaseRow, OfficerRow, PositionRow)


def _fingerprint(path: Path) -> dict[str, object]:
    """Bytes of the database file and of its WAL, row counts and the log head.

    An empty WAL counts as no WAL: a read-only reader of a WAL database may leave an empty ``-wal`` file behind
    (it cannot delete it), which holds no data.
    """
    wal = path.with_name(path.name + "-wal")
    files = {"db": hashlib.sha256(path.read_bytes()).hexdigest(),
             "wal": hashlib.sha256(wal.read_bytes()).hexdigest() if wal.exists() and wal.stat().st_size else None}
    db = Database(make_engine(f"sqlite:///{path}"))
    try:
        with db.read_session() as s:
            counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in TABLES}
            head = s.scalar(select(func.max(EventRow.seq)))
    finally:
        db.dispose()
    return {"files": files, "counts": counts, "head": head}


def test_replaying_the_live_database_writes_nothing(replay_db_file: Path) -> None:
    # Fingerprint with our own connection closed first (closing a WAL database checkpoints it).
    before = _fingerprint(replay_db_file)
    before_files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in [replay_db_file]}
    src = ReplaySource.open(db_url=f"sqlite:///{replay_db_file}")
    session = load_session(src, checkpoint_every=100)
    clock = ReplayClock(session)
    clock.set_speed(120)
    clock.play()
    for _ in range(50):
        clock.advance(5.0)
    clock.seek(session.index.from_s)
    session.close()
    after_files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in [replay_db_file]}
    assert after_files == before_files, "the database file's bytes changed during replay"
    assert _fingerprint(replay_db_file) == before


def test_every_write_through_the_replay_connection_is_refused(replay_db_file: Path) -> None:
    src = ReplaySource.open(db_url=f"sqlite:///{replay_db_file}")
    head_before = None
    with src.db.read_session() as s:
        head_before = s.scalar(select(func.max(EventRow.seq)))
    # 1. raw SQL write
    with pytest.raises(Exception) as raw, src.db.session() as s:
        s.execute(text("DELETE FROM cases"))
    assert is_read_only_refusal(raw.value)
    # 2. the one write path (CaseWriter) pointed at the replay connection
    ctx = ServiceContext(src.db)
    with pytest.raises(Exception) as via_writer, src.db.session() as s:
        w = CaseWriter(s, ctx)
        case_id = next(iter(s.execute(select(CaseRow.id).limit(1)).scalars()))
        w.act(case_id, "supervise", Actor(Role.SUPERVISOR, "dc_wang"), reason="回放中不应写入")
        w.flush()
    assert is_read_only_refusal(via_writer.value) or "read" in str(via_writer.value).lower()
    # 3. a position insert
    with pytest.raises(Exception) as pos, src.db.session() as s:
        s.execute(insert(PositionRow).values(officer_id="OF00001", ts_utc=__import__("datetime").datetime.now(),
                                             lon=121.4, lat=31.2))
    assert is_read_only_refusal(pos.value)
    with src.db.read_session() as s:
        assert s.scalar(select(func.max(EventRow.seq))) == head_before
    src.close()


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    from console.errors import StorageError

    with pytest.raises(StorageError) as err:
        ReplaySource.open(str(tmp_path / "nope.urbanops-replay"))
    assert "no such replay file" in err.value.message_en


def test_a_file_that_is_not_urbanops_is_a_clear_error(tmp_path: Path) -> None:
    import sqlite3

    from console.errors import StorageError

    p = tmp_path / "other.sqlite"
    sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StorageError) as err:
        ReplaySource.open(str(p))
    assert "not an urbanops database" in err.value.message_en
