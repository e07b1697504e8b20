"""Inbound sync against the misbehaving loopback platform: paging, cursor, re-delivery, duplicates, merges,
malformed work orders (dead-lettered, counted, sync goes on), slow/failing/garbled answers and a wrong API key."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from console.city.fake_platform import FakePlatform, make_ticket
from console.city.inbound import INBOUND_CURSOR, InboundSync, read_cursor
from console.city.mapping import load_mapping
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.storage.models import CaseRow
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
