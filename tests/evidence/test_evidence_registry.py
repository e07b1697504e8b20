"""Permit registry against a real loopback API (slow, failing, malformed) and CSV/XLSX imports."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from console.errors import DataFileError
from console.evidence.registry import PermitRegistry
from console.evidence.registry_client import (
    RegistryClient,
    RegistryClientConfig,
    RegistryRejected,
    RegistryUnavailable,
)
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.storage.models import DeadLetterRow, EventRow
from console.storage.models_evidence import MuckPermitRow

from .conftest import LoopbackApi, permit

ADMIN = Actor.parse("admin:t")


def client(api: LoopbackApi, **over: float) -> RegistryClient:
    cfg = RegistryClientConfig(base_url=api.base_url, api_key="k-123", read_timeout_s=over.get("read_timeout_s", 2.0),
                               retries=int(over.get("retries", 2)), backoff_s=0.0, page_size=int(over.get("page_size", 2)))
    return RegistryClient(cfg, sleep=lambda _s: None)


def permit_rows(ctx: ServiceContext) -> int:
    with ctx.db.read_session() as s:
        return int(s.execute(select(func.count()).select_from(MuckPermitRow)).scalar() or 0)


def registry_events(ctx: ServiceContext) -> list[EventRow]:
    with ctx.db.read_session() as s:
        return list(s.scalars(select(EventRow).where(EventRow.entity_type == "registry")))


def test_sync_pages_through_the_api_and_logs_one_event(ev_ctx: ServiceContext, registry_api: LoopbackApi) -> None:
    registry_api.behaviour.permits = {p: permit(p) for p in ("沪A10001", "沪A10002", "沪A10003")}
    reg = PermitRegistry(ev_ctx, client(registry_api))
    report = reg.sync(ADMIN)
    assert report.ok and report.written == 3 and report.added == 3
    assert [h.split("?")[1] for h in registry_api.behaviour.hits] == ["page=1&page_size=2", "page=2&page_size=2"]
    assert set(registry_api.behaviour.keys) == {"k-123"}
    assert permit_rows(ev_ctx) == 3
    [ev] = registry_events(ev_ctx)
    assert ev.action == "registry_sync" and ev.payload["written"] == 3 and len(ev.payload["sha256"]) == 64
    again = reg.sync(ADMIN)
    assert again.updated == 3 and again.added == 0


@pytest.mark.parametrize("mode", ["slow", "fail", "malformed", "bad_page"])
def test_sync_failure_writes_nothing(ev_ctx: ServiceContext, registry_api: LoopbackApi, mode: str) -> None:
    b = registry_api.behaviour
    b.permits = {p: permit(p) for p in ("沪A10001", "沪A10002", "沪A10003")}
    b.mode = "ok" if mode == "slow" else mode
    if mode == "slow":
        b.delay_s = 0.6
    reg = PermitRegistry(ev_ctx, client(registry_api, read_timeout_s=0.2, retries=1))
    with pytest.raises(RegistryUnavailable) as info:
        reg.sync(ADMIN)
    assert "2 attempts" in info.value.message_en
    assert permit_rows(ev_ctx) == 0 and registry_events(ev_ctx) == []


def test_transient_5xx_is_retried_with_backoff(ev_ctx: ServiceContext, registry_api: LoopbackApi) -> None:
    b = registry_api.behaviour
    b.permits = {"沪A10001": permit("沪A10001")}
    b.mode, b.fail_count = "fail_then_ok", 2
    waits: list[float] = []
    c = client(registry_api, retries=3)
    c.sleep = waits.append
    c.config.backoff_s = 0.5
    report = PermitRegistry(ev_ctx, c).sync(ADMIN)
    assert report.written == 1 and waits == [0.5, 1.0]


def test_rejected_key_is_not_retried(ev_ctx: ServiceContext, registry_api: LoopbackApi) -> None:
    registry_api.behaviour.custom = lambda _p, _q: (401, b'{"error":"bad key"}')
    with pytest.raises(RegistryRejected):
        PermitRegistry(ev_ctx, client(registry_api)).sync(ADMIN)
    assert len(registry_api.behaviour.hits) == 1


def test_invalid_records_are_skipped_listed_and_dead_lettered(ev_ctx: ServiceContext, registry_api: LoopbackApi) -> None:
    registry_api.behaviour.permits = {"沪A10001": permit("沪A10001"), "x": {"plate": "not a plate"},
                                      "y": permit("沪A10003", valid_from="nope")}
    report = PermitRegistry(ev_ctx, client(registry_api, page_size=10)).sync(ADMIN)
    assert report.written == 1 and [e.field for e in report.errors] == ["plate", "valid_from"]
    with ev_ctx.db.read_session() as s:
        assert s.execute(select(func.count()).select_from(DeadLetterRow).where(DeadLetterRow.channel == "registry.api")).scalar() == 2


def test_lookup_caches_expires_and_falls_back_to_stale(ev_ctx: ServiceContext, registry_api: LoopbackApi) -> None:
    b = registry_api.behaviour
    b.permits = {"沪A10001": permit("沪A10001")}
    reg = PermitRegistry(ev_ctx, client(registry_api, retries=0), cache_ttl_s=3600, negative_ttl_s=60, memory_ttl_s=0)
    first = reg.lookup("沪a10001")
    assert (first.status, first.source) == ("registered", "api") and first.permit is not None
    assert reg.lookup("沪A10001").source == "cache" and len(b.hits) == 1
    missing = reg.lookup("沪B99999")
    assert (missing.status, missing.source) == ("not_registered", "api")
    assert reg.lookup("沪B99999").source == "cache" and len(b.hits) == 2
    ev_ctx.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    b.mode = "fail"
    stale = reg.lookup("沪A10001")
    assert (stale.status, stale.source) == ("registered", "stale_cache")
    assert reg.lookup("沪C77777").status == "unknown"  # API down, nothing cached: no accusation
    b.mode = "ok"
    assert reg.lookup("沪A10001").source == "api"


def test_lookup_with_a_rejected_key_answers_unknown(ev_ctx: ServiceContext, registry_api: LoopbackApi) -> None:
    registry_api.behaviour.custom = lambda _p, _q: (403, b'{"error":"key revoked"}')
    answer = PermitRegistry(ev_ctx, client(registry_api)).lookup("沪A10001")
    assert (answer.status, answer.source) == ("unknown", "none") and len(registry_api.behaviour.hits) == 1


def test_memory_cache_answers_without_the_database(ev_ctx: ServiceContext, registry_api: LoopbackApi) -> None:
    registry_api.behaviour.permits = {"沪A10001": permit("沪A10001")}
    reg = PermitRegistry(ev_ctx, client(registry_api), memory_ttl_s=60)
    reg.lookup("沪A10001")
    assert reg.lookup("沪A10001").source == "memory"


def test_local_registry_without_api(ev_ctx: ServiceContext) -> None:
    reg = PermitRegistry(ev_ctx, None)
    assert reg.lookup("沪A10001").status == "not_registered"


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


HEADER = ["车牌", "企业", "证件类型", "证号", "有效期起", "有效期止", "允许时段", "路线", "路线缓冲米"]


def test_csv_import_with_chinese_headers(ev_ctx: ServiceContext, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "p.csv", [HEADER,
                      ["沪A10001", "甲公司", "准运", "ZY1", "2026-01-01", "2026-12-31", "22:00-05:00",
                       "LINESTRING (121.355 31.215, 121.371 31.215)", "150"],
                      ["沪A10002", "乙公司", "备案", "BA2", "2026-01-01", "2026-12-31", "", "", ""]])
    reg = PermitRegistry(ev_ctx)
    report = reg.import_file(path, ADMIN)
    assert report.ok and report.written == 2
    one = reg.lookup("沪A10001")
    assert one.permit is not None and one.permit.route_restricted and one.permit.allowed_hours[0].text() == "22:00-05:00"
    [ev] = registry_events(ev_ctx)
    assert ev.action == "registry_import" and ev.payload["sha256"] == report.file_sha256


def test_csv_with_bad_rows_writes_nothing_and_lists_every_row(ev_ctx: ServiceContext, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "p.csv", [HEADER,
                      ["沪A10001", "甲公司", "准运", "ZY1", "2026-01-01", "2026-12-31", "", "", ""],
                      ["bad", "乙公司", "准运", "ZY2", "2026-01-01", "2026-12-31", "", "", ""],
                      ["沪A10003", "丙公司", "准运", "ZY3", "2026-13-01", "2026-12-31", "", "", ""],
                      ["沪A10001", "甲公司", "准运", "ZY1", "2026-01-01", "2026-12-31", "", "", ""]])
    report = PermitRegistry(ev_ctx).import_file(path, ADMIN)
    assert not report.ok and report.written == 0
    assert [(e.row, e.field) for e in report.errors] == [(2, "plate"), (3, "valid_from"), (4, "plate")]
    assert permit_rows(ev_ctx) == 0 and registry_events(ev_ctx) == []


def test_xlsx_import_and_broken_xlsx(ev_ctx: ServiceContext, tmp_path: Path) -> None:
    from datetime import date

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["plate", "company", "permit_type", "permit_no", "valid_from", "valid_to", "allowed_hours"])
    ws.append(["沪A20001", "丁公司", "准运", 20001, date(2026, 1, 1), date(2026, 12, 31), "20:00-06:00"])
    wb.save(tmp_path / "p.xlsx")
    report = PermitRegistry(ev_ctx).import_file(tmp_path / "p.xlsx", ADMIN)
    assert report.ok and report.written == 1
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 definitely not a workbook")
    with pytest.raises(DataFileError):
        PermitRegistry(ev_ctx).import_file(tmp_path / "broken.xlsx", ADMIN)


def test_missing_columns_are_a_clear_error(ev_ctx: ServiceContext, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "p.csv", [["plate", "company"], ["沪A10001", "x"]])
    with pytest.raises(DataFileError, match="permit_type"):
        PermitRegistry(ev_ctx).import_file(path, ADMIN)
