"""The one write path: validate a command, turn it into events, append them and project them in one transaction.

``CaseWriter`` works inside a caller's unit of work. The live service uses it for one command per transaction; the
demo seeder and bulk imports batch thousands of commands per transaction through the very same rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from console.domain.calendar import Duration, TimeUnit
from console.domain.enums import CaseStatus, Priority, SourceChannel, parse_enum
from console.domain.legal_decision import decision_payload
from console.domain.sla import STEP_FOR_STATUS
from console.domain.workflow import plan_transition
from console.errors import ConflictError, IllegalActionError, NotFoundError, ValidationError
from console.geo.coords import CoordinateError, lonlat_wgs84
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.security.permissions import check
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.storage import eventstore, projection
from console.storage.eventstore import EventDraft, StoredEvent, iso_utc
from console.storage.models import CaseCounterRow, CaseReporterRow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
EntityKey = tuple[str, str]
OFF_DUTY_STATUSES = {"off_duty"}
OVERRIDE_KEY = "override_reason"  # payload field: a dispatcher's written reason to assign across jurisdiction/qualification


@dataclass(frozen=True)
class Reporter:
    """Personal data of whoever reported a case; stored apart from the log (masking, erasure)."""

    name: str | None = None
    phone: str | None = None
    note: str | None = None


# Reference data (基础数据) guarded by ``manage_reference``: creating or editing (action None, "create", "update") an
# officer, squad, unit, camera, workroom, sensor or workstation. Operational updates carry their own action name
# (an officer's "status", "sign_in", "region_enter", a sensor's "sensor_alarm"...) and are checked by the service
# that issues them; other entity types (notes, rosters, drills, courses) likewise.
REFERENCE_ENTITY_TYPES = frozenset({"officer", *projection.ASSET_TYPES})
REFERENCE_EDIT_ACTIONS = frozenset({None, "create", "update"})


def _iso(ts: datetime | None) -> str | None:
    return None if ts is None else iso_utc(ts)


def _parse_ts(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return eventstore.as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


class CaseWriter:
    """Commands on cases and reference entities inside one open transaction (call ``flush`` before commit)."""

    def __init__(self, session: Session, ctx: ServiceContext,
                 state_cache: dict[EntityKey, dict[str, Any] | None] | None = None) -> None:
        """``state_cache`` lets one process keep entity states across transactions (seeder, simulator) when it is
        the only writer of those entities; live services leave it out and read fresh state under the lock."""
        self.session = session
        self.ctx = ctx
        # Load the geography (which may store the demo partition in its own transaction) before taking the lock.
        _ = ctx.geo
        self.head = eventstore.lock_chain(session)
        self._states: dict[EntityKey, dict[str, Any] | None] = state_cache if state_cache is not None else {}
        self._pre_batch: dict[EntityKey, dict[str, Any] | None] = {}
        self._pending: list[EventDraft] = []
        self._counters: dict[str, int] = {}
        self._counters_dirty: set[str] = set()
        self._counters_new: set[str] = set()
        self._reporters: list[dict[str, Any]] = []
        self.appended: list[StoredEvent] = []
        self.warnings: list[Any] = []  # DutyWarnings of the last assign/reassign (console.duty.availability)
        self._roster_present: bool | None = None

    # ----------------------------------------------------------------- state cache
    def state(self, entity_type: str, entity_id: str) -> dict[str, Any] | None:
        key = (entity_type, entity_id)
        if key not in self._states:
            self._states[key] = projection.load_state(self.session, entity_type, entity_id)
        return self._states[key]

    def _record(self, draft: EventDraft) -> None:
        key = (draft.entity_type, draft.entity_id)
        current = self.state(*key)
        if key not in self._pre_batch:
            self._pre_batch[key] = None if current is None else dict(current)
        new = dict(current or {})
        new.update(draft.after or {})
        new["id"] = draft.entity_id
        self._states[key] = new
        self._pending.append(draft)

    # ----------------------------------------------------------------- reference entities
    def upsert_entity(self, entity_type: str, entity_id: str, fields: dict[str, Any], actor: Actor, *,
                      action: str | None = None, ts_utc: datetime | None = None, reason: str | None = None,
                      case_id: str | None = None, payload: dict[str, Any] | None = None) -> None:
        """Create or change a reference entity (officer, squad, camera, note...); records only the changed fields.
        ``case_id`` puts the event on a case's timeline (a note or handoff about that case)."""
        if entity_type not in projection.SPECS or entity_type == "case":
            raise ValidationError(f"未知实体类型 {entity_type}", f"unknown entity type {entity_type}")
        if entity_type in REFERENCE_ENTITY_TYPES and action in REFERENCE_EDIT_ACTIONS:
            check(actor, "manage_reference")
        current = self.state(entity_type, entity_id)
        changed = {k: v for k, v in fields.items() if current is None or current.get(k) != v}
        if current is not None and not changed:
            return
        before = None if current is None else {k: current.get(k) for k in changed}
        self._record(EventDraft(
            actor=actor.user, role=actor.role.value, action=action or ("create" if current is None else "update"),
            entity_type=entity_type, entity_id=entity_id, case_id=case_id, ts_utc=ts_utc or self.ctx.clock.now_utc(),
            before=before, after=changed, reason=reason, payload=payload,
        ))

    def append_fact(self, draft: EventDraft) -> None:
        """Add an event that changes no projected state (evidence captured, registry synced) to this batch: it is
        chained and committed with the batch like any other event."""
        if draft.entity_type in projection.SPECS:
            raise ValidationError(f"{draft.entity_type} 的变更须经命令写入", f"{draft.entity_type} changes must go through a command")
        self._pending.append(draft)

    # ----------------------------------------------------------------- cases
    def next_case_id(self, created_utc: datetime) -> str:
        """CN + local date (yyyymmdd) + 5-digit serial of that day, e.g. CN2026112800042."""
        day = created_utc.astimezone(LOCAL_TZ).strftime("%Y%m%d")
        if day not in self._counters:
            last = self.session.execute(select(CaseCounterRow.last).where(CaseCounterRow.day == day)).scalar()
            if last is None:
                self._counters_new.add(day)
            self._counters[day] = int(last or 0)
        self._counters[day] += 1
        self._counters_dirty.add(day)
        return f"CN{day}{self._counters[day]:05d}"

    def create_case(self, *, category: str, lon: float, lat: float, source: str, actor: Actor,
                    description: str | None = None, address: str | None = None, priority: str | None = None,
                    reporter: Reporter | None = None, attachments: list[str] | None = None,
                    ts_utc: datetime | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Register a new case (信息收集) after validating category, place and channel; returns its state."""
        check(actor, "create_case")
        now = ts_utc or self.ctx.clock.now_utc()
        cat = self.ctx.taxonomy.find(category)
        src = parse_enum(SourceChannel, source, "来源", "source channel")
        prio = parse_enum(Priority, priority, "紧急程度", "priority") if priority else Priority(cat.default_priority)
        lon_f, lat_f = _finite_lonlat(lon, lat)
        where = self.ctx.geo.locate_one(lon_f, lat_f)
        if not where.inside:
            raise ValidationError(f"位置 ({lon_f:.6f}, {lat_f:.6f}) 不在长宁区范围内",
                                  f"location ({lon_f:.6f}, {lat_f:.6f}) is outside the district")
        x_m, y_m = lonlat_wgs84_to_xy_m([lon_f], [lat_f])
        case_id = self.next_case_id(now)
        step = STEP_FOR_STATUS.get(CaseStatus.REPORTED)
        deadline = self.ctx.sla.step_deadline_utc(step, now, cat.code, prio.value) if step else None
        after: dict[str, Any] = {
            "status": CaseStatus.REPORTED.value,
            "category_code": cat.code,
            "source": src.value,
            "priority": prio.value,
            "lon": lon_f,
            "lat": lat_f,
            "x_m": round(float(x_m[0]), 3),
            "y_m": round(float(y_m[0]), 3),
            "address": address,
            "grid_code": where.grid_code,
            "community_code": where.community_code,
            "community_name": where.community_name,
            "subdistrict_code": where.subdistrict_code,
            "subdistrict_name": where.subdistrict_name,
            "description": description,
            "assignee": None,
            "step": step,
            "step_deadline_utc": _iso(deadline),
            "disposal_deadline_utc": None,
            "created_at": iso_utc(now),
            "closed_at": None,
            "overdue": False,
            "supervised": False,
            "appeal_status": None,
            "stats_exempt": False,
            "rework_count": 0,
            "return_count": 0,
            "status_stack": [],
            "legal_required": bool(cat.legal_review_required),
            "legal_approved": False,
            "attachments": list(attachments or []),
            "reports": [{"source": src.value, "ts": iso_utc(now)}],
        }
        if extra:
            after.update(extra)
        if reporter is not None and (reporter.name or reporter.phone or reporter.note):
            self._reporters.append({"case_id": case_id, "name": reporter.name, "phone": reporter.phone,
                                    "contact_note": reporter.note})
            after["has_reporter"] = True
        self._record(EventDraft(actor=actor.user, role=actor.role.value, action="create", entity_type="case",
                                entity_id=case_id, case_id=case_id, ts_utc=now, after=after))
        state = self.state("case", case_id)
        assert state is not None
        return state

    def act(self, case_id: str, action: str, actor: Actor, *, reason: str | None = None, target: str | None = None,
            payload: dict[str, Any] | None = None, ts_utc: datetime | None = None) -> dict[str, Any]:
        """Apply one workflow action to a case; raises a DomainError and records nothing when refused."""
        now = ts_utc or self.ctx.clock.now_utc()
        case = self.state("case", case_id)
        if case is None:
            raise NotFoundError(f"案件 {case_id} 不存在", f"case {case_id} does not exist")
        if action == "assign" and case.get("assignee"):
            self._refuse_already_assigned(case_id, case)
        view = dict(case)
        disposal_deadline = _parse_ts(case.get("disposal_deadline_utc"))
        view["overdue"] = bool(case.get("overdue")) or (
            disposal_deadline is not None and now > disposal_deadline and CaseStatus(case["status"]).is_open)
        plan = plan_transition(self.ctx.workflow, view, action, actor.role, reason=reason, target=target)
        if action == "legal_approve":
            payload = decision_payload(payload)
        changes = plan.changes
        self.warnings = []
        if action in ("assign", "reassign"):
            assert target is not None
            self._check_target(target, case, actor, now, payload or {})
            if self.warnings:  # conflicting orders are flagged in the event itself (console/duty/availability.py)
                payload = {**(payload or {}), "duty_warnings": [w.code for w in self.warnings]}
        self._apply_sla(case, plan.to_status, action, changes, now, payload or {})
        if action == "report_back" and disposal_deadline is not None and now > disposal_deadline:
            changes["overdue"] = True
        before = {k: case.get(k) for k in changes}
        self._record(EventDraft(actor=actor.user, role=actor.role.value, action=action, entity_type="case",
                                entity_id=case_id, case_id=case_id, ts_utc=now, before=before, after=changes,
                                reason=reason, payload=payload or None))
        state = self.state("case", case_id)
        assert state is not None
        return state

    def _refuse_already_assigned(self, case_id: str, case: dict[str, Any]) -> None:
        """Second dispatcher loses: name who assigned the case and when (from the last assign event)."""
        who, when = "?", None
        for draft in reversed(self._pending):
            if draft.case_id == case_id and draft.action in ("assign", "reassign"):
                who, when = f"{draft.role}:{draft.actor}", draft.ts_utc
                break
        else:
            for ev in reversed(eventstore.read(self.session, 0, case_id=case_id)):
                if ev.action in ("assign", "reassign"):
                    who, when = f"{ev.role}:{ev.actor}", ev.ts_utc
                    break
        local = when.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S") if when else "?"
        utc = iso_utc(when) if when else "?"
        assignee = case.get("assignee")
        raise ConflictError(f"案件 {case_id} 已由 {who} 于 {local} 派遣给 {assignee}，未重复派遣",
                            f"case {case_id} was already assigned to {assignee} by {who} at {utc}; nothing written")

    def _check_target(self, target: str, case: dict[str, Any], actor: Actor, now: datetime,
                      payload: dict[str, Any]) -> None:
        """Refusal reasons for an assignment target (see docs/dispatch.md): inactive or off-duty officer; an officer
        of another subdistrict or without the law-enforcement certificate for an enforcement category unless the
        dispatcher writes a reason (payload ``override_reason``, kept in the event)."""
        officer = self.state("officer", target)
        if officer is not None:
            name = officer.get("name", target)
            if not officer.get("active", True):
                raise IllegalActionError(f"队员 {name} 已停用", f"officer {target} is deactivated")
            override = payload.get(OVERRIDE_KEY)
            overridden = isinstance(override, str) and bool(override.strip())
            duty = self._duty_info(target, now)  # the roster (console/duty) at the time of the assignment
            if (officer.get("status") in OFF_DUTY_STATUSES or (duty is not None and duty.state == "off")) \
                    and not overridden:
                raise IllegalActionError(f"队员 {name}（{target}）不在岗，不能派遣；如确需派遣须填写理由",
                                         f"officer {target} is off duty (status or roster) and cannot be assigned "
                                         f"without an {OVERRIDE_KEY}")
            home, where = officer.get("subdistrict_code"), case.get("subdistrict_code")
            if home and where and home != where and not overridden:
                home_name = self.ctx.geo.names.get(str(home), str(home))
                raise IllegalActionError(
                    f"队员 {name}（{target}）属{home_name}，案件在{case.get('subdistrict_name') or where}，"
                    f"不在其辖区；跨辖区派遣须填写理由",
                    f"officer {target} is outside the case's jurisdiction ({home} ≠ {where}); "
                    f"give an {OVERRIDE_KEY} to assign anyway")
            cat = self.ctx.taxonomy.categories.get(str(case.get("category_code")))
            if cat is not None and cat.enforcement and officer.get("certified") is False and not overridden:
                raise IllegalActionError(
                    f"队员 {name}（{target}）无执法证，不能承办执法类案件“{cat.minor_name}”；如确需派遣须填写理由",
                    f"officer {target} lacks the law-enforcement certificate required for {cat.code}; "
                    f"give an {OVERRIDE_KEY} to assign anyway")
            from console.duty.availability import active_orders_of, order_warnings

            self.warnings = order_warnings(officer, duty, active_orders_of(self.session, target, str(case["id"])), now)
            return
        for kind in ("squad", "unit"):
            if self.state(kind, target) is not None:
                return
        raise NotFoundError(f"派遣对象 {target} 不存在（应为队员、中队或处置单位编号）",
                            f"assignment target {target} is not a known officer, squad or unit")

    def _duty_info(self, officer_id: str, now: datetime) -> Any:
        """The officer's rostered state at ``now`` (None when no roster covers the day)."""
        from console.duty.availability import duty_infos, roster_present

        if self._roster_present is None:
            self._roster_present = roster_present(self.session)
        if not self._roster_present:
            return None
        return duty_infos(self.session, now, [officer_id]).get(officer_id)

    def _apply_sla(self, case: dict[str, Any], to_status: CaseStatus, action: str, changes: dict[str, Any],
                   now: datetime, payload: dict[str, Any]) -> None:
        sla, cat, prio = self.ctx.sla, str(case["category_code"]), str(case["priority"])
        status_changed = to_status.value != case["status"] or action in ("reassign", "rework", "legal_return")
        if status_changed:
            step = STEP_FOR_STATUS.get(to_status)
            changes["step"] = step
            deadline = sla.step_deadline_utc(step, now, cat, prio) if step else None
            if to_status == CaseStatus.HANDLING and case.get("disposal_deadline_utc"):
                deadline = _parse_ts(case.get("disposal_deadline_utc"))
            changes["step_deadline_utc"] = _iso(deadline)
        if action in ("assign", "rework", "legal_return", "unhang"):
            changes["disposal_deadline_utc"] = _iso(sla.disposal_deadline_utc(now, cat, prio))
            if to_status == CaseStatus.DISPATCHED:
                changes["step_deadline_utc"] = changes["disposal_deadline_utc"]
        if action == "extend_request":
            hours = payload.get("extend_working_hours", 8)
            if not isinstance(hours, (int, float)) or not math.isfinite(hours) or hours <= 0 or hours > 2000:
                raise ValidationError("延期时长须为 0–2000 之间的工作小时数", "extension must be 0–2000 working hours")
            changes["extension_requested_working_hours"] = float(hours)
        if action == "extend_approve":
            hours = float(case.get("extension_requested_working_hours") or 8)
            base = _parse_ts(case.get("disposal_deadline_utc")) or now
            new_deadline = self.ctx.sla.calendar.add(base, Duration(hours, TimeUnit.WORKING_HOURS))
            changes["disposal_deadline_utc"] = _iso(new_deadline)
            changes["step_deadline_utc"] = _iso(new_deadline)
        if to_status in (CaseStatus.CLOSED, CaseStatus.VOIDED) and to_status.value != case["status"]:
            changes["closed_at"] = iso_utc(now)
            changes["step"] = None
            changes["step_deadline_utc"] = None

    # ----------------------------------------------------------------- commit
    def flush(self) -> list[StoredEvent]:
        """Append pending events, project them and write counters/reporters; still inside the transaction."""
        if not self._pending:
            return []
        stored = eventstore.append(self.session, self._pending, self.head)
        self.head = eventstore.ChainHead(stored[-1].seq, stored[-1].hash)
        new_states = projection.apply(self.session, stored, known=self._pre_batch)
        self._states.update(new_states)
        for day in self._counters_dirty:
            if day in self._counters_new:
                self.session.execute(insert(CaseCounterRow).values(day=day, last=self._counters[day]))
                self._counters_new.discard(day)
            else:
                self.session.execute(update(CaseCounterRow).where(CaseCounterRow.day == day)
                                     .values(last=self._counters[day]))
        self._counters_dirty.clear()
        if self._reporters:
            self.session.execute(insert(CaseReporterRow), self._reporters)
            self._reporters = []
        self._pending = []
        self._pre_batch = {}
        self.appended.extend(stored)
        return stored


def _finite_lonlat(lon: Any, lat: Any) -> tuple[float, float]:
    """The one coordinate validator (console.geo.coords), with the writer's message."""
    try:
        return lonlat_wgs84(lon, lat, allow_text=True)
    except CoordinateError as exc:
        raise ValidationError(f"坐标无效：{exc.message_zh}", f"invalid coordinates: {exc.message_en}") from None


