"""Collaboration commands (协同办公): notes and comments with @mentions and attachments, handoffs between squads or
departments with acceptance (移交/接收), notices to all seats (全员通知), and the mention inbox.

Every change is an event appended through ``CaseWriter.upsert_entity`` (entity types ``note``, ``mention``,
``handoff``, ``notice``; events about a case carry its ``case_id`` so they appear on the case's timeline). Reads come
from the projections (console/storage/models_collab.py). Refusals raise a DomainError and write nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from console.collab import permissions
from console.collab.attachments import AttachmentRef, AttachmentStore
from console.collab.config import CollabConfig, default_config
from console.collab.mentions import Directory, Mention, Target, resolve
from console.domain.enums import CaseStatus
from console.errors import ConflictError, IllegalActionError, NotFoundError, ValidationError
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import projection
from console.storage.eventstore import iso_utc
from console.storage.models import AssetRow, OfficerRow
from console.storage.models_collab import HandoffRow, MentionRow, NoteRow, NoticeRow

MAX_BODY_CHARS = 4000
MAX_TITLE_CHARS = 200
NOTICE_LEVELS = ("info", "warning", "urgent")
REASSIGNABLE = (CaseStatus.DISPATCHED, CaseStatus.HANDLING)


def new_id(prefix: str, now: datetime) -> str:
    """Readable, sortable and unique across seats: prefix + UTC time + random suffix."""
    return f"{prefix}{now.strftime('%Y%m%d%H%M%S')}{uuid.uuid4().hex[:6].upper()}"


def load_directory(session: Session) -> Directory:
    """Users (accounts), officers and squads that can be @mentioned."""
    targets: list[Target] = []
    if inspect(session.get_bind()).has_table("users"):
        from console.storage.models_security import UserRow

        for username, display, active in session.execute(
                select(UserRow.username, UserRow.display_name, UserRow.active)):
            if active:
                targets.append(Target("user", str(username), str(username)))
                if display and display != username:
                    targets.append(Target("user", str(username), str(display)))
    for oid, name, active in session.execute(select(OfficerRow.id, OfficerRow.name, OfficerRow.active)):
        if active is not False:
            targets.append(Target("officer", str(oid), str(name)))
    for sid, name in session.execute(select(AssetRow.id, AssetRow.name).where(AssetRow.kind == "squad")):
        targets.append(Target("squad", str(sid), str(name)))
    return Directory(targets)


class CollabService:
    """Notes, mentions, handoffs and notices; one transaction per command."""

    def __init__(self, ctx: ServiceContext, config: CollabConfig | None = None,
                 store: AttachmentStore | None = None) -> None:
        self.ctx = ctx
        self.config = config or default_config()
        self.store = store or AttachmentStore()

    # ------------------------------------------------------------------ notes and mentions
    def add_note(self, case_id: str | None, body: str, actor: Actor, *, parent_id: str | None = None,
                 attachments: Sequence[tuple[str, bytes]] = (), ts_utc: datetime | None = None) -> dict[str, Any]:
        """Write a note (or a reply when ``parent_id``) on a case; @mentions must all resolve."""
        permissions.check(actor, "note", self.config)
        text = (body or "").strip()
        if not text and not attachments:
            raise ValidationError("备注内容不能为空", "a note needs text or an attachment")
        if len(text) > MAX_BODY_CHARS:
            raise ValidationError(f"备注过长（{len(text)} 字，上限 {MAX_BODY_CHARS}）",
                                  f"note too long ({len(text)} characters, limit {MAX_BODY_CHARS})")
        if len(attachments) > self.config.attachments.max_per_note:
            raise ValidationError(f"附件过多（上限 {self.config.attachments.max_per_note} 个）",
                                  f"too many attachments (limit {self.config.attachments.max_per_note})")
        now = ts_utc or self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            if case_id is not None and w.state("case", case_id) is None:
                raise NotFoundError(f"案件 {case_id} 不存在", f"case {case_id} does not exist")
            if parent_id is not None:
                parent = w.state("note", parent_id)
                if parent is None:
                    raise NotFoundError(f"备注 {parent_id} 不存在", f"note {parent_id} does not exist")
                if parent.get("case_id") != case_id:
                    raise ValidationError("回复须与原备注属于同一案件", "a reply must be on the same case as its note")
            mentions = resolve(text, load_directory(s))
            refs = [self.store.put(name, data, self.config.attachments) for name, data in attachments]
            note_id = new_id("NT", now)
            self._write_note(w, note_id, case_id, text, actor, now, mentions, refs, parent_id)
            w.flush()
            state = w.state("note", note_id)
        assert state is not None
        return dict(state)

    def _write_note(self, w: CaseWriter, note_id: str, case_id: str | None, text: str, actor: Actor, now: datetime,
                    mentions: Sequence[Mention], refs: Sequence[AttachmentRef], parent_id: str | None = None,
                    kind: str = "note") -> None:
        """The events of one note (also used by other collaboration commands, e.g. workstation escalation)."""
        w.upsert_entity("note", note_id, {
            "case_id": case_id, "parent_id": parent_id, "author": actor.user, "author_role": actor.role.value,
            "body": text, "created_at": iso_utc(now), "note_kind": kind,
            "mentions": [{"kind": m.target.kind, "id": m.target.id, "name": m.target.name} for m in mentions],
            "attachments": [r.to_json() for r in refs],
        }, actor, action="comment_add" if parent_id else "note_add", ts_utc=now, case_id=case_id)
        for m in mentions:
            w.upsert_entity("mention", f"{note_id}:{m.target.kind}:{m.target.id}", {
                "note_id": note_id, "case_id": case_id, "target_kind": m.target.kind, "target_id": m.target.id,
                "read": False, "created_at": iso_utc(now), "author": actor.user, "excerpt": text[:120],
            }, actor, action="mention", ts_utc=now, case_id=case_id)

    def notes_for_case(self, case_id: str) -> list[dict[str, Any]]:
        """Notes and replies on a case, oldest first."""
        spec = projection.SPECS["note"]
        with self.ctx.db.read_session() as s:
            rows = s.execute(select(NoteRow).where(NoteRow.case_id == case_id)
                             .order_by(NoteRow.created_at, NoteRow.last_seq)).scalars().all()
            return [projection.row_to_state(spec, r) for r in rows]

    def inbox(self, user: str, *, unread_only: bool = False) -> list[dict[str, Any]]:
        """Mentions of ``user`` and of the squad the user belongs to (when the user is an officer), newest first."""
        spec = projection.SPECS["mention"]
        with self.ctx.db.read_session() as s:
            ids = [user]
            squad = s.execute(select(OfficerRow.squad_id).where(OfficerRow.id == user)).scalar()
            if squad:
                ids.append(str(squad))
            stmt = select(MentionRow).where(MentionRow.target_id.in_(ids))
            if unread_only:
                stmt = stmt.where(MentionRow.read.is_(False))
            rows = s.execute(stmt.order_by(MentionRow.created_at.desc(), MentionRow.last_seq.desc())).scalars().all()
            return [projection.row_to_state(spec, r) for r in rows]

    def mark_read(self, mention_id: str, actor: Actor) -> None:
        """Mark one inbox line read (an event, so every seat of that user sees it read)."""
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            m = w.state("mention", mention_id)
            if m is None:
                raise NotFoundError(f"提及 {mention_id} 不存在", f"mention {mention_id} does not exist")
            w.upsert_entity("mention", mention_id, {"read": True}, actor, action="mention_read",
                            case_id=m.get("case_id"))
            w.flush()

    # ------------------------------------------------------------------ handoffs
    def request_handoff(self, case_id: str, to_id: str, actor: Actor, *, reason: str,
                        ts_utc: datetime | None = None) -> dict[str, Any]:
        """Ask another squad or department to take a case (移交申请); one pending request per case."""
        permissions.check(actor, "handoff_request", self.config)
        if not (reason or "").strip():
            raise ValidationError("移交须填写理由", "a handoff needs a reason")
        now = ts_utc or self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            case = w.state("case", case_id)
            if case is None:
                raise NotFoundError(f"案件 {case_id} 不存在", f"case {case_id} does not exist")
            if not CaseStatus(case["status"]).is_open:
                raise IllegalActionError(f"案件 {case_id} 已结束（{case['status']}），不能移交",
                                         f"case {case_id} is finished ({case['status']}); it cannot be handed off")
            to_kind = next((k for k in ("squad", "unit") if w.state(k, to_id) is not None), None)
            if to_kind is None:
                raise NotFoundError(f"移交对象 {to_id} 不是中队或处置单位", f"handoff target {to_id} is not a squad or unit")
            pending = s.execute(select(HandoffRow.id).where(HandoffRow.case_id == case_id,
                                                            HandoffRow.status == "requested")).scalar()
            if pending is not None:
                raise ConflictError(f"案件 {case_id} 已有待接收的移交 {pending}",
                                    f"case {case_id} already has a pending handoff {pending}")
            from_id = self._owner(w, case)
            if from_id == to_id:
                raise ValidationError(f"案件已由 {to_id} 承办，无需移交", f"the case is already with {to_id}")
            hid = new_id("HO", now)
            w.upsert_entity("handoff", hid, {
                "case_id": case_id, "from_id": from_id, "to_kind": to_kind, "to_id": to_id, "status": "requested",
                "requested_by": actor.user, "requested_role": actor.role.value, "requested_at": iso_utc(now),
                "request_reason": reason.strip(), "decided_by": None, "decided_at": None,
            }, actor, action="handoff_request", ts_utc=now, case_id=case_id, reason=reason.strip())
            w.flush()
            state = w.state("handoff", hid)
        assert state is not None
        return dict(state)

    @staticmethod
    def _owner(w: CaseWriter, case: dict[str, Any]) -> str | None:
        """Who holds the case now: its assignee squad/unit, the assignee officer's squad, else the area's squad."""
        assignee = case.get("assignee")
        if assignee:
            officer = w.state("officer", str(assignee))
            if officer is not None:
                return str(officer.get("squad_id") or assignee)
            return str(assignee)
        sub = case.get("subdistrict_code")
        if sub:
            row = w.session.execute(select(AssetRow.id).where(AssetRow.kind == "squad",
                                                              AssetRow.subdistrict_code == sub)).scalar()
            return None if row is None else str(row)
        return None

    def decide_handoff(self, handoff_id: str, accept: bool, actor: Actor, *, reason: str | None = None,
                       ts_utc: datetime | None = None) -> dict[str, Any]:
        """Accept (接收) or decline (拒收, reason required) a pending handoff. Accepting a case that is dispatched or
        in handling also reassigns it to the receiving squad/unit when the actor's role may reassign."""
        permissions.check(actor, "handoff_decide", self.config)
        if not accept and not (reason or "").strip():
            raise ValidationError("拒收移交须填写理由", "declining a handoff needs a reason")
        now = ts_utc or self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            h = w.state("handoff", handoff_id)
            if h is None:
                raise NotFoundError(f"移交 {handoff_id} 不存在", f"handoff {handoff_id} does not exist")
            if h.get("status") != "requested":
                raise ConflictError(f"移交 {handoff_id} 已由 {h.get('decided_by')} 处理（{h.get('status')}）",
                                    f"handoff {handoff_id} was already {h.get('status')} by {h.get('decided_by')}")
            case_id = str(h["case_id"])
            reassigned = False
            if accept:
                case = w.state("case", case_id) or {}
                spec = self.ctx.workflow.actions.get("reassign")
                status = CaseStatus(case.get("status", "closed"))
                if (spec is not None and status in REASSIGNABLE and status in spec.from_states
                        and actor.role in spec.roles and case.get("assignee") != h["to_id"]):
                    w.act(case_id, "reassign", actor, target=str(h["to_id"]),
                          reason=f"移交 {handoff_id}：{h.get('request_reason') or ''}".strip(), ts_utc=now)
                    reassigned = True
            w.upsert_entity("handoff", handoff_id, {
                "status": "accepted" if accept else "declined", "decided_by": actor.user,
                "decided_role": actor.role.value, "decided_at": iso_utc(now),
                "decision_reason": (reason or "").strip() or None, "reassigned": reassigned,
            }, actor, action="handoff_accept" if accept else "handoff_decline", ts_utc=now, case_id=case_id,
                reason=(reason or "").strip() or None)
            w.flush()
            state = w.state("handoff", handoff_id)
        assert state is not None
        return dict(state)

    def handoffs(self, *, case_id: str | None = None, to_id: str | None = None,
                 status: str | None = None) -> list[dict[str, Any]]:
        spec = projection.SPECS["handoff"]
        stmt = select(HandoffRow)
        if case_id is not None:
            stmt = stmt.where(HandoffRow.case_id == case_id)
        if to_id is not None:
            stmt = stmt.where(HandoffRow.to_id == to_id)
        if status is not None:
            stmt = stmt.where(HandoffRow.status == status)
        with self.ctx.db.read_session() as s:
            rows = s.execute(stmt.order_by(HandoffRow.requested_at.desc(), HandoffRow.last_seq.desc())).scalars().all()
            return [projection.row_to_state(spec, r) for r in rows]

    # ------------------------------------------------------------------ notices
    def post_notice(self, title: str, actor: Actor, *, body: str | None = None, level: str = "info",
                    expires_at_utc: datetime | None = None, ts_utc: datetime | None = None) -> dict[str, Any]:
        """A notice to every seat (全员通知); seats learn of it by following the log."""
        permissions.check(actor, "notice", self.config)
        clean = (title or "").strip()
        if not clean:
            raise ValidationError("通知标题不能为空", "a notice needs a title")
        if len(clean) > MAX_TITLE_CHARS:
            raise ValidationError(f"通知标题过长（上限 {MAX_TITLE_CHARS} 字）", f"notice title over {MAX_TITLE_CHARS} characters")
        if level not in NOTICE_LEVELS:
            raise ValidationError(f"通知级别应为 {'/'.join(NOTICE_LEVELS)}", f"notice level must be one of {NOTICE_LEVELS}")
        now = ts_utc or self.ctx.clock.now_utc()
        if expires_at_utc is not None and expires_at_utc <= now:
            raise ValidationError("通知的失效时间须晚于现在", "a notice must expire in the future")
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            nid = new_id("NC", now)
            w.upsert_entity("notice", nid, {
                "title": clean, "body": (body or "").strip() or None, "level": level, "author": actor.user,
                "author_role": actor.role.value, "status": "active", "created_at": iso_utc(now),
                "expires_at": None if expires_at_utc is None else iso_utc(expires_at_utc),
            }, actor, action="notice_post", ts_utc=now)
            w.flush()
            state = w.state("notice", nid)
        assert state is not None
        return dict(state)

    def withdraw_notice(self, notice_id: str, actor: Actor) -> None:
        permissions.check(actor, "notice", self.config)
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            if w.state("notice", notice_id) is None:
                raise NotFoundError(f"通知 {notice_id} 不存在", f"notice {notice_id} does not exist")
            w.upsert_entity("notice", notice_id, {"status": "withdrawn"}, actor, action="notice_withdraw")
            w.flush()

    def active_notices(self, now_utc: datetime | None = None) -> list[dict[str, Any]]:
        now = now_utc or self.ctx.clock.now_utc()
        spec = projection.SPECS["notice"]
        with self.ctx.db.read_session() as s:
            rows = s.execute(select(NoticeRow).where(NoticeRow.status == "active")
                             .order_by(NoticeRow.created_at.desc(), NoticeRow.last_seq.desc())).scalars().all()
            states = [projection.row_to_state(spec, r) for r in rows]
        return [n for n in states if is_notice_active(n, now)]


def is_notice_active(notice: dict[str, Any], now_utc: datetime) -> bool:
    """Active and not expired (World buckets and projection rows alike)."""
    if notice.get("status") != "active":
        return False
    expires = notice.get("expires_at")
    if not expires:
        return True
    return datetime.fromisoformat(str(expires).replace("Z", "+00:00")) > now_utc
