"""Done-when of issue 12 on SQLite and PostgreSQL: tickets become cases a console sees, a dispatcher handles one to
closure and the platform receives accept/progress/result/reply/closed in order; an outage loses and duplicates nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from console.city.connector import CityConnector
from console.city.deadlines import effective_deadline
from console.city.fake_platform import FakePlatform, make_ticket
from console.city.outbound import derive_outbox, outbox_items
from console.city.stats import city_stats
from console.domain.enums import Role
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.storage import eventstore
from console.storage.models import CaseRow
from console.storage.models_city import CityOutboxRow
from console.world import World
from tests.city.conftest import MONDAY_0900, ZHONGSHAN_PARK

LOOP = [("accept", Role.CALL_TAKER, None, None), ("file", Role.SHIFT_LEADER, None, None),
        ("assign", Role.DISPATCHER, "OF1", None), ("receive", Role.HANDLER, None, None),
        ("report_back", Role.HANDLER, None, {"result": "垃圾已清运", "photos": ["evidence/after-1.jpg"]}),
        ("check", Role.INSPECTOR, None, None), ("close", Role.SHIFT_LEADER, None, None)]
EXPECTED_KINDS = ["accepted", "in_progress", "in_progress", "handled", "reply", "closed"]


def _clock(ctx: ServiceContext) -> ManualClock:
    assert isinstance(ctx.clock, ManualClock)
    return ctx.clock


def test_tickets_become_cases_and_one_is_handled_to_closure(city_ctx: ServiceContext, fake: FakePlatform,
                                                           connector: CityConnector) -> None:
    deadline = MONDAY_0900 + timedelta(hours=3)  # earlier than the bureau's own SLA for the steps ahead
    fake.put_ticket(make_ticket("T-001", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1], deadline=deadline))
    fake.put_ticket(make_ticket("T-002", category="5005", source="YWTG", lon=121.4005, lat=31.2102,
                                content="小区门口非机动车乱停放", citizen=None))
    world = World()
    world.load(city_ctx.db)

    report = connector.cycle()
    assert report.inbound is not None and report.inbound.created == 2 and report.inbound.dead_lettered == 0
    with city_ctx.db.read_session() as s:
        world.apply_events(eventstore.read(s, world.last_seq))
    by_ticket = {c.get("platform_ticket_id"): c for c in world.cases.values()}
    case = by_ticket["T-001"]
    assert case["source"] == "hotline_12345" and case["category_code"] == "E0101" and case["status"] == "reported"
    assert by_ticket["T-002"]["source"] == "city_platform" and by_ticket["T-002"]["category_code"] == "E0505"
    assert datetime.fromisoformat(case["platform_deadline_utc"].replace("Z", "+00:00")) == deadline
    svc = CaseService(city_ctx)
    shown = svc.get_case(case["id"])
    assert shown["reporter"] == {"name": "张**", "phone": "138****5678", "masked": True}
    assert shown["description"] == "中山公园门口垃圾堆放无人清理"
    assert "13812345678" not in str([e.to_json() for e in svc.events(case_id=case["id"])])

    for action, role, target, payload in LOOP:
        _clock(city_ctx).advance(timedelta(minutes=10))
        state = svc.act(case["id"], action, Actor(role, "u"), target=target, payload=payload)
        if action == "assign":
            with city_ctx.db.read_session() as s:
                row = s.get(CaseRow, case["id"])
                assert row is not None
                full = {**row.extra, "status": row.status, "step_deadline_utc": row.step_deadline_utc}
            assert effective_deadline(full) == min(deadline, eventstore.as_utc(row.step_deadline_utc))
        connector.cycle()
    assert state["status"] == "closed"

    assert fake.kinds_for("T-001") == EXPECTED_KINDS
    updates = fake.updates_for("T-001")
    assert updates[3]["body"]["result"] == "垃圾已清运" and updates[3]["body"]["photos"] == ["evidence/after-1.jpg"]
    assert "垃圾已清运" in updates[4]["body"]["reply"]
    assert [u["body"]["event_seq"] for u in updates] == sorted(u["body"]["event_seq"] for u in updates)
    assert fake.kinds_for("T-002") == []
    assert outbox_items(city_ctx, stuck_only=False) == []

    fake.rate("T-001", "满意")
    connector.cycle()
    rows = {r["channel"]: r for r in city_stats(city_ctx.db)}
    hotline = rows["hotline_12345"]
    assert hotline["tickets"] == 1 and hotline["replied"] == 1 and hotline["replied_on_time"] == 1
    assert hotline["satisfied"] == 1 and hotline["satisfaction_rate"] == 1.0
    assert rows["city_platform"]["tickets"] == 1 and rows["city_platform"]["replied"] == 0
    assert svc.get_case(case["id"])["status"] == "closed"


def test_outage_loses_nothing_and_duplicates_nothing(city_ctx: ServiceContext, fake: FakePlatform,
                                                     connector: CityConnector) -> None:
    fake.put_ticket(make_ticket("T-100"))
    connector.cycle()
    svc = CaseService(city_ctx)
    case_id = svc.list_cases(source="hotline_12345")[0]["id"]

    fake.stop()  # the platform goes down for hours while the bureau works the case
    fake.put_ticket(make_ticket("T-101", lon=121.4005, lat=31.2102, category="5002"))  # arrives during the outage
    clock = _clock(city_ctx)
    for action, role, target, payload in LOOP:
        clock.advance(timedelta(minutes=30))
        svc.act(case_id, action, Actor(role, "u"), target=target, payload=payload)
        report = connector.cycle()
        assert report.inbound_error is not None and "unavailable" in report.inbound_error
        assert report.send.sent == 0
    assert fake.kinds_for("T-100") == []
    stuck = outbox_items(city_ctx)
    assert len(stuck) == 1 and stuck[0]["kind"] == "accepted" and stuck[0]["attempts"] >= 3 and stuck[0]["last_error"]
    pending = outbox_items(city_ctx, stuck_only=False)
    assert [i["kind"] for i in pending] == EXPECTED_KINDS  # queued in order, nothing sent out of order

    fake.start()  # back on the same port, with its state
    fake.state.lose_ack_next = 1  # the first update is applied but its acknowledgement is lost
    clock.advance(timedelta(hours=4))
    report = connector.cycle()
    assert report.inbound is not None and report.inbound.created == 1  # T-101 arrived after all
    clock.advance(timedelta(hours=1))
    connector.cycle()
    assert fake.kinds_for("T-100") == EXPECTED_KINDS  # each update applied exactly once, in order
    assert fake.state.posts_received > len(fake.kinds_for("T-100"))  # one was really sent twice
    assert outbox_items(city_ctx, stuck_only=False) == []
    with city_ctx.db.read_session() as s:
        assert s.execute(select(func.count()).select_from(CityOutboxRow)).scalar() == len(EXPECTED_KINDS)
        assert s.execute(select(func.count()).select_from(CaseRow)).scalar() == 2

    connector.cycle()  # a further cycle sends nothing again and creates nothing
    assert fake.kinds_for("T-100") == EXPECTED_KINDS
    assert len(svc.list_cases()) == 2
    assert datetime.now(UTC) > MONDAY_0900


def test_derivation_runs_exactly_once_per_event(city_ctx: ServiceContext, fake: FakePlatform,
                                                connector: CityConnector) -> None:
    fake.put_ticket(make_ticket("C-1"))
    connector.inbound.run_once()
    CaseService(city_ctx).act(CaseService(city_ctx).list_cases()[0]["id"], "accept", Actor(Role.CALL_TAKER, "u"))
    assert derive_outbox(city_ctx) == 1
    assert derive_outbox(city_ctx) == 0
    assert derive_outbox(city_ctx, batch=1) == 0
    with city_ctx.db.read_session() as s:
        keys = s.scalars(select(CityOutboxRow.idempotency_key)).all()
    assert len(keys) == 1 and keys[0].startswith("C-1:") and keys[0].endswith(":accepted")


def test_ticket_merged_into_a_case_in_progress_is_caught_up_then_follows(city_ctx: ServiceContext,
                                                                         fake: FakePlatform,
                                                                         connector: CityConnector) -> None:
    fake.put_ticket(make_ticket("M-1"))
    connector.cycle()
    svc = CaseService(city_ctx)
    case_id = svc.list_cases()[0]["id"]
    for action, role, target, payload in LOOP[:3]:  # accept, file, assign
        svc.act(case_id, action, Actor(role, "u"), target=target, payload=payload)
    connector.cycle()
    fake.put_ticket(make_ticket("M-2", lon=ZHONGSHAN_PARK[0] + 0.0001, source="YWTG", citizen=("李四", "13900001111")))
    report = connector.cycle()
    assert report.inbound is not None and report.inbound.merged == 1
    assert fake.kinds_for("M-2") == ["accepted", "in_progress"]  # what the case went through before the merge
    for action, role, target, payload in LOOP[3:]:
        svc.act(case_id, action, Actor(role, "u"), target=target, payload=payload)
    connector.cycle()
    assert fake.kinds_for("M-1") == EXPECTED_KINDS and fake.kinds_for("M-2") == EXPECTED_KINDS
    assert len(svc.list_cases()) == 1
