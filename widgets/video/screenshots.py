"""``python -m widgets.video.screenshots OUTDIR``: PNGs of the video wall (live 3×3, playback 2×2), a live view with
its camera going offline, and the clip player — grabbed offscreen against the synthetic loopback camera server."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from console.video.camera_server import CameraServer
from console.video.cameras import Camera
from console.video.clips import write_clip
from console.video.config import Backoff, VideoConfig
from console.video.synth import SceneRenderer


def _spin(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "video-shots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    from widgets.fonts import install_cjk_font
    from widgets.theme import apply_theme
    from widgets.video.clip_player import ClipPlayer
    from widgets.video.live_view import LiveView
    from widgets.video.video_wall import VideoWall

    install_cjk_font(app)
    apply_theme(app, "dark")
    names = [(f"CAM-LK{i:02d}", f"临空{i:02d}号智能探头") for i in range(1, 10)]
    server = CameraServer(port=0, cameras=names).start()
    cfg = VideoConfig(reconnect=Backoff(0.5, 2, 4, 3))
    cams = [Camera(cid, name, 121.37, 31.20, 90.0, 70.0, 80.0, "ai", True, server.stream_url(cid))
            for cid, name in names]
    wall = VideoWall(cams, cfg, server.base_url)
    wall.resize(1400, 860)
    wall.show()
    wall.set_layout(3)
    wall.set_cameras([c.id for c in cams])
    _spin(app, 3)
    wall.grab().save(str(out / "video-wall-live-3x3.png"))
    wall.set_layout(2)
    wall.load_window(datetime.now(UTC) - timedelta(minutes=10), 20)
    end = time.monotonic() + 90
    while time.monotonic() < end and not all(getattr(t, "info", None) is not None for t in wall.tiles):
        _spin(app, 0.2)
    wall.seek_time(7.3)
    _spin(app, 1)
    wall.grab().save(str(out / "video-wall-playback-2x2.png"))
    wall.close()

    live = LiveView(backoff=cfg.reconnect)
    live.show_camera(cams[4])
    _spin(app, 2)
    live.grab().save(str(out / "live-view.png"))
    server.stop()
    _spin(app, 1.5)
    live.grab().save(str(out / "live-view-offline.png"))
    live.close()

    clip = write_clip(out / "evidence-demo.mp4", SceneRenderer("CAM-LK03", "临空03号智能探头"),
                      datetime.now(UTC) - timedelta(minutes=3), 6)
    player = ClipPlayer()
    player.resize(900, 600)
    player.show()
    player.open(clip)
    _spin(app, 2)
    player.seek(37)
    _spin(app, 1)
    player.grab().save(str(out / "clip-player.png"))
    player.close_clip()
    print(out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
