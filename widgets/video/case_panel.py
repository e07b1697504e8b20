"""Verify / check by camera (视频核实 / 视频核查) and the case's evidence clips, inside the case details panel.

For the selected case: the cameras whose view covers its point (nearest first; the AI camera that reported it first
of all), the recorder's snapshot nearest the report time, and — when the case waits for 核查 (status ``handled``) — a
new snapshot beside it (before / after). Evidence clips of the case open in the clip player.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.video.cameras import Camera
from console.video.config import VideoConfig
from console.video.coverage import CoverageHit, CoverageIndex
from widgets.video.fetch import ImageFetcher
from widgets.video.image_view import ImageView

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
CHECK_STATUSES = frozenset({"handled"})  # 已处理反馈，待核查
VERIFY_STATUSES = frozenset({"reported", "accepted"})  # 待受理 / 待核实


def _evidence_items(case: dict[str, Any], want: str) -> list[dict[str, Any]]:
    """Evidence entries of one kind ("clip" or "snapshot") with a path or URL, from the case's ``evidence`` list
    (the shape of ``urbanops case show --format json``)."""
    out = []
    for item in case.get("evidence") or []:
        if not isinstance(item, dict) or not (item.get("path") or item.get("url")):
            continue
        kind = str(item.get("kind") or "")
        media = str(item.get("media_type") or "")
        if (want == "clip" and (kind in ("clip", "video") or media.startswith("video/"))) or (
                want == "snapshot" and (kind == "snapshot" or (media.startswith("image/") and kind != "clip"))):
            out.append(item)
    return out


def case_clip_sources(case: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, path or URL) of the case's evidence clips."""
    out: list[tuple[str, str]] = []
    for item in _evidence_items(case, "clip"):
        src = str(item.get("path") or item.get("url"))
        label = item.get("label") or " ".join(str(x) for x in (item.get("camera"), item.get("captured_at")) if x)
        out.append((str(label or Path(src).name), src))
    return out


def evidence_snapshot(case: dict[str, Any], camera_id: str) -> str | None:
    """The case's own evidence snapshot from ``camera_id`` (captured with the report), path or URL, if any."""
    for item in _evidence_items(case, "snapshot"):
        if item.get("camera") == camera_id:
            path = item.get("path")
            if path and Path(str(path)).is_file():
                return str(path)
            if item.get("url"):
                return str(item["url"])
    return None


