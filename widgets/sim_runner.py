"""Runs the built-in simulator in its own thread at ~1 Hz and hands each step's officer fixes to the GUI."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from console.services.context import ServiceContext

STEP_INTERVAL_MS = 1000


class _SimWorker(QObject):
    stepped = Signal(object)  # console.sim.simulator.StepResult
    failed = Signal(str)

    def __init__(self, ctx: ServiceContext, speed: float) -> None:
        super().__init__()
        self.ctx = ctx
        self.speed = speed
        self.sim: Any = None
        self.timer: QTimer | None = None
        self._last = 0.0

    @Slot()
    def start(self) -> None:
        try:
            from console.sim.simulator import Simulator

            self.sim = Simulator(self.ctx, speed=self.speed, on_error=self.failed.emit)
        except Exception as exc:
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self._last = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setInterval(STEP_INTERVAL_MS)
        self.timer.timeout.connect(self._step)
        self.timer.start()

    @Slot()
    def stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()

    def _step(self) -> None:
        now = time.monotonic()
        dt, self._last = now - self._last, now
        try:
            result = self.sim.step(dt)
        except Exception as exc:  # keep the console alive; show it as feed trouble
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.stepped.emit(result)


class SimulatorRunner(QObject):
    """Owns the thread; ``stepped`` and ``failed`` arrive on the GUI thread."""

    stepped = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx: ServiceContext, speed: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self.worker = _SimWorker(ctx, speed)
        self.worker.moveToThread(self._thread)
        self._thread.started.connect(self.worker.start)
        self.worker.stepped.connect(self.stepped)
        self.worker.failed.connect(self.failed)
        self.last_step_monotonic: float | None = None
        self.stepped.connect(lambda _r: setattr(self, "last_step_monotonic", time.monotonic()))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.isRunning():
            from PySide6.QtCore import QMetaObject, Qt

            QMetaObject.invokeMethod(self.worker, "stop", Qt.ConnectionType.BlockingQueuedConnection)
            self._thread.quit()
            self._thread.wait(5000)
