"""Map layers for analytics: a choropleth by subdistrict or grid (maps.layers.PolygonLayer with per-feature fills)
and hot spots of repeated cases (grids with several cases in the week)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np

from maps.labels import LabelStyle
from maps.layers import PolygonLayer

# light → dark (blue-green-yellow-orange-red), readable on the dark basemap; alpha in the ARGB hex
RAMP = ["#2d6a8f", "#3c9d9b", "#9cc35a", "#f2c94c", "#f2994a", "#eb5757"]


def ramp_colours(values: Sequence[float], alpha: int = 150, ramp: Sequence[str] = RAMP) -> list[str]:
    """Colour per value by its share of the maximum (zero → the first colour, fainter)."""
    v = np.asarray(values, dtype=float)
    hi = float(np.nanmax(v)) if len(v) else 0.0
    out: list[str] = []
    for x in v:
        i = 0 if hi <= 0 or not np.isfinite(x) else round(x / hi * (len(ramp) - 1))
        a = alpha if x > 0 else alpha // 3
        out.append(f"#{a:02x}{ramp[i][1:]}")
    return out


def legend_steps(values: Sequence[float], ramp: Sequence[str] = RAMP) -> list[tuple[str, str]]:
    """(colour, "≥ value") pairs for a legend."""
    hi = float(max(values, default=0.0))
    return [(c, f"≥{hi * i / (len(ramp) - 1):.0f}") for i, c in enumerate(ramp)]


def choropleth_layer(frame: gpd.GeoDataFrame, values_by_code: Mapping[str, float], *, id_column: str = "code",
                     name: str = "kpi_choropleth", title_zh: str = "指标分级设色", label_px: int = 16,
                     label_column: str | None = "name") -> PolygonLayer:
    """Polygons (subdistricts or grids) filled by a value per code; labels show the name."""
    codes = frame[id_column].astype(str).tolist()
    values = [float(values_by_code.get(c, 0.0)) for c in codes]
    shown = frame.copy()
    if label_column is not None and label_column in shown.columns:
        shown["label"] = [f"{n} {v:.0f}" for n, v in zip(shown[label_column].astype(str), values, strict=True)]
    return PolygonLayer(name, title_zh, shown, fill_colours=ramp_colours(values), outline="#cfd8e3",
                        outline_width_px=1.6, id_column=id_column, label_column="label" if label_column else None,
                        label_style=LabelStyle(pixel_size=label_px, bold=True, colour="#ffffff", halo="#c0000000"))


def hotspot_layer(grids: gpd.GeoDataFrame, counts_by_grid: Mapping[str, float], *, min_cases: int = 3,
                  name: str = "hotspots", title_zh: str = "重复案件热点") -> PolygonLayer:
    """Unit grids with at least ``min_cases`` cases, filled by count (others are not drawn)."""
    codes = grids["grid_code"].astype(str)
    counts = codes.map(lambda c: float(counts_by_grid.get(c, 0.0)))
    hot = grids[counts.to_numpy() >= min_cases].copy()
    values = [float(counts_by_grid.get(str(c), 0.0)) for c in hot["grid_code"]]
    return PolygonLayer(name, title_zh, hot, fill_colours=ramp_colours(values, alpha=200, ramp=RAMP[2:]),
                        outline="#ffe08a", outline_width_px=1.2, id_column="grid_code", label_column=None)
