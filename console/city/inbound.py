"""Inbound sync: platform work orders → cases through IntakeService, idempotent by ticket id, resumable by cursor.

A new ticket becomes (or merges into) a case with ``external_ref = "city:<ticket_id>"``; re-delivery of a known ticket
only refreshes what the platform says about it (deadline, status, satisfaction) and never creates a second case.
A work order that cannot be used is dead-lettered and counted; the sync goes on. The cursor is stored after each page,
so an interrupted sync resumes where it stopped and a page seen twice is harmless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.city.client import CityPlatformClient
from console.city.mapping import MappedTicket, PlatformMapping, district_of, map_ticket
from console.domain.enums import Role
from console.errors import DomainError, ValidationError
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.intake import IntakeService
from console.services.writer import CaseWriter, Reporter
from console.storage.eventstore import EventDraft, iso_utc
from console.storage.models import DeadLetterRow
from console.storage.models_city import CitySyncStateRow, CityTicketRow

CITY_ACTOR = Actor(Role.SYSTEM, "city_platform")
DEAD_LETTER_CHANNEL = "city_platform"
INBOUND_CURSOR = "inbound"


@dataclass
class SyncReport:
    """What one inbound run did."""

    pages: int = 0
    fetched: int = 0
    created: int = 0
    merged: int = 0
    updated: int = 0
    unchanged: int = 0
    dead_lettered: int = 0
    cursor: str | None = None
    case_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "case_ids"}


def external_ref(ticket_id: str) -> str:
    return f"city:{ticket_id}"


def read_cursor(s: Session, name: str) -> str | None:
    row = s.get(CitySyncStateRow, name)
    return None if row is None else row.cursor


def write_cursor(s: Session, name: str, cursor: str | None, now: datetime) -> None:
    result = s.execute(update(CitySyncStateRow).where(CitySyncStateRow.name == name)
                       .values(cursor=cursor, updated_utc=now))
    if getattr(result, "rowcount", 0) == 0:
        s.execute(insert(CitySyncStateRow).values(name=name, cursor=cursor, updated_utc=now))


def _dead_letter(s: Session, reason: str, raw: Any, now: datetime) -> None:
    # console.feeds.deadletter.dead_letter_values gives the same row shape; kept local to stay free of feed imports.
    text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
    s.execute(insert(DeadLetterRow).values(ts_utc=now, channel=DEAD_LETTER_CHANNEL, reason=reason[:2000],
                                           raw=text.replace("\x00", "\\x00")[:64_000]))


class InboundSync:
    """Pulls changed work orders page by page and applies each one."""

    def __init__(self, ctx: ServiceContext, client: CityPlatformClient, mapping: PlatformMapping,
                 intake: IntakeService | None = None) -> None:
        self.ctx = ctx
        self.client = client
        self.mapping = mapping
        self.intake = intake or IntakeService.from_config(ctx)

    def run_once(self, max_pages: int = 1000) -> SyncReport:
        """Fetch every page changed since the stored cursor; raises PlatformUnavailable when the platform is down."""
        report = SyncReport()
        with self.ctx.db.read_session() as s:
            cursor = read_cursor(s, INBOUND_CURSOR)
        for page in self.client.iter_pages(cursor, max_pages=max_pages):
            report.pages += 1
            for raw in page.items:
                report.fetched += 1
                self.apply(raw, report)
            if page.next_cursor is not None:
                with self.ctx.db.session() as s:
                    write_cursor(s, INBOUND_CURSOR, page.next_cursor, self.ctx.clock.now_utc())
                cursor = page.next_cursor
        report.cursor = cursor
        return report

    def apply(self, raw: Any, report: SyncReport) -> None:
        """One work order: create/merge, refresh or dead-letter (never raises a DomainError)."""
        now = self.ctx.clock.now_utc()
        try:
            ticket = map_ticket(raw, self.mapping, self.ctx.taxonomy)
            district = district_of(raw, self.mapping)
            if self.mapping.district and district and district != self.mapping.district:
                raise ValidationError(f"工单 {ticket.ticket_id} 属{district}，非本区",
                                      f"work order {ticket.ticket_id} belongs to {district}, not this district")
            with self.ctx.db.read_session() as s:
                known = s.get(CityTicketRow, ticket.ticket_id)
            if known is not None:
                self._refresh(known, ticket, raw, report, now)
            else:
                self._create(ticket, raw, report, now)
        except DomainError as exc:
            report.dead_lettered += 1
            with self.ctx.db.session() as s:
                _dead_letter(s, f"{exc.message_zh} / {exc.message_en}", raw, now)

    def _location(self, ticket: MappedTicket) -> tuple[float, float]:
        if ticket.lon_wgs84 is not None and ticket.lat_wgs84 is not None:
            return ticket.lon_wgs84, ticket.lat_wgs84
        frame = self.ctx.geo.geography.subdistricts
        if ticket.subdistrict_name:
            hits = frame[frame["name"].astype(str) == ticket.subdistrict_name]
            if len(hits):
                point = hits.geometry.iloc[0].representative_point()
                return float(point.x), float(point.y)
        raise ValidationError(f"工单 {ticket.ticket_id} 无坐标且街道无法识别",
                              f"work order {ticket.ticket_id} has no coordinates and no known street")

    def _create(self, ticket: MappedTicket, raw: Any, report: SyncReport, now: datetime) -> None:
        if ticket.category_code is None:
            raise ValidationError(f"工单 {ticket.ticket_id} 的类别无法对应到分类表",
                                  f"work order {ticket.ticket_id}: category not mapped to the taxonomy")
        lon, lat = self._location(ticket)
        extra: dict[str, Any] = {"platform_ticket_id": ticket.ticket_id, "platform_ticket_ids": [ticket.ticket_id],
                                 "platform_channel": ticket.channel}
        if ticket.deadline_utc is not None:
            extra["platform_deadline_utc"] = iso_utc(ticket.deadline_utc)
        reporter = None
        if ticket.reporter_name or ticket.reporter_phone:
            reporter = Reporter(ticket.reporter_name, ticket.reporter_phone, f"city ticket {ticket.ticket_id}")
        result = self.intake.report(category=ticket.category_code, lon=lon, lat=lat, source=ticket.channel,
                                    actor=CITY_ACTOR, description=ticket.description, address=ticket.address,
                                    reporter=reporter, extra=extra, external_ref=external_ref(ticket.ticket_id))
        try:
            with self.ctx.db.session() as s:
                link_seq = self._link_case(s, result.case_id, ticket, now) if result.merged else 0
                s.execute(insert(CityTicketRow).values(
                    ticket_id=ticket.ticket_id, case_id=result.case_id, channel=ticket.channel, merged=result.merged,
                    link_seq=link_seq, platform_deadline_utc=ticket.deadline_utc,
                    platform_updated_utc=ticket.updated_utc, satisfaction=ticket.satisfaction,
                    satisfaction_note=ticket.satisfaction_note, received_utc=now, updated_utc=now, raw=_json_raw(raw)))
        except IntegrityError:
            report.unchanged += 1  # another gateway linked it first; the intake ref made the case the same
            return
        report.merged += int(result.merged)
        report.created += int(not result.merged)
        report.case_ids.append(result.case_id)

    def _link_case(self, s: Session, case_id: str, ticket: MappedTicket, now: datetime) -> int:
        """A ticket merged into an existing case: the case learns the ticket and the earlier platform deadline.

        Recorded as a ``city_link`` event in the same transaction as the ticket row; returns its seq (the outbox
        catches the new ticket up on the case's history before it)."""
        w = CaseWriter(s, self.ctx)
        case = w.state("case", case_id)
        assert case is not None
        tickets = [str(t) for t in (case.get("platform_ticket_ids") or [])]
        after: dict[str, Any] = {"platform_ticket_ids": [*tickets, ticket.ticket_id]}
        current = case.get("platform_deadline_utc")
        if ticket.deadline_utc is not None:
            new = iso_utc(ticket.deadline_utc)
            if current is None or new < str(current):
                after["platform_deadline_utc"] = new
        if not case.get("platform_ticket_id"):
            after["platform_ticket_id"] = ticket.ticket_id
        self._record(w, case_id, case, after, "city_link", now, {"ticket_id": ticket.ticket_id})
        return w.flush()[-1].seq

    @staticmethod
    def _record(w: CaseWriter, case_id: str, case: dict[str, Any], after: dict[str, Any], action: str,
                now: datetime, payload: dict[str, Any]) -> None:
        before = {k: case.get(k) for k in after}
        w._record(EventDraft(actor=CITY_ACTOR.user, role=CITY_ACTOR.role.value, action=action, entity_type="case",
                             entity_id=case_id, case_id=case_id, ts_utc=now, before=before, after=after,
                             payload=payload))

    def _refresh(self, known: CityTicketRow, ticket: MappedTicket, raw: Any, report: SyncReport,
                 now: datetime) -> None:
        """Re-delivery: keep the newest platform facts; the case only hears of deadline and satisfaction changes."""
        changes: dict[str, Any] = {}
        old_deadline = None if known.platform_deadline_utc is None else iso_utc(known.platform_deadline_utc)
        new_deadline = None if ticket.deadline_utc is None else iso_utc(ticket.deadline_utc)
        if new_deadline is not None and new_deadline != old_deadline:
            changes["platform_deadline_utc"] = ticket.deadline_utc
        if ticket.satisfaction is not None and ticket.satisfaction != known.satisfaction:
            changes["satisfaction"] = ticket.satisfaction
            changes["satisfaction_note"] = ticket.satisfaction_note
        if not changes and _json_raw(raw) == known.raw:
            report.unchanged += 1
            return
        with self.ctx.db.session() as s:
            s.execute(update(CityTicketRow).where(CityTicketRow.ticket_id == ticket.ticket_id).values(
                **changes, raw=_json_raw(raw), platform_updated_utc=ticket.updated_utc, updated_utc=now))
        case_fields: dict[str, Any] = {}
        if "platform_deadline_utc" in changes and not known.merged:
            case_fields["platform_deadline_utc"] = new_deadline
        if "satisfaction" in changes:
            case_fields["platform_satisfaction"] = ticket.satisfaction
        if case_fields:
            with self.ctx.db.session() as s:
                w = CaseWriter(s, self.ctx)
                case = w.state("case", known.case_id)
                if case is not None:
                    self._record(w, known.case_id, case, case_fields, "city_update", now,
                                 {"ticket_id": ticket.ticket_id})
                    w.flush()
        report.updated += 1


def _json_raw(raw: Any) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(json.dumps(raw, ensure_ascii=False, default=str))
    return value
