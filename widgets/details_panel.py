"""Details of the selected case (fields, SLA countdown, masked reporter, attachments, timeline, action buttons)
or officer (squad, status, last fix and its age, current orders)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.domain.enums import Role
from console.errors import DomainError
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.storage.eventstore import StoredEvent
from console.world import World
from widgets.case_actions import available_actions, error_text
from widgets.case_model import sla_seconds_left
from widgets.evidence_list import evidence_html, open_evidence
from widgets.labels import (
    action_text,
    countdown_text,
    local_time,
    officer_status_text,
    post_text,
    priority_text,
    role_text,
    source_text,
    status_text,
)
from widgets.officer_board import age_text, fix_age_s
from widgets.theme import OVERDUE_COLOUR, WARN_COLOUR, status_colour

ACTION_COLUMNS = 3


class CaseDetails(QWidget):
    actionRequested = Signal(str, str)  # case id, action

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_id: str | None = None
        self.case: dict[str, Any] = {}
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.sla = QLabel(self)
        self.sla.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.message.setStyleSheet("QLabel { background: #5a1f24; color: #ffe3e3; padding: 6px; border-radius: 3px; }")
        self.body = QTextBrowser(self)
        self.body.setOpenLinks(False)
        self.body.anchorClicked.connect(lambda url: open_evidence(url, self.case))
        self.actions_box = QWidget(self)
        self.actions_grid = QGridLayout(self.actions_box)
        self.actions_grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        head = QGridLayout()
        head.addWidget(self.title, 0, 0)
        head.addWidget(self.sla, 0, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(head)
        lay.addWidget(self.actions_box)
        lay.addWidget(self.message)
        lay.addWidget(self.body, 1)

    def show_case(self, case: dict[str, Any], timeline: list[StoredEvent], actions: list[str],
                  names: dict[str, Any]) -> None:
        if case.get("id") != self.case_id:
            self.message.setVisible(False)
        self.case_id = str(case["id"])
        self.case = case
        colour = status_colour(case["status"]).name()
        self.title.setText(f"<span style='font-size:15px;font-weight:bold'>{escape(self.case_id)}</span>&nbsp;&nbsp;"
                           f"<span style='color:{colour};font-weight:bold'>● {escape(status_text(case['status']))}</span>")
        self._fill_actions(actions)
        self.body.setHtml(self._html(case, timeline, names))

    def update_sla(self, case_state: dict[str, Any] | None, now_utc: Any) -> None:
        if case_state is None:
            self.sla.setText("")
            return
        left = sla_seconds_left(case_state, now_utc)
        if left is None:
            self.sla.setText("")
            return
        colour = OVERDUE_COLOUR if left < 0 else WARN_COLOUR if left < 3600 else "#6fcf97"
        sla_word = self.tr("时限")
        self.sla.setText(f"<span style='color:{colour};font-size:15px;font-weight:bold'>"
                         f"{escape(sla_word)} {escape(countdown_text(left))}</span>")

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)

    def _fill_actions(self, actions: list[str]) -> None:
        for b in self.buttons.values():
            b.deleteLater()
        self.buttons.clear()
        for i, name in enumerate(actions):
            b = QPushButton(action_text(name), self.actions_box)
            b.setObjectName(f"action_{name}")
            b.clicked.connect(lambda _c=False, n=name: self.actionRequested.emit(self.case_id or "", n))
            self.actions_grid.addWidget(b, i // ACTION_COLUMNS, i % ACTION_COLUMNS)
            self.buttons[name] = b
        self.actions_box.setVisible(bool(actions))

    def _html(self, c: dict[str, Any], timeline: list[StoredEvent], names: dict[str, Any]) -> str:
        masked_word, overdue_word = self.tr("已脱敏"), self.tr("超期")
        reason_word, timeline_word = self.tr("原因"), self.tr("办理过程")
        cat = " / ".join(str(x) for x in (c.get("category_major_name"), c.get("category_minor_name")) if x)
        reporter = c.get("reporter") or {}
        rep = "—"
        if reporter:
            rep = f"{reporter.get('name') or ''} {reporter.get('phone') or ''}"
            if reporter.get("masked"):
                rep += f" <span style='color:#8fa3b8'>({masked_word})</span>"
        assignee = c.get("assignee")
        fields = [
            (self.tr("类别"), escape(cat or str(c.get("category_code") or ""))),
            (self.tr("来源"), escape(source_text(c.get("source")))),
            (self.tr("紧急度"), escape(priority_text(c.get("priority")))),
            (self.tr("地址"), escape(str(c.get("address") or ""))),
            (self.tr("街道 / 社区"), escape(f"{c.get('subdistrict') or ''} {c.get('community') or ''}")),
            (self.tr("网格"), escape(str(c.get("grid_code") or ""))),
            (self.tr("处置人"), escape(f"{names.get(str(assignee), '')} {assignee}" if assignee else "—")),
            (self.tr("环节时限"), escape(local_time(c.get("deadline"), "%Y-%m-%d %H:%M"))),
            (self.tr("处置时限"), escape(local_time(c.get("disposal_deadline"), "%Y-%m-%d %H:%M"))),
            (self.tr("上报人"), rep),
            (self.tr("描述"), escape(str(c.get("description") or ""))),
            (self.tr("附件"), escape("、".join(map(str, c.get("attachments") or []))) or "—"),
        ]
        flags = []
        if c.get("overdue"):
            flags.append(f"<span style='color:{OVERDUE_COLOUR}'>{overdue_word}</span>")
        if c.get("supervised"):
            flags.append(self.tr("已督办"))
        if c.get("rework_count"):
            flags.append(self.tr("返工 %1 次").replace("%1", str(c["rework_count"])))
        rows = "".join(f"<tr><td style='color:#8fa3b8;padding-right:10px;white-space:nowrap'>{k}</td><td>{v}</td></tr>"
                       for k, v in fields)
        tl = []
        for ev in timeline:
            after = ev.after or {}
            status = after.get("status")
            change = f" → <span style='color:{status_colour(status).name()}'>{escape(status_text(status))}</span>" \
                if status and ev.action != "create" else ""
            target = after.get("assignee") if ev.action in ("assign", "reassign") else None
            extra = f" → {escape(str(names.get(str(target), target)))}" if target else ""
            reason = f"<br/><span style='color:#8fa3b8'>{escape(reason_word)}：{escape(ev.reason)}</span>" \
                if ev.reason else ""
            tl.append(f"<tr><td style='color:#8fa3b8;white-space:nowrap;padding-right:8px'>"
                      f"{escape(local_time(ev.ts_utc, '%m-%d %H:%M'))}</td>"
                      f"<td><b>{escape(action_text(ev.action))}</b>{change}{extra}"
                      f" <span style='color:#8fa3b8'>· {escape(role_text(ev.role))} {escape(ev.actor)}</span>{reason}"
                      f"</td></tr>")
        return (f"<div>{' · '.join(flags)}</div><table cellspacing='2'>{rows}</table>{evidence_html(c.get('evidence'))}"
                f"<h4 style='margin-top:8px'>{timeline_word}（{len(timeline)}）</h4>"
                f"<table cellspacing='2'>{''.join(tl)}</table>")


class OfficerDetails(QWidget):
    caseRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.officer_id: str | None = None
        self.body = QTextBrowser(self)
        self.body.setOpenLinks(False)
        self.body.anchorClicked.connect(lambda url: self.caseRequested.emit(url.toString().removeprefix("case:")))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.body)

    def show_officer(self, o: dict[str, Any], squad_name: str, orders: list[dict[str, Any]], now_utc: Any) -> None:
        self.officer_id = str(o["id"])
        orders_word = self.tr("当前任务")
        status = str(o.get("status") or "")
        lon, lat = o.get("lon"), o.get("lat")
        fix = f"{float(lon):.5f}, {float(lat):.5f}" if lon is not None and lat is not None else "—"
        rows = [
            (self.tr("编号"), escape(f"{o['id']}  {o.get('badge_no') or ''}")),
            (self.tr("岗位"), escape(post_text(o.get("post")))),
            (self.tr("中队"), escape(squad_name)),
            (self.tr("状态"), f"<span style='color:#56ccf2'>{escape(officer_status_text(status))}</span>"),
            (self.tr("最后定位"), escape(f"{fix} · {local_time(o.get('fix_ts_utc'), '%H:%M:%S')} "
                                   f"({age_text(fix_age_s(o, now_utc))})")),
            (self.tr("班次"), escape(str(o.get("shift") or ""))),
        ]
        table = "".join(f"<tr><td style='color:#8fa3b8;padding-right:10px'>{k}</td><td>{v}</td></tr>" for k, v in rows)
        order_rows = "".join(
            f"<li><a href='case:{escape(str(c['id']))}' style='color:#56ccf2'>{escape(str(c['id']))}</a> "
            f"{escape(status_text(c['status']))} {escape(str(c.get('address') or ''))}</li>" for c in orders)
        self.body.setHtml(f"<div style='font-size:15px;font-weight:bold'>{escape(str(o.get('name', o['id'])))}</div>"
                          f"<table>{table}</table><h4>{orders_word}（{len(orders)}）</h4>"
                          f"<ul>{order_rows or '<li>—</li>'}</ul>")


class DetailsPanel(QStackedWidget):
    """Shows a case or an officer; reads through CaseService and the World, never the tables."""

    caseShown = Signal(str)  # after a case is (re)shown: lets feature areas add to the view (widgets/collab)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = QLabel(self.tr("在地图或列表中选择案件或队员以查看详情"), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.case_view = CaseDetails(self)
        self.officer_view = OfficerDetails(self)
        self.addWidget(self.placeholder)
        self.addWidget(self.case_view)
        self.addWidget(self.officer_view)
        self.ctx: ServiceContext | None = None
        self.world: World | None = None
        self.role: Callable[[], Role] = lambda: Role.DISPATCHER
        self.names: Callable[[], dict[str, Any]] = dict
        # Replay sets this: (case JSON, timeline) as they stood at the replay instant, instead of reading the tables.
        self.case_source: Callable[[str], tuple[dict[str, Any], list[StoredEvent]] | None] | None = None

    def bind(self, ctx: ServiceContext, world: World, role: Callable[[], Role],
             names: Callable[[], dict[str, Any]]) -> None:
        self.ctx, self.world, self.role, self.names = ctx, world, role, names

    def show_case(self, case_id: str) -> bool:
        if self.ctx is None or self.world is None:
            return False
        if self.case_source is not None:
            found = self.case_source(case_id)
            if found is None:
                return False
            case, timeline = found
        else:
            try:
                case = CaseService(self.ctx).get_case(case_id)
            except DomainError as exc:
                self.case_view.show_message(error_text(exc))
                return False
            timeline = self.world.case_timeline(self.ctx.db, case_id)
        actions = available_actions(self.ctx, case["status"], self.role())
        self.case_view.show_case(case, timeline, actions, self.names())
        self.case_view.update_sla(self.world.cases.get(case_id), self.world.now_utc)
        self.setCurrentWidget(self.case_view)
        self.caseShown.emit(case_id)
        return True

    def show_officer(self, officer_id: str) -> bool:
        if self.world is None:
            return False
        o = self.world.officers.get(officer_id)
        if o is None:
            return False
        squad = self.world.assets.get("squad", {}).get(str(o.get("squad_id")), {})
        self.officer_view.show_officer(o, str(squad.get("name") or o.get("squad_id") or ""),
                                       self.world.open_orders_of(officer_id), self.world.now_utc)
        self.setCurrentWidget(self.officer_view)
        return True

    def refresh(self) -> None:
        """Re-read whatever is shown (after its case or officer changed)."""
        if self.currentWidget() is self.case_view and self.case_view.case_id:
            self.show_case(self.case_view.case_id)
        elif self.currentWidget() is self.officer_view and self.officer_view.officer_id:
            self.show_officer(self.officer_view.officer_id)

    def tick(self) -> None:
        if self.world is not None and self.currentWidget() is self.case_view and self.case_view.case_id:
            self.case_view.update_sla(self.world.cases.get(self.case_view.case_id), self.world.now_utc)
