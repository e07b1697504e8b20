"""The main window's menu bar: 文件 (export, quit), 视图 (docks, layout, dashboard), 帮助 (shortcuts, about).

Feature areas add their own menus (勤务 from widgets/duty); this module adds the ones every desktop program is
expected to have, placed before them. Nothing here holds a business rule: exports call console functions on a
worker thread, the about box reads the provenance the data ships with.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from console import __version__

if TYPE_CHECKING:
    from widgets.main_window import MainWindow


class HtmlMapWorker(QThread):
    """Writes the offline folium map of the open cases (urbanops export-map) off the GUI thread."""

    done = Signal(str, int)
    failed = Signal(str)

    def __init__(self, window: MainWindow, path: Path) -> None:
        super().__init__(window)
        self.loaded = window.loaded
        self.path = path

    def run(self) -> None:
        try:
            from console.analytics.exports import load_case_table
            from console.analytics.html_map import write_html_map

            assert self.loaded is not None
            cases = load_case_table(self.loaded.db, open_only=True)
            write_html_map(self.path, self.loaded.ctx.geo.geography.subdistricts, cases)
            self.done.emit(str(self.path), len(cases))
        except Exception as exc:  # a failed export is reported, never fatal
            self.failed.emit(f"{type(exc).__name__}: {exc}")


class MainMenus(QObject):
    """Owns the 文件 / 视图 / 帮助 menus of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.worker: HtmlMapWorker | None = None
        bar = window.menuBar()
        first = bar.actions()[0] if bar.actions() else None  # feature menus (勤务…) stay after these
        self.file_menu = self._insert(bar, first, self.tr("文件(&F)"), "menu_file")
        self.export_map_action = self.file_menu.addAction(self.tr("导出离线地图（HTML）…"))
        self.export_map_action.triggered.connect(self.export_html_map)
        self.screenshot_action = self.file_menu.addAction(self.tr("保存窗口截图（PNG）…"))
        self.screenshot_action.triggered.connect(self.save_screenshot)
        self.file_menu.addSeparator()
        quit_action = self.file_menu.addAction(self.tr("退出"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(window.close)

        self.view_menu = self._insert(bar, first, self.tr("视图(&V)"), "menu_view")
        self.view_menu.addAction(window.home_action)
        self.view_menu.addSeparator()
        for dock in (window.queue_dock, window.details_dock, window.side_dock, window.ticker_dock,
                     getattr(window, "dashboard_dock", None)):
            if dock is not None:
                self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addSeparator()
        layout = self.view_menu.addAction(self.tr("恢复默认布局"))
        layout.triggered.connect(self.restore_layout)

        self.help_menu = bar.addMenu(self.tr("帮助(&H)"))
        self.help_menu.setObjectName("menu_help")
        keys = self.help_menu.addAction(self.tr("快捷键"))
        keys.setShortcut(QKeySequence("F1"))
        keys.triggered.connect(self.show_shortcuts)
        about = self.help_menu.addAction(self.tr("关于 urbanops"))
        about.triggered.connect(self.show_about)
        self.message_box: QMessageBox | None = None

    @staticmethod
    def _insert(bar: Any, before: QAction | None, title: str, name: str) -> QMenu:
        menu = QMenu(title, bar)
        menu.setObjectName(name)
        if before is None:
            bar.addMenu(menu)
        else:
            bar.insertMenu(before, menu)
        return menu

    # ------------------------------------------------------------------ actions
    def restore_layout(self) -> None:
        for dock in (self.window.queue_dock, self.window.details_dock, self.window.side_dock, self.window.ticker_dock):
            dock.setFloating(False)
            dock.show()
        self.window.apply_default_layout()

    def export_html_map(self, path: str | None = None) -> HtmlMapWorker | None:
        """Ask for a file (unless given) and write the map on a worker; the status bar says when it is done."""
        if self.window.loaded is None or (self.worker is not None and self.worker.isRunning()):
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.window, self.tr("导出离线地图"), "changning-cases.html",
                                                  self.tr("HTML 文件 (*.html)"))
            if not path:
                return None
        worker = HtmlMapWorker(self.window, Path(path))
        worker.done.connect(lambda p, n: self.window.statusBar().showMessage(
            self.tr("已导出离线地图：%1（%2 件未结案件）").replace("%1", p).replace("%2", str(n)), 10_000))
        worker.failed.connect(lambda msg: self._inform(self.tr("导出失败"), msg))
        self.window.statusBar().showMessage(self.tr("正在导出离线地图…"))
        self.worker = worker
        worker.start()
        return worker

    def save_screenshot(self, path: str | None = None) -> bool:
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.window, self.tr("保存窗口截图"), "urbanops.png",
                                                  self.tr("PNG 图片 (*.png)"))
            if not path:
                return False
        ok = bool(self.window.grab().save(path, "PNG"))
        if not ok:
            self._inform(self.tr("保存失败"), self.tr("无法写入 %1").replace("%1", path))
        return ok

    def shortcuts_text(self) -> str:
        rows: list[tuple[str, str]] = []
        for action in self.window.actions() + self.window.findChildren(QAction):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            text = action.text().replace("&", "")
            if keys and text and (keys, text) not in rows:
                rows.append((keys, text))
        rows.sort()
        return "<table cellspacing='6'>" + "".join(f"<tr><td><b>{k}</b></td><td>{t}</td></tr>" for k, t in rows) + "</table>"

    def show_shortcuts(self) -> QMessageBox:
        return self._inform(self.tr("快捷键"), self.shortcuts_text())

    def about_text(self) -> str:
        return (self.tr("<h3>urbanops %1</h3><p>长宁区城管指挥调度台（城管执法指挥派遣）。</p>"
                        "<p>地图数据：区界来自公开的 DataV 导出（未声明许可，部署时应换为官方图层）；道路与地铁 © "
                        "OpenStreetMap 贡献者（ODbL）。街道、社区与网格边界为示意划分，非官方边界。</p>"
                        "<p>字体：文泉驿微米黑（Apache-2.0 / GPLv3 含字体例外）。地图导出内置 Leaflet（BSD-2-Clause）。</p>"
                        "<p>来源与许可详见 resources/*/PROVENANCE.md。</p>").replace("%1", __version__))

    def show_about(self) -> QMessageBox:
        return self._inform(self.tr("关于 urbanops"), self.about_text())

    def _inform(self, title: str, text: str) -> QMessageBox:
        """Non-modal message (offscreen tests and a busy desk are never blocked by it)."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setModal(False)
        box.show()
        self.message_box = box
        return box


def install_menus(window: MainWindow) -> MainMenus:
    return MainMenus(window)
