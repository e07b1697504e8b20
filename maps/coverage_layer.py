"""Patrol coverage layer (巡查覆盖率): duty grids filled by the share covered today (red → amber → green), grids with an
unvisited alert filled deep red and marked ⚠; grids nobody is responsible for today are left out."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from maps.labels import LabelStyle
from maps.layers import PolygonLayer

LAYER_NAME = "duty_coverage"
TITLE_ZH = "巡查覆盖率"
ALERT_FILL = "#a0b01818"  # an unvisited-grid alert: deep red
STOPS = ((0.0, (0xd6, 0x45, 0x45)), (0.5, (0xf2, 0xc9, 0x4c)), (1.0, (0x3f, 0xb9, 0x6b)))


def share_colour(share: float, alpha: int = 120) -> str:
    """ARGB hex for a covered share in [0, 1]: red at 0, amber at 0.5, green at 1 (linear between)."""
    s = float(np.clip(share, 0.0, 1.0))
    for (s0, c0), (s1, c1) in itertools.pairwise(STOPS):
        if s <= s1:
            t = 0.0 if s1 == s0 else (s - s0) / (s1 - s0)
            r, g, b = (round(a + (b_ - a) * t) for a, b_ in zip(c0, c1, strict=True))
            return f"#{alpha:02x}{r:02x}{g:02x}{b:02x}"
    return f"#{alpha:02x}3fb96b"


def coverage_layer(duty_grids: Any, share_by_code: Mapping[str, float], *, shown_codes: Collection[str] | None = None,
                   alerts: Collection[str] = (), name: str = LAYER_NAME, title_zh: str = TITLE_ZH) -> PolygonLayer:
    """Duty grids (GeoDataFrame, WGS-84, ``code``/``name``) in ``shown_codes`` (default: those with a share)."""
    codes = duty_grids["code"].astype(str)
    keep = codes.isin(list(shown_codes) if shown_codes is not None else list(share_by_code))
    frame = duty_grids[keep.to_numpy()].copy()
    shares = [float(share_by_code.get(str(c), 0.0)) for c in frame["code"]]
    alerted = [str(c) in set(alerts) for c in frame["code"]]
    frame["label"] = [("⚠ " if a else "") + f"{s:.0%}" for s, a in zip(shares, alerted, strict=True)]
    fills = [ALERT_FILL if a else share_colour(s) for s, a in zip(shares, alerted, strict=True)]
    return PolygonLayer(name, title_zh, frame, fill_colours=fills, outline="#e6edf5", outline_width_px=0.8,
                        id_column="code", label_column="label", label_max_scale_m_per_px=8.0,
                        label_style=LabelStyle(pixel_size=12, bold=True, colour="#ffffff", halo="#c0000000"))
