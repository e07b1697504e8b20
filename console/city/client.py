"""HTTP client for the city platform's REST API (see docs/city_platform.md), with retries and exponential backoff.

Transient failures (connection refused, timeouts, HTTP 5xx and 429, bodies that are not the JSON we expect) are retried
``retries`` times with backoff ``backoff_s * 2**n`` (capped); what is still failing after that raises
``PlatformUnavailable`` and the caller tries again on its next cycle (cursors and the outbox make that safe).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

from console.errors import DomainError

API_PREFIX = "/api/v1"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class PlatformUnavailable(DomainError):
    """The platform did not answer usefully after all retries (down, slow, failing or garbled)."""

    code = "platform_unavailable"


class PlatformRejected(DomainError):
    """The platform answered with a permanent refusal (HTTP 4xx other than 408/429)."""

    code = "platform_rejected"

    def __init__(self, message_zh: str, message_en: str, status: int) -> None:
        super().__init__(message_zh, message_en)
        self.status = status


@dataclass
class ClientConfig:
    """Connection settings of one deployment (from the connector config file)."""

    base_url: str
    api_key: str | None = None
    api_key_header: str = "X-Api-Key"
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    retries: int = 3
    backoff_s: float = 0.5
    backoff_cap_s: float = 30.0
    page_size: int = 100


@dataclass
class Page:
    """One page of work orders: raw items (mapped later, one by one) and the cursor after them."""

    items: list[Any]
    next_cursor: str | None
    has_more: bool


@dataclass
class CityPlatformClient:
    """Talks to the platform; ``sleep`` is injectable so tests need not wait out real backoff."""

    config: ClientConfig
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.config.api_key:
            headers[self.config.api_key_header] = self.config.api_key
        headers.update(extra or {})
        return headers

    def _url(self, path: str) -> str:
        return self.config.base_url.rstrip("/") + API_PREFIX + path

    def _request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                 json_body: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """One call with retries; returns the JSON object of a 2xx answer."""
        cfg = self.config
        last = "no attempt"
        for attempt in range(cfg.retries + 1):
            if attempt:
                self.sleep(min(cfg.backoff_cap_s, cfg.backoff_s * 2 ** (attempt - 1)))
            self.requests_made += 1
            try:
                resp = self.session.request(method, self._url(path), params=params, json=json_body,
                                            headers=self._headers(headers),
                                            timeout=(cfg.connect_timeout_s, cfg.read_timeout_s))
            except requests.Timeout:
                last = "timeout"
                continue
            except requests.ConnectionError as exc:
                last = f"connection failed: {type(exc).__name__}"
                continue
            if resp.status_code >= 500 or resp.status_code in (408, 429):
                last = f"HTTP {resp.status_code}"
                continue
            if resp.status_code >= 400:
                detail = resp.text[:300]
                raise PlatformRejected(f"城运平台拒绝请求（HTTP {resp.status_code}）：{detail}",
                                       f"platform refused {method} {path} (HTTP {resp.status_code}): {detail}",
                                       resp.status_code)
            try:
                body = resp.json()
            except ValueError:
                last = f"HTTP {resp.status_code} with a body that is not JSON"
                continue
            if not isinstance(body, dict):
                last = "answer is not a JSON object"
                continue
            return body
        raise PlatformUnavailable(f"城运平台不可用（{method} {path}）：{last}",
                                  f"platform unavailable ({method} {path}) after {cfg.retries + 1} attempts: {last}")

    # ------------------------------------------------------------------ inbound
    def fetch_page(self, cursor: str | None) -> Page:
        """GET /tickets?cursor=&limit=: work orders changed after ``cursor``, oldest change first."""
        params: dict[str, Any] = {"limit": self.config.page_size}
        if cursor:
            params["cursor"] = cursor
        body = self._request("GET", "/tickets", params=params)
        items = body.get("items")
        next_cursor = body.get("next_cursor")
        if not isinstance(items, list) or not (next_cursor is None or isinstance(next_cursor, (str, int))):
            raise PlatformUnavailable("城运平台返回的分页格式无效", "platform page lacks items/next_cursor")
        return Page(items, None if next_cursor is None else str(next_cursor), bool(body.get("has_more")))

    def iter_pages(self, cursor: str | None, max_pages: int = 1000) -> Iterator[Page]:
        """Pages until the platform says there are no more (or ``max_pages``)."""
        for _ in range(max_pages):
            page = self.fetch_page(cursor)
            yield page
            if not page.has_more or page.next_cursor in (None, cursor):
                return
            cursor = page.next_cursor

    # ------------------------------------------------------------------ outbound
    def post_update(self, ticket_id: str, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """POST /tickets/{id}/updates with an Idempotency-Key; returns the acknowledgement."""
        from urllib.parse import quote

        ack = self._request("POST", f"/tickets/{quote(ticket_id, safe='')}/updates", json_body=body,
                            headers={IDEMPOTENCY_HEADER: idempotency_key})
        if ack.get("ack") is not True:
            raise PlatformUnavailable("城运平台未确认收到", f"platform did not acknowledge update {idempotency_key}")
        return ack
