"""The evidence list in the case details panel (real Qt widgets, offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from widgets.details_panel import CaseDetails
from widgets.evidence_list import evidence_html, open_evidence, size_text

pytestmark = pytest.mark.gui


def _case(tmp_path: Path) -> dict[str, object]:
    snap = tmp_path / "s.jpg"
    snap.write_bytes(b"\xff\xd8\xff" + b"0" * 2000)
    return {"id": "CN2026112300001", "status": "reported", "category_code": "E0305", "reporter": None,
            "evidence": [{"kind": "snapshot", "sha256": "ab" * 32, "size": 2003, "path": str(snap)},
                         {"kind": "clip", "sha256": "cd" * 32, "size": 5_000_000, "path": str(tmp_path / "gone.mp4")}]}


def test_details_panel_lists_evidence_with_hash_prefix_size_and_open_link(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = CaseDetails()
    qtbot.addWidget(view)
    case = _case(tmp_path)
    view.show_case(case, [], [], {})
    html = view.evidence.text()  # the 证据/视频 tab
    assert "abababababab" in html and "cdcdcdcdcdcd" in html and "abababababab" + "ab" not in html
    text = html.replace("\xa0", " ")
    assert "2.0 KB" in text and "4.8 MB" in text
    assert "证据（2）" in html and "打开" in html and "文件缺失" in html
    assert view.tabs.tabText(1).endswith("（2）")
    assert open_evidence(QUrl("case:CN1"), case) is False
    assert open_evidence(QUrl("evidence:9"), case) is True  # a stale link does nothing, never raises
    assert open_evidence(QUrl("evidence:1"), case) is True  # the missing file is not opened


def test_no_evidence_no_section() -> None:
    assert evidence_html([]) == "" and evidence_html(None) == ""
    assert size_text(None) == "—" and size_text(512) == "512 B"
