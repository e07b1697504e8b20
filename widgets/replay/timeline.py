"""The replay timeline control (时间轴): activity histogram, cursor, loop range and the transport buttons.

It only shows the clock and forwards requests (seek, play, speed, step, jump, loop, follow); the replay clock
(``console.replay.clock``) does the work. Times on screen are Beijing time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.replay.clock import SPEEDS

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
ACCENT = "#ff9f1c"
STEP_CHOICES_S = (10, 60, 300, 900, 3600)


def local_text(t_s: float, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return datetime.fromtimestamp(t_s, UTC).astimezone(LOCAL_TZ).strftime(fmt)


class TimelineWidget(QWidget):
    seekRequested = Signal(float)  # epoch seconds
    playToggled = Signal(bool)
    speedChanged = Signal(float)
    stepEventRequested = Signal(int)  # +1 / -1
    stepRequested = Signal(float)  # ± seconds
    jumpRequested = Signal(str)  # typed time
    nextCaseEventRequested = Signal()
    loopChanged = Signal(object)  # (start_s, end_s) or None
    followToggled = Signal(bool)

    def __init__(self, from_s: float, to_s: float, edges: np.ndarray, counts: np.ndarray,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replay_timeline")
        self.from_s, self.to_s = from_s, to_s
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=-8 * 3600)})
        self.plot.setMinimumHeight(90)
        self.plot.setMaximumHeight(120)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.getAxis("left").setWidth(36)
        width = float(edges[1] - edges[0]) if len(edges) > 1 else 60.0
        self.bars = pg.BarGraphItem(x=(edges[:-1] + edges[1:]) / 2, height=counts, width=width * 0.9,
                                    brush=QColor(120, 160, 200, 170), pen=pg.mkPen(None))
        self.plot.addItem(self.bars)
        self.plot.setXRange(from_s, to_s, padding=0.01)
        self.plot.setYRange(0, max(1, int(counts.max()) if len(counts) else 1) * 1.1, padding=0)
        self.cursor = pg.InfiniteLine(pos=from_s, angle=90, movable=True, pen=pg.mkPen(ACCENT, width=2),
                                      hoverPen=pg.mkPen("#ffd08a", width=3))
        self.cursor.setBounds((from_s, to_s))
        self.cursor.sigDragged.connect(lambda line: self.seekRequested.emit(float(line.value())))
        self.plot.addItem(self.cursor)
        self.region = pg.LinearRegionItem(values=(from_s, min(to_s, from_s + (to_s - from_s) / 4)),
                                          brush=QColor(255, 159, 28, 45), bounds=(from_s, to_s))
        self.region.setVisible(False)
        self.region.sigRegionChangeFinished.connect(self._emit_loop)
        self.plot.addItem(self.region)
        self.plot.scene().sigMouseClicked.connect(self._plot_clicked)

        self.play_button = QPushButton(self.tr("▶ 播放"), self)
        self.play_button.setObjectName("replay_play")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._play_toggled)
        self.speed_combo = QComboBox(self)
        self.speed_combo.setObjectName("replay_speed")
        for s in SPEEDS:
            self.speed_combo.addItem(f"{s:g}×", s)
        self.speed_combo.currentIndexChanged.connect(lambda _i: self.speedChanged.emit(float(self.speed_combo.currentData())))
        prev_ev = QPushButton(self.tr("◀ 上一事件"), self)
        next_ev = QPushButton(self.tr("下一事件 ▶"), self)
        prev_ev.clicked.connect(lambda: self.stepEventRequested.emit(-1))
        next_ev.clicked.connect(lambda: self.stepEventRequested.emit(+1))
        self.step_combo = QComboBox(self)
        self.step_combo.setObjectName("replay_step")
        for s in STEP_CHOICES_S:
            self.step_combo.addItem(self.tr("%1 秒").replace("%1", str(s)) if s < 60
                                    else self.tr("%1 分钟").replace("%1", str(s // 60)), s)
        self.step_combo.setCurrentIndex(1)
        back = QPushButton("−", self)
        fwd = QPushButton("+", self)
        back.setToolTip(self.tr("后退所选间隔"))
        fwd.setToolTip(self.tr("前进所选间隔"))
        back.clicked.connect(lambda: self.stepRequested.emit(-float(self.step_combo.currentData())))
        fwd.clicked.connect(lambda: self.stepRequested.emit(float(self.step_combo.currentData())))
        self.jump_edit = QLineEdit(self)
        self.jump_edit.setObjectName("replay_jump")
        self.jump_edit.setPlaceholderText(self.tr("跳转到 09:00 或 2026-11-28T09:00"))
        self.jump_edit.setMaximumWidth(220)
        self.jump_edit.returnPressed.connect(lambda: self.jumpRequested.emit(self.jump_edit.text()))
        case_next = QPushButton(self.tr("所选案件下一事件"), self)
        case_next.clicked.connect(self.nextCaseEventRequested.emit)
        self.loop_check = QCheckBox(self.tr("循环区间"), self)
        self.loop_check.toggled.connect(self._loop_toggled)
        self.follow_check = QCheckBox(self.tr("跟随所选"), self)
        self.follow_check.setObjectName("replay_follow")
        self.follow_check.toggled.connect(self.followToggled.emit)
        self.time_label = QLabel(self)
        self.time_label.setObjectName("replay_time")
        self.time_label.setStyleSheet(f"color: {ACCENT}; font-size: 15px; font-weight: bold; padding: 0 8px;")
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        for w in (self.time_label, self.play_button, self.speed_combo, prev_ev, next_ev, back, self.step_combo, fwd):
            row.addWidget(w)
        row.addStretch(1)
        row2 = QHBoxLayout()
        row2.setContentsMargins(4, 0, 4, 0)
        for w in (self.jump_edit, case_next, self.loop_check, self.follow_check):
            row2.addWidget(w)
        row2.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addLayout(row2)
        lay.addWidget(self.plot)

    # ------------------------------------------------------------------ from the clock
    def show_time(self, t_s: float) -> None:
        self.time_label.setText(local_text(t_s))
        if not self.cursor.moving:
            self.cursor.blockSignals(True)
            self.cursor.setValue(t_s)
            self.cursor.blockSignals(False)

    def show_playing(self, playing: bool) -> None:
        self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.setText(self.tr("⏸ 暂停") if playing else self.tr("▶ 播放"))
        self.play_button.blockSignals(False)

    def set_speed(self, speed: float) -> None:
        idx = self.speed_combo.findData(min(SPEEDS, key=lambda s: abs(s - speed)))
        if idx >= 0:
            self.speed_combo.setCurrentIndex(idx)

    # ------------------------------------------------------------------ internals
    def _play_toggled(self, on: bool) -> None:
        self.show_playing(on)
        self.playToggled.emit(on)

    def _loop_toggled(self, on: bool) -> None:
        self.region.setVisible(on)
        self._emit_loop()

    def _emit_loop(self, *_a: object) -> None:
        if self.loop_check.isChecked():
            a, b = self.region.getRegion()
            self.loopChanged.emit((float(a), float(b)))
        else:
            self.loopChanged.emit(None)

    def _plot_clicked(self, ev: object) -> None:
        pos = getattr(ev, "scenePos", None)
        if pos is None:
            return
        vb = self.plot.getPlotItem().getViewBox()
        x = float(vb.mapSceneToView(pos()).x())
        if self.from_s <= x <= self.to_s:
            self.seekRequested.emit(x)

    def keyPressEvent(self, ev: object) -> None:  # space toggles play
        key = getattr(ev, "key", lambda: None)()
        if key == Qt.Key.Key_Space:
            self.play_button.toggle()
            return
        super().keyPressEvent(ev)  # type: ignore[arg-type]
