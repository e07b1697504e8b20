"""A GeoReport v2 client (``requests``) against the real gateway on loopback, in JSON and XML, on both backends."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from console.feeds.http_gateway import GatewayHTTPServer
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.storage.models import CaseRow
from tests.open311.conftest import API_KEY, ZHONGSHAN_PARK, base_url

LON, LAT = ZHONGSHAN_PARK


def _get(url: str, fmt: str, **params: Any) -> Any:
    r = requests.get(url, params=params, timeout=10)
    assert r.headers["Content-Type"].startswith("application/json" if fmt == "json" else "text/xml")
    return r, (r.json() if fmt == "json" else ET.fromstring(r.content))


def _records(body: Any, fmt: str) -> list[dict[str, str | None]]:
    """Spec XML (<root><item><field>…) or JSON list → list of flat dicts of strings."""
    if fmt == "json":
        return [{k: None if v is None else str(v) for k, v in item.items() if not isinstance(v, list)} for item in body]
    return [{child.tag: child.text for child in item} for item in body]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_usual_client_flow(gateway: GatewayHTTPServer, o311_ctx: ServiceContext, fmt: str) -> None:
    api = f"{base_url(gateway)}/open311/v2"
    r, body = _get(f"{api}/services.{fmt}", fmt)
    assert r.status_code == 200
    services = _records(body, fmt)
    if fmt == "xml":
        assert body.tag == "services" and body[0].tag == "service"
    by_code = {s["service_code"]: s for s in services}
    assert by_code["E0101"]["service_name"] == "暴露垃圾" and by_code["E0101"]["group"] == "市容环境"
    assert by_code["E0101"]["type"] == "realtime" and by_code["E0101"]["metadata"] == ("True" if fmt == "json" else "true")
    assert "E0304" not in by_code  # 渣土车未密闭 is found by cameras, not reported by residents
    assert len(services) == len(o311_ctx.taxonomy.resident_facing())

    r, body = _get(f"{api}/services/E0101.{fmt}", fmt)
    assert r.status_code == 200
    if fmt == "json":
        assert body["service_code"] == "E0101"
        descriptions = [a["description"] for a in body["attributes"]]
        assert body["attributes"][1]["values"] == [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]
    else:
        assert body.tag == "service_definition" and body.findtext("service_code") == "E0101"
        descriptions = [a.findtext("description") for a in body.find("attributes")]  # type: ignore[union-attr]
        assert [v.findtext("name") for v in body.find("attributes")[1].find("values")] == ["是", "否"]  # type: ignore[index,union-attr]
    assert descriptions[:2] == ["补充说明", "是否有照片"]

    r = requests.post(f"{api}/requests.{fmt}", data={
        "api_key": API_KEY, "service_code": "E0101", "lat": str(LAT), "long": str(LON), "description": "绿化带里堆了垃圾",
        "first_name": "三", "last_name": "张", "phone": "13812345678", "attribute[note]": "靠近北门",
        "attribute[has_photo]": "no"}, timeout=10)
    assert r.status_code == 200, r.text
    posted = _records(r.json() if fmt == "json" else ET.fromstring(r.content), fmt)[0]
    request_id, token = posted["service_request_id"], posted["token"]
    assert request_id and token and posted["service_notice"]

    r, body = _get(f"{api}/requests/{request_id}.{fmt}", fmt)
    one = _records(body, fmt)
    assert len(one) == 1
    req = one[0]
    assert req["service_request_id"] == request_id and req["status"] == "open" and req["service_code"] == "E0101"
    assert req["service_name"] == "暴露垃圾" and req["status_notes"] == "待受理"
    assert "靠近北门" in str(req["description"])
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        ts = datetime.fromisoformat(str(req[key]))
        assert ts.utcoffset() is not None and str(req[key]).endswith("+08:00")
    assert datetime.fromisoformat(str(req["expected_datetime"])) > datetime.fromisoformat(str(req["requested_datetime"]))
    assert float(str(req["lat"])) == pytest.approx(LAT) and float(str(req["long"])) == pytest.approx(LON)
    assert req["agency_responsible"] == "长宁区城市管理行政执法局"

    r, body = _get(f"{api}/tokens/{token}.{fmt}", fmt)
    assert _records(body, fmt) == [{"service_request_id": request_id, "token": token}]

    r, body = _get(f"{api}/requests.{fmt}", fmt, service_code="E0101,E0102", status="open")
    assert [x["service_request_id"] for x in _records(body, fmt)] == [request_id]
    r, body = _get(f"{api}/requests.{fmt}", fmt, status="closed")
    assert _records(body, fmt) == []
    r, body = _get(f"{api}/requests.{fmt}", fmt, start_date="2020-01-01T00:00:00Z", end_date="2020-02-01T00:00:00Z")
    assert _records(body, fmt) == []
    r, body = _get(f"{api}/requests.{fmt}", fmt, service_request_id=f"{request_id},NOPE", status="closed")
    assert [x["service_request_id"] for x in _records(body, fmt)] == [request_id]  # ids override other filters

    case = CaseService(o311_ctx).get_case(request_id)
    assert case["source"] == "hotline_12345"  # the API key's channel
    assert case["reporter"]["phone"] != "13812345678"  # masked in the default view, stored apart from the log


def test_closed_and_voided_cases_read_closed(lite_gateway: GatewayHTTPServer, lite_ctx: ServiceContext) -> None:
    from console.domain.enums import Role
    from console.services.actor import Actor

    api = f"{base_url(lite_gateway)}/open311/v2"
    r = requests.post(f"{api}/requests.json", data={"api_key": API_KEY, "service_code": "E0107",
                                                     "lat": str(LAT), "long": str(LON)}, timeout=10)
    rid = r.json()[0]["service_request_id"]
    CaseService(lite_ctx).act(rid, "reject", Actor(Role.CALL_TAKER, "li"), reason="不属于城管职责")
    req = requests.get(f"{api}/requests/{rid}.json", timeout=10).json()[0]
    assert req["status"] == "closed" and req["status_notes"] == "已作废"
    listed = requests.get(f"{api}/requests.json", params={"status": "closed"}, timeout=10).json()
    assert [x["service_request_id"] for x in listed] == [rid]


def test_duplicate_report_merges_and_gets_its_own_id(lite_gateway: GatewayHTTPServer, lite_ctx: ServiceContext) -> None:
    api = f"{base_url(lite_gateway)}/open311/v2"
    form = {"api_key": API_KEY, "service_code": "E0101", "lat": str(LAT), "long": str(LON)}
    first = requests.post(f"{api}/requests.json", data=form, timeout=10).json()[0]["service_request_id"]
    second = requests.post(f"{api}/requests.json", data=form, timeout=10).json()[0]["service_request_id"]
    assert second == f"{first}-1"
    req = requests.get(f"{api}/requests/{second}.json", timeout=10).json()[0]
    assert req["status"] == "open" and first in req["status_notes"]
    with lite_ctx.db.read_session() as s:
        assert s.execute(select(func.count()).select_from(CaseRow)).scalar_one() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_are_spec_lists_with_400_403_404(gateway: GatewayHTTPServer, fmt: str) -> None:
    api = f"{base_url(gateway)}/open311/v2"

    def err(r: requests.Response) -> tuple[int, int, str]:
        if fmt == "json":
            e = r.json()[0]
            return r.status_code, int(e["code"]), str(e["description"])
        root = ET.fromstring(r.content)
        assert root.tag == "errors" and root[0].tag == "error"
        return r.status_code, int(root[0].findtext("code") or 0), root[0].findtext("description") or ""

    good = {"service_code": "E0101", "lat": str(LAT), "long": str(LON)}
    assert err(requests.post(f"{api}/requests.{fmt}", data=good, timeout=10))[:2] == (403, 403)
    assert err(requests.post(f"{api}/requests.{fmt}", data={**good, "api_key": "wrong"}, timeout=10))[:2] == (403, 403)
    assert err(requests.post(f"{api}/requests.{fmt}", data={**good, "api_key": API_KEY, "service_code": "X9"},
                             timeout=10))[:2] == (404, 404)
    assert err(requests.post(f"{api}/requests.{fmt}", data={**good, "api_key": API_KEY, "lat": "91"},
                             timeout=10)) == (400, 400, "field 'lat' out of range [-90, 90]: 91 / 纬度 lat 超出范围 [-90, 90]：91")
    status, _, text = err(requests.post(f"{api}/requests.{fmt}", data={**good, "api_key": API_KEY, "long": "nan"},
                                        timeout=10))
    assert status == 400 and "'long' is not finite" in text  # the one coordinate validator's reason
    status, _, text = err(requests.post(f"{api}/requests.{fmt}", data={**good, "api_key": API_KEY, "lat": "31.0",
                                                                        "long": "121.0"}, timeout=10))
    assert status == 400 and "outside" in text
    assert err(requests.get(f"{api}/services/NOPE.{fmt}", timeout=10))[:2] == (404, 404)
    assert err(requests.get(f"{api}/requests/CN000.{fmt}", timeout=10))[:2] == (404, 404)
    assert err(requests.get(f"{api}/tokens/abc.{fmt}", timeout=10))[:2] == (404, 404)
    assert err(requests.get(f"{api}/requests.{fmt}", params={"status": "pending"}, timeout=10))[:2] == (400, 400)
    assert err(requests.get(f"{api}/requests.{fmt}", params={"start_date": "yesterday"}, timeout=10))[:2] == (400, 400)
    assert err(requests.get(f"{api}/services.{fmt}", params={"jurisdiction_id": "sf.gov"}, timeout=10))[:2] == (
        404, 404)


def test_address_string_instead_of_coordinates(lite_gateway: GatewayHTTPServer) -> None:
    api = f"{base_url(lite_gateway)}/open311/v2"
    r = requests.post(f"{api}/requests.json", data={"api_key": API_KEY, "service_code": "E0202",
                                                    "address_string": "中山公园北门"}, timeout=10)
    assert r.status_code == 200, r.text
    req = requests.get(f"{api}/requests/{r.json()[0]['service_request_id']}.json", timeout=10).json()[0]
    assert req["address"] == "中山公园北门" and float(req["long"]) == pytest.approx(121.4166)
    r = requests.post(f"{api}/requests.json", data={"api_key": API_KEY, "service_code": "E0202",
                                                    "address_string": "某不存在的地方"}, timeout=10)
    assert r.status_code == 400


def test_anonymous_workroom_posts_are_rate_limited(lite_ctx: ServiceContext, tmp_path: Any) -> None:
    from console.feeds.http_gateway import serve
    from console.feeds.open311 import Open311Config

    server = serve(lite_ctx, "127.0.0.1", 0, config=Open311Config(anonymous_limit=2), media_dir=tmp_path)
    try:
        api = f"{base_url(server)}/open311/v2"
        form = {"service_code": "E0101", "attribute[workroom_id]": "WR001"}
        codes = [requests.post(f"{api}/requests.json", data=form, timeout=10).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        keyed = requests.post(f"{api}/requests.json", data={**form, "api_key": API_KEY}, timeout=10)
        assert keyed.status_code == 200  # keyed clients are not limited
        rid = requests.post(f"{api}/requests.json", data={"service_code": "E0101", "api_key": API_KEY,
                                                          "lat": str(LAT), "long": str(LON)}, timeout=10)
        assert rid.status_code == 200
    finally:
        server.shutdown()
    case = CaseService(lite_ctx).list_cases(source="workroom_qr")[0]
    with lite_ctx.db.read_session() as s:
        row = s.get(CaseRow, case["id"])
        assert row is not None and row.extra["workroom_id"] == "WR001"
