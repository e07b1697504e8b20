"""State at any instant of a period: the fold of the events up to *t*, made fast by checkpoints (检查点).

The period's events are loaded once, ordered by (time, seq). ``state_at(t)`` takes the nearest checkpoint at or
before *t* (a snapshot kept every ``checkpoint_every`` events), copies its top-level dicts and folds the few events
between it and *t* with ``console.storage.projection.fold`` — the same fold the projections and the live World use,
so replay agrees with ``rebuild-projections`` by construction.

Entity state dicts are never mutated in place by the fold (it returns a new dict), so checkpoints can share them;
officer dicts are copied on the way out because the World moves officers in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from console.replay.source import to_epoch_s
from console.storage import projection
from console.storage.eventstore import StoredEvent

State = dict[str, dict[str, Any]]
DEFAULT_CHECKPOINT_EVERY = 400


@dataclass
class Snapshot:
    """Cases, officers and assets (by kind) as they stood after the event with sequence ``seq``."""

    cases: State = field(default_factory=dict)
    officers: State = field(default_factory=dict)
    assets: dict[str, State] = field(default_factory=dict)
    seq: int = 0
    applied: int = 0  # how many events of the period are folded in

    def apply(self, ev: StoredEvent) -> None:
        """Fold one event (mutates the top-level dicts only)."""
        if ev.entity_type == "case":
            self.cases[ev.entity_id] = projection.fold(self.cases.get(ev.entity_id), ev)
        elif ev.entity_type == "officer":
            self.officers[ev.entity_id] = projection.fold(self.officers.get(ev.entity_id), ev)
        elif ev.entity_type in projection.SPECS:
            bucket = self.assets.setdefault(ev.entity_type, {})
            bucket[ev.entity_id] = projection.fold(bucket.get(ev.entity_id), ev)
        self.seq = max(self.seq, ev.seq)

    def copy(self, *, deep_officers: bool = True) -> Snapshot:
        officers = {k: dict(v) for k, v in self.officers.items()} if deep_officers else dict(self.officers)
        return Snapshot(dict(self.cases), officers, {k: dict(v) for k, v in self.assets.items()}, self.seq,
                        self.applied)


def fold_all(events: Iterable[StoredEvent]) -> Snapshot:
    """The plain fold of a sequence of events (the reference the fast path is tested against)."""
    snap = Snapshot()
    for ev in events:
        snap.apply(ev)
    return snap


def _apply_over(delta: Snapshot, base: Snapshot, ev: StoredEvent) -> None:
    """Fold ``ev`` into ``delta``, taking the entity's previous state from ``base`` when ``delta`` lacks it."""
    if ev.entity_type == "case":
        prev = delta.cases.get(ev.entity_id) or base.cases.get(ev.entity_id)
        delta.cases[ev.entity_id] = projection.fold(prev, ev)
    elif ev.entity_type == "officer":
        prev = delta.officers.get(ev.entity_id) or base.officers.get(ev.entity_id)
        delta.officers[ev.entity_id] = projection.fold(prev, ev)
    elif ev.entity_type in projection.SPECS:
        bucket = delta.assets.setdefault(ev.entity_type, {})
        prev = bucket.get(ev.entity_id) or base.assets.get(ev.entity_type, {}).get(ev.entity_id)
        bucket[ev.entity_id] = projection.fold(prev, ev)
    delta.seq = max(delta.seq, ev.seq)


