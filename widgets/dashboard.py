"""Dashboard panels (pyqtgraph): KPI table with drill-down, trends, category and source mix, SLA breach forecast,
squad ranking; plus the analytics layers for the main map (choropleth by subdistrict or grid, hot spots).

The panel only draws a ``Snapshot`` and asks a ``KpiEngine`` for drill-downs; the main window decides where it docks.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.analytics.engine import KpiEngine, KpiRow, format_value
from console.analytics.period import Period
from console.analytics.snapshot import Snapshot
from maps.canvas import MapCanvas
from widgets.charts import PALETTE, BarChart, TrendChart
from widgets.kpi_layers import choropleth_layer, hotspot_layer

KPI_COLUMNS = ("指标", "分子", "分母", "值", "上期")


class DashboardPanel(QWidget):
    """Charts and the KPI table; double-clicking a figure lists the cases behind it."""

    case_activated = Signal(str)  # a case id chosen from a drill-down list

    def __init__(self, parent: QWidget | None = None, *, dark: bool = True, px: int = 13) -> None:
        super().__init__(parent)
        self.engine: KpiEngine | None = None
        self.snapshot: Snapshot | None = None
        self.rows: list[KpiRow] = []
        self.period: Period | None = None
        root = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("统计期")))
        self.period_box = QComboBox()
        self.period_box.addItem(self.tr("今日"), "day")
        self.period_box.addItem(self.tr("近 7 天"), "week")
        self.period_box.setCurrentIndex(1)
        self.period_box.currentIndexChanged.connect(self._refresh_table)
        bar.addWidget(self.period_box)
        bar.addStretch(1)
        root.addLayout(bar)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_lay = QHBoxLayout(top)
        top_lay.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(KPI_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(KPI_COLUMNS))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.cellDoubleClicked.connect(self.drill_row)
        top_lay.addWidget(self.table, 3)
        drill_box = QVBoxLayout()
        self.drill_title = QLabel(self.tr("双击指标查看案件"))
        self.drill_list = QListWidget()
        self.drill_list.itemDoubleClicked.connect(lambda item: self.case_activated.emit(item.text()))
        drill_box.addWidget(self.drill_title)
        drill_box.addWidget(self.drill_list, 1)
        host = QWidget()
        host.setLayout(drill_box)
        top_lay.addWidget(host, 1)
        split.addWidget(top)
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        self.trend = TrendChart(self.tr("近 7 天上报与结案"), px=px, dark=dark)
        self.sources = BarChart(self.tr("来源构成"), px=px, dark=dark, colour=PALETTE[0])
        self.categories = BarChart(self.tr("类别构成"), px=px, dark=dark, colour=PALETTE[1])
        self.forecast = BarChart(self.tr("未来 8 小时将超期"), horizontal=False, px=px, dark=dark, colour=PALETTE[4])
        self.ranking = BarChart(self.tr("中队综合得分"), px=px, dark=dark, colour=PALETTE[2])
        grid.addWidget(self.trend, 0, 0, 1, 2)
        grid.addWidget(self.sources, 1, 0)
        grid.addWidget(self.categories, 1, 1)
        grid.addWidget(self.forecast, 2, 0)
        grid.addWidget(self.ranking, 2, 1)
        split.addWidget(charts)
        split.setSizes([330, 670])
        root.addWidget(split, 1)

    def set_data(self, snapshot: Snapshot, engine: KpiEngine) -> None:
        self.snapshot, self.engine = snapshot, engine
        s = snapshot
        self.trend.set_series(s.trend_days, {self.tr("上报"): (s.trend_reports, PALETTE[0]),
                                             self.tr("结案"): (s.trend_closed, PALETTE[2])})
        self.sources.set_data([k for k, _ in s.source_mix], [v for _, v in s.source_mix])
        self.categories.set_data([k for k, _ in s.category_mix], [v for _, v in s.category_mix])
        self.forecast.set_data(s.forecast_hours, [float(x) for x in s.forecast_breaches])
        self.ranking.set_data([k for k, _, _ in s.squad_ranking], [v for _, v, _ in s.squad_ranking],
                              value_texts=[f"{v:.1f} {g}" for _, v, g in s.squad_ranking])
        self._refresh_table()

    def _refresh_table(self) -> None:
        if self.engine is None or self.snapshot is None:
            return
        day = self.snapshot.day
        from datetime import timedelta

        self.period = Period(day, day) if self.period_box.currentData() == "day" else Period(day - timedelta(days=6),
                                                                                             day)
        self.rows = self.engine.compute(self.period)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = [row.indicator.name_zh, f"{row.numerator:g}",
                     "" if row.denominator is None else f"{row.denominator:g}", row.value_text(),
                     format_value(row.indicator, row.previous_value)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setToolTip(row.indicator.definition)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def drill_row(self, row: int, column: int = 0) -> list[str]:
        """List the cases behind a figure: the numerator, or the denominator when its cell is chosen."""
        if self.engine is None or self.period is None or not 0 <= row < len(self.rows):
            return []
        ind = self.rows[row].indicator
        part = "denominator" if column == 2 and ind.denominator is not None else "numerator"
        ids = self.engine.drill(ind.id, self.period, part=part)
        label = ind.numerator.label_zh if part == "numerator" else (ind.denominator.label_zh if ind.denominator else "")
        self.drill_title.setText(f"{ind.name_zh} · {label}：{len(ids)} 件")
        self.drill_list.clear()
        self.drill_list.addItems(ids[:5000])
        return ids


def apply_kpi_map_layers(canvas: MapCanvas, geography: Any, snapshot: Snapshot, *, by: str = "subdistrict",
                         hotspots: bool = True) -> list[str]:
    """Put a choropleth (open cases by subdistrict, or cases of the week by grid) and hot spots on ``canvas``."""
    for name in ("kpi_choropleth", "hotspots"):
        if any(layer.name == name for layer in canvas.layers()):
            canvas.remove_layer(name)
    added: list[str] = []
    if by == "subdistrict":
        values = dict(zip(snapshot.by_subdistrict["code"], snapshot.by_subdistrict["open"].astype(float), strict=True))
        canvas.add_layer(choropleth_layer(geography.subdistricts, values, title_zh="未结案件分级设色（街道）"), z=50)
    else:
        counts = dict(zip(snapshot.hotspot_grids["grid_code"], snapshot.hotspot_grids["cases"].astype(float),
                          strict=True))
        canvas.add_layer(choropleth_layer(geography.grids, counts, id_column="grid_code", label_column=None,
                                          title_zh="近 7 天案件分级设色（网格）"), z=50)
    added.append("kpi_choropleth")
    if hotspots:
        counts = dict(zip(snapshot.hotspot_grids["grid_code"], snapshot.hotspot_grids["cases"].astype(float),
                          strict=True))
        canvas.add_layer(hotspot_layer(geography.grids, counts), z=51)
        added.append("hotspots")
    return added
