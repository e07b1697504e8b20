"""Render the map offscreen with the demo geography and random layers, for looking at it without a screen.

    QT_QPA_PLATFORM=offscreen python -m maps.screenshot_demo out.png [--street out_street.png] [--theme light]
                                                                   [--cases N] [--officers N]
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import numpy as np
import shapely


def _geography() -> Any:
    from console.geo.geodata import load_demo_geography

    return load_demo_geography()


def build_demo_canvas(theme: str = "dark", n_cases: int = 20000, n_officers: int = 250, n_cameras: int = 220,
                      n_workrooms: int = 188, n_sensors: int = 150, seed: int = 7, open_cases_only: bool = True) -> Any:
    """A MapCanvas with the basemap and demo point layers, zoomed to the district. Needs a QApplication."""
    from maps.basemap import add_basemap
    from maps.canvas import MapCanvas
    from maps.demo_data import demo_cameras, demo_cases, demo_officers, demo_sensors, demo_workrooms
    from maps.geometry import project_geoms_to_m
    from maps.point_layer import PointLayer
    from maps.symbology import (
        CameraSymbology,
        CaseSymbology,
        OfficerSymbology,
        SensorSymbology,
        WorkroomSymbology,
    )

    geo = _geography()
    canvas = MapCanvas(theme=theme)
    canvas.resize(1280, 800)
    area_m = shapely.union_all(project_geoms_to_m(np.asarray(geo.district.geometry.values, dtype=object)))
    rng = np.random.default_rng(seed)
    layers = [
        (PointLayer("workrooms", "社区工作室", WorkroomSymbology(), cluster=False), demo_workrooms(area_m, n_workrooms, rng)),
        (PointLayer("sensors", "物联传感器", SensorSymbology(), cluster_min_visible=600), demo_sensors(area_m, n_sensors, rng)),
        (PointLayer("cameras", "摄像头", CameraSymbology(), cluster_min_visible=800), demo_cameras(area_m, n_cameras, rng)),
        (PointLayer("cases", "案件", CaseSymbology()), demo_cases(area_m, n_cases, rng)),
        (PointLayer("officers", "执法队员", OfficerSymbology(), cluster_min_visible=1200, hit_radius_px=9.0),
         demo_officers(area_m, n_officers, rng)),
    ]
    canvas._ensure_size(1280, 800)
    add_basemap(canvas, geo)
    for layer, pts in layers:
        keep = np.ones(pts.ids.size, dtype=bool)
        if layer.name == "cases" and open_cases_only:  # what a dispatcher's map shows by default
            keep = np.isin(pts.style["status"], ["closed", "voided"], invert=True)
        layer.set_data(pts.ids[keep], pts.lon_wgs84[keep], pts.lat_wgs84[keep],
                       **{k: v[keep] for k, v in pts.style.items()})
        canvas.add_layer(layer)
    canvas.home()
    return canvas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a 1280×800 PNG of the demo map.")
    parser.add_argument("out", help="PNG path (district view)")
    parser.add_argument("--street", help="also write a street-zoom PNG here")
    parser.add_argument("--theme", default="dark", choices=["dark", "light"])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--officers", type=int, default=250)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from maps.text import load_bundled_font

    app = QApplication.instance() or QApplication(sys.argv[:1])
    family = load_bundled_font()
    if family is None:
        print("warning: bundled CJK font not found; Chinese may render as boxes", file=sys.stderr)
    canvas = build_demo_canvas(theme=args.theme, n_cases=args.cases, n_officers=args.officers)
    canvas.grab_image(1280, 800).save(args.out)
    print(f"wrote {args.out} (scale {canvas.scale_m_per_px():.2f} m/px)")
    if args.street:
        canvas.fly_to(121.4236, 31.2197, 0.9, animate=False)  # Zhongshan Park / Huayang Road area
        canvas.grab_image(1280, 800).save(args.street)
        print(f"wrote {args.street} (scale {canvas.scale_m_per_px():.2f} m/px)")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
