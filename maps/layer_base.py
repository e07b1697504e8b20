"""What every map layer shares: a name, a scale range, user visibility, hit-testing and tooltips.

Layers are pyqtgraph GraphicsObjects living in the canvas ViewBox, in projected metres (EPSG:4549). The canvas owns
interaction (mouse, hover, clicks) and asks layers to hit-test; layers never handle mouse events themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QRectF

TooltipProvider = Callable[[str], str]

BOUNDS_PAD_M = 2000.0  # symbols and labels are drawn in pixels and may reach past the data bounds


@dataclass(frozen=True)
class Hit:
    """What is under the cursor: one feature, or a cluster of ``count`` features spanning ``bounds_m``."""

    layer_name: str
    feature_id: str
    distance_px: float = 0.0
    count: int = 1
    bounds_m: tuple[float, float, float, float] | None = None  # minx, miny, maxx, maxy for clusters
    alert_count: int = 0  # cluster members flagged (overdue cases, alarming sensors)

    @property
    def is_cluster(self) -> bool:
        return self.count > 1


class MapLayer(pg.GraphicsObject):
    """Base of all layer items. Subclasses implement ``paint``, ``data_bounds_m`` and optionally ``hit_test``."""

    def __init__(
        self,
        name: str,
        title_zh: str,
        *,
        min_scale_m_per_px: float = 0.0,
        max_scale_m_per_px: float = math.inf,
        tooltip_provider: TooltipProvider | None = None,
        note_zh: str | None = None,
        hit_testable: bool = True,
    ) -> None:
        super().__init__()
        self.name = name
        self.title_zh = title_zh
        self.min_scale_m_per_px = min_scale_m_per_px
        self.max_scale_m_per_px = max_scale_m_per_px
        self.tooltip_provider = tooltip_provider
        self.note_zh = note_zh
        self.hit_testable = hit_testable
        self._user_visible = True
        self._in_scale_range = True
        self.version = 0  # bumped on every data/style change (caches compare it)
        self.cache_owner: object | None = None  # a StaticLayerCache that paints this layer into its image
        self.cache_rect_m: QRectF | None = None  # set while the cache renders: the area being rendered

    def painted_by_cache(self) -> bool:
        """True when a cache draws this layer, so the item's own paint must do nothing."""
        return self.cache_owner is not None and self.cache_rect_m is None

    # --- visibility -------------------------------------------------------------------------------------------
    @property
    def user_visible(self) -> bool:
        """The user's on/off switch (layer panel); the layer shows only if also within its scale range."""
        return self._user_visible

    def set_user_visible(self, visible: bool) -> None:
        self._user_visible = visible
        self._sync_visible()

    def in_scale_range(self, scale_m_per_px: float) -> bool:
        return self.min_scale_m_per_px <= scale_m_per_px <= self.max_scale_m_per_px

    def apply_view_scale(self, scale_m_per_px: float) -> None:
        """Called by the canvas whenever the view scale changes."""
        self._in_scale_range = self.in_scale_range(scale_m_per_px)
        self._sync_visible()

    def is_shown(self) -> bool:
        """Visible to the user right now (switched on and within the scale range)."""
        return self._user_visible and self._in_scale_range

    def _sync_visible(self) -> None:
        self.setVisible(self.is_shown())

    # --- data ---------------------------------------------------------------------------------------------------
    def data_bounds_m(self) -> tuple[float, float, float, float] | None:
        """minx, miny, maxx, maxy of the data in metres, or None when empty."""
        return None

    def boundingRect(self) -> QRectF:
        b = self.data_bounds_m()
        if b is None:
            return QRectF()
        minx, miny, maxx, maxy = b
        pad = BOUNDS_PAD_M
        return QRectF(minx - pad, miny - pad, (maxx - minx) + 2 * pad, (maxy - miny) + 2 * pad)

    # --- interaction ----------------------------------------------------------------------------------------------
    def hit_test(self, x_m: float, y_m: float, scale_m_per_px: float) -> Hit | None:
        """The feature under (x_m, y_m), or None. ``scale_m_per_px`` turns pixel tolerances into metres."""
        return None

    def tooltip_text(self, hit: Hit) -> str:
        title = QCoreApplication.translate("domain", self.title_zh)
        if hit.is_cluster:
            alert = (QCoreApplication.translate("map", "，其中 %1 个超期/告警").replace("%1", str(hit.alert_count))
                     if hit.alert_count else "")
            return QCoreApplication.translate("map", "%1：%2 个%3（点击放大）").replace("%1", title).replace(
                "%2", str(hit.count)).replace("%3", alert)
        if self.tooltip_provider is not None:
            return self.tooltip_provider(hit.feature_id)
        return f"{title}：{hit.feature_id}"

    def feature_bounds_m(self, feature_id: str) -> tuple[float, float, float, float] | None:
        """Bounds of one feature, for zoom-to; None when unknown."""
        return None
