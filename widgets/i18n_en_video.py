"""English for the video widgets (widgets/video/): camera tiles and the evidence clip player."""

from __future__ import annotations

EN: dict[str, str] = {
    "正在连接…": "Connecting…",
    "离线 / 正在重试…": "Offline / retrying…",
    "（%1 秒）": " (%1 s)",
    "未打开": "Not open",
    "播放": "Play",
    "暂停": "Pause",
    "上一帧（,）": "Previous frame (,)",
    "下一帧（.）": "Next frame (.)",
    "导出快照": "Export snapshot",
    "把当前帧存为 PNG": "Save the current frame as PNG",
    "速度": "Speed",
    "正在打开…": "Opening…",
    "帧 %1/%2": "Frame %1/%2",
    "快照保存失败": "Saving the snapshot failed",
}
