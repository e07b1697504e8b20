"""Alerts for duty grids left unvisited: raised after the configured time without a fix, cleared by a visit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from console.duty.alerts import check_unvisited
from console.duty.coverage import CoverageConfig, GridCells
from console.duty.roster import RosterService
from console.geo.projection import xy_m_to_lonlat_wgs84
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.models import AssetRow, EventRow, PositionRow
from tests.duty.conftest import LEADER

MON = date(2026, 11, 30)
SHIFT_START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # 08:00 local


def test_unvisited_grid_alert_raised_and_cleared(duty_ctx: ServiceContext) -> None:
    svc = RosterService(duty_ctx)
    svc.generate("SQ005", MON, 1, "two_on_two_off", LEADER)
    of1 = next(e for e in svc.entries(MON, 1) if e.officer_id == "OF1")
    assigned = sorted(g for e in svc.entries(MON, 1) for g in e.duty_grids)
    cfg = CoverageConfig(unvisited_alert_min=120)
    cells = GridCells.from_geography(duty_ctx, cfg.cell_m)

    def check(t: datetime) -> list[tuple[str, str]]:
        with duty_ctx.db.session() as s:
            w = CaseWriter(s, duty_ctx)
            out = check_unvisited(w, t, cells, cfg, svc)
            w.flush()
        return out

    assert check(SHIFT_START + timedelta(minutes=119)) == []  # too early to say
    with duty_ctx.db.session() as s:  # a checker that only started watching at 09:30 waits until 11:30
        w = CaseWriter(s, duty_ctx)
        late_start = SHIFT_START + timedelta(minutes=90)
        assert check_unvisited(w, SHIFT_START + timedelta(minutes=200), cells, cfg, svc, observed_since=late_start) == []
    raised = check(SHIFT_START + timedelta(minutes=121))
    assert sorted(g for g, st in raised if st == "unvisited") == assigned
    assert check(SHIFT_START + timedelta(minutes=122)) == []  # raised once, not on every check
    target = of1.duty_grids[0]
    rp = cells.geoms_m[cells.index[target]].representative_point()
    lon, lat = xy_m_to_lonlat_wgs84([rp.x], [rp.y])
    with duty_ctx.db.session() as s:
        s.execute(insert(PositionRow), [{"officer_id": "OF1", "ts_utc": SHIFT_START + timedelta(minutes=125),
                                         "lon": float(lon[0]), "lat": float(lat[0])}])
    assert check(SHIFT_START + timedelta(minutes=126)) == [(target, "ok")]
    with duty_ctx.db.read_session() as s:
        row = s.get(AssetRow, ("duty_grid", assigned[-1] if assigned[-1] != target else assigned[0]))
        assert row is not None and row.status == "unvisited" and "OF" in str(row.extra.get("officers"))
        ev = s.scalars(select(EventRow).where(EventRow.action == "grid_unvisited")).first()
        assert ev is not None and ev.role == "system" and "无人巡查" in str(ev.reason)
