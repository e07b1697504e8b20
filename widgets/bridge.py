"""Qt adapter for the World's psygnal signals: re-emits them as Qt signals delivered on the GUI thread.

psygnal calls back in the emitting thread; Qt queued connections hop threads safely. World is mutated on the GUI
thread only, so in practice delivery is direct, but panels never depend on that.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from console.world import World


class WorldBridge(QObject):
    """One per World; panels connect to these Qt signals instead of to psygnal."""

    casesChanged = Signal(object)  # list[str] | None
    officersChanged = Signal(object)  # list[str] | None
    officersMoved = Signal(object)  # list[str]
    assetsChanged = Signal(object)
    eventApplied = Signal(object)  # StoredEvent
    clockChanged = Signal(object)  # datetime (aware UTC)

    def __init__(self, world: World, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.world = world
        self._pairs: list[tuple[Any, Any]] = [
            (world.cases_changed, self.casesChanged.emit),
            (world.officers_changed, self.officersChanged.emit),
            (world.officers_moved, self.officersMoved.emit),
            (world.assets_changed, self.assetsChanged.emit),
            (world.event_applied, self.eventApplied.emit),
            (world.clock_changed, self.clockChanged.emit),
        ]
        for sig, slot in self._pairs:
            sig.connect(slot)

    def disconnect_world(self) -> None:
        for sig, slot in self._pairs:
            sig.disconnect(slot)
        self._pairs = []
