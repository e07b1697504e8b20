"""Inbound sync against the misbehaving loopback platform: paging, cursor, re-delivery, duplicates, merges,
malformed work orders (dead-lettered, counted, sync goes on), slow/failing/garbled answers and a wrong API key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.city.client import PlatformRejected, PlatformUnavailable
from console.city.fake_platform import FakePlatform, make_ticket
from console.city.inbound import INBOUND_CURSOR, InboundSync, read_cursor
from console.city.mapping import load_mapping
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.storage.models import CaseRow, DeadLetterRow
from console.storage.models_city import CityTicketRow
from tests.city.conftest import MONDAY_0900, make_client

POINTS = [(121.4166, 31.2197), (121.4005, 31.2102), (121.4203, 31.2208), (121.3805, 31.2051), (121.4100, 31.2150)]


def _sync(ctx: ServiceContext, fake: FakePlatform, **client: object) -> InboundSync:
    return InboundSync(ctx, make_client(fake, **client), load_mapping(taxonomy=ctx.taxonomy))


def _count(ctx: ServiceContext, model: type) -> int:
    with ctx.db.read_session() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar() or 0)


def test_paging_cursor_and_redelivery_never_create_a_second_case(city_ctx: ServiceContext,
                                                                  fake: FakePlatform) -> None:
    for i, (lon, lat) in enumerate(POINTS):
        fake.put_ticket(make_ticket(f"P-{i}", lon=lon, lat=lat, category=("1001", "5005", "5002", "2002", "3001")[i]))
    sync = _sync(city_ctx, fake, page_size=2)
    report = sync.run_once()
    assert (report.pages, report.fetched, report.created) == (3, 5, 5)
    with city_ctx.db.read_session() as s:
        assert read_cursor(s, INBOUND_CURSOR) == "5"
    assert sync.run_once().fetched == 0  # nothing changed since the cursor

    fake.state.duplicate_pages = True  # the platform repeats every item, and re-sends P-0 after a change
    fake.rate("P-0", "基本满意", "处理较快")
    fake.put_ticket(make_ticket("P-1", lon=POINTS[1][0], lat=POINTS[1][1], category="5005",
                                deadline=MONDAY_0900 + timedelta(hours=2)))
    report = sync.run_once()
    assert report.fetched == 4 and report.created == 0 and report.updated == 2 and report.unchanged == 2
    with city_ctx.db.session() as s:  # a cursor lost entirely: everything comes again, still no new case
        s.execute(CityTicketRow.__table__.update().values(platform_updated_utc=None))
    fake.state.duplicate_pages = False
    from console.city.inbound import write_cursor

    with city_ctx.db.session() as s:
        write_cursor(s, INBOUND_CURSOR, None, MONDAY_0900)
    report = sync.run_once()
    assert report.fetched == 5 and report.created == 0
    assert _count(city_ctx, CaseRow) == 5 and _count(city_ctx, CityTicketRow) == 5
    with city_ctx.db.read_session() as s:
        p0 = s.get(CityTicketRow, "P-0")
        p1 = s.get(CityTicketRow, "P-1")
        assert p0 is not None and p0.satisfaction == "basically_satisfied" and p0.satisfaction_note == "处理较快"
        assert p1 is not None
        case = s.get(CaseRow, p1.case_id)
        assert case is not None and case.extra["platform_deadline_utc"].startswith("2026-11-23T03:00:00")


def test_same_problem_from_two_tickets_merges_into_one_case(city_ctx: ServiceContext, fake: FakePlatform) -> None:
    fake.put_ticket(make_ticket("M-1", deadline=MONDAY_0900 + timedelta(days=2)))
    fake.put_ticket(make_ticket("M-2", lon=121.41665, lat=31.21972, source="YWTG",
                                deadline=MONDAY_0900 + timedelta(hours=5), citizen=("李四", "13900001111")))
    report = _sync(city_ctx, fake).run_once()
    assert report.created == 1 and report.merged == 1
    with city_ctx.db.read_session() as s:
        rows = {r.ticket_id: r for r in s.scalars(select(CityTicketRow))}
        assert rows["M-1"].case_id == rows["M-2"].case_id and rows["M-2"].merged
        case = s.get(CaseRow, rows["M-1"].case_id)
        assert case is not None
    assert case.extra["platform_ticket_ids"] == ["M-1", "M-2"]
    assert case.extra["platform_deadline_utc"].startswith("2026-11-23T06:00:00")  # the earlier deadline wins
    assert len(CaseService(city_ctx).get_case(case.id)["reports"]) == 2


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
