"""Fuzz: the CSV/XLSX importer and the registry REST client never crash and never write part of a bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from console.errors import DomainError
from console.evidence.registry import PermitRegistry
from console.evidence.registry_client import RegistryClient, RegistryClientConfig
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.storage.models import EventRow
from console.storage.models_evidence import MuckPermitRow

from .conftest import LoopbackApi, permit

ADMIN = Actor.parse("admin:t")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
COLUMNS = ["plate", "company", "permit_type", "permit_no", "valid_from", "valid_to", "allowed_hours", "corridor",
           "corridor_buffer_m", "zones"]
cell = st.one_of(st.text(max_size=30), st.sampled_from(["沪A12345", "准运", "备案", "2026-01-01", "22:00-05:00",
                                                         "LINESTRING (121.36 31.21, 121.37 31.21)", "150", "-1",
                                                         "nan", "1e309", "", "POLYGON ((0 0, 1 1))"]))
row = st.lists(cell, min_size=0, max_size=12)


def state(ctx: ServiceContext) -> tuple[int, int]:
    with ctx.db.read_session() as s:
        return (int(s.execute(select(func.count()).select_from(MuckPermitRow)).scalar() or 0),
                int(s.execute(select(func.count()).select_from(EventRow)).scalar() or 0))


def _import_outcome(reg: PermitRegistry, ctx: ServiceContext, path: Path) -> None:
    before = state(ctx)
    try:
        report = reg.import_file(path, ADMIN)
    except DomainError:
        assert state(ctx) == before
        return
    if report.ok:
        assert state(ctx)[0] >= before[0] and state(ctx)[1] == before[1] + 1
    else:
        assert state(ctx) == before and report.written == 0


@FUZZ
@given(data=st.binary(max_size=400))
def test_csv_random_bytes(sqlite_ctx: ServiceContext, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    _import_outcome(PermitRegistry(sqlite_ctx), sqlite_ctx, path)


@FUZZ
@given(header=st.lists(st.sampled_from([*COLUMNS, "车牌", "x"]), min_size=1, max_size=11), rows=st.lists(row, max_size=6))
def test_csv_structured_rows(sqlite_ctx: ServiceContext, tmp_path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    path = tmp_path / "f.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    _import_outcome(PermitRegistry(sqlite_ctx), sqlite_ctx, path)


xcell = st.one_of(cell, st.integers(-10**12, 10**12), st.floats(allow_nan=True), st.booleans(), st.none(),
                  st.dates())


@FUZZ
@given(rows=st.lists(st.lists(xcell, max_size=11), max_size=5), bytes_tail=st.binary(max_size=40))
def test_xlsx_structured_and_corrupt(sqlite_ctx: ServiceContext, tmp_path: Path, rows: list[list[Any]],
                                     bytes_tail: bytes) -> None:
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = openpyxl.Workbook()
    ws = wb.active
    path = tmp_path / "f.xlsx"
    try:
        ws.append(COLUMNS)
        for r in rows:
            ws.append(r)
        wb.save(path)
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses control characters on write
        return
    reg = PermitRegistry(sqlite_ctx)
    _import_outcome(reg, sqlite_ctx, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] + bytes_tail)
    _import_outcome(reg, sqlite_ctx, path)


json_value = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
                          lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                  st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                          max_leaves=20)
answers = st.one_of(
    st.binary(max_size=200),
    json_value.map(lambda v: json.dumps(v).encode()),
    st.builds(lambda items, pages: json.dumps({"items": items, "pages": pages}).encode(),
              st.lists(st.one_of(json_value, st.just(permit("沪A30001")), st.builds(
                  lambda k, v: {**permit("沪A30002"), k: v}, st.sampled_from(COLUMNS), json_value)), max_size=4),
              st.one_of(st.integers(-2, 3), st.just(True), st.text(max_size=3))),
)


@FUZZ
@given(body=answers, status=st.sampled_from([200, 200, 200, 404, 500, 429, 400]))
def test_rest_client_bad_answers(sqlite_ctx: ServiceContext, registry_api: LoopbackApi, body: bytes, status: int) -> None:
    registry_api.behaviour.custom = lambda _p, _q: (status, body)
    client = RegistryClient(RegistryClientConfig(base_url=registry_api.base_url, retries=1, backoff_s=0, read_timeout_s=2),
                            sleep=lambda _s: None)
    reg = PermitRegistry(sqlite_ctx, client, memory_ttl_s=0)
    before = state(sqlite_ctx)
    try:
        report = reg.sync(ADMIN)
    except DomainError:
        assert state(sqlite_ctx) == before
    else:
        assert state(sqlite_ctx)[1] == before[1] + 1 and report.written <= report.rows
    try:
        result = reg.lookup("沪A30001")
    except DomainError:
        return
    assert result.status in ("registered", "not_registered", "unknown")
