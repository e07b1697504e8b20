"""The shift handover digest (交接班摘要) as a PDF: the same page cursor and bundled CJK font as the daily report."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPdfWriter

from console.collab.handover import DigestItem, HandoverDigest
from console.domain.enums import CaseStatus
from console.domain.taxonomy import Taxonomy, default_taxonomy
from widgets.report_pdf import DPI, MUTED, RED, _app, _Doc

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
MAX_ROWS = 60
AMBER = QColor("#a86400")


def _local(iso: str | None) -> str:
    if not iso:
        return "—"
    from datetime import datetime

    return datetime.fromisoformat(iso).astimezone(LOCAL_TZ).strftime("%m-%d %H:%M")


def status_zh(status: str) -> str:
    try:
        return CaseStatus(status).label_zh
    except ValueError:
        return status


def _rows(items: list[DigestItem], taxonomy: Taxonomy) -> list[list[str]]:
    out = []
    for i in items[:MAX_ROWS]:
        cat = taxonomy.categories.get(i.category_code)
        out.append([i.case_id + (" 新" if i.flag == "new" else ""), cat.minor_name if cat else i.category_code,
                    status_zh(i.status), i.subdistrict_name or "", i.assignee or "", _local(i.deadline_utc)])
    return out


def write_handover_pdf(digest: HandoverDigest, out: Path, taxonomy: Taxonomy | None = None) -> Path:
    """Write the digest; lists longer than MAX_ROWS say how many were left out."""
    _app()
    tax = taxonomy or default_taxonomy()
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(out))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    sh = digest.shift
    start, end = sh.start_utc.astimezone(LOCAL_TZ), sh.end_utc.astimezone(LOCAL_TZ)
    title = f"交接班摘要 · {sh.label_zh} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    writer.setTitle(title)
    writer.setCreator("urbanops")
    painter = QPainter(writer)
    heads = ["案件编号", "类别", "状态", "街道", "承办", "期限"]
    shares = [2.3, 2.0, 1.1, 1.5, 1.2, 1.1]
    try:
        doc = _Doc(writer, painter)
        doc.text(title, 36, bold=True)
        doc.text(f"长宁区城管执法局指挥中心　生成：{digest.generated_utc.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}", 17,
                 colour=MUTED)
        j = digest.to_json()["counts"]
        doc.text(f"在办 {j['open']} 件　已超时 {j['overdue']} 件　本班将超时 {j['breach_next_shift']} 件　"
                 f"督办 {j['escalated']} 件　挂账 {j['hung']} 件　待接收移交 {j['pending_handoffs']} 件　"
                 f"工作站升级工单 {j['escalated_work_orders']} 件", 20, bold=True)
        by_sub = "　".join(f"{k} {v}" for k, v in digest.open_by_subdistrict())
        doc.text(f"在办分布：{by_sub or '无'}", 17, colour=MUTED)
        sections = [
            ("一、本班将超时（按期限）", digest.breach_next_shift, AMBER),
            ("二、已超时未结", digest.overdue, RED),
            ("三、督办案件（“新”为上一班新增）", digest.escalated, None),
            ("四、挂账案件", digest.hung, None),
        ]
        for head, items, colour in sections:
            doc.text(f"{head}：{len(items)} 件", 24, bold=True)
            if items:
                rows = _rows(items, tax)
                doc.table(heads, rows, shares, px=16, colours=[colour] * len(rows) if colour else None)
                if len(items) > MAX_ROWS:
                    doc.text(f"……另有 {len(items) - MAX_ROWS} 件，见 urbanops handover --format json", 15, colour=MUTED)
            else:
                doc.text("无。", 18)
        doc.text(f"五、待接收移交：{len(digest.pending_handoffs)} 件", 24, bold=True)
        if digest.pending_handoffs:
            doc.table(["移交单", "案件", "从", "至", "申请人", "理由"],
                      [[str(h["id"]), str(h["case_id"]), str(h.get("from_id") or ""), str(h["to_id"]),
                        str(h["requested_by"]), str(h.get("request_reason") or "")] for h in digest.pending_handoffs],
                      [2.4, 2.2, 1.0, 1.0, 1.0, 2.4], px=16)
        doc.text(f"六、工作站升级至中队的工单：{len(digest.escalated_work_orders)} 件", 24, bold=True)
        if digest.escalated_work_orders:
            doc.table(["工单", "工作站", "传感器", "升级时间", "案件"],
                      [[str(o["id"]), str(o["workstation_id"]), str(o.get("sensor_id") or ""),
                        _local(o.get("escalated_at")), str(o.get("case_id") or "")] for o in digest.escalated_work_orders],
                      [2.8, 1.0, 1.0, 1.2, 2.2], px=16)
        doc.text("交班人签字：____________　　接班人签字：____________", 20, gap=4)
    finally:
        painter.end()
    return out
