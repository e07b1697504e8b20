"""Camera view polygons and "which cameras cover this point", on real WGS-84 geometry."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from console.errors import DataFileError
from console.video.cameras import Camera, cameras_from_assets
from console.video.config import VideoConfig, load_video_config
from console.video.coverage import CoverageIndex, load_polygon_overrides, view_polygon_lonlat_wgs84

LON0, LAT0 = 121.3700, 31.2050  # near Hongqiao / Linkong, Changning
R_EARTH = 6_371_008.8


def _cam(cid: str, heading: float | None, fov: float = 60.0, range_m: float = 80.0, lon: float = LON0,
         lat: float = LAT0) -> Camera:
    return Camera(cid, cid, lon, lat, heading, fov, range_m, "ai", True, None)


def _offset(lon: float, lat: float, bearing_deg: float, dist_m: float) -> tuple[float, float]:
    """Spherical destination point: an independent formula from the geodesic the code uses."""
    d, b = dist_m / R_EARTH, math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(l2), math.degrees(p2)


def _haversine_bearing(lon1: float, lat1: float, lon2: float, lat2: float) -> tuple[float, float]:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    dist = 2 * R_EARTH * math.asin(math.sqrt(a))
    brg = math.degrees(math.atan2(math.sin(dl) * math.cos(p2),
                                  math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)))
    return dist, brg % 360


def test_wedge_contains_points_in_front_within_range_only() -> None:
    east = _cam("E", heading=90.0)
    idx = CoverageIndex([east], overrides={})
    cases = {(90, 50): True, (270, 50): False, (90, 100): False, (115, 60): True, (125, 60): False,
             (65, 70): True, (55, 30): False, (90, 79): True, (0, 40): False}
    for (bearing, dist), expected in cases.items():
        hits = idx.covering(*_offset(LON0, LAT0, bearing, dist))
        assert bool(hits) is expected, (bearing, dist)
        if hits:
            assert hits[0].distance_m == pytest.approx(dist, abs=0.5)
            assert hits[0].bearing_deg == pytest.approx(bearing, abs=0.2)


def test_wedge_across_north_and_dome_circle() -> None:
    north = _cam("N", heading=350.0, fov=40.0)  # spans 330°..10°
    dome = _cam("D", heading=None, range_m=30.0, lon=LON0 + 0.01)
    idx = CoverageIndex([north, dome], overrides={})
    assert [h.camera.id for h in idx.covering(*_offset(LON0, LAT0, 5, 40))] == ["N"]
    assert idx.covering(*_offset(LON0, LAT0, 20, 40)) == []
    for b in (0, 90, 200, 300):
        assert [h.camera.id for h in idx.covering(*_offset(LON0 + 0.01, LAT0, b, 25))] == ["D"]
    assert idx.covering(*_offset(LON0 + 0.01, LAT0, 45, 35)) == []


def test_nearest_first_and_online_filter() -> None:
    a = _cam("A", heading=90.0, range_m=120.0)
    lon_b, lat_b = _offset(LON0, LAT0, 90, 30)
    b = Camera("B", "B", lon_b, lat_b, 90.0, 60.0, 80.0, "normal", False, None)
    idx = CoverageIndex([a, b], overrides={})
    pt = _offset(LON0, LAT0, 90, 60)
    assert [h.camera.id for h in idx.covering(*pt)] == ["B", "A"]
    assert [h.camera.id for h in idx.covering(*pt, online_only=True)] == ["A"]


def test_matches_brute_force_on_random_cameras_and_points() -> None:
    rng = random.Random(7)
    cams = [_cam(f"C{i}", heading=rng.uniform(0, 360), fov=rng.choice([40, 60, 70, 90]),
                 range_m=rng.choice([40, 60, 80]), lon=LON0 + rng.uniform(-0.004, 0.004),
                 lat=LAT0 + rng.uniform(-0.004, 0.004)) for i in range(60)]
    idx = CoverageIndex(cams, overrides={})
    checked = covered = 0
    for _ in range(3000):
        lon, lat = LON0 + rng.uniform(-0.005, 0.005), LAT0 + rng.uniform(-0.005, 0.005)
        expected, ambiguous = set(), False
        for c in cams:
            dist, brg = _haversine_bearing(c.lon_wgs84, c.lat_wgs84, lon, lat)
            off = abs((brg - (c.heading_deg or 0) + 180) % 360 - 180)
            if abs(dist - c.range_m) < 0.5 or (dist < c.range_m + 1 and abs(off - c.fov_deg / 2) < 0.3):
                ambiguous = True
            if dist <= c.range_m and off <= c.fov_deg / 2:
                expected.add(c.id)
        if ambiguous:
            continue
        checked += 1
        covered += bool(expected)
        assert {h.camera.id for h in idx.covering(lon, lat)} == expected
    assert checked > 2500 and covered > 50


def test_polygon_override_file_replaces_the_wedge(tmp_path: Path) -> None:
    # a square of about 20 m behind the camera (where its wedge would never look)
    sq = [_offset(LON0, LAT0, 270, 40), _offset(LON0, LAT0, 270, 60)]
    (w1, _), (w2, _) = sq
    ring = [[w2, LAT0 - 0.0001], [w1, LAT0 - 0.0001], [w1, LAT0 + 0.0001], [w2, LAT0 + 0.0001], [w2, LAT0 - 0.0001]]
    f = tmp_path / "views.geojson"
    f.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"camera_id": "E"}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
    ]}), encoding="utf-8")
    cfg_file = tmp_path / "v.yaml"
    cfg_file.write_text(f"polygons_file: {f.name}\n", encoding="utf-8")
    cfg = load_video_config(cfg_file)
    assert cfg.polygons_file == f
    idx = CoverageIndex([_cam("E", heading=90.0)], cfg)
    hits = idx.covering(*_offset(LON0, LAT0, 270, 50))
    assert [(h.camera.id, h.polygon_source) for h in hits] == [("E", "file")]
    assert idx.covering(*_offset(LON0, LAT0, 90, 50)) == []


@pytest.mark.parametrize("content", ["{}", "not json", json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"camera_id": "X"}, "geometry": {"type": "Point", "coordinates": [121, 31]}}]})])
def test_bad_polygon_file_is_a_data_file_error(tmp_path: Path, content: str) -> None:
    f = tmp_path / "bad.geojson"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError):
        load_polygon_overrides(f)


def test_cameras_from_assets_use_config_defaults() -> None:
    cfg = VideoConfig(range_m={"ai": 90.0, "default": 50.0}, fov_deg_default=55.0)
    cams = cameras_from_assets([
        {"id": "CAM-LK01", "name": "临空01", "lon": LON0, "lat": LAT0, "heading_deg": 10.0, "fov_deg": 70.0,
         "camera_kind": "ai", "status": "online"},
        {"id": "CAM-001", "lon": LON0, "lat": LAT0, "camera_kind": "normal", "status": "offline"},
        {"id": "CAM-NOPOS", "lon": None, "lat": None},
    ], cfg, "http://127.0.0.1:1")
    assert [c.id for c in cams] == ["CAM-001", "CAM-LK01"]
    assert (cams[1].range_m, cams[1].fov_deg, cams[0].range_m, cams[0].fov_deg) == (90.0, 70.0, 50.0, 55.0)
    assert not cams[0].online and cams[1].stream_url == "http://127.0.0.1:1/cameras/CAM-LK01/stream.mjpeg"
    poly = view_polygon_lonlat_wgs84(cams[0])  # no heading: a circle
    assert poly.is_valid and len(poly.exterior.coords) > 40


def test_cli_lists_seeded_cameras_and_their_coverage(video_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from console.cli.main import main

    assert main(["cameras", "list", "--db", video_db_url, "--server", "http://127.0.0.1:8765", "--format",
                 "json"]) == 0
    cams = json.loads(capsys.readouterr().out)
    lk = next(c for c in cams if c["id"] == "CAM-LK01")
    assert lk["stream_url"] == "http://127.0.0.1:8765/cameras/CAM-LK01/stream.mjpeg"
    assert lk["range_m"] == load_video_config().range_for({"camera_kind": "ai"}) and lk["fov_deg"] == 70
    lon, lat = _offset(lk["lon_wgs84"], lk["lat_wgs84"], lk["heading_deg"], 20)
    assert main(["cameras", "coverage", "--db", video_db_url, "--lon", str(lon), "--lat", str(lat),
                 "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["camera_id"] == "CAM-LK01" and hits[0]["distance_m"] == pytest.approx(20, abs=0.5)
    assert main(["cameras", "coverage", "--db", video_db_url, "--lon", "500", "--lat", "31"]) == 2
