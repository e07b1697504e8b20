"""English for the duty and personnel UI (widgets/duty, maps/coverage_layer, duty labels)."""

from __future__ import annotations

EN: dict[str, str] = {
    "勤务": "Duty",
    "排班表": "Roster",
    "人员管理": "Personnel",
    "刷新巡查覆盖率": "Refresh patrol coverage",
    "巡查覆盖率": "Patrol coverage",
    "中队": "Squad",
    "周起始": "Week of",
    "排班模式": "Pattern",
    "生成下周排班": "Build next week's roster",
    "按所选排班模式生成所选中队下周（周一至周日）的排班":
        "Roster the selected squad for next week (Monday to Sunday) from the selected pattern",
    "周一": "Mon", "周二": "Tue", "周三": "Wed", "周四": "Thu", "周五": "Fri", "周六": "Sat", "周日": "Sun",
    "%1 人，本周已排 %2 个班次（共 %3 格）": "%1 officers, %2 of %3 officer-days rostered this week",
    "已生成下周排班：%1 人，写入 %2 条事件": "Next week's roster built: %1 officers, %2 events written",
    "调整班次": "Change shift",
    "全部中队": "All squads",
    "编号": "ID",
    "姓名": "Name",
    "岗位": "Post",
    "职级": "Rank",
    "执法证": "Certificate",
    "有效期": "Expires",
    "终端": "Devices",
    "电话": "Phone",
    "状态": "Status",
    "停用": "Deactivated",
    "责任网格": "Duty grid",
    "长时间无人巡查": "unvisited too long",
    "恢复巡查": "visited again",
    "签到": "signed in",
    "签退": "signed out",
}
