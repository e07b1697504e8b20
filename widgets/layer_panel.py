"""Layer panel: one checkbox per map layer with its legend; visibility is remembered in QSettings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

SETTINGS_PREFIX = "layers/"
LAYER_ROLE = Qt.ItemDataRole.UserRole + 30


@dataclass
class LayerInfo:
    """What the panel needs to know about one map layer."""

    name: str
    title: str
    visible: bool = True
    legend: Sequence[tuple[str, QPixmap]] = field(default_factory=list)


class LayerPanel(QWidget):
    """Emits ``layerToggled(name, visible)``; the window forwards it to the map."""

    layerToggled = Signal(str, bool)

    def __init__(self, settings: Callable[[], QSettings], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(18, 18))
        self.tree.setIndentation(14)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tree)
        self._items: dict[str, QTreeWidgetItem] = {}
        self.tree.itemChanged.connect(self._changed)

    def set_layers(self, layers: Sequence[LayerInfo]) -> dict[str, bool]:
        """Fill the panel; returns the visibility to apply (remembered state wins over the layer default)."""
        self.tree.blockSignals(True)
        self.tree.clear()
        self._items.clear()
        s = self.settings()
        applied: dict[str, bool] = {}
        for info in layers:
            remembered = s.value(SETTINGS_PREFIX + info.name)
            visible = info.visible if remembered is None else str(remembered).lower() in ("true", "1")
            item = QTreeWidgetItem([info.title])
            item.setData(0, LAYER_ROLE, info.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)
            if info.legend:
                item.setIcon(0, info.legend[0][1])
            for label, pixmap in info.legend:
                child = QTreeWidgetItem([label])
                child.setIcon(0, pixmap)
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            self._items[info.name] = item
            applied[info.name] = visible
        self.tree.blockSignals(False)
        return applied

    def is_checked(self, name: str) -> bool:
        item = self._items.get(name)
        return item is not None and item.checkState(0) == Qt.CheckState.Checked

    def set_checked(self, name: str, visible: bool) -> None:
        item = self._items.get(name)
        if item is not None:
            item.setCheckState(0, Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    def layer_names(self) -> list[str]:
        return list(self._items)

    def _changed(self, item: QTreeWidgetItem, column: int) -> None:
        name = item.data(0, LAYER_ROLE)
        if not name:
            return
        visible = item.checkState(0) == Qt.CheckState.Checked
        self.settings().setValue(SETTINGS_PREFIX + str(name), visible)
        self.layerToggled.emit(str(name), visible)
