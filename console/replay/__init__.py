"""Replay (回放): any past period of the event log and position history, on one clock, strictly read-only.

Qt-free. The pieces, each with one job:

- ``source.ReplaySource`` — where the past comes from: the live database opened read-only, or an exported replay
  file (a self-contained SQLite file with the normal schema). Nothing here can write.
- ``state.ReplayIndex`` — the period's events loaded once, with checkpoints every N events, so ``state_at(t)`` (the
  fold of the events up to *t*) costs one dict copy plus at most N folds.
- ``tracks.TrackIndex`` — officers' position fixes as numpy arrays: ``positions_at(t)`` (interpolated),
  ``trail(officer, t, window)``.
- ``session.ReplaySession`` — everything above loaded together, plus camera events and the action log at *t*.
- ``clock.ReplayClock`` — drives a ``console.world.World`` to time *t* (jumps restore a checkpoint, small forward
  steps fold the new events so the ticker sees them).
- ``export`` — ``urbanops replay export``: a period to a replay file.
"""

from console.replay.clock import ReplayClock
from console.replay.session import ReplaySession, load_session
from console.replay.source import ReplaySource, open_read_only
from console.replay.state import ReplayIndex, Snapshot
from console.replay.tracks import TrackIndex

__all__ = ["ReplayClock", "ReplayIndex", "ReplaySession", "ReplaySource", "Snapshot", "TrackIndex", "load_session",
           "open_read_only"]
