"""Case commands through the real service on SQLite and PostgreSQL + PostGIS: the loop, SLA, branches, rebuild."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from console.domain.enums import Role
from console.errors import IllegalActionError, NotFoundError, ValidationError
from console.services.actor import Actor
from console.services.cases import CaseService, mask_phone
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter, Reporter
from console.storage import eventstore, projection
from console.storage.db import Database
from console.storage.models import CaseRow

MONDAY_0900 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 Asia/Shanghai
ZHONGSHAN_PARK = (121.4166, 31.2197)


@pytest.fixture
def ctx(migrated_db: Database) -> ServiceContext:
    context = ServiceContext(migrated_db, clock=ManualClock(MONDAY_0900))
    with migrated_db.session() as s:
        w = CaseWriter(s, context)
        admin = Actor(Role.ADMIN, "t")
        w.upsert_entity("squad", "SQ001", {"name": "华阳路中队", "subdistrict_code": "310105001000"}, admin)
        w.upsert_entity("officer", "OF1", {"name": "王伟", "post": "officer", "squad_id": "SQ001",
                                           "status": "on_duty_idle", "active": True, "lon": 121.42, "lat": 31.22}, admin)
        w.upsert_entity("officer", "OF2", {"name": "李娜", "post": "officer", "squad_id": "SQ001",
                                           "status": "off_duty", "active": True, "lon": 121.42, "lat": 31.22}, admin)
        w.flush()
    return context


def actor(role: Role, user: str = "u") -> Actor:
    return Actor(role, user)


def test_full_loop_with_sla_and_reporter_masking(ctx: ServiceContext) -> None:
    svc = CaseService(ctx)
    case = svc.create_case(category="暴露垃圾", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1], source="hotline_12345",
                           actor=actor(Role.CALL_TAKER), reporter=Reporter("张三丰", "13812345678"))
    cid = case["id"]
    assert cid.startswith("CN20261123") and case["grid_code"].startswith("310105")
    assert case["reporter"] == {"name": "张**", "phone": mask_phone("13812345678"), "masked": True}
    assert "13812345678" not in str(svc.events(case_id=cid)[0].to_json())  # personal data stays out of the log
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    steps = [("accept", Role.CALL_TAKER, None), ("verify", Role.INSPECTOR, None), ("file", Role.SHIFT_LEADER, None),
             ("assign", Role.DISPATCHER, "OF1"), ("receive", Role.HANDLER, None), ("report_back", Role.HANDLER, None),
             ("check", Role.INSPECTOR, None), ("close", Role.SHIFT_LEADER, None)]
    for action, role, target in steps:
        clock.advance(timedelta(minutes=10))
        case = svc.act(cid, action, actor(role), target=target)
        if action == "assign":
            # 暴露垃圾: 4 working hours from 09:40 → 14:40 local (lunch 12:00–13:00 excluded).
            assert case["disposal_deadline"].startswith("2026-11-23T06:40:00")
    assert case["status"] == "closed" and case["closed_at"] and not case["overdue"]
    assert [e.action for e in svc.events(case_id=cid)] == ["create"] + [s[0] for s in steps]


def test_late_handling_records_overdue_fact_and_appeal_exempts(ctx: ServiceContext) -> None:
    svc = CaseService(ctx)
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    cid = svc.create_case(category="E0103", lon=121.40, lat=31.21, source="inspector", actor=actor(Role.INSPECTOR))["id"]
    for action, role, target in [("accept", Role.CALL_TAKER, None), ("file", Role.SHIFT_LEADER, None),
                                 ("assign", Role.DISPATCHER, "OF1"), ("receive", Role.HANDLER, None)]:
        svc.act(cid, action, actor(role), target=target)
    clock.advance(timedelta(days=1))
    case = svc.act(cid, "report_back", actor(Role.HANDLER))
    assert case["overdue"] is True
    case = svc.act(cid, "appeal", actor(Role.HANDLER), reason="暴雨")
    case = svc.act(cid, "appeal_approve", actor(Role.SUPERVISOR))
    assert case["stats_exempt"] and case["overdue"]


def test_assignment_refusals_write_nothing(ctx: ServiceContext) -> None:
    svc = CaseService(ctx)
    cid = svc.create_case(category="E0101", lon=121.40, lat=31.21, source="inspector", actor=actor(Role.INSPECTOR))["id"]
    svc.act(cid, "accept", actor(Role.CALL_TAKER))
    svc.act(cid, "file", actor(Role.SHIFT_LEADER))
    n = len(svc.events())
    with pytest.raises(IllegalActionError, match="off duty"):
        svc.act(cid, "assign", actor(Role.DISPATCHER), target="OF2")
    with pytest.raises(NotFoundError):
        svc.act(cid, "assign", actor(Role.DISPATCHER), target="NOBODY")
    with pytest.raises(NotFoundError):
        svc.act("CN2099010100001", "accept", actor(Role.CALL_TAKER))
    assert len(svc.events()) == n
    svc.act(cid, "assign", actor(Role.DISPATCHER), target="SQ001")  # a squad is a valid target too


def test_extension_moves_the_disposal_deadline(ctx: ServiceContext) -> None:
    svc = CaseService(ctx)
    cid = svc.create_case(category="E0101", lon=121.40, lat=31.21, source="inspector", actor=actor(Role.INSPECTOR))["id"]
    for action, role, target in [("accept", Role.CALL_TAKER, None), ("file", Role.SHIFT_LEADER, None),
                                 ("assign", Role.DISPATCHER, "OF1"), ("receive", Role.HANDLER, None)]:
        case = svc.act(cid, action, actor(role), target=target)
    before = case["disposal_deadline"]
    with pytest.raises(ValidationError):
        svc.act(cid, "extend_request", actor(Role.HANDLER), reason="x", payload={"extend_working_hours": float("nan")})
    svc.act(cid, "extend_request", actor(Role.HANDLER), reason="需协调", payload={"extend_working_hours": 7})
    case = svc.act(cid, "extend_approve", actor(Role.DISPATCHER))
    assert case["disposal_deadline"] > before and case["disposal_deadline"].startswith("2026-11-24T06:00:00")


def test_outside_district_and_unknown_category_are_refused(ctx: ServiceContext) -> None:
    svc = CaseService(ctx)
    with pytest.raises(ValidationError, match="outside"):
        svc.create_case(category="E0101", lon=121.50, lat=31.23, source="inspector", actor=actor(Role.INSPECTOR))
    with pytest.raises(ValidationError, match="unknown category"):
        svc.create_case(category="X", lon=121.40, lat=31.21, source="inspector", actor=actor(Role.INSPECTOR))
    with pytest.raises(ValidationError, match="source"):
        svc.create_case(category="E0101", lon=121.40, lat=31.21, source="carrier_pigeon", actor=actor(Role.INSPECTOR))
    assert svc.events() == [e for e in svc.events() if e.entity_type != "case"]


def test_rebuild_equals_live_projection(ctx: ServiceContext) -> None:
    svc = CaseService(ctx)
    for i in range(5):
        cid = svc.create_case(category="E0101", lon=121.40 + i * 0.002, lat=31.21, source="inspector",
                              actor=actor(Role.INSPECTOR))["id"]
        svc.act(cid, "accept", actor(Role.CALL_TAKER))
        if i % 2:
            svc.act(cid, "return", actor(Role.SHIFT_LEADER), reason="退回重填")
    db = ctx.db
    with db.read_session() as s:
        live = {r.id: projection.row_to_state(projection.CASE, r) for r in s.scalars(select(CaseRow))}
    with db.session() as s:
        eventstore.lock_chain(s)
        projection.rebuild(s)
    with db.read_session() as s:
        rebuilt = {r.id: projection.row_to_state(projection.CASE, r) for r in s.scalars(select(CaseRow))}
        assert eventstore.verify(s).ok
    assert live == rebuilt


def test_postgis_geometry_follows_lon_lat(pg_url: str) -> None:
    from console.storage.db import make_engine
    from console.storage.migrations_api import upgrade

    db = Database(make_engine(pg_url))
    upgrade(db)
    svc = CaseService(ServiceContext(db, clock=ManualClock(MONDAY_0900)))
    cid = svc.create_case(category="E0101", lon=121.40, lat=31.21, source="inspector", actor=actor(Role.INSPECTOR))["id"]
    with db.read_session() as s:
        x, y = s.execute(text("SELECT ST_X(geom), ST_Y(geom) FROM cases WHERE id = :id"), {"id": cid}).one()
        n_geo = s.execute(text("SELECT count(*) FROM geo_features WHERE geom IS NOT NULL AND layer = 'grids'")).scalar()
    db.dispose()
    assert (x, y) == pytest.approx((121.40, 31.21)) and n_geo and n_geo > 1000
