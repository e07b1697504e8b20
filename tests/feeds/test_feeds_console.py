"""The console side in Qt (pytest-qt, offscreen): the feed-health indicator in a status bar, officers moving from
fixes (database and MQTT), stale officers drawn hollow after the configured age."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from PySide6.QtWidgets import QMainWindow

from console.feeds.config import GatewayConfig, build_processor
from console.feeds.health import FeedHealth
from console.feeds.live import LiveConfig
from console.feeds.positions import PositionFix
from console.services.context import ServiceContext
from console.world import World
from maps.symbology import STALE_OPACITY, OfficerSymbology
from tests.feeds.conftest import OwnBroker
from tests.feeds.test_feeds_live import FIX_SCRIPT
from widgets.live_feed import FeedHealthIndicator, LiveFeed


def _window(qtbot: object) -> tuple[QMainWindow, FeedHealthIndicator]:
    win = QMainWindow()
    indicator = FeedHealthIndicator(win)
    win.statusBar().addPermanentWidget(indicator)
    qtbot.addWidget(win)  # type: ignore[attr-defined]
    win.show()
    return win, indicator


def test_indicator_shows_each_feeds_state_and_last_message(qtbot: object) -> None:
    _win, indicator = _window(qtbot)
    health = FeedHealth(("positions", "camera", "sensors", "open311"))
    health.set_state("connected", feed="positions")
    health.count("positions", "accepted")
    health.set_state("reconnecting", feed="camera", error="connection refused")
    health.seen("camera", datetime.now(UTC) - timedelta(minutes=3))
    health.set_state("connected", feed="open311")
    indicator.show_health(health.snapshot())
    text = indicator.text()
    assert "定位 <span style='color:#43a047'>●</span> 0秒前" in text
    assert "视频 <span style='color:#ffb300'>◐</span> 3分钟前" in text
    assert "感知 <span style='color:#9e9e9e'>○</span> 无数据" in text
    tip = indicator.toolTip().splitlines()
    assert tip[0].startswith("定位：正常，最后消息 ") and "消息 1 条" in tip[0]
    assert tip[1].startswith("视频：重连中") and "connection refused" in tip[1]
    assert tip[2].startswith("感知：未连接，最后消息 —")
    assert indicator.isVisible()


def test_console_following_the_database_moves_officers_and_shows_health(live_ctx: ServiceContext,
                                                                        qtbot: object) -> None:
    _win, indicator = _window(qtbot)
    world = World()
    world.load(live_ctx.db)
    world.set_time(datetime.now(UTC))
    feed = LiveFeed(world, live_ctx.db, LiveConfig(mqtt_url=None, db_poll_s=0.1), indicator)
    moved: list[list[str]] = []
    world.officers_moved.connect(moved.append)
    feed.start()
    try:
        assert feed.mode == "database"
        processor = build_processor(live_ctx, GatewayConfig())  # the gateway's write path, as in another process
        now = datetime.now(UTC).replace(microsecond=0)
        processor.positions.ingest(PositionFix("owntracks/of00001/dev-of00001", 121.4033, 31.2166,
                                               now - timedelta(seconds=4), heading_deg=180.0))
        processor.positions.flush()
        qtbot.waitUntil(lambda: world.officers["OF00001"]["lon"] == pytest.approx(121.4033),  # type: ignore[attr-defined]
                        timeout=5000)
        assert moved and "OF00001" in moved[-1]
        qtbot.waitUntil(lambda: "定位 <span style='color:#43a047'>●</span>" in indicator.text(),  # type: ignore[attr-defined]
                        timeout=5000)
    finally:
        feed.stop()


def test_console_over_mqtt_moves_officers_on_the_gui_thread(live_ctx: ServiceContext, qtbot: object,
                                                            own_broker: OwnBroker) -> None:
    """A private broker: the SQLite and PostgreSQL variants run in parallel and publish the same officer."""
    _win, indicator = _window(qtbot)
    world = World()
    world.load(live_ctx.db)
    world.set_time(datetime.now(UTC))
    feed = LiveFeed(world, live_ctx.db, LiveConfig(mqtt_url=f"mqtt://127.0.0.1:{own_broker.port}", db_poll_s=0.2), indicator)
    feed.start()
    try:
        assert feed.mode == "mqtt" and feed.subscriber is not None and feed.subscriber.connected.wait(10)
        subprocess.run([sys.executable, "-c", FIX_SCRIPT, str(own_broker.port), uuid.uuid4().hex[:6], "121.4077"], check=True,
                       timeout=60)
        qtbot.waitUntil(lambda: world.officers["OF00002"]["lon"] == pytest.approx(121.4077),  # type: ignore[attr-defined]
                        timeout=10000)
        arrays = world.officer_arrays()
        assert arrays.heading_deg[world._officer_index["OF00002"]] == pytest.approx(90.0)
        qtbot.waitUntil(lambda: "秒前" in indicator.text().split(" · ")[0], timeout=5000)  # type: ignore[attr-defined]
    finally:
        feed.stop()
    assert "○" in feed.health.summary_text().split(" · ")[0]  # positions feed down after stop


def test_stale_officers_are_hollow_after_the_configured_age(qtbot: object) -> None:
    sym = OfficerSymbology(stale_after_s=30.0)
    keys = sym.compute(4, {"status": np.array(["on_duty_idle"] * 4, dtype=object),
                           "heading_deg": np.array([90.0, 90.0, np.nan, 90.0]),
                           "fix_age_s": np.array([5.0, 60.0, 10.0, np.nan])})
    assert list(keys.key % 2) == [0, 1, 0, 1]  # stale: older than 30 s, or no fix time at all
    assert list(keys.opacity) == pytest.approx([1.0, STALE_OPACITY, 1.0, STALE_OPACITY])
    assert OfficerSymbology(stale_after_s=120.0).compute(
        1, {"fix_age_s": np.array([60.0])}).key[0] % 2 == 0  # the same age is live under the default
    live = sym.symbol_pixmap(int(keys.key[0])).toImage()
    stale = sym.symbol_pixmap(int(keys.key[1])).toImage()
    c = sym.cell_px // 2
    assert live.pixelColor(c, c + 1).alpha() > 200  # filled dot
    assert stale.pixelColor(c, c + 1).alpha() == 0  # hollow ring: the centre is empty
    assert stale.pixelColor(c + 7, c).alpha() > 100  # the grey ring itself
