"""A worker thread around :class:`console.video.decoder.ClipDecoder`: open, then decode requested frames.

Requests coalesce (scrubbing asks for many frames; only the newest wanted one is decoded), so the GUI never waits.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QImage

from console.errors import DomainError
from console.video.decoder import ClipDecoder, ClipInfo
from widgets.video.stream_reader import park, qimage_from_rgb


class ClipDecoderThread(QThread):
    opened = Signal(object)  # ClipInfo
    failed = Signal(str, str)  # zh, en
    frameDecoded = Signal(int, QImage)

    def __init__(self, source: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.info: ClipInfo | None = None
        self._decoder: ClipDecoder | None = None
        self._cv = threading.Condition()
        self._wanted: int | None = None
        self._stop = False
        self.busy = False

    def request(self, index: int) -> None:
        with self._cv:
            self._wanted = index
            self._cv.notify()

    def stop(self, wait_ms: int = 5000) -> bool:
        """Ask the thread to end and wait for it; False when it is still busy and was parked (do not delete it)."""
        with self._cv:
            self._stop = True
            self._cv.notify()
        if self.wait(wait_ms):
            return True
        park(self)
        return False

    def time_of(self, index: int) -> float:
        return self._decoder.time_of(index) if self._decoder is not None else 0.0

    def index_at(self, seconds: float) -> int:
        return self._decoder.index_at(seconds) if self._decoder is not None else 0

    def run(self) -> None:
        try:
            self._decoder = ClipDecoder(self.source)
        except DomainError as exc:
            self.failed.emit(exc.message_zh, exc.message_en)
            return
        except Exception as exc:  # e.g. FFmpeg missing from a stripped bundle: say so, do not kill the thread
            self.failed.emit(f"无法打开视频：{exc}", f"cannot open video: {exc}")
            return
        self.info = self._decoder.info
        self.opened.emit(self.info)
        try:
            while True:
                with self._cv:
                    while self._wanted is None and not self._stop:
                        self._cv.wait()
                    if self._stop:
                        return
                    k, self._wanted = self._wanted, None
                    self.busy = True
                try:
                    img = qimage_from_rgb(self._decoder.frame(k))
                except DomainError as exc:
                    self.failed.emit(exc.message_zh, exc.message_en)
                    continue
                except Exception as exc:
                    self.failed.emit(f"解码失败：{exc}", f"decoding failed: {exc}")
                    continue
                finally:
                    self.busy = False
                self.frameDecoded.emit(k, img)
        finally:
            self._decoder.close()