class ReplayIndex:
    """The period's events, ordered, with checkpoints; built once (off the GUI thread), then read-only."""

    def __init__(self, base: Snapshot, events: Sequence[StoredEvent], from_utc: datetime, to_utc: datetime,
                 checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
                 progress: Callable[[float], None] | None = None) -> None:
        if checkpoint_every < 1:
            raise ValueError("checkpoint_every must be ≥ 1")
        self.from_utc, self.to_utc = from_utc, to_utc
        self.from_s, self.to_s = to_epoch_s(from_utc), to_epoch_s(to_utc)
        # State at t is the fold of the events with ts ≤ t. Timestamps are not always monotone in seq (the seeder
        # writes its end-of-history roster after cases scheduled later; devices sync late), so order by (ts, seq).
        ordered = sorted(events, key=lambda e: (e.ts_utc, e.seq))
        self.events: list[StoredEvent] = ordered
        self.ts_s: npt.NDArray[np.float64] = np.array([e.ts_utc.timestamp() for e in ordered], dtype=np.float64)
        self.base = base
        self.every = checkpoint_every
        # A checkpoint holds only what changed since the base (memory ∝ entities touched, not the whole world).
        self.checkpoints: list[Snapshot] = [Snapshot(seq=base.seq)]
        delta = Snapshot(seq=base.seq)
        for i, ev in enumerate(ordered, start=1):
            _apply_over(delta, base, ev)
            delta.applied = i
            if i % checkpoint_every == 0:
                self.checkpoints.append(delta.copy(deep_officers=False))
                if progress is not None:
                    progress(i / len(ordered))
        self._by_case: dict[str, list[int]] = {}
        for i, ev in enumerate(ordered):
            if ev.case_id:
                self._by_case.setdefault(ev.case_id, []).append(i)

    # ------------------------------------------------------------------ positions in the event list
    def count_at(self, t_s: float) -> int:
        """How many of the period's events have happened at ``t_s`` (ts ≤ t)."""
        return int(np.searchsorted(self.ts_s, t_s, side="right"))

    def snapshot_after(self, k: int) -> Snapshot:
        """State after the first ``k`` events of the period (fresh dicts the caller may mutate)."""
        k = max(0, min(k, len(self.events)))
        cp = self.checkpoints[k // self.every]
        b = self.base
        snap = Snapshot(dict(b.cases), {oid: dict(o) for oid, o in b.officers.items()},
                        {kind: dict(v) for kind, v in b.assets.items()}, cp.seq, cp.applied)
        snap.cases.update(cp.cases)
        snap.officers.update({oid: dict(o) for oid, o in cp.officers.items()})
        for kind, bucket in cp.assets.items():
            snap.assets.setdefault(kind, {}).update(bucket)
        for i in range(cp.applied, k):
            snap.apply(self.events[i])
        snap.applied = k
        return snap

    def state_at(self, t: datetime | float) -> Snapshot:
        """Cases, officers and assets as they stood at ``t`` (events with ts ≤ t folded)."""
        t_s = to_epoch_s(t) if isinstance(t, datetime) else float(t)
        return self.snapshot_after(self.count_at(t_s))

    def events_between(self, k0: int, k1: int) -> list[StoredEvent]:
        return self.events[max(0, k0):max(0, k1)]

    # ------------------------------------------------------------------ navigation
    def next_event_time(self, t_s: float) -> float | None:
        k = self.count_at(t_s)
        return float(self.ts_s[k]) if k < len(self.events) else None

    def previous_event_time(self, t_s: float) -> float | None:
        k = int(np.searchsorted(self.ts_s, t_s, side="left"))
        return float(self.ts_s[k - 1]) if k > 0 else None

    def next_case_event_time(self, case_id: str, t_s: float) -> float | None:
        """When the case's next event after ``t_s`` happens (jump to the next event of a case)."""
        for i in self._by_case.get(case_id, []):
            if self.ts_s[i] > t_s:
                return float(self.ts_s[i])
        return None

    def case_events(self, case_id: str) -> list[StoredEvent]:
        return [self.events[i] for i in self._by_case.get(case_id, [])]

    def histogram(self, bins: int = 288) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        """Activity over the period: bin edges (epoch s) and event counts (the timeline's histogram)."""
        edges = np.linspace(self.from_s, max(self.to_s, self.from_s + 1.0), bins + 1)
        counts, _ = np.histogram(self.ts_s, bins=edges)
        return edges, counts.astype(np.int64)

    def action_log(self, t_s: float, limit: int = 200) -> list[StoredEvent]:
        """The dispatcher action log at ``t_s``: the latest ``limit`` events with ts ≤ t, oldest first."""
        k = self.count_at(t_s)
        return self.events[max(0, k - limit):k]
