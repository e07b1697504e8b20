"""Map colour themes: dark for the control room (default), light for daylight offices and print."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor


@dataclass(frozen=True)
class MapTheme:
    name: str
    background: QColor
    overlay_text: QColor
    overlay_halo: QColor
    overlay_panel: QColor
    label_text: QColor
    label_halo: QColor
    context_fill: QColor
    context_outline: QColor
    district_fill: QColor
    district_outline: QColor
    subdistrict_outline: QColor
    community_outline: QColor
    grid_outline: QColor
    duty_grid_outline: QColor
    road_colour: QColor
    road_major_colour: QColor
    selection: QColor


DARK = MapTheme(
    name="dark",
    background=QColor("#0e141b"),
    overlay_text=QColor("#e6edf3"),
    overlay_halo=QColor(8, 12, 16, 220),
    overlay_panel=QColor(14, 20, 27, 190),
    label_text=QColor("#dfe7ef"),
    label_halo=QColor(10, 14, 19, 230),
    context_fill=QColor("#151c24"),
    context_outline=QColor("#2a3440"),
    district_fill=QColor("#17222d"),
    district_outline=QColor("#4fc3f7"),
    subdistrict_outline=QColor("#8fa3b8"),
    community_outline=QColor("#3b4b5c"),
    grid_outline=QColor("#2f3d4b"),
    duty_grid_outline=QColor("#b388ff"),
    road_colour=QColor("#3a4652"),
    road_major_colour=QColor("#5b6b7b"),
    selection=QColor("#00e5ff"),
)

LIGHT = MapTheme(
    name="light",
    background=QColor("#f4f1ea"),
    overlay_text=QColor("#1b2430"),
    overlay_halo=QColor(255, 255, 255, 220),
    overlay_panel=QColor(255, 255, 255, 200),
    label_text=QColor("#1f2a36"),
    label_halo=QColor(255, 255, 255, 230),
    context_fill=QColor("#e6e2d8"),
    context_outline=QColor("#c4bdae"),
    district_fill=QColor("#fbfaf6"),
    district_outline=QColor("#0b6fa4"),
    subdistrict_outline=QColor("#5d6d7e"),
    community_outline=QColor("#b9c2cc"),
    grid_outline=QColor("#d3d9df"),
    duty_grid_outline=QColor("#7e57c2"),
    road_colour=QColor("#d6d0c4"),
    road_major_colour=QColor("#c9b98f"),
    selection=QColor("#0091ea"),
)

THEMES: dict[str, MapTheme] = {"dark": DARK, "light": LIGHT}


def theme_named(name: str) -> MapTheme:
    """The theme called ``name`` ("dark" or "light"); unknown names fall back to dark."""
    return THEMES.get(name, DARK)
