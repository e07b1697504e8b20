"""Runs workflow actions chosen in the UI through CaseService; refusals come back as plain-language messages.

No rules here: which actions are offered comes from the workflow table, whether one is allowed from the service.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from console.domain.enums import CaseStatus, Role
from console.errors import DomainError
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.outbox import ResilientCommands
from console.services.writer import OVERRIDE_KEY
from console.world import World
from widgets.action_dialog import ActionDialog
from widgets.i18n import current_language
from widgets.labels import action_text, officer_status_text

OVERRIDE_ACTIONS = ("assign", "reassign")  # the dialog's reason is the written override (docs/dispatch.md)
DECISION_ACTIONS = ("legal_approve",)  # the dialog asks for the decision (console/domain/legal_decision.py)


def error_text(exc: DomainError) -> str:
    """The domain error in the UI language."""
    return exc.message_en if current_language() == "en" else exc.message_zh


def available_actions(ctx: ServiceContext, status: str, role: Role) -> list[str]:
    return ctx.workflow.available_actions(CaseStatus(status), role)


def assignment_commands(window: Any) -> ResilientCommands | None:
    """The window's outbox command path when the security UI started one: dispatch-panel, batch and drag-to-assign
    assignments go through it like case actions (queued in order while the database is away)."""
    ctl = getattr(window, "actions_ctl", None)
    return ctl.commands if ctl is not None else None


class CaseActionController(QObject):
    """Asks for reason/target when the workflow table says so, then calls the service.

    Signals: ``succeeded(case_id, action)`` and ``refused(case_id, action, message)``.
    """

    succeeded = Signal(str, str)
    refused = Signal(str, str, str)
    queued = Signal(str, str)  # database away: the command waits in the local outbox

    def __init__(self, ctx: ServiceContext, world: World, actor: Callable[[], Actor],
                 parent_widget: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self.ctx = ctx
        self.world = world
        self.actor = actor
        self.parent_widget = parent_widget
        self.service = CaseService(ctx)
        self.commands: ResilientCommands | None = None  # the local outbox path, set by widgets.security.hook
        self.dialog: ActionDialog | None = None

    def request(self, case_id: str, action: str) -> None:
        """Start an action: opens the dialog when needed (non-blocking), else runs it at once."""
        spec = self.ctx.workflow.actions.get(action)
        if spec is None:
            return
        need_decision = action in DECISION_ACTIONS
        if spec.reason_required or spec.target_required or need_decision:
            override = action in OVERRIDE_ACTIONS and not spec.reason_required
            dlg = ActionDialog(action_text(action), case_id, need_reason=spec.reason_required or override,
                               need_target=spec.target_required, targets=self.target_choices(case_id),
                               need_decision=need_decision, parent=self.parent_widget)
            if override:
                # Choosing an officer by hand in this dialog is an explicit decision; the (editable) text is kept
                # in the event as the override reason should the officer be outside jurisdiction or uncertified.
                dlg.set_reason(self.tr("调度员在派遣对话框中手动指定"))
                dlg.accepted.connect(lambda: self.run(case_id, action, target=dlg.target(),
                                                      override_reason=dlg.reason()))
            else:
                dlg.accepted.connect(lambda: self.run(case_id, action, reason=dlg.reason(), target=dlg.target(),
                                                      decision=dlg.decision()))
            dlg.finished.connect(lambda _r: setattr(self, "dialog", None))
            self.dialog = dlg
            dlg.open()
            return
        self.run(case_id, action)

    def run(self, case_id: str, action: str, *, reason: str | None = None, target: str | None = None,
            override_reason: str | None = None, decision: dict[str, Any] | None = None) -> bool:
        payload: dict[str, Any] | None = {OVERRIDE_KEY: override_reason} if override_reason else None
        if decision:
            payload = {**(payload or {}), "decision": decision}
        if self.commands is not None:  # through the local outbox (queued while the database is away)
            result = self.commands.act(case_id, action, self.actor(), reason=reason, target=target, payload=payload)
            if result.status == "queued":
                self.queued.emit(case_id, action)
                return True
            if result.error is not None:
                self.refused.emit(case_id, action, error_text(result.error))
                return False
            self.world.tail(self.ctx.db)
            self.succeeded.emit(case_id, action)
            return True
        try:
            self.service.act(case_id, action, self.actor(), reason=reason, target=target, payload=payload)
        except DomainError as exc:
            self.refused.emit(case_id, action, error_text(exc))
            return False
        self.world.tail(self.ctx.db)
        self.succeeded.emit(case_id, action)
        return True

    def target_choices(self, case_id: str) -> list[tuple[str, str]]:
        """Officers of the case's subdistrict first (idle, then nearest), then other officers, squads and units."""
        case = self.world.cases.get(case_id, {})
        sub = case.get("subdistrict_code")
        lon0, lat0 = float(case.get("lon") or 0.0), float(case.get("lat") or 0.0)
        rows: list[tuple[tuple[Any, ...], str, str]] = []
        for oid, o in self.world.officers.items():
            if o.get("post") != "officer" or not o.get("active", True):
                continue
            dist_km = math.hypot((float(o.get("lon") or lon0) - lon0) * 95.0, (float(o.get("lat") or lat0) - lat0) * 111.0)
            status = str(o.get("status") or "")
            key = (o.get("subdistrict_code") != sub, status == "off_duty", status != "on_duty_idle", dist_km)
            label = f"{o.get('name', oid)} {oid} · {officer_status_text(status)} · {dist_km:.1f} km"
            rows.append((key, str(oid), label))
        rows.sort(key=lambda r: r[0])
        out = [(oid, label) for _k, oid, label in rows]
        for kind in ("squad", "unit"):
            for aid, a in sorted(self.world.assets.get(kind, {}).items()):
                out.append((aid, f"{a.get('name', aid)} {aid}"))
        return out
