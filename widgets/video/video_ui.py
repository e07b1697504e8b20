"""Wires video into a loaded main window: camera clicks → live view, the video wall, the case panel, clip player.

The console knows a camera system by its base URL: ``$URBANOPS_CAMERA_SERVER`` (a Frigate-shaped recorder; ``off``
disables), else — in the demo (``enable_demo_cameras()``, called by ``urbanops demo``) — a synthetic camera server
started in this process on a free loopback port, so live tiles, snapshots and recordings work offline.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QToolBar, QVBoxLayout, QWidget

from console.errors import DomainError
from console.video.camera_server import CameraServer
from console.video.cameras import Camera, cameras_from_assets
from console.video.config import VideoConfig, load_video_config
from widgets.video.case_panel import CaseVideoPanel
from widgets.video.clip_player import ClipPlayer
from widgets.video.live_view import LiveView
from widgets.video.stream_reader import wait_parked
from widgets.video.video_wall import VideoWall

if TYPE_CHECKING:
    from widgets.main_window import MainWindow

ENV_SERVER = "URBANOPS_CAMERA_SERVER"
ENV_CAMERA_API = "URBANOPS_CAMERA_API_URL"  # the evidence pipeline's name for the same camera system (docs/evidence.md)
CAMERA_LAYER = "cameras"
_demo = {"enabled": False}


def enable_demo_cameras(on: bool = True) -> None:
    """Start a synthetic loopback camera server with the console (the demo; tests)."""
    _demo["enabled"] = on


class ClipWindow(QWidget):
    """A window around one :class:`ClipPlayer` (evidence clips from the case panel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt

        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("video_clip_window")
        self.resize(860, 560)
        self.label = QLabel(self)
        self.player = ClipPlayer(self)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.player, 1)

    def play(self, label: str, source: str) -> None:
        self.setWindowTitle(self.tr("证据视频 — %1").replace("%1", label))
        self.label.setText(source)
        self.player.open(source)
        self.show()
        self.raise_()

    def closeEvent(self, event: Any) -> None:
        self.player.close_clip()
        super().closeEvent(event)


class VideoUi:
    """Created by the main window once a world is attached; ``stop()`` on shutdown."""

    def __init__(self, window: MainWindow) -> None:
        assert window.loaded is not None
        self.window = window
        self.world = window.loaded.world
        self.error: str | None = None
        try:
            self.config = load_video_config()
        except DomainError as exc:
            self.config = VideoConfig()
            self.error = exc.message_zh
        self.server: CameraServer | None = None
        self.base_url: str | None = None
        env = os.environ.get(ENV_SERVER, "").strip() or os.environ.get(ENV_CAMERA_API, "").strip()
        if env and env.lower() != "off":
            self.base_url = env.rstrip("/")
        elif not env and _demo["enabled"]:
            self.server = CameraServer(port=0, cameras=self._names()).start()
            self.base_url = self.server.base_url
            # Evidence fetched in this process (snapshots, clips of camera events) comes from the same cameras;
            # undone in stop() so a later window does not point at a server that is gone.
            os.environ[ENV_CAMERA_API] = self.base_url
        self.live_view: LiveView | None = None
        self.wall: VideoWall | None = None
        self.clip_window: ClipWindow | None = None
        self.panel = CaseVideoPanel(self.config, lambda: self.base_url, window.details.case_view)
        window.details.case_view.add_to_tab("evidence", self.panel)
        self.panel.setVisible(False)
        self.panel.set_cameras(self.cameras())
        self.panel.liveRequested.connect(self.open_live)
        self.panel.wallRequested.connect(self.open_wall)
        self.panel.clipRequested.connect(self.play_clip)
        window.map.featureClicked.connect(self._on_feature)
        self.wall_action = QAction(window.tr("视频墙"), window)
        self.wall_action.setObjectName("action_video_wall")
        self.wall_action.setToolTip(window.tr("打开视频墙（2×2 / 3×3，实时或同步回放）"))
        self.wall_action.triggered.connect(lambda: self.open_wall([]))
        toolbar = window.findChild(QToolBar, "toolbar_main")
        if toolbar is not None:
            toolbar.insertAction(toolbar.actions()[-1] if toolbar.actions() else None, self.wall_action)

    # ----------------------------------------------------------------- cameras
    def _names(self) -> list[tuple[str, str]]:
        return [(cid, str(a.get("name") or cid)) for cid, a in self.world.assets.get("camera", {}).items()]

    def cameras(self) -> list[Camera]:
        return cameras_from_assets(self.world.assets.get("camera", {}).values(), self.config, self.base_url)

    def camera(self, camera_id: str) -> Camera | None:
        a = self.world.assets.get("camera", {}).get(camera_id)
        if a is None:
            return None
        cams = cameras_from_assets([a], self.config, self.base_url)
        return cams[0] if cams else None

    # ----------------------------------------------------------------- actions
    def _on_feature(self, layer: str, fid: str) -> None:
        if layer == CAMERA_LAYER:
            self.open_live(fid)

    def open_live(self, camera_id: str) -> LiveView | None:
        cam = self.camera(camera_id)
        if cam is None:
            return None
        if self.live_view is None:
            self.live_view = LiveView(self.window, self.config.reconnect)
            self.live_view.addToWallRequested.connect(lambda cid: self.open_wall([cid]))
        self.live_view.show_camera(cam)
        return self.live_view

    def open_wall(self, camera_ids: list[str]) -> VideoWall:
        if self.wall is None:
            self.wall = VideoWall(self.cameras(), self.config, self.base_url, self.window)
        ids = list(camera_ids)
        if not ids and not self.wall.chosen_ids():
            ids = [c.id for c in self.cameras() if c.kind == "ai"][:4]
        if ids:
            current = [c for c in self.wall.chosen_ids() if c not in ids] if len(ids) == 1 else []
            self.wall.set_cameras(ids + current)
        self.wall.show()
        self.wall.raise_()
        return self.wall

    def play_clip(self, label: str, source: str) -> ClipWindow:
        if self.clip_window is None:
            self.clip_window = ClipWindow(self.window)
        self.clip_window.play(label, source)
        return self.clip_window

    def evidence(self, case_id: str) -> list[dict[str, Any]]:
        """The case's evidence files from the event log (console.services.cases.case_evidence), [] if unavailable."""
        loaded = self.window.loaded
        if loaded is None:
            return []
        try:
            from console.services.cases import case_evidence
        except ImportError:  # evidence feature not in this build
            return []
        try:
            with loaded.db.read_session() as s:
                return case_evidence(s, case_id)
        except (DomainError, OSError) as exc:
            self.error = str(exc)
            return []

    def refresh(self, case_id: str | None) -> None:
        case = self.world.cases.get(case_id) if case_id else None
        if case is not None:
            case = {**case, "evidence": self.evidence(str(case_id))}
        self.panel.show_case(case)

    def stop(self) -> None:
        for w in (self.live_view, self.wall, self.clip_window):
            if w is not None:
                w.close()
        if self.server is not None:
            if os.environ.get(ENV_CAMERA_API) == self.server.base_url:
                del os.environ[ENV_CAMERA_API]
            self.server.stop()
            self.server = None
        # a stream reader blocked in FFmpeg (a dead RTSP host) was parked when its tile closed; it ends within its
        # timeouts, and must have ended before Qt objects are torn down at exit
        rc = self.config.reconnect
        wait_parked(round((rc.open_s + rc.stall_s + 1) * 1000))
