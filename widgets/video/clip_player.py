"""Evidence clip player (证据视频播放): play/pause, scrub, frame step, speed and snapshot export to PNG.

Works on any file path or URL FFmpeg can open (the evidence store's clip files, the camera system's clip URLs).
Frames are decoded exactly (see :mod:`console.video.decoder`) in a worker thread; playback follows the wall clock,
so at 4× or on a slow machine frames are skipped, never queued.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from console.video.decoder import ClipInfo
from widgets.video.clip_decoder_thread import ClipDecoderThread
from widgets.video.image_view import ImageView

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
TICK_MS = 15


def _mmss(seconds: float) -> str:
    m, s = divmod(max(0.0, seconds), 60)
    return f"{int(m):02d}:{s:04.1f}"


class ClipPlayer(QWidget):
    """One clip: open(source) and the controls under the picture."""

    frameShown = Signal(int)
    ready = Signal(object)  # ClipInfo
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: str | None = None
        self.info: ClipInfo | None = None
        self.decoder: ClipDecoderThread | None = None
        self.current_index = -1
        self.image: QImage | None = None
        self.speed = 1.0
        self.playing = False
        self._play_t0 = 0.0
        self._play_i0 = 0
        self._slider_busy = False

        self.view = ImageView(self)
        self.play_btn = QPushButton(self.tr("播放"), self)
        self.play_btn.setObjectName("clip_play")
        self.prev_btn = QPushButton("◀|", self)
        self.prev_btn.setToolTip(self.tr("上一帧（,）"))
        self.next_btn = QPushButton("|▶", self)
        self.next_btn.setToolTip(self.tr("下一帧（.）"))
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("clip_scrub")
        self.speed_combo = QComboBox(self)
        for s in SPEEDS:
            self.speed_combo.addItem(f"{s:g}×", s)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.time_label = QLabel("--:--", self)
        self.snap_btn = QPushButton(self.tr("导出快照"), self)
        self.snap_btn.setToolTip(self.tr("把当前帧存为 PNG"))

        controls = QHBoxLayout()
        for w in (self.play_btn, self.prev_btn, self.next_btn):
            controls.addWidget(w)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        controls.addWidget(QLabel(self.tr("速度"), self))
        controls.addWidget(self.speed_combo)
        controls.addWidget(self.snap_btn)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view, 1)
        lay.addLayout(controls)

        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.play_btn.clicked.connect(self.toggle_play)
        self.prev_btn.clicked.connect(lambda: self.step(-1))
        self.next_btn.clicked.connect(lambda: self.step(1))
        self.slider.valueChanged.connect(self._on_slider)
        self.speed_combo.currentIndexChanged.connect(lambda i: self.set_speed(float(self.speed_combo.itemData(i))))
        self.snap_btn.clicked.connect(self._ask_snapshot)
        QShortcut(QKeySequence(","), self, lambda: self.step(-1))
        QShortcut(QKeySequence("."), self, lambda: self.step(1))
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.toggle_play)
        self._set_enabled(False)

    # ----------------------------------------------------------------- open / close
    def open(self, source: str | Path) -> None:
        """Open a clip (path or URL); ``ready`` or ``failed`` follows from the worker thread."""
        self.close_clip()
        self.source = str(source)
        self.view.set_message(self.tr("正在打开…"))
        dec = ClipDecoderThread(self.source, self)
        dec.opened.connect(self._on_opened)
        dec.failed.connect(self._on_failed)
        dec.frameDecoded.connect(self._on_frame)
        self.decoder = dec
        dec.start()

    def close_clip(self) -> None:
        self.pause()
        dec, self.decoder = self.decoder, None
        if dec is not None:
            dec.opened.disconnect(self._on_opened)
            dec.failed.disconnect(self._on_failed)
            dec.frameDecoded.disconnect(self._on_frame)
            if dec.stop():  # a parked (still running) thread must not be deleted
                dec.deleteLater()
        self.info = None
        self.current_index = -1
        self.image = None
        self.view.set_image(None)
        self._set_enabled(False)

    def closeEvent(self, event: object) -> None:
        self.close_clip()
        super().closeEvent(event)  # type: ignore[arg-type]

    def _set_enabled(self, on: bool) -> None:
        for w in (self.play_btn, self.prev_btn, self.next_btn, self.slider, self.speed_combo, self.snap_btn):
            w.setEnabled(on)

    def _on_opened(self, info: ClipInfo) -> None:
        self.info = info
        self.view.set_message("")
        self.slider.blockSignals(True)
        self.slider.setRange(0, info.frames - 1)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self._set_enabled(True)
        self.seek(0)
        self.ready.emit(info)

    def _on_failed(self, zh: str, en: str) -> None:
        self.pause()
        from widgets.i18n import current_language

        text = en if current_language() == "en" else zh
        self.view.set_message(text)
        self.failed.emit(text)

    def _on_frame(self, index: int, image: QImage) -> None:
        self.current_index = index
        self.image = image
        self.view.set_image(image)
        self._slider_busy = True
        self.slider.setValue(index)
        self._slider_busy = False
        self._update_label()
        self.frameShown.emit(index)

    def _update_label(self) -> None:
        if self.info is None or self.decoder is None:
            return
        t = self.decoder.time_of(max(0, self.current_index))
        self.time_label.setText(f"{_mmss(t)} / {_mmss(self.info.duration_s)}  "
                                + self.tr("帧 %1/%2").replace("%1", str(self.current_index + 1))
                                .replace("%2", str(self.info.frames)))

    # ----------------------------------------------------------------- controls
    def seek(self, index: int) -> None:
        if self.info is None or self.decoder is None:
            return
        index = max(0, min(self.info.frames - 1, index))
        if self.playing:
            self._play_t0, self._play_i0 = time.monotonic(), index
        self.decoder.request(index)

    def step(self, delta: int) -> None:
        """Pause and move ``delta`` frames."""
        self.pause()
        self.seek(max(0, self.current_index) + delta)

    def set_speed(self, speed: float) -> None:
        self.speed = speed
        if self.playing:
            self._play_t0, self._play_i0 = time.monotonic(), max(0, self.current_index)

    def play(self) -> None:
        if self.info is None:
            return
        if self.current_index >= self.info.frames - 1:
            self.seek(0)
        self.playing = True
        self._play_t0, self._play_i0 = time.monotonic(), max(0, self.current_index)
        self.play_btn.setText(self.tr("暂停"))
        self._timer.start()

    def pause(self) -> None:
        self.playing = False
        self._timer.stop()
        self.play_btn.setText(self.tr("播放"))

    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def _tick(self) -> None:
        if self.info is None or self.decoder is None:
            return
        k = self._play_i0 + int((time.monotonic() - self._play_t0) * self.info.fps * self.speed)
        if k >= self.info.frames - 1:
            k = self.info.frames - 1
            self.pause()
        if k != self.current_index:
            self.decoder.request(k)

    def _on_slider(self, value: int) -> None:
        if not self._slider_busy:
            self.seek(value)

    # ----------------------------------------------------------------- snapshot
    def export_snapshot(self, path: str | Path) -> bool:
        """Save the frame on screen as PNG at its full resolution."""
        if self.image is None:
            return False
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        return bool(self.image.save(str(out), "PNG"))

    def _ask_snapshot(self) -> None:
        base = Path(self.source or "clip").stem
        name = f"{base}_frame{self.current_index + 1:05d}.png"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出快照"), str(Path.home() / name), "PNG (*.png)")
        if path and not self.export_snapshot(path):
            self.view.set_message(self.tr("快照保存失败"))
