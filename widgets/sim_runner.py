"""Drives the built-in simulator from a QTimer (~1 Hz) and hands each step's result to the window.

It runs on the GUI thread on purpose: the simulator projects coordinates with pyproj, whose transformers are shared
module-wide (console.geo.projection) and are not safe to use from two threads at once — a worker thread here crashed
the process. A step is a few milliseconds of numpy plus one short transaction; ``last_step_ms`` is shown for feed
health so a slow step is visible.

``publish_to(url)`` sends each step's moves through a real broker as OwnTracks fixes (``urbanops demo --mqtt``)
instead of handing them to the window: the console then sees them only as any MQTT consumer would.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from console.services.context import ServiceContext

STEP_INTERVAL_MS = 1000
ESCALATE_EVERY_S = 30.0  # the SLA timer (督办 for overdue steps) of the embedded demo; seats on PostgreSQL run
# ``urbanops escalate --every 60`` beside the gateway instead (docs/dispatch.md)


class TimedStepper(QObject):
    """A 1 Hz step loop on the GUI thread with the SLA timer every ``ESCALATE_EVERY_S``: the demo's simulator and a
    training drill (widgets/drill_mode.py) are both this loop around a different ``advance``.

    ``stepped(result)`` after each step; ``failed(message)`` when a step or the SLA timer raises (the console stays
    up and shows it as feed trouble); ``escalated(case_ids)`` when the SLA timer escalated something.
    """

    stepped = Signal(object)
    failed = Signal(str)
    escalated = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(STEP_INTERVAL_MS)
        self.timer.timeout.connect(self._step)
        self.last_step_monotonic: float | None = None
        self.last_step_ms = 0.0
        self._last = 0.0
        self._next_escalation = 0.0

    # ------------------------------------------------------------------ for subclasses
    def advance(self, dt_s: float) -> Any:
        """Move the world on by ``dt_s`` real seconds; returns what ``deliver`` hands on."""
        raise NotImplementedError

    def escalation_context(self) -> ServiceContext:
        raise NotImplementedError

    def deliver(self, result: Any) -> None:
        self.stepped.emit(result)

    # ------------------------------------------------------------------ loop
    def start_timer(self) -> None:
        self._last = time.monotonic()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _step(self) -> None:
        now = time.monotonic()
        dt, self._last = now - self._last, now
        try:
            result = self.advance(dt)
        except Exception as exc:  # keep the console alive; show it as feed trouble
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.last_step_ms = (time.monotonic() - now) * 1000.0
        self.last_step_monotonic = time.monotonic()
        if now >= self._next_escalation:
            self._next_escalation = now + ESCALATE_EVERY_S
            self.escalate_now()
        self.deliver(result)

    def escalate_now(self) -> list[str]:
        """Run the SLA timer once at the simulated time (督办 each step that passed its deadline, once per step)."""
        from console.services.dispatch import escalate_overdue

        try:
            ids = escalate_overdue(self.escalation_context())
        except Exception as exc:  # shown as feed trouble; the next round tries again
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return []
        if ids:
            self.escalated.emit(ids)
        return ids


class SimulatorRunner(TimedStepper):
    """The built-in simulator of the demo (``stepped(StepResult)`` after each step)."""

    def __init__(self, ctx: ServiceContext, speed: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.speed = speed
        self.sim: Any = None
        self.publisher: Any = None  # console.sim.mqtt_publish.MqttPublisher when publishing through a broker
        self.published = 0

    def start(self) -> bool:
        try:
            from console.sim.simulator import Simulator

            self.sim = Simulator(self.ctx, speed=self.speed, on_error=self.failed.emit)
        except Exception as exc:  # the console stays usable without a simulator
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return False
        self.start_timer()
        return True

    def publish_to(self, url: str) -> None:
        """From now on publish the moves to the broker at ``url`` rather than emitting them in process."""
        from console.feeds.mqtt_gateway import parse_mqtt_url
        from console.sim.mqtt_publish import MqttPublisher

        host, port = parse_mqtt_url(url)
        try:
            self.publisher = MqttPublisher(host, port, client_id=f"urbanops-sim-{id(self):x}")
        except OSError as exc:  # no broker there: say so in the feed status, keep moving officers in process
            self.failed.emit(f"MQTT {host}:{port}: {exc}")

    def stop(self) -> None:
        super().stop()
        if self.publisher is not None:
            with contextlib.suppress(RuntimeError, ValueError):  # broker gone at shutdown: nothing to deliver to
                self.publisher.wait(2.0)
            self.publisher.client.disconnect()
            self.publisher.client.loop_stop()
            self.publisher = None

    def escalation_context(self) -> ServiceContext:
        return self.ctx

    def advance(self, dt_s: float) -> Any:
        result = self.sim.step(dt_s)
        if self.publisher is not None and result.officer_ids:
            self.publisher.publish_step(result.officer_ids, result.lon, result.lat, result.heading_deg, result.now_utc)
            self.publisher.prune()  # never block the GUI thread on the broker
            self.published += len(result.officer_ids)
            result = replace(result, officer_ids=[], lon=[], lat=[], heading_deg=[])
        return result
