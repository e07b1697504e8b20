"""The wall display: headless screenshots in Chinese, live updates from the log, recovery from a lost database."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

import maps  # noqa: F401  (guard before QApplication)
from console.domain.enums import Role
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import open_database


def _args(**kw: object) -> argparse.Namespace:
    base = {"db": None, "preset": "overview", "screen": None, "screenshot": None, "quit_after": None, "rotate": 15.0,
            "refresh": 10.0, "windowed": True}
    base.update(kw)
    return argparse.Namespace(**base)


def _distinct_colours(img: QImage, step: int = 7) -> int:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    px = arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[::step, ::step, :3]
    return len(np.unique(px.reshape(-1, 3), axis=0))


@pytest.mark.parametrize("preset", ["overview", "non_site", "community", "overdue"])
def test_wall_screenshot_every_preset(qapp, seeded_url: str, tmp_path: Path, preset: str) -> None:  # type: ignore[no-untyped-def]
    from widgets.wall import run_wall

    pattern = str(tmp_path / f"{preset}_{{page}}.png")
    assert run_wall(_args(db=seeded_url, preset=preset, screenshot=pattern)) == 0
    shots = sorted(tmp_path.glob(f"{preset}_*.png"))
    assert len(shots) >= 2
    for shot in shots:
        img = QImage(str(shot))
        assert (img.width(), img.height()) == (1920, 1080)
        assert _distinct_colours(img) > 40  # text, charts, map: not a blank or single-colour frame


def test_wall_text_is_large_chinese_and_renderable(qapp, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    from widgets.fonts import install_cjk_font, missing_glyphs
    from widgets.wall import PRESETS, WallController, WallWindow

    assert install_cjk_font(qapp) is not None
    controller = WallController(seeded_url)
    controller.load_geography()
    assert controller.refresh_once(force=True) is not None
    window = WallWindow(controller, PRESETS["overview"])
    window.resize(1920, 1080)
    assert window.title.font().pixelSize() >= 40
    assert window.status.text().startswith("● 数据实时")
    texts = [window.title.text(), window.page_title.text(), window.status.text()]
    tiles = window.pages[0].tiles  # type: ignore[attr-defined]
    texts += [t.caption.text() for t in tiles] + [t.note.text() for t in tiles]
    for text in texts:
        assert missing_glyphs(window.title.font(), text) == [], text
    assert all(t.value.font().pixelSize() >= 80 for t in tiles)
    assert all(t.caption.font().pixelSize() >= 28 for t in tiles)
    first = window.page_title.text()
    window.next_page()
    assert window.page_title.text() != first and window.page_index == 1
    window.close()


def test_wall_is_live_and_recovers_from_a_lost_database(qapp, seeded_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from widgets.wall import PRESETS, WallController, WallWindow

    controller = WallController(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    controller.load_geography()  # falls back to the demo geography
    window = WallWindow(controller, PRESETS["overdue"])
    assert controller.refresh_once() is None
    assert not controller.ok and controller.failures == 1
    assert "数据库连接中断" in window.status.text()
    controller.refresh_once()
    assert controller.failures == 2 and "第 2 次" in window.status.text()

    controller.db_url = seeded_url  # the database comes back
    first = controller.refresh_once()
    assert first is not None and controller.ok and controller.failures == 0
    assert window.status.text().startswith("● 数据实时")
    assert controller.refresh_once() is None  # nothing new in the log: no rebuild

    db = open_database(seeded_url)
    with db.session() as s:
        w = CaseWriter(s, ServiceContext(db))
        w.create_case(category="E0101", lon=121.4166, lat=31.2197, source="workroom_qr",
                      actor=Actor(Role.CALL_TAKER, "t"), ts_utc=first.now_utc)
        w.flush()
    second = controller.refresh_once()
    assert second is not None and second.last_seq > first.last_seq
    assert second.open_cases == first.open_cases + 1
    assert f"{second.last_seq}" in window.status.text()
    db.dispose()
    window.close()


def test_wall_screenshot_without_a_database_says_so(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from widgets.wall import run_wall

    shot = tmp_path / "lost.png"
    code = run_wall(_args(db=f"sqlite:///{tmp_path / 'gone' / 'x.db'}", screenshot=str(shot)))
    assert code == 3 and shot.is_file()  # picture written, exit code tells the data was missing
    img = QImage(str(shot)).convertToFormat(QImage.Format.Format_RGB32)
    red_banner = img.pixelColor(40, 100)  # the status row is painted red
    assert red_banner.red() > 200 and red_banner.green() < 120


def test_unknown_preset_is_a_clear_error() -> None:
    from console.errors import ValidationError
    from widgets.wall import resolve_preset

    assert resolve_preset("区域总览").name == "overview"
    with pytest.raises(ValidationError):
        resolve_preset("nope")
