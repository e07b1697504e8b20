"""Bundled CJK font coverage, scale-bar arithmetic and symbology legends."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics

from maps.overlays import length_label_zh, nice_length_m
from maps.symbology import (
    CameraSymbology,
    CaseSymbology,
    OfficerSymbology,
    SensorSymbology,
    StationSymbology,
    WorkroomSymbology,
)
from maps.text import BUNDLED_FONT_FAMILY, map_font, map_font_family

LABEL_TEXT = "长宁区华阳路街道江苏路新泾镇仙霞新村虹桥程家桥北新泾案件执法队员社区工作室米公里北经度纬度注超期"


def test_bundled_font_is_registered_and_covers_map_labels() -> None:
    assert BUNDLED_FONT_FAMILY in QFontDatabase.families()
    assert map_font_family() == BUNDLED_FONT_FAMILY
    font = map_font(14)
    assert QFontInfo(font).family() == BUNDLED_FONT_FAMILY  # Qt resolved it, no fallback
    fm = QFontMetrics(font)
    missing = [ch for ch in LABEL_TEXT if not fm.inFontUcs4(ord(ch))]
    assert missing == []


def test_scale_bar_lengths_are_round_and_labelled_in_chinese() -> None:
    assert nice_length_m(1400.0) == 1000.0
    assert nice_length_m(260.0) == 200.0
    assert nice_length_m(74.0) == 50.0
    assert length_label_zh(500.0) == "500 米"
    assert length_label_zh(2000.0) == "2 公里"
    assert length_label_zh(1500.0) == "1.5 公里"


def test_every_symbology_has_a_legend_with_real_pixmaps() -> None:
    for sym in (CaseSymbology(), OfficerSymbology(), CameraSymbology(), WorkroomSymbology(), SensorSymbology(),
                StationSymbology()):
        entries = sym.legend_entries()
        assert entries, sym.kind
        for label, pm in entries:
            assert label and not pm.isNull()
            img = pm.toImage()
            alpha = np.asarray([img.pixelColor(x, y).alpha() for x in range(img.width()) for y in range(img.height())])
            assert (alpha > 0).sum() > 10, (sym.kind, label)


def test_case_keys_round_trip_and_distinct_symbols() -> None:
    sym = CaseSymbology()
    key = sym.key_of("handling", "truck", "urgent", True)
    assert sym.decode(key) == ("handling", "truck", "urgent", True)
    a = sym.symbol_pixmap(sym.key_of("reported", "trash")).toImage()
    b = sym.symbol_pixmap(sym.key_of("closed", "trash")).toImage()
    c = sym.symbol_pixmap(sym.key_of("reported", "parking")).toImage()
    assert a != b and a != c


def test_unknown_style_values_fall_back_instead_of_failing() -> None:
    keys = CaseSymbology().compute(2, {"status": np.asarray(["weird", None], dtype=object),
                                       "category_icon": np.asarray(["x", "trash"], dtype=object)})
    assert keys.key.shape == (2,)
    cam = CameraSymbology().compute(2, {"heading_deg": np.asarray([np.nan, 45.0]), "fov_deg": np.asarray([60.0, 60.0])})
    assert cam.key[0] % 5 == 0 and cam.key[1] % 5 != 0  # no wedge without a heading
