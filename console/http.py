"""One small JSON-over-HTTP client for the outside systems the bureau talks to (city platform, permit registry).

Same contract for each: ``requests.Session`` with a (connect, read) timeout; timeouts, connection failures, HTTP
5xx/408/429 and bodies that are not a strict JSON object are retried ``retries`` times with backoff
``backoff_s * 2**n`` (capped at ``backoff_cap_s``); after the last attempt the client's ``unavailable_error`` is raised
(nothing is half-done: callers write only after a complete, valid answer). Any other 4xx is a permanent refusal
(``rejected_error``, with the status) and is not retried. Subclasses name the service for the messages and may set a
path prefix; ``sleep`` is injectable so tests need not wait out the real backoff.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests

from console.errors import DomainError

MAX_BODY_BYTES = 16 * 1024 * 1024
RETRY_STATUSES = frozenset({408, 429})
DETAIL_CHARS = 300


class HttpUnavailable(DomainError):
    """The service did not answer usefully after all retries (down, slow, failing or garbled)."""

    code = "http_unavailable"


class HttpRejected(DomainError):
    """The service refused the request for good (HTTP 4xx other than 408/429): wrong key, bad request."""

    code = "http_rejected"

    def __init__(self, message_zh: str, message_en: str, status: int) -> None:
        super().__init__(message_zh, message_en)
        self.status = status


class BadBody(ValueError):
    """An answer body that is not the strict JSON object expected (the reason is the message)."""


def _no_constant(name: str) -> Any:
    raise BadBody(f"non-finite JSON literal {name}")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadBody(f"number overflows: {text[:40]}")
    return value


def loads_json_object(body: bytes) -> dict[str, Any]:
    """Strict JSON object (UTF-8, no NaN/Infinity, size-capped), else ``BadBody`` with the reason."""
    if len(body) > MAX_BODY_BYTES:
        raise BadBody(f"body too large ({len(body)} bytes)")
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except BadBody:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadBody(f"invalid JSON: {str(exc)[:120]}") from None
    if not isinstance(data, dict):
        raise BadBody(f"expected a JSON object, got {type(data).__name__}")
    return data


@dataclass
class HttpConfig:
    """Connection settings shared by the clients (each service's config file fills them)."""

    base_url: str
    api_key: str | None = None
    api_key_header: str = "X-Api-Key"
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    retries: int = 3
    backoff_s: float = 0.5
    backoff_cap_s: float = 30.0
    page_size: int = 100

    def backoff_before(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1, 2, …)."""
        return float(min(self.backoff_cap_s, self.backoff_s * 2 ** (attempt - 1)))


@dataclass
class JsonHttpClient:
    """Calls one service; see the module docstring for the retry contract."""

    config: HttpConfig
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0

    service_zh: ClassVar[str] = "外部接口"
    service_en: ClassVar[str] = "remote API"
    path_prefix: ClassVar[str] = ""
    unavailable_error: ClassVar[type[HttpUnavailable]] = HttpUnavailable
    rejected_error: ClassVar[type[HttpRejected]] = HttpRejected

    def request_json(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                     json_body: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """The JSON object of a 2xx answer."""
        body = self._send(method, path, params, json_body, headers, allow_404=False)
        assert body is not None
        return body

    def get_json_or_none(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """GET that treats HTTP 404 as "no such thing" (None) instead of a refusal."""
        return self._send("GET", path, params, None, None, allow_404=True)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.config.api_key:
            headers[self.config.api_key_header] = self.config.api_key
        headers.update(extra or {})
        return headers

    def _send(self, method: str, path: str, params: dict[str, Any] | None, json_body: dict[str, Any] | None,
              headers: dict[str, str] | None, *, allow_404: bool) -> dict[str, Any] | None:
        cfg = self.config
        url = cfg.base_url.rstrip("/") + self.path_prefix + path
        last = "no attempt"
        for attempt in range(cfg.retries + 1):
            if attempt:
                self.sleep(cfg.backoff_before(attempt))
            self.requests_made += 1
            try:
                resp = self.session.request(method, url, params=params, json=json_body, headers=self._headers(headers),
                                            timeout=(cfg.connect_timeout_s, cfg.read_timeout_s))
                body = resp.content
            except requests.Timeout:
                last = "timeout"
                continue
            except requests.RequestException as exc:
                last = f"connection failed: {type(exc).__name__}"
                continue
            status = resp.status_code
            if status == 404 and allow_404:
                return None
            if status >= 500 or status in RETRY_STATUSES:
                last = f"HTTP {status}"
                continue
            if status >= 400:
                detail = resp.text[:DETAIL_CHARS]
                raise self.rejected_error(f"{self.service_zh}拒绝请求（HTTP {status}）：{detail}",
                                          f"{self.service_en} refused {method} {path} (HTTP {status}): {detail}", status)
            try:
                return loads_json_object(body)
            except BadBody as exc:
                last = f"HTTP {status}, unusable body: {exc}"
                continue
        raise self.unavailable_error(
            f"{self.service_zh}不可用（{method} {path}）：{last}",
            f"{self.service_en} unavailable ({method} {path}) after {cfg.retries + 1} attempts: {last}")
