"""Fuzzing the Open311 request parsers: any input is a 2xx or a spec error (400/403/404/429), never a crash, and a
refused request writes nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from console.feeds.open311 import Open311Api, Open311Config, Open311Error
from console.services.context import ServiceContext
from console.storage.models import CaseRow, EventRow
from console.storage.models_open311 import Open311RequestRow
from tests.open311.conftest import API_KEY

NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers().map(str),
                    st.sampled_from(["", " ", "nan", "NaN", "inf", "-inf", "1e309", "31.2197", "121.4166", "0x1f",
                                     "31,2", "９０"]), st.text(max_size=20))
TEXT = st.one_of(st.text(max_size=50), st.text(min_size=4001, max_size=4100), st.just("\x00"))
CODES = st.one_of(st.sampled_from(["E0101", "E0304", "", "X", "e0101", "E0101,E0102"]), st.text(max_size=20))
DATES = st.one_of(st.sampled_from(["2026-11-01", "2026-11-01T00:00:00Z", "2026-13-01", "yesterday", "",
                                   "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00"]), st.text(max_size=30))


def _counts(ctx: ServiceContext) -> tuple[int, int, int]:
    with ctx.db.read_session() as s:
        return tuple(int(s.execute(select(func.count()).select_from(t)).scalar_one())  # type: ignore[return-value]
                     for t in (CaseRow, EventRow, Open311RequestRow))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lat=NUMBERS, long=NUMBERS, code=CODES, desc=TEXT, key=st.sampled_from([API_KEY, "bad", None]),
       extra=st.dictionaries(st.sampled_from(["attribute[has_photo]", "attribute[]", "jurisdiction_id", "media_url",
                                              "address_string", "phone"]), TEXT, max_size=3))
def test_fuzz_post(lite_ctx: ServiceContext, lat: str, long: str, code: str, desc: str, key: str | None,
                   extra: dict[str, str]) -> None:
    api = Open311Api(lite_ctx, Open311Config(anonymous_limit=10**6))
    params: dict[str, list[str]] = {"lat": [lat], "long": [long], "service_code": [code], "description": [desc],
                                    **{k: [v] for k, v in extra.items()}}
    if key is not None:
        params["api_key"] = [key]
    before = _counts(lite_ctx)
    try:
        result = api.post_request(params, client_ip="127.0.0.1")
    except Open311Error as exc:
        assert exc.status in (400, 403, 404)
        assert exc.errors[0]["description"]
        assert _counts(lite_ctx) == before  # no partial write
        return
    assert result[0]["service_request_id"]
    after = _counts(lite_ctx)
    assert after[2] == before[2] + 1 and after[1] > before[1]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.fixed_dictionaries({}, optional={
    "service_request_id": st.one_of(st.text(max_size=60), st.text(min_size=4001, max_size=4010)),
    "service_code": CODES, "start_date": DATES, "end_date": DATES,
    "status": st.one_of(st.sampled_from(["open", "closed", "open,closed", "OPEN", "pending", ","]), st.text(max_size=9)),
    "jurisdiction_id": st.sampled_from(["changning.sh.cn", "x"])}))
def test_fuzz_get_requests(lite_ctx: ServiceContext, params: dict[str, Any]) -> None:
    api = Open311Api(lite_ctx)
    try:
        rows = api.get_requests({k: [v] for k, v in params.items()})
    except Open311Error as exc:
        assert exc.status in (400, 404)
        return
    assert isinstance(rows, list)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ident=st.text(max_size=80))
def test_fuzz_ids_and_tokens(lite_ctx: ServiceContext, ident: str) -> None:
    api = Open311Api(lite_ctx)
    for call in (api.get_request, api.token, api.service_definition):
        try:
            call(ident)
        except Open311Error as exc:
            assert exc.status in (400, 404)


@settings(max_examples=300, deadline=None)
@given(params=st.dictionaries(st.sampled_from(["id", "lat", "lon", "timestamp", "speed", "bearing", "accuracy"]),
                              st.lists(NUMBERS, min_size=1, max_size=2), max_size=7))
def test_fuzz_osmand_parser(params: dict[str, list[str]]) -> None:
    from datetime import UTC, datetime

    from console.feeds.http_gateway import parse_osmand
    from console.feeds.positions import FixRejected, validate_fix

    try:
        fix = parse_osmand(params)
        validate_fix(fix, datetime.now(UTC))
    except FixRejected as exc:
        assert exc.reason
