"""Shift handover digest (交接班摘要): what the outgoing shift hands to the incoming one.

For the shift starting at ``start`` (a shift of collab.yaml, local time) the digest lists:
- open cases (在办) — open and not hung, with their current step deadline;
- already overdue (已超时) — deadline before the shift starts, or flagged overdue;
- will breach in the coming shift (本班将超时) — not yet overdue, deadline inside [start, end);
- escalated (督办) — open cases under a supervision ticket, marked new when issued during the previous shift;
- hung (挂账) — cases in the hung state;
- pending handoffs (待接收移交) and workstation work orders escalated to a squad (工作站升级工单).
``build_digest`` is a pure function of the case states (tested on a hand-built fixture); ``load_digest`` reads them
from the projections and the log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from console.collab.config import ShiftDef
from console.domain.enums import CaseStatus
from console.errors import ValidationError
from console.storage import eventstore, projection
from console.storage.eventstore import as_utc, iso_utc
from console.storage.models import CaseRow
from console.storage.models_collab import HandoffRow, WorkOrderRow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
CLOSED = (CaseStatus.CLOSED.value, CaseStatus.VOIDED.value)
HUNG = CaseStatus.HUNG.value


@dataclass(frozen=True)
class ShiftWindow:
    shift_id: str
    label_zh: str
    start_utc: datetime
    end_utc: datetime

    @property
    def previous_start_utc(self) -> datetime:
        """The outgoing shift is taken to be as long as the incoming one."""
        return self.start_utc - (self.end_utc - self.start_utc)


def _window(day: datetime, sd: ShiftDef) -> ShiftWindow:
    start = day.replace(hour=sd.start.hour, minute=sd.start.minute, second=0, microsecond=0)
    end = day.replace(hour=sd.end.hour, minute=sd.end.minute, second=0, microsecond=0)
    if end <= start:
        end += timedelta(days=1)
    return ShiftWindow(sd.id, sd.label_zh, start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC")))


def shift_starting_at(start: datetime, shifts: Sequence[ShiftDef]) -> ShiftWindow:
    """The shift that begins at ``start`` (aware, or naive = local time); refuses a time no shift starts at."""
    local = start.replace(tzinfo=LOCAL_TZ) if start.tzinfo is None else start.astimezone(LOCAL_TZ)
    for sd in shifts:
        if (local.hour, local.minute) == (sd.start.hour, sd.start.minute) and local.second == 0:
            return _window(local, sd)
    starts = "、".join(f"{sd.label_zh} {sd.start:%H:%M}" for sd in shifts)
    raise ValidationError(f"{local:%Y-%m-%d %H:%M} 不是交班时间（班次开始：{starts}）",
                          f"{local:%Y-%m-%d %H:%M} is not a shift start (shifts start at "
                          f"{', '.join(f'{sd.id} {sd.start:%H:%M}' for sd in shifts)})")


def shift_at(now_utc: datetime, shifts: Sequence[ShiftDef]) -> ShiftWindow:
    """The shift in progress at ``now_utc``."""
    local = now_utc.astimezone(LOCAL_TZ)
    for back in (0, 1):
        day = (local - timedelta(days=back)).replace(hour=0, minute=0, second=0, microsecond=0)
        for sd in shifts:
            w = _window(day, sd)
            if w.start_utc <= now_utc < w.end_utc:
                return w
    raise ValidationError("班次定义未覆盖当前时间", "the shift definitions do not cover the current time")


def next_shift(now_utc: datetime, shifts: Sequence[ShiftDef]) -> ShiftWindow:
    """The next shift to start after ``now_utc`` (the one a digest is prepared for)."""
    return shift_starting_at(shift_at(now_utc, shifts).end_utc, shifts)


def parse_shift_start(text: str) -> datetime:
    """CLI ``--shift``: ISO date-time, local (Asia/Shanghai) unless it carries an offset."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"交班时间格式应为 YYYY-MM-DDTHH:MM，收到“{text}”",
                              f"--shift must look like YYYY-MM-DDTHH:MM, got {text!r}") from None
    return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value


@dataclass(frozen=True)
class DigestItem:
    case_id: str
    status: str
    category_code: str
    subdistrict_name: str | None
    assignee: str | None
    deadline_utc: str | None
    description: str | None = None
    flag: str | None = None  # e.g. "new" for a supervision ticket issued during the outgoing shift


