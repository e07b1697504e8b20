"""English for the replay window (widgets/replay/) and the main window's read-only mode."""

from __future__ import annotations

EN: dict[str, str] = {
    "%1 分钟": "%1 min",
    "%1 秒": "%1 s",
    "⏸ 暂停": "⏸ Pause",
    "▶ 播放": "▶ Play",
    "◀ 上一事件": "◀ Previous event",
    "下一事件 ▶": "Next event ▶",
    "前进所选间隔": "Forward by the chosen interval",
    "后退所选间隔": "Back by the chosen interval",
    "回放": "Replay",
    "回放文件": "replay file",
    "回放时间": "replay time",
    "回放时间轴": "Replay timeline",
    "回放模式 / REPLAY · 只读 · %1 %2 · %3 — %4": "REPLAY · read-only · %1 %2 · %3 — %4",
    "回放模式 / REPLAY · 只读 · 正在加载…": "REPLAY · read-only · loading…",
    "回放模式 / REPLAY — 长宁区城管指挥调度台": "REPLAY — Changning Urban Management Command Console",
    "回放模式只读": "Replay is read-only",
    "回放模式只读，不能执行操作": "Replay is read-only: actions cannot be run",
    "循环区间": "Loop range",
    "所选案件下一事件": "Next event of selected case",
    "指标（%1）：": "KPIs (%1): ",
    "摄像头事件（回放时刻前后）": "Camera events (around the replay time)",
    "数据库（只读）": "database (read-only)",
    "此版本没有视频模块": "This build has no video module",
    "该案件在回放时段内没有后续事件": "The case has no later event in the replay period",
    "请先选择一个案件": "Select a case first",
    "跟随所选": "Follow selected",
    "跳转到 09:00 或 2026-11-28T09:00": "Jump to 09:00 or 2026-11-28T09:00",
    "（有录像）": " (clip)",
    "智能识别立案": "AI detection → case",
}
EN.update({
    "正在生成录像…": "Rendering the clip…",
    "演示摄像头为合成画面（按时刻确定生成）": "Demo cameras show synthetic footage (rendered deterministically for the moment)",
    "录像 %1 @ %2": "Clip %1 @ %2",
})
EN.update({
    "回放已加载：事件 %1 条，轨迹 %2 点，队员 %3 人（%4 秒）":
        "Replay loaded: %1 events, %2 track points, %3 officers (%4 s)",
})
EN["全部轨迹已加载：%1 点"] = "All tracks loaded: %1 points"
