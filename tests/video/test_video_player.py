"""The evidence clip player on a real generated MP4: exact frame steps, scrub, play, speed, PNG snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from console.errors import ValidationError
from console.video.clips import write_clip
from console.video.decoder import ClipDecoder
from console.video.synth import SceneRenderer
from widgets.video.clip_player import ClipPlayer

T0 = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_clip(tmp_path / "ev.mp4", SceneRenderer("CAM-LK01", size=(320, 180)), T0, 3.0, fps=10)


def _reference(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def _pixels(img) -> np.ndarray:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    return np.frombuffer(bytes(img.constBits()), np.uint8).reshape(h, bpl)[:, : 3 * w].reshape(h, w, 3)


def test_decoder_is_frame_exact_in_any_order(clip: Path) -> None:
    ref = _reference(clip)
    with ClipDecoder(clip) as d:
        assert d.info.frames == len(ref) == 30 and d.info.fps == 10
        for k in (0, 1, 29, 3, 2, 17, 16, 0, 28, 29):
            assert np.array_equal(d.frame(k), ref[k]), k
        assert d.index_at(1.05) == 10 and d.time_of(10) == pytest.approx(1.0)


@pytest.mark.parametrize("content", [b"", b"not a video at all" * 100])
def test_decoder_rejects_broken_files_with_a_clear_message(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(content)
    with pytest.raises(ValidationError) as err:
        ClipDecoder(bad)
    assert err.value.message_zh and err.value.message_en


def test_player_steps_scrubs_and_exports_a_snapshot(qtbot: QtBot, clip: Path, tmp_path: Path) -> None:
    ref = _reference(clip)
    player = ClipPlayer()
    qtbot.addWidget(player)
    player.show()
    with qtbot.waitSignal(player.ready, timeout=10_000):
        player.open(clip)
    qtbot.waitUntil(lambda: player.current_index == 0, timeout=5000)
    for expected in (1, 2, 3):
        with qtbot.waitSignal(player.frameShown, timeout=5000):
            player.next_btn.click()
        assert player.current_index == expected
        assert np.array_equal(_pixels(player.image), ref[expected])
    with qtbot.waitSignal(player.frameShown, timeout=5000):
        player.prev_btn.click()
    assert player.current_index == 2
    with qtbot.waitSignal(player.frameShown, timeout=5000):
        player.slider.setValue(20)  # scrub
    assert player.current_index == 20 and "帧 21/30" in player.time_label.text()
    out = tmp_path / "snap" / "frame.png"
    assert player.export_snapshot(out)
    assert np.array_equal(np.asarray(Image.open(out).convert("RGB")), ref[20])
    player.close_clip()


def test_player_plays_to_the_end_at_double_speed(qtbot: QtBot, clip: Path) -> None:
    player = ClipPlayer()
    qtbot.addWidget(player)
    with qtbot.waitSignal(player.ready, timeout=10_000):
        player.open(clip)
    player.speed_combo.setCurrentIndex(player.speed_combo.findData(2.0))
    assert player.speed == 2.0
    seen: list[int] = []
    player.frameShown.connect(seen.append)
    player.play_btn.click()
    assert player.playing
    qtbot.waitUntil(lambda: not player.playing, timeout=10_000)  # 3 s at 2× ≈ 1.5 s
    qtbot.waitUntil(lambda: player.current_index == 29, timeout=5000)  # the last frame requested is shown
    assert seen == sorted(seen) and len(seen) > 5
    player.close_clip()


def test_player_shows_an_error_for_a_missing_file(qtbot: QtBot, tmp_path: Path) -> None:
    player = ClipPlayer()
    qtbot.addWidget(player)
    with qtbot.waitSignal(player.failed, timeout=10_000) as sig:
        player.open(tmp_path / "missing.mp4")
    assert "无法打开视频" in sig.args[0]
    assert not player.play_btn.isEnabled()
    player.close_clip()
