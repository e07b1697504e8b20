"""Layer items for the map canvas, one class per layer kind (see the defining modules for details).

- :class:`PolygonLayer` — filled/outlined polygons with labels, visible in a scale range (maps.vector_layers)
- :class:`LineLayer` — roads and metro lines, width/colour by class (maps.vector_layers)
- :class:`PointLayer` — big point sets with pre-rendered symbols, clustering, grid hit-testing (maps.point_layer)
"""

from __future__ import annotations

from maps.labels import LabelStyle
from maps.layer_base import Hit, MapLayer, TooltipProvider
from maps.point_layer import PointLayer
from maps.vector_layers import LineLayer, PolygonLayer

__all__ = ["Hit", "LabelStyle", "LineLayer", "MapLayer", "PointLayer", "PolygonLayer", "TooltipProvider"]
