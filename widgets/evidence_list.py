"""The case's evidence list in the details panel (证据: kind, hash prefix, size, open the file).

Kept apart from widgets/details_panel.py, which only calls ``evidence_html`` and routes ``evidence:`` links to
``open_evidence``. The list reads the ``evidence`` entries of the case JSON (console/services/cases.py).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices

SCHEME = "evidence:"
DOMAIN_LABELS = [QT_TRANSLATE_NOOP("domain", "取证")]  # the timeline's label of evidence_captured (widgets/labels.py)


def kind_text(kind: str | None) -> str:
    labels = {"camera_event": QCoreApplication.translate("EvidenceList", "事件数据"),
              "snapshot": QCoreApplication.translate("EvidenceList", "抓拍"),
              "clip": QCoreApplication.translate("EvidenceList", "视频片段"),
              "registry_record": QCoreApplication.translate("EvidenceList", "备案记录"),
              "sightings_track": QCoreApplication.translate("EvidenceList", "识别轨迹")}
    return labels.get(str(kind), str(kind or ""))


def size_text(size: Any) -> str:
    if not isinstance(size, int):
        return "—"
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def evidence_html(items: list[dict[str, Any]] | None) -> str:
    """An HTML section for the details browser; empty when the case has no evidence."""
    if not items:
        return ""
    open_word = QCoreApplication.translate("EvidenceList", "打开")
    missing_word = QCoreApplication.translate("EvidenceList", "文件缺失")
    kind_word = QCoreApplication.translate("EvidenceList", "类型")
    size_word = QCoreApplication.translate("EvidenceList", "大小")
    title = QCoreApplication.translate("EvidenceList", "证据（%1）").replace("%1", str(len(items)))
    rows = []
    for i, item in enumerate(items):
        digest = str(item.get("sha256") or "")
        path = item.get("path")
        exists = isinstance(path, str) and Path(path).is_file()
        link = (f"<a href='{SCHEME}{i}' style='color:#56ccf2'>{escape(open_word)}</a>" if exists
                else f"<span style='color:#eb5757'>{escape(missing_word)}</span>")
        rows.append(f"<tr><td style='padding-right:8px'>{escape(kind_text(item.get('kind')))}</td>"
                    f"<td style='font-family:monospace;color:#8fa3b8;padding-right:8px'>{escape(digest[:12])}</td>"
                    f"<td style='padding-right:8px;white-space:nowrap'>{escape(size_text(item.get('size')))}</td>"
                    f"<td>{link}</td></tr>")
    return (f"<h4 style='margin-top:8px'>{escape(title)}</h4><table cellspacing='2'>"
            f"<tr style='color:#8fa3b8'><td>{escape(kind_word)}</td><td>SHA-256</td><td>{escape(size_word)}</td>"
            f"<td></td></tr>{''.join(rows)}</table>")


def open_evidence(url: QUrl, case: dict[str, Any]) -> bool:
    """Open an ``evidence:<index>`` link of ``case`` with the system's viewer; False for other links."""
    text = url.toString()
    if not text.startswith(SCHEME):
        return False
    try:
        item = (case.get("evidence") or [])[int(text.removeprefix(SCHEME))]
    except (ValueError, IndexError):
        return True
    path = item.get("path")
    if isinstance(path, str) and Path(path).is_file():
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))
    return True
