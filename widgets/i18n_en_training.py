"""English for the drill mode (widgets/drill_mode.py): the drill banner and the trainer's results dialog."""

from __future__ import annotations

EN: dict[str, str] = {
    "演练": "Drill",
    "演练成绩…": "Drill results…",
    "演练成绩": "Drill results",
    "已结束": "finished",
    "进行中": "running",
    "演练模式 %1 · 演练时间 %2 · ×%3 · 学员 %4 · 待到达案件 %5 · %6":
        "DRILL %1 · drill time %2 · ×%3 · trainee %4 · cases still to come %5 · %6",
    "刷新": "Refresh",
    "演练 %1：学员 %2 人，未派遣案件 %3 件，尚未到达 %4 件":
        "Drill %1: %2 trainees, %3 cases not dispatched, %4 not yet arrived",
    "学员": "Trainee",
    "得分": "Score",
    "派遣": "Dispatched",
    "按时": "On time",
    "平均响应(分)": "Mean response (min)",
    "平均到场(分)": "Mean arrival (min)",
    "跨辖区": "Outside jurisdiction",
    "资质不符": "Not qualified",
    "同实际派遣": "Same as real",
}
