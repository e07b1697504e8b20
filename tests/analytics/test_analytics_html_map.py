"""Offline folium export: bundled Leaflet inlined, plain background, intranet tiles with GCJ-02 correction."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from console.analytics.html_map import TileSource, build_html_map, make_offline
from console.errors import ValidationError
from console.geo.gcj02 import wgs84_to_gcj02

SUBS = gpd.GeoDataFrame({"code": ["310105001000"], "name": ["华阳路街道"]},
                        geometry=[box(121.41, 31.21, 121.43, 31.23)], crs="EPSG:4326")
CASES = pd.DataFrame({"id": ["CN1"], "lon": [121.4166], "lat": [31.2197], "status_zh": ["处置中"],
                      "category": ["暴露垃圾"], "subdistrict_code": ["310105001000"], "overdue": [True]})


def _marker_latlon(page: str) -> tuple[float, float]:
    m = re.search(r"L\.circleMarker\(\s*\[([\d.]+),\s*([\d.]+)\]", page)
    assert m, "no circle marker in page"
    return float(m.group(1)), float(m.group(2))


def test_plain_background_without_tiles() -> None:
    page = build_html_map(SUBS, CASES)
    assert "L.tileLayer" not in page and ".leaflet-container{background:" in page
    assert _marker_latlon(page) == pytest.approx((31.2197, 121.4166))
    assert not re.search(r'<script[^>]+src="https?:', page) and not re.search(r'<link[^>]+href="https?:', page)


def test_gcj02_tiles_shift_our_wgs84_data() -> None:
    tiles = TileSource.configured("http://tiles.intranet/{z}/{x}/{y}.png", "gcj02")
    page = build_html_map(SUBS, CASES, tiles=tiles)
    assert "http://tiles.intranet/{z}/{x}/{y}.png" in page and "L.tileLayer" in page
    lon_g, lat_g = wgs84_to_gcj02(121.4166, 31.2197)
    assert _marker_latlon(page) == pytest.approx((lat_g, lon_g), abs=1e-9)
    wgs = build_html_map(SUBS, CASES, tiles=TileSource.configured("http://t/{z}/{x}/{y}.png", "wgs84"))
    assert _marker_latlon(wgs) == pytest.approx((31.2197, 121.4166))


def test_bad_tile_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("URBANOPS_TILE_URL", raising=False)
    assert TileSource.configured(None) is None
    with pytest.raises(ValidationError):
        TileSource.configured("http://tiles/no-placeholders.png")
    with pytest.raises(ValidationError):
        TileSource.configured("http://t/{z}/{x}/{y}.png", "bd09")


def test_make_offline_replaces_cdn_tags() -> None:
    page = ('<html><head><script src="https://cdn.x/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
            '<script src="https://code.jquery.com/jquery.js"></script>'
            '<link rel="stylesheet" href="https://cdn.x/leaflet@1.9.3/dist/leaflet.css"/></head></html>')
    out = make_offline(page)
    assert "jquery" not in out and "https://" not in out.split("<style>")[0].split("/* Leaflet")[0]
    assert out.count("<script>") == 1 and "<style>" in out
