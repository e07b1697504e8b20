"""Hostile input at full strength: every parser and importer (feeds, Open311, CSV/XLSX, GeoJSON, taxonomy) under
derandomized hypothesis profiles, so a run is reproducible and a failure replays exactly.

- ``ci`` (default): 300 examples per target — part of every test run.
- ``fuzz``: **10 000 examples per target** — the issue-10 security run, ``make fuzz`` in CI after ``make test``:
  ``URBANOPS_FUZZ_PROFILE=fuzz pytest -n 2 tests/security/test_security_fuzz_10k.py`` (≈ 8 min serial on 2 cores,
  GeoJSON and Open311 the slowest; per-target figures in docs/security.md).

Contract for every target: the input is accepted, or refused with the parser's own error type (ParseError,
Open311Error, DomainError) — never any other exception.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain.taxonomy import load_taxonomy
from console.duty.tabular import read_table
from console.errors import DomainError
from console.feeds.open311 import Open311Api, Open311Config, Open311Error
from console.feeds.parsers import ParseError, parse_frigate, parse_osmand, parse_owntracks, parse_sensor
from console.geo.importer import read_layer, validate_layer
from console.services.context import ServiceContext
from tests.feeds.test_feeds_fuzz import FRIGATE_AFTER, NOW_S, OWNTRACKS_OK, SENSOR_OK, _mutate, wild_number
from tests.security.conftest import make_ctx
from tests.security.test_security_fuzz import CATEGORIES, GEOJSON, RULES, json_value, mutated

settings.register_profile("fuzz", max_examples=10_000, derandomize=True, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
PROFILE = settings.get_profile(os.environ.get("URBANOPS_FUZZ_PROFILE", "ci"))
FUZZ = settings(PROFILE)

pytestmark = pytest.mark.slow


def _only(errors: tuple[type[BaseException], ...], fn: Any, *args: Any, **kwargs: Any) -> Any:
    with contextlib.suppress(*errors):
        return fn(*args, **kwargs)
    return None


_TMP = tempfile.mkdtemp(prefix="urbanops_fuzz10k_")
atexit.register(shutil.rmtree, _TMP, True)


def _tmpfile(name: str, data: bytes) -> Path:
    path = Path(_TMP) / name
    path.write_bytes(data)
    return path


# ------------------------------------------------------------------------------------------------ feeds
@FUZZ
@given(_mutate(OWNTRACKS_OK), st.sampled_from(["owntracks/of00001/dev-of00001", "owntracks/x", "owntracks/a b/c"]))
def test_fuzz10k_owntracks(payload: bytes, topic: str) -> None:
    _only((ParseError,), parse_owntracks, topic, payload)


@FUZZ
@given(st.one_of(_mutate(FRIGATE_AFTER).map(lambda b: b'{"type":"new","after":' + b + b"}"),
                 _mutate({"type": "update", "after": FRIGATE_AFTER})))
def test_fuzz10k_frigate(payload: bytes) -> None:
    _only((ParseError,), parse_frigate, payload)


@FUZZ
@given(_mutate(SENSOR_OK), st.sampled_from(["urbanops/sensors/BIN001/reading", "urbanops/sensors//reading"]))
def test_fuzz10k_sensor(payload: bytes, topic: str) -> None:
    _only((ParseError,), parse_sensor, topic, payload)


@FUZZ
@given(st.dictionaries(st.sampled_from(["id", "lat", "lon", "timestamp", "speed", "bearing", "accuracy", "hdop"]),
                       st.one_of(st.text(max_size=12), wild_number.map(str)), max_size=8))
def test_fuzz10k_osmand(params: dict[str, str]) -> None:
    _only((ParseError,), parse_osmand, {"id": "dev-of00001", "lat": "31.2", "lon": "121.4",
                                        "timestamp": str(int(NOW_S)), **params})


# ------------------------------------------------------------------------------------------------ Open311
_CTX: dict[str, ServiceContext] = {}


def _open311() -> Open311Api:
    if "ctx" not in _CTX:
        _CTX["ctx"] = make_ctx(f"sqlite:///{_TMP}/open311.db")
    return Open311Api(_CTX["ctx"], Open311Config(anonymous_limit=10**9))


NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers().map(str),
                    st.sampled_from(["", "nan", "inf", "1e309", "31.2197", "121.4166", "0x1f", "31,2", "９０"]),
                    st.text(max_size=20))
TEXT = st.one_of(st.text(max_size=60), st.text(min_size=4001, max_size=4050), st.just("\x00"))
FIELDS = ["service_code", "description", "address_string", "address_id", "email", "first_name", "last_name", "phone",
          "media_url", "jurisdiction_id", "device_id", "account_id", "attribute[has_photo]", "attribute[]",
          "attribute[workroom_id]", "workroom_id", "api_key"]


@FUZZ
@given(lat=NUMBERS, long=NUMBERS, code=st.one_of(st.sampled_from(["E0101", "E0304", "", "e0101"]), st.text(max_size=9)),
       extra=st.dictionaries(st.sampled_from(FIELDS), st.lists(TEXT, min_size=1, max_size=2), max_size=5))
def test_fuzz10k_open311_post(lat: str, long: str, code: str, extra: dict[str, list[str]]) -> None:
    """``parse_post`` validates a GeoReport POST without writing: a Submission or a 4xx Open311Error."""
    params: dict[str, list[str]] = {"lat": [lat], "long": [long], "service_code": [code], **extra}
    try:
        _open311().parse_post(params, client_ip="127.0.0.1")
    except Open311Error as exc:
        assert 400 <= exc.status < 500


# ------------------------------------------------------------------------------------------------ CSV / XLSX
ROSTER_CSV = "officer_id,date,shift,grid\nOF00001,2026-11-30,day,310105001001\nOF00002,2026-11-30,night,\n"


def _xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX_OK = _xlsx_bytes([["officer_id", "date", "shift"], ["OF00001", "2026-11-30", "day"]])
cell = st.one_of(st.none(), st.text(max_size=15), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
                 st.booleans())


@FUZZ
@given(st.data())
def test_fuzz10k_csv_xlsx_tables(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["csv_text", "csv_bytes", "xlsx_bytes", "xlsx_rows"]))
    if kind == "csv_text":
        path = _tmpfile("t.csv", data.draw(mutated(ROSTER_CSV)).encode("utf-8", "surrogatepass"))
    elif kind == "csv_bytes":
        path = _tmpfile("t.csv", data.draw(st.binary(max_size=300)))
    elif kind == "xlsx_bytes":  # a corrupted workbook: flipped or truncated bytes of a valid one
        raw = bytearray(XLSX_OK)
        for _ in range(data.draw(st.integers(1, 6))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        path = _tmpfile("t.xlsx", bytes(raw[:data.draw(st.integers(0, len(raw)))]))
    else:
        rows = data.draw(st.lists(st.lists(cell, max_size=5), max_size=5))
        rows = [[c.replace("\x00", "") if isinstance(c, str) else c for c in r] for r in rows]
        try:
            data_bytes = _xlsx_bytes(rows)
        except Exception:  # openpyxl refuses some control characters when *writing*: not our parser's input
            return
        path = _tmpfile("t.xlsx", data_bytes)
    _only((DomainError,), read_table, path)


def test_fuzz10k_csv_quoting_sanity() -> None:
    """The valid roster parses (so the fuzz above mutates something real)."""
    path = _tmpfile("ok.csv", ROSTER_CSV.encode())
    header, rows = read_table(path)
    assert header[:2] == ["officer_id", "date"] and len(rows) == 2
    assert list(csv.reader(io.StringIO(ROSTER_CSV)))[1][0] == "OF00001"


# ------------------------------------------------------------------------------------------------ GeoJSON
@FUZZ
@given(st.data())
def test_fuzz10k_geojson(data: st.DataObject) -> None:
    if data.draw(st.booleans()):
        text = data.draw(mutated(GEOJSON))
    else:
        text = json.dumps({"type": "FeatureCollection", "features": data.draw(st.lists(json_value, max_size=3))})
    layer = data.draw(st.sampled_from([None, "subdistricts", "communities", "grids", "streets"]))
    crs = data.draw(st.sampled_from([None, "wgs84", "gcj02", "EPSG:4549", "nonsense"]))
    path = _tmpfile("layer.geojson", text.encode("utf-8", "surrogatepass"))
    gdf = _only((DomainError,), read_layer, path, crs=crs, layer=layer)
    if gdf is not None and layer is not None:
        _only((DomainError,), validate_layer, gdf, layer)


# ------------------------------------------------------------------------------------------------ taxonomy
@FUZZ
@given(st.data())
def test_fuzz10k_taxonomy(data: st.DataObject) -> None:
    which = data.draw(st.sampled_from(["categories", "rules", "both"]))
    cats = data.draw(mutated(CATEGORIES)) if which in ("categories", "both") else CATEGORIES
    rules = data.draw(mutated(RULES)) if which in ("rules", "both") else RULES
    d = Path(_TMP) / "taxonomy"
    d.mkdir(exist_ok=True)
    (d / "categories.csv").write_text(cats, encoding="utf-8", errors="surrogatepass")
    (d / "sla_rules.csv").write_text(rules, encoding="utf-8", errors="surrogatepass")
    _only((DomainError,), load_taxonomy, d)
