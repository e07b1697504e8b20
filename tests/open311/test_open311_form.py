"""The workroom QR form (HTML, multipart photo upload, status page), OsmAnd positions, and the console's live view."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import requests
from sqlalchemy import select

from console.domain.enums import Role
from console.feeds.deadletter import recent_dead_letters
from console.feeds.http_gateway import GatewayHTTPServer
from console.feeds.qr import png_bytes, qr_matrix
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.storage.models import CaseRow, PositionRow
from console.world import World
from tests.open311.conftest import API_KEY, base_url

PNG = png_bytes(qr_matrix("photo"), scale=2)


def _submit(server: GatewayHTTPServer, data: dict[str, str], photo: bytes | None = None,
            name: str = "p.png") -> requests.Response:
    files = {"photo": (name, photo, "image/png")} if photo is not None else {"photo": ("", b"", "application/octet-stream")}
    return requests.post(f"{base_url(server)}/qr/WR001", data=data, files=files, timeout=10)


def _request_id(page: str) -> str:
    m = re.search(r'class="id">([^<]+)<', page)
    assert m is not None, page
    return m.group(1)


def test_form_page_is_plain_mobile_html(lite_gateway: GatewayHTTPServer, lite_ctx: ServiceContext) -> None:
    r = requests.get(f"{base_url(lite_gateway)}/qr/WR001", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    page = r.text
    assert 'name="viewport"' in page and "中山公园城管社区工作室" in page and 'enctype="multipart/form-data"' in page
    assert "<script" not in page and "http://" not in page and "https://" not in page  # nothing from elsewhere
    assert len(re.findall(r'<option value="[EP]\d{4}"', page)) == len(lite_ctx.taxonomy.resident_facing())
    assert requests.get(f"{base_url(lite_gateway)}/qr/WR999", timeout=10).status_code == 404


def test_submission_with_photo_files_a_workroom_case_and_status_is_visible(
        lite_gateway: GatewayHTTPServer, lite_ctx: ServiceContext, tmp_path: Path) -> None:
    r = _submit(lite_gateway, {"service_code": "E0104", "description": "<script>alert(1)</script>垃圾桶满了"}, PNG)
    assert r.status_code == 200, r.text
    rid = _request_id(r.text)
    case = CaseService(lite_ctx).get_case(rid)
    assert case["source"] == "workroom_qr" and case["category_code"] == "E0104"
    digest = hashlib.sha256(PNG).hexdigest()
    assert case["attachments"] == [f"sha256:{digest}.png"]
    assert (tmp_path / "media" / digest[:2] / f"{digest}.png").read_bytes() == PNG
    with lite_ctx.db.read_session() as s:
        row = s.get(CaseRow, rid)
        assert row is not None and row.extra["workroom_id"] == "WR001"
        assert (row.lon, row.lat) == (121.4166, 31.2197)  # the workroom's place by default

    status = requests.get(f"{base_url(lite_gateway)}/qr/status", params={"id": rid}, timeout=10)
    assert status.status_code == 200 and "处理中" in status.text and "垃圾桶满溢" in status.text
    page = requests.get(f"{base_url(lite_gateway)}/qr/status", params={"id": "<b>x</b>"}, timeout=10)
    assert page.status_code == 404 and "<b>x</b>" not in page.text and "&lt;b&gt;x&lt;/b&gt;" in page.text
    CaseService(lite_ctx).act(rid, "reject", Actor(Role.CALL_TAKER, "li"), reason="重复")
    assert "已办结" in requests.get(f"{base_url(lite_gateway)}/qr/status", params={"id": rid}, timeout=10).text


def test_phone_location_and_bad_input_re_show_the_form(lite_gateway: GatewayHTTPServer,
                                                      lite_ctx: ServiceContext) -> None:
    r = _submit(lite_gateway, {"service_code": "E0202", "location": "phone", "lat": "31.2150", "lon": "121.4000"})
    assert r.status_code == 200
    with lite_ctx.db.read_session() as s:
        row = s.get(CaseRow, _request_id(r.text))
        assert row is not None and (row.lon, row.lat) == (121.4, 31.215)
    before = len(CaseService(lite_ctx).list_cases())
    bad = [
        ({"service_code": "E0202", "description": "<i>x</i>"}, b"GIF89a....", 400),  # not JPEG/PNG
        ({"service_code": "E0202"}, b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), 400),  # > 5 MB
        ({"service_code": "", "description": "<i>x</i>"}, None, 400),
        ({"service_code": "E0304"}, None, 404),  # not resident-facing
        ({"service_code": "E0202", "location": "phone", "lat": "nan", "lon": "121.4"}, None, 400),
        ({"service_code": "E0202", "location": "phone", "lat": "", "lon": ""}, None, 400),
    ]
    for data, photo, _ in bad:
        r = _submit(lite_gateway, data, photo)
        assert r.status_code == 400, (data, r.status_code)
        assert "<i>x</i>" not in r.text and "<form" in r.text
    assert len(CaseService(lite_ctx).list_cases()) == before
    assert not list((Path(str(lite_gateway.media_dir))).rglob("*.part"))


def test_open311_post_shows_up_in_a_tailing_world(lite_gateway: GatewayHTTPServer, lite_ctx: ServiceContext) -> None:
    world = World()
    world.load(lite_ctx.db)
    seen: list[str] = []
    world.cases_changed.connect(lambda ids: seen.extend(ids or []))
    qr = _request_id(_submit(lite_gateway, {"service_code": "E0101", "description": "扫码"}).text)
    keyed = requests.post(f"{base_url(lite_gateway)}/open311/v2/requests.json", data={
        "api_key": API_KEY, "service_code": "E0301", "lat": "31.2150", "long": "121.4000"}, timeout=10)
    api_id = keyed.json()[0]["service_request_id"]
    assert world.tail(lite_ctx.db) >= 2  # right after the responses: the console's next poll/NOTIFY sees them
    assert {qr, api_id} <= set(seen)
    assert world.cases[qr]["source"] == "workroom_qr" and world.cases[qr]["workroom_id"] == "WR001"
    assert world.cases[api_id]["source"] == "hotline_12345"
    assert world.cases[qr]["status"] == "reported"


def test_osmand_positions_and_dead_letters(lite_gateway: GatewayHTTPServer, lite_ctx: ServiceContext) -> None:
    url = f"{base_url(lite_gateway)}/osmand"
    ts = int(datetime.now(UTC).timestamp())
    ok = requests.get(url, params={"id": "dev-of00001", "lat": "31.2200", "lon": "121.4200", "timestamp": str(ts),
                                   "speed": "10", "bearing": "90", "accuracy": "5"}, timeout=10)
    assert ok.status_code == 200
    post = requests.post(f"{base_url(lite_gateway)}/", data={"id": "dev-of00001", "lat": "31.2210", "lon": "121.4210",
                                                             "timestamp": str((ts + 5) * 1000)}, timeout=10)
    assert post.status_code == 200
    bad = [{"id": "dev-of00001", "lat": "abc", "lon": "121.42"}, {"id": "dev-of00001", "lat": "nan", "lon": "121.42"},
           {"lat": "31.22", "lon": "121.42"}, {"id": "dev-of00001", "lat": "31.22", "lon": "121.42", "timestamp": "x"},
           {"id": "dev-of00001", "lat": "40.0", "lon": "121.42"}, {"id": "nobody", "lat": "31.22", "lon": "121.42"}]
    for params in bad:
        assert requests.get(url, params=params, timeout=10).status_code == 400, params
    lite_gateway.positions.flush()
    with lite_ctx.db.read_session() as s:
        rows = s.scalars(select(PositionRow).order_by(PositionRow.ts_utc)).all()
    assert [(r.officer_id, r.lat) for r in rows] == [("OF00001", 31.22), ("OF00001", 31.221)]
    assert abs((rows[0].speed_kmh or 0) - 18.52) < 1e-9 and rows[0].heading_deg == 90.0  # 10 knots
    letters = recent_dead_letters(lite_ctx.db, limit=20)
    assert len(letters) == len(bad) and all(d["channel"] == "positions.osmand" for d in letters)
    assert any("not finite" in d["reason"] for d in letters) and any("unknown device" in d["reason"] for d in letters)
