"""Daily and weekly reports as PDF (QPdfWriter + QPainter): map, charts, KPI table, squad scores, top overdue cases.

The bundled CJK font is registered first (QFontDatabase.addApplicationFont via widgets.fonts) so Chinese is embedded
in the PDF on machines without Chinese fonts. Charts are the same pyqtgraph widgets as the dashboard, rendered to
images in a light theme for paper.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen
from PySide6.QtWidgets import QApplication

import maps  # noqa: F401  (None-refcount guard before the QApplication)
from console.analytics.engine import KpiEngine, KpiRow, format_value
from console.analytics.evaluation import default_evaluation, evaluate_scheme
from console.analytics.loader import load_facts
from console.analytics.period import Period
from console.analytics.snapshot import Snapshot, build_snapshot
from console.errors import ValidationError
from console.storage.db import Database
from widgets.charts import PALETTE, BarChart, TrendChart, font_px, render_widget

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
DPI = 200
PAGE_W = int(8.27 * DPI) - 2 * 80  # A4 width minus margins (device units at DPI)
INK = QColor("#1c2733")
MUTED = QColor("#5b6b7b")
LINE = QColor("#c9d2dc")
RED = QColor("#d62728")


def _app() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    from widgets.fonts import install_cjk_font

    install_cjk_font(app)
    return app


def map_image(db: Database, snap: Snapshot, width: int, height: int) -> QImage:
    """The district with subdistricts shaded by open cases (light theme for paper)."""
    from console.services.geo_context import load_geo_context
    from maps.basemap import add_basemap
    from maps.canvas import MapCanvas
    from widgets.kpi_layers import choropleth_layer

    geo = load_geo_context(db).geography
    canvas = MapCanvas(theme="light", show_cursor_readout=False)
    add_basemap(canvas, geo)
    canvas.set_layer_visible("subdistrict_labels", False)
    values = dict(zip(snap.by_subdistrict["code"], snap.by_subdistrict["open"].astype(float), strict=True))
    canvas.add_layer(choropleth_layer(geo.subdistricts, values, label_px=22), z=50)
    canvas.grab_image(width, height)
    canvas.home()
    img = canvas.grab_image(width, height)
    canvas.close()
    return img


def chart_images(snap: Snapshot, width: int, height: int) -> list[QImage]:
    px = 22
    trend = TrendChart("近 7 天上报与结案（件/日）", px=px, dark=False)
    trend.set_series(snap.trend_days, {"上报": (snap.trend_reports, PALETTE[6]), "结案": (snap.trend_closed, PALETTE[2])})
    sources = BarChart("来源构成（7 天）", px=px, dark=False, colour=PALETTE[6])
    sources.set_data([k for k, _ in snap.source_mix[:7]], [v for _, v in snap.source_mix[:7]])
    cats = BarChart("高发类别（7 天）", px=px, dark=False, colour=PALETTE[1])
    cats.set_data([k for k, _ in snap.category_mix[:7]], [v for _, v in snap.category_mix[:7]])
    images = [render_widget(trend, width, height), render_widget(sources, width // 2 - 10, height),
              render_widget(cats, width // 2 - 10, height)]
    for w in (trend, sources, cats):
        w.close()
    return images


class _Doc:
    """A cursor over PDF pages: text, tables and images flow down and break to a new page when full."""

    def __init__(self, writer: QPdfWriter, painter: QPainter) -> None:
        self.writer = writer
        self.p = painter
        self.y = 0.0
        self.height = float(painter.viewport().height())
        self.width = float(painter.viewport().width())

    def need(self, h: float) -> None:
        if self.y + h > self.height:
            self.writer.newPage()
            self.y = 0.0

    def text(self, text: str, px: int, *, bold: bool = False, colour: QColor = INK, gap: float = 10) -> None:
        self.p.setFont(font_px(px, bold))
        self.p.setPen(colour)
        h = px * 1.5
        self.need(h)
        self.p.drawText(QRectF(0, self.y, self.width, h), Qt.AlignmentFlag.AlignVCenter, text)
        self.y += h + gap

    def image(self, img: QImage, w: float, h: float, x: float = 0.0, advance: bool = True) -> None:
        self.need(h)
        self.p.drawImage(QRectF(x, self.y, w, h), img)
        if advance:
            self.y += h + 16

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], shares: Sequence[float], *, px: int = 19,
              colours: Sequence[QColor | None] | None = None) -> None:
        total = sum(shares)
        xs = [0.0]
        for s in shares:
            xs.append(xs[-1] + self.width * s / total)
        row_h = px * 1.75

        def header() -> None:
            self.p.fillRect(QRectF(0, self.y, self.width, row_h), QColor("#e8eef5"))
            self.p.setFont(font_px(px, True))
            self.p.setPen(INK)
            for i, head in enumerate(headers):
                self.p.drawText(QRectF(xs[i] + 6, self.y, xs[i + 1] - xs[i] - 12, row_h),
                                Qt.AlignmentFlag.AlignVCenter, head)
            self.y += row_h

        self.need(row_h * 2)
        header()
        self.p.setFont(font_px(px))
        for r, row in enumerate(rows):
            if self.y + row_h > self.height:
                self.writer.newPage()
                self.y = 0.0
                header()
                self.p.setFont(font_px(px))
            self.p.setPen(QPen(LINE, 1))
            self.p.drawLine(0, int(self.y + row_h), int(self.width), int(self.y + row_h))
            colour = colours[r] if colours and colours[r] is not None else INK
            self.p.setPen(colour)
            for i, cell in enumerate(row):
                rect = QRectF(xs[i] + 6, self.y, xs[i + 1] - xs[i] - 12, row_h)
                text = self.p.fontMetrics().elidedText(cell, Qt.TextElideMode.ElideRight, int(rect.width()))
                self.p.drawText(rect, Qt.AlignmentFlag.AlignVCenter, text)
            self.y += row_h
        self.y += 18


def _kpi_rows(rows: Sequence[KpiRow]) -> list[list[str]]:
    out = []
    for r in rows:
        den = "" if r.denominator is None else f"{r.denominator:g}"
        prev = format_value(r.indicator, r.previous_value)
        out.append([r.indicator.name_zh, f"{r.numerator:g}", den, r.value_text(), prev])
    return out


def write_report(db: Database, out: Path, *, kind: str = "daily", day: date | None = None,
                 now_utc: datetime | None = None) -> Path:
    """Write the daily (one day) or weekly (seven days ending ``day``) report to ``out``; returns the path."""
    if kind not in ("daily", "weekly"):
        raise ValidationError(f"未知报告类型 {kind}", f"unknown report kind {kind} (daily, weekly)")
    if out.suffix.lower() != ".pdf":
        raise ValidationError("报告文件须以 .pdf 结尾", "the report file must end in .pdf")
    _app()
    now = (now_utc or datetime.now(UTC)).astimezone(UTC)
    day = day or now.astimezone(LOCAL_TZ).date()
    end_of_day = datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ).astimezone(UTC) - timedelta(seconds=1)
    as_of = min(now, end_of_day)
    facts = load_facts(db, as_of_utc=as_of)
    snap = build_snapshot(db, as_of, facts=facts)
    period = Period(day, day) if kind == "daily" else Period(day - timedelta(days=6), day)
    engine = KpiEngine(facts)
    kpis = engine.compute(period)
    scores = evaluate_scheme(engine, default_evaluation().scheme("squad"), period)

    out.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(out))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter))
    title = "长宁区城市管理日报" if kind == "daily" else "长宁区城市管理周报"
    writer.setTitle(f"{title} {period.label()}")
    writer.setCreator("urbanops")
    painter = QPainter(writer)
    try:
        doc = _Doc(writer, painter)
        doc.text(title, 40, bold=True)
        doc.text(f"统计期：{period.label()}（对比上期 {period.previous().label()}）　数据截至："
                 f"{as_of.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}　生成：{datetime.now(LOCAL_TZ):%Y-%m-%d %H:%M}",
                 17, colour=MUTED)
        overdue_open = len(snap.overdue_cases)
        doc.text(f"概况（截至统计期末）：未结案件 {snap.open_cases} 件，其中超期 {overdue_open} 件；督办中 {snap.supervised_open} 件；"
                 f"智能视频发现（7 天）{snap.ai_week} 件；社区工作室扫码上报（7 天）{snap.workroom_reports_week} 件。",
                 19)
        w = doc.width
        doc.image(map_image(db, snap, int(w), int(w * 0.55)), w, w * 0.55)
        doc.text("各街道未结案件（颜色越深越多，数字为件数）。注：边界为示意划分。", 16, colour=MUTED)
        doc.text("一、指标一览", 26, bold=True)
        doc.table(["指标", "分子", "分母", "值", "上期"], _kpi_rows(kpis), [3.4, 1.2, 1.2, 1.3, 1.3])
        writer.newPage()
        doc.y = 0.0
        doc.text("二、趋势与构成", 26, bold=True)
        trend, sources, cats = chart_images(snap, int(w), int(w * 0.36))
        doc.image(trend, w, w * 0.36)
        doc.need(w * 0.36)
        doc.image(sources, w / 2 - 10, w * 0.36, advance=False)
        doc.image(cats, w / 2 - 10, w * 0.36, x=w / 2 + 10)
        doc.text("三、中队综合评价", 26, bold=True)
        doc.table(["中队", "得分", "等级", "构成"],
                  [[s.group_label, "—" if s.score is None else f"{s.score:.1f}", s.grade or "—",
                    "；".join(f"{t.name_zh}{t.points:.1f}" for t in s.breakdown if t.term_score is not None)]
                   for s in scores], [1.6, 0.8, 0.6, 5.0], px=17)
        doc.text("四、超期未结案件（按超期时长）", 26, bold=True)
        top = snap.overdue_cases.head(15)
        rows = [[str(r.id), str(r.category), str(r.subdistrict_name or ""), str(r.assignee or ""),
                 f"{float(r.overdue_hours):.1f} 小时" if float(r.overdue_hours) > 0 else "反馈逾期", "已督办" if bool(r.supervised) else ""]
                for r in top.itertuples(index=False)]
        if rows:
            doc.table(["案件编号", "类别", "街道", "处置人员", "已超期", "督办"], rows, [2.4, 2.0, 1.6, 1.4, 1.2, 0.9],
                      px=17, colours=[RED] * len(rows))
        else:
            doc.text("当前无超期未结案件。", 19)
        doc.text("指标定义见 docs/analytics.md（由 resources/kpi/indicators.yaml 生成）。", 15, colour=MUTED)
    finally:
        painter.end()
    return out
