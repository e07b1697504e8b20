"""Camera tile (摄像头画面): the newest frame of one stream, its title, and the stream state over it.

When the stream fails the last picture stays (dimmed) with "离线 / 正在重试…", the seconds to the next attempt and
why (refused, timed out, not found, not a video stream, …); the tile never freezes the window because all reading
and decoding happens in the :class:`StreamReader` thread, and closing it never waits on a blocked FFmpeg call.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.video.config import Backoff
from widgets.video import stream_reader as sr
from widgets.video.stream_reader import CONNECTING, PLAYING, RETRYING, STOPPED, StreamReader

FPS_WINDOW_S = 2.0


class CameraTile(QWidget):
    """Shows one live stream; ``open(url)`` starts a reader thread, ``close_stream()`` ends it."""

    firstFrame = Signal(float)  # seconds from open to the first frame on screen
    stateChanged = Signal(str)

    def __init__(self, title: str = "", parent: QWidget | None = None, *, backoff: Backoff | None = None,
                 max_fps: float = 0.0) -> None:
        super().__init__(parent)
        self.title = title
        self.max_fps = max_fps
        self.backoff = backoff or Backoff()
        self.reader: StreamReader | None = None
        self.image: QImage | None = None
        self.state = STOPPED
        self.detail = ""
        self.reason = ""  # why the stream is unavailable (a stream_reader reason code), while retrying
        self.url: str | None = None
        self.frames_shown = 0
        self.first_frame_s: float | None = None
        self._opened = 0.0
        self._retry_at = 0.0
        self._frame_times: list[float] = []
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._countdown = QTimer(self)  # repaint the retry countdown once a second
        self._countdown.setInterval(500)
        self._countdown.timeout.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(480, 270)

    # ----------------------------------------------------------------- stream
    def open(self, url: str, title: str | None = None) -> None:
        self.close_stream()
        if title is not None:
            self.title = title
        self.url = url
        self.image = None
        self.frames_shown = 0
        self.first_frame_s = None
        self._frame_times.clear()
        self._opened = time.monotonic()
        reader = StreamReader(url, self.backoff, self)
        reader.target_size = self._fit_size()
        reader.max_fps = self.max_fps
        reader.frameReady.connect(self._on_frame)
        reader.stateChanged.connect(self._on_state)
        self.reader = reader
        self.state = CONNECTING
        reader.start()
        self.update()

    def _fit_size(self) -> tuple[int, int]:
        return max(16, self.width()), max(16, self.height())

    def resizeEvent(self, event: object) -> None:
        if self.reader is not None:
            self.reader.target_size = self._fit_size()
        super().resizeEvent(event)  # type: ignore[arg-type]

    def close_stream(self) -> None:
        reader, self.reader = self.reader, None
        if reader is not None:
            reader.frameReady.disconnect(self._on_frame)
            reader.stateChanged.disconnect(self._on_state)
            if reader.stop():  # a parked reader (blocked in FFmpeg) ends by its timeout and must not be deleted
                reader.deleteLater()
        self.state = STOPPED
        self.reason = ""
        self._countdown.stop()

    def closeEvent(self, event: object) -> None:
        self.close_stream()
        super().closeEvent(event)  # type: ignore[arg-type]

    def _on_frame(self) -> None:
        if self.reader is None:
            return
        img = self.reader.take_frame()
        if img is None:
            return
        self.image = img
        now = time.monotonic()
        self.frames_shown += 1
        if self.first_frame_s is None:
            self.first_frame_s = now - self._opened
            self.firstFrame.emit(self.first_frame_s)
        self._frame_times.append(now)
        cut = now - FPS_WINDOW_S
        while self._frame_times and self._frame_times[0] < cut:
            self._frame_times.pop(0)
        self.update()

    def _on_state(self, state: str, detail: str) -> None:
        self.state, self.detail = state, detail
        if state == RETRYING:
            head, _, rest = detail.partition("|")
            delay = float(head or 0)
            self.reason = rest.partition("|")[0]
            self._retry_at = time.monotonic() + delay
            self._countdown.start()
        else:
            self._countdown.stop()
            if state == PLAYING:
                self.reason = ""
        self.stateChanged.emit(state)
        self.update()

    def fps(self) -> float:
        """Frames shown per second over the last two seconds."""
        ts = self._frame_times
        if len(ts) < 2:
            return 0.0
        return (len(ts) - 1) / max(1e-6, ts[-1] - ts[0])

    def status_text(self) -> str:
        if self.state == CONNECTING:
            return self.tr("正在连接…")
        if self.state == RETRYING:
            left = max(0, round(self._retry_at - time.monotonic()))
            text = self.tr("离线 / 正在重试…") + (self.tr("（%1 秒）").replace("%1", str(left)) if left else "")
            why = self.reason_text()
            return f"{text}\n{why}" if why else text
        if self.state == STOPPED:
            return self.tr("未配置视频流") if self.url is None else self.tr("未打开")
        return ""

    def reason_text(self) -> str:
        """Why the stream is unavailable, in words (empty while it plays)."""
        words = {
            sr.REFUSED: self.tr("视频流不可用：连接被拒绝"),
            sr.TIMEOUT: self.tr("视频流不可用：连接超时"),
            sr.NOT_FOUND: self.tr("视频流不可用：地址不存在"),
            sr.HTTP_ERROR: self.tr("视频流不可用：服务器返回错误"),
            sr.INVALID: self.tr("视频流不可用：无法识别的视频数据"),
            sr.NO_ANSWER: self.tr("视频流不可用：服务器无有效应答"),
            sr.ENDED: self.tr("视频流已中断"),
            sr.NETWORK: self.tr("视频流不可用：网络错误"),
            sr.ERROR: self.tr("视频流不可用"),
        }
        return words.get(self.reason, "") if self.state == RETRYING else ""

    # ----------------------------------------------------------------- painting
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        r = self.rect()
        p.fillRect(r, QColor(12, 14, 18))
        if self.image is not None and not self.image.isNull():
            iw, ih = self.image.width(), self.image.height()
            s = min(r.width() / iw, r.height() / ih)
            w, h = iw * s, ih * s
            target = QRectF((r.width() - w) / 2, (r.height() - h) / 2, w, h)
            if abs(w - iw) < 1.5 and abs(h - ih) < 1.5:  # decoded at the shown size: a plain copy
                p.drawImage(QPointF(round(target.x()), round(target.y())), self.image)
            else:
                p.drawImage(target, self.image)
            if self.state != PLAYING:
                p.fillRect(target, QColor(0, 0, 0, 150))
        font = QFont(self.font())
        font.setPixelSize(max(11, min(16, r.height() // 16)))
        p.setFont(font)
        if self.title:
            bar = QRectF(0, r.height() - font.pixelSize() - 8, r.width(), font.pixelSize() + 8)
            p.fillRect(bar, QColor(0, 0, 0, 140))
            p.setPen(QColor(235, 235, 235))
            p.drawText(bar.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.title)
        text = self.status_text()
        if text:
            big = QFont(font)
            big.setPixelSize(max(13, min(22, r.height() // 10)))
            big.setBold(True)
            p.setFont(big)
            p.setPen(QColor(255, 120, 100) if self.state == RETRYING else QColor(230, 230, 230))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        p.setPen(QColor(60, 66, 76))
        p.drawRect(r.adjusted(0, 0, -1, -1))
        p.end()
