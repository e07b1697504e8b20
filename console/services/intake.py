"""One door for reports from every channel, merging duplicates into an open case instead of opening another.

A report of the same category near an OPEN case created within the merge window attaches to it (event action
``merge_report`` appends to the case's ``reports`` list); otherwise a case is created through CaseWriter. An
``external_ref`` (Open311 token, 12345 ticket id, Frigate event id...) makes re-delivery idempotent. The decision is
taken under the event-chain lock, so several gateways against one PostgreSQL cannot both create the same case.
Personal data of merged reporters goes to ``case_extra_reporters`` (never into the immutable log).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from console.domain.enums import CaseStatus, Role, SourceChannel, parse_enum
from console.errors import ConflictError, DataFileError, NotFoundError, PermissionDeniedError, ValidationError
from console.geo.coords import lonlat_wgs84
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.resources import resource_path
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.writer import CaseWriter, Reporter
from console.storage.eventstore import EventDraft, iso_utc
from console.storage.models import CaseRow
from console.storage.models_feeds import ExtraReporterRow, IntakeRefRow

SPLIT_ROLES = {Role.DISPATCHER, Role.SHIFT_LEADER, Role.CALL_TAKER, Role.ADMIN}
CLOSED_STATUSES = [s.value for s in CaseStatus if not s.is_open]
MAX_EXTERNAL_REF = 128


@dataclass
class IntakeResult:
    """What became of a report: the case it created or joined, and that case's JSON (CaseService shape).

    ``case`` is empty when the caller asked not to load it (``load_case=False``: Open311 answers without it).
    """

    case_id: str
    merged: bool
    case: dict[str, Any]
    report_index: int = 0


# Called inside the intake's transaction with (session, case_id, report_index, merged): a channel's own rows
# (e.g. the Open311 request handle) commit together with the case, in one transaction.
AlsoWrite = Callable[[Session, str, int, bool], None]


@dataclass(frozen=True)
class MergeRule:
    radius_m: float
    window_s: float


@dataclass(frozen=True)
class MergeConfig:
    """Merge parameters from resources/feeds/intake.yaml (``merge:`` section)."""

    radius_m: float = 50.0
    window_s: float = 2 * 3600.0
    per_category: dict[str, MergeRule] = field(default_factory=dict)


def _positive(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DataFileError(f"{where} 应为数字", f"{where} must be a number") from None
    if not math.isfinite(number) or number < 0:
        raise DataFileError(f"{where} 应为非负有限数", f"{where} must be a finite non-negative number")
    return number


def load_merge_config(path: Path | None = None) -> MergeConfig:
    """Read the merge section; a missing or malformed file is a DataFileError naming the field."""
    path = path or resource_path("feeds", "intake.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取合并配置 {path}：{exc}", f"cannot read merge config {path}: {exc}") from exc
    merge = data.get("merge", {}) if isinstance(data, dict) else None
    if not isinstance(merge, dict):
        raise DataFileError(f"{path}：merge 应为映射", f"{path}: merge must be a mapping")
    per: dict[str, MergeRule] = {}
    for code, rule in (merge.get("per_category") or {}).items():
        if not isinstance(rule, dict):
            raise DataFileError(f"{path}：per_category.{code} 应为映射", f"{path}: per_category.{code} must be a mapping")
        per[str(code)] = MergeRule(_positive(rule.get("radius_m", merge.get("radius_m", 50)), f"{code}.radius_m"),
                                   _positive(rule.get("window_s", merge.get("window_s", 7200)), f"{code}.window_s"))
    return MergeConfig(_positive(merge.get("radius_m", 50), "merge.radius_m"),
                       _positive(merge.get("window_s", 7200), "merge.window_s"), per)


class IntakeService:
    """Reports in, cases out: create or merge, idempotent per external reference, splittable by dispatchers."""

    def __init__(self, ctx: ServiceContext, merge_radius_m: float = 50.0, merge_window_s: float = 2 * 3600,
                 per_category: dict[str, MergeRule] | None = None) -> None:
        self.ctx = ctx
        self.merge_radius_m = float(merge_radius_m)
        self.merge_window_s = float(merge_window_s)
        self.per_category = dict(per_category or {})
        self.cases = CaseService(ctx)

    @classmethod
    def from_config(cls, ctx: ServiceContext, path: Path | None = None) -> IntakeService:
        """The service with merge parameters from resources/feeds/intake.yaml (or ``path``)."""
        cfg = load_merge_config(path)
        return cls(ctx, cfg.radius_m, cfg.window_s, cfg.per_category)

    def rule_for(self, category_code: str) -> MergeRule:
        return self.per_category.get(category_code, MergeRule(self.merge_radius_m, self.merge_window_s))

    # ------------------------------------------------------------------ report
    def report(self, *, category: str, lon: float, lat: float, source: str, actor: Actor,
               description: str | None = None, address: str | None = None, reporter: Reporter | None = None,
               attachments: list[str] | None = None, extra: dict[str, Any] | None = None,
               external_ref: str | None = None, also_write: AlsoWrite | None = None,
               load_case: bool = True) -> IntakeResult:
        """Merge into a nearby open case of the same category, else create one; nothing is written on error.

        ``also_write`` runs in the same transaction (not for a re-delivered ``external_ref``, already written).
        """
        cat = self.ctx.taxonomy.find(category)
        src = parse_enum(SourceChannel, source, "来源", "source channel")
        lon_f, lat_f = lonlat_wgs84(lon, lat, allow_text=True)  # CoordinateError is a ValidationError
        if external_ref is not None:
            external_ref = str(external_ref).strip()
            if not external_ref or len(external_ref) > MAX_EXTERNAL_REF:
                raise ValidationError("外部编号为空或过长", f"external reference empty or longer than {MAX_EXTERNAL_REF}")
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)  # takes the chain lock: merge decisions are serialised across gateways
            if external_ref is not None:
                known = s.get(IntakeRefRow, external_ref)
                if known is not None:
                    case_id, merged = known.case_id, known.merged
                    return IntakeResult(case_id, merged, self.cases.get_case(case_id) if load_case else {},
                                        known.report_index)
            entry: dict[str, Any] = {"channel": src.value, "source": src.value, "ts": iso_utc(now),
                                     "external_ref": external_ref, "description": description,
                                     "lon": lon_f, "lat": lat_f, "actor": str(actor)}
            if attachments:
                entry["attachments"] = list(attachments)
            has_reporter = reporter is not None and bool(reporter.name or reporter.phone or reporter.note)
            entry["has_reporter"] = has_reporter
            target = self._merge_target(s, cat.code, lon_f, lat_f, now)
            if target is not None:
                case_id, index = self._merge(w, target, entry, actor, attachments, now)
                if has_reporter:
                    assert reporter is not None
                    s.execute(insert(ExtraReporterRow).values(case_id=case_id, report_index=index, name=reporter.name,
                                                              phone=reporter.phone, contact_note=reporter.note))
                merged = True
            else:
                state = w.create_case(category=cat.code, lon=lon_f, lat=lat_f, source=src.value, actor=actor,
                                      description=description, address=address, reporter=reporter,
                                      attachments=attachments, ts_utc=now,
                                      extra={**(extra or {}), "reports": [entry]})
                case_id, index, merged = str(state["id"]), 0, False
            w.flush()
            if external_ref is not None:
                s.execute(insert(IntakeRefRow).values(external_ref=external_ref, case_id=case_id, report_index=index,
                                                      merged=merged, channel=src.value, created_utc=now))
            if also_write is not None:
                also_write(s, case_id, index, merged)
        return IntakeResult(case_id, merged, self.cases.get_case(case_id) if load_case else {}, index)

    def _merge_target(self, s: Session, category_code: str, lon: float, lat: float, now: datetime) -> str | None:
        """The nearest open case of the category within the radius, created within the window."""
        rule = self.rule_for(category_code)
        if rule.radius_m <= 0 or rule.window_s <= 0:
            return None
        x_arr, y_arr = lonlat_wgs84_to_xy_m([lon], [lat])
        x, y, r = float(x_arr[0]), float(y_arr[0]), rule.radius_m
        stmt = (select(CaseRow.id, CaseRow.x_m, CaseRow.y_m)
                .where(CaseRow.category_code == category_code, CaseRow.status.not_in(CLOSED_STATUSES),
                       CaseRow.created_at >= now - timedelta(seconds=rule.window_s),
                       CaseRow.x_m.between(x - r, x + r), CaseRow.y_m.between(y - r, y + r)))
        best: tuple[float, str] | None = None
        for case_id, cx, cy in s.execute(stmt):
            d = math.hypot(cx - x, cy - y)
            if d <= r and (best is None or (d, case_id) < best):
                best = (d, str(case_id))
        return None if best is None else best[1]

    def _merge(self, w: CaseWriter, case_id: str, entry: dict[str, Any], actor: Actor,
               attachments: list[str] | None, now: datetime) -> tuple[str, int]:
        case = w.state("case", case_id)
        assert case is not None
        reports = [dict(r) for r in (case.get("reports") or [])]
        index = len(reports)
        after: dict[str, Any] = {"reports": [*reports, entry], "report_count": index + 1}
        before: dict[str, Any] = {"reports": reports, "report_count": case.get("report_count", len(reports))}
        if attachments:
            before["attachments"] = list(case.get("attachments") or [])
            after["attachments"] = [*before["attachments"], *attachments]
        w._record(EventDraft(actor=actor.user, role=actor.role.value, action="merge_report", entity_type="case",
                             entity_id=case_id, case_id=case_id, ts_utc=now, before=before, after=after,
                             payload={"channel": entry["channel"], "external_ref": entry["external_ref"],
                                      "report_index": index}))
        return case_id, index

    # ------------------------------------------------------------------ split
    def split_report(self, case_id: str, report_index: int, actor: Actor, reason: str | None = None) -> str:
        """Undo a wrong merge: report ``report_index`` of ``case_id`` becomes a case of its own; returns its id."""
        if actor.role not in SPLIT_ROLES:
            raise PermissionDeniedError(f"{actor.role.label_zh} 无权拆分合并的报告",
                                        f"role {actor.role.value} may not split merged reports")
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            case = w.state("case", case_id)
            if case is None:
                raise NotFoundError(f"案件 {case_id} 不存在", f"case {case_id} does not exist")
            reports = [dict(r) for r in (case.get("reports") or [])]
            if not isinstance(report_index, int) or not 1 <= report_index < len(reports):
                raise ValidationError(f"报告序号 {report_index} 无效（可拆分 1–{len(reports) - 1}）",
                                      f"report index {report_index} is not a merged report of {case_id}")
            rep = reports[report_index]
            if rep.get("split_to"):
                raise ConflictError(f"该报告已拆分为案件 {rep['split_to']}",
                                    f"report already split off to case {rep['split_to']}")
            extra_row = s.execute(select(ExtraReporterRow).where(
                ExtraReporterRow.case_id == case_id, ExtraReporterRow.report_index == report_index)).scalars().first()
            reporter = (Reporter(extra_row.name, extra_row.phone, extra_row.contact_note)
                        if extra_row is not None else None)
            moved = {**rep, "split_from": case_id, "split_from_index": report_index}
            new = w.create_case(
                category=str(case["category_code"]), lon=float(rep.get("lon", case["lon"])),
                lat=float(rep.get("lat", case["lat"])), source=str(rep.get("channel") or rep.get("source")),
                actor=actor, description=rep.get("description"), reporter=reporter,
                attachments=list(rep.get("attachments") or []) or None, ts_utc=now,
                extra={"reports": [moved], "split_from": case_id})
            new_id = str(new["id"])
            reports[report_index] = {**rep, "split_to": new_id}
            before = {"reports": [dict(r) for r in (case.get("reports") or [])]}
            w._record(EventDraft(actor=actor.user, role=actor.role.value, action="split_report", entity_type="case",
                                 entity_id=case_id, case_id=case_id, ts_utc=now, before=before,
                                 after={"reports": reports}, reason=reason,
                                 payload={"report_index": report_index, "new_case_id": new_id}))
            w.flush()
            if extra_row is not None:
                s.execute(delete(ExtraReporterRow).where(ExtraReporterRow.id == extra_row.id))
            s.execute(update(IntakeRefRow)
                      .where(IntakeRefRow.case_id == case_id, IntakeRefRow.report_index == report_index)
                      .values(case_id=new_id, report_index=0, merged=False))
        return new_id

    def extra_reporters(self, case_id: str) -> list[dict[str, Any]]:
        """Personal data of merged reporters (for authorised views only; callers mask as needed)."""
        with self.ctx.db.read_session() as s:
            rows = s.scalars(select(ExtraReporterRow).where(ExtraReporterRow.case_id == case_id)
                             .order_by(ExtraReporterRow.report_index)).all()
            return [{"report_index": r.report_index, "name": r.name, "phone": r.phone, "note": r.contact_note}
                    for r in rows]
