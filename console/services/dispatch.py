"""Dispatch commands beyond one workflow action: batch assignment, the order's field life, SLA escalation.

Everything goes through ``CaseWriter`` (commands → events, one transaction each), so the officer API, the GUI, the
CLI and the simulator share one set of rules. Refusals are DomainErrors with Chinese and English messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from console.domain.enums import CaseStatus, Role
from console.errors import DomainError, NotFoundError, PermissionDeniedError, ValidationError
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import OVERRIDE_KEY, CaseWriter
from console.storage import projection
from console.storage.models import CaseRow, EventRow

ESCALATION_ACTOR = Actor(Role.SYSTEM, "sla_timer")
OFFICER_STATUSES = ("on_duty_idle", "busy", "en_route", "on_scene", "on_break", "off_duty")
STAGES = ("receive", "en_route", "on_scene", "report_back")
STAGE_ZH = {"receive": "签收", "en_route": "已出发", "on_scene": "已到达现场", "report_back": "处理反馈"}
STAGE_STATUS = {"receive": "busy", "en_route": "en_route", "on_scene": "on_scene", "report_back": "on_duty_idle"}


@dataclass
class BatchResult:
    """Per-case outcome of a batch: who got what, and the refusal message of each case that did not go."""

    assigned: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    queued: list[str] = field(default_factory=list)  # database away: waiting in the console's local outbox

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"assigned": self.assigned, "refused": self.refused}
        if self.queued:
            out["queued"] = self.queued
        return out


def write_assignment(w: CaseWriter, case_id: str, target: str, actor: Actor, *, override_reason: str | None = None,
                     reassign: bool = False) -> dict[str, Any]:
    """The assignment command inside the caller's writer (and transaction): the one place that turns an assignment
    into a workflow action, shared by ``DispatchService.assign`` and the console outbox's replay."""
    payload = {OVERRIDE_KEY: override_reason.strip()} if override_reason and override_reason.strip() else None
    state = w.act(case_id, "reassign" if reassign else "assign", actor, target=target, payload=payload,
                  reason=override_reason if reassign else None)
    result = dict(state)
    result["warnings"] = [x.to_json() for x in w.warnings]  # conflicting orders / break / shift ending (flagged)
    return result


class DispatchService:
    """Assign, follow and escalate orders; one transaction per command."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ assignment
    def assign(self, case_id: str, target: str, actor: Actor, *, override_reason: str | None = None,
               reassign: bool = False) -> dict[str, Any]:
        """Assign (or reassign) one case to an officer, squad or handling unit; returns the case state."""
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            result = write_assignment(w, case_id, target, actor, override_reason=override_reason, reassign=reassign)
            w.flush()
        return result

    def assign_many(self, case_ids: Sequence[str], target: str, actor: Actor, *,
                    override_reason: str | None = None) -> BatchResult:
        """Assign several cases to one target; each case is its own transaction, so one refusal stops only itself."""
        result = BatchResult()
        for case_id in dict.fromkeys(case_ids):
            try:
                self.assign(case_id, target, actor, override_reason=override_reason)
                result.assigned.append(case_id)
            except DomainError as exc:
                result.refused[case_id] = str(exc)
        return result

    # ------------------------------------------------------------------ the officer's side
    def orders_of(self, officer_id: str) -> list[dict[str, Any]]:
        """Open orders held by an officer (dispatched, handling, handled awaiting 核查), oldest first."""
        self._officer(officer_id)
        with self.ctx.db.read_session() as s:
            rows = s.scalars(select(CaseRow).where(CaseRow.assignee == officer_id, CaseRow.status.in_(
                ["dispatched", "handling", "handled"])).order_by(CaseRow.created_at, CaseRow.id)).all()
            return [_order_json(projection.row_to_state(projection.CASE, r)) for r in rows]

    def progress(self, officer_id: str, case_id: str, stage: str, *, result: str | None = None,
                 photos: Sequence[str] = (), note: str | None = None) -> dict[str, Any]:
        """One step of the order's life reported by the officer: receive → en_route → on_scene → report_back.

        receive and report_back are workflow actions; en_route and on_scene are notes on the case timeline. Each
        also moves the officer's duty status. Only the case's assignee may report on it.
        """
        if stage not in STAGES:
            raise ValidationError(f"未知环节“{stage}”，可用：{'、'.join(STAGES)}",
                                  f"unknown stage {stage!r}; known: {', '.join(STAGES)}")
        if stage == "report_back" and not (result and result.strip()):
            raise ValidationError("处理反馈须填写处置结果", "report_back needs a result text")
        if not all(isinstance(p, str) and p.strip() for p in photos):
            raise ValidationError("照片引用须为非空字符串", "photo references must be non-empty strings")
        handler = Actor(Role.HANDLER, officer_id)
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            officer = w.state("officer", officer_id)
            if officer is None:
                raise NotFoundError(f"队员 {officer_id} 不存在", f"officer {officer_id} does not exist")
            case = w.state("case", case_id)
            if case is None:
                raise NotFoundError(f"案件 {case_id} 不存在", f"case {case_id} does not exist")
            if case.get("assignee") != officer_id:
                raise PermissionDeniedError(f"案件 {case_id} 未派遣给队员 {officer_id}",
                                            f"case {case_id} is not assigned to officer {officer_id}")
            payload: dict[str, Any] = {"stage": stage}
            if photos:
                payload["photos"] = list(photos)
            if stage == "receive":
                w.act(case_id, "receive", handler, payload=payload)
            elif stage == "report_back":
                payload["result"] = result
                w.act(case_id, "report_back", handler, payload=payload, reason=note)
            else:
                if case.get("status") != CaseStatus.HANDLING.value:
                    raise ValidationError(f"须先签收案件 {case_id} 才能报告“{STAGE_ZH[stage]}”",
                                          f"receive case {case_id} before reporting {stage}")
                w.act(case_id, "note", handler, reason=note or STAGE_ZH[stage], payload=payload)
            w.upsert_entity("officer", officer_id, {"status": STAGE_STATUS[stage]}, handler, action="status",
                            reason=case_id)
            w.flush()
            state = w.state("case", case_id)
        assert state is not None
        return _order_json(state)

    def set_status(self, officer_id: str, status: str, *, lon: float | None = None,
                   lat: float | None = None) -> dict[str, Any]:
        """The officer's duty status (on duty, off duty...) from the field app."""
        if status not in OFFICER_STATUSES:
            raise ValidationError(f"未知队员状态“{status}”，可用：{'、'.join(OFFICER_STATUSES)}",
                                  f"unknown officer status {status!r}; known: {', '.join(OFFICER_STATUSES)}")
        fields: dict[str, Any] = {"status": status}
        if lon is not None and lat is not None:
            where = self.ctx.geo.locate_one(float(lon), float(lat))
            if not where.inside:
                raise ValidationError("位置不在长宁区范围内", "position is outside the district")
            fields.update(lon=float(lon), lat=float(lat), fix_ts_utc=self.ctx.clock.now_utc().isoformat())
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            if w.state("officer", officer_id) is None:
                raise NotFoundError(f"队员 {officer_id} 不存在", f"officer {officer_id} does not exist")
            w.upsert_entity("officer", officer_id, fields, Actor(Role.HANDLER, officer_id), action="status")
            w.flush()
            state = w.state("officer", officer_id)
        assert state is not None
        return {k: state.get(k) for k in ("id", "name", "status", "lon", "lat", "squad_id")}

    def _officer(self, officer_id: str) -> dict[str, Any]:
        with self.ctx.db.read_session() as s:
            state = projection.load_state(s, "officer", officer_id)
        if state is None:
            raise NotFoundError(f"队员 {officer_id} 不存在", f"officer {officer_id} does not exist")
        return state


