"""The gateway's HTTP side: Open311 GeoReport v2, the workroom QR complaint form and the OsmAnd position endpoint.

Standard-library ``ThreadingHTTPServer`` (one thread per connection): the request rate of residents and trackers is
modest, and every write goes through the same services as the console. ``serve`` returns a started server; the MQTT
gateway (``urbanops gateway --http``) and ``urbanops open311 serve`` both use it. Bad input is answered with 400 (and,
for positions, a dead letter), never a 500; an unexpected error is logged and answered with a 500 error list.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import platformdirs

from console.feeds.deadletter import record_dead_letter
from console.feeds.open311 import Open311Api, Open311Config, Open311Error, content_type, render
from console.feeds.openapi import OPENAPI_PATH, openapi_document
from console.feeds.positions import DeviceMapping, FixRejected, PositionFix, PositionIngest, validate_fix
from console.feeds.qr_form import FormError, done_page, form_page, parse_form, status_page, store_photo
from console.geo.coords import CoordinateError, lonlat_wgs84
from console.services.context import ServiceContext

log = logging.getLogger(__name__)

BASE_PATH = "/open311/v2/"
_SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-]{1,253}(:[0-9]{1,5})?$")  # echo the Host header only when it is a plain host
KNOTS_TO_KMH = 1.852
MAX_BODY_BYTES = 6 * 1024 * 1024
OSMAND_CHANNEL = "positions.osmand"
_FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,8})"
ROUTES = [
    ("GET", re.compile(rf"^services{_FMT}$"), "services"),
    ("GET", re.compile(rf"^services/(?P<code>[^/]{{1,64}}){_FMT}$"), "service_definition"),
    ("POST", re.compile(rf"^requests{_FMT}$"), "post_request"),
    ("GET", re.compile(rf"^requests{_FMT}$"), "get_requests"),
    ("GET", re.compile(rf"^requests/(?P<id>[^/]{{1,64}}){_FMT}$"), "get_request"),
    ("GET", re.compile(rf"^tokens/(?P<token>[^/]{{1,64}}){_FMT}$"), "token"),
]


def default_media_dir() -> Path:
    return Path(platformdirs.user_data_dir("urbanops", appauthor=False)) / "media"


class GatewayHTTPServer(ThreadingHTTPServer):
    """The HTTP server with the Open311 API, the position ingest and the photo store it serves."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], ctx: ServiceContext, api: Open311Api, positions: PositionIngest,
                 media_dir: Path, owns_positions: bool) -> None:
        super().__init__(address, GatewayHandler)
        self.ctx, self.api, self.positions, self.media_dir = ctx, api, positions, media_dir
        self._owns_positions = owns_positions
        self._stop = threading.Event()
        self._serve_thread: threading.Thread | None = None
        self._flush_thread: threading.Thread | None = None

    def start(self) -> None:
        self._serve_thread = threading.Thread(target=self.serve_forever, args=(0.05,), name="http-gateway",
                                              daemon=True)
        self._serve_thread.start()
        if self._owns_positions:
            self._flush_thread = threading.Thread(target=self._flusher, name="osmand-flush", daemon=True)
            self._flush_thread.start()

    def _flusher(self) -> None:
        while not self._stop.wait(0.05):
            try:
                if self.positions.due():
                    self.positions.flush()
            except Exception:  # the database may be briefly away; the buffer is kept and retried
                log.exception("position flush failed")

    def shutdown(self) -> None:
        """Stop serving, write buffered positions, close the socket."""
        self._stop.set()
        super().shutdown()
        if self._flush_thread is not None:
            self._flush_thread.join(timeout=2)
        if self._owns_positions:
            try:
                self.positions.flush()
            except Exception:
                log.exception("final position flush failed")
        self.server_close()


def serve(ctx: ServiceContext, host: str, port: int, *, positions: PositionIngest | None = None,
          config: Open311Config | None = None, media_dir: Path | None = None,
          api: Open311Api | None = None) -> GatewayHTTPServer:
    """Start the HTTP gateway in background threads; returns the server (``.server_address``, ``.shutdown()``).

    Pass ``positions`` to share the MQTT gateway's PositionIngest (which then does the flushing); without it the
    server makes its own from resources/feeds/devices.yaml and flushes it every 50 ms.
    """
    owns = positions is None
    ingest = positions or PositionIngest(ctx.db, DeviceMapping.from_yaml())
    server = GatewayHTTPServer((host, port), ctx, api or Open311Api(ctx, config or Open311Config()), ingest,
                               media_dir or default_media_dir(), owns)
    server.start()
    return server


