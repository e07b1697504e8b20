"""Video wall (视频墙): 2×2 or 3×3 tiles of chosen cameras, live or as synchronised playback of one time window.

Live: one :class:`CameraTile` per camera. Playback: each tile opens the camera system's recording of the same window
(Frigate-shaped ``/api/<camera>/start/<ts>/end/<ts>/clip.mp4``, from the video settings) and one master clock drives
every tile to the frame at the same instant, so a truck seen by two cameras can be followed from one to the next.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.video.cameras import Camera
from console.video.config import VideoConfig
from console.video.decoder import ClipInfo
from widgets.video.clip_decoder_thread import ClipDecoderThread
from widgets.video.image_view import ImageView
from widgets.video.tile import CameraTile

LAYOUTS = (2, 3)
SPEEDS = (0.5, 1.0, 2.0, 4.0)
SLIDER_STEPS_PER_S = 10
TICK_MS = 30
LOCAL_ZONE = "Asia/Shanghai"


class SyncTile(ImageView):
    """One recorded clip on the wall, shown at the time the wall's clock says."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, caption=title)
        self.decoder: ClipDecoderThread | None = None
        self.info: ClipInfo | None = None
        self.shown_index = -1
        self.shown_time_s = -1.0
        self._requested = -1

    def load(self, source: str) -> None:
        self.unload()
        self.set_message(self.tr("正在载入录像…"))
        dec = ClipDecoderThread(source, self)
        dec.opened.connect(self._opened)
        dec.failed.connect(lambda zh, _en: self.set_message(zh))
        dec.frameDecoded.connect(self._frame)
        self.decoder = dec
        dec.start()

    def unload(self) -> None:
        dec, self.decoder = self.decoder, None
        if dec is not None:
            dec.frameDecoded.disconnect(self._frame)
            if dec.stop():  # a parked (still running) thread must not be deleted
                dec.deleteLater()
        self.info = None
        self.shown_index = self._requested = -1

    def _opened(self, info: ClipInfo) -> None:
        self.info = info
        self.set_message("")
        self.show_time(0.0)

    def _frame(self, index: int, image: QImage) -> None:
        self.shown_index = index
        if self.decoder is not None:
            self.shown_time_s = self.decoder.time_of(index)
        self.set_image(image)

    def show_time(self, seconds: float) -> None:
        if self.decoder is None or self.info is None:
            return
        k = self.decoder.index_at(seconds)
        if k != self._requested:
            self._requested = k
            self.decoder.request(k)