# ---------------------------------------------------------------------------------------------- SLA
def escalate_overdue(ctx: ServiceContext, now: datetime | None = None) -> list[str]:
    """Issue a 督办 (supervise, role system) for each open case whose step deadline has passed — once per case per
    step (the step and its deadline are kept in the event payload). Returns the escalated case ids."""
    now = now or ctx.clock.now_utc()
    escalated: list[str] = []
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        rows = s.execute(select(CaseRow.id, CaseRow.step, CaseRow.step_deadline_utc).where(
            CaseRow.step_deadline_utc < now, CaseRow.step.is_not(None),
            CaseRow.status.not_in([CaseStatus.CLOSED.value, CaseStatus.VOIDED.value, CaseStatus.HUNG.value]))).all()
        if not rows:
            return []
        done: set[tuple[str, str]] = set()
        ids = [r.id for r in rows]
        for i in range(0, len(ids), 500):
            for case_id, payload in s.execute(select(EventRow.case_id, EventRow.payload).where(
                    EventRow.action == "supervise", EventRow.role == Role.SYSTEM.value,
                    EventRow.case_id.in_(ids[i:i + 500]))):
                if payload and payload.get("step"):
                    done.add((str(case_id), str(payload["step"])))
        for r in rows:
            if (r.id, r.step) in done:
                continue
            step_zh = _step_zh(r.step)
            w.act(r.id, "supervise", ESCALATION_ACTOR, ts_utc=now,
                  reason=f"“{step_zh}”环节超过时限，系统自动督办",
                  payload={"step": r.step, "escalation": "sla_overdue"})
            escalated.append(r.id)
        w.flush()
    return escalated


def due_soon(ctx: ServiceContext, within_s: float, now: datetime | None = None) -> list[dict[str, Any]]:
    """Open cases whose current step falls due within ``within_s`` seconds (not yet overdue), soonest first."""
    if within_s < 0:
        raise ValidationError("时间窗不能为负", "the window must not be negative")
    now = now or ctx.clock.now_utc()
    with ctx.db.read_session() as s:
        rows = s.scalars(select(CaseRow).where(
            CaseRow.step_deadline_utc >= now, CaseRow.step_deadline_utc <= now + timedelta(seconds=within_s),
            CaseRow.status.not_in([CaseStatus.CLOSED.value, CaseStatus.VOIDED.value, CaseStatus.HUNG.value]))
            .order_by(CaseRow.step_deadline_utc, CaseRow.id)).all()
        states = [projection.row_to_state(projection.CASE, r) for r in rows]
    out = []
    for st in states:
        j = _order_json(st)
        deadline = datetime.fromisoformat(str(st["step_deadline_utc"]))
        j["remaining_s"] = round((deadline - now).total_seconds(), 1)
        out.append(j)
    return out


def _step_zh(step: str | None) -> str:
    from console.domain.sla import STEP_LABELS_ZH

    return STEP_LABELS_ZH.get(step or "", step or "")


def _order_json(state: dict[str, Any]) -> dict[str, Any]:
    return {k: state.get(k) for k in ("id", "status", "category_code", "priority", "lon", "lat", "address",
                                      "subdistrict_name", "description", "assignee", "step", "step_deadline_utc",
                                      "disposal_deadline_utc", "created_at")}
