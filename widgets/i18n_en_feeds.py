"""English for the live-feed strings (status-bar feed-health indicator, widgets/live_feed.py)."""

from __future__ import annotations

EN: dict[str, str] = {
    "定位": "Positions",
    "视频": "Cameras",
    "感知": "Sensors",
    "投诉": "Complaints",
    "正常": "OK",
    "重连中": "reconnecting",
    "未连接": "not connected",
    "无数据": "no data",
    "%1秒前": "%1 s ago",
    "%1分钟前": "%1 min ago",
    "%1小时前": "%1 h ago",
    "%1：%2，最后消息 %3，消息 %4 条，拒收 %5 条": "%1: %2, last message %3, %4 messages, %5 rejected",
}
