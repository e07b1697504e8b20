"""Replay core: state at t equals the plain fold of the log up to t; the clock agrees with it in every direction."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from console.replay import ReplayClock, ReplaySource, load_session
from console.replay.state import fold_all
from console.storage import eventstore
from console.storage.db import Database, make_engine
from console.world import World

from .conftest import SEED_NOW


def _reference(url: str, t):  # type: ignore[no-untyped-def]
    """Independent path: read every event with ts ≤ t straight from the store and fold them."""
    db = Database(make_engine(url))
    try:
        with db.read_session() as s:
            return fold_all(eventstore.read(s, 0, until_ts=t))
    finally:
        db.dispose()


@pytest.fixture
def session(replay_db_url: str):  # type: ignore[no-untyped-def]
    src = ReplaySource.open(db_url=replay_db_url)
    sess = load_session(src, SEED_NOW - timedelta(hours=20), None, checkpoint_every=50)
    yield sess
    sess.close()


def test_state_at_equals_fold_of_events_up_to_t(session, replay_db_url: str) -> None:  # type: ignore[no-untyped-def]
    idx = session.index
    assert len(idx.events) > 200, "the seeded period should hold a few hundred events"
    rng = np.random.default_rng(1)
    instants = [idx.from_s, idx.to_s, float(idx.ts_s[0]), float(idx.ts_s[len(idx.ts_s) // 2]),
                *rng.uniform(idx.from_s, idx.to_s, 5)]
    for t in instants:
        got = session.state_at(float(t))
        want = _reference(replay_db_url, session.index.from_utc.fromtimestamp(float(t), session.from_utc.tzinfo))
        assert got.cases == want.cases
        assert got.assets == want.assets
        assert got.officers == want.officers
        assert got.applied == idx.count_at(float(t))


def test_state_at_end_matches_the_projection_tables(session, replay_db_url: str) -> None:  # type: ignore[no-untyped-def]
    live = World()
    db = Database(make_engine(replay_db_url))
    live.load(db)
    db.dispose()
    end = session.state_at(session.index.to_s)
    assert set(end.cases) == set(live.cases)
    for cid, case in live.cases.items():
        mine = end.cases[cid]
        for key in ("status", "assignee", "category_code", "priority", "step", "version", "last_seq"):
            assert mine.get(key) == case.get(key), (cid, key)


def test_clock_forward_backward_and_jumps_agree_with_state_at(session) -> None:  # type: ignore[no-untyped-def]
    clock = ReplayClock(session)
    idx = session.index
    seen: list[int] = []
    clock.world.event_applied.connect(lambda ev: seen.append(ev.seq))
    clock.jumped.connect(lambda _t: seen.clear())  # a rewind replaces the state: the ticker starts over
    targets = [idx.from_s + 600.0 * i for i in range(1, 12)] + [idx.from_s + 3600.0, idx.to_s, idx.from_s]
    for t in targets:
        info = clock.seek(t)
        want = session.state_at(t)
        assert set(clock.world.cases) == set(want.cases)
        assert {k: v["status"] for k, v in clock.world.cases.items()} == {k: v["status"] for k, v in want.cases.items()}
        assert clock.world.last_seq == want.seq
        assert info.t_s == pytest.approx(t)
        assert len(seen) == len(set(seen)), "small forward steps fold each event once (the ticker sees them arrive)"


def test_step_by_event_next_case_event_and_loop(session) -> None:  # type: ignore[no-untyped-def]
    clock = ReplayClock(session)
    idx = session.index
    first = clock.step_event(+1)
    assert first is not None and first.t_s == pytest.approx(float(idx.ts_s[idx.count_at(idx.from_s)]))
    back = clock.step_event(-1)
    assert back is None or back.t_s < first.t_s
    case_id = next(ev.case_id for ev in idx.events if ev.case_id)
    clock.seek(idx.from_s)
    hit = clock.next_case_event(case_id)
    assert hit is not None
    assert any(ev.case_id == case_id and ev.ts_utc.timestamp() == pytest.approx(hit.t_s) for ev in idx.events)
    clock.set_loop(idx.from_s + 60, idx.from_s + 120)
    clock.seek(idx.from_s + 100)
    clock.set_speed(60.0)
    clock.play()
    info = clock.advance(1.0)  # 60 s of replay → past the loop end → back to its start
    assert info is not None and info.t_s == pytest.approx(idx.from_s + 60)
    clock.set_speed(1000)
    assert clock.speed == 120.0


def test_positions_follow_the_tracks(session) -> None:  # type: ignore[no-untyped-def]
    clock = ReplayClock(session)
    tracks = session.tracks
    assert tracks.n_fixes > 0
    oid = tracks.officer_ids[0]
    t = SEED_NOW.timestamp() - 3 * 3600 + 15  # halfway between two 30 s fixes
    clock.seek(t)
    pos = session.officer_positions_at(t)
    assert oid in pos
    o = clock.world.officers[oid]
    assert (o["lon"], o["lat"]) == pytest.approx(pos[oid])
    tt, lon, _lat = session.trail(oid, t, 300.0)
    assert tt[-1] == pytest.approx(t) and tt[0] > t - 300.0 and np.all(np.diff(tt) > 0)
    assert lon[-1] == pytest.approx(pos[oid][0])


def test_replay_of_an_empty_log_is_refused_clearly(tmp_path: Path) -> None:
    from console.errors import ValidationError
    from console.storage.migrations_api import upgrade

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    db = Database(make_engine(url))
    upgrade(db)
    db.dispose()
    src = ReplaySource.open(db_url=url)
    with pytest.raises(ValidationError) as err:
        load_session(src)
    assert "empty" in err.value.message_en
    src.close()


def test_first_frame_tracks_window_matches_the_full_load_near_its_instant(replay_db_url: str) -> None:
    from console.replay.session import load_tracks

    src = ReplaySource.open(db_url=replay_db_url)
    at = SEED_NOW - timedelta(hours=3)
    quick = load_session(src, SEED_NOW - timedelta(hours=20), None, tracks_around=at)
    full = load_tracks(src, quick.from_utc, quick.to_utc)
    assert 0 < quick.tracks.n_fixes < full.n_fixes
    for dt in (-300.0, 0.0, 600.0):
        a, b = quick.tracks.positions_at(at.timestamp() + dt), full.positions_at(at.timestamp() + dt)
        assert np.array_equal(a.officer, b.officer) and np.allclose(a.lon, b.lon) and np.allclose(a.lat, b.lat)
    quick.replace_tracks(full)
    assert quick.tracks is full
    src.close()


def test_sqlite_fast_event_decoder_equals_the_store_read(replay_db_url: str) -> None:
    """The replay's hand decoder of SQLite rows (orjson, fromisoformat) gives exactly what the event store reads."""
    src = ReplaySource.open(db_url=replay_db_url)
    db = Database(make_engine(replay_db_url))
    try:
        until = SEED_NOW - timedelta(hours=3)
        fast = list(src.iter_events(until, batch=97))  # a small batch crosses many batch borders
        with db.read_session() as s:
            want = list(eventstore.read(s, 0, until_ts=until))
        assert len(fast) > 500
        assert fast == want
        assert any(e.payload is not None for e in fast) and any(e.before is not None for e in fast)
        assert all(e.ts_utc.utcoffset() == timedelta(0) for e in fast)
    finally:
        src.close()
        db.dispose()
