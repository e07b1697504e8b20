"""Fetch one picture (snapshot URL or file) off the GUI thread and hand it back as a ``QImage``."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

FETCH_TIMEOUT_S = 6.0
MAX_IMAGE_BYTES = 16 * 1024 * 1024


def read_image(url: str, timeout_s: float = FETCH_TIMEOUT_S) -> QImage:
    """Download (or read) and decode one image; raises OSError/ValueError on failure."""
    if url.startswith(("http://", "https://")):
        with urllib.request.urlopen(url, timeout=timeout_s) as r:
            data = r.read(MAX_IMAGE_BYTES + 1)
    else:
        data = Path(url.removeprefix("file://")).read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError("image too large")
    img = QImage.fromData(data)
    if img.isNull():
        raise ValueError("not an image")
    return img


class ImageFetcher(QObject):
    """``fetch(key, url)`` → ``fetched(key, QImage)`` or ``failed(key, reason)``, from a daemon thread."""

    fetched = Signal(str, QImage)
    failed = Signal(str, str)

    def fetch(self, key: str, url: str) -> None:
        threading.Thread(target=self._run, args=(key, url), daemon=True, name=f"fetch-{key}").start()

    def _run(self, key: str, url: str) -> None:
        try:
            img = read_image(url)
        except (OSError, ValueError, urllib.error.URLError) as exc:
            self.failed.emit(key, str(exc))
            return
        self.fetched.emit(key, img)
