"""Puts a MainWindow into replay mode and drives it from the replay clock.

Replay mode is visibly different (an amber banner "回放模式 / REPLAY", amber frame, dock titles and status bar) and
cannot write: the window is marked ``read_only`` (no dispatch panel, workflow requests refused), the context's workflow
offers no actions (so no buttons or menu entries are built), and the database connection itself is read-only.
Everything on screen follows one clock: the World (cases, officers, assets), officer positions and fading trails,
the event ticker (the action log up to t), camera detections around t and the KPIs as they stood at t.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QLabel, QListWidget, QListWidgetItem, QToolBar

from console.errors import DomainError
from console.replay.session import parse_time
from console.services.cases import CaseService
from console.storage.eventstore import StoredEvent
from widgets.event_ticker import shows_in_ticker
from widgets.replay.loader import ReplayLoaded
from widgets.replay.timeline import ACCENT, TimelineWidget, local_text
from widgets.replay.trails import TrailsOverlay

FRAME_MS = 33
KPI_EVERY_REPLAY_S = 300.0  # recompute the KPI strip after this much replay time (and on every jump/pause)
CAMERA_WINDOW_S = 900.0
TICKER_LINES = 80
REPLAY_QSS = f"""
QMainWindow#urbanops_main {{ border: 3px solid {ACCENT}; }}
QDockWidget::title {{ background: #3b2a0e; color: #ffd596; }}
QStatusBar {{ background: #3b2a0e; color: #ffd596; }}
QToolBar#replay_banner {{ background: {ACCENT}; border: none; padding: 2px; }}
QToolBar#replay_banner QLabel {{ color: #1a1205; font-weight: bold; }}
"""


class _KpiResult(QObject):
    ready = Signal(float, str)


class ReplayController(QObject):
    """One per replay window."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.rl: ReplayLoaded | None = None
        window.read_only = True
        window.setWindowTitle(self.tr("回放模式 / REPLAY — 长宁区城管指挥调度台"))
        window.setStyleSheet(REPLAY_QSS)
        self.banner = QToolBar(self.tr("回放"), window)
        self.banner.setObjectName("replay_banner")
        self.banner.setMovable(False)
        self.banner_label = QLabel(self.tr("回放模式 / REPLAY · 只读 · 正在加载…"), window)
        self.banner_label.setObjectName("replay_banner_label")
        self.banner_label.setStyleSheet("font-size: 15px; padding: 2px 12px;")
        self.kpi_label = QLabel("", window)
        self.kpi_label.setObjectName("replay_kpis")
        self.banner.addWidget(self.banner_label)
        self.banner.addSeparator()
        self.banner.addWidget(self.kpi_label)
        main_tb = window.findChild(QToolBar, "toolbar_main")
        if main_tb is not None:
            window.insertToolBar(main_tb, self.banner)
            window.insertToolBarBreak(main_tb)
        else:
            window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        window.role_combo.setEnabled(False)
        window.role_combo.setToolTip(self.tr("回放模式只读"))
        self.timeline: TimelineWidget | None = None
        self.trails: TrailsOverlay | None = None
        self.follow = False
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._frame)
        self._elapsed = QElapsedTimer()
        self._kpi = _KpiResult(self)
        self._kpi.ready.connect(self._show_kpis)
        self._kpi_t: float | None = None
        self._kpi_busy = False
        self._kpi_pending = False
        self.frame_ms: list[float] = []
        self.tracks_ready = False

    # ------------------------------------------------------------------ binding
    def bind(self, rl: ReplayLoaded) -> None:
        """Attach the loaded replay (GUI thread)."""
        self.rl = rl
        w = self.window
        w.details.case_source = self._case_at
        w.attach(rl.loaded)
        session, clock = rl.session, rl.clock
        src = session.source
        where = self.tr("回放文件") if src.kind == "file" else self.tr("数据库（只读）")
        self.banner_label.setText(self.tr("回放模式 / REPLAY · 只读 · %1 %2 · %3 — %4")
                                  .replace("%1", where).replace("%2", src.label.rsplit("/", 1)[-1])
                                  .replace("%3", local_text(session.index.from_s, "%m-%d %H:%M"))
                                  .replace("%4", local_text(session.index.to_s, "%m-%d %H:%M")))
        edges, counts = session.index.histogram()
        self.timeline = TimelineWidget(session.index.from_s, session.index.to_s, edges, counts, w)
        dock = QDockWidget(self.tr("回放时间轴"), w)
        dock.setObjectName("dock_replay_timeline")
        dock.setWidget(self.timeline)
        dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        w.splitDockWidget(w.ticker_dock, dock, Qt.Orientation.Vertical)
        self.timeline_dock = dock
        self.cameras = QListWidget(w)
        self.cameras.setObjectName("replay_cameras")
        self.cameras.itemDoubleClicked.connect(self._camera_clicked)
        cam_dock = QDockWidget(self.tr("摄像头事件（回放时刻前后）"), w)
        cam_dock.setObjectName("dock_replay_cameras")
        cam_dock.setWidget(self.cameras)
        w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, cam_dock)
        w.tabifyDockWidget(w.ticker_dock, cam_dock)
        w.ticker_dock.raise_()
        self.trails = TrailsOverlay(w.map.canvas.view_box(), session.tracks)
        tl = self.timeline
        tl.seekRequested.connect(lambda t: self.seek(t))
        tl.playToggled.connect(self.set_playing)
        tl.speedChanged.connect(clock.set_speed)
        tl.stepEventRequested.connect(lambda d: self._after(clock.step_event(d)))
        tl.stepRequested.connect(lambda s: self._after(clock.step(s)))
        tl.jumpRequested.connect(self.jump_to_text)
        tl.nextCaseEventRequested.connect(self.next_case_event)
        tl.loopChanged.connect(lambda r: clock.set_loop(*(r if r else (None, None))))
        tl.followToggled.connect(self.set_follow)
        tl.set_speed(clock.speed)
        w.progress_label.setText(self.tr("回放已加载：事件 %1 条，轨迹 %2 点，队员 %3 人（%4 秒）")
                                 .replace("%1", str(len(session.index.events)))
                                 .replace("%2", str(session.tracks.n_fixes))
                                 .replace("%3", str(len(session.tracks.officer_ids)))
                                 .replace("%4", f"{sum(session.timings_s.values()):.1f}"))
        clock.jumped.connect(lambda _t: self._refill_ticker())
        self._refill_ticker()
        self._after(None)

    def set_tracks(self, tracks: Any) -> None:
        """Every fix of the period is loaded (the first frame used a window around its instant)."""
        assert self.rl is not None
        self.rl.session.replace_tracks(tracks)
        if self.trails is not None:
            self.trails.tracks = tracks
        self.window.progress.hide()
        self.window.progress_label.setText(self.tr("全部轨迹已加载：%1 点").replace("%1", str(tracks.n_fixes)))
        self._after(self.rl.clock.seek(self.rl.clock.t_s))
        self.tracks_ready = True

    # ------------------------------------------------------------------ commands
    def seek(self, t_s: float) -> None:
        assert self.rl is not None
        self._after(self.rl.clock.seek(t_s))

    def jump_to_text(self, text: str) -> bool:
        assert self.rl is not None
        try:
            t = parse_time(text, self.rl.session.from_utc)
        except DomainError as exc:
            self.window.statusBar().showMessage(exc.message_zh + " / " + exc.message_en, 6000)
            return False
        self.seek(t.timestamp())
        return True

    def next_case_event(self) -> bool:
        assert self.rl is not None
        case_id = self.window.selected_case
        if not case_id:
            self.window.statusBar().showMessage(self.tr("请先选择一个案件"), 4000)
            return False
        info = self.rl.clock.next_case_event(case_id)
        if info is None:
            self.window.statusBar().showMessage(self.tr("该案件在回放时段内没有后续事件"), 4000)
            return False
        self._after(info)
        return True

    def set_playing(self, on: bool) -> None:
        assert self.rl is not None
        if on:
            self.rl.clock.play()
            self._elapsed.start()
            self._timer.start()
        else:
            self.rl.clock.pause()
            self._timer.stop()
            self._update_kpis(force=True)
        if self.timeline is not None:
            self.timeline.show_playing(on)

    def set_follow(self, on: bool) -> None:
        self.follow = on
        if self.timeline is not None and self.timeline.follow_check.isChecked() != on:
            self.timeline.follow_check.setChecked(on)
        self._apply_follow()

    # ------------------------------------------------------------------ frame
    def _frame(self) -> None:
        assert self.rl is not None
        started = QElapsedTimer()
        started.start()
        dt = self._elapsed.restart() / 1000.0
        info = self.rl.clock.advance(min(dt, 0.25))
        if not self.rl.clock.playing:
            self.set_playing(False)
        self._after(info)
        self.frame_ms.append(started.nsecsElapsed() / 1e6)

    def _after(self, _info: object) -> None:
        """Bring every view to the clock's instant."""
        assert self.rl is not None
        t_s = self.rl.clock.t_s
        if self.timeline is not None:
            self.timeline.show_time(t_s)
        if self.trails is not None:
            self.trails.update(t_s)
        self._refresh_cameras(t_s)
        self._apply_follow()
        self._update_kpis()
        w = self.window
        w.clock_label.setText(local_text(t_s) + " " + self.tr("回放时间"))

    def _apply_follow(self) -> None:
        if not self.follow or self.rl is None:
            return
        w = self.window
        world = self.rl.clock.world
        oid = w.details.officer_view.officer_id if w.details.currentWidget() is w.details.officer_view else None
        if oid and oid in world.officers and world.officers[oid].get("lon") is not None:
            o = world.officers[oid]
            w.map.canvas.fly_to(float(o["lon"]), float(o["lat"]), animate=False)
        elif w.selected_case and w.selected_case in world.cases:
            c = world.cases[w.selected_case]
            w.map.canvas.fly_to(float(c["lon"]), float(c["lat"]), animate=False)

    # ------------------------------------------------------------------ panels at t
    def _case_at(self, case_id: str) -> tuple[dict[str, Any], list[StoredEvent]] | None:
        """The details panel's case as it stood at t (no reporter: a replay shows no personal data)."""
        assert self.rl is not None
        state = self.rl.clock.world.cases.get(case_id)
        if state is None:
            return None
        t_s = self.rl.clock.t_s
        case = CaseService(self.rl.loaded.ctx).case_json(state, None, now_utc=self.rl.clock.now_utc)
        session = self.rl.session
        timeline = [e for e in session.base_case_events if e.case_id == case_id]
        timeline += [e for e in session.index.case_events(case_id) if e.ts_utc.timestamp() <= t_s]
        return case, timeline

    def _refill_ticker(self) -> None:
        assert self.rl is not None
        ticker = self.window.ticker
        ticker.list.clear()
        log = [e for e in self.rl.session.action_log(self.rl.clock.t_s, 2_000) if shows_in_ticker(e)]
        ticker.add_events(log[-TICKER_LINES:])

    def _refresh_cameras(self, t_s: float) -> None:
        assert self.rl is not None
        session = self.rl.session
        lines: list[tuple[float, str, str]] = []
        for ev in session.camera_events_at(t_s, CAMERA_WINDOW_S):
            clip = self.tr("（有录像）") if ev.has_clip else ""
            lines.append((ev.start_s, f"{local_text(ev.start_s, '%H:%M:%S')}  {ev.camera}  {ev.label}"
                          f"{' ' + ev.plate if ev.plate else ''}{clip}", ev.camera))
        k1 = session.index.count_at(t_s)
        k0 = session.index.count_at(t_s - CAMERA_WINDOW_S)
        names = self.window.names()
        filed_by_ai = self.tr("智能识别立案")  # outside the f-string below, where lupdate would not see it
        for e in session.index.events[k0:k1]:
            after = e.after or {}
            cam = after.get("camera_id") or (after.get("extra") or {}).get("camera_id")
            if e.entity_type == "case" and e.action == "create" and cam:
                lines.append((e.ts_utc.timestamp(), f"{local_text(e.ts_utc.timestamp(), '%H:%M:%S')}  "
                              f"{names.get(str(cam), cam)}  {filed_by_ai} {e.entity_id}", str(cam)))
        lines.sort(reverse=True)
        if [x[1] for x in lines] == [self.cameras.item(i).text() for i in range(self.cameras.count())]:
            return
        self.cameras.clear()
        for t, text, cam in lines:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, (cam, t))
            self.cameras.addItem(item)

    def _camera_clicked(self, item: QListWidgetItem) -> None:
        """Open the clip of a camera at the event's moment (when the video module is in this build)."""
        cam, t = item.data(Qt.ItemDataRole.UserRole)
        try:
            from widgets.replay.clips import open_clip
        except ImportError:
            self.window.statusBar().showMessage(self.tr("此版本没有视频模块"), 4000)
            return
        open_clip(self.window, str(cam), datetime.fromtimestamp(float(t), UTC))

    # ------------------------------------------------------------------ KPIs at t
    def _update_kpis(self, force: bool = False) -> None:
        assert self.rl is not None
        t_s = self.rl.clock.t_s
        if self._kpi_busy:
            self._kpi_pending = True
            return
        if not force and self._kpi_t is not None and abs(t_s - self._kpi_t) < KPI_EVERY_REPLAY_S:
            return
        self._kpi_pending = False
        self._kpi_busy = True
        self._kpi_t = t_s
        session = self.rl.session
        result = self._kpi

        def work() -> None:
            from console.replay.kpi import kpis_at

            try:
                rows = kpis_at(session, t_s)
                text = " · ".join(f"{r.indicator.name_zh} {r.value_text()}" for r in rows[:6])
            except Exception as exc:  # a KPI failure must not stop the replay
                text = f"KPI: {type(exc).__name__}"
            with contextlib.suppress(RuntimeError):  # the window closed while computing
                result.ready.emit(t_s, text)

        threading.Thread(target=work, name="replay-kpi", daemon=True).start()

    def _show_kpis(self, t_s: float, text: str) -> None:
        self._kpi_busy = False
        if self._kpi_pending:
            self._update_kpis(force=True)
        self.kpi_label.setText(self.tr("指标（%1）：").replace("%1", local_text(t_s, "%H:%M")) + text)
