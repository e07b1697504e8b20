"""Officer recommendation: who is never offered, how ranks follow ETA/jurisdiction/certificate, CLI output."""

from __future__ import annotations

import json

import numpy as np
import pytest

from console.cli.main import main
from console.errors import IllegalActionError, NotFoundError
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.dispatch import DispatchService
from console.services.recommend import MODES, StraightLineEstimate, recommend
from console.world import World
from tests.dispatch.conftest import DISPATCHER, file_case


def test_straight_line_estimate_is_distance_times_circuity_over_speed_plus_startup() -> None:
    model = StraightLineEstimate(circuity=1.4, speed_mps=(1.0, 5.0, 10.0), startup_s=(0.0, 60.0, 120.0))
    origins = np.array([[1000.0, 0.0], [0.0, 1000.0], [600.0, 800.0]])
    eta = model.eta_s(origins, (0.0, 0.0), np.array([MODES.index("walk"), MODES.index("ebike"), MODES.index("car")]))
    assert eta.tolist() == pytest.approx([1400.0, 60.0 + 280.0, 120.0 + 140.0])


def test_ranking_excludes_off_duty_and_prefers_eligible_officers(ctx: ServiceContext) -> None:
    cid = file_case(ctx)  # 周家桥, 暴露垃圾
    recs = recommend(ctx, ctx.db, cid)
    ids = [r.officer_id for r in recs]
    assert "OF2" not in ids  # nearest, but off duty
    assert ids[0] == "OF3" and set(ids) == {"OF1", "OF3", "OF4"}
    assert [r.rank for r in recs] == [1, 2, 3]
    of1 = next(r for r in recs if r.officer_id == "OF1")
    assert of1.needs_override and any("跨辖区" in x for x in of1.reasons)
    assert recs[0].reasons[0].startswith("预计") and "本辖区（周家桥中队）" in recs[0].reasons
    assert all(r.eta_s > 0 and r.distance_m > 0 for r in recs)
    assert [r.officer_id for r in recommend(ctx, ctx.db, cid, top=1)] == ["OF3"]


def test_enforcement_case_puts_the_uncertified_officer_behind(ctx: ServiceContext) -> None:
    cid = file_case(ctx, category="E0201")
    recs = recommend(ctx, ctx.db, cid)
    assert recs[0].officer_id == "OF4"
    of3 = next(r for r in recs if r.officer_id == "OF3")
    assert of3.needs_override and "无执法证：执法类案件须填写理由" in of3.reasons
    assert "持执法证（执法类案件）" in recs[0].reasons


def test_workload_counts_and_world_source_matches_database(ctx: ServiceContext) -> None:
    busy = file_case(ctx)
    DispatchService(ctx).assign(busy, "OF3", DISPATCHER)
    cid = file_case(ctx)
    world = World()
    world.load(ctx.db)
    from_world = recommend(ctx, world, cid)
    from_db = recommend(ctx, ctx.db, cid)
    assert [r.officer_id for r in from_world] == [r.officer_id for r in from_db]
    of3 = next(r for r in from_db if r.officer_id == "OF3")
    assert "在办工单 1 件" in of3.reasons
    # a fix moved on the World's fast path is seen without any event
    world.move_officers(["OF4"], [121.4167], [31.2198], world.now_utc)
    assert recommend(ctx, world, cid)[0].officer_id == "OF4"


def test_unknown_and_closed_cases_are_refused(ctx: ServiceContext) -> None:
    with pytest.raises(NotFoundError):
        recommend(ctx, ctx.db, "CN2099010100001")
    cid = file_case(ctx)
    CaseService(ctx).act(cid, "void", Actor(DISPATCHER.role.SHIFT_LEADER, "z"), reason="重复")
    with pytest.raises(IllegalActionError):
        recommend(ctx, ctx.db, cid)


def test_cli_recommend_json_and_table(ctx: ServiceContext, capsys: pytest.CaptureFixture[str]) -> None:
    cid = file_case(ctx)
    url = ctx.db.url
    assert main(["recommend", cid, "--top", "2", "--format", "json", "--db", url]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["case_id"] == cid and len(out["recommendations"]) == 2
    first = out["recommendations"][0]
    assert {"officer_id", "eta_s", "distance_m", "reasons"} <= set(first) and first["officer_id"] == "OF3"
    assert main(["recommend", cid, "--db", url]) == 0
    table = capsys.readouterr().out
    assert "OF3" in table and "eta_s" in table and "本辖区" in table
    assert main(["assign", cid, "--to", "OF1", "--as", "派遣员:wang", "--db", url]) == 2
    assert "不在其辖区" in capsys.readouterr().err
    assert main(["assign", cid, "--to", "OF1", "--as", "派遣员:wang", "--override-reason", "支援", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out) == {"assigned": [cid], "refused": {}}
    assert main(["case", "act", cid, "assign", "--to", "OF3", "--as", "派遣员:li", "--db", url]) == 2
    assert "已由 dispatcher:wang 于" in capsys.readouterr().err
