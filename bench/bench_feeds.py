"""Sustained OwnTracks position ingest through Mosquitto into the database vs a bare subscriber in the same run.

A private Mosquitto (free loopback port) carries N QoS 1 OwnTracks fixes from one publisher running in its own
process (as trackers and the simulator do in the field; in one process the publisher and the subscriber under test
would fight over one GIL and the figure would measure that). Measured: the gateway (parse, validate, map, batched
insert + latest-fix upsert, ack after commit) on SQLite, and on PostgreSQL when one is reachable.

Baseline (the target's): a bare paho subscriber (QoS 1, auto-ack) in its own process, subscribed to the same stream
during the same gateway run — the rate the broker itself delivers in this run. The ratio is per round, then the
median of the rounds. A second row reports the older comparison against a bare subscriber in a separate, alternating
run: on a 2-core machine the publisher then shares the cores with the gateway and the database in one run and not in
the other, so that ratio mostly measures how much CPU the publisher lost (kept as "report", not a target).
Latency: broker delivery (paho's on_message) → committed row, p95. Targets (issue 5): ingest ≥ 90 % of the bare
rate; p95 ≤ 250 ms.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import create_engine, func, select, text

N_OFFICERS = 100
PG_ADMIN_URL = os.environ.get("URBANOPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_broker(workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    conf = workdir / "mosquitto.conf"
    user = "user root\n" if os.geteuid() == 0 else ""
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\n"
                    f"max_inflight_messages 100\n{user}", encoding="utf-8")
    exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    proc = subprocess.Popen([exe, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("mosquitto did not start")


def _publish_in_process(port: int, n: int, tag: str, offset_s: int) -> subprocess.Popen[bytes]:
    """Start the publisher as a separate Python process (it connects, publishes n fixes, waits for the acks)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, "-c", f"from bench.bench_feeds import _publish; _publish({port}, {n}, "
                             f"{tag!r}, {offset_s})"], cwd=ROOT, env=env)


def _publish(port: int, n: int, tag: str, offset_s: int = 0) -> None:
    """n fixes of N_OFFICERS officers, one per officer per second of fix time (offset keeps rounds distinct)."""
    from console.sim.mqtt_publish import MqttPublisher

    pub = MqttPublisher("127.0.0.1", port, client_id=f"bench-pub-{tag}")
    base = datetime.now(UTC) - timedelta(hours=3) + timedelta(seconds=offset_s)
    for i in range(n):
        oid = f"OF{(i % N_OFFICERS) + 1:05d}"
        pub.publish_fix(oid, 121.36 + 0.00001 * (i % 5000), 31.20 + 0.0001 * (i % N_OFFICERS),
                        base + timedelta(seconds=i // N_OFFICERS))
    pub.close()


def _bare_rate(port: int, n: int, round_no: int) -> float:
    """Deliveries per second to a subscriber that does nothing (first to last message)."""
    got = threading.Event()
    count = [0, 0.0, 0.0]

    def on_message(_c: Any, _u: Any, _m: Any) -> None:
        if count[0] == 0:
            count[1] = time.perf_counter()
        count[0] += 1
        if count[0] == n:
            count[2] = time.perf_counter()
            got.set()

    sub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-bare-{round_no}", clean_session=True)
    sub.on_message = on_message
    sub.connect("127.0.0.1", port)
    sub.subscribe("owntracks/+/+", qos=1)
    sub.loop_start()
    time.sleep(0.3)
    pub = _publish_in_process(port, n, f"bare{round_no}", 0)
    got.wait(120)
    pub.wait(60)
    sub.disconnect()
    sub.loop_stop()
    return n / max(1e-9, (count[2] or time.perf_counter()) - (count[1] or time.perf_counter()))


def _bare_subscriber(port: int, n: int, tag: str) -> None:
    """Child process: a bare QoS 1 subscriber that counts ``n`` messages and prints its delivery rate as JSON."""
    import json

    got = threading.Event()
    stamp = [0, 0.0, 0.0]

    def on_message(_c: Any, _u: Any, _m: Any) -> None:
        if stamp[0] == 0:
            stamp[1] = time.perf_counter()
        stamp[0] += 1
        if stamp[0] == n:
            stamp[2] = time.perf_counter()
            got.set()

    def on_subscribe(*_a: Any) -> None:
        print("ready", flush=True)

    sub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"bench-side-{tag}", clean_session=True)
    sub.on_message = on_message
    sub.on_subscribe = on_subscribe
    sub.connect("127.0.0.1", port)
    sub.subscribe("owntracks/+/+", qos=1)
    sub.loop_start()
    got.wait(300)
    sub.disconnect()
    sub.loop_stop()
    elapsed = (stamp[2] or time.perf_counter()) - (stamp[1] or time.perf_counter())
    print(json.dumps({"received": stamp[0], "rate": stamp[0] / max(elapsed, 1e-9)}), flush=True)


def _start_side_subscriber(port: int, n: int, tag: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-c", f"from bench.bench_feeds import _bare_subscriber; "
                             f"_bare_subscriber({port}, {n}, {tag!r})"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        proc.kill()
        raise RuntimeError("side subscriber did not start")
    return proc


def _side_rate(proc: subprocess.Popen[str]) -> float:
    import json

    out, _ = proc.communicate(timeout=300)
    return float(json.loads(out.strip().splitlines()[-1])["rate"])


def _prepare(url: str) -> Any:
    """A migrated database with N_OFFICERS officers (device ids dev-of00001…)."""
    from console.domain.enums import Role
    from console.services.actor import Actor
    from console.services.context import ServiceContext
    from console.services.writer import CaseWriter
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade

    db = Database(make_engine(url))
    upgrade(db)
    ctx = ServiceContext(db)
    with db.session() as s:
        w = CaseWriter(s, ctx)
        for i in range(N_OFFICERS):
            w.upsert_entity("officer", f"OF{i + 1:05d}", {"name": "x", "post": "officer", "status": "on_duty_idle",
                                                          "active": True}, Actor(Role.ADMIN, "bench"))
        w.flush()
    return ctx


def _gateway_rate(port: int, n: int, ctx: Any, round_no: int) -> tuple[float, list[float], float]:
    """Fixes per second committed by the gateway (first delivery to last commit), the latencies in ms, and the rate
    the broker delivered the same stream to a bare subscriber (own process) at the same time."""
    from console.feeds.config import GatewayConfig, build_processor
    from console.feeds.mqtt_gateway import MqttGateway
    from console.storage.models import PositionRow

    db = ctx.db
    with db.read_session() as s:
        before = int(s.execute(select(func.count()).select_from(PositionRow)).scalar_one())
    proc = build_processor(ctx, GatewayConfig(), batch_size=500)
    # A fresh client id per run: the gateway's session persists at the broker (clean_start=False, a week's expiry),
    # so a reused id would resume an earlier run's session and first drain the messages queued for it meanwhile.
    gw = MqttGateway(proc, "127.0.0.1", port, client_id=f"bench-gw-{round_no}-{uuid.uuid4().hex[:8]}")
    gw.start()
    gw.connected.wait(10)
    side = _start_side_subscriber(port, n, f"gw{round_no}")
    time.sleep(0.3)
    pub = _publish_in_process(port, n, f"gw{round_no}", 200 * (round_no + 1))
    deadline = time.monotonic() + 300
    while proc.positions.stats.written < n and time.monotonic() < deadline:
        time.sleep(0.05)  # the end time is the last commit's, so a slow poll costs no precision (and no GIL)
    end = proc.positions.stats.last_commit_monotonic or time.monotonic()
    elapsed = end - (gw.first_message_monotonic or end)
    pub.wait(60)
    gw.stop()
    with db.read_session() as s:
        stored = int(s.execute(select(func.count()).select_from(PositionRow)).scalar_one()) - before
    return stored / max(elapsed, 1e-9), [x * 1000 for x in proc.positions.stats.latencies_s], _side_rate(side)


def _measure(port: int, n: int, url: str, rounds: int) -> tuple[float, float, float, float, float]:
    """Alternate bare-only and gateway runs (the machine's load drifts); medians of rates and of the per-round
    ratios, percentiles of all latencies."""
    ctx = _prepare(url)
    bare, gw, side_ratio, lat = [], [], [], []
    for r in range(rounds):
        bare.append(_bare_rate(port, n, r))
        rate, lat_ms, side = _gateway_rate(port, n, ctx, r)
        gw.append(rate)
        side_ratio.append(rate / side)
        lat += lat_ms
    ctx.db.dispose()
    arr = np.asarray(lat)
    return (float(np.median(bare)), float(np.median(gw)), float(np.percentile(arr, 95)),
            float(np.percentile(arr, 50)), float(np.median(side_ratio)))


def _pg_url() -> tuple[str, Any] | None:
    """A throwaway PostgreSQL database (URL, admin engine), or None when no server is reachable."""
    name = f"urbanops_bf_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL unavailable, skipped: {str(exc).splitlines()[0]}")
        return None
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}", admin


