"""English for the case evidence list (widgets/evidence_list.py)."""

from __future__ import annotations

EN: dict[str, str] = {
    "事件数据": "Event data",
    "抓拍": "Snapshot",
    "视频片段": "Clip",
    "备案记录": "Registry record",
    "识别轨迹": "Sightings track",
    "打开": "Open",
    "文件缺失": "file missing",
    "证据（%1）": "Evidence (%1)",
    "类型": "Kind",
    "大小": "Size",
    "取证": "Evidence captured",
}
