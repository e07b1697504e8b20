"""The drill report (演练成绩单) as self-contained HTML (Qt-free); the PDF is this HTML printed by widgets/."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from console.training.scoring import CaseScore, DrillReport

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_CSS = """body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;color:#1c2733;margin:24px}
h1{font-size:20px}h2{font-size:16px;margin-top:22px;border-bottom:1px solid #c9d2dc}
table{border-collapse:collapse;width:100%;font-size:11px}th,td{border:1px solid #c9d2dc;padding:3px 5px;text-align:left}
th{background:#eef2f6}.bad{color:#d62728;font-weight:bold}.ok{color:#2a8a3e}.muted{color:#5b6b7b}"""


def _local(value: Any) -> str:
    if not value:
        return "—"
    ts = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return ts.astimezone(LOCAL_TZ).strftime("%H:%M:%S")


def _day(value: Any) -> str:
    if not value:
        return "—"
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _mins(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f}"


def _yes(flag: bool | None, bad_when: bool = False) -> str:
    if flag is None:
        return "—"
    cls = "bad" if flag == bad_when else "ok"
    return f'<span class="{cls}">{"是" if flag else "否"}</span>'


def _case_rows(cases: list[CaseScore]) -> str:
    out = []
    for c in cases:
        cells = [c.case_id or "—", c.category or "—", _local(c.created_utc), c.officer or "—",
                 _mins(c.response_s), _mins(c.real_response_s), _yes(c.sla_met, bad_when=False), _mins(c.arrival_s),
                 "—" if c.distance_travelled_m is None else f"{c.distance_travelled_m:.0f}",
                 _yes(c.wrong_unit, bad_when=True), _yes(c.wrong_category, bad_when=True),
                 c.real_assignee or "—", "—" if c.points is None else f"{c.points:.0f}"]
        out.append("<tr>" + "".join(f"<td>{x if x.startswith('<span') else html.escape(x)}</td>" for x in cells)
                   + "</tr>")
    return "\n".join(out)


_HEAD = ("<tr><th>案件 Case</th><th>类别</th><th>上报</th><th>派遣对象</th><th>响应(分)</th><th>实际响应(分)</th>"
         "<th>按时派遣 SLA</th><th>到场(分)</th><th>行驶(米)</th><th>跨辖区</th><th>资质不符</th><th>实际派遣</th>"
         "<th>得分</th></tr>")


def render_html(report: DrillReport, trainee: str | None = None) -> str:
    """The whole drill, or one trainee's part of it (``trainee``), as an HTML page."""
    d = report.drill
    parts = [f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>演练成绩 {html.escape(str(d.get('id')))}"
             f"</title><style>{_CSS}</style></head><body>",
             f"<h1>演练成绩单 Drill report — {html.escape(str(d.get('id')))}</h1>",
             f"<p>演练时段 Period: {_day(d.get('at_utc'))} – {_local(d.get('end_utc'))}（北京时间）；"
             f"脚本 Scenario: {html.escape(str(d.get('scenario') or '录制回放 recorded day'))}；"
             f"倍速 Speed: {d.get('speed')}×</p>"]
    for t in report.trainees:
        if trainee is not None and t.trainee != trainee:
            continue
        sm = t.summary()
        parts.append(f"<h2>学员 Trainee {html.escape(t.trainee)} — 得分 {t.score:.1f}</h2>")
        parts.append(f"<p>派遣 {sm['cases']} 件，按时 {sm['sla_met']} 件；平均响应 {_mins(sm['mean_response_s'])} 分，"
                     f"平均到场 {_mins(sm['mean_arrival_s'])} 分；跨辖区 {sm['wrong_unit']}，资质不符 {sm['wrong_category']}；"
                     f"与实际派遣相同 {sm['same_officer_as_real']} 件。</p>")
        parts.append(f"<table>{_HEAD}{_case_rows(t.cases)}</table>")
    if trainee is None and report.missed:
        parts.append(f"<h2>未派遣案件 Not dispatched ({len(report.missed)})</h2>")
        parts.append(f"<table>{_HEAD}{_case_rows(report.missed)}</table>")
    r = report.rules
    parts.append(f"<p class='muted'>评分规则：基础 {r.base:.0f} 分；超时 −{r.penalties['sla_missed']:.0f}，"
                 f"跨辖区 −{r.penalties['wrong_unit']:.0f}，资质不符 −{r.penalties['wrong_category']:.0f}，"
                 f"慢于实际每分钟 −{r.penalties['slower_than_real_per_min']:.0f}（至多 "
                 f"{r.penalties['slower_than_real_max']:.0f}），未达预期 −{r.penalties['expectation_missed']:.0f}。"
                 "Times are Asia/Shanghai.</p></body></html>")
    return "\n".join(parts)
