"""The notice bar (通知栏): the newest active notice to all seats, coloured by level, with a count of the others.

Fed by the World (notices are ``notice`` entities folded from the log, so a notice posted on another seat appears as
soon as the seat follower delivers it); expiry is re-checked on the window's clock tick.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from console.collab.service import is_notice_active
from console.world import World
from widgets.labels import local_time

LEVEL_STYLE = {"urgent": ("#7a1f24", "#ffe3e3"), "warning": ("#6b5214", "#fff3cd"), "info": ("#1d3b57", "#dcecff")}


def active_notices(world: World, now_utc: datetime, loaded: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Notices read at start-up (``loaded``) overlaid by those folded since (the World's ``notice`` bucket)."""
    merged = {str(n["id"]): n for n in loaded or []}
    merged.update({str(k): v for k, v in world.assets.get("notice", {}).items()})
    notices = [n for n in merged.values() if is_notice_active(n, now_utc)]
    return sorted(notices, key=lambda n: (str(n.get("created_at")), str(n.get("id"))), reverse=True)


class NoticeBar(QWidget):
    """One line; hidden when there is nothing to show. ``post`` opens the post dialog (hook supplies it)."""

    def __init__(self, world: World, post: Callable[[], None] | None = None, parent: QWidget | None = None,
                 loaded: list[dict[str, Any]] | None = None) -> None:
        super().__init__(parent)
        self.loaded = loaded or []
        self.setObjectName("notice_bar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # let the level colour fill the bar
        self.world = world
        self.label = QLabel(self)
        self.label.setObjectName("notice_text")
        self.more = QLabel(self)
        self.post_btn = QPushButton(self.tr("发布通知…"), self)
        self.post_btn.setVisible(post is not None)
        if post is not None:
            self.post_btn.clicked.connect(post)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 2, 8, 2)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.more)
        lay.addWidget(self.post_btn)
        self.shown: list[dict[str, Any]] = []
        self.refresh()

    def refresh(self) -> None:
        self.shown = active_notices(self.world, self.world.now_utc, self.loaded)
        if not self.shown:
            self.label.setText(self.tr("暂无全员通知"))
            self.more.setText("")
            self.setStyleSheet("")
            return
        top = self.shown[0]
        bg, fg = LEVEL_STYLE.get(str(top.get("level")), LEVEL_STYLE["info"])
        self.setStyleSheet(f"#notice_bar {{ background: {bg}; border-radius: 3px; }} "
                           f"#notice_bar QLabel {{ color: {fg}; font-weight: bold; }}")
        self.setAutoFillBackground(True)
        body = f" — {top['body']}" if top.get("body") else ""
        self.label.setText(f"【通知】{local_time(top.get('created_at'), '%H:%M')} {top.get('author') or ''}："
                           f"{top.get('title')}{body}")
        self.more.setText(self.tr("另有 %1 条").replace("%1", str(len(self.shown) - 1)) if len(self.shown) > 1 else "")
