"""Feeds fixtures: a migrated database with a squad, officers (seeded device ids) and sensors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database

MONDAY_0900 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai
ZHONGSHAN_PARK = (121.4166, 31.2197)
OFFICERS = ("OF00001", "OF00002", "OF00003")


def seed_feed_entities(db: Database, ctx: ServiceContext) -> None:
    with db.session() as s:
        w = CaseWriter(s, ctx)
        admin = Actor(Role.ADMIN, "t")
        w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": "310105001000"}, admin)
        for oid in OFFICERS:
            w.upsert_entity("officer", oid, {"name": "王伟", "post": "officer", "squad_id": "SQ001",
                                             "status": "on_duty_idle", "active": True, "lon": 121.42, "lat": 31.22,
                                             "device_id": f"dev-{oid.lower()}"}, admin)
        for sid, kind in (("BIN001", "bin_fill"), ("SMK001", "smoke")):
            w.upsert_entity("sensor", sid, {"name": sid, "lon": ZHONGSHAN_PARK[0], "lat": ZHONGSHAN_PARK[1],
                                            "status": "normal", "sensor_kind": kind}, admin)
        w.upsert_entity("camera", "cam_linkong_01", {"name": "临空1号", "lon": 121.365, "lat": 31.215,
                                                      "status": "online", "ai": True}, admin)
        w.flush()


@pytest.fixture
def live_ctx(migrated_db: Database) -> ServiceContext:
    """Feed entities on the wall clock (real brokers and HTTP deliver fixes stamped now)."""
    from console.services.clock import SystemClock

    ctx = ServiceContext(migrated_db, clock=SystemClock())
    seed_feed_entities(migrated_db, ctx)
    return ctx


@pytest.fixture
def feed_ctx(migrated_db: Database) -> ServiceContext:
    ctx = ServiceContext(migrated_db, clock=ManualClock(MONDAY_0900))
    seed_feed_entities(migrated_db, ctx)
    return ctx


# ---------------------------------------------------------------------------------------------- brokers
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402


def skip_or_fail(reason: str) -> None:
    """Same rule as the root conftest: skip, or fail under URBANOPS_REQUIRE_SERVICES=1 (CI)."""
    import os

    if os.environ.get("URBANOPS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service unavailable (URBANOPS_REQUIRE_SERVICES=1): {reason}")
    pytest.skip(reason)


def broker_reachable(host: str = "127.0.0.1", port: int = 1883) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _user_line() -> str:
    """Mosquitto started as root drops to user 'mosquitto', which cannot write our persistence directory."""
    import os

    return "user root\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""


class OwnBroker:
    """A private Mosquitto on a free loopback port with on-disk persistence, stoppable and restartable."""

    def __init__(self, workdir: Path) -> None:
        exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.exe = exe
        self.port = free_port()
        self.workdir = workdir
        self.conf = workdir / "mosquitto.conf"
        self.conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                             f"persistence_location {workdir}/\nautosave_interval 1\nmax_queued_messages 100000\n"
                             "max_inflight_messages 100\n" + _user_line(), encoding="utf-8")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([self.exe, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not broker_reachable(port=self.port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("own mosquitto did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: mosquitto saves its persistence file
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[OwnBroker]:
    if not (shutil.which("mosquitto") or Path("/usr/sbin/mosquitto").exists()):
        skip_or_fail("mosquitto executable not installed")
    broker = OwnBroker(tmp_path)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
