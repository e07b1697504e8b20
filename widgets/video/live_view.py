"""Live view (实时画面) of one camera: opened by clicking a camera on the map, or from a case's camera list."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.video.cameras import Camera
from console.video.config import Backoff
from widgets.video.tile import CameraTile


class LiveView(QWidget):
    """A window with one :class:`CameraTile`, the camera's facts and a snapshot button."""

    addToWallRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None, backoff: Backoff | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("video_live_view")
        self.camera: Camera | None = None
        self.resize(800, 520)
        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.tile = CameraTile("", self, backoff=backoff)
        self.snap_btn = QPushButton(self.tr("保存快照"), self)
        self.wall_btn = QPushButton(self.tr("加入视频墙"), self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.wall_btn)
        buttons.addWidget(self.snap_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addWidget(self.tile, 1)
        lay.addLayout(buttons)
        self.snap_btn.clicked.connect(self._ask_snapshot)
        self.wall_btn.clicked.connect(lambda: self.camera and self.addToWallRequested.emit(self.camera.id))

    def show_camera(self, camera: Camera) -> None:
        self.camera = camera
        self.setWindowTitle(self.tr("实时画面 — %1").replace("%1", camera.name))
        status = self.tr("在线") if camera.online else self.tr("离线")
        heading = "—" if camera.heading_deg is None else f"{camera.heading_deg:.0f}°"
        w_heading, w_fov, w_range = self.tr("朝向"), self.tr("视角"), self.tr("视距")
        self.header.setText(
            f"<b style='font-size:15px'>{escape(camera.name)}</b>&nbsp;&nbsp;{escape(camera.id)}&nbsp;&nbsp;·&nbsp;"
            f"{status}&nbsp;·&nbsp;{w_heading} {heading}&nbsp;·&nbsp;{w_fov} {camera.fov_deg:.0f}°"
            f"&nbsp;·&nbsp;{w_range} {camera.range_m:.0f} m")
        if camera.stream_url:
            self.tile.open(camera.stream_url, camera.name)
        else:
            self.tile.close_stream()
            self.tile.url = None
            self.tile.image = None
            self.tile.title = camera.name
            self.tile.update()
        self.show()
        self.raise_()

    def export_snapshot(self, path: str | Path) -> bool:
        if self.tile.image is None:
            return False
        return bool(self.tile.image.save(str(path), "PNG"))

    def _ask_snapshot(self) -> None:
        if self.camera is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存快照"), str(Path.home() / f"{self.camera.id}.png"),
                                              "PNG (*.png)")
        if path:
            self.export_snapshot(path)

    def closeEvent(self, event: object) -> None:
        self.tile.close_stream()
        super().closeEvent(event)  # type: ignore[arg-type]
