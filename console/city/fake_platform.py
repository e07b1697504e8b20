"""A loopback stand-in for the city platform's REST API (stdlib ThreadingHTTPServer), for tests and demos.

It speaks the API of docs/city_platform.md and misbehaves on request: ``slow_s`` delays answers, ``fail_next``
answers HTTP 500 (or another status) a number of times, ``garble_next`` sends bodies that are not JSON,
``duplicate_pages`` repeats every item of a page, ``lose_ack_next`` applies an update but answers 500,
malformed tickets can be queued as they are. Updates are
deduplicated by their Idempotency-Key, so ``effects`` counts what the platform really applied. ``stop()`` and
``start()`` take it down and up on the same port with its state kept (an outage, not a new platform).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from zoneinfo import ZoneInfo

from console.city.client import API_PREFIX, IDEMPOTENCY_HEADER
from console.city.outbound import KINDS

PLATFORM_TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class FakeState:
    """Everything the fake platform knows; guarded by ``lock``."""

    api_key: str | None = None
    api_key_header: str = "X-Api-Key"
    tickets: dict[str, dict[str, Any]] = field(default_factory=dict)
    revs: dict[str, int] = field(default_factory=dict)  # ticket → change counter of its last change
    rev: int = 0
    malformed: list[tuple[int, Any]] = field(default_factory=list)  # (rev, raw item) served verbatim
    updates: list[dict[str, Any]] = field(default_factory=list)  # applied updates (deduplicated), in arrival order
    seen_keys: dict[str, int] = field(default_factory=dict)
    posts_received: int = 0
    slow_s: float = 0.0
    fail_next: int = 0
    fail_status: int = 500
    garble_next: int = 0
    duplicate_pages: bool = False
    lose_ack_next: int = 0  # apply the update, then answer 500 as if the acknowledgement got lost
    lock: threading.Lock = field(default_factory=threading.Lock)
    connections: set[socket.socket] = field(default_factory=set)  # open keep-alive connections (cut on stop)


def platform_time(ts: datetime) -> str:
    """The platform's own time format: local wall time without a zone."""
    return ts.astimezone(PLATFORM_TZ).strftime("%Y-%m-%d %H:%M:%S")


def make_ticket(order_no: str, *, category: str = "1001", lon: float = 121.4166, lat: float = 31.2197,
                source: str = "12345", content: str = "中山公园门口垃圾堆放无人清理", deadline: datetime | None = None,
                updated: datetime | None = None, citizen: tuple[str, str] | None = ("张三丰", "13812345678"),
                street: str = "华阳街道", **extra: Any) -> dict[str, Any]:
    """A work order in the fake platform's shape (see resources/city/mapping.yaml)."""
    now = updated or datetime.now(UTC)
    ticket: dict[str, Any] = {
        "orderNo": order_no, "sourceType": source, "eventTypeCode": category, "content": content,
        "address": "长宁路780号", "location": {"lng": lon, "lat": lat}, "districtName": "长宁区", "streetName": street,
        "deadline": platform_time(deadline or now + timedelta(days=3)), "updateTime": platform_time(now),
        "status": "dispatched",
    }
    if citizen is not None:
        ticket["citizen"] = {"name": citizen[0], "phone": citizen[1]}
    ticket.update(extra)
    return ticket


class _QuietServer(ThreadingHTTPServer):
    """Clients that time out and hang up are part of the script, not errors worth a traceback."""

    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


class FakePlatform:
    """The fake platform server; use as a context manager or call start()/stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, api_key: str | None = "test-key") -> None:
        self.state = FakeState(api_key=api_key)
        self.host = host
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> FakePlatform:
        if self._server is not None:
            return self
        handler = type("Handler", (_Handler,), {"state": self.state})
        server = _QuietServer((self.host, self.port), handler)
        self.port = int(server.server_address[1])
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-city-platform", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        with self.state.lock:
            open_connections = list(self.state.connections)
            self.state.connections.clear()
        for conn in open_connections:  # an outage also cuts keep-alive connections
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakePlatform:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ scripting
    def put_ticket(self, ticket: dict[str, Any]) -> None:
        """Add or change a work order (it is served again after the current cursor)."""
        with self.state.lock:
            self.state.rev += 1
            key = str(ticket.get("orderNo"))
            self.state.tickets[key] = dict(ticket)
            self.state.revs[key] = self.state.rev

    def put_malformed(self, raw: Any) -> None:
        """Serve ``raw`` verbatim as one item of the next page."""
        with self.state.lock:
            self.state.rev += 1
            self.state.malformed.append((self.state.rev, raw))

    def rate(self, order_no: str, satisfaction: str, comment: str | None = None) -> None:
        """The resident's callback rating arrives on the platform (the ticket changes)."""
        with self.state.lock:
            ticket = dict(self.state.tickets[order_no])
        ticket["satisfaction"] = satisfaction
        ticket["satisfactionComment"] = comment
        ticket["updateTime"] = platform_time(datetime.now(UTC))
        self.put_ticket(ticket)

    def updates_for(self, order_no: str) -> list[dict[str, Any]]:
        with self.state.lock:
            return [u for u in self.state.updates if u["ticket_id"] == order_no]

    def kinds_for(self, order_no: str) -> list[str]:
        return [str(u["kind"]) for u in self.updates_for(order_no)]


