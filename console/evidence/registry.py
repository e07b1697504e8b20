"""The muck-truck permit registry (渣土车备案/准运登记): local cache, API sync, CSV/XLSX import and plate lookup.

``muck_permits`` is the local mirror. ``lookup`` answers from a small in-process cache (``memory_ttl_s``), then the
table (fresh for ``cache_ttl_s``; a cached "not registered" for ``negative_ttl_s``), then the API when one is
configured; when the API is down a stale row is still used, and with nothing at all the answer is ``unknown`` (the
rules then do not accuse the truck of being unregistered). Without an API the table is the registry.

Writes are all-or-nothing: an import with any bad row writes nothing and lists every bad row; a sync writes only after
every page arrived (records that fail validation are skipped, listed and dead-lettered). Each import or sync is one
event (entity ``registry``) in the log, with the file's SHA-256, through the one write path.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select

from console.errors import DataFileError, ValidationError
from console.evidence.permits import Permit, RecordError, normalise_plate, permit_from_json
from console.evidence.registry_client import RegistryClient, RegistryRejected, RegistryUnavailable
from console.feeds.deadletter import dead_letter_values
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.eventstore import EventDraft, as_utc, iso_utc
from console.storage.models import DeadLetterRow
from console.storage.models_evidence import MuckPermitRow

REGISTRY_ENTITY = "registry"
MAX_IMPORT_ROWS = 200_000
MAX_IMPORT_BYTES = 64 * 1024 * 1024
HEADER_ALIASES = {
    "车牌": "plate", "车牌号": "plate", "号牌": "plate", "企业": "company", "运输企业": "company", "单位": "company",
    "证件类型": "permit_type", "类型": "permit_type", "证号": "permit_no", "证件编号": "permit_no",
    "有效期起": "valid_from", "有效期止": "valid_to", "允许时段": "allowed_hours", "路线": "corridor",
    "路线缓冲米": "corridor_buffer_m", "区域": "zones",
}
FIELDS = ("plate", "company", "permit_type", "permit_no", "valid_from", "valid_to", "allowed_hours", "corridor",
          "corridor_buffer_m", "zones")


def canonical_json(value: Any) -> bytes:
    """The bytes hashed and stored for a JSON record: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


@dataclass(frozen=True)
class Lookup:
    """The registry's answer for one plate at one moment, and where it came from."""

    plate: str
    status: str  # registered | not_registered | unknown
    source: str  # memory | cache | api | stale_cache | none
    permit: Permit | None = None
    record: dict[str, Any] | None = None
    fetched_utc: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"plate": self.plate, "status": self.status, "source": self.source, "record": self.record,
                "fetched_utc": iso_utc(self.fetched_utc) if self.fetched_utc else None}


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row (the header is row 0); 0 = the file itself
    field: str
    message_zh: str
    message_en: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message_zh": self.message_zh, "message_en": self.message_en}


@dataclass
class WriteReport:
    """What an import or a sync did: rows seen, written (0 when refused), and every row error."""

    source: str
    rows: int = 0
    written: int = 0
    added: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_sha256: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "rows": self.rows, "written": self.written, "added": self.added,
                "updated": self.updated, "file_sha256": self.file_sha256, "ok": self.ok,
                "errors": [e.to_json() for e in self.errors[:1000]], "error_count": len(self.errors)}