@dataclass
class HandoverDigest:
    shift: ShiftWindow
    generated_utc: datetime
    open_cases: list[DigestItem] = field(default_factory=list)
    overdue: list[DigestItem] = field(default_factory=list)
    breach_next_shift: list[DigestItem] = field(default_factory=list)
    escalated: list[DigestItem] = field(default_factory=list)
    hung: list[DigestItem] = field(default_factory=list)
    pending_handoffs: list[dict[str, Any]] = field(default_factory=list)
    escalated_work_orders: list[dict[str, Any]] = field(default_factory=list)

    def open_by_subdistrict(self) -> list[tuple[str, int]]:
        counts = Counter(i.subdistrict_name or "—" for i in self.open_cases)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def open_by_status(self) -> list[tuple[str, int]]:
        counts = Counter(i.status for i in self.open_cases)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def to_json(self) -> dict[str, Any]:
        return {
            "shift": {"id": self.shift.shift_id, "label_zh": self.shift.label_zh,
                      "start_utc": iso_utc(self.shift.start_utc), "end_utc": iso_utc(self.shift.end_utc)},
            "generated_utc": iso_utc(self.generated_utc),
            "counts": {"open": len(self.open_cases), "overdue": len(self.overdue),
                       "breach_next_shift": len(self.breach_next_shift), "escalated": len(self.escalated),
                       "hung": len(self.hung), "pending_handoffs": len(self.pending_handoffs),
                       "escalated_work_orders": len(self.escalated_work_orders)},
            "open_by_subdistrict": dict(self.open_by_subdistrict()),
            "open_by_status": dict(self.open_by_status()),
            "overdue": [asdict(i) for i in self.overdue],
            "breach_next_shift": [asdict(i) for i in self.breach_next_shift],
            "escalated": [asdict(i) for i in self.escalated],
            "hung": [asdict(i) for i in self.hung],
            "pending_handoffs": self.pending_handoffs,
            "escalated_work_orders": self.escalated_work_orders,
            "open_cases": [asdict(i) for i in self.open_cases],
        }


def _ts(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def case_deadline(case: dict[str, Any]) -> datetime | None:
    """The deadline that decides breach: the current step's (equals the disposal deadline while dispatched/handling)."""
    return _ts(case.get("step_deadline_utc")) or _ts(case.get("disposal_deadline_utc"))


def _item(case: dict[str, Any], deadline: datetime | None, flag: str | None = None) -> DigestItem:
    return DigestItem(str(case["id"]), str(case["status"]), str(case.get("category_code") or ""),
                      case.get("subdistrict_name"), case.get("assignee"), None if deadline is None else deadline.isoformat(),
                      (case.get("description") or None), flag)


def _by_deadline(items: list[DigestItem]) -> list[DigestItem]:
    return sorted(items, key=lambda i: (i.deadline_utc is None, i.deadline_utc or "", i.case_id))


def build_digest(cases: Iterable[dict[str, Any]], window: ShiftWindow, *, generated_utc: datetime,
                 supervised_recently: frozenset[str] = frozenset(),
                 pending_handoffs: Sequence[dict[str, Any]] = (),
                 escalated_work_orders: Sequence[dict[str, Any]] = ()) -> HandoverDigest:
    """Sort the case states into the digest's lists (each ordered by deadline, then case id)."""
    d = HandoverDigest(window, generated_utc, pending_handoffs=list(pending_handoffs),
                       escalated_work_orders=list(escalated_work_orders))
    for case in cases:
        status = str(case["status"])
        if status in CLOSED:
            continue
        deadline = case_deadline(case)  # parsed once; one item object shared by the lists
        item = _item(case, deadline)
        if status == HUNG:
            d.hung.append(item)
        else:
            d.open_cases.append(item)
            if bool(case.get("overdue")) or (deadline is not None and deadline < window.start_utc):
                d.overdue.append(item)
            elif deadline is not None and deadline < window.end_utc:
                d.breach_next_shift.append(item)
        if case.get("supervised"):
            d.escalated.append(_item(case, deadline, "new") if case["id"] in supervised_recently else item)
    d.open_cases = _by_deadline(d.open_cases)
    d.overdue = _by_deadline(d.overdue)
    d.breach_next_shift = _by_deadline(d.breach_next_shift)
    d.escalated = _by_deadline(d.escalated)
    d.hung = _by_deadline(d.hung)
    return d


def load_digest(db: Any, window: ShiftWindow, generated_utc: datetime) -> HandoverDigest:
    """Read open cases, supervision tickets of the outgoing shift, pending handoffs and escalated work orders."""
    with db.read_session() as s:
        rows = s.execute(select(CaseRow.__table__).where(CaseRow.status.notin_(CLOSED)))
        cases = [projection.row_to_state(projection.CASE, r) for r in rows]
        supervised = frozenset(
            str(e.case_id) for e in _events_between(s, window.previous_start_utc, window.start_utc)
            if e.action == "supervise" and e.case_id)
        handoffs = [projection.row_to_state(projection.SPECS["handoff"], r) for r in s.execute(
            select(HandoffRow).where(HandoffRow.status == "requested").order_by(HandoffRow.requested_at)).scalars()]
        orders = [projection.row_to_state(projection.SPECS["work_order"], r) for r in s.execute(
            select(WorkOrderRow).where(WorkOrderRow.status == "open", WorkOrderRow.level == "squad")
            .order_by(WorkOrderRow.escalated_at)).scalars()]
    return build_digest(cases, window, generated_utc=generated_utc, supervised_recently=supervised,
                        pending_handoffs=handoffs, escalated_work_orders=orders)


def _events_between(session: Any, start_utc: datetime, end_utc: datetime) -> list[eventstore.StoredEvent]:
    from console.storage.models import EventRow

    table = EventRow.__table__
    stmt = (select(table).where(table.c.ts_utc >= start_utc, table.c.ts_utc < end_utc, table.c.action == "supervise")
            .order_by(table.c.seq))
    return [eventstore.StoredEvent.from_row(r) for r in session.execute(stmt)]
