"""``urbanops wall``: the supervisors' wall display — full-screen, dark, large type, no interaction, live.

A ``WallController`` (one per process) polls the database in a worker thread: when the event log has grown (or a
minute has passed, since overdue figures move with the clock) it rebuilds a ``Snapshot`` and hands it to every
``WallWindow`` (one per screen). Pages rotate on a timer. A lost database is shown in the header in red, the last
figures stay on screen, and the controller reconnects on every tick until it succeeds.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QKeyEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import maps  # noqa: F401  (the None-refcount guard must be in place before the QApplication exists)
from console.analytics.engine import format_value
from console.analytics.snapshot import Snapshot, build_snapshot, headline_value
from widgets.charts import PALETTE, BarChart, TrendChart, font_px
from widgets.wall_parts import ACCENT, BAD, BG, FG, GOOD, MUTED, PANEL, BigTable, Tile

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
WEEKDAYS = "一二三四五六日"
WALL_SIZE = (1920, 1080)
CHART_PX = 28


# ------------------------------------------------------------------------------------------------ controller
class WallController(QObject):
    """Loads snapshots off the GUI thread and reports the database's health."""

    snapshot_ready = Signal(object)
    status_changed = Signal(bool, str)  # ok, message

    def __init__(self, db_url: str | None, *, refresh_s: float = 10.0, now: Callable[[], datetime] | None = None
                 ) -> None:
        super().__init__()
        self.db_url = db_url
        self.refresh_s = refresh_s
        self.now = now or (lambda: datetime.now(UTC))
        self._db: Any = None
        self._last_seq = -1
        self._last_build = 0.0
        self._busy = threading.Lock()
        self.failures = 0
        self.ok = True
        self.message = ""
        self.snapshot: Snapshot | None = None
        self.geography: Any = None
        self.timer = QTimer(self)
        self.timer.setInterval(int(refresh_s * 1000))
        self.timer.timeout.connect(self.refresh_async)
        self.snapshot_ready.connect(self._keep)

    def _keep(self, snap: object) -> None:
        if isinstance(snap, Snapshot):
            self.snapshot = snap

    def _database(self) -> Any:
        if self._db is None:
            from console.storage.db import open_database

            self._db = open_database(self.db_url)
        return self._db

    def load_geography(self) -> Any:
        """The database's geography, else the bundled demo geography (the wall still starts without a database)."""
        try:
            from console.services.geo_context import load_geo_context

            self.geography = load_geo_context(self._database()).geography
        except Exception:
            from console.geo.geodata import load_demo_geography

            self.geography = load_demo_geography()
        return self.geography

    def refresh_once(self, force: bool = False) -> Snapshot | None:
        """One poll (callable from any thread): rebuild when the log moved or a minute passed."""
        if not self._busy.acquire(blocking=False):
            return None
        try:
            from console.analytics.loader import last_event_seq

            db = self._database()
            seq = last_event_seq(db)
            stale = time.monotonic() - self._last_build > 60.0
            if not (force or seq != self._last_seq or stale or self.snapshot is None):
                self._set_status(True, "")
                return None
            snap = build_snapshot(db, self.now())
            self._last_seq, self._last_build = seq, time.monotonic()
            self._set_status(True, "")
            self.snapshot_ready.emit(snap)
            return snap
        except Exception as exc:
            self.failures += 1
            if self._db is not None:
                try:
                    self._db.dispose()
                finally:
                    self._db = None
            first = str(getattr(exc, "message_zh", "") or exc).strip().splitlines()[0][:80]
            self._set_status(False, f"数据库连接中断，正在重连（第 {self.failures} 次）：{first}")
            return None
        finally:
            self._busy.release()

    def _set_status(self, ok: bool, message: str) -> None:
        if ok and not self.ok:
            self.failures = 0
        self.ok = ok
        self.message = message
        self.status_changed.emit(ok, message)

    def refresh_async(self) -> None:
        threading.Thread(target=self.refresh_once, name="wall-refresh", daemon=True).start()

    def start(self) -> None:
        self.timer.start()
        self.refresh_async()


