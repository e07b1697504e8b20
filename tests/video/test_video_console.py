"""Video in the real main window: camera click on the map → live view; case panel 核实/核查; wall; clip player."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from console.geo.projection import lonlat_wgs84_to_xy_m
from console.video.clips import write_clip
from console.video.config import StreamKind
from console.video.coverage import GEOD
from console.video.synth import SceneRenderer
from tests.video.loopback_streams import RtspServer, colours_ok
from widgets.video.stream_reader import PLAYING


def _click_camera(window: Any, camera_id: str) -> Any:
    """Click the camera on the map (other layers hidden); the live view it opened."""
    for name in ("cases", "cases_closed", "officers", "workrooms", "sensors"):
        window.map.set_layer_visible(name, False)
    cam = window.loaded.world.assets["camera"][camera_id]
    x, y = lonlat_wgs84_to_xy_m(cam["lon"], cam["lat"])
    canvas = window.map.canvas
    canvas.set_view(float(x), float(y), 0.3)
    hit = canvas.click_at_m(float(x), float(y))
    assert hit is not None and (hit.layer_name, hit.feature_id) == ("cameras", camera_id)
    view = window.video_ui.live_view
    assert view is not None and view.isVisible() and view.camera.id == camera_id
    return view


def test_clicking_a_camera_on_the_map_opens_its_live_view(qtbot: QtBot, video_window: Any) -> None:
    ui = video_window.video_ui
    assert ui is not None and ui.server is not None and ui.base_url.startswith("http://127.0.0.1:")
    cam = video_window.loaded.world.assets["camera"]["CAM-LK05"]
    view = _click_camera(video_window, "CAM-LK05")
    qtbot.waitUntil(lambda: view.tile.state == PLAYING and view.tile.frames_shown >= 3, timeout=15_000)
    assert cam["name"] in view.windowTitle()
    ui.server.stop()  # the camera system dies: the tile says so, the window stays responsive
    qtbot.waitUntil(lambda: "重试" in view.tile.status_text(), timeout=10_000)
    ui.server.start()
    qtbot.waitUntil(lambda: view.tile.state == PLAYING, timeout=20_000)


def test_clicking_an_rtsp_camera_plays_it_in_the_live_view(qtbot: QtBot, video_window: Any) -> None:
    with RtspServer() as rtsp:
        ui = video_window.video_ui
        ui.config = dataclasses.replace(ui.config, streams={"CAM-LK06": rtsp.url})  # `streams:` in the settings
        view = _click_camera(video_window, "CAM-LK06")
        assert view.tile.reader is not None and view.tile.reader.kind is StreamKind.RTSP
        qtbot.waitUntil(lambda: view.tile.state == PLAYING and view.tile.frames_shown >= 3, timeout=20_000)
        assert view.tile.image is not None and colours_ok(view.tile.image)
        view.close()


def _point_in_front(cam: dict[str, Any], dist_m: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(cam["lon"], cam["lat"], cam["heading_deg"], dist_m)
    return float(lon), float(lat)


def _new_case_at(window: Any, lon: float, lat: float) -> str:
    from console.domain.enums import Role
    from console.services.actor import Actor
    from console.services.cases import CaseService

    case = CaseService(window.loaded.ctx).create_case(category="E0101", lon=lon, lat=lat, source="camera_ai",
                                                      actor=Actor(Role.CALL_TAKER, "video-test"),
                                                      description="视频核实测试")
    window.loaded.world.tail(window.loaded.db)
    return str(case["id"])


def test_case_panel_lists_covering_cameras_and_shows_report_time_snapshot(qtbot: QtBot, video_window: Any) -> None:
    world = video_window.loaded.world
    cam = world.assets["camera"]["CAM-LK03"]
    lon, lat = _point_in_front(cam, 25)
    case_id = _new_case_at(video_window, lon, lat)
    assert video_window.select_case(case_id)
    panel = video_window.video_ui.panel
    video_window.details.case_view.show_tab("evidence")
    assert panel.isVisible()
    ids = [panel.camera_combo.itemData(i) for i in range(panel.camera_combo.count())]
    assert "CAM-LK03" in ids
    panel.camera_combo.setCurrentIndex(ids.index("CAM-LK03"))
    qtbot.waitUntil(lambda: panel.before.image is not None, timeout=10_000)
    assert not panel.after.isVisible()  # 核实 phase: only the report-time picture
    assert "上报时刻" in panel.before.caption


def test_check_phase_shows_before_and_after(qtbot: QtBot, video_window: Any) -> None:
    world = video_window.loaded.world
    cam = world.assets["camera"]["CAM-LK07"]
    case_id = _new_case_at(video_window, *_point_in_front(cam, 30))
    panel = video_window.video_ui.panel
    panel.show_case({**world.cases[case_id], "status": "handled"})  # 已处理反馈，待核查
    ids = [panel.camera_combo.itemData(i) for i in range(panel.camera_combo.count())]
    panel.camera_combo.setCurrentIndex(ids.index("CAM-LK07"))
    assert panel.after.isVisibleTo(panel) and "核查" in panel.after.caption
    qtbot.waitUntil(lambda: panel.before.image is not None and panel.after.image is not None, timeout=10_000)
    assert panel.before.image != panel.after.image  # report time vs now: different frames


def test_case_far_from_every_camera_says_so(video_window: Any) -> None:
    panel = video_window.video_ui.panel
    assert panel.index is not None
    candidates = [(121.4166, 31.2197), (121.4005, 31.2102), (121.4203, 31.2208), (121.3805, 31.2051)]
    lon, lat = next(p for p in candidates if not panel.index.covering(*p))  # district points no view reaches
    case_id = _new_case_at(video_window, lon, lat)
    video_window.select_case(case_id)
    assert panel.hits == []
    assert "没有摄像头" in panel.note.text() and not panel.live_btn.isVisibleTo(panel)


def test_evidence_clip_plays_from_the_case_panel(qtbot: QtBot, video_window: Any, tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "ev.mp4", SceneRenderer("CAM-LK01", size=(320, 180)),
                      datetime(2026, 11, 29, 2, tzinfo=UTC), 2.0)
    world = video_window.loaded.world
    cam = world.assets["camera"]["CAM-LK01"]
    case_id = _new_case_at(video_window, *_point_in_front(cam, 20))
    panel = video_window.video_ui.panel
    panel.show_case({**world.cases[case_id], "evidence": [
        {"kind": "snapshot", "media_type": "image/jpeg", "path": str(tmp_path / "x.jpg")},
        {"kind": "clip", "media_type": "video/mp4", "path": str(clip), "label": "事件视频"}]})
    assert panel.clip_row.isVisibleTo(panel) and panel.clip_combo.count() == 1
    panel.clip_btn.click()
    win = video_window.video_ui.clip_window
    assert win is not None and win.isVisible()
    qtbot.waitUntil(lambda: win.player.current_index == 0, timeout=10_000)
    win.player.step(5)
    qtbot.waitUntil(lambda: win.player.current_index == 5, timeout=5000)


def test_video_wall_from_the_toolbar(qtbot: QtBot, video_window: Any) -> None:
    ui = video_window.video_ui
    ui.wall_action.trigger()
    wall = ui.wall
    assert wall is not None and wall.isVisible()
    assert len(wall.chosen_ids()) == 4 and all(c.startswith("CAM-LK") for c in wall.chosen_ids())
    qtbot.waitUntil(lambda: all(t.state == PLAYING for t in wall.tiles), timeout=15_000)


def test_evidence_snapshot_is_the_before_picture(qtbot: QtBot, video_window: Any, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    world = video_window.loaded.world
    cam = world.assets["camera"]["CAM-LK02"]
    case_id = _new_case_at(video_window, *_point_in_front(cam, 15))
    snap = tmp_path / "snap.jpg"
    snap.write_bytes(SceneRenderer("CAM-LK02", size=(200, 120)).jpeg(datetime(2026, 11, 29, 2, tzinfo=UTC)))
    panel = video_window.video_ui.panel
    panel.show_case({**world.cases[case_id], "evidence": [
        {"kind": "snapshot", "media_type": "image/jpeg", "path": str(snap), "camera": "CAM-LK02"}]})
    assert panel.current_camera() == "CAM-LK02"  # the camera the evidence came from comes first
    qtbot.waitUntil(lambda: panel.before.image is not None, timeout=10_000)
    assert "证据快照" in panel.before.caption
    assert panel.before.image == QImage(str(snap))
