"""The officer HTTP JSON API against a real server on loopback."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from console.feeds.officer_api import OfficerApiServer
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.dispatch import DispatchService
from tests.dispatch.conftest import DISPATCHER, file_case


@pytest.fixture
def api(ctx: ServiceContext) -> Iterator[OfficerApiServer]:
    server = OfficerApiServer(ctx, "127.0.0.1", 0).start_background()
    yield server
    server.stop()


def call(server: OfficerApiServer, method: str, path: str, body: Any = None, raw: bytes | None = None
         ) -> tuple[int, dict[str, Any]]:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(server.url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_order_life_over_http(ctx: ServiceContext, api: OfficerApiServer) -> None:
    cid = file_case(ctx)
    DispatchService(ctx).assign(cid, "OF4", DISPATCHER)
    status, body = call(api, "GET", "/api/officer/OF4/orders")
    assert status == 200 and [o["id"] for o in body["orders"]] == [cid]
    for stage in ("receive", "en_route", "on_scene"):
        status, body = call(api, "POST", f"/api/officer/OF4/orders/{cid}/{stage}", {})
        assert status == 200, body
    status, body = call(api, "POST", f"/api/officer/OF4/orders/{cid}/report_back",
                        {"result": "已劝离并清理", "photos": ["p/1.jpg", "p/2.jpg"]})
    assert status == 200 and body["order"]["status"] == "handled"
    ev = CaseService(ctx).events(case_id=cid)[-1]
    assert ev.action == "report_back" and ev.actor == "OF4" and ev.payload and ev.payload["photos"] == ["p/1.jpg", "p/2.jpg"]


def test_refusals_have_http_codes_and_bilingual_messages(ctx: ServiceContext, api: OfficerApiServer) -> None:
    cid = file_case(ctx)
    DispatchService(ctx).assign(cid, "OF4", DISPATCHER)
    n = len(CaseService(ctx).events())
    status, body = call(api, "POST", f"/api/officer/OF3/orders/{cid}/receive", {})
    assert status == 403 and body["error"]["code"] == "permission_denied" and "未派遣给" in body["error"]["message_zh"]
    status, body = call(api, "POST", f"/api/officer/OF4/orders/{cid}/report_back", {"result": "x"})
    assert status == 409 and "cannot report_back" in body["error"]["message_en"]
    assert call(api, "GET", "/api/officer/NOBODY/orders")[0] == 404
    assert call(api, "POST", "/api/officer/OF4/orders/x/fly", {})[0] == 404
    assert call(api, "POST", "/api/officer/OF4/status", raw=b"{not json")[0] == 400
    assert call(api, "POST", "/api/officer/OF4/status", {"status": "asleep"})[0] == 400
    assert call(api, "POST", "/api/officer/OF4/status", {"status": "busy", "lon": 121.4})[0] == 400
    assert len(CaseService(ctx).events()) == n
    status, body = call(api, "POST", "/api/officer/OF2/status", {"status": "on_duty_idle", "lon": 121.417,
                                                                   "lat": 31.2199})
    assert status == 200 and body["officer"]["status"] == "on_duty_idle"