class _Handler(BaseHTTPRequestHandler):
    state: FakeState
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without NODELAY, Nagle + delayed ACK cost 40 ms per answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.state.lock:
            self.state.connections.add(self.connection)

    def finish(self) -> None:
        with self.state.lock:
            self.state.connections.discard(self.connection)
        super().finish()

    def _send(self, status: int, body: Any, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _misbehave(self) -> bool:
        """Apply the scripted delay/failure/garbling; True when the answer was already sent."""
        st = self.state
        with st.lock:
            slow, fail, garble = st.slow_s, st.fail_next > 0, st.garble_next > 0 and st.fail_next == 0
            if fail:
                st.fail_next -= 1
            elif garble:
                st.garble_next -= 1
            status = st.fail_status
        if slow:
            time.sleep(slow)
        if fail:
            self._send(status, {"error": "internal error"})
            return True
        if garble:
            self._send(200, None, raw=b"<html>gateway error</html>")
            return True
        if st.api_key and self.headers.get(st.api_key_header) != st.api_key:
            self._send(401, {"error": "bad api key"})
            return True
        return False

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path != API_PREFIX + "/tickets":
            self._send(404, {"error": "not found"})
            return
        if self._misbehave():
            return
        query = parse_qs(url.query)
        try:
            after = int(query.get("cursor", ["0"])[0] or 0)
            limit = max(1, min(500, int(query.get("limit", ["100"])[0])))
        except ValueError:
            self._send(400, {"error": "bad cursor or limit"})
            return
        st = self.state
        with st.lock:
            changes: list[tuple[int, Any]] = [(rev, st.tickets[t]) for t, rev in st.revs.items() if rev > after]
            changes += [(rev, raw) for rev, raw in st.malformed if rev > after]
            changes.sort(key=lambda c: c[0])
            page = changes[:limit]
            dup = st.duplicate_pages
        items = [raw for _, raw in page]
        if dup:
            items = items + items
        next_cursor = str(page[-1][0]) if page else str(after)
        self._send(200, {"items": items, "next_cursor": next_cursor, "has_more": len(changes) > limit})

    def do_POST(self) -> None:
        url = urlparse(self.path)
        prefix, suffix = API_PREFIX + "/tickets/", "/updates"
        if not (url.path.startswith(prefix) and url.path.endswith(suffix)):
            self._send(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        body_bytes = self.rfile.read(length) if length else b""
        if self._misbehave():
            return
        ticket_id = unquote(url.path[len(prefix):-len(suffix)])
        key = self.headers.get(IDEMPOTENCY_HEADER)
        try:
            body = json.loads(body_bytes or b"{}")
        except ValueError:
            self._send(400, {"error": "body is not JSON"})
            return
        st = self.state
        with st.lock:
            st.posts_received += 1
            if ticket_id not in st.tickets:
                self._send(404, {"error": f"unknown ticket {ticket_id}"})
                return
            if not key or not isinstance(body, dict) or body.get("kind") not in KINDS:
                self._send(400, {"error": "Idempotency-Key and a known kind are required"})
                return
            if key in st.seen_keys:
                self._send(200, {"ack": True, "update_id": st.seen_keys[key], "duplicate": True})
                return
            st.updates.append({"ticket_id": ticket_id, "kind": body["kind"], "key": key, "body": body})
            update_id = len(st.updates)
            st.seen_keys[key] = update_id
            lose = st.lose_ack_next > 0
            if lose:
                st.lose_ack_next -= 1
        if lose:
            self._send(500, {"error": "timeout towards the backend"})
            return
        self._send(200, {"ack": True, "update_id": update_id, "duplicate": False})