class GatewayHandler(BaseHTTPRequestHandler):
    server: GatewayHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "urbanops-gateway/1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid the 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.client_address[0], *args)

    # ------------------------------------------------------------------ plumbing
    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if ctype.startswith("text/html"):
            self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                             "form-action 'self'; img-src 'self'")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _body(self) -> bytes:
        length_text = self.headers.get("Content-Length") or "0"
        try:
            length = int(length_text)
        except ValueError:
            raise Open311Error(400, "bad Content-Length") from None
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            raise Open311Error(400, "request body too large / 请求过大")
        return self.rfile.read(length) if length else b""

    def _query(self) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(self.path)
        try:
            return parts.path, parse_qs(parts.query, keep_blank_values=False, max_num_fields=200)
        except ValueError:
            raise Open311Error(400, "malformed query string / 查询参数格式错误") from None

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        fmt = "json"
        try:
            path = urlsplit(self.path).path
            fmt = "xml" if path.startswith(BASE_PATH) and path.lower().endswith(".xml") else "json"
            path, query = self._query()
            if path == OPENAPI_PATH and method == "GET":
                host = self.headers.get("Host") or ""
                doc = openapi_document(f"http://{host}" if _SAFE_HOST.match(host) else None)
                self._send(200, json.dumps(doc, ensure_ascii=False).encode(), "application/json; charset=utf-8")
            elif path.startswith(BASE_PATH):
                self._open311(method, path[len(BASE_PATH):], query)
            elif path == "/qr/status" and method == "GET":
                self._qr_status(query)
            elif path.startswith("/qr/"):
                self._qr_form(method, path[len("/qr/"):])
            elif path == "/osmand" or (path == "/" and (method == "POST" or "id" in query or "deviceid" in query)):
                self._osmand(method, query)
            else:
                raise Open311Error(404, f"no such resource: {path[:80]}")
        except Open311Error as exc:
            self._send(exc.status, render(exc.errors, fmt, "errors"), content_type(fmt))
        except Exception:
            log.exception("unexpected error on %s %s", method, self.path[:200])
            self._send(500, render([{"code": 500, "description": "internal error / 内部错误"}], fmt, "errors"),
                       content_type(fmt))

    # ------------------------------------------------------------------ Open311
    def _open311(self, method: str, rest: str, query: dict[str, list[str]]) -> None:
        matched = False
        for route_method, pattern, op in ROUTES:
            m = pattern.match(rest)
            if m is None:
                continue
            matched = True
            if route_method != method:
                continue
            fmt = m.group("fmt").lower()
            if fmt not in ("json", "xml"):
                raise Open311Error(400, f"format must be json or xml, not {fmt[:8]!r} / 仅支持 json 与 xml")
            payload, root = self._open311_op(op, m, query)
            self._send(200, render(payload, fmt, root), content_type(fmt))
            return
        if matched:
            raise Open311Error(405 if method == "GET" else 400, f"{method} not allowed on {rest[:80]}")
        raise Open311Error(404, f"no such Open311 resource: {rest[:80]}")

    def _open311_op(self, op: str, m: re.Match[str], query: dict[str, list[str]]) -> tuple[Any, str]:
        api = self.server.api
        if op == "post_request":
            return api.post_request(self._post_params(query), client_ip=self.client_address[0]), "service_requests"
        if op == "get_requests":
            return api.get_requests(query), "service_requests"
        api.check_jurisdiction(query)
        if op == "services":
            return api.services(), "services"
        if op == "service_definition":
            return api.service_definition(m.group("code")), "service_definition"
        if op == "get_request":
            return api.get_request(m.group("id")), "service_requests"
        return api.token(m.group("token")), "service_requests"

    def _post_params(self, query: dict[str, list[str]]) -> dict[str, list[str]]:
        """Query and body parameters together (the spec posts application/x-www-form-urlencoded)."""
        params = {k: list(v) for k, v in query.items()}
        body = self._body()
        if not body:
            return params
        raw_ctype = self.headers.get("Content-Type") or ""
        ctype = raw_ctype.split(";", 1)[0].strip().lower()
        try:
            if ctype in ("application/x-www-form-urlencoded", ""):
                form = parse_qs(body.decode("utf-8"), keep_blank_values=False, max_num_fields=200)
            else:
                form = parse_form(raw_ctype, body).fields
        except (UnicodeDecodeError, ValueError):
            raise Open311Error(400, "malformed form body / 表单格式错误") from None
        except FormError as exc:
            raise Open311Error(400, str(exc)) from None
        for k, v in form.items():
            params.setdefault(k, []).extend(v)
        return params

    # ------------------------------------------------------------------ QR form
    def _html(self, status: int, body: bytes) -> None:
        self._send(status, body, "text/html; charset=utf-8")

    def _qr_form(self, method: str, workroom_id: str) -> None:
        api = self.server.api
        try:
            room = api.workroom(workroom_id)
        except Open311Error:
            self._html(404, status_page(None, None, "未找到该社区工作室，请核对二维码。"))
            return
        cats = api.categories()
        if method == "GET":
            self._html(200, form_page(room.id, room.name, cats))
            return
        values: dict[str, str] = {}
        try:
            data = parse_form(self.headers.get("Content-Type") or "", self._body())
            values = {k: v[0] for k, v in data.fields.items() if v and isinstance(v[0], str)}
            params: dict[str, list[str]] = {}
            for key in ("service_code", "description"):
                if values.get(key, "").strip():
                    params[key] = [values[key]]
            if values.get("location") == "phone" or values.get("lat", "").strip() or values.get("lon", "").strip():
                params["lat"], params["long"] = [values.get("lat", "")], [values.get("lon", "")]
                if not params["lat"][0].strip() or not params["long"][0].strip():
                    raise FormError("选择手机定位时请填写纬度和经度 / enter both latitude and longitude")
            if not params.get("service_code"):
                raise FormError("请选择问题类别 / choose a category")
            if data.photo is not None:
                params["attribute[has_photo]"] = ["yes"]
            api.parse_post(params, client_ip=self.client_address[0], workroom_id=room.id)  # validate before storing
            attachments = (store_photo(self.server.media_dir, data.photo),) if data.photo is not None else ()
            result = api.post_request(params, client_ip=self.client_address[0], attachments=attachments,
                                      workroom_id=room.id)
            self._html(200, done_page(str(result[0]["service_request_id"]), str(result[0]["service_notice"])))
        except FormError as exc:
            self._html(400, form_page(room.id, room.name, cats, str(exc), values))
        except Open311Error as exc:
            self._html(exc.status if exc.status != 404 else 400,
                       form_page(room.id, room.name, cats, str(exc.errors[0]["description"]), values))

    def _qr_status(self, query: dict[str, list[str]]) -> None:
        request_id = (query.get("id") or [""])[0].strip()[:64]
        if not request_id:
            self._html(200, status_page(None, None))
            return
        try:
            info = self.server.api.get_request(request_id)[0]
        except Open311Error:
            self._html(404, status_page(request_id, None, "未找到该诉求编号，请核对后重试。"))
            return
        self._html(200, status_page(request_id, info))

    # ------------------------------------------------------------------ OsmAnd
    def _osmand(self, method: str, query: dict[str, list[str]]) -> None:
        params = dict(query)
        raw = self.path
        if method == "POST":
            body = self._body()
            raw = f"{self.path}\n{body[:4000].decode('utf-8', 'backslashreplace')}"
            try:
                for k, v in parse_qs(body.decode("utf-8"), max_num_fields=100).items():
                    params.setdefault(k, []).extend(v)
            except (UnicodeDecodeError, ValueError):
                self._reject("malformed body", raw)
                return
        try:
            fix = parse_osmand(params)
            validate_fix(fix, datetime.now(UTC), self.server.positions.bbox)
        except FixRejected as exc:
            self._reject(exc.reason, raw)
            return
        ingest = self.server.positions
        if ingest.mapping.resolve(fix.device_id) is None:
            ingest.dead_letter(f"unknown device {fix.device_id!r}", raw, channel=OSMAND_CHANNEL)
            self._send(400, b"unknown device\n", "text/plain; charset=utf-8")
            return
        ingest.ingest(fix, raw=raw)
        self._send(200, b"", "text/plain; charset=utf-8")

    def _reject(self, reason: str, raw: str) -> None:
        record_dead_letter(self.server.ctx.db, OSMAND_CHANNEL, reason, raw)
        self._send(400, f"rejected: {reason}\n".encode(), "text/plain; charset=utf-8")


