"""Huayang workstation: a sensor reading over threshold → work order (local) → escalated to the squad after the
configured time (explicit clock) → closed when the sensor reads normal again. Readings go through the real feed
processor (the same path as MQTT)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from console.collab.service import CollabService
from console.collab.workstation import WorkstationService
from console.errors import ConflictError, ValidationError
from console.feeds.config import GatewayConfig, build_processor
from console.feeds.processor import FeedProcessor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import eventstore
from tests.collab.conftest import HANDLER
from tests.dispatch.conftest import ADMIN, HUAYANG

WATER_MINUTES = 45  # resources/collab/collab.yaml workstation.escalate_after_minutes.standing_water


@pytest.fixture
def station(ctx: ServiceContext) -> FeedProcessor:
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)
        w.upsert_entity("workstation", "WS01", {"name": "华阳路街道第01居委城运工作站", "subdistrict_code": HUAYANG,
                                                "community_code": None, "lon": 121.4200, "lat": 31.2200,
                                                "status": "online"}, ADMIN)
        for sid, kind, threshold in (("SN011", "standing_water", 10.0), ("SN012", "bin_fill", 80.0)):
            w.upsert_entity("sensor", sid, {"name": f"传感器{sid}", "parent_id": "WS01", "subdistrict_code": HUAYANG,
                                            "lon": 121.4203, "lat": 31.2201, "status": "normal", "sensor_kind": kind,
                                            "threshold": threshold}, ADMIN)
        w.flush()
    return build_processor(ctx, GatewayConfig(), batch_size=1)


def reading(proc: FeedProcessor, ctx: ServiceContext, sid: str, kind: str, value: float) -> str:
    """One reading stamped one second after the previous one (a reading per (sensor, kind, ts) is unique)."""
    ts = ctx.clock.advance(timedelta(seconds=1)).timestamp()  # type: ignore[attr-defined]
    return proc.handle(f"urbanops/sensors/{sid}/reading", json.dumps({"ts": ts, "kind": kind, "value": value}))


def test_alarm_opens_a_local_order_escalates_after_the_configured_time_and_closes_on_clear(
        ctx: ServiceContext, station: FeedProcessor) -> None:
    ws = WorkstationService(ctx)
    clock = ctx.clock
    assert reading(station, ctx, "SN011", "standing_water", 4.0) == "accepted"
    assert ws.sync().opened == []  # below threshold: nothing
    assert reading(station, ctx, "SN011", "standing_water", 12.5) == "accepted"
    opened = ws.sync()
    assert len(opened.opened) == 1
    order = ws.orders("WS01")[0]
    assert (order["status"], order["level"], order["sensor_id"]) == ("open", "local", "SN011")
    assert order["case_id"]  # the feed's intake reported a case for the alarm
    assert ws.sync().opened == []  # idempotent: one order per alarm
    clock.advance(timedelta(minutes=WATER_MINUTES) - timedelta(seconds=1))  # type: ignore[attr-defined]
    assert ws.sync().escalated == []
    clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
    assert ws.sync().escalated == [order["id"]]
    order = ws.orders("WS01")[0]
    assert (order["level"], order["escalated_to"]) == ("squad", "SQ001")
    assert ws.sync().escalated == []  # escalated once
    # The squad hears about it: a note on the case that @mentions 华阳路中队 lands in its inbox.
    notes = CollabService(ctx).notes_for_case(order["case_id"])
    assert notes[-1]["note_kind"] == "escalation" and "@华阳路中队" in notes[-1]["body"]
    assert [m["note_id"] for m in CollabService(ctx).inbox("SQ001")] == [notes[-1]["id"]]
    # Water recedes below threshold − hysteresis (10 − 3): the sensor returns to normal and the order closes.
    clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    assert reading(station, ctx, "SN011", "standing_water", 8.0) == "accepted"  # inside the hysteresis band
    assert ws.sync().closed == []
    assert reading(station, ctx, "SN011", "standing_water", 6.0) == "accepted"
    assert ws.sync().closed == [order["id"]]
    order = ws.orders("WS01")[0]
    assert (order["status"], order["closed_how"]) == ("closed", "sensor_clear")
    with ctx.db.read_session() as s:
        actions = [e.action for e in eventstore.read(s, 0, entity_id=order["id"])]
        assert eventstore.verify(s).ok
    assert actions == ["work_order_open", "work_order_escalate", "work_order_close"]


def test_closed_locally_in_time_is_never_escalated(ctx: ServiceContext, station: FeedProcessor) -> None:
    ws = WorkstationService(ctx)
    assert reading(station, ctx, "SN012", "bin_fill", 95.0) == "accepted"
    [oid] = ws.sync().opened
    with pytest.raises(ValidationError):
        ws.close(oid, HANDLER, " ")
    ws.close(oid, HANDLER, "居委保洁员已清运")
    with pytest.raises(ConflictError):
        ws.close(oid, HANDLER, "again")
    ctx.clock.advance(timedelta(hours=5))  # type: ignore[attr-defined]
    result = ws.sync()
    assert result.escalated == [] and result.opened == []  # the same alarm does not reopen an order
    view = ws.view("WS01")
    assert [s["id"] for s in view["sensors"]] == ["SN011", "SN012"]
    assert view["sensors"][1]["reading"] == 95.0 and view["sensors"][1]["threshold"] == 80.0
    assert view["work_orders"][0]["closed_how"] == "by_hand"
    assert {o["id"] for o in view["staff_on_duty"]} == {"OF1"}  # 华阳路 officers on duty