# ------------------------------------------------------------------------------------------------ pages
class Page(QWidget):
    title = ""

    def __init__(self, controller: WallController) -> None:
        super().__init__()
        self.controller = controller
        self.setStyleSheet(f"background: {BG};")

    def update_snapshot(self, s: Snapshot) -> None:
        raise NotImplementedError


def _change_note(row: Any) -> tuple[str, str]:
    if row is None or row.change is None:
        return "上期 —", MUTED
    ind = row.indicator
    better = (row.change >= 0) == (ind.better == "higher")
    if ind.kind == "ratio":
        text = f"较上期 {'+' if row.change >= 0 else '−'}{abs(row.change) * 100:.1f} 个百分点"
    elif ind.kind == "mean":
        text = f"较上期 {'+' if row.change >= 0 else '−'}{abs(row.change):.2f}"
    else:
        text = f"较上期 {'+' if row.change >= 0 else '−'}{abs(row.change):.0f}"
    return text, (GOOD if better or row.change == 0 else BAD)


class TilesPage(Page):
    """A grid of big figures (caption, value, change against the previous period)."""

    def __init__(self, controller: WallController, title: str, specs: list[tuple[str, Callable[[Snapshot], tuple[
            str, str, str, str]]]], columns: int = 4, right: QWidget | None = None) -> None:
        super().__init__(controller)
        self.title = title
        self.specs = specs
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(24)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(20)
        self.tiles: list[Tile] = []
        for i, (caption, _) in enumerate(specs):
            tile = Tile(caption)
            grid.addWidget(tile, i // columns, i % columns)
            self.tiles.append(tile)
        lay.addWidget(grid_host, 5 if right is not None else 1)
        if right is not None:
            lay.addWidget(right, 6)
        self.right = right

    def update_snapshot(self, s: Snapshot) -> None:
        for tile, (_, fn) in zip(self.tiles, self.specs, strict=True):
            value, note, colour, note_colour = fn(s)
            tile.set(value, note, colour=colour, note_colour=note_colour)
        if isinstance(self.right, _Updatable):
            self.right.update_snapshot(s)


class _Updatable(QWidget):
    def update_snapshot(self, s: Snapshot) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def kpi_tile(indicator: str, week: bool = False) -> Callable[[Snapshot], tuple[str, str, str, str]]:
    def fn(s: Snapshot) -> tuple[str, str, str, str]:
        row = headline_value(s.headline_week if week else s.headline_today, indicator)
        if row is None:
            return "—", " ", FG, MUTED
        note, colour = _change_note(row)
        if not week:  # today is not over: show yesterday's figure rather than a misleading change
            note, colour = f"昨日 {format_value(row.indicator, row.previous_value)}", MUTED
        value_colour = FG
        if row.indicator.better == "lower" and row.indicator.kind == "count" and row.value:
            value_colour = BAD
        return format_value(row.indicator, row.value), note, value_colour, colour
    return fn


def plain_tile(fn: Callable[[Snapshot], str], note: Callable[[Snapshot], str] | None = None, colour: str = FG
               ) -> Callable[[Snapshot], tuple[str, str, str, str]]:
    return lambda s: (fn(s), note(s) if note else " ", colour, MUTED)


class MapBox(_Updatable):
    """The district map with a choropleth of open cases by subdistrict (or hot-spot grids) and a legend.

    The map is rendered off-widget (MapCanvas.grab_image) into a picture when the figures change or the box
    resizes: the wall never pans, and a still image costs nothing between snapshots.
    """

    def __init__(self, controller: WallController, mode: str = "open") -> None:
        super().__init__()
        from maps.basemap import add_basemap
        from maps.canvas import MapCanvas

        self.mode = mode
        self.setStyleSheet(f"background: {PANEL}; border-radius: 10px;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 14)
        self.caption = QLabel("各街道未结案件" if mode == "open" else "近 7 天重复案件热点（单元网格）")
        self.caption.setFont(font_px(32, bold=True))
        self.caption.setStyleSheet(f"color: {FG}; background: transparent;")
        lay.addWidget(self.caption)
        self.canvas = MapCanvas(theme="dark", show_cursor_readout=False)
        geo = controller.geography or controller.load_geography()
        self.geography = geo
        add_basemap(self.canvas, geo)
        with contextlib.suppress(KeyError, ValueError):
            self.canvas.set_layer_visible("subdistrict_labels", False)  # the choropleth writes names with counts
        self.picture = QLabel()
        self.picture.setMinimumSize(200, 150)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.picture, 1)
        self.legend = QLabel(" ")
        self.legend.setFont(font_px(26))
        self.legend.setStyleSheet(f"color: {MUTED}; background: transparent;")
        lay.addWidget(self.legend)

    def render_map(self) -> None:
        w, h = max(200, self.picture.width()), max(150, self.picture.height())
        self.canvas.grab_image(w, h)  # size the view first, then frame the district and draw
        self.canvas.home()
        self.picture.setPixmap(QPixmap.fromImage(self.canvas.grab_image(w, h)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self.render_map)

    def update_snapshot(self, s: Snapshot) -> None:
        from widgets.kpi_layers import choropleth_layer, hotspot_layer

        for name in ("kpi_choropleth", "hotspots"):
            if any(layer.name == name for layer in self.canvas.layers()):
                self.canvas.remove_layer(name)
        if self.mode == "open":
            values = dict(zip(s.by_subdistrict["code"], s.by_subdistrict["open"].astype(float), strict=True))
            layer = choropleth_layer(self.geography.subdistricts, values, label_px=24)
            self.canvas.add_layer(layer, z=50)
            top = max(values.values(), default=0)
            self.legend.setText(f"数字为各街道未结案件数，颜色越红越多（最多 {top:.0f} 件）")
        else:
            counts = dict(zip(s.hotspot_grids["grid_code"], s.hotspot_grids["cases"].astype(float), strict=True))
            self.canvas.add_layer(hotspot_layer(self.geography.grids, counts), z=50)
            self.legend.setText(f"黄红色网格：7 天内 ≥3 件案件（共 {len(counts)} 个热点网格）")
        self.render_map()


class ChartsPage(Page):
    """Trend on top, two bar charts below."""

    def __init__(self, controller: WallController) -> None:
        super().__init__(controller)
        self.title = "趋势与构成"
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(20)
        self.trend = TrendChart("近 7 天上报与结案（件/日）", px=CHART_PX)
        lay.addWidget(self.trend, 5)
        row = QHBoxLayout()
        row.setSpacing(20)
        self.sources = BarChart("本周来源构成", px=CHART_PX, colour=PALETTE[0])
        self.categories = BarChart("本周高发类别", px=CHART_PX, colour=PALETTE[1])
        row.addWidget(self.sources)
        row.addWidget(self.categories)
        lay.addLayout(row, 6)

    def update_snapshot(self, s: Snapshot) -> None:
        self.trend.set_series(s.trend_days, {"上报": (s.trend_reports, PALETTE[0]), "结案": (s.trend_closed, PALETTE[2])})
        self.sources.set_data([k for k, _ in s.source_mix[:6]], [v for _, v in s.source_mix[:6]])
        self.categories.set_data([k for k, _ in s.category_mix[:6]], [v for _, v in s.category_mix[:6]])


class RankingPage(Page):
    def __init__(self, controller: WallController) -> None:
        super().__init__(controller)
        self.title = "中队考评与超期预警"
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(20)
        self.ranking = BarChart("本周中队综合得分（等级）", px=CHART_PX, colour=PALETTE[2], label_width_px=230)
        self.forecast = BarChart("未来 8 小时将到期案件（件）", horizontal=False, px=CHART_PX, colour=PALETTE[4])
        lay.addWidget(self.ranking, 1)
        lay.addWidget(self.forecast, 1)

    def update_snapshot(self, s: Snapshot) -> None:
        top = s.squad_ranking[:10]
        colours = [GOOD if g == "A" else PALETTE[4] if g in ("B", "C") else BAD for _, _, g in top]
        self.ranking.set_data([k for k, _, _ in top], [v for _, v, _ in top], colours,
                              [f"{v:.1f} {g}" for _, v, g in top])
        self.forecast.set_data(s.forecast_hours, [float(x) for x in s.forecast_breaches])


class TablePage(Page):
    def __init__(self, controller: WallController, title: str, table: BigTable,
                 fill: Callable[[Snapshot, BigTable], None], side: QWidget | None = None) -> None:
        super().__init__(controller)
        self.title = title
        self.table = table
        self.fill = fill
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(20)
        lay.addWidget(table, 3)
        if side is not None:
            lay.addWidget(side, 2)
        self.side = side

    def update_snapshot(self, s: Snapshot) -> None:
        self.fill(s, self.table)
        if isinstance(self.side, BarChart):
            pass


class BarsPage(Page):
    def __init__(self, controller: WallController, title: str,
                 charts: list[tuple[BarChart, Callable[[Snapshot], tuple[list[str], list[float]]]]]) -> None:
        super().__init__(controller)
        self.title = title
        self.charts = charts
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(20)
        for chart, _ in charts:
            lay.addWidget(chart, 1)

    def update_snapshot(self, s: Snapshot) -> None:
        for chart, fn in self.charts:
            labels, values = fn(s)
            chart.set_data(labels, values)


def _fill_overdue(s: Snapshot, t: BigTable) -> None:
    rows = []
    for r in s.overdue_cases.head(12).itertuples(index=False):
        hours = float(r.overdue_hours) if r.overdue_hours == r.overdue_hours else 0.0
        rows.append([str(r.id), str(r.category), str(r.subdistrict_name or ""),
                     f"{hours:.1f} 小时" if hours > 0 else "反馈逾期",
                     "已督办" if bool(r.supervised) else "—"])
    t.set_rows(rows, [BAD] * len(rows))
    t.empty_text = "当前无超期案件"


def _fill_ai(s: Snapshot, t: BigTable) -> None:
    t.set_rows([[str(r.time), str(r.category), str(r.subdistrict_name or ""), str(r.status_zh)]
                for r in s.ai_recent.itertuples(index=False)])


def _asset(s: Snapshot, kind: str, status: str) -> int:
    return int(s.assets.get(kind, {}).get(status, 0))


def _assets_total(s: Snapshot, kind: str) -> int:
    return int(sum(s.assets.get(kind, {}).values()))


@dataclass(frozen=True)
class Preset:
    name: str
    title_zh: str
    build: Callable[[WallController], list[Page]]


def _overview(c: WallController) -> list[Page]:
    tiles = TilesPage(c, "今日态势", [
        ("今日上报", kpi_tile("reports")), ("今日立案", kpi_tile("filed")),
        ("本周结案率", kpi_tile("closure_rate", week=True)), ("本周按期结案率", kpi_tile("ontime_closure_rate", week=True)),
        ("未结案件", plain_tile(lambda s: f"{s.open_cases}")),
        ("超期未结", plain_tile(lambda s: f"{len(s.overdue_cases)}", colour=BAD)),
        ("本周主动发现率", kpi_tile("proactive_rate", week=True)),
        ("平均处置(工作时)", kpi_tile("avg_disposal_hours", week=True)),
    ], columns=2, right=MapBox(c, "open"))
    return [tiles, ChartsPage(c), RankingPage(c)]


def _non_site(c: WallController) -> list[Page]:
    tiles = TilesPage(c, "临空智能探头", [
        ("今日智能发现", plain_tile(lambda s: f"{s.ai_today}")),
        ("本周智能发现", plain_tile(lambda s: f"{s.ai_week}")),
        ("监控探头在线", plain_tile(lambda s: f"{_asset(s, 'camera', 'online')}/{_assets_total(s, 'camera')}")),
        ("本周主动发现率", kpi_tile("proactive_rate", week=True)),
    ], columns=1, right=None)
    table = BigTable("最新智能发现案件", ["时间", "类别", "街道", "状态"], [2.2, 3.2, 2.6, 1.8])
    page = TablePage(c, "临空智能探头", table, _fill_ai)
    wrap = Page(c)
    wrap.title = tiles.title
    lay = QHBoxLayout(wrap)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(20)
    lay.addWidget(tiles, 2)
    lay.addWidget(page, 5)

    def update(s: Snapshot) -> None:
        tiles.update_snapshot(s)
        page.update_snapshot(s)
    wrap.update_snapshot = update  # type: ignore[method-assign]
    cats = BarsPage(c, "智能发现类别与热点", [
        (BarChart("本周智能发现类别", px=CHART_PX, colour=PALETTE[5], label_width_px=330),
         lambda s: ([k for k, _ in s.ai_categories], [v for _, v in s.ai_categories])),
    ])
    return [wrap, cats]


def _community(c: WallController) -> list[Page]:
    tiles = TilesPage(c, "扫码上报与设备", [
        ("今日扫码上报", plain_tile(lambda s: f"{s.workroom_reports_today}")),
        ("本周扫码上报", plain_tile(lambda s: f"{s.workroom_reports_week}")),
        ("社区工作室", plain_tile(lambda s: f"{_assets_total(s, 'workroom')}", lambda s: "个，覆盖全区")),
        ("华阳路居委工作站", plain_tile(lambda s: f"{_asset(s, 'workstation', 'online')}/"
                                                 f"{_assets_total(s, 'workstation')}", lambda s: "在线")),
        ("物联感知设备", plain_tile(lambda s: f"{_asset(s, 'sensor', 'normal')}/{_assets_total(s, 'sensor')}",
                                    lambda s: "正常")),
        ("本周物联感知上报", plain_tile(lambda s: f"{s.sensor_reports_week}")),
    ], columns=2, right=MapBox(c, "hotspots"))
    bars = BarsPage(c, "各街道扫码上报", [
        (BarChart("各街道社区工作室扫码上报（本周，件）", px=CHART_PX, colour=PALETTE[3], label_width_px=230),
         lambda s: ([k for k, _ in s.workroom_by_subdistrict], [v for _, v in s.workroom_by_subdistrict])),
    ])
    return [tiles, bars]


def _overdue(c: WallController) -> list[Page]:
    table = BigTable("超期未结案件（按超期时长）", ["案件号", "类别", "街道", "已超期", "督办"], [3.0, 2.6, 2.2, 1.8, 1.0])
    page1 = TablePage(c, "超期未结清单", table, _fill_overdue)
    page2 = BarsPage(c, "超期预警", [
        (BarChart("未来 8 小时将到期（件）", horizontal=False, px=CHART_PX, colour=PALETTE[4]),
         lambda s: (s.forecast_hours, [float(x) for x in s.forecast_breaches])),
        (BarChart("各街道超期未结（件）", px=CHART_PX, colour=BAD, label_width_px=230),
         lambda s: (s.by_subdistrict["name"].tolist(), s.by_subdistrict["overdue"].astype(float).tolist())),
    ])
    tiles = TilesPage(c, "督办情况", [
        ("超期未结", plain_tile(lambda s: f"{len(s.overdue_cases)}", colour=BAD)),
        ("督办中案件", plain_tile(lambda s: f"{s.supervised_open}")),
        ("本周超期结案率", kpi_tile("overdue_closure_rate", week=True)),
        ("本周按期处置率", kpi_tile("ontime_disposal_rate", week=True)),
    ], columns=2, right=None)
    return [page1, page2, tiles]


PRESETS: dict[str, Preset] = {
    "overview": Preset("overview", "区域总览", _overview),
    "non_site": Preset("non_site", "非现场执法", _non_site),
    "community": Preset("community", "社区工作室与居委工作站", _community),
    "overdue": Preset("overdue", "超期与督办", _overdue),
}
PRESET_ALIASES = {"district": "overview", "区域总览": "overview", "非现场执法": "non_site", "nonsite": "non_site",
                  "workrooms": "community", "社区": "community", "supervision": "overdue", "超期与督办": "overdue"}


def resolve_preset(name: str) -> Preset:
    from console.errors import ValidationError

    key = PRESET_ALIASES.get(name, name)
    if key not in PRESETS:
        raise ValidationError(f"未知大屏预设“{name}”，可用：{'、'.join(PRESETS)}",
                              f"unknown wall preset {name!r}; use one of {', '.join(PRESETS)}")
    return PRESETS[key]


# ------------------------------------------------------------------------------------------------ window
class WallWindow(QWidget):
    """One screen of the wall: header (title, page, clock, data status), rotating pages."""

    def __init__(self, controller: WallController, preset: Preset, *, rotate_s: float = 15.0, first_page: int = 0
                 ) -> None:
        super().__init__()
        self.controller = controller
        self.preset = preset
        self.setWindowTitle(f"长宁区城市管理指挥大屏 · {preset.title_zh}")
        self.setStyleSheet(f"background: {BG}; color: {FG};")
        self.setCursor(QCursor(Qt.CursorShape.BlankCursor))
        root = QVBoxLayout(self)
        root.setContentsMargins(28, 18, 28, 22)
        root.setSpacing(14)
        header = QHBoxLayout()
        self.title = QLabel("长宁区城市管理指挥大屏")
        self.title.setFont(font_px(46, bold=True))
        self.title.setStyleSheet(f"color: {ACCENT};")
        self.page_title = QLabel("")
        self.page_title.setFont(font_px(42, bold=True))
        self.page_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clock = QLabel("")
        self.clock.setFont(font_px(40, bold=True))
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for label in (self.title, self.page_title, self.clock):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widen the window
        header.addWidget(self.title, 3)
        header.addWidget(self.page_title, 4)
        header.addWidget(self.clock, 3)
        root.addLayout(header)
        self.status = QLabel("正在连接数据库…")
        self.status.setFont(font_px(30, bold=True))
        self.status.setStyleSheet(f"color: {MUTED};")
        root.addWidget(self.status)
        self.stack = QStackedWidget()
        self.pages = preset.build(controller)
        for page in self.pages:
            self.stack.addWidget(page)
        root.addWidget(self.stack, 1)
        self.page_index = first_page % len(self.pages)
        self.show_page(self.page_index)
        controller.snapshot_ready.connect(self.on_snapshot)
        controller.status_changed.connect(self.on_status)
        self.rotate_timer = QTimer(self)
        self.rotate_timer.setInterval(int(rotate_s * 1000))
        self.rotate_timer.timeout.connect(self.next_page)
        self.clock_timer = QTimer(self)
        self.clock_timer.setInterval(1000)
        self.clock_timer.timeout.connect(self.tick)
        self.tick()
        if controller.snapshot is not None:
            self.on_snapshot(controller.snapshot)
        if not controller.ok:  # the first poll already failed before this window existed
            self.on_status(False, controller.message)

    def start(self) -> None:
        self.rotate_timer.start()
        self.clock_timer.start()

    def show_page(self, index: int) -> None:
        self.page_index = index % len(self.pages)
        self.stack.setCurrentIndex(self.page_index)
        page = self.pages[self.page_index]
        name = page.title if page.title == self.preset.title_zh else f"{self.preset.title_zh} · {page.title}"
        self.page_title.setText(f"{name}  {self.page_index + 1}/{len(self.pages)}")

    def next_page(self) -> None:
        self.show_page(self.page_index + 1)

    def tick(self) -> None:
        now = datetime.now(LOCAL_TZ)
        self.clock.setText(f"{now.month}月{now.day}日 周{WEEKDAYS[now.weekday()]} {now:%H:%M:%S}")

    def on_snapshot(self, snap: object) -> None:
        if not isinstance(snap, Snapshot):
            return
        for page in self.pages:
            page.update_snapshot(snap)
        if self.controller.ok:
            self.on_status(True, "")

    def on_status(self, ok: bool, message: str) -> None:
        snap = self.controller.snapshot
        when = snap.now_utc.astimezone(LOCAL_TZ).strftime("%H:%M:%S") if snap else "—"
        if ok:
            self.status.setText(f"● 数据实时 · 更新于 {when} · 事件序号 {snap.last_seq if snap else 0}")
            self.status.setStyleSheet(f"color: {GOOD};")
        else:
            shown = f"画面为 {when} 的数据" if snap else "尚无数据"
            self.status.setText(f"● {message} · {shown}")
            self.status.setStyleSheet(f"color: #ffffff; background: {BAD}; padding: 4px 10px;")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Q):  # staff can close the kiosk; nothing else reacts
            QApplication.quit()


def grab_pages(window: WallWindow, path: str) -> list[Path]:
    """Save the current page (or every page when ``path`` contains ``{page}``) as PNG at the wall size."""
    out: list[Path] = []
    indexes = range(len(window.pages)) if "{page}" in path else [window.page_index]
    for i in indexes:
        window.show_page(i)
        for _ in range(4):
            QApplication.processEvents()
        target = Path(path.replace("{page}", str(i + 1))).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        if window.grab().save(str(target), "PNG"):
            out.append(target)
    return out


def run_wall(args: argparse.Namespace) -> int:
    """Entry point of ``urbanops wall``; returns the exit code."""
    preset = resolve_preset(str(getattr(args, "preset", "overview") or "overview"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from widgets.app import application_icon
    from widgets.fonts import install_cjk_font

    app.setWindowIcon(application_icon())  # type: ignore[attr-defined]

    install_cjk_font(app)  # type: ignore[arg-type]
    controller = WallController(getattr(args, "db", None), refresh_s=float(getattr(args, "refresh", 10.0) or 10.0))
    controller.load_geography()
    screenshot = getattr(args, "screenshot", None)
    if screenshot:
        controller.refresh_once(force=True)
        window = WallWindow(controller, preset, rotate_s=float(args.rotate or 15.0))
        window.resize(*WALL_SIZE)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.show()
        if controller.snapshot is not None:
            window.on_snapshot(controller.snapshot)
        saved = grab_pages(window, str(screenshot))
        window.close()
        if not saved:
            print(f"cannot write screenshot {screenshot}", file=sys.stderr)
            return 1
        for p in saved:
            print(f"wrote {p}", file=sys.stderr)
        return 0 if controller.ok else 3
    screens = QGuiApplication.screens()
    chosen = [screens[args.screen]] if args.screen is not None and 0 <= args.screen < len(screens) else screens
    if args.screen is not None and not 0 <= args.screen < len(screens):
        from console.errors import ValidationError

        raise ValidationError(f"没有第 {args.screen} 块屏幕（共 {len(screens)} 块）",
                              f"no screen {args.screen} (there are {len(screens)})")
    windows = []
    for i, screen in enumerate(chosen):
        w = WallWindow(controller, preset, rotate_s=float(args.rotate or 15.0), first_page=i)
        w.setGeometry(screen.geometry())
        if getattr(args, "windowed", False):
            w.resize(*WALL_SIZE)
            w.show()
        else:
            w.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            w.showFullScreen()
        w.start()
        windows.append(w)
    controller.start()
    quit_after = getattr(args, "quit_after", None)
    if quit_after is not None:
        QTimer.singleShot(int(float(quit_after) * 1000), app.quit)
    app.exec()
    return 0
