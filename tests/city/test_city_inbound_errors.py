"""Inbound sync when the platform misbehaves: malformed work orders (dead-lettered, counted, sync goes on),
slow, failing and garbled answers (retried, then reported) and a wrong API key (refused)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from console.city.client import PlatformRejected, PlatformUnavailable
from console.city.fake_platform import FakePlatform, make_ticket
from console.city.inbound import INBOUND_CURSOR, InboundSync, read_cursor
from console.city.mapping import load_mapping
from console.services.context import ServiceContext
from console.storage.models import CaseRow, DeadLetterRow
from console.storage.models_city import CityTicketRow
from tests.city.conftest import make_client


def _sync(ctx: ServiceContext, fake: FakePlatform, **client: object) -> InboundSync:
    return InboundSync(ctx, make_client(fake, **client), load_mapping(taxonomy=ctx.taxonomy))


def _count(ctx: ServiceContext, model: type) -> int:
    with ctx.db.read_session() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar() or 0)


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """HTTP-level behaviour: one backend is enough (the database side is covered in test_city_inbound/flow)."""
    return sqlite_url


def test_malformed_work_orders_are_dead_lettered_and_sync_goes_on(city_ctx: ServiceContext,
                                                                  fake: FakePlatform) -> None:
    fake.put_malformed("not an object")
    fake.put_malformed({"sourceType": "12345", "updateTime": "2026-11-23 09:00:00"})  # no orderNo
    fake.put_ticket(make_ticket("BAD-COORD", location={"lng": "east", "lat": 31.2}))
    fake.put_ticket(make_ticket("BAD-CAT", eventTypeCode="9999", eventTypeName="外星人入侵"))
    fake.put_ticket(make_ticket("BAD-TIME", updateTime="yesterday-ish"))
    fake.put_ticket(make_ticket("OTHER-DISTRICT", districtName="徐汇区"))
    fake.put_ticket(make_ticket("OUTSIDE", location={"lng": 121.50, "lat": 31.30}))
    fake.put_ticket(make_ticket("GOOD", category="3001"))
    fake.put_ticket(make_ticket("BY-NAME", eventTypeCode="X", eventTypeName="占道经营", location=None,
                                streetName="江苏街道"))
    report = _sync(city_ctx, fake).run_once()
    assert report.fetched == 9 and report.created == 2 and report.dead_lettered == 7
    with city_ctx.db.read_session() as s:
        letters = s.scalars(select(DeadLetterRow).where(DeadLetterRow.channel == "city_platform")).all()
        assert len(letters) == 7
        assert any("徐汇区" in d.reason for d in letters) and any("BAD-CAT" in d.reason for d in letters)
        by_name = s.get(CityTicketRow, "BY-NAME")
        assert by_name is not None
        case = s.get(CaseRow, by_name.case_id)
        assert case is not None and case.category_code == "E0502" and case.subdistrict_name == "江苏路街道"


def test_failing_slow_and_garbled_answers_are_retried_then_reported(city_ctx: ServiceContext,
                                                                   fake: FakePlatform) -> None:
    fake.put_ticket(make_ticket("R-1"))
    fake.state.fail_next = 1
    fake.state.garble_next = 1
    sync = _sync(city_ctx, fake)
    assert sync.run_once().created == 1  # a 500 then a non-JSON body, then success within 2 retries
    assert sync.client.requests_made == 3

    fake.put_ticket(make_ticket("R-2", lon=121.4005, lat=31.2102))
    fake.state.fail_next = 10
    with pytest.raises(PlatformUnavailable, match="HTTP 500"):
        sync.run_once()
    with city_ctx.db.read_session() as s:
        assert read_cursor(s, INBOUND_CURSOR) == "1"  # not advanced past what was not read
    fake.state.fail_next = 0

    fake.state.slow_s = 0.5
    slow = _sync(city_ctx, fake, read_timeout_s=0.1, retries=1)
    with pytest.raises(PlatformUnavailable, match="timeout"):
        slow.run_once()
    fake.state.slow_s = 0.0
    assert slow.run_once().created == 1

    wrong_key = _sync(city_ctx, fake, api_key="wrong")
    with pytest.raises(PlatformRejected) as exc:
        wrong_key.run_once()
    assert exc.value.status == 401
    assert _count(city_ctx, CaseRow) == 2
