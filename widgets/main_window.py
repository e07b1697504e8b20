"""The dispatcher's main window: map in the centre; case queue, details, officers, layers and event ticker in
docks; search, role switcher and shortcuts in the toolbar; clock, database, feed and user in the status bar.

The window shows immediately; :meth:`MainWindow.start_loading` fills it from a worker thread (or
:meth:`MainWindow.attach` does it synchronously for tests). Every change goes through console services.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QTabWidget,
    QToolBar,
    QWidget,
)

from console.domain.enums import Role
from console.security.signin import DEMO_SESSION, SignedIn
from console.services.actor import Actor
from console.storage.eventstore import StoredEvent
from widgets.bridge import WorldBridge
from widgets.case_actions import CaseActionController, available_actions
from widgets.case_model import CaseTableModel
from widgets.case_queue import CaseQueue
from widgets.details_panel import DetailsPanel
from widgets.event_ticker import EventTicker, shows_in_ticker
from widgets.labels import LOCAL_TZ, dtr, local_time, role_text, source_text
from widgets.layer_panel import LayerPanel
from widgets.loader import Loaded, LoadOptions, LoadWorker
from widgets.map_panel import MapPanel
from widgets.officer_board import OfficerBoard
from widgets.search import KIND_ZH, SearchHit, SearchIndex

ORGANISATION = "urbanops"
APPLICATION = "console"
DEMO_USER = DEMO_SESSION.username
SWITCHABLE_ROLES = [Role.DISPATCHER, Role.SHIFT_LEADER, Role.CALL_TAKER, Role.INSPECTOR, Role.HANDLER,
                    Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.TRAINER, Role.ADMIN]  # combo order; a user sees theirs
# Shortcut → workflow actions tried in order on the selected case (the first one available to the role runs).
ACTION_SHORTCUTS: list[tuple[str, list[str]]] = [
    ("Ctrl+D", ["assign", "reassign"]),
    ("Ctrl+Shift+A", ["accept", "verify", "check"]),
    ("Ctrl+L", ["file"]),
    ("Ctrl+E", ["close"]),
    ("Ctrl+B", ["return"]),
    ("Ctrl+U", ["supervise"]),
    ("Ctrl+M", ["note"]),
]
TICKER_BACKFILL = 60


def app_settings() -> QSettings:
    """The console's remembered UI state, always an INI file: ``QSettings(org, app)`` would ignore
    ``setDefaultFormat``, so tests and ``--screenshot`` runs redirecting the INI path wrote the user's real settings."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


