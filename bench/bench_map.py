"""Map frame time and officer-update cost, each beside plain pyqtgraph doing the same job in the same run.

Frame: offscreen render of the 1280×800 canvas (basemap of the demo geography + 100k cases + 2.5k officers + cameras +
workrooms) at district zoom and street zoom; the view is nudged by a pixel every frame so culling and clustering are
recomputed (no cache hits). Baseline: a pyqtgraph ScatterPlotItem holding the same points, same view, same render path.
Update: moving 2k of the 2.5k officers (ids → rows, projection, array writes, one update()) vs ScatterPlotItem.setData.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import numpy as np

W, H = 1280, 800


def _pcts(samples_s: list[float]) -> tuple[float, float]:
    a = np.asarray(samples_s) * 1000.0
    return float(np.percentile(a, 50)), float(np.percentile(a, 95))


def _frame_times(render: Any, nudge: Any, frames: int) -> list[float]:
    render()  # warm-up: atlases, badge and label caches
    out = []
    for i in range(frames):
        nudge(1 if i % 2 == 0 else -1)
        t = time.perf_counter()
        render()
        out.append(time.perf_counter() - t)
    return out


def run(quick: bool = False) -> list[dict[str, Any]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from PySide6.QtCore import QRect, QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from maps.screenshot_demo import build_demo_canvas
    from maps.text import load_bundled_font

    app = QApplication.instance() or QApplication(sys.argv[:1])
    load_bundled_font()
    n_cases = 20_000 if quick else 100_000
    n_officers = 2_500
    frames = 10 if quick else 40
    canvas = build_demo_canvas(n_cases=n_cases, n_officers=n_officers, n_cameras=2_000, n_workrooms=1_880,
                               n_sensors=1_500, open_cases_only=False)
    canvas.grab_image(W, H)
    point_layers = [layer for layer in canvas.layers() if layer.name in ("cases", "officers", "cameras", "workrooms")]
    xs = np.concatenate([layer.positions_m()[0] for layer in point_layers])
    ys = np.concatenate([layer.positions_m()[1] for layer in point_layers])

    # baseline: plain pyqtgraph scatter of the same points
    base_view = pg.GraphicsView(background="#0e141b")
    base_vb = pg.ViewBox(lockAspect=True, enableMenu=False)
    base_view.setCentralItem(base_vb)
    palette = [pg.mkBrush(c) for c in ("#ff9100", "#2979ff", "#66bb6a", "#b388ff", "#00e676", "#18ffff")]
    brushes = [palette[i] for i in np.random.default_rng(0).integers(0, len(palette), xs.size)]
    scatter = pg.ScatterPlotItem(x=xs, y=ys, size=12, pen=pg.mkPen("#0b1015"), brush=brushes, pxMode=True)
    base_vb.addItem(scatter)
    base_view.resize(W, H)
    base_view.show()

    def base_render() -> None:
        base_view.scene().prepareForPaint()
        img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(img)
        base_view.render(p, QRectF(0, 0, W, H), QRect(0, 0, W, H))
        p.end()

    def match_view() -> None:
        minx, miny, maxx, maxy = canvas.view_bounds_m()
        base_vb.setRange(xRange=(minx, maxx), yRange=(miny, maxy), padding=0)
        base_vb.updateViewRange()

    rows: list[dict[str, Any]] = []
    views = {"district zoom": None, "street zoom": (121.4236, 31.2197, 0.9)}
    for label, target in views.items():
        if target is None:
            canvas.home()
        else:
            canvas.fly_to(target[0], target[1], target[2], animate=False)
        match_view()
        scale = canvas.scale_m_per_px()

        def nudge_map(d: int, s: float = scale) -> None:
            cx, cy = canvas.view_centre_m()
            canvas.set_view(cx + d * s, cy, s)

        def nudge_base(d: int, s: float = scale) -> None:
            base_vb.translateBy(x=d * s)

        ours = _frame_times(lambda: canvas.grab_image(W, H), nudge_map, frames)
        base = _frame_times(base_render, nudge_base, frames)
        (o50, o95), (b50, b95) = _pcts(ours), _pcts(base)
        shown = f"{n_cases // 1000}k cases + {n_officers / 1000:g}k officers + cameras + workrooms, {scale:.2f} m/px"
        rows.append({"name": f"map frame p95, {label} ({shown})", "value": o95, "unit": "ms",
                     "baseline_name": "pyqtgraph ScatterPlotItem, same points and view", "baseline_value": b95,
                     "ratio": o95 / b95, "target": "≤ 16 ms", "verdict": "ok" if o95 <= 16 else "MISS"})
        rows.append({"name": f"map frame p50, {label}", "value": o50, "unit": "ms",
                     "baseline_name": "pyqtgraph ScatterPlotItem", "baseline_value": b50, "ratio": o50 / b50,
                     "target": ""})

    # worst frame: the cached basemap image rebuilt (after a zoom settles or a pan past the margin)
    cache = canvas.static_cache()
    if cache is not None:
        canvas.home()
        rebuild: list[float] = []
        for _ in range(5 if quick else 15):
            cache._cached = None
            t = time.perf_counter()
            canvas.grab_image(W, H)
            rebuild.append(time.perf_counter() - t)
        canvas.set_static_layers([])
        match_view()
        uncached = _frame_times(lambda: canvas.grab_image(W, H), lambda d: None, 5 if quick else 15)
        r50, _ = _pcts(rebuild)
        u50c, _ = _pcts(uncached)
        rows.append({"name": "map frame with basemap cache rebuild (zoom settled / panned past margin), district, p50",
                     "value": r50, "unit": "ms", "baseline_name": "same frame with no basemap cache",
                     "baseline_value": u50c, "ratio": r50 / u50c, "target": "rare frame; not in the 16 ms budget"})

    # officer position updates: 2k of 2.5k per batch
    officers = canvas.layer("officers")
    ids = officers.ids()
    ox, oy = (a.copy() for a in officers.positions_m())
    from console.geo.projection import xy_m_to_lonlat_wgs84

    lon0, lat0 = xy_m_to_lonlat_wgs84(ox, oy)
    rng = np.random.default_rng(1)
    batches = 50 if quick else 200
    subsets = [rng.choice(ids.size, 2000, replace=False) for _ in range(batches)]
    jitter = [rng.normal(0, 2e-5, (2, 2000)) for _ in range(batches)]
    ours_s: list[float] = []
    for sub, j in zip(subsets, jitter, strict=True):
        sub_ids, lon, lat = ids[sub], lon0[sub] + j[0], lat0[sub] + j[1]
        t = time.perf_counter()
        officers.update_positions(sub_ids, lon, lat)
        ours_s.append(time.perf_counter() - t)
    off_scatter = pg.ScatterPlotItem(x=ox, y=oy, size=12, brush=palette[4], pxMode=True)
    bx, by = ox.copy(), oy.copy()
    base_s: list[float] = []
    for sub, j in zip(subsets, jitter, strict=True):
        t = time.perf_counter()
        bx[sub] += j[0] * 1e5
        by[sub] += j[1] * 1e5
        off_scatter.setData(x=bx, y=by)
        base_s.append(time.perf_counter() - t)
    (_u50, u95), (_s50, s95) = _pcts(ours_s), _pcts(base_s)
    rows.append({"name": "officer update, 2k of 2.5k per batch (ids, lon/lat → metres), mean",
                 "value": float(np.mean(ours_s) * 1000), "unit": "ms",
                 "baseline_name": "ScatterPlotItem.setData (already in metres)", "baseline_value": float(np.mean(base_s) * 1000),
                 "ratio": float(np.mean(ours_s) / np.mean(base_s)), "target": "≤ 1 ms",
                 "verdict": "ok" if np.mean(ours_s) * 1000 <= 1.0 else "MISS"})
    rows.append({"name": "officer update p95", "value": u95, "unit": "ms", "baseline_name": "setData p95",
                 "baseline_value": s95, "ratio": u95 / s95, "target": "≤ 1 ms"})
    base_view.close()
    canvas.close()
    del app
    return rows


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    for row in run(quick=quick):
        ratio = f"  ratio {row['ratio']:.2f}×" if row.get("ratio") is not None else ""
        print(f"{row['name']}: {row['value']:.2f} {row['unit']}   baseline {row['baseline_name']}: "
              f"{row['baseline_value']:.2f} {row['unit']}{ratio}   target {row['target'] or '-'} {row.get('verdict', '')}")
