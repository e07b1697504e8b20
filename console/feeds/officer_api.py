"""The officer API: a small HTTP JSON interface for the field app (and the simulator) — see docs/dispatch.md.

  GET  /api/officer/{id}/orders                                  → {"orders": [...]}
  POST /api/officer/{id}/orders/{case_id}/(receive|en_route|on_scene|report_back)
       body {"result": "...", "photos": ["ref", ...], "note": "..."}   → {"order": {...}}
  POST /api/officer/{id}/status   body {"status": "on_duty_idle", "lon": .., "lat": ..}  → {"officer": {...}}

It only calls ``DispatchService`` (commands → events), never the database. Refusals come back as
``{"error": {"code", "message_zh", "message_en"}}`` with 400 (bad input), 403 (not your order), 404 (unknown),
409 (illegal in the current state / conflict). Binds to loopback by default; put a real gateway with
authentication in front of it before exposing it beyond the host.
"""

from __future__ import annotations

import json
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from console.errors import (
    ConflictError,
    DomainError,
    IllegalActionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from console.services.context import ServiceContext
from console.services.dispatch import STAGES, DispatchService

MAX_BODY_BYTES = 64 * 1024
ID = r"[A-Za-z0-9_\-]{1,64}"
ORDERS = re.compile(rf"^/api/officer/({ID})/orders/?$")
STAGE = re.compile(rf"^/api/officer/({ID})/orders/({ID})/({'|'.join(STAGES)})/?$")
STATUS = re.compile(rf"^/api/officer/({ID})/status/?$")


def _status_for(exc: DomainError) -> HTTPStatus:
    if isinstance(exc, NotFoundError):
        return HTTPStatus.NOT_FOUND
    if isinstance(exc, PermissionDeniedError):
        return HTTPStatus.FORBIDDEN
    if isinstance(exc, (IllegalActionError, ConflictError)):
        return HTTPStatus.CONFLICT
    return HTTPStatus.BAD_REQUEST


class OfficerApiHandler(BaseHTTPRequestHandler):
    server: OfficerApiServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet; the event log is the audit trail

    def do_GET(self) -> None:
        m = ORDERS.match(self.path.split("?", 1)[0])
        if m is None:
            self._not_found()
            return
        self._run(lambda: {"orders": self.server.service.orders_of(m.group(1))})

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        body = self._body()
        if body is None:
            return
        if (m := STAGE.match(path)) is not None:
            photos = body.get("photos") or []
            if not isinstance(photos, list):
                self._error(ValidationError("photos 须为列表", "photos must be a list"))
                return
            officer, case_id, stage = m.group(1), m.group(2), m.group(3)
            self._run(lambda: {"order": self.server.service.progress(
                officer, case_id, stage, result=_opt_str(body.get("result")), photos=photos,
                note=_opt_str(body.get("note")))})
        elif (m := STATUS.match(path)) is not None:
            status = body.get("status")
            if not isinstance(status, str):
                self._error(ValidationError("缺少 status", "status is required"))
                return
            lon, lat = body.get("lon"), body.get("lat")
            if (lon is None) != (lat is None) or not all(v is None or isinstance(v, (int, float)) for v in (lon, lat)):
                self._error(ValidationError("lon/lat 须同时给出且为数字", "lon and lat must both be numbers"))
                return
            self._run(lambda: {"officer": self.server.service.set_status(m.group(1), status, lon=lon, lat=lat)})
        else:
            self._not_found()

    # ------------------------------------------------------------------ plumbing
    def _body(self) -> dict[str, Any] | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self._error(ValidationError("请求体长度无效或过大", "request body length invalid or too large"))
            return None
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._error(ValidationError("请求体不是有效的 JSON", "request body is not valid JSON"))
            return None
        if not isinstance(body, dict):
            self._error(ValidationError("请求体须为 JSON 对象", "request body must be a JSON object"))
            return None
        return body

    def _run(self, fn: Any) -> None:
        try:
            result = fn()
        except DomainError as exc:
            self._error(exc)
            return
        self._send(HTTPStatus.OK, result)

    def _error(self, exc: DomainError) -> None:
        self._send(_status_for(exc), {"error": {"code": exc.code, "message_zh": exc.message_zh,
                                                "message_en": exc.message_en}})

    def _not_found(self) -> None:
        self._error(NotFoundError(f"没有这个接口：{self.command} {self.path}", f"no such endpoint: {self.command} {self.path}"))

    def _send(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False, default=str).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class OfficerApiServer(ThreadingHTTPServer):
    """``serve_forever`` in the foreground (CLI) or ``start_background`` (tests, the demo)."""

    daemon_threads = True

    def __init__(self, ctx: ServiceContext, host: str = "127.0.0.1", port: int = 8081) -> None:
        self.service = DispatchService(ctx)
        super().__init__((host, port), OfficerApiHandler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[0], self.server_address[1]
        return f"http://{host!s}:{port}"

    def start_background(self) -> OfficerApiServer:
        self._thread = threading.Thread(target=self.serve_forever, name="officer-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(5)
