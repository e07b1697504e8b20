"""console.http.JsonHttpClient, the retry/backoff/strict-JSON client under the city platform and registry clients,
against a real loopback HTTP server that answers from a script."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from console.city.client import CityPlatformClient, ClientConfig, PlatformUnavailable
from console.evidence.registry_client import RegistryClient, RegistryClientConfig, RegistryRejected
from console.http import HttpConfig, HttpRejected, HttpUnavailable, JsonHttpClient


class _Script(ThreadingHTTPServer):
    answers: list[tuple[int, bytes]]
    seen: list[tuple[str, str, dict[str, str]]]


class _Handler(BaseHTTPRequestHandler):
    server: _Script

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.seen.append((self.command, self.path, dict(self.headers)))
        status, body = self.server.answers.pop(0) if self.server.answers else (200, b"{}")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Script]:
    srv = _Script(("127.0.0.1", 0), _Handler)
    srv.answers, srv.seen = [], []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _url(srv: _Script) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}"


def _client(base_url: str, retries: int = 2) -> tuple[JsonHttpClient, list[float]]:
    waits: list[float] = []
    cfg = HttpConfig(base_url=base_url, api_key="k", retries=retries, backoff_s=0.5, backoff_cap_s=0.75,
                     read_timeout_s=2.0)
    return JsonHttpClient(cfg, sleep=waits.append), waits


def test_5xx_and_garbled_bodies_are_retried_with_capped_backoff(server: _Script) -> None:
    server.answers = [(503, b"busy"), (200, b'{"x": NaN}'), (200, b'{"ok": true}')]
    client, waits = _client(_url(server))
    assert client.request_json("GET", "/a", params={"q": 1}) == {"ok": True}
    assert client.requests_made == 3 and waits == [0.5, 0.75]  # 0.5, then 1.0 capped at 0.75
    assert server.seen[0][1] == "/a?q=1" and server.seen[0][2].get("X-Api-Key") == "k"


def test_after_the_last_attempt_unavailable_names_the_reason(server: _Script) -> None:
    server.answers = [(500, b""), (200, b"[1, 2]")]
    client, _ = _client(_url(server), retries=1)
    with pytest.raises(HttpUnavailable) as info:
        client.request_json("POST", "/b", json_body={"a": 1})
    assert "2 attempts" in info.value.message_en and "expected a JSON object" in info.value.message_en


def test_4xx_is_refused_at_once_with_its_status_and_404_can_mean_none(server: _Script) -> None:
    client, _ = _client(_url(server))
    server.answers = [(404, b"")]
    assert client.get_json_or_none("/missing") is None
    server.answers = [(403, b'{"error": "bad key"}')]
    with pytest.raises(HttpRejected) as info:
        client.request_json("GET", "/c")
    assert info.value.status == 403 and "bad key" in info.value.message_en and client.requests_made == 2


def test_nothing_listening_is_a_connection_failure_not_a_crash() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: connection refused
    client, waits = _client(f"http://127.0.0.1:{port}", retries=1)
    with pytest.raises(HttpUnavailable, match="connection failed"):
        client.request_json("GET", "/d")
    assert len(waits) == 1


def test_the_two_services_keep_their_errors_prefix_and_defaults(server: _Script) -> None:
    city = CityPlatformClient(ClientConfig(base_url=_url(server), retries=0), sleep=lambda _s: None)
    server.answers = [(502, b"")]
    with pytest.raises(PlatformUnavailable, match="HTTP 502") as info:
        city.fetch_page(None)
    assert "城运平台" in info.value.message_zh and server.seen[-1][1].startswith("/api/v1/tickets")
    registry = RegistryClient(RegistryClientConfig(base_url=_url(server)), sleep=lambda _s: None)
    server.answers = [(401, b"no")]
    with pytest.raises(RegistryRejected) as refused:
        registry.fetch_all()
    assert refused.value.status == 401 and "备案接口" in refused.value.message_zh
    assert (ClientConfig("x").retries, RegistryClientConfig("x").retries) == (3, 2)
    assert (ClientConfig("x").read_timeout_s, RegistryClientConfig("x").read_timeout_s) == (10.0, 5.0)
