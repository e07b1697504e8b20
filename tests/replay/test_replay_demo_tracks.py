"""Demo position history: officers patrol on shift, ride to the cases assigned to them, and nothing is written twice."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
from sqlalchemy import delete, func, select

from console.cli.main import main
from console.replay import ReplaySource, load_session
from console.sim.history_tracks import Order, officer_track
from console.storage.db import Database, make_engine
from console.storage.models import PositionRow


def test_an_officer_rides_to_the_assigned_case_and_back_to_patrol() -> None:
    t = np.arange(0.0, 7200.0, 60.0)
    home = (121.40, 31.21)
    order = Order(start_s=1800.0, end_s=4200.0, lon=121.41, lat=31.215)
    lon, lat = officer_track("OF00001", home, t, [order], speed_m_s=4.2)
    free_lon, free_lat = officer_track("OF00001", home, t, [], speed_m_s=4.2)
    at_scene = (t >= 3000) & (t <= 4200)  # ≈ 1.1 km at 4.2 m/s: there well before 3000 s
    assert np.allclose(lon[at_scene], order.lon) and np.allclose(lat[at_scene], order.lat)
    before = t < 1800
    assert np.allclose(lon[before], free_lon[before]), "patrolling until the order comes"
    assert np.allclose(lon[t > 6000], free_lon[t > 6000]), "back on patrol after the ride back"
    again = officer_track("OF00001", home, t, [order], speed_m_s=4.2)
    assert np.array_equal(again[0], lon), "deterministic"
    assert np.max(np.hypot((free_lon - home[0]) * 95_000, (free_lat - home[1]) * 111_000)) < 1_000


def test_cli_fills_the_seeded_history_once_and_replay_places_officers(replay_db_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    db = Database(make_engine(replay_db_url))
    with db.session() as s:
        s.execute(delete(PositionRow))  # the fixture's synthetic loops out: only the demo history
    db.dispose()
    assert main(["replay", "demo-tracks", "--db", replay_db_url, "--hours", "12"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["fixes"] > 0
    assert main(["replay", "demo-tracks", "--db", replay_db_url, "--hours", "12"]) == 0
    assert "already recorded" in json.loads(capsys.readouterr().out)["skipped"]
    db = Database(make_engine(replay_db_url))
    with db.read_session() as s:
        assert s.scalar(select(func.count()).select_from(PositionRow)) == summary["fixes"]
    db.dispose()
    src = ReplaySource.open(db_url=replay_db_url)
    end = src.bounds()
    assert end is not None
    session = load_session(src, end[1] - timedelta(hours=10), end[1])
    assert session.tracks.n_fixes > 0
    mid = session.index.from_s + 5 * 3600
    pos = session.positions(mid)
    assert pos.officer.size > 0 and np.all(pos.interpolated | (pos.fix_age_s <= 60.0))
    session.close()
    assert main(["replay", "demo-tracks", "--db", replay_db_url, "--hours", "0"]) == 2
    assert "--hours" in capsys.readouterr().err

