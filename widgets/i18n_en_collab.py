"""English for the collaboration widgets (widgets/collab/) and the collaboration domain labels (widgets/labels.py)."""

from __future__ import annotations

EN: dict[str, str] = {
    # domain labels: entity kinds and actions of console/collab
    "备注": "Note", "提及": "Mention", "移交": "Handoff", "通知": "Notice", "工作站工单": "Workstation order",
    "添加备注": "note added", "回复": "replied", "已读": "read", "申请移交": "Request handoff",
    "接收移交": "Accept handoff", "拒收移交": "Decline handoff", "发布通知": "Post notice", "撤回通知": "notice withdrawn",
    "生成工单": "order opened", "升级至中队": "escalated to the squad", "办结": "closed", "传感器恢复": "sensor cleared",
    "导入": "imported", "报警": "Alarm", "恢复正常": "back to normal",
    # windows and panels
    "%1 · 传感器 %2 个（报警 %3）· 在办工单 %4（已升级 %5）· 在岗 %6 人 · 摄像头 %7 路":
        "%1 · %2 sensors (%3 in alarm) · %4 open orders (%5 escalated) · %6 staff on duty · %7 cameras",
    "上一班新增": "new last shift", "交接班摘要": "Shift handover", "传感器": "Sensor", "先选择一条工单": "Select an order first",
    "写备注，@中队/@队员/@用户 通知对方（回车发送）": "Write a note; @squad/@officer/@user to notify them (Enter sends)",
    "升级时限/升级至": "Escalates at / to", "协同办公": "Collaboration", "发布通知…": "Post notice…", "发送": "Send",
    "另有 %1 条": "%1 more", "名称": "Name", "周边摄像头": "Cameras nearby",
    "图片、PDF、文本、视频 (*.jpg *.jpeg *.png *.pdf *.txt *.mp4)": "Images, PDF, text, video (*.jpg *.jpeg *.png *.pdf *.txt *.mp4)",
    "在办 %1 件 · 已超时 %2 · 本班将超时 %3 · 督办 %4 · 挂账 %5 · 待接收移交 %6 · 工作站升级 %7":
        "Open %1 · overdue %2 · will breach this shift %3 · supervised %4 · hung %5 · pending handoffs %6 · "
        "escalated workstation orders %7",
    "在办": "Open", "在岗人员": "Staff on duty", "城运工作站 · 华阳路街道": "Workstations · Huayang Road",
    "城运工作站": "Workstations", "处理情况：": "What was done:", "备注与协同": "Notes and collaboration",
    "导出 PDF…": "Export PDF…", "导出交接班摘要": "Export handover digest", "就地办结": "Close locally",
    "就地办结所选工单…": "Close selected order locally…", "层级": "Level", "居委工作站": "Committee workstation",
    "岗位": "Post", "工作站升级（%1）": "Workstation escalations (%1)", "工单": "Order",
    "工单（先由工作站就地处置，超时升级至中队）": "Work orders (handled locally first, escalated to the squad when late)",
    "已办结": "Closed", "已超时": "Overdue", "开放时间": "Opening hours",
    "当前岗位无权发布全员通知": "Your post may not post notices to all seats", "当前读数": "Reading",
    "待接收移交（%1）": "Pending handoffs (%1)", "待接收移交：%1 → %2": "Pending handoff: %1 → %2", "我的提及": "My mentions",
    "承办": "Holder", "拒收…": "Decline…", "拒收理由：": "Reason for declining:", "挂账": "Hung",
    "接班班次": "Incoming shift", "摄像头": "Camera", "时间": "Time", "暂无全员通知": "No notices",
    "期限": "Deadline", "本班将超时": "Will breach this shift", "标记": "Flag", "案件": "Case", "案件编号": "Case no.",
    "正在生成…": "Generating…", "正常": "Normal", "没有未读的提及": "No unread mentions", "物联感知": "IoT sensors",
    "状态": "Status", "生成": "Opened", "申请移交…": "Request handoff…", "督办": "Supervised", "社区工作室": "Workrooms",
    "移交理由：": "Reason for the handoff:",
    "移交给（中队或处置单位编号，如 SQ005、U-GREEN）：": "Hand off to (squad or unit id, e.g. SQ005, U-GREEN):",
    "筛选：编号、名称、街道、联系人": "Filter: id, name, subdistrict, contact", "类别": "Category", "类型": "Kind",
    "编号": "Id", "联系人": "Contact", "街道": "Subdistrict", "诉件": "Complaints", "读数时间": "Read at",
    "选择一个社区工作室": "Select a workroom", "选择附件": "Choose attachments",
    "通知内容（全体席位可见）：": "Notice (shown on every seat):", "阈值": "Threshold", "队员": "Officer",
    "附件…": "Attach…", "附件（%1）": "Attachments (%1)", "地址": "Address", "已结案": "Closed",
    "按期结案率": "On-time closure", "近7天": "Last 7 days", "近30天": "Last 30 days", "主要问题": "Main issues",
}
