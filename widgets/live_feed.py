"""Live feeds in the window: officer fixes onto the World (MQTT fast path or database), and the feed-health indicator.

``LiveFeed`` owns the Qt-free source (``console.feeds.live``): with a broker configured it subscribes over MQTT and
the subscriber's thread emits ``fixesArrived`` — a queued Qt signal, so the World is only touched on the GUI thread
(as ``WorldBridge`` does for the World's own signals); without one it polls the fixes the gateway stored. A 1 s timer
refreshes the indicator and re-ages officer symbols so a silent tracker turns stale on the map by itself.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from console.feeds.health import FeedHealth
from console.feeds.live import CONSOLE_FEEDS, FixFollower, LiveConfig, LiveFix, LivePositions
from console.world import World

ACTIVITY_EVERY_S = 5.0
REAGE_EVERY_S = 5.0
STATE_COLOURS = {"connected": "#43a047", "reconnecting": "#ffb300", "down": "#9e9e9e"}
STATE_MARKS = {"connected": "●", "reconnecting": "◐", "down": "○"}
_LOCAL = ZoneInfo("Asia/Shanghai")


class FeedHealthIndicator(QLabel):
    """Status-bar label: each feed's state (coloured dot) and how long ago its last message came; details in the
    tooltip (state, last message time in Beijing time, counts, last error)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feed_health")
        self.snapshot: list[dict[str, Any]] = []

    def feed_name(self, name: str) -> str:
        return {"positions": self.tr("定位"), "camera": self.tr("视频"), "sensors": self.tr("感知"),
                "open311": self.tr("投诉")}.get(name, name)

    def state_name(self, state: str) -> str:
        return {"connected": self.tr("正常"), "reconnecting": self.tr("重连中"), "down": self.tr("未连接")}.get(state, state)

    def age_text(self, age_s: float | None) -> str:
        if age_s is None:
            return self.tr("无数据")
        age = max(0.0, age_s)
        if age < 60:
            return self.tr("%1秒前").replace("%1", f"{age:.0f}")
        if age < 3600:
            return self.tr("%1分钟前").replace("%1", f"{age / 60:.0f}")
        return self.tr("%1小时前").replace("%1", f"{age / 3600:.0f}")

    def show_health(self, snapshot: list[dict[str, Any]]) -> None:
        self.snapshot = snapshot
        parts, tips = [], []
        for d in snapshot:
            colour = STATE_COLOURS.get(d["state"], "#9e9e9e")
            parts.append(f"{self.feed_name(d['name'])} <span style='color:{colour}'>{STATE_MARKS.get(d['state'], '?')}"
                         f"</span> {self.age_text(d['age_s'])}")
            last = d["last_message_utc"]
            when = (datetime.fromisoformat(last).astimezone(_LOCAL).strftime("%H:%M:%S") if last else "—")
            tip = (self.tr("%1：%2，最后消息 %3，消息 %4 条，拒收 %5 条")
                   .replace("%1", self.feed_name(d["name"])).replace("%2", self.state_name(d["state"]))
                   .replace("%3", when).replace("%4", str(d["messages"])).replace("%5", str(d["dead_letters"])))
            if d.get("last_error") and d["state"] != "connected":
                tip += f"（{str(d['last_error'])[:80]}）"
            tips.append(tip)
        self.setText(" · ".join(parts))
        self.setToolTip("\n".join(tips))


class LiveFeed(QObject):
    """Moves officers on the World from live fixes and keeps the indicator current (one per window)."""

    fixesArrived = Signal(object)  # list[LiveFix], emitted from the subscriber thread

    def __init__(self, world: World, db: Any, config: LiveConfig, indicator: FeedHealthIndicator,
                 parent: QObject | None = None, on_stale_check: Any = None) -> None:
        super().__init__(parent)
        self.world = world
        self.config = config
        self.indicator = indicator
        self.health = FeedHealth(CONSOLE_FEEDS)
        self.follower = FixFollower(db, self.health)
        self.subscriber: LivePositions | None = None
        self.on_stale_check = on_stale_check
        self.applied = 0
        self._last_activity = -1e9
        self._last_reage = time.monotonic()
        self.fixesArrived.connect(self.apply)
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 * config.db_poll_s))
        self.timer.timeout.connect(self.tick)

    @property
    def mode(self) -> str:
        return "mqtt" if self.subscriber is not None else "database"

    def start(self) -> None:
        if self.config.mqtt_url:
            self.subscriber = LivePositions(self.config.mqtt_url, self.fixesArrived.emit, health=self.health).start()
        else:
            self.apply(self.follower.poll())  # the latest stored fixes right away
        self.timer.start()
        self.tick()

    def stop(self) -> None:
        self.timer.stop()
        if self.subscriber is not None:
            self.subscriber.stop()
            self.subscriber = None

    def apply(self, fixes: list[LiveFix]) -> None:
        """GUI thread: fold the fixes into the World (it emits officers_moved for the map and the board)."""
        if fixes:
            self.applied += len(self.world.apply_fixes(fixes))

    def tick(self) -> None:
        now = time.monotonic()
        if self.subscriber is None:
            self.apply(self.follower.poll())
        if now - self._last_activity >= ACTIVITY_EVERY_S:
            self._last_activity = now
            self.follower.poll_activity()
        if now - self._last_reage >= REAGE_EVERY_S and self.on_stale_check is not None:
            self._last_reage = now
            self.on_stale_check()
        self.indicator.show_health(self.health.snapshot())


def attach_live_feed(window: Any) -> LiveFeed | None:
    """Main-window hook: build the indicator into the status bar and start the live feed on the loaded world."""
    loaded = getattr(window, "loaded", None)
    if loaded is None:
        return None
    old = getattr(window, "live_feed", None)
    if old is not None:
        old.stop()
    config = LiveConfig.load(mqtt_url=getattr(window, "live_mqtt_url", None))
    indicator = getattr(window, "feed_health_label", None)
    if indicator is None:
        indicator = FeedHealthIndicator(window)
        window.statusBar().addPermanentWidget(indicator)
        window.feed_health_label = indicator
    from widgets.map_panel import OFFICER_LAYER

    layer = window.map.point_layer(OFFICER_LAYER)
    if hasattr(layer.symbology, "stale_after_s"):
        layer.symbology.stale_after_s = config.stale_after_s
    feed = LiveFeed(loaded.world, loaded.db, config, indicator, window, on_stale_check=window.map.mark_officers_dirty)
    window.live_feed = feed
    feed.start()
    return feed