class MainWindow(QMainWindow):
    loadFinished = Signal()
    loadFailed = Signal(str)
    roleChanged = Signal(object)  # Role: widgets.security hides/disables what the role may not do

    def __init__(self, theme: str = "dark", settings: Callable[[], QSettings] = app_settings) -> None:
        super().__init__()
        self.settings = settings
        self.theme_name = theme
        self.session: SignedIn = DEMO_SESSION  # who is signed in (set_session); the demo user by default
        self.db_online = True  # False while the database is unreachable (set by widgets.security.outage)
        self.loaded: Loaded | None = None
        self.bridge: WorldBridge | None = None
        self.search_index: SearchIndex | None = None
        self.actions_ctl: CaseActionController | None = None
        self.sim_runner: Any = None
        self.user_name = DEMO_USER  # who acts at this seat (a drill sets the trainee: widgets/drill_mode.py)
        self.dispatch_ui: Any = None  # widgets.recommend_panel.DispatchUi once a world is attached
        self.video_ui: Any = None  # widgets.video.video_ui.VideoUi once a world is attached
        self.feed_error: str | None = None
        self.live_feed: Any = None  # widgets.live_feed.LiveFeed once loaded
        self.live_mqtt_url: str | None = None  # broker for live positions (urbanops demo --mqtt), else config/env
        self.selected_case: str | None = None
        self.context_menu: QMenu | None = None  # the open right-click menu (widgets/context_menus.py)
        self._names: dict[str, Any] | None = None
        self._loader: LoadWorker | None = None
        self.load_seconds: float | None = None
        self.read_only = False  # replay mode (widgets/replay): no write actions, time driven by the replay clock
        self._load_started = time.monotonic()
        self.setObjectName("urbanops_main")
        self.setWindowTitle(self.tr("长宁区城管指挥调度台"))
        self.resize(1600, 1000)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.map = MapPanel(theme, self)
        self.setCentralWidget(self.map)
        self.queue = CaseQueue(self)
        self.details = DetailsPanel(self)
        self.layers = LayerPanel(settings, self)
        self.ticker = EventTicker(self.names, self)
        self.officers: OfficerBoard | None = None
        self._build_toolbar()
        self._build_docks()
        from widgets.dashboard_dock import install_dashboard_dock

        self.dashboard_dock = install_dashboard_dock(self)
        from widgets.duty.hook import install_duty

        self.duty_ui = install_duty(self)  # 勤务 menu: roster calendar, personnel, patrol coverage layer
        from widgets.collab.hook import install_collab

        self.collab_ui = install_collab(self)  # notice bar, handover, workrooms, workstations, case notes
        from widgets.menus import install_menus

        self.menus = install_menus(self)  # 文件 / 视图 / 帮助 around the feature menus
        self._build_status_bar()
        self._build_shortcuts()
        self._wire()
        self.restore_state()
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(1000)
        self._tick_timer.timeout.connect(self.tick)
        self._tick_timer.start()

    # =============================================================== construction
    def _build_toolbar(self) -> None:
        tb = QToolBar(self.tr("工具栏"), self)
        tb.setObjectName("toolbar_main")
        tb.setMovable(False)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tb)
        title = QLabel(self.tr("长宁区城管指挥调度台"), self)
        title.setStyleSheet("font-size: 15px; font-weight: bold; padding: 0 12px;")
        tb.addWidget(title)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText(self.tr("搜索：案件编号、队员、网格、街道/社区、地铁站（Ctrl+F）"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(420)
        self.search_edit.returnPressed.connect(lambda: self.search_and_go(self.search_edit.text()))
        self.completer = QCompleter([], self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.activated.connect(self._completer_activated)
        self.search_edit.setCompleter(self.completer)
        self.search_edit.textEdited.connect(self._update_completions)
        tb.addWidget(self.search_edit)
        tb.addSeparator()
        self.home_action = QAction(self.tr("全区"), self)
        self.home_action.setShortcut(QKeySequence("Ctrl+H"))
        self.home_action.setToolTip(self.tr("显示长宁全区（Ctrl+H）"))
        self.home_action.triggered.connect(self.map.canvas.home)
        tb.addAction(self.home_action)
        spacer = QWidget(self)
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy())
        tb.addWidget(spacer)
        tb.addWidget(QLabel(self.tr("当前岗位"), self))
        self.role_combo = QComboBox(self)
        self.role_combo.setObjectName("role")
        self._fill_role_combo()
        self.role_combo.currentIndexChanged.connect(self._role_changed)
        tb.addWidget(self.role_combo)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self._default_layout_pending = True
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.queue_dock = self._dock(self.tr("案件队列"), "dock_queue", self.queue, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.details_dock = self._dock(self.tr("详情"), "dock_details", self.details,
                                       Qt.DockWidgetArea.RightDockWidgetArea)
        self.side_tabs = QTabWidget(self)
        self.officer_holder = QLabel(self.tr("加载中…"), self)
        self.officer_holder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.side_tabs.addTab(self.officer_holder, self.tr("队员"))
        self.side_tabs.addTab(self.layers, self.tr("图层"))
        self.side_dock = self._dock(self.tr("队员与图层"), "dock_side", self.side_tabs,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.ticker_dock = self._dock(self.tr("事件动态"), "dock_ticker", self.ticker,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self._default_layout_pending = True

    def apply_default_layout(self) -> None:
        """Dock sizes for a 1600×1000 desk: wide queue, details above officers/layers, a short ticker."""
        width = max(self.width(), 1200)
        self.resizeDocks([self.queue_dock], [int(width * 0.385)], Qt.Orientation.Horizontal)
        self.resizeDocks([self.details_dock, self.side_dock], [int(width * 0.23)] * 2, Qt.Orientation.Horizontal)
        height = max(self.height(), 800)
        self.resizeDocks([self.details_dock, self.side_dock], [int(height * 0.55), int(height * 0.4)],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.ticker_dock], [int(height * 0.16)], Qt.Orientation.Vertical)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._default_layout_pending:
            self._default_layout_pending = False
            QTimer.singleShot(0, self.apply_default_layout)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(220)
        self.progress_label = QLabel(self.tr("正在启动…"), self)
        self.clock_label = QLabel(self)
        self.db_label = QLabel(self)
        self.feed_label = QLabel(self)
        self.user_label = QLabel(self)
        self.cursor_label = QLabel(self)
        sb.addWidget(self.progress_label)
        sb.addWidget(self.progress)
        for w in (self.cursor_label, self.feed_label, self.db_label, self.user_label, self.clock_label):
            sb.addPermanentWidget(w)
        self._update_user_label()

    def _build_shortcuts(self) -> None:
        find = QAction(self.tr("搜索"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        self.addAction(find)
        queue = QAction(self.tr("案件队列"), self)
        queue.setShortcut(QKeySequence("F6"))
        queue.triggered.connect(lambda: self.queue.table.setFocus())
        self.addAction(queue)
        overdue = QAction(self.tr("仅看超期"), self)
        overdue.setShortcut(QKeySequence("Ctrl+Shift+O"))
        overdue.triggered.connect(lambda: self.queue.overdue_check.toggle())
        self.addAction(overdue)
        self.shortcut_actions: dict[str, QAction] = {}
        for keys, names in ACTION_SHORTCUTS:
            act = QAction(" / ".join(names), self)
            act.setShortcut(QKeySequence(keys))
            act.triggered.connect(lambda _c=False, n=names: self.run_first_available(n))
            self.addAction(act)
            self.shortcut_actions[keys] = act

    def _wire(self) -> None:
        from widgets.batch_assign import install_batch_assign
        from widgets.context_menus import install_context_menus

        install_context_menus(self)
        install_batch_assign(self)
        self.queue.caseSelected.connect(lambda cid: self.select_case(cid, source="queue"))
        self.map.caseClicked.connect(lambda cid: self.select_case(cid, source="map"))
        self.map.officerClicked.connect(lambda oid: self.select_officer(oid, source="map"))
        self.map.cursorMoved.connect(lambda lon, lat: self.cursor_label.setText(f"{lon:.5f}, {lat:.5f}"))
        self.ticker.caseSelected.connect(lambda cid: self.select_case(cid, source="ticker"))
        self.layers.layerToggled.connect(self.map.set_layer_visible)
        self.details.case_view.actionRequested.connect(self.request_action)
        self.details.officer_view.caseRequested.connect(lambda cid: self.select_case(cid, source="details"))
        for combo in (self.queue.status_combo, self.queue.category_combo, self.queue.subdistrict_combo,
                      self.queue.source_combo):
            combo.currentIndexChanged.connect(self._save_filters)
        self.queue.overdue_check.toggled.connect(self._save_filters)
        self.queue.due_soon_check.toggled.connect(self._save_filters)

    # =============================================================== loading
    def start_loading(self, options: LoadOptions, clock: Any = None) -> None:
        self._load_started = time.monotonic()
        self._loader = LoadWorker(options, clock, self)
        self._loader.progress.connect(self._on_progress)
        self._loader.loaded.connect(self.attach)
        self._loader.failed.connect(self._on_load_failed)
        self._loader.start()

    def _on_progress(self, percent: int, text: str) -> None:
        self.progress.setValue(percent)
        self.progress_label.setText(dtr(text) if not text.startswith("演示数据") else text)

    def _on_load_failed(self, message: str) -> None:
        self.progress_label.setText(self.tr("加载失败：%1").replace("%1", message.splitlines()[0]))
        self.progress_label.setStyleSheet("color: #ff6b6b;")
        self.db_label.setText(self.tr("数据库：异常"))
        self.loadFailed.emit(message)

    def attach(self, loaded: Loaded) -> None:
        """Bind the loaded world to every panel (GUI thread)."""
        self.loaded = loaded
        world = loaded.world
        self.bridge = WorldBridge(world, self)
        self._names = None
        self.map.set_geography(loaded.geo.geography)
        self.map.set_world(world, self.category_icon, self.tooltip)
        self.case_model = CaseTableModel(world, self.category_name, self.officer_name, self)
        self.queue.set_model(self.case_model)
        self.queue.set_choices(self._category_choices(), self._subdistrict_choices())
        self.queue.restore_filters(self.settings())
        self.officers = OfficerBoard(world, self)
        self.officers.officerSelected.connect(lambda oid: self.select_officer(oid, source="board"))
        from widgets.batch_assign import connect_officer_board

        connect_officer_board(self)
        idx = self.side_tabs.indexOf(self.officer_holder)
        self.side_tabs.removeTab(idx)
        self.side_tabs.insertTab(0, self.officers, self.tr("队员"))
        self.side_tabs.setCurrentIndex(0)
        applied = self.layers.set_layers(self.map.layer_infos())
        for name, visible in applied.items():
            self.map.set_layer_visible(name, visible)
        self.details.bind(loaded.ctx, world, self.current_role, self.names)
        self.actions_ctl = CaseActionController(loaded.ctx, world, self.current_actor, self)
        self.actions_ctl.succeeded.connect(self._action_succeeded)
        self.actions_ctl.refused.connect(self._action_refused)
        from widgets.recommend_panel import DispatchUi

        if self.dispatch_ui is not None:
            self.dispatch_ui.stop()
        self.dispatch_ui = None if self.read_only else DispatchUi(self)
        from widgets.video.video_ui import VideoUi

        if self.video_ui is not None:
            self.video_ui.stop()
        self.video_ui = VideoUi(self)
        self.search_index = SearchIndex(world, loaded.geo.geography, load_landmarks())
        b = self.bridge
        b.casesChanged.connect(self.case_model.on_cases_changed)
        b.casesChanged.connect(self.map.mark_cases_dirty)
        b.casesChanged.connect(self._cases_changed)
        b.officersChanged.connect(self.map.mark_officers_dirty)
        b.officersChanged.connect(self.officers.mark_dirty)
        b.officersChanged.connect(self._officers_changed)
        b.officersMoved.connect(self.map.move_officers)
        b.assetsChanged.connect(lambda _ids: self.map.refresh_assets())
        b.eventApplied.connect(self.ticker.add_event)
        if not self.read_only:  # a replay fills the ticker from its own log up to t
            self._backfill_ticker()
        self.db_label.setText(self._db_text(ok=True))
        self.progress.setValue(100)
        self.progress.hide()
        n_open = sum(1 for c in world.cases.values() if c["status"] not in ("closed", "voided"))
        self.progress_label.setText(self.tr("已加载：案件 %1 件（在办 %2），队员 %3 人")
                                    .replace("%1", str(len(world.cases))).replace("%2", str(n_open))
                                    .replace("%3", str(len(world.officers))))
        self.load_seconds = time.monotonic() - self._load_started
        from widgets.live_feed import attach_live_feed

        attach_live_feed(self)  # live positions (MQTT or database) and the feed-health indicator
        self.tick()
        self.loadFinished.emit()

    def start_simulator(self, speed: float) -> bool:
        """Run the built-in simulator (if present) in its thread; returns False when it is unavailable."""
        if self.loaded is None:
            return False
        try:
            from widgets.sim_runner import SimulatorRunner
        except ImportError:
            return False
        self.sim_runner = SimulatorRunner(self.loaded.ctx, speed, self)
        self.sim_runner.stepped.connect(self._on_sim_step)
        self.sim_runner.failed.connect(self._on_feed_error)
        self.sim_runner.start()
        self.sim_speed = speed
        return True

    def _on_sim_step(self, result: Any) -> None:
        if self.loaded is None:
            return
        world = self.loaded.world
        world.set_time(result.now_utc)
        if result.officer_ids:
            world.move_officers(result.officer_ids, result.lon, result.lat, result.now_utc, result.heading_deg)
        world.tail(self.loaded.db)
        self.feed_error = None

    def _on_feed_error(self, message: str) -> None:
        self.feed_error = message

    # =============================================================== names and lookups
    def names(self) -> dict[str, Any]:
        if self._names is None:
            out: dict[str, Any] = {}
            if self.loaded is not None:
                for code, cat in self.loaded.ctx.taxonomy.categories.items():
                    out[str(code)] = cat.minor_name
                for oid, o in self.loaded.world.officers.items():
                    out[str(oid)] = o.get("name", oid)
                for kind in ("squad", "unit", "camera", "workroom", "sensor", "workstation"):
                    for aid, a in self.loaded.world.assets.get(kind, {}).items():
                        out[str(aid)] = a.get("name", aid)
            self._names = out
        return self._names

    def category_name(self, code: str) -> str:
        return str(self.names().get(code, code))

    def officer_name(self, oid: str) -> str:
        return str(self.names().get(oid, oid))

    def category_icon(self, code: str) -> str:
        from widgets.map_panel import DOMAIN_ICON

        if self.loaded is None:
            return "other"
        cat = self.loaded.ctx.taxonomy.categories.get(code)
        return DOMAIN_ICON.get(str(getattr(cat, "domain", "other")), "other")

    def tooltip(self, layer: str, fid: str) -> str:
        if self.loaded is None:
            return fid
        w = self.loaded.world
        if layer in ("cases", "cases_closed") and fid in w.cases:
            c = w.cases[fid]
            from widgets.labels import status_text

            return (f"{fid}\n{self.category_name(str(c.get('category_code')))} · {status_text(c['status'])}\n"
                    f"{c.get('address') or ''}\n{source_text(c.get('source'))} · {local_time(c.get('created_at'))}")
        if layer == "officers" and fid in w.officers:
            from widgets.labels import officer_status_text

            o = w.officers[fid]
            return f"{o.get('name')} {fid}\n{officer_status_text(o.get('status'))}"
        return str(self.names().get(fid, fid))

    def _category_choices(self) -> list[tuple[str, str, frozenset[str]]]:
        assert self.loaded is not None
        groups: dict[str, tuple[str, set[str]]] = {}
        for code, cat in self.loaded.ctx.taxonomy.categories.items():
            key = f"{cat.kind}:{cat.major_code}"
            label = dtr(str(cat.major_name))
            groups.setdefault(key, (label, set()))[1].add(str(code))
        return [(k, lbl, frozenset(codes)) for k, (lbl, codes) in sorted(groups.items())]

    def _subdistrict_choices(self) -> list[tuple[str, str]]:
        assert self.loaded is not None
        subs = self.loaded.geo.geography.subdistricts
        return [(str(c), str(n)) for c, n in zip(subs["code"], subs["name"], strict=True)]

    # =============================================================== selection
    def select_case(self, case_id: str, source: str = "api") -> bool:
        if self.loaded is None or case_id not in self.loaded.world.cases:
            return False
        self.selected_case = case_id
        if source != "queue" and not self.queue.select_case(case_id):
            self.queue.set_filters(status="", category_major="", subdistrict="", source="", overdue_only=False,
                                   text="")
            self.queue.select_case(case_id)
        self.map.select_case(case_id, fly=source not in ("map", "nofly"))
        self.details.show_case(case_id)
        if self.dispatch_ui is not None:
            self.dispatch_ui.refresh(case_id)
        if self.video_ui is not None:
            self.video_ui.refresh(case_id)
        self.details_dock.raise_()
        return True

    def select_first_in_queue(self, fly: bool = True) -> str | None:
        """Select the queue's top row (the most urgent under the current sort)."""
        ids = self.queue.visible_case_ids()
        if not ids:
            return None
        self.select_case(ids[0], source="api" if fly else "nofly")
        return ids[0]

    def select_officer(self, officer_id: str, source: str = "api") -> bool:
        if self.loaded is None or officer_id not in self.loaded.world.officers:
            return False
        self.selected_case = None
        if self.officers is not None and source != "board":
            self.officers.select_officer(officer_id)
        self.map.select_officer(officer_id, fly=source != "map")
        self.details.show_officer(officer_id)
        return True

    # =============================================================== search
    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def search(self, text: str) -> list[SearchHit]:
        return self.search_index.search(text) if self.search_index is not None else []

    def _hit_label(self, hit: SearchHit) -> str:
        return f"{dtr(KIND_ZH.get(hit.kind, hit.kind))} · {hit.label}"

    def _update_completions(self, text: str) -> None:
        hits = self.search(text) if len(text.strip()) >= 1 else []
        self._completion_hits = {self._hit_label(h): h for h in hits}
        self.completer.model().setStringList(list(self._completion_hits))  # type: ignore[attr-defined]

    def _completer_activated(self, label: str) -> None:
        hit = getattr(self, "_completion_hits", {}).get(label)
        if hit is not None:
            self.go_to(hit)

    def search_and_go(self, text: str) -> SearchHit | None:
        hits = self.search(text)
        if not hits:
            self.statusBar().showMessage(self.tr("未找到：%1").replace("%1", text), 4000)
            return None
        self.go_to(hits[0])
        return hits[0]

    def go_to(self, hit: SearchHit) -> None:
        if hit.kind == "case":
            self.select_case(hit.id, source="search")
        elif hit.kind == "officer":
            self.select_officer(hit.id, source="search")
        elif hit.bounds is not None:
            self.map.zoom_to_lonlat_bounds(hit.bounds)
        else:
            self.map.fly_to(hit.lon, hit.lat, 2.0)
        self.statusBar().showMessage(self._hit_label(hit), 4000)

    # =============================================================== actions
    def current_role(self) -> Role:
        return Role(str(self.role_combo.currentData() or Role.DISPATCHER.value))

    def current_actor(self) -> Actor:
        return Actor(self.current_role(), self.user_name)

    def _fill_role_combo(self) -> None:
        """Only the roles the signed-in user holds, in the desk's usual order."""
        self.role_combo.blockSignals(True)
        self.role_combo.clear()
        for role in [r for r in SWITCHABLE_ROLES if r in self.session.roles]:
            self.role_combo.addItem(role_text(role), role.value)
        self.role_combo.blockSignals(False)

    def set_session(self, session: SignedIn) -> None:
        """A user signed in: the role switcher offers their roles only (the remembered one if they hold it)."""
        previous = self.current_role().value if self.role_combo.count() else None
        self.session = session
        self.user_name = session.username
        self._fill_role_combo()
        idx = self.role_combo.findData(previous) if previous else -1
        self.role_combo.setCurrentIndex(max(idx, 0))
        self._role_changed(self.role_combo.currentIndex())

    def set_role(self, role: Role) -> None:
        idx = self.role_combo.findData(role.value)
        if idx >= 0:
            self.role_combo.setCurrentIndex(idx)

    def _role_changed(self, _i: int) -> None:
        self.settings().setValue("user/role", self.current_role().value)
        self._update_user_label()
        self.roleChanged.emit(self.current_role())
        self.details.refresh()
        if self.dispatch_ui is not None:
            self.dispatch_ui.refresh(self.selected_case)

    def request_action(self, case_id: str, action: str) -> None:
        if self.read_only:
            self.statusBar().showMessage(self.tr("回放模式只读，不能执行操作"), 4000)
            return
        if self.actions_ctl is not None and case_id:
            self.actions_ctl.request(case_id, action)

    def run_first_available(self, names: list[str]) -> bool:
        if self.loaded is None or not self.selected_case or self.read_only:
            return False
        case = self.loaded.world.cases.get(self.selected_case)
        if case is None:
            return False
        offered = available_actions(self.loaded.ctx, case["status"], self.current_role())
        for name in names:
            if name in offered:
                self.request_action(self.selected_case, name)
                return True
        self.statusBar().showMessage(self.tr("当前岗位对该案件没有此操作"), 4000)
        return False

    def _action_succeeded(self, case_id: str, action: str) -> None:
        from widgets.labels import action_text

        self.statusBar().showMessage(self.tr("已执行“%1”：%2").replace("%1", action_text(action))
                                     .replace("%2", case_id), 5000)
        if case_id == self.selected_case:
            self.details.show_case(case_id)

    def _action_refused(self, case_id: str, action: str, message: str) -> None:
        from widgets.labels import action_text

        text = self.tr("“%1”未执行：%2").replace("%1", action_text(action)).replace("%2", message)
        self.details.case_view.show_message(text)
        self.statusBar().showMessage(text, 8000)

    # =============================================================== live updates
    def _cases_changed(self, ids: list[str] | None) -> None:
        if self.selected_case and (ids is None or self.selected_case in ids):
            self.details.refresh()
            if self.dispatch_ui is not None:
                self.dispatch_ui.refresh(self.selected_case)

    def _officers_changed(self, ids: list[str] | None) -> None:
        self._names = None
        cur = self.details.officer_view.officer_id
        if self.details.currentWidget() is self.details.officer_view and cur and (ids is None or cur in ids):
            self.details.refresh()

    def _backfill_ticker(self) -> None:
        assert self.loaded is not None
        from console.services.cases import CaseService

        since = max(0, self.loaded.world.last_seq - 3000)
        events: list[StoredEvent] = CaseService(self.loaded.ctx).events(since=since)
        shown = [e for e in events if shows_in_ticker(e)]
        self.ticker.add_events(shown[-TICKER_BACKFILL:])

    def tick(self) -> None:
        """Once a second: clock, SLA countdowns, feed health."""
        if self.loaded is None:
            now = datetime.now(UTC)
        else:
            now = self.loaded.world.now_utc
            if self.sim_runner is None and not self.read_only:
                self.loaded.world.set_time(self.loaded.ctx.clock.now_utc())
                if self.db_online:
                    try:
                        self.loaded.world.tail(self.loaded.db)
                    except Exception:  # database away: keep what we have; widgets.security.outage shows it
                        self.db_online = False
            self.case_model.tick()
            self.details.tick()
        self.clock_label.setText(now.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S") + " " + self.tr("北京时间"))
        self.feed_label.setText(self._feed_text())

    def _feed_text(self) -> str:
        if self.feed_error:
            return self.tr("数据源：异常 %1").replace("%1", self.feed_error[:40])
        runner = self.sim_runner
        if runner is None:
            return self.tr("数据源：未连接")
        last = runner.last_step_monotonic
        if last is None:
            return self.tr("数据源：模拟器启动中")
        age = time.monotonic() - last
        state = self.tr("正常") if age < 5 else self.tr("延迟 %1 秒").replace("%1", str(int(age)))
        state += f" {runner.last_step_ms:.0f} ms"
        return self.tr("数据源：模拟器 ×%1 %2").replace("%1", f"{getattr(self, 'sim_speed', 1):g}").replace("%2", state)

    def _db_text(self, ok: bool) -> str:
        if self.loaded is None:
            return ""
        kind = "SQLite" if self.loaded.db.is_sqlite else "PostgreSQL" if self.loaded.db.is_postgres else "DB"
        return self.tr("数据库：%1 %2").replace("%1", kind).replace("%2", self.tr("正常") if ok else self.tr("异常"))

    def _update_user_label(self) -> None:
        shown = self.session.display_name if self.user_name == self.session.username else self.user_name
        self.user_label.setText(self.tr("用户：%1（%2）").replace("%1", shown)
                                .replace("%2", role_text(self.current_role())))

    # =============================================================== persistence
    def _save_filters(self, *_a: Any) -> None:
        self.queue.save_filters(self.settings())

    def save_state(self) -> None:
        s = self.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("user/role", self.current_role().value)
        self.queue.save_filters(s)
        s.sync()

    def restore_state(self) -> None:
        s = self.settings()
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if state is not None and self.restoreState(state):
            self._default_layout_pending = False
        role = s.value("user/role")
        if role:
            idx = self.role_combo.findData(str(role))
            if idx >= 0:
                self.role_combo.setCurrentIndex(idx)

    def shutdown(self) -> None:
        # A closed window stops ticking and lets go of its World: another window on the same World (a second seat
        # view, a test) must not drive this one's deleted bridge from its own tick.
        self._tick_timer.stop()
        if self.bridge is not None:
            self.bridge.disconnect_world()
        self.dashboard_dock.stop()
        if self.live_feed is not None:
            self.live_feed.stop()
        if self.dispatch_ui is not None:
            self.dispatch_ui.stop()
        if self.video_ui is not None:
            self.video_ui.stop()
            self.video_ui = None
        if self.sim_runner is not None:
            self.sim_runner.stop()
            self.sim_runner = None
        if self._loader is not None and self._loader.isRunning():
            self._loader.wait(60_000)
        duty = getattr(self, "duty_ui", None)  # a window destroyed under a running QThread aborts the process
        if duty is not None and duty.worker is not None and duty.worker.isRunning():
            duty.timer.stop()
            duty.worker.wait(120_000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.shutdown()
        super().closeEvent(event)


def load_landmarks() -> list[SearchHit]:
    """Named places shipped with the geodata (approximate points)."""
    import csv

    from console.resources import resource_path

    path = resource_path("geodata", "changning_landmarks.csv")
    if not path.is_file():
        return []
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                out.append(SearchHit("landmark", row["name"], row["name"], float(row["lon_wgs84"]),
                                     float(row["lat_wgs84"])))
            except (KeyError, ValueError):
                continue
    return out
