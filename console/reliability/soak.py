"""Soak run (浸泡测试): a simulated stretch of the operations day with the simulator writing, the HTTP gateway taking
Open311 reports and OsmAnd positions, and two seats following the log — counting errors and measuring memory.

Qt-free. ``bench/bench_soak.py`` runs a simulated day at 60× (``--quick``: a shorter slice); the CI test runs a few
simulated hours as fast as the machine goes and asserts zero errors and identical seats.
"""

from __future__ import annotations

import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from console.feeds.http_gateway import serve
from console.feeds.open311 import Open311Config
from console.services.context import ServiceContext
from console.services.seat import SeatFollower
from console.sim.seed import SeedOptions, seed_demo
from console.sim.simulator import SimClock, Simulator
from console.storage import eventstore
from console.storage.db import Database
from console.storage.eventstore import StoredEvent
from console.world import World

CASE_FIELDS = ("status", "assignee", "category_code", "priority", "step", "overdue", "supervised", "rework_count",
               "return_count", "closed_at")


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc; 0 where unavailable)."""
    try:
        with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


class _ErrorCounter(logging.Handler):
    """Counts ERROR records from any logger during the run (gateway, follower, simulator)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}"[:300])


@dataclass
class SoakOptions:
    sim_hours: float = 24.0
    speed: float = 60.0  # simulated seconds per real second; realtime=False runs as fast as possible
    step_sim_s: float = 30.0  # simulated seconds per simulator step
    realtime: bool = True
    seed_days: int = 1
    seed_scale: float = 0.2
    reports_per_sim_hour: float = 6.0  # Open311 + QR-form style reports through the gateway
    fixes_per_step: int = 3  # OsmAnd reports through the gateway per step
    start_utc: datetime | None = None


@dataclass
class SoakReport:
    sim_hours: float
    real_s: float
    steps: int
    events: int
    gateway_requests: int
    gateway_5xx: int
    errors: list[str] = field(default_factory=list)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_samples_mb: list[float] = field(default_factory=list)
    seats_last_seq: list[int] = field(default_factory=list)
    db_last_seq: int = 0
    seat_mismatches: list[str] = field(default_factory=list)
    refusals: int = 0

    @property
    def rss_growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_start_mb

    def to_json(self) -> dict[str, Any]:
        return {"sim_hours": self.sim_hours, "real_s": round(self.real_s, 1), "steps": self.steps,
                "events": self.events, "gateway_requests": self.gateway_requests, "gateway_5xx": self.gateway_5xx,
                "errors": len(self.errors), "rss_start_mb": round(self.rss_start_mb, 1),
                "rss_end_mb": round(self.rss_end_mb, 1), "rss_growth_mb": round(self.rss_growth_mb, 1),
                "seats_last_seq": self.seats_last_seq, "db_last_seq": self.db_last_seq,
                "seat_mismatches": len(self.seat_mismatches), "refusals": self.refusals}


def _http(url: str, data: dict[str, str] | None = None) -> int:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return int(exc.code)


def _norm(value: Any) -> Any:
    """Times compare as instants (a folded event keeps ``…Z``, a loaded row ``…+00:00``)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            return value
    return value


def compare_seats(a: World, b: World, reference: World) -> list[str]:
    """Differences between two seats and the database's own projections (empty list = consistent)."""
    out: list[str] = []
    if a.last_seq == b.last_seq and a.cases != b.cases:
        out.append("seat A and seat B folded the same events into different case states")
    for name, seat in (("seat A", a), ("seat B", b)):
        if seat.last_seq != reference.last_seq:
            out.append(f"{name} last_seq {seat.last_seq} != database {reference.last_seq}")
        if set(seat.cases) != set(reference.cases):
            out.append(f"{name}: {len(set(seat.cases) ^ set(reference.cases))} cases differ in presence")
        for cid, ref in reference.cases.items():
            mine = seat.cases.get(cid)
            if mine is None:
                continue
            for f in CASE_FIELDS:
                if _norm(mine.get(f)) != _norm(ref.get(f)):
                    out.append(f"{name} {cid}.{f}: {mine.get(f)!r} != {ref.get(f)!r}")
        for oid, ref in reference.officers.items():
            if (seat.officers.get(oid) or {}).get("status") != ref.get("status"):
                out.append(f"{name} officer {oid}.status differs")
    return out[:50]


def _applier(world: World) -> Callable[[list[StoredEvent]], None]:
    def apply(events: list[StoredEvent]) -> None:
        world.apply_events(events)

    return apply