def _rows(backend: str, n: int, bare: float, rate: float, p95_ms: float, p50_ms: float,
          side_ratio: float) -> list[dict[str, Any]]:
    return [
        {"name": f"position ingest into {backend} ({n} fixes, median of per-round ratios)", "value": round(rate),
         "unit": "fixes/s", "baseline_name": "bare QoS 1 subscriber on the same stream at the same time",
         "baseline_value": round(rate / side_ratio), "ratio": round(side_ratio, 3), "target": "ratio ≥ 0.90",
         "verdict": "ok" if side_ratio >= 0.9 else "below target"},
        {"name": f"position ingest into {backend} vs a bare-only run ({n} fixes; the publisher shares the 2 cores "
         "with the gateway and the database in one run and not in the other)", "value": round(rate),
         "unit": "fixes/s", "baseline_name": "bare QoS 1 subscriber alone, alternating runs", "baseline_value": round(bare),
         "ratio": round(rate / bare, 3), "target": "report"},
        {"name": f"position delivery→{backend} latency p95", "value": round(p95_ms, 1), "unit": "ms",
         "baseline_name": "p50", "baseline_value": round(p50_ms, 1), "ratio": round(p95_ms / max(p50_ms, 1e-9), 2),
         "target": "≤ 250 ms", "verdict": "ok" if p95_ms <= 250 else "below target"},
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 2_000 if quick else 10_000
    rounds = 1 if quick else 3
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        broker, port = _start_broker(Path(tmp))
        try:
            rows += _rows("SQLite", n, *_measure(port, n, f"sqlite:///{Path(tmp) / 'bench.db'}", rounds))
            pg = _pg_url()
            if pg is not None:
                url, admin = pg
                try:
                    rows += _rows("PostgreSQL", n, *_measure(port, n, url, rounds))
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
                    admin.dispose()
        finally:
            broker.terminate()
            broker.wait(10)
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['name']}: {row['value']} {row['unit']} vs {row['baseline_name']} {row['baseline_value']} "
              f"(ratio {row['ratio']}; target {row['target']})")
