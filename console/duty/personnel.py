"""Personnel (人员管理): officers, inspectors and staff — squad (中队), subdistrict, rank/post, law-enforcement
certificate (执法证) number and expiry, skills, tracker device ids, contact.

The record is the ``officer`` entity of the event log (create/update/deactivate are events through ``CaseWriter``;
nobody is ever deleted). The contact phone is personal data: it lives in ``officer_contacts`` outside the immutable log
(the event records ``contact_changed``, never the number) and is masked for roles without ``read_pii``; reading it in
full is an audited ``pii_read`` event. ``device_ids`` on the record are the source of truth for which tracker belongs
to whom (``officer_devices`` feeds the gateway's device mapping).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from console.duty.tabular import ImportRejected, ImportReport, RowError, missing_columns, read_table, write_table
from console.errors import NotFoundError, ValidationError
from console.security.audit import pii_read_draft, record_audit_events
from console.security.permissions import allowed, check
from console.services.actor import Actor
from console.services.cases import mask_phone
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import projection
from console.storage.models import AssetRow, OfficerRow
from console.storage.models_duty import OfficerContactRow

POSTS = {"officer": "队员", "inspector": "监督员", "leader": "队长", "staff": "内勤"}
POST_ALIASES = {v: k for k, v in POSTS.items()}
COLUMNS = ("id", "name", "post", "squad_id", "subdistrict_code", "rank", "badge_no", "cert_no", "cert_expiry",
           "skills", "device_ids", "phone", "active")
REQUIRED = ("id", "name", "post")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
DEVICE_RE = re.compile(r"^[\w./:@-]{1,64}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")
TRUE = {"1", "true", "yes", "y", "是", "在职", ""}
FALSE = {"0", "false", "no", "n", "否", "停用", "离职"}


@dataclass(frozen=True)
class PersonRecord:
    """One person as entered (UI form, import row)."""

    id: str
    name: str
    post: str = "officer"
    squad_id: str | None = None
    subdistrict_code: str | None = None
    rank: str | None = None
    badge_no: str | None = None
    cert_no: str | None = None
    cert_expiry: date | None = None
    skills: tuple[str, ...] = ()
    device_ids: tuple[str, ...] = ()
    phone: str | None = None
    active: bool = True

    def fields(self, today: date) -> dict[str, Any]:
        """The officer entity fields (no contact: that stays out of the log). ``certified`` follows the certificate:
        a number that has not expired."""
        certified = bool(self.cert_no) and (self.cert_expiry is None or self.cert_expiry >= today)
        out: dict[str, Any] = {
            "name": self.name, "post": self.post, "squad_id": self.squad_id, "subdistrict_code": self.subdistrict_code,
            "rank": self.rank, "badge_no": self.badge_no, "cert_no": self.cert_no,
            "cert_expiry": None if self.cert_expiry is None else self.cert_expiry.isoformat(),
            "certified": certified, "skills": list(self.skills), "device_ids": list(self.device_ids),
            "device_id": self.device_ids[0] if self.device_ids else None, "active": self.active,
        }
        return out


def _split(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in re.split(r"[;；,，]", text) if p.strip()))


def parse_row(n: int, row: dict[str, str], squads: dict[str, str | None], known_subdistricts: set[str]
              ) -> tuple[PersonRecord | None, list[RowError]]:
    """Validate one import row (row ``n`` of the file); returns the record or the row's errors."""
    errs: list[RowError] = []

    def err(col: str, zh: str, en: str) -> None:
        errs.append(RowError(n, col, zh, en))

    oid = row.get("id", "").strip()
    if not ID_RE.match(oid):
        err("id", f"编号“{oid[:40]}”无效（1–32 位字母、数字、-、_）", f"invalid id {oid[:40]!r} (1–32 letters, digits, - or _)")
    name = row.get("name", "").strip()
    if not name or len(name) > 64:
        err("name", "姓名不能为空且不超过 64 字", "name must be 1–64 characters")
    post_text = row.get("post", "").strip()
    post = POST_ALIASES.get(post_text, post_text)
    if post not in POSTS:
        err("post", f"岗位“{post_text[:20]}”无效（{'、'.join(POSTS.values())}）",
            f"invalid post {post_text[:20]!r} ({', '.join(POSTS)})")
    squad = row.get("squad_id", "").strip() or None
    if squad is not None and squad not in squads:
        err("squad_id", f"中队“{squad[:32]}”不存在", f"squad {squad[:32]!r} does not exist")
    sub = row.get("subdistrict_code", "").strip() or (squads.get(squad) if squad else None)
    if sub is not None and sub not in known_subdistricts:
        err("subdistrict_code", f"街道代码“{sub[:20]}”不存在", f"unknown subdistrict code {sub[:20]!r}")
    expiry: date | None = None
    expiry_text = row.get("cert_expiry", "").strip()
    if expiry_text:
        try:
            expiry = date.fromisoformat(expiry_text[:10])
        except ValueError:
            err("cert_expiry", f"执法证有效期应为 YYYY-MM-DD，收到“{expiry_text[:20]}”",
                f"cert_expiry must be YYYY-MM-DD, got {expiry_text[:20]!r}")
    cert = row.get("cert_no", "").strip() or None
    if expiry is not None and cert is None:
        err("cert_no", "填写了有效期但缺少执法证号", "a certificate expiry without a certificate number")
    if cert is not None and len(cert) > 32:
        err("cert_no", "执法证号过长（≤32）", "certificate number too long (≤ 32)")
    phone = row.get("phone", "").strip() or None
    if phone is not None and not PHONE_RE.match(phone):
        err("phone", "电话号码格式无效", "invalid phone number")
    devices = _split(row.get("device_ids", ""))
    bad_dev = [d for d in devices if not DEVICE_RE.match(d)]
    if bad_dev:
        err("device_ids", f"终端编号无效：{bad_dev[0][:40]}", f"invalid device id {bad_dev[0][:40]!r}")
    active_text = row.get("active", "").strip().lower()
    if active_text not in TRUE | FALSE:
        err("active", f"在职状态“{active_text[:10]}”无效（是/否）", f"invalid active flag {active_text[:10]!r} (true/false)")
    skills = _split(row.get("skills", ""))
    rank = row.get("rank", "").strip() or None
    badge = row.get("badge_no", "").strip() or None
    for col, value in (("rank", rank), ("badge_no", badge)):
        if value is not None and len(value) > 32:
            err(col, "内容过长（≤32）", "too long (≤ 32)")
    if errs:
        return None, errs
    return PersonRecord(oid, name, post, squad, sub, rank, badge, cert, expiry, skills, devices, phone,
                        active_text not in FALSE), []