class CaseVideoPanel(QGroupBox):
    liveRequested = Signal(str)  # camera id
    wallRequested = Signal(list)  # camera ids
    clipRequested = Signal(str, str)  # label, source

    def __init__(self, config: VideoConfig, server_base: Callable[[], str | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case_video_panel")
        self.setTitle(self.tr("视频核实 / 核查"))
        self.config = config
        self.server_base = server_base
        self.index: CoverageIndex | None = None
        self.case: dict[str, Any] | None = None
        self.hits: list[CoverageHit] = []
        self.clips: list[tuple[str, str]] = []
        self.camera_combo = QComboBox(self)
        self.camera_combo.setObjectName("case_video_camera")
        self.live_btn = QPushButton(self.tr("实时画面"), self)
        self.wall_btn = QPushButton(self.tr("上视频墙"), self)
        self.before = ImageView(self, self.tr("上报时刻"))
        self.after = ImageView(self, self.tr("现在"))
        for v in (self.before, self.after):
            v.setMinimumSize(140, 80)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.clip_combo = QComboBox(self)
        self.clip_btn = QPushButton(self.tr("播放证据视频"), self)
        self.clip_row = QWidget(self)
        cr = QHBoxLayout(self.clip_row)
        cr.setContentsMargins(0, 0, 0, 0)
        cr.addWidget(self.clip_combo, 1)
        cr.addWidget(self.clip_btn)
        top = QHBoxLayout()
        top.addWidget(self.camera_combo, 1)
        top.addWidget(self.live_btn)
        top.addWidget(self.wall_btn)
        pics = QHBoxLayout()
        pics.addWidget(self.before)
        pics.addWidget(self.after)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addLayout(pics, 1)
        lay.addWidget(self.note)
        lay.addWidget(self.clip_row)
        self.setMaximumHeight(300)
        self.fetcher = ImageFetcher(self)
        self.fetcher.fetched.connect(self._fetched)
        self.fetcher.failed.connect(self._fetch_failed)
        self._keys: dict[str, str] = {}
        self.camera_combo.currentIndexChanged.connect(self._camera_changed)
        self.live_btn.clicked.connect(lambda: self.current_camera() and self.liveRequested.emit(self.current_camera()))
        self.wall_btn.clicked.connect(lambda: self.wallRequested.emit([h.camera.id for h in self.hits]))
        self.clip_btn.clicked.connect(self._play_clip)

    def set_cameras(self, cameras: list[Camera]) -> None:
        self.index = CoverageIndex(cameras, self.config)

    def current_camera(self) -> str:
        return str(self.camera_combo.currentData() or "")

    # ----------------------------------------------------------------- case
    def show_case(self, case: dict[str, Any] | None) -> None:
        self.case = case
        self.hits = []
        if case is None or self.index is None:
            self.setVisible(False)
            return
        self.hits = self.index.covering(float(case["lon"]), float(case["lat"]))
        reporter = case.get("camera_id") or next(
            (e.get("camera") for e in case.get("evidence") or [] if isinstance(e, dict) and e.get("camera")), None)
        if reporter and all(h.camera.id != reporter for h in self.hits):
            cam = next((c for c in self.index.cameras if c.id == reporter), None)
            if cam is not None:  # the AI camera that raised the case, even if the point is at its view's edge
                self.hits.insert(0, CoverageHit(cam, 0.0, 0.0, "reporter"))
        elif reporter:
            self.hits.sort(key=lambda h: (h.camera.id != reporter, h.distance_m))
        self.clips = case_clip_sources(case)
        self.clip_combo.clear()
        for label, src in self.clips:
            self.clip_combo.addItem(label, src)
        self.clip_row.setVisible(bool(self.clips))
        self.camera_combo.blockSignals(True)
        self.camera_combo.clear()
        for h in self.hits:
            dist = "" if h.polygon_source == "reporter" else f" · {h.distance_m:.0f} m"
            status = "" if h.camera.online else self.tr("（离线）")
            self.camera_combo.addItem(f"{h.camera.name}{dist}{status}", h.camera.id)
        self.camera_combo.blockSignals(False)
        has = bool(self.hits)
        for w in (self.camera_combo, self.live_btn, self.wall_btn, self.before, self.after):
            w.setVisible(has)
        self.note.setText("" if has else self.tr("没有摄像头覆盖该案件位置"))
        self.setVisible(True)
        self._camera_changed()

    def is_check_phase(self) -> bool:
        return self.case is not None and str(self.case.get("status")) in CHECK_STATUSES

    def _camera_changed(self, *_a: object) -> None:
        cam = self.current_camera()
        self.before.set_image(None)
        self.after.set_image(None)
        self._keys.clear()
        base = self.server_base()
        if not cam or self.case is None:
            return
        reported = datetime.fromisoformat(str(self.case["created_at"]))
        local = reported.astimezone(LOCAL_TZ).strftime("%m-%d %H:%M:%S")
        own = evidence_snapshot(self.case, cam)  # the snapshot captured with the report is the nearest there is
        if own is None and base is None:
            self.before.set_message(self.tr("未配置录像服务"))
            self.after.setVisible(False)
            return
        self.before.caption = (self.tr("证据快照 %1") if own else self.tr("上报时刻 %1")).replace("%1", local)
        self.before.set_message(self.tr("正在取图…"))
        self._request("before", own or self.config.snapshot_url(str(base), cam, reported.timestamp()))
        check = self.is_check_phase() and base is not None
        self.after.setVisible(check)
        if check and base is not None:
            self.after.caption = self.tr("现在（核查）")
            self.after.set_message(self.tr("正在取图…"))
            self._request("after", self.config.latest_url(base, cam))

    def _request(self, slot: str, url: str) -> None:
        key = f"{slot}|{self.current_camera()}|{url}"
        self._keys[slot] = key
        self.fetcher.fetch(key, url)

    def _view(self, key: str) -> ImageView | None:
        for slot, k in self._keys.items():
            if k == key:
                return self.before if slot == "before" else self.after
        return None  # an answer for a camera or case no longer shown

    def _fetched(self, key: str, image: QImage) -> None:
        view = self._view(key)
        if view is not None:
            view.set_message("")
            view.set_image(image)

    def _fetch_failed(self, key: str, reason: str) -> None:
        view = self._view(key)
        if view is not None:
            view.set_message(self.tr("取图失败：%1").replace("%1", reason))

    def _play_clip(self) -> None:
        i = self.clip_combo.currentIndex()
        if 0 <= i < len(self.clips):
            self.clipRequested.emit(*self.clips[i])

    def resizeEvent(self, event: Any) -> None:
        """Pictures as tall as a 16:9 frame at their width (plus the caption), no taller: the timeline keeps its room."""
        super().resizeEvent(event)
        w = max(80, (self.width() - 24) // 2)
        for v in (self.before, self.after):
            v.setFixedHeight(min(200, w * 9 // 16 + 22))

    def sizeHint(self) -> Any:
        s = super().sizeHint()
        s.setHeight(min(s.height(), 260))
        return s
