"""The bundled CJK font covers the UI's Chinese; English comes from the shipped .qm; the demo's screenshot mode
writes a real picture in both languages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontDatabase, QImage
from PySide6.QtWidgets import QApplication

from console.domain.enums import ROLE_LABELS_ZH, SOURCE_LABELS_ZH, STATUS_LABELS_ZH
from console.domain.workflow import default_workflow
from maps.text import BUNDLED_FONT_FAMILY
from widgets.fonts import install_cjk_font, missing_glyphs
from widgets.i18n import install_language

pytestmark = pytest.mark.gui

UI_LABELS = ["长宁区城管指挥调度台", "案件队列", "详情", "队员与图层", "事件动态", "全部未结", "仅超期", "办理过程",
             "数据库：SQLite 正常", "数据源：模拟器", "北京时间", "华阳路街道", "江苏路街道", "新华路街道", "周家桥街道",
             "天山路街道", "仙霞新村街道", "虹桥街道", "程家桥街道", "北新泾街道", "新泾镇"]


def test_bundled_cjk_font_is_loaded_and_covers_the_ui(qapp: QApplication) -> None:
    family = install_cjk_font(qapp)
    assert family == BUNDLED_FONT_FAMILY
    assert BUNDLED_FONT_FAMILY in QFontDatabase.families()
    assert qapp.font().family() == BUNDLED_FONT_FAMILY
    labels = UI_LABELS + list(STATUS_LABELS_ZH.values()) + list(SOURCE_LABELS_ZH.values()) + \
        list(ROLE_LABELS_ZH.values()) + [a.label_zh for a in default_workflow().actions.values()]
    font = QFont(family)
    assert missing_glyphs(font, "".join(labels)) == []
    assert missing_glyphs(QFont(family), "城管") == []


def test_english_translation_is_shipped_and_loads(qapp: QApplication) -> None:
    try:
        assert install_language(qapp, "en")
        assert QCoreApplication.translate("domain", "待受理") == "Reported"
        assert QCoreApplication.translate("MainWindow", "案件队列") == "Case queue"
    finally:
        install_language(qapp, "zh")
    assert QCoreApplication.translate("domain", "待受理") == "待受理"


def test_map_furniture_follows_the_ui_language(qapp: QApplication) -> None:
    """Scale bar, north arrow and the approximate-boundary note are English in English mode (they were painted in
    Chinese whatever the language)."""
    from maps.overlays import length_label

    try:
        assert install_language(qapp, "en")
        assert length_label(500.0) == "500 m" and length_label(1500.0) == "1.5 km"
        assert QCoreApplication.translate("map", "北") == "N"
        assert "approximate" in QCoreApplication.translate("map", "街道、社区、网格边界为示意划分，非官方边界")
    finally:
        install_language(qapp, "zh")
    assert length_label(500.0) == "500 米"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_screenshot_writes_a_real_png(lang: str, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / f"shot_{lang}.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"), HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "console.cli.main", "demo", "--db", db_url, "--lang", lang,
                           "--screenshot", str(out), "--quit-after", "1.5"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert out.is_file() and out.stat().st_size > 50_000
    img = QImage(str(out))
    assert img.width() >= 1200 and img.height() >= 800
    colours = {img.pixel(x, y) for x in range(0, img.width(), 13) for y in range(0, img.height(), 13)}
    assert len(colours) > 200  # a real picture, not a blank window