class PersonnelService:
    """Create, edit, deactivate, list, import and export people; every change an event."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _reference(self) -> tuple[dict[str, str | None], set[str]]:
        with self.ctx.db.read_session() as s:
            squads = {str(i): sd for i, sd in s.execute(
                select(AssetRow.id, AssetRow.subdistrict_code).where(AssetRow.kind == "squad"))}
        return squads, set(str(c) for c in self.ctx.geo.geography.subdistricts["code"])

    def save(self, records: Sequence[PersonRecord], actor: Actor, *, reason: str | None = None) -> int:
        """Create or update people (only changed fields become events); returns the events appended."""
        check(actor, "manage_reference")
        now = self.ctx.clock.now_utc()
        today = now.date()
        with self.ctx.db.session() as s:
            self._check_devices(s, records)
            w = CaseWriter(s, self.ctx)
            for r in records:
                fields = r.fields(today)
                current = w.state("officer", r.id)
                if current is None:
                    fields["status"] = "off_duty"
                contact = s.get(OfficerContactRow, r.id)
                if (contact.phone if contact else None) != r.phone:
                    if contact is None:
                        s.add(OfficerContactRow(officer_id=r.id, phone=r.phone, updated_utc=now))
                    else:
                        contact.phone, contact.updated_utc = r.phone, now
                    fields["contact_changed_utc"] = now.isoformat()
                    fields["has_contact"] = r.phone is not None
                w.upsert_entity("officer", r.id, fields, actor, reason=reason)
            return len(w.flush())

    def _check_devices(self, s: Any, records: Sequence[PersonRecord]) -> None:
        """A tracker belongs to one person: refuse a device id another (active) officer already carries."""
        mine = {r.id for r in records}
        taken = {d: oid for d, oid in officer_devices_in(s).items() if oid not in mine}
        seen: dict[str, str] = {}
        for r in records:
            for d in r.device_ids:
                other = taken.get(d) or (seen.get(d) if seen.get(d) != r.id else None)
                if other:
                    raise ValidationError(f"终端 {d} 已属于队员 {other}", f"device {d} already belongs to officer {other}")
                seen[d] = r.id

    def deactivate(self, officer_id: str, actor: Actor, reason: str) -> None:
        """停用: the record stays (history, statistics); the person can no longer be assigned or rostered."""
        check(actor, "manage_reference")
        if not reason or not reason.strip():
            raise ValidationError("停用须填写原因", "deactivating needs a reason")
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            if w.state("officer", officer_id) is None:
                raise NotFoundError(f"队员 {officer_id} 不存在", f"officer {officer_id} does not exist")
            w.upsert_entity("officer", officer_id, {"active": False, "status": "off_duty"}, actor,
                            action="deactivate", reason=reason.strip())
            w.flush()

    def people(self, actor: Actor, *, squad_id: str | None = None, include_inactive: bool = False,
               unmask: bool = False, purpose: str | None = None) -> list[dict[str, Any]]:
        """People as dicts; the phone is masked unless ``unmask`` and the role may read personal data (then audited)."""
        full = unmask and allowed(actor.role, "read_pii")
        with self.ctx.db.read_session() as s:
            stmt = select(OfficerRow)
            if squad_id is not None:
                stmt = stmt.where(OfficerRow.squad_id == squad_id)
            if not include_inactive:
                stmt = stmt.where(OfficerRow.active.is_(True))
            rows = [projection.row_to_state(projection.OFFICER, r) for r in s.scalars(stmt.order_by(OfficerRow.id))]
            phones = {str(c.officer_id): c.phone for c in s.scalars(select(OfficerContactRow))}
        out = []
        read: list[str] = []
        for st in rows:
            phone = phones.get(str(st["id"]))
            if full and phone:
                read.append(str(st["id"]))
            out.append({k: st.get(k) for k in ("id", "name", "post", "squad_id", "subdistrict_code", "rank", "badge_no",
                                                "cert_no", "cert_expiry", "certified", "skills", "device_ids", "status",
                                                "active")}
                       | {"phone": phone if full else mask_phone(phone), "phone_masked": not full and bool(phone)})
        if read:
            now = self.ctx.clock.now_utc()
            drafts = [pii_read_draft(actor, f"officer:{oid}", ["officer.phone"], now, purpose or "personnel") for oid in read]
            with self.ctx.db.session() as s:
                record_audit_events(s, drafts)
        return out

    def import_file(self, path: Path, actor: Actor, *, valid_only: bool = False) -> ImportReport:
        """Import people from .csv/.xlsx; all-or-nothing unless ``valid_only``."""
        check(actor, "manage_reference")
        header, rows = read_table(path)
        report = ImportReport(rows=len(rows), errors=missing_columns(header, REQUIRED))
        if report.errors:
            raise ImportRejected(report)
        squads, subs = self._reference()
        good: list[PersonRecord] = []
        seen: dict[str, int] = {}
        seen_dev: dict[str, int] = {}
        for n, row in rows:
            rec, errs = parse_row(n, row, squads, subs)
            if rec is not None:
                if rec.id in seen:
                    errs.append(RowError(n, "id", f"与第 {seen[rec.id]} 行编号重复", f"duplicates the id of row {seen[rec.id]}"))
                dup = next((d for d in rec.device_ids if d in seen_dev), None)
                if dup is not None:
                    errs.append(RowError(n, "device_ids", f"终端 {dup} 与第 {seen_dev[dup]} 行重复",
                                         f"device {dup} also on row {seen_dev[dup]}"))
            if errs or rec is None:
                report.errors.extend(errs)
                continue
            seen[rec.id] = n
            seen_dev.update(dict.fromkeys(rec.device_ids, n))
            good.append(rec)
        if report.errors and not valid_only:
            raise ImportRejected(report)
        report.events = self.save(good, actor, reason=f"import:{path.name}") if good else 0
        report.written = len(good)
        return report

    def export_file(self, path: Path, actor: Actor, *, include_inactive: bool = True) -> int:
        """Export people to .csv/.xlsx, the phone masked by role (export is a permission of its own)."""
        check(actor, "export")
        people = self.people(actor, include_inactive=include_inactive, unmask=True, purpose=f"export:{path.name}")
        rows = [(p["id"], p["name"], p["post"], p["squad_id"], p["subdistrict_code"], p["rank"], p["badge_no"],
                 p["cert_no"], p["cert_expiry"], ";".join(p["skills"] or []), ";".join(p["device_ids"] or []),
                 p["phone"], "true" if p["active"] else "false") for p in people]
        return write_table(path, COLUMNS, rows)


def officer_devices_in(session: Any) -> dict[str, str]:
    """device id → officer id from the active officers' records (``device_ids``, else the single ``device_id``)."""
    out: dict[str, str] = {}
    for r in session.scalars(select(OfficerRow).where(OfficerRow.active.is_(True))):
        extra = r.extra or {}
        for d in extra.get("device_ids") or ([extra["device_id"]] if extra.get("device_id") else []):
            out[str(d)] = str(r.id)
    return out


def officer_devices(ctx: ServiceContext) -> dict[str, str]:
    with ctx.db.read_session() as s:
        return officer_devices_in(s)


def cert_expiring(ctx: ServiceContext, within_days: int = 30, today: date | None = None) -> list[dict[str, Any]]:
    """Active people whose law-enforcement certificate expires within ``within_days`` (or has expired)."""
    today = today or ctx.clock.now_utc().date()
    out = []
    with ctx.db.read_session() as s:
        for r in s.scalars(select(OfficerRow).where(OfficerRow.active.is_(True))):
            exp = (r.extra or {}).get("cert_expiry")
            if exp:
                days = (date.fromisoformat(str(exp)) - today).days
                if days <= within_days:
                    out.append({"id": r.id, "name": r.name, "cert_expiry": exp, "days_left": days})
    return sorted(out, key=lambda x: x["days_left"])
