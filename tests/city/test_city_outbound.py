"""Outbox rules: which events the platform hears of, explicit replies, returns with reason, per-ticket order with
one failing ticket not blocking others, backoff, and derivation exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.city.badge import badge_text_zh, city_badge
from console.city.connector import CityConnector
from console.city.fake_platform import FakePlatform, make_ticket
from console.city.outbound import backoff_delay, case_outbox_state, outbox_items
from console.domain.enums import Role
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.storage.models import CaseRow
from console.storage.models_city import CityTicketRow


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Outbox rules are backend-independent; derivation and delivery on PostgreSQL run in test_city_flow."""
    return sqlite_url


def _case_of(ctx: ServiceContext, ticket_id: str) -> str:
    with ctx.db.read_session() as s:
        row = s.get(CityTicketRow, ticket_id)
        assert row is not None
        return row.case_id


def test_return_with_reason_and_explicit_reply(city_ctx: ServiceContext, fake: FakePlatform,
                                               connector: CityConnector) -> None:
    fake.put_ticket(make_ticket("A-1"))
    fake.put_ticket(make_ticket("A-2", lon=121.4005, lat=31.2102, category="5002"))
    connector.cycle()
    svc = CaseService(city_ctx)
    svc.act(_case_of(city_ctx, "A-1"), "reject", Actor(Role.CALL_TAKER, "u"), reason="属物业管理范围，非城管职责")
    a2 = _case_of(city_ctx, "A-2")
    svc.act(a2, "accept", Actor(Role.CALL_TAKER, "u"))
    svc.act(a2, "note", Actor(Role.CALL_TAKER, "u"), reason="电话回复", payload={"city_reply": "已安排中队处理，请耐心等待"})
    svc.act(a2, "note", Actor(Role.DISPATCHER, "u"), reason="内部备注")  # internal notes stay internal
    connector.cycle()
    assert fake.kinds_for("A-1") == ["returned"]
    assert fake.updates_for("A-1")[0]["body"]["reason"] == "属物业管理范围，非城管职责"
    assert fake.kinds_for("A-2") == ["accepted", "reply"]
    assert fake.updates_for("A-2")[1]["body"]["reply"] == "已安排中队处理，请耐心等待"
    for action, role, target in [("file", Role.SHIFT_LEADER, None), ("assign", Role.DISPATCHER, "OF1"),
                                 ("receive", Role.HANDLER, None), ("report_back", Role.HANDLER, None),
                                 ("check", Role.INSPECTOR, None), ("close", Role.SHIFT_LEADER, None)]:
        svc.act(a2, action, Actor(role, "u"), target=target)
    connector.cycle()
    # the resident already had a reply: closing does not send an automatic second one
    assert fake.kinds_for("A-2") == ["accepted", "reply", "in_progress", "in_progress", "handled", "closed"]
    assert case_outbox_state(city_ctx, a2) == {"pending": 0, "acked": 6, "last_acked_kind": "closed",
                                               "last_error": None, "stuck": False}
    state = CaseService(city_ctx).get_case(a2)
    assert city_badge(city_ctx, {**state, "platform_ticket_ids": ["A-2"]}, city_ctx.clock.now_utc()) is not None


def test_a_refused_ticket_waits_in_order_without_blocking_others(city_ctx: ServiceContext, fake: FakePlatform,
                                                                 connector: CityConnector) -> None:
    fake.put_ticket(make_ticket("B-1"))
    fake.put_ticket(make_ticket("B-2", lon=121.4005, lat=31.2102, category="5002"))
    connector.cycle()
    svc = CaseService(city_ctx)
    b1, b2 = _case_of(city_ctx, "B-1"), _case_of(city_ctx, "B-2")
    with fake.state.lock:
        hidden = fake.state.tickets.pop("B-1")  # the platform now answers 404 for B-1 (a permanent refusal)
    for cid in (b1, b2):
        svc.act(cid, "accept", Actor(Role.CALL_TAKER, "u"))
        svc.act(cid, "file", Actor(Role.SHIFT_LEADER, "u"))
        svc.act(cid, "assign", Actor(Role.DISPATCHER, "u"), target="OF1")
    report = connector.cycle()
    assert report.send.failed == 1 and report.send.sent == 2
    assert fake.kinds_for("B-2") == ["accepted", "in_progress"] and fake.kinds_for("B-1") == []
    pending = outbox_items(city_ctx, stuck_only=False)
    assert [(i["ticket_id"], i["kind"], i["attempts"]) for i in pending] == [("B-1", "accepted", 1),
                                                                             ("B-1", "in_progress", 0)]
    assert "404" in (pending[0]["last_error"] or "")
    with city_ctx.db.read_session() as s:
        row = s.get(CaseRow, b1)
        assert row is not None
        state = {**row.extra, "id": b1, "status": row.status, "step_deadline_utc": row.step_deadline_utc}
    badge = city_badge(city_ctx, state, city_ctx.clock.now_utc())
    assert badge is not None and badge["tickets"] == ["B-1"] and badge["outbox_state"] == "pending"
    assert badge["outbox"]["pending"] == 2 and "404" in badge_text_zh(badge) and "城运工单 B-1" in badge_text_zh(badge)
    assert city_badge(city_ctx, {"id": "X", "status": "reported"}, city_ctx.clock.now_utc()) is None
    assert connector.cycle().send.failed == 0  # waiting on backoff: not retried at once
    with fake.state.lock:
        fake.state.tickets["B-1"] = hidden
    clock = city_ctx.clock
    assert isinstance(clock, ManualClock)
    clock.advance(backoff_delay(1) + timedelta(seconds=1))
    connector.cycle()
    assert fake.kinds_for("B-1") == ["accepted", "in_progress"]


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff_delay(n).total_seconds() for n in (1, 2, 3)] == [5.0, 10.0, 20.0]
    assert backoff_delay(50).total_seconds() == 900.0
