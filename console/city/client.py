"""HTTP client for the city platform's REST API (see docs/city_platform.md).

Retries, backoff and strict JSON are ``console.http.JsonHttpClient``'s: transient failures (connection refused,
timeouts, HTTP 5xx, 408 and 429, bodies that are not a JSON object) are retried ``retries`` times with backoff
``backoff_s * 2**n`` (capped); what is still failing after that raises ``PlatformUnavailable`` and the caller tries
again on its next cycle (cursors and the outbox make that safe).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from console.http import HttpConfig, HttpRejected, HttpUnavailable, JsonHttpClient

API_PREFIX = "/api/v1"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class PlatformUnavailable(HttpUnavailable):
    """The platform did not answer usefully after all retries (down, slow, failing or garbled)."""

    code = "platform_unavailable"


class PlatformRejected(HttpRejected):
    """The platform answered with a permanent refusal (HTTP 4xx other than 408/429); ``status`` is the code."""

    code = "platform_rejected"


@dataclass
class ClientConfig(HttpConfig):
    """Connection settings of one deployment (from the connector config file)."""


@dataclass
class Page:
    """One page of work orders: raw items (mapped later, one by one) and the cursor after them."""

    items: list[Any]
    next_cursor: str | None
    has_more: bool


@dataclass
class CityPlatformClient(JsonHttpClient):
    """Talks to the platform."""

    service_zh = "城运平台"
    service_en = "platform"
    path_prefix = API_PREFIX
    unavailable_error = PlatformUnavailable
    rejected_error = PlatformRejected

    # ------------------------------------------------------------------ inbound
    def fetch_page(self, cursor: str | None) -> Page:
        """GET /tickets?cursor=&limit=: work orders changed after ``cursor``, oldest change first."""
        params: dict[str, Any] = {"limit": self.config.page_size}
        if cursor:
            params["cursor"] = cursor
        body = self.request_json("GET", "/tickets", params=params)
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
        ack = self.request_json("POST", f"/tickets/{quote(ticket_id, safe='')}/updates", json_body=body,
                                headers={IDEMPOTENCY_HEADER: idempotency_key})
        if ack.get("ack") is not True:
            raise PlatformUnavailable("城运平台未确认收到", f"platform did not acknowledge update {idempotency_key}")
        return ack