def run_soak(db: Database, options: SoakOptions, say: Any = None) -> SoakReport:
    """Seed (if empty), then run the simulator with the gateway and two following seats; see module docstring."""
    report_line = say or (lambda _m: None)
    start = (options.start_utc or datetime.now(UTC)).replace(microsecond=0)
    with db.read_session() as s:
        empty = eventstore.last_seq(s) == 0
    if empty:
        seed_demo(db, SeedOptions(days=options.seed_days, scale=options.seed_scale, now_utc=start))
    clock = SimClock(start)
    ctx = ServiceContext(db, clock=clock)
    errors = _ErrorCounter()
    logging.getLogger().addHandler(errors)
    sim_errors: list[str] = []  # exceptions out of a step: real errors
    refusals: list[str] = []  # the simulator's commands the rules refused (a race with another seat): counted only
    sim = Simulator(ctx, speed=options.speed, seed=11, on_error=refusals.append)
    seats = [World(), World()]
    followers = []
    for seat in seats:
        seat.load(db)
        followers.append(SeatFollower(db, _applier(seat), since_seq=seat.last_seq, poll_s=0.5).start())
    gateway = serve(ServiceContext(db), "127.0.0.1", 0, config=Open311Config(anonymous_limit=10**9))
    host, port = gateway.server_address[:2]
    base = f"http://{host!s}:{port}"
    requests_made, fivexx = 0, 0
    officer_ids = sorted(o for o, v in seats[0].officers.items() if v.get("post") == "officer")[:20]
    workrooms = sorted(seats[0].assets.get("workroom", {}))[:5]
    total_steps = max(1, int(options.sim_hours * 3600 / options.step_sim_s))
    report_every = max(1, int(3600 / options.reports_per_sim_hour / options.step_sim_s))
    dt_real = options.step_sim_s / options.speed
    rss_start = rss_mb()
    samples = [rss_start]
    t0 = time.perf_counter()
    events = 0
    try:
        for i in range(total_steps):
            step_started = time.perf_counter()
            try:
                events += sim.step(dt_real).events_written
            except Exception as exc:  # counted, the run goes on (a soak must see the second error too)
                sim_errors.append(f"step {i}: {type(exc).__name__}: {exc}"[:300])
            now = clock.now_utc()
            for k in range(options.fixes_per_step if officer_ids else 0):
                oid = officer_ids[(i * options.fixes_per_step + k) % len(officer_ids)]
                code = _http(f"{base}/osmand?" + urllib.parse.urlencode({
                    "id": f"dev-{oid.lower()}", "lat": f"{31.215 + 0.001 * (k % 5):.5f}",
                    "lon": f"{121.40 + 0.001 * (i % 20):.5f}", "timestamp": str(int(time.time()))}))
                requests_made += 1
                fivexx += code >= 500
            if i % report_every == 0:
                if workrooms and i % (2 * report_every) == 0:
                    code = _http(f"{base}/qr/{workrooms[i % len(workrooms)]}", None)
                else:
                    code = _http(f"{base}/open311/v2/requests.json", {
                        "service_code": "E0101", "lat": "31.2197", "long": "121.4166",
                        "description": f"浸泡测试 {now.isoformat()}"})
                requests_made += 1
                fivexx += code >= 500
            if i % max(1, total_steps // 20) == 0:
                samples.append(rss_mb())
                report_line(f"{(i + 1) * options.step_sim_s / 3600:.1f} h simulated, {events} events, "
                            f"rss {samples[-1]:.0f} MB")
            if options.realtime:
                time.sleep(max(0.0, dt_real - (time.perf_counter() - step_started)))
        real_s = time.perf_counter() - t0
        with db.read_session() as s:
            last = eventstore.last_seq(s)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(f.last_seq < last for f in followers):
            time.sleep(0.1)
    finally:
        for f in followers:
            f.stop()
        gateway.shutdown()
        logging.getLogger().removeHandler(errors)
    reference = World()
    reference.load(db)
    rss_end = rss_mb()
    samples.append(rss_end)
    return SoakReport(sim_hours=options.sim_hours, real_s=real_s, steps=total_steps, events=events,
                      gateway_requests=requests_made, gateway_5xx=fivexx, errors=sim_errors + errors.messages,
                      rss_start_mb=rss_start, rss_end_mb=rss_end, rss_samples_mb=samples,
                      seats_last_seq=[w.last_seq for w in seats], db_last_seq=reference.last_seq,
                      seat_mismatches=compare_seats(seats[0], seats[1], reference), refusals=len(refusals))
