"""Interactive HTML map export with folium that opens offline.

folium's page template loads Leaflet, jQuery, Bootstrap and icon fonts from CDNs. We use only Leaflet core, so the
exporter inlines the bundled Leaflet (resources/web/leaflet, images as data URIs) and drops the other CDN tags: the
file is self-contained. With no tile source the map has a plain background; an intranet tile URL can be configured
(``--tiles`` or URBANOPS_TILE_URL) and, when those tiles are GCJ-02 (AMap/Tencent style), our WGS-84 data is shifted
to GCJ-02 at this boundary (console.geo.gcj02) so it lines up with the tiles.
"""

from __future__ import annotations

import base64
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from console.errors import ValidationError
from console.geo.gcj02 import coords_wgs84_to_gcj02, wgs84_to_gcj02
from console.resources import resource_path

ENV_TILE_URL = "URBANOPS_TILE_URL"
ENV_TILE_CRS = "URBANOPS_TILE_CRS"
PLAIN_BACKGROUND = "#eef1f4"
_SCRIPT_SRC = re.compile(r'<script[^>]*\bsrc="(https?:[^"]+)"[^>]*>\s*</script>', re.IGNORECASE)
_LINK_HREF = re.compile(r'<link[^>]*\bhref="(https?:[^"]+)"[^>]*/?>', re.IGNORECASE)
_CSS_URL = re.compile(r"url\((images/[^)]+\.png)\)")


@dataclass(frozen=True)
class TileSource:
    """An XYZ tile URL template and the datum its tiles are drawn in (``wgs84`` or ``gcj02``)."""

    url: str
    crs: str = "wgs84"
    attribution: str = "内网底图"

    @staticmethod
    def configured(url: str | None = None, crs: str | None = None) -> TileSource | None:
        """From the arguments, else URBANOPS_TILE_URL / URBANOPS_TILE_CRS; None → plain background."""
        url = url or os.environ.get(ENV_TILE_URL) or None
        if not url:
            return None
        datum = (crs or os.environ.get(ENV_TILE_CRS) or "wgs84").lower()
        if datum not in ("wgs84", "gcj02"):
            raise ValidationError(f"底图坐标系“{datum}”无效，应为 wgs84 或 gcj02", f"tile datum {datum!r}: use wgs84 or gcj02")
        if "{x}" not in url or "{y}" not in url or "{z}" not in url:
            raise ValidationError("底图地址须含 {z}/{x}/{y}", "the tile URL template must contain {z}, {x} and {y}")
        return TileSource(url, datum)


