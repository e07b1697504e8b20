"""``urbanops city ...`` as a user runs it: real processes against the loopback platform."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests

from console.city.fake_platform import FakePlatform, make_ticket
from console.cli.main import main
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "URBANOPS_DB"}
    return subprocess.run([sys.executable, "-m", "console.cli.main", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def test_sync_outbox_and_stats_commands(tmp_path: Path, fake: FakePlatform) -> None:
    url = f"sqlite:///{tmp_path / 'city.db'}"
    db = Database(make_engine(url))
    upgrade(db)
    db.dispose()
    fake.put_ticket(make_ticket("CLI-1"))
    fake.put_malformed({"orderNo": "CLI-BAD"})
    config = tmp_path / "city.yaml"
    config.write_text(f"base_url: {fake.base_url}\napi_key_env: CITY_TEST_KEY_UNSET\napi_key: test-key\n"
                      "retries: 1\nbackoff_s: 0.01\npage_size: 10\n", encoding="utf-8")
    result = cli("city", "sync", "--once", "--db", url, "--config", str(config))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["inbound"]["created"] == 1 and report["inbound"]["dead_lettered"] == 1
    with sqlite3.connect(tmp_path / "city.db") as conn:
        assert conn.execute("SELECT source FROM cases").fetchall() == [("hotline_12345",)]

    fake.stop()
    result = cli("city", "sync", "--once", "--db", url, "--config", str(config))
    assert result.returncode == 1 and "unavailable" in json.loads(result.stdout)["inbound_error"]
    outbox = cli("city", "outbox", "--db", url, "--format", "json")
    assert outbox.returncode == 0 and json.loads(outbox.stdout) == []
    stats = json.loads(cli("city", "stats", "--db", url, "--format", "json").stdout)
    assert {r["channel"]: r["tickets"] for r in stats} == {"hotline_12345": 1, "city_platform": 0}
    assert main(["city", "sync", "--once", "--db", url]) == 2  # no base_url: a clear error, exit 2


def test_serve_fake_runs_a_platform_with_demo_tickets() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "URBANOPS_DB"}
    proc = subprocess.Popen([sys.executable, "-m", "console.cli.main", "city", "serve-fake", "--http",
                             f"127.0.0.1:{port}", "--demo-tickets", "3"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body = None
        for _ in range(200):
            try:
                body = requests.get(f"http://127.0.0.1:{port}/api/v1/tickets",
                                    headers={"X-Api-Key": "demo-key"}, timeout=1).json()
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert body is not None and [t["orderNo"] for t in body["items"]] == ["DEMO00001", "DEMO00002", "DEMO00003"]
        assert requests.get(f"http://127.0.0.1:{port}/api/v1/tickets", timeout=1).status_code == 401
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    assert main(["city", "serve-fake", "--http", "nonsense"]) == 2
