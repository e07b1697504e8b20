"""Sustained OwnTracks position ingest through Mosquitto into the database vs a bare subscriber in the same run.

A private Mosquitto (free loopback port) carries N QoS 1 OwnTracks fixes from one publisher. Baseline: a bare paho
subscriber (QoS 1, auto-ack) — the rate the broker itself delivers. Measured: the gateway (parse, validate, map,
batched insert + latest-fix upsert, ack after commit) on SQLite. Latency: broker delivery → committed row, p95.
Targets (issue 5): ingest ≥ 90 % of the bare rate; p95 latency ≤ 250 ms.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import func, select

N_OFFICERS = 100


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


def _publish(port: int, n: int, tag: str) -> None:
    from console.sim.mqtt_publish import MqttPublisher

    pub = MqttPublisher("127.0.0.1", port, client_id=f"bench-pub-{tag}")
    base = datetime.now(UTC) - timedelta(hours=1)
    for i in range(n):
        oid = f"OF{(i % N_OFFICERS) + 1:05d}"
        pub.publish_fix(oid, 121.36 + 0.00001 * (i % 5000), 31.20 + 0.0001 * (i % N_OFFICERS),
                        base + timedelta(seconds=i // N_OFFICERS))
    pub.close()


def _bare_rate(port: int, n: int) -> float:
    got = threading.Event()
    count = [0, 0.0, 0.0]

    def on_message(_c: Any, _u: Any, _m: Any) -> None:
        if count[0] == 0:
            count[1] = time.perf_counter()
        count[0] += 1
        if count[0] == n:
            count[2] = time.perf_counter()
            got.set()

    sub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-bare", clean_session=True)
    sub.on_message = on_message
    sub.connect("127.0.0.1", port)
    sub.subscribe("owntracks/+/+", qos=1)
    sub.loop_start()
    time.sleep(0.3)
    t0 = time.perf_counter()
    threading.Thread(target=_publish, args=(port, n, "bare"), daemon=True).start()
    got.wait(120)
    sub.disconnect()
    sub.loop_stop()
    return n / max(1e-9, (count[2] or time.perf_counter()) - t0)


def _gateway_rate(port: int, n: int, workdir: Path) -> tuple[float, float, float]:
    from console.domain.enums import Role
    from console.feeds.config import GatewayConfig, build_processor
    from console.feeds.mqtt_gateway import MqttGateway
    from console.services.actor import Actor
    from console.services.context import ServiceContext
    from console.services.writer import CaseWriter
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade
    from console.storage.models import PositionRow

    db = Database(make_engine(f"sqlite:///{workdir / 'bench.db'}"))
    upgrade(db)
    ctx = ServiceContext(db)
    with db.session() as s:
        w = CaseWriter(s, ctx)
        for i in range(N_OFFICERS):
            w.upsert_entity("officer", f"OF{i + 1:05d}", {"name": "x", "post": "officer", "status": "on_duty_idle",
                                                          "active": True}, Actor(Role.ADMIN, "bench"))
        w.flush()
    proc = build_processor(ctx, GatewayConfig(), batch_size=500)
    gw = MqttGateway(proc, "127.0.0.1", port, client_id="bench-gw")
    gw.start()
    gw.connected.wait(10)
    time.sleep(0.3)
    t0 = time.perf_counter()
    threading.Thread(target=_publish, args=(port, n, "gw"), daemon=True).start()
    deadline = time.monotonic() + 300
    while proc.positions.stats.written < n and time.monotonic() < deadline:
        time.sleep(0.005)
    elapsed = time.perf_counter() - t0
    gw.stop()
    with db.read_session() as s:
        stored = int(s.execute(select(func.count()).select_from(PositionRow)).scalar_one())
    lat = np.asarray(proc.positions.stats.latencies_s) * 1000
    db.dispose()
    return stored / elapsed, float(np.percentile(lat, 95)), float(np.percentile(lat, 50))


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 2_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        broker, port = _start_broker(Path(tmp))
        try:
            bare = _bare_rate(port, n)
            rate, p95_ms, p50_ms = _gateway_rate(port, n, Path(tmp))
        finally:
            broker.terminate()
            broker.wait(10)
    return [
        {"name": f"position ingest into SQLite ({n} fixes)", "value": round(rate), "unit": "fixes/s",
         "baseline_name": "bare QoS 1 subscriber, same broker", "baseline_value": round(bare),
         "ratio": round(rate / bare, 3), "target": "ratio ≥ 0.90"},
        {"name": "position delivery→DB latency p95", "value": round(p95_ms, 1), "unit": "ms",
         "baseline_name": "p50", "baseline_value": round(p50_ms, 1), "ratio": round(p95_ms / max(p50_ms, 1e-9), 2),
         "target": "≤ 250 ms"},
    ]


if __name__ == "__main__":
    import sys

    for row in run(quick="--quick" in sys.argv):
        print(f"{row['name']}: {row['value']} {row['unit']} vs {row['baseline_name']} {row['baseline_value']} "
              f"(ratio {row['ratio']}; target {row['target']})")