def _first(params: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        values = params.get(name)
        if values:
            if len(values) > 1:
                raise FixRejected(f"parameter {name} repeated")
            return values[0].strip()
    return None


def _number(text: str | None, name: str) -> float | None:
    if text is None or text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise FixRejected(f"{name} is not a number: {text[:40]!r}") from None
    if not math.isfinite(value):
        raise FixRejected(f"{name} is not finite: {text[:40]!r}")
    return value


def parse_timestamp(text: str | None) -> datetime:
    """Traccar accepts epoch seconds, epoch milliseconds or an ISO date-time; missing means now."""
    if text is None or text == "":
        return datetime.now(UTC)
    try:
        value = float(text)
    except ValueError:
        try:
            ts = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise FixRejected(f"bad timestamp: {text[:40]!r}") from None
        if ts.tzinfo is None:
            ts = ts.replace(tzinfo=UTC)
        return ts.astimezone(UTC)
    if not math.isfinite(value) or value < 0:
        raise FixRejected(f"bad timestamp: {text[:40]!r}")
    if value > 1e11:  # milliseconds
        value /= 1000.0
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise FixRejected(f"timestamp out of range: {text[:40]!r}") from None


def parse_osmand(params: dict[str, list[str]]) -> PositionFix:
    """OsmAnd/Traccar query parameters → PositionFix (speed in knots → km/h); FixRejected when malformed."""
    device = _first(params, "id", "deviceid")
    if not device or len(device) > 128:
        raise FixRejected("missing or overlong device id")
    try:
        lon, lat = lonlat_wgs84(_first(params, "lon"), _first(params, "lat"), allow_text=True)
    except CoordinateError as exc:
        raise FixRejected(exc.message_en) from None
    speed_kn = _number(_first(params, "speed"), "speed")
    heading = _number(_first(params, "bearing", "heading"), "bearing")
    accuracy = _number(_first(params, "accuracy", "hdop"), "accuracy")
    return PositionFix(device, lon, lat, parse_timestamp(_first(params, "timestamp")), accuracy,
                       None if speed_kn is None else speed_kn * KNOTS_TO_KMH, heading, "osmand")
