"""Interpolated officer positions and trails from the vectorised track index, against a plain per-officer reference."""

from __future__ import annotations

import numpy as np
import pytest

from console.replay.tracks import TrackIndex


def _index(max_gap_s: float = 600.0) -> TrackIndex:
    # A: fixes at 0, 30, 60 moving east; B: fixes at 100 and 1000 (a gap); C: no fixes before t=500.
    officer = np.array([0, 0, 0, 1, 1, 2], dtype=np.int64)
    t = np.array([60.0, 0.0, 30.0, 100.0, 1000.0, 500.0])
    lon = np.array([121.006, 121.0, 121.003, 121.5, 121.6, 121.2])
    lat = np.array([31.0, 31.0, 31.0, 31.1, 31.1, 31.2])
    return TrackIndex(["A", "B", "C"], officer, t, lon, lat, max_gap_s=max_gap_s)


def test_linear_interpolation_between_fixes() -> None:
    idx = _index()
    pos = idx.positions_at(45.0)
    got = dict(zip(pos.officer.tolist(), pos.lon.tolist(), strict=True))
    assert got[0] == pytest.approx(121.0045)  # halfway between 30 s and 60 s
    assert pos.heading_deg[pos.officer == 0][0] == pytest.approx(90.0)  # due east
    assert 2 not in got and 1 not in got  # no fix yet
    assert bool(pos.interpolated[pos.officer == 0][0])


def test_exact_fix_times_hold_and_the_last_fix_is_held_with_its_age() -> None:
    idx = _index()
    at30 = idx.positions_at(30.0)
    assert at30.lon[at30.officer == 0][0] == pytest.approx(121.003)
    late = idx.positions_at(90.0)
    a = late.officer == 0
    assert late.lon[a][0] == pytest.approx(121.006)
    assert late.fix_age_s[a][0] == pytest.approx(30.0)
    assert not bool(late.interpolated[a][0])


def test_a_gap_longer_than_the_limit_is_not_bridged() -> None:
    idx = _index(max_gap_s=600.0)
    pos = idx.positions_at(550.0)
    b = pos.officer == 1
    assert pos.lon[b][0] == pytest.approx(121.5)  # held at the fix before the 900 s gap
    assert pos.fix_age_s[b][0] == pytest.approx(450.0)
    bridged = _index(max_gap_s=1000.0).positions_at(550.0)
    assert bridged.lon[bridged.officer == 1][0] == pytest.approx(121.55)


def test_vectorised_positions_equal_np_interp_per_officer() -> None:
    rng = np.random.default_rng(7)
    n_off, per = 40, 50
    officer = np.repeat(np.arange(n_off), per)
    t = np.concatenate([np.sort(rng.uniform(0, 3000, per)) for _ in range(n_off)])
    lon = 121.3 + rng.random(n_off * per) * 0.1
    lat = 31.2 + rng.random(n_off * per) * 0.05
    shuffle = rng.permutation(officer.size)
    idx = TrackIndex([f"O{i}" for i in range(n_off)], officer[shuffle], t[shuffle], lon[shuffle], lat[shuffle],
                     max_gap_s=1e9)
    for q in rng.uniform(0, 3000, 20):
        pos = idx.positions_at(float(q))
        for o, x, y in zip(pos.officer, pos.lon, pos.lat, strict=True):
            sl = slice(o * per, (o + 1) * per)
            assert x == pytest.approx(np.interp(q, t[sl], lon[sl]))
            assert y == pytest.approx(np.interp(q, t[sl], lat[sl]))
        expected = {o for o in range(n_off) if t[o * per] <= q}
        assert set(pos.officer.tolist()) == expected


def test_trails_end_at_the_current_position_and_stay_in_the_window() -> None:
    idx = _index()
    t, lon, _lat = idx.trail("A", 45.0, 40.0)
    assert t.tolist() == [30.0, 45.0]
    assert lon[-1] == pytest.approx(121.0045)
    trails = idx.trails_at(45.0, 100.0)
    assert trails.officer.tolist() == [0, 0, 0]
    assert trails.connect().tolist() == [True, True, False]
    assert idx.trail("nobody", 45.0, 40.0)[0].size == 0
