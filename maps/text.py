"""Map text: one font family for every label, badge and overlay, so Chinese never renders as boxes.

The widgets layer loads the bundled CJK font at start and calls :func:`set_map_font_family`; map items ask
:func:`map_font` for fonts and watch :func:`font_generation` to drop cached label pixmaps when the family changes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

BUNDLED_FONT_RELPATH = ("fonts", "wqy-microhei.ttc")
BUNDLED_FONT_FAMILY = "WenQuanYi Micro Hei"

_family: str = BUNDLED_FONT_FAMILY
_generation: int = 0


def set_map_font_family(name: str) -> None:
    """Use ``name`` for all map text from now on (cached label pixmaps are rebuilt)."""
    global _family, _generation
    if name != _family:
        _family = name
        _generation += 1


def map_font_family() -> str:
    return _family


def font_generation() -> int:
    """Bumped whenever the family changes; caches keyed on it stay valid otherwise."""
    return _generation


def map_font(pixel_size: int, *, bold: bool = False) -> QFont:
    """A font of the map family at a pixel size (pixel sizes keep labels the same on any DPI setting of the scene)."""
    font = QFont(_family)
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


def bundled_font_path() -> Path:
    from console.resources import resource_path

    return resource_path(*BUNDLED_FONT_RELPATH)


def load_bundled_font() -> str | None:
    """Register the bundled CJK font with Qt (needs a QGuiApplication) and make it the map family.

    Returns the family name, or None when the file is missing or Qt refuses it (then the platform font is used).
    """
    path = bundled_font_path()
    if not path.is_file():
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    family = BUNDLED_FONT_FAMILY if BUNDLED_FONT_FAMILY in families else families[0]
    set_map_font_family(family)
    return family
