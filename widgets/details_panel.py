"""Details of the selected case (header with status and SLA light, action buttons; tabs for fields, evidence and
video, notes, history) or officer (squad, status, last fix and its age, current orders)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from console.city.deadlines import effective_deadline
from console.domain.enums import Role
from console.errors import DomainError
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.storage.eventstore import StoredEvent
from console.world import World
from widgets.case_actions import available_actions, error_text
from widgets.case_model import WARN_BEFORE_S, sla_seconds_left
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

TAB_KEYS = ("details", "evidence", "notes", "history")
ACTION_COLUMNS = 4  # two rows for the busiest states (处置中: 7 actions) at the dock's default width
MUTED = "#8fa3b8"
GOOD_COLOUR = "#6fcf97"


def sla_colour(seconds_left: float) -> str:
    """The SLA light: red once overdue, amber within the last hour (the queue's 即将超期 threshold), else green."""
    return OVERDUE_COLOUR if seconds_left < 0 else WARN_COLOUR if seconds_left < WARN_BEFORE_S else GOOD_COLOUR


def chip_style(background: str) -> str:
    """A rounded coloured label (status chip, flags) readable on both themes."""
    return (f"QLabel {{ background: {background}; color: #0b1118; border-radius: 9px; padding: 1px 9px;"
            f" font-weight: bold; }}")


class CaseDetails(QWidget):
    """One case: a compact header (number, status chip, SLA light, category, address, flags) and the workflow buttons
    stay on top; fields, evidence/video, notes and history sit in tabs below, so a short dock still shows the facts.

    Feature areas add their widgets with :meth:`add_above_tabs` (dispatch recommendations) and :meth:`add_to_tab`
    (video check panel → ``evidence``, notes thread → ``notes``), and report counts with :meth:`set_tab_count`.
    """

    actionRequested = Signal(str, str)  # case id, action

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_id: str | None = None
        self.case: dict[str, Any] = {}
        self.title = QLabel(self)
        self.title.setObjectName("case_title")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_chip = QLabel(self)
        self.status_chip.setObjectName("case_status_chip")
        self.sla = QLabel(self)
        self.sla.setObjectName("case_sla")
        self.sla.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.category = QLabel(self)
        self.category.setObjectName("case_category")
        self.category.setTextFormat(Qt.TextFormat.RichText)
        self.deadline = QLabel(self)
        self.deadline.setObjectName("case_deadline")
        self.deadline.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.place = QLabel(self)
        self.place.setObjectName("case_place")
        self.place.setWordWrap(True)
        self.flags = QLabel(self)
        self.flags.setObjectName("case_flags")
        self.flags.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.message.setStyleSheet("QLabel { background: #5a1f24; color: #ffe3e3; padding: 6px; border-radius: 3px; }")
        self.actions_box = QWidget(self)
        self.actions_grid = QGridLayout(self.actions_box)
        self.actions_grid.setContentsMargins(0, 0, 0, 0)
        self.actions_grid.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("case_tabs")
        self.tabs.setDocumentMode(True)
        self.body = QTextBrowser(self)  # 详情: the case's fields
        self.body.setObjectName("case_fields")
        self.body.setOpenLinks(False)
        self.body.anchorClicked.connect(lambda url: open_evidence(url, self.case))
        self.evidence = QLabel(self)  # 证据: the evidence files; the video check panel joins below
        self.evidence.setObjectName("case_evidence")
        self.evidence.setTextFormat(Qt.TextFormat.RichText)
        self.evidence.setWordWrap(True)
        self.evidence.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.evidence.linkActivated.connect(lambda link: open_evidence(QUrl(link), self.case))
        self.history = QTextBrowser(self)  # 历史: the case's events in order
        self.history.setObjectName("case_history")
        self.history.setOpenLinks(False)
        self._pages: dict[str, QWidget] = {}
        self._page_layouts: dict[str, QVBoxLayout] = {}
        self._counts: dict[str, int | None] = dict.fromkeys(TAB_KEYS)
        self._seen: dict[str, int | None] = dict.fromkeys(TAB_KEYS)
        self._build_tab("details", self.body)
        evidence_page = self._build_tab("evidence", self.evidence, scroll=True)
        self._page_layouts["evidence"].addStretch(1)
        evidence_page.setObjectName("case_evidence_page")
        self._build_tab("notes", None)
        self._build_tab("history", self.history)
        self.tabs.setTabVisible(TAB_KEYS.index("notes"), False)  # until the collaboration area adds its thread
        self.tabs.currentChanged.connect(self._tab_changed)

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.title)
        top.addWidget(self.status_chip)
        top.addStretch(1)
        top.addWidget(self.sla)
        second = QHBoxLayout()
        second.addWidget(self.category, 1)
        second.addWidget(self.deadline)
        third = QHBoxLayout()
        third.addWidget(self.place, 1)
        third.addWidget(self.flags)
        self.header = QFrame(self)
        self.header.setObjectName("case_header")
        head = QVBoxLayout(self.header)
        head.setContentsMargins(0, 0, 0, 2)
        head.setSpacing(2)
        head.addLayout(top)
        head.addLayout(second)
        head.addLayout(third)
        self.main_layout = QVBoxLayout(self)
        self.main_layout.setContentsMargins(6, 6, 6, 6)
        self.main_layout.setSpacing(6)
        self.main_layout.addWidget(self.header)
        self.main_layout.addWidget(self.actions_box)
        self.main_layout.addWidget(self.message)
        self.main_layout.addWidget(self.tabs, 1)
        self.retranslate_tabs()

    # ------------------------------------------------------------------ tabs
    def _build_tab(self, key: str, widget: QWidget | None, scroll: bool = False) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 4, 0, 0)
        if widget is not None:
            lay.addWidget(widget, 0 if scroll else 1)
        self._pages[key], self._page_layouts[key] = page, lay
        holder: QWidget = page
        if scroll:
            area = QScrollArea(self)
            area.setWidgetResizable(True)
            area.setFrameShape(QFrame.Shape.NoFrame)
            area.setWidget(page)
            holder = area
        self.tabs.addTab(holder, "")
        return page

    def tab_titles(self) -> dict[str, str]:
        return {"details": self.tr("详情"), "evidence": self.tr("证据/视频"), "notes": self.tr("备注", "tab"),
                "history": self.tr("历史")}

    def retranslate_tabs(self) -> None:
        """Tab captions with their counts, and the number of items that arrived since the tab was last looked at."""
        for i, (key, title) in enumerate(self.tab_titles().items()):
            count = self._counts[key]
            text = title if not count else self.tr("%1（%2）").replace("%1", title).replace("%2", str(count))
            new = self.unread(key)
            if new:
                text += " " + self.tr("+%1 新").replace("%1", str(new))
            self.tabs.setTabText(i, text)
            self.tabs.tabBar().setTabTextColor(i, QColor(WARN_COLOUR) if new else QColor())

    def unread(self, key: str) -> int:
        count, seen = self._counts[key], self._seen[key]
        return max(0, (count or 0) - (seen or 0)) if count is not None and seen is not None else 0

    def set_tab_count(self, key: str, count: int | None) -> None:
        """The number of items in tab ``key`` for the case shown; growth while the tab is hidden shows as new."""
        self._counts[key] = count
        if self._seen[key] is None or self.current_tab() == key or count is None:
            self._seen[key] = count
        self.retranslate_tabs()

    def add_to_tab(self, key: str, widget: QWidget, stretch: int = 0) -> None:
        """Put a feature area's widget into tab ``key`` (one of TAB_KEYS) and make the tab visible."""
        lay = self._page_layouts[key]
        at = lay.count() - 1 if key == "evidence" else lay.count()  # above the evidence page's bottom stretch
        lay.insertWidget(at, widget, stretch)
        self.tabs.setTabVisible(TAB_KEYS.index(key), True)

    def add_above_tabs(self, widget: QWidget) -> None:
        """Always-visible room under the workflow buttons (the dispatch recommendations of a filed case)."""
        self.main_layout.insertWidget(self.main_layout.indexOf(self.tabs), widget)

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def current_tab(self) -> str:
        i = self.tabs.currentIndex()
        return TAB_KEYS[i] if 0 <= i < len(TAB_KEYS) else ""

    def _tab_changed(self, _index: int) -> None:
        key = self.current_tab()
        if key:
            self._seen[key] = self._counts[key]
        self.retranslate_tabs()

    # ------------------------------------------------------------------ showing
    def show_case(self, case: dict[str, Any], timeline: list[StoredEvent], actions: list[str],
                  names: dict[str, Any], facts: dict[str, str] | None = None) -> None:
        """Show ``case`` (the case JSON); ``facts`` adds what the JSON lacks (responsible unit, assignee's squad)."""
        if case.get("id") != self.case_id:
            self.message.setVisible(False)
            self._seen = dict.fromkeys(TAB_KEYS)  # a newly opened case has nothing "new" yet
        self.case_id = str(case["id"])
        self.case = case
        facts = facts or {}
        self.title.setText(f"<span style='font-size:16px;font-weight:bold'>{escape(self.case_id)}</span>")
        self.status_chip.setText(status_text(case["status"]))
        self.status_chip.setStyleSheet(chip_style(status_colour(case["status"]).name()))
        cat = " · ".join(str(x) for x in (case.get("category_minor_name"), case.get("category_major_name")) if x)
        prio = escape(priority_text(case.get("priority")))
        if case.get("priority") == "urgent":
            prio = f"<span style='color:{OVERDUE_COLOUR}'>{prio}</span>"
        self.category.setText(f"<b>{escape(cat or str(case.get('category_code') or ''))}</b> · <b>{prio}</b>")
        place = " · ".join(str(x) for x in (case.get("address"), case.get("subdistrict"), case.get("community")) if x)
        self.place.setText(place or "—")
        self.flags.setText(self._flags_html(case))
        self._fill_actions(actions)
        self.body.setHtml(self._fields_html(case, names, facts))
        items = case.get("evidence") or []
        none_word = self.tr("该案件没有证据文件")
        self.evidence.setText(evidence_html(items) or f"<span style='color:{MUTED}'>{escape(none_word)}</span>")
        self.history.setHtml(self._history_html(timeline, names))
        self.history.verticalScrollBar().setValue(self.history.verticalScrollBar().maximum())
        self.set_tab_count("evidence", len(items))
        self.set_tab_count("history", len(timeline))

    def update_sla(self, case_state: dict[str, Any] | None, now_utc: Any) -> None:
        left = sla_seconds_left(case_state, now_utc) if case_state is not None else None
        if case_state is None or left is None:
            self.sla.setText("")
            self.deadline.setText("")
            return
        colour = sla_colour(left)
        self.sla.setToolTip(self.tr("当前环节时限倒计时（红：超期，黄：1 小时内到期）"))
        self.sla.setText(f"<span style='color:{colour};font-size:16px'>●</span> "
                         f"<span style='color:{colour};font-size:15px;font-weight:bold'>"
                         f"{escape(countdown_text(left))}</span>")
        due = effective_deadline(case_state)
        due_word = self.tr("时限")
        self.deadline.setText(f"<span style='color:{MUTED}'>{escape(due_word)}</span> "
                              f"{escape(local_time(due, '%m-%d %H:%M'))}" if due is not None else "")

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

    def _flags_html(self, c: dict[str, Any]) -> str:
        flags = []
        if c.get("overdue"):
            flags.append((self.tr("超期"), OVERDUE_COLOUR))
        if c.get("supervised"):
            flags.append((self.tr("已督办"), WARN_COLOUR))
        if c.get("rework_count"):
            flags.append((self.tr("返工 %1 次").replace("%1", str(c["rework_count"])), WARN_COLOUR))
        # chips (dark text on the flag's colour) read on both themes; amber text on the light theme did not
        return "&nbsp;".join(f"<span style='background-color:{colour};color:#0b1118;font-weight:bold'>"
                             f"&nbsp;{escape(text)}&nbsp;</span>" for text, colour in flags)

    def _fields_html(self, c: dict[str, Any], names: dict[str, Any], facts: dict[str, str]) -> str:
        masked_word = self.tr("已脱敏")
        reporter = c.get("reporter") or {}
        rep = "—"
        if reporter:
            rep = escape(f"{reporter.get('name') or ''} {reporter.get('phone') or ''}")
            if reporter.get("masked"):
                rep += f" <span style='color:{MUTED}'>({escape(masked_word)})</span>"
        assignee = c.get("assignee")
        who = "—"
        if assignee:
            who = escape(f"{names.get(str(assignee), '')} {assignee}".strip())
            if facts.get("assignee_squad"):
                who += f" <span style='color:{MUTED}'>· {escape(facts['assignee_squad'])}</span>"
        cat = " / ".join(str(x) for x in (c.get("category_major_name"), c.get("category_minor_name")) if x)
        fields = [
            (self.tr("地址"), escape(str(c.get("address") or "—"))),
            (self.tr("处置人"), who),
            (self.tr("责任单位"), escape(facts.get("responsible_unit") or "—")),
            (self.tr("上报人"), rep),
            (self.tr("类别"), escape(f"{cat or ''} {c.get('category_code') or ''}".strip())),
            (self.tr("来源"), escape(source_text(c.get("source")))),
            (self.tr("紧急度"), escape(priority_text(c.get("priority")))),
            (self.tr("街道 / 社区"), escape(f"{c.get('subdistrict') or ''} {c.get('community') or ''}")),
            (self.tr("网格"), escape(str(c.get("grid_code") or ""))),
            (self.tr("环节时限"), escape(local_time(c.get("deadline"), "%Y-%m-%d %H:%M"))),
            (self.tr("处置时限"), escape(local_time(c.get("disposal_deadline"), "%Y-%m-%d %H:%M"))),
            (self.tr("上报时间"), escape(local_time(c.get("created_at"), "%Y-%m-%d %H:%M"))),
            (self.tr("描述"), escape(str(c.get("description") or ""))),
            (self.tr("附件"), escape("、".join(map(str, c.get("attachments") or []))) or "—"),
        ]
        rows = "".join(f"<tr><td style='color:{MUTED};padding-right:10px;white-space:nowrap'>{k}</td>"
                       f"<td>{v.strip() or '—'}</td></tr>" for k, v in fields)
        return f"<table cellspacing='3'>{rows}</table>"

    def _history_html(self, timeline: list[StoredEvent], names: dict[str, Any]) -> str:
        reason_word, timeline_word = self.tr("原因"), self.tr("办理过程")
        tl = []
        for ev in timeline:
            after = ev.after or {}
            status = after.get("status")
            change = f" → <span style='color:{status_colour(status).name()}'>{escape(status_text(status))}</span>" \
                if status and ev.action != "create" else ""
            target = after.get("assignee") if ev.action in ("assign", "reassign") else None
            extra = f" → {escape(str(names.get(str(target), target)))}" if target else ""
            reason = f"<br/><span style='color:{MUTED}'>{escape(reason_word)}：{escape(ev.reason)}</span>" \
                if ev.reason else ""
            tl.append(f"<tr><td style='color:{MUTED};white-space:nowrap;padding-right:8px'>"
                      f"{escape(local_time(ev.ts_utc, '%m-%d %H:%M'))}</td>"
                      f"<td><b>{escape(action_text(ev.action))}</b>{change}{extra}"
                      f" <span style='color:{MUTED}'>· {escape(role_text(ev.role))} {escape(ev.actor)}</span>{reason}"
                      f"</td></tr>")
        return (f"<div style='color:{MUTED}'>{escape(timeline_word)}（{len(timeline)}）</div>"
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
        self.case_view.show_case(case, timeline, actions, self.names(), self.case_facts(case))
        self.case_view.update_sla(self.world.cases.get(case_id), self.world.now_utc)
        self.setCurrentWidget(self.case_view)
        self.caseShown.emit(case_id)
        return True

    def case_facts(self, case: dict[str, Any]) -> dict[str, str]:
        """What the header and fields show beyond the case JSON: the 责任单位 of the category's 立结案标准 rule and the
        assigned officer's squad."""
        facts: dict[str, str] = {}
        if self.ctx is not None and case.get("category_code"):
            try:
                rule = self.ctx.taxonomy.rule_for(str(case["category_code"]), str(case.get("priority") or "*"))
            except DomainError:
                rule = None
            if rule is not None and rule.responsible_unit:
                facts["responsible_unit"] = rule.responsible_unit
        officer = self.world.officers.get(str(case.get("assignee"))) if self.world is not None else None
        if officer is not None and self.world is not None:
            squad = self.world.assets.get("squad", {}).get(str(officer.get("squad_id")), {})
            name = squad.get("name") or officer.get("squad_id")
            if name:
                facts["assignee_squad"] = str(name)
        return facts

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
