"""Duplicate merging across channels, idempotent re-delivery by external reference, and splitting a wrong merge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.domain.enums import Role
from console.errors import PermissionDeniedError, ValidationError
from console.services.actor import SYSTEM_ACTOR, Actor
from console.services.cases import CaseService
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.intake import IntakeService, load_merge_config
from console.services.writer import Reporter
from console.storage.models import CaseRow
from console.storage.models_feeds import ExtraReporterRow

LON, LAT = 121.4166, 31.2197  # Zhongshan Park
CALLER = Actor(Role.CALL_TAKER, "li")


def _count_cases(ctx: ServiceContext) -> int:
    with ctx.db.read_session() as s:
        return int(s.execute(select(func.count()).select_from(CaseRow)).scalar_one())


def test_nearby_report_of_same_category_merges_and_records_channel(feed_ctx: ServiceContext) -> None:
    intake = IntakeService(feed_ctx)
    first = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="hotline_12345", actor=CALLER,
                          reporter=Reporter("张三", "13812345678"), external_ref="12345-A")
    assert not first.merged
    assert isinstance(feed_ctx.clock, ManualClock)
    feed_ctx.clock.advance(timedelta(minutes=20))
    second = intake.report(category="暴露垃圾", lon=LON + 0.0002, lat=LAT, source="workroom_qr", actor=SYSTEM_ACTOR,
                           description="又有人扔了", reporter=Reporter("李四", "13900001111"), external_ref="o311-1")
    assert second.merged and second.case_id == first.case_id
    reports = second.case["reports"]
    assert [r["channel"] for r in reports] == ["hotline_12345", "workroom_qr"]
    assert reports[1]["external_ref"] == "o311-1" and reports[1]["description"] == "又有人扔了"
    events = CaseService(feed_ctx).events(case_id=first.case_id)
    assert events[-1].action == "merge_report"
    assert "13900001111" not in str([e.to_json() for e in events])  # merged reporter PII stays out of the log
    assert intake.extra_reporters(first.case_id) == [
        {"report_index": 1, "name": "李四", "phone": "13900001111", "note": None}]
    assert _count_cases(feed_ctx) == 1


def test_no_merge_across_category_distance_time_or_closed(feed_ctx: ServiceContext) -> None:
    intake = IntakeService(feed_ctx, merge_radius_m=50, merge_window_s=3600)
    base = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="hotline_12345", actor=CALLER)
    other_cat = intake.report(category="积存渣土", lon=LON, lat=LAT, source="hotline_12345", actor=CALLER)
    far = intake.report(category="暴露垃圾", lon=LON + 0.001, lat=LAT, source="hotline_12345", actor=CALLER)  # ≈95 m
    assert not other_cat.merged and not far.merged
    assert isinstance(feed_ctx.clock, ManualClock)
    feed_ctx.clock.advance(timedelta(hours=2))
    late = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="hotline_12345", actor=CALLER)
    assert not late.merged and late.case_id != base.case_id
    CaseService(feed_ctx).act(late.case_id, "reject", CALLER, reason="重复")
    after_void = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="hotline_12345", actor=CALLER)
    assert not after_void.merged


def test_external_ref_is_idempotent(feed_ctx: ServiceContext) -> None:
    intake = IntakeService(feed_ctx)
    a = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="workroom_qr", actor=SYSTEM_ACTOR, external_ref="t-1")
    b = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="workroom_qr", actor=SYSTEM_ACTOR, external_ref="t-1")
    c = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="camera_ai", actor=SYSTEM_ACTOR, external_ref="t-2")
    d = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="camera_ai", actor=SYSTEM_ACTOR, external_ref="t-2")
    assert a.case_id == b.case_id == c.case_id == d.case_id
    assert (b.merged, c.merged, d.merged) == (False, True, True)
    assert len(d.case["reports"]) == 2
    assert _count_cases(feed_ctx) == 1


def test_split_undoes_a_wrong_merge(feed_ctx: ServiceContext) -> None:
    intake = IntakeService(feed_ctx)
    a = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="hotline_12345", actor=CALLER)
    b = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="workroom_qr", actor=SYSTEM_ACTOR,
                      reporter=Reporter("李四", "13900001111"), external_ref="qr-9", description="另一处")
    assert b.merged
    with pytest.raises(PermissionDeniedError):
        intake.split_report(a.case_id, 1, Actor(Role.HANDLER, "x"))
    with pytest.raises(ValidationError):
        intake.split_report(a.case_id, 0, Actor(Role.DISPATCHER, "d"))
    new_id = intake.split_report(a.case_id, 1, Actor(Role.DISPATCHER, "d"))
    svc = CaseService(feed_ctx)
    new = svc.get_case(new_id, unmask=True)
    assert new["source"] == "workroom_qr" and new["description"] == "另一处"
    assert new["reporter"]["phone"] == "13900001111"
    old = svc.get_case(a.case_id)
    assert old["reports"][1]["split_to"] == new_id
    with feed_ctx.db.read_session() as s:
        assert s.scalars(select(ExtraReporterRow)).all() == []
    again = intake.report(category="暴露垃圾", lon=LON, lat=LAT, source="workroom_qr", actor=SYSTEM_ACTOR,
                          external_ref="qr-9")
    assert again.case_id == new_id and not again.merged  # the reference follows the split


def test_bad_input_writes_nothing(feed_ctx: ServiceContext) -> None:
    intake = IntakeService(feed_ctx)
    for kwargs in ({"lon": float("nan")}, {"lon": 120.0}, {"category": "不存在的类别"}, {"source": "pigeon"}):
        args = {"category": "暴露垃圾", "lon": LON, "lat": LAT, "source": "hotline_12345", **kwargs}
        with pytest.raises(ValidationError):
            intake.report(actor=CALLER, **args)  # type: ignore[arg-type]
    assert _count_cases(feed_ctx) == 0


def test_merge_config_file() -> None:
    cfg = load_merge_config()
    assert cfg.radius_m == 50 and cfg.window_s == 7200