class PermitRegistry:
    """Lookup, sync and import over ``muck_permits``; ``client`` None = local registry only."""

    def __init__(self, ctx: ServiceContext, client: RegistryClient | None = None, *, cache_ttl_s: float = 6 * 3600,
                 negative_ttl_s: float = 600, memory_ttl_s: float = 60) -> None:
        self.ctx = ctx
        self.client = client
        self.cache_ttl_s = cache_ttl_s
        self.negative_ttl_s = negative_ttl_s
        self.memory_ttl_s = memory_ttl_s
        self._memory: dict[str, tuple[float, Lookup]] = {}

    # ------------------------------------------------------------------ lookup
    def lookup(self, plate_text: str) -> Lookup:
        """The permit of a plate (see the module docstring for the cache order)."""
        plate = normalise_plate(plate_text)
        hit = self._memory.get(plate)
        if hit is not None and hit[0] > time.monotonic():
            return Lookup(plate, hit[1].status, "memory", hit[1].permit, hit[1].record, hit[1].fetched_utc)
        now = self.ctx.clock.now_utc()
        with self.ctx.db.read_session() as s:
            row = s.get(MuckPermitRow, plate)
            cached = None if row is None else (row.record, row.source, as_utc(row.fetched_utc))
        result: Lookup | None = None
        if cached is not None:
            record, source, fetched = cached
            ttl = self.cache_ttl_s if record is not None else self.negative_ttl_s
            if self.client is None or source != "api" or now - fetched <= timedelta(seconds=ttl):
                result = _lookup_from(plate, record, "cache", fetched)
        if result is None and self.client is not None:
            try:
                raw = self.client.fetch_one(plate)
                result = self._store_api_answer(plate, raw, now)
            except (RegistryUnavailable, RegistryRejected, DataFileError):  # e.g. a revoked key: answer unknown
                result = None
            if result is None and cached is not None:
                result = _lookup_from(plate, cached[0], "stale_cache", cached[2])
        if result is None:
            status = "unknown" if self.client is not None else "not_registered"
            result = Lookup(plate, status, "none")
        if result.status != "unknown":
            self._memory[plate] = (time.monotonic() + self.memory_ttl_s, result)
        return result

    def _store_api_answer(self, plate: str, raw: dict[str, Any] | None, now: datetime) -> Lookup:
        if raw is None:
            record = None
        else:
            try:
                permit = permit_from_json(raw)
            except RecordError as exc:
                raise DataFileError(f"备案接口记录无效：{exc.message_zh}", f"registry record invalid: {exc.message_en}") from exc
            if permit.plate != plate:
                raise DataFileError("备案接口返回了其他车牌的记录", "registry answered with another plate's record")
            record = permit.to_json()
        with self.ctx.db.session() as s:
            s.execute(delete(MuckPermitRow).where(MuckPermitRow.plate == plate))
            s.execute(insert(MuckPermitRow).values(**_row(plate, record, "api", now)))
        return _lookup_from(plate, record, "api", now)

    def clear_memory(self) -> None:
        self._memory.clear()

    def show(self, plate_text: str) -> dict[str, Any] | None:
        """The stored row of a plate (no API call), or None."""
        plate = normalise_plate(plate_text)
        with self.ctx.db.read_session() as s:
            row = s.get(MuckPermitRow, plate)
            if row is None:
                return None
            return {"plate": plate, "registered": row.record is not None, "record": row.record, "source": row.source,
                    "fetched_utc": iso_utc(row.fetched_utc), "record_sha256": row.record_sha256}

    def count(self) -> int:
        with self.ctx.db.read_session() as s:
            return len(s.execute(select(MuckPermitRow.plate)).all())

    # ------------------------------------------------------------------ writes
    def sync(self, actor: Actor) -> WriteReport:
        """Pull every record from the API and store them (RegistryUnavailable, nothing written, if any page fails)."""
        if self.client is None:
            raise ValidationError("未配置备案接口地址", "no registry API base URL configured")
        items = self.client.fetch_all()
        report = WriteReport(source="api", rows=len(items))
        permits: dict[str, dict[str, Any]] = {}
        dead: list[dict[str, Any]] = []
        for i, raw in enumerate(items, start=1):
            try:
                permit = permit_from_json(raw)
            except RecordError as exc:
                report.errors.append(RowError(i, exc.field, exc.message_zh, exc.message_en))
                dead.append(dead_letter_values("registry.api", f"record {i}: {exc}", _dump(raw)))
                continue
            permits[permit.plate] = permit.to_json()
        report.file_sha256 = hashlib.sha256(canonical_json(sorted(permits.items()))).hexdigest()
        self._write(permits, "api", actor, report, action="registry_sync", dead=dead)
        return report

    def import_file(self, path: Path, actor: Actor, *, source: str = "import") -> WriteReport:
        """Import a CSV or XLSX file; any bad row → nothing written and every bad row reported."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise DataFileError(f"无法读取文件 {path}：{exc}", f"cannot read {path}: {exc}") from exc
        if len(data) > MAX_IMPORT_BYTES:
            raise DataFileError(f"文件过大：{path}", f"file too large: {path}")
        kind = "xlsx" if Path(path).suffix.lower() in (".xlsx", ".xlsm") else "csv"
        report = WriteReport(source=f"{source}:{Path(path).name}", file_sha256=hashlib.sha256(data).hexdigest())
        rows = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
        permits: dict[str, dict[str, Any]] = {}
        for i, raw in enumerate(rows, start=1):
            if i > MAX_IMPORT_ROWS:
                report.errors.append(RowError(i, "file", f"超过 {MAX_IMPORT_ROWS} 行", f"more than {MAX_IMPORT_ROWS} rows"))
                break
            report.rows = i
            if isinstance(raw, RowError):
                report.errors.append(raw)
                continue
            try:
                permit = permit_from_json(raw)
            except RecordError as exc:
                report.errors.append(RowError(i, exc.field, exc.message_zh, exc.message_en))
                continue
            if permit.plate in permits:
                report.errors.append(RowError(i, "plate", f"车牌 {permit.plate} 重复", f"duplicate plate {permit.plate}"))
                continue
            permits[permit.plate] = permit.to_json()
        if report.errors:
            return report
        self._write(permits, source, actor, report, action="registry_import")
        return report

    def _write(self, permits: dict[str, dict[str, Any]], source: str, actor: Actor, report: WriteReport, *,
               action: str, dead: list[dict[str, Any]] | None = None) -> None:
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            w = CaseWriter(s, self.ctx)
            plates = list(permits)
            existing: set[str] = set()
            for i in range(0, len(plates), 500):
                chunk = plates[i:i + 500]
                existing.update(p for (p,) in s.execute(select(MuckPermitRow.plate).where(MuckPermitRow.plate.in_(chunk))))
                s.execute(delete(MuckPermitRow).where(MuckPermitRow.plate.in_(chunk)))
            rows = [_row(p, rec, source, now) for p, rec in permits.items()]
            for i in range(0, len(rows), 2_000):
                s.execute(insert(MuckPermitRow), rows[i:i + 2_000])
            if dead:
                s.execute(insert(DeadLetterRow), dead)
            report.written = len(rows)
            report.updated = len(existing)
            report.added = len(rows) - len(existing)
            w.append_fact(EventDraft(
                actor=actor.user, role=actor.role.value, action=action, entity_type=REGISTRY_ENTITY,
                entity_id="muck_permits", ts_utc=now,
                payload={"source": report.source, "rows": report.rows, "written": report.written, "added": report.added,
                         "updated": report.updated, "rejected": len(report.errors), "sha256": report.file_sha256}))
            w.flush()
        self._memory.clear()


def _lookup_from(plate: str, record: dict[str, Any] | None, source: str, fetched: datetime) -> Lookup:
    if record is None:
        return Lookup(plate, "not_registered", source, None, None, fetched)
    try:
        permit = permit_from_json(record)
    except RecordError:
        return Lookup(plate, "unknown", source, None, record, fetched)
    return Lookup(plate, "registered", source, permit, record, fetched)


def _row(plate: str, record: dict[str, Any] | None, source: str, now: datetime) -> dict[str, Any]:
    digest = None if record is None else hashlib.sha256(canonical_json(record)).hexdigest()
    return {"plate": plate, "record": record, "source": source[:16], "fetched_utc": now, "record_sha256": digest}


def _dump(raw: Any) -> str:
    try:
        return json.dumps(raw, ensure_ascii=False, default=str)[:60_000]
    except (TypeError, ValueError):
        return repr(raw)[:60_000]


def _header_key(name: Any) -> str:
    text = str(name or "").strip().lstrip("\ufeff")
    return HEADER_ALIASES.get(text, text.lower())


def _map_rows(header: list[Any], body: list[list[Any]]) -> list[dict[str, Any] | RowError]:
    keys = [_header_key(h) for h in header]
    missing = [f for f in ("plate", "company", "permit_type", "permit_no", "valid_from", "valid_to") if f not in keys]
    if missing:
        raise DataFileError(f"表头缺少列：{', '.join(missing)}", f"header lacks columns: {', '.join(missing)}")
    out: list[dict[str, Any] | RowError] = []
    for i, values in enumerate(body, start=1):
        if all(v is None or str(v).strip() == "" for v in values):
            out.append(RowError(i, "row", "空行", "empty row"))
            continue
        if len(values) > len(keys) and any(v not in (None, "") for v in values[len(keys):]):
            out.append(RowError(i, "row", "列数多于表头", "more cells than header columns"))
            continue
        out.append({k: (values[j] if j < len(values) else None) for j, k in enumerate(keys) if k in FIELDS})
    return out


def _csv_rows(data: bytes) -> list[dict[str, Any] | RowError]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise DataFileError("文件编码无法识别（应为 UTF-8 或 GB18030）", "file is neither UTF-8 nor GB18030")
    if "\x00" in text:
        raise DataFileError("文件含有 NUL 字符，不是 CSV", "file contains NUL characters: not a CSV")
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DataFileError(f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from exc
    while table and not any(c.strip() for c in table[-1]):
        table.pop()
    if not table:
        raise DataFileError("文件为空", "file is empty")
    return _map_rows(list(table[0]), [list(r) for r in table[1:]])


def _xlsx_rows(data: bytes) -> list[dict[str, Any] | RowError]:
    import openpyxl  # type: ignore[import-untyped]

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            table = [list(r) for r in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) on a broken file
        raise DataFileError(f"无法读取 XLSX：{type(exc).__name__}", f"cannot read XLSX: {type(exc).__name__}: {str(exc)[:120]}") from exc
    while table and all(v is None or str(v).strip() == "" for v in table[-1]):
        table.pop()
    if not table:
        raise DataFileError("工作表为空", "worksheet is empty")
    return _map_rows(table[0], table[1:])
