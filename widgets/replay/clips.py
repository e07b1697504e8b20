"""Open a camera's clip at a replay moment (needs the video module: ``console.video`` + ``widgets.video``).

The demo's cameras are synthetic: their footage for any instant is rendered deterministically by
``console.video.synth``, so "the clip at its moment" is encoded on demand (12 s around the event, in a worker thread)
and shown in the evidence clip player. A real deployment's clips come from the evidence store (see docs/replay.md).
"""

from __future__ import annotations

import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from widgets.replay.timeline import local_text

CLIP_BEFORE_S = 10.0
CLIP_SECONDS = 12.0


class _Done(QObject):
    ready = Signal(str)
    failed = Signal(str)


class ClipDialog(QDialog):
    """The clip of one camera around one instant, in the evidence clip player."""

    def __init__(self, parent: Any, camera_id: str, title: str) -> None:
        super().__init__(parent)
        from widgets.video.clip_player import ClipPlayer

        self.setWindowTitle(title)
        self.setObjectName("replay_clip_dialog")
        self.resize(720, 520)
        self.note = QLabel(self.tr("正在生成录像…"), self)
        self.player = ClipPlayer(self)
        lay = QVBoxLayout(self)
        lay.addWidget(self.note)
        lay.addWidget(self.player, 1)
        self.camera_id = camera_id
        self.path: str | None = None

    def show_clip(self, path: str) -> None:
        self.path = path
        self.note.setText(self.tr("演示摄像头为合成画面（按时刻确定生成）"))
        self.player.open(path)

    def show_error(self, message: str) -> None:
        self.note.setText(message)


def open_clip(window: Any, camera_id: str, when_utc: datetime) -> ClipDialog:
    from console.video.clips import write_clip
    from console.video.synth import SceneRenderer

    title = window.tr("录像 %1 @ %2").replace("%1", camera_id).replace("%2", local_text(when_utc.timestamp()))
    dialog = ClipDialog(window, camera_id, title)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    done = _Done(dialog)
    done.ready.connect(dialog.show_clip)
    done.failed.connect(dialog.show_error)
    out = Path(tempfile.mkdtemp(prefix="urbanops-replay-clip-")) / f"{camera_id}.mp4"

    def work() -> None:
        try:
            write_clip(out, SceneRenderer(camera_id), when_utc - timedelta(seconds=CLIP_BEFORE_S), CLIP_SECONDS)
        except Exception as exc:  # the dialog says why instead of staying empty
            done.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        done.ready.emit(str(out))

    threading.Thread(target=work, name="replay-clip", daemon=True).start()
    dialog.show()
    window.clip_dialog = dialog
    return dialog
