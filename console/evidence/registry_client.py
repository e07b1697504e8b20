"""HTTP client of the district big-data centre's muck-truck permit API (区大数据中心 渣土车备案/准运接口).

The API shape is ours (docs/evidence.md): ``GET {base}/v1/muck-permits?page=&page_size=`` → ``{"items": [...],
"page": n, "pages": n}`` and ``GET {base}/v1/muck-permits/{plate}`` → ``{"permit": {...}}`` or HTTP 404. The key goes
in the ``X-Api-Key`` header. Retries, backoff and strict JSON are ``console.http.JsonHttpClient``'s: after the last
attempt ``RegistryUnavailable`` is raised and nothing has been written anywhere (the caller writes only after a
complete, valid answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from console.http import HttpConfig, HttpRejected, HttpUnavailable, JsonHttpClient

API_PATH = "/v1/muck-permits"
MAX_PAGES = 1_000


class RegistryUnavailable(HttpUnavailable):
    """The registry API did not answer usefully after all retries (down, slow, failing or garbled)."""

    code = "registry_unavailable"


class RegistryRejected(HttpRejected):
    """The registry API refused the request (HTTP 4xx other than 404/408/429): wrong key, bad request."""

    code = "registry_rejected"


@dataclass
class RegistryClientConfig(HttpConfig):
    """Connection settings (``resources/evidence/registry.yaml`` or the bureau's own file, CLI overrides)."""

    read_timeout_s: float = 5.0
    retries: int = 2
    backoff_cap_s: float = 10.0


@dataclass
class RegistryClient(JsonHttpClient):
    """Talks to the registry API."""

    service_zh = "备案接口"
    service_en = "registry API"
    unavailable_error = RegistryUnavailable
    rejected_error = RegistryRejected

    def fetch_one(self, plate: str) -> dict[str, Any] | None:
        """The raw permit record of one plate, or None when the registry does not know it (HTTP 404)."""
        body = self.get_json_or_none(f"{API_PATH}/{quote(plate, safe='')}")
        if body is None:
            return None
        permit = body.get("permit")
        if permit is None:
            return None
        if not isinstance(permit, dict):
            raise RegistryUnavailable("备案接口返回格式无效（permit）", "registry answer has no permit object")
        return permit

    def fetch_all(self) -> list[Any]:
        """Every record, page by page; any page failing fails the whole fetch (no partial result)."""
        items: list[Any] = []
        page, pages = 1, 1
        while page <= pages:
            body = self.request_json("GET", API_PATH, params={"page": page, "page_size": self.config.page_size})
            batch, total_pages = body.get("items"), body.get("pages")
            if (not isinstance(batch, list) or isinstance(total_pages, bool) or not isinstance(total_pages, int)
                    or not 0 <= total_pages <= MAX_PAGES):
                raise RegistryUnavailable("备案接口分页格式无效", f"registry page {page} lacks items/pages")
            items.extend(batch)
            pages = total_pages
            page += 1
        return items
