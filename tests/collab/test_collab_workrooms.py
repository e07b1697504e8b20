"""Workroom registry import (row-level errors, nothing half-written) and per-workroom stats from Open311 requests."""

from __future__ import annotations

import pytest

from console.collab.workrooms import complaints, import_csv, list_workrooms, stats
from console.domain.enums import Role
from console.errors import PermissionDeniedError
from console.feeds.open311 import Open311Api, Open311Config
from console.services.actor import Actor
from console.services.context import ServiceContext

ADMIN = Actor(Role.ADMIN, "wr_admin")
GOOD = """id,name,lon,lat,contact_officer,opening_hours
WR901,中山公园社区工作室,121.4166,31.2197,王伟,周一至周五 09:00-17:00
WR902,虹桥社区工作室,121.4000,31.2000,李娜,周二、周四 13:00-17:00
"""
BAD = """id,name,lon,lat,status
WR903,好的工作室,121.4166,31.2197,open
WR904,,121.41,31.21,open
WR905,区外工作室,121.9000,31.5000,open
WR903,重复,121.4166,31.2197,open
WR906,状态错,121.4166,31.2197,gone
"""


def test_import_refuses_bad_rows_by_number_and_writes_nothing(ctx: ServiceContext) -> None:
    report = import_csv(ctx, BAD, ADMIN)
    assert [e.split(":")[0] for e in report.errors] == ["第 3 行 / row 3", "第 4 行 / row 4", "第 5 行 / row 5",
                                                        "第 6 行 / row 6"]
    assert "missing name" in report.errors[0] and "outside the district" in report.errors[1]
    assert "duplicate id WR903" in report.errors[2] and "status must be" in report.errors[3]
    assert list_workrooms(ctx) == []
    with pytest.raises(PermissionDeniedError):
        import_csv(ctx, GOOD, Actor(Role.DISPATCHER, "d"))


def test_stats_per_workroom_from_open311_requests(ctx: ServiceContext) -> None:
    first = import_csv(ctx, GOOD, ADMIN)
    assert (first.created, first.errors) == (2, [])
    again = import_csv(ctx, GOOD.replace("王伟", "张敏"), ADMIN)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    rooms = {r["id"]: r for r in list_workrooms(ctx)}
    assert rooms["WR901"]["contact_officer"] == "张敏" and rooms["WR901"]["subdistrict_code"]
    api = Open311Api(ctx, Open311Config(anonymous_limit=100))
    for code, room in (("E0101", "WR901"), ("E0202", "WR901"), ("E0101", "WR902")):
        api.post_request({"service_code": [code], "attribute[workroom_id]": [room], "description": ["扫码反映"]},
                         client_ip="10.0.0.1")
    mine = complaints(ctx, "WR901")
    assert sorted(c["category_code"] for c in mine) == ["E0101", "E0202"]
    st = stats(mine, ctx.clock.now_utc())
    assert (st["total"], st["open"], st["closed"], st["last_7_days"]) == (2, 2, 0, 2)
    assert st["closed_on_time_rate"] is None and {c["code"] for c in st["top_categories"]} == {"E0101", "E0202"}
    assert [c["workroom_id"] for c in complaints(ctx, "WR902")] == ["WR902"]