def _leaflet_inline() -> tuple[str, str]:
    folder = resource_path("web", "leaflet")
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(m: re.Match[str]) -> str:
        data = (folder / m.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return js, _CSS_URL.sub(data_uri, css)


def make_offline(page: str) -> str:
    """Inline the bundled Leaflet in place of folium's CDN tags and drop the other CDN scripts and styles."""
    js, css = _leaflet_inline()
    js_done = css_done = False

    def script(m: re.Match[str]) -> str:
        nonlocal js_done
        if "leaflet" in m.group(1) and m.group(1).endswith("/leaflet.js") and not js_done:
            js_done = True
            return f"<script>/* Leaflet 1.9.4, BSD-2-Clause (bundled) */\n{js}\n</script>"
        return ""

    def link(m: re.Match[str]) -> str:
        nonlocal css_done
        if m.group(1).endswith("/leaflet.css") and not css_done:
            css_done = True
            return f"<style>\n{css}\n</style>"
        return ""

    out = _SCRIPT_SRC.sub(script, page)
    out = _LINK_HREF.sub(link, out)
    if not js_done:
        out = out.replace("<head>", f"<head><script>{js}</script>", 1)
    if not css_done:
        out = out.replace("<head>", f"<head><style>{css}</style>", 1)
    return out


def _to_datum(gdf: gpd.GeoDataFrame, gcj: bool) -> gpd.GeoDataFrame:
    if not gcj or gdf.empty:
        return gdf
    out = gdf.copy()
    out["geometry"] = shapely.transform(np.asarray(gdf.geometry.values), coords_wgs84_to_gcj02)
    return out


def _colour_scale(values: pd.Series) -> list[str]:
    ramp = ["#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"]
    v = values.astype(float).to_numpy()
    hi = float(np.nanmax(v)) if len(v) and np.isfinite(v).any() else 0.0
    if hi <= 0:
        return [ramp[0]] * len(v)
    idx = np.clip((v / hi * (len(ramp) - 1)).round().astype(int), 0, len(ramp) - 1)
    return [ramp[i] for i in idx]


def build_html_map(subdistricts: gpd.GeoDataFrame, cases: pd.DataFrame, *, tiles: TileSource | None = None,
                   title: str = "长宁区城管案件分布", max_cases: int = 5000) -> str:
    """The offline HTML page: subdistricts shaded by open cases, open cases as coloured dots with popups.

    ``cases`` columns: id, lon, lat, status_zh, category, subdistrict_code, overdue (bool).
    """
    gcj = tiles is not None and tiles.crs == "gcj02"
    subs = _to_datum(subdistricts[["code", "name", "geometry"]].copy(), gcj)
    counts = cases.groupby("subdistrict_code").size() if len(cases) else pd.Series(dtype=float)
    subs["open_cases"] = subs["code"].astype(str).map(counts).fillna(0).astype(int)
    subs["fill"] = _colour_scale(subs["open_cases"])
    b = subs.total_bounds if len(subs) else np.array([121.35, 31.18, 121.45, 31.24])
    m = folium.Map(location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], zoom_start=13, tiles=None, control_scale=True,
                   prefer_canvas=True)
    root: Any = m.get_root()
    if tiles is not None:
        folium.TileLayer(tiles=tiles.url, attr=html.escape(tiles.attribution), name="底图").add_to(m)
    else:
        root.header.add_child(folium.Element(
            f"<style>.leaflet-container{{background:{PLAIN_BACKGROUND};}}</style>"))
    folium.GeoJson(
        subs.to_json(), name="街道（未结案件数）",
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#4a5a6a", "weight": 1.2,
                                  "fillOpacity": 0.55},
        tooltip=folium.GeoJsonTooltip(fields=["name", "open_cases"], aliases=["街道", "未结案件"]),
    ).add_to(m)
    group = folium.FeatureGroup(name="未结案件")
    shown = cases.head(max_cases)
    lon = shown["lon"].to_numpy(dtype=float)
    lat = shown["lat"].to_numpy(dtype=float)
    if gcj and len(shown):
        lon, lat = wgs84_to_gcj02(lon, lat)
    for row, x, y in zip(shown.itertuples(index=False), lon, lat, strict=True):
        colour = "#d62728" if bool(row.overdue) else "#1f77b4"
        popup = f"<b>{html.escape(str(row.id))}</b><br>{html.escape(str(row.category))}<br>{html.escape(str(row.status_zh))}"
        folium.CircleMarker([float(y), float(x)], radius=4, color=colour, fill=True, fill_opacity=0.85, weight=1,
                            popup=folium.Popup(popup, max_width=260)).add_to(group)
    group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    root.header.add_child(folium.Element(f"<title>{html.escape(title)}</title>"))
    legend = (f'<div style="position:fixed;top:10px;left:50px;z-index:1000;background:#fff;padding:6px 10px;'
              f'border:1px solid #889;font:14px sans-serif">{html.escape(title)}：'
              f'<span style="color:#d62728">●</span> 超期 <span style="color:#1f77b4">●</span> 未超期'
              f'{" · 底图 GCJ-02 已纠偏" if gcj else ""}</div>')
    root.html.add_child(folium.Element(legend))
    return make_offline(str(root.render()))


def write_html_map(path: Path, subdistricts: gpd.GeoDataFrame, cases: pd.DataFrame, **kwargs: Any) -> Path:
    page = build_html_map(subdistricts, cases, **kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
