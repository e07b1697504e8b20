"""Dashboard panels and map layers on a seeded world (pytest-qt)."""

from __future__ import annotations

import maps  # noqa: F401  (guard before QApplication)
from console.analytics.engine import KpiEngine
from console.analytics.loader import load_facts
from console.analytics.snapshot import build_snapshot
from console.storage.db import open_database


def _data(url: str):  # type: ignore[no-untyped-def]
    db = open_database(url)
    facts = load_facts(db)
    snap = build_snapshot(db, facts=facts)
    return db, snap, KpiEngine(facts)


def test_dashboard_panels_show_the_snapshot_and_drill_down(qtbot, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    from widgets.dashboard import DashboardPanel

    db, snap, engine = _data(seeded_url)
    panel = DashboardPanel()
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.set_data(snap, engine)
    assert panel.trend.series["上报"] == snap.trend_reports
    assert panel.sources.values == [v for _, v in snap.source_mix]
    assert panel.forecast.values == [float(x) for x in snap.forecast_breaches]
    assert len(panel.ranking.values) == len(snap.squad_ranking) == 10
    assert panel.table.rowCount() == len(engine.registry.indicators)
    row = next(i for i, r in enumerate(panel.rows) if r.indicator.id == "reports")
    ids = panel.drill_row(row)
    assert len(ids) == int(panel.rows[row].numerator) and panel.drill_list.count() == len(ids)
    assert "上报数" in panel.drill_title.text()
    den_row = next(i for i, r in enumerate(panel.rows) if r.indicator.id == "closure_rate")
    den_ids = panel.drill_row(den_row, column=2)  # the list now shows the denominator's cases
    assert len(den_ids) == int(panel.rows[den_row].denominator or 0)
    with qtbot.waitSignal(panel.case_activated) as blocker:
        panel.drill_list.itemDoubleClicked.emit(panel.drill_list.item(0))
    assert blocker.args == [den_ids[0]]
    db.dispose()


def test_choropleth_and_hotspots_on_the_map(qtbot, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    from console.services.geo_context import load_geo_context
    from maps.basemap import add_basemap
    from maps.canvas import MapCanvas
    from widgets.dashboard import apply_kpi_map_layers
    from widgets.kpi_layers import ramp_colours

    db, snap, _ = _data(seeded_url)
    geo = load_geo_context(db).geography
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    add_basemap(canvas, geo)
    assert apply_kpi_map_layers(canvas, geo, snap) == ["kpi_choropleth", "hotspots"]
    assert len(canvas.layer("kpi_choropleth").feature_ids()) == 10
    assert set(canvas.layer("hotspots").feature_ids()) == set(snap.hotspot_grids["grid_code"])
    img = canvas.grab_image(800, 600)
    assert not img.isNull()
    apply_kpi_map_layers(canvas, geo, snap, by="grid", hotspots=False)  # replaces, never duplicates
    assert [layer.name for layer in canvas.layers()].count("kpi_choropleth") == 1
    assert "hotspots" not in [layer.name for layer in canvas.layers()]
    colours = ramp_colours([0, 5, 10])
    assert colours[2] != colours[1] != colours[0]
    db.dispose()
