"""English for the case evidence list (widgets/evidence_list.py) and the legal decision fields (widgets/action_dialog.py)."""

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
    "决定书文号": "Decision no.",
    "例：长城管罚字〔2026〕第0123号": "e.g. 长城管罚字〔2026〕第0123号",
    "处理决定": "Decision",
    "例：罚款人民币伍仟元": "e.g. a fine of CNY 5,000",
    "法律依据": "Legal basis",
    "例：《上海市建筑垃圾处理管理规定》": "e.g. Shanghai Construction Waste Management Provisions",
    "无罚款": "No fine",
    " 元": " CNY",
    "罚款金额": "Fine",
}