class VideoWall(QWidget):
    """The wall window; cameras come from the console (``set_cameras``), streams and recordings from the config."""

    modeChanged = Signal(str)

    def __init__(self, cameras: list[Camera], config: VideoConfig, server_base: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("video_wall")
        self.setWindowTitle(self.tr("视频墙"))
        self.resize(1400, 860)
        self.config = config
        self.server_base = server_base
        self.cameras = {c.id: c for c in cameras}
        self.n = 2
        self.mode = "live"
        self.tiles: list[CameraTile | SyncTile] = []
        self.window_start_utc: datetime | None = None
        self.window_seconds = 0.0
        self.playing = False
        self.speed = 1.0
        self.clock_s = 0.0
        self._play_t0 = 0.0
        self._play_c0 = 0.0

        self.camera_list = QListWidget(self)
        self.camera_list.setObjectName("wall_cameras")
        for c in sorted(cameras, key=lambda c: (c.kind != "ai", c.id)):
            item = QListWidgetItem(f"{c.name}  {c.id}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.camera_list.addItem(item)
        self.camera_list.itemChanged.connect(lambda _i: self._rebuild())

        self.layout_combo = QComboBox(self)
        for n in LAYOUTS:
            self.layout_combo.addItem(f"{n}×{n}", n)
        self.mode_combo = QComboBox(self)
        self.mode_combo.addItem(self.tr("实时"), "live")
        self.mode_combo.addItem(self.tr("同步回放"), "playback")
        self.start_edit = QDateTimeEdit(self)
        self.start_edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self._set_start_edit(datetime.now(UTC) - timedelta(minutes=2))
        self.seconds_spin = QSpinBox(self)
        self.seconds_spin.setRange(5, 600)
        self.seconds_spin.setValue(30)
        self.seconds_spin.setSuffix(self.tr(" 秒"))
        self.load_btn = QPushButton(self.tr("载入录像"), self)
        self.play_btn = QPushButton(self.tr("播放"), self)
        self.speed_combo = QComboBox(self)
        for s in SPEEDS:
            self.speed_combo.addItem(f"{s:g}×", s)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.time_label = QLabel("", self)
        self.playback_bar = QWidget(self)
        pb = QHBoxLayout(self.playback_bar)
        pb.setContentsMargins(0, 0, 0, 0)
        for w in (QLabel(self.tr("开始"), self), self.start_edit, QLabel(self.tr("时长"), self), self.seconds_spin,
                  self.load_btn, self.play_btn):
            pb.addWidget(w)
        pb.addWidget(self.slider, 1)
        pb.addWidget(self.time_label)
        pb.addWidget(self.speed_combo)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("布局"), self))
        top.addWidget(self.layout_combo)
        top.addWidget(QLabel(self.tr("模式"), self))
        top.addWidget(self.mode_combo)
        top.addWidget(self.playback_bar, 1)
        self.grid_host = QWidget(self)
        self.grid_host.setAutoFillBackground(True)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(3)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(top)
        rl.addWidget(self.grid_host, 1)
        split = QSplitter(self)
        split.addWidget(self.camera_list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([240, 1160])
        lay = QVBoxLayout(self)
        lay.addWidget(split)

        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.layout_combo.currentIndexChanged.connect(lambda i: self.set_layout(int(self.layout_combo.itemData(i))))
        self.mode_combo.currentIndexChanged.connect(lambda i: self.set_mode(str(self.mode_combo.itemData(i))))
        self.load_btn.clicked.connect(self._load_from_controls)
        self.play_btn.clicked.connect(lambda: self.pause() if self.playing else self.play())
        self.speed_combo.currentIndexChanged.connect(lambda i: self.set_speed(float(self.speed_combo.itemData(i))))
        self.slider.valueChanged.connect(self._on_slider)
        self._slider_busy = False
        self.playback_bar.setVisible(False)

    # ----------------------------------------------------------------- choice of cameras and layout
    def chosen_ids(self) -> list[str]:
        out = []
        for i in range(self.camera_list.count()):
            item = self.camera_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out[: self.n * self.n]

    def set_cameras(self, camera_ids: list[str]) -> None:
        """Check exactly these cameras (in this order first) and rebuild the tiles."""
        wanted = [c for c in camera_ids if c in self.cameras]
        self.camera_list.blockSignals(True)
        items = {str(self.camera_list.item(i).data(Qt.ItemDataRole.UserRole)): self.camera_list.item(i)
                 for i in range(self.camera_list.count())}
        for cid, item in items.items():
            item.setCheckState(Qt.CheckState.Checked if cid in wanted else Qt.CheckState.Unchecked)
        for pos, cid in enumerate(wanted):  # keep the requested order at the top
            row = self.camera_list.row(items[cid])
            self.camera_list.insertItem(pos, self.camera_list.takeItem(row))
        self.camera_list.blockSignals(False)
        self._rebuild()

    def set_layout(self, n: int) -> None:
        if n not in LAYOUTS:
            return
        self.n = n
        self.layout_combo.blockSignals(True)
        self.layout_combo.setCurrentIndex(LAYOUTS.index(n))
        self.layout_combo.blockSignals(False)
        self._rebuild()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.mode_combo.blockSignals(True)
        self.mode_combo.setCurrentIndex(0 if mode == "live" else 1)
        self.mode_combo.blockSignals(False)
        self.playback_bar.setVisible(mode == "playback")
        self.pause()
        self._rebuild()
        self.modeChanged.emit(mode)

    def _clear(self) -> None:
        for t in self.tiles:
            if isinstance(t, CameraTile):
                t.close_stream()
            else:
                t.unload()
            self.grid.removeWidget(t)
            t.hide()
            t.deleteLater()
        self.tiles = []

    def _rebuild(self) -> None:
        self._clear()
        ids = self.chosen_ids()
        for k in range(self.n * self.n):
            cam = self.cameras.get(ids[k]) if k < len(ids) else None
            tile: CameraTile | SyncTile
            if self.mode == "live":
                tile = CameraTile(cam.name if cam else "", self.grid_host, backoff=self.config.reconnect,
                                  max_fps=self.config.wall_tile_max_fps)
                if cam is not None and cam.stream_url:
                    tile.open(cam.stream_url, cam.name)
                elif cam is None:
                    tile.url = None
                    tile.title = self.tr("（空）")
            else:
                tile = SyncTile(cam.name if cam else self.tr("（空）"), self.grid_host)
                if cam is not None and self.window_start_utc is not None:
                    src = self.clip_source(cam)
                    if src:
                        tile.load(src)
                    else:
                        tile.set_message(self.tr("没有录像来源"))
            tile.setProperty("camera_id", cam.id if cam else "")
            self.grid.addWidget(tile, k // self.n, k % self.n)
            self.tiles.append(tile)

    # ----------------------------------------------------------------- synchronised playback
    def clip_source(self, camera: Camera) -> str | None:
        if self.server_base is None or self.window_start_utc is None:
            return None
        s = self.window_start_utc.timestamp()
        return self.config.recording_clip_url(self.server_base, camera.id, s, s + self.window_seconds)

    def load_window(self, start_utc: datetime, seconds: float) -> None:
        """Show every chosen camera's recording of [start, start + seconds) on one clock."""
        self.window_start_utc = start_utc.astimezone(UTC)
        self.window_seconds = float(seconds)
        self._set_start_edit(self.window_start_utc)
        self.seconds_spin.setValue(int(seconds))
        self.clock_s = 0.0
        self.slider.blockSignals(True)
        self.slider.setRange(0, int(seconds * SLIDER_STEPS_PER_S))
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        if self.mode != "playback":
            self.set_mode("playback")
        else:
            self._rebuild()
        self._update_time_label()

    def _set_start_edit(self, start_utc: datetime) -> None:
        """The edit shows Asia/Shanghai wall time whatever the machine's zone."""
        local = start_utc.astimezone(ZoneInfo(LOCAL_ZONE)).replace(tzinfo=None, microsecond=0)
        self.start_edit.setDateTime(QDateTime(local))

    def _load_from_controls(self) -> None:
        local = self.start_edit.dateTime().toPython().replace(tzinfo=ZoneInfo(LOCAL_ZONE))  # type: ignore[union-attr]
        self.load_window(local.astimezone(UTC), self.seconds_spin.value())

    def play(self) -> None:
        if self.mode != "playback" or self.window_start_utc is None:
            return
        if self.clock_s >= self.window_seconds:
            self.seek_time(0.0)
        self.playing = True
        self._play_t0, self._play_c0 = time.monotonic(), self.clock_s
        self.play_btn.setText(self.tr("暂停"))
        self._timer.start()

    def pause(self) -> None:
        self.playing = False
        self._timer.stop()
        self.play_btn.setText(self.tr("播放"))

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        self._play_t0, self._play_c0 = time.monotonic(), self.clock_s

    def seek_time(self, seconds: float) -> None:
        self.clock_s = max(0.0, min(self.window_seconds, seconds))
        self._play_t0, self._play_c0 = time.monotonic(), self.clock_s
        self._apply_clock()

    def _tick(self) -> None:
        self.clock_s = self._play_c0 + (time.monotonic() - self._play_t0) * self.speed
        if self.clock_s >= self.window_seconds:
            self.clock_s = self.window_seconds
            self.pause()
        self._apply_clock()

    def _apply_clock(self) -> None:
        for t in self.tiles:
            if isinstance(t, SyncTile):
                t.show_time(self.clock_s)
        self._slider_busy = True
        self.slider.setValue(int(self.clock_s * SLIDER_STEPS_PER_S))
        self._slider_busy = False
        self._update_time_label()

    def _on_slider(self, value: int) -> None:
        if not self._slider_busy:
            self.seek_time(value / SLIDER_STEPS_PER_S)

    def _update_time_label(self) -> None:
        if self.window_start_utc is None:
            self.time_label.setText("")
            return
        at = (self.window_start_utc + timedelta(seconds=self.clock_s)).astimezone(ZoneInfo(LOCAL_ZONE))
        self.time_label.setText(at.strftime("%H:%M:%S") + f".{at.microsecond // 100000}")

    def closeEvent(self, event: object) -> None:
        self.pause()
        self._clear()
        super().closeEvent(event)  # type: ignore[arg-type]
