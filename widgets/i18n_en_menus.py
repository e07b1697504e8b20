"""English for the menu bar (widgets/menus.py)."""

from __future__ import annotations

EN: dict[str, str] = {
    "文件(&F)": "&File",
    "导出离线地图（HTML）…": "Export offline map (HTML)…",
    "保存窗口截图（PNG）…": "Save window screenshot (PNG)…",
    "退出": "Quit",
    "视图(&V)": "&View",
    "恢复默认布局": "Restore default layout",
    "帮助(&H)": "&Help",
    "快捷键": "Keyboard shortcuts",
    "关于 urbanops": "About urbanops",
    "导出离线地图": "Export offline map",
    "HTML 文件 (*.html)": "HTML files (*.html)",
    "已导出离线地图：%1（%2 件未结案件）": "Offline map exported: %1 (%2 open cases)",
    "导出失败": "Export failed",
    "正在导出离线地图…": "Exporting the offline map…",
    "保存窗口截图": "Save window screenshot",
    "PNG 图片 (*.png)": "PNG images (*.png)",
    "保存失败": "Save failed",
    "无法写入 %1": "Cannot write %1",
    "<h3>urbanops %1</h3><p>长宁区城管指挥调度台（城管执法指挥派遣）。</p>"
    "<p>地图数据：区界来自公开的 DataV 导出（未声明许可，部署时应换为官方图层）；道路与地铁 © "
    "OpenStreetMap 贡献者（ODbL）。街道、社区与网格边界为示意划分，非官方边界。</p>"
    "<p>字体：文泉驿微米黑（Apache-2.0 / GPLv3 含字体例外）。地图导出内置 Leaflet（BSD-2-Clause）。</p>"
    "<p>来源与许可详见 resources/*/PROVENANCE.md。</p>":
        "<h3>urbanops %1</h3><p>Changning District urban-management command and dispatch console.</p>"
        "<p>Map data: the district boundary comes from a public DataV export (no licence stated; replace it with the "
        "official layer when deploying); roads and metro © OpenStreetMap contributors (ODbL). Subdistrict, community "
        "and grid boundaries are an approximate partition, not official boundaries.</p>"
        "<p>Font: WenQuanYi Micro Hei (Apache-2.0 / GPLv3 with font exception). Map exports embed Leaflet "
        "(BSD-2-Clause).</p><p>Sources and licences: resources/*/PROVENANCE.md.</p>",
}
