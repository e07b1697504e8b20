"""HTTP client of the district big-data centre's muck-truck permit API (区大数据中心 渣土车备案/准运接口).

The API shape is ours (docs/evidence.md): ``GET {base}/v1/muck-permits?page=&page_size=`` → ``{"items": [...],
"page": n, "pages": n}`` and ``GET {base}/v1/muck-permits/{plate}`` → ``{"permit": {...}}`` or HTTP 404. The key goes
in the ``X-Api-Key`` header. Timeouts, connection failures, HTTP 5xx/408/429 and bodies that are not the JSON object
we expect are retried with exponential backoff; after the last attempt ``RegistryUnavailable`` is raised and nothing
has been written anywhere (the caller writes only after a complete, valid answer).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from console.errors import DomainError

API_PATH = "/v1/muck-permits"
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_PAGES = 1_000


class _BadBody(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _BadBody(f"non-finite JSON literal {name}")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadBody(f"number overflows: {text[:40]}")
    return value


def loads_json_object(body: bytes) -> dict[str, Any]:
    """Strict JSON object (no NaN/Infinity, size-capped), else ``_BadBody`` with the reason."""
    if len(body) > MAX_BODY_BYTES:
        raise _BadBody(f"body too large ({len(body)} bytes)")
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite)
    except _BadBody:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _BadBody(f"invalid JSON: {str(exc)[:120]}") from None
    if not isinstance(data, dict):
        raise _BadBody(f"expected a JSON object, got {type(data).__name__}")
    return data


class RegistryUnavailable(DomainError):
    """The registry API did not answer usefully after all retries (down, slow, failing or garbled)."""

    code = "registry_unavailable"


class RegistryRejected(DomainError):
    """The registry API refused the request (HTTP 4xx other than 404/408/429): wrong key, bad request."""

    code = "registry_rejected"


@dataclass
class RegistryClientConfig:
    """Connection settings (``resources/evidence/registry.yaml`` or the bureau's own file, CLI overrides)."""

    base_url: str
    api_key: str | None = None
    api_key_header: str = "X-Api-Key"
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 5.0
    retries: int = 2
    backoff_s: float = 0.5
    backoff_cap_s: float = 10.0
    page_size: int = 100


@dataclass
class RegistryClient:
    """Talks to the registry API; ``sleep`` is injectable so tests need not wait out the real backoff."""

    config: RegistryClientConfig
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep
    requests_made: int = 0

    def _get(self, path: str, params: dict[str, Any] | None = None, *, allow_404: bool = False) -> dict[str, Any] | None:
        cfg = self.config
        url = cfg.base_url.rstrip("/") + path
        headers = {"Accept": "application/json"}
        if cfg.api_key:
            headers[cfg.api_key_header] = cfg.api_key
        last = "no attempt"
        for attempt in range(cfg.retries + 1):
            if attempt:
                self.sleep(min(cfg.backoff_cap_s, cfg.backoff_s * 2 ** (attempt - 1)))
            self.requests_made += 1
            try:
                resp = self.session.get(url, params=params, headers=headers,
                                        timeout=(cfg.connect_timeout_s, cfg.read_timeout_s))
                body = resp.content
            except requests.Timeout:
                last = "timeout"
                continue
            except requests.RequestException as exc:
                last = f"connection failed: {type(exc).__name__}"
                continue
            if resp.status_code == 404 and allow_404:
                return None
            if resp.status_code >= 500 or resp.status_code in (408, 429):
                last = f"HTTP {resp.status_code}"
                continue
            if resp.status_code >= 400:
                detail = resp.text[:200]
                raise RegistryRejected(f"备案接口拒绝请求（HTTP {resp.status_code}）：{detail}",
                                       f"registry API refused GET {path} (HTTP {resp.status_code}): {detail}")
            try:
                return loads_json_object(body)
            except _BadBody as exc:
                last = f"HTTP {resp.status_code}, unusable body: {exc}"
                continue
        raise RegistryUnavailable(f"备案接口不可用（GET {path}）：{last}",
                                  f"registry API unavailable (GET {path}) after {cfg.retries + 1} attempts: {last}")

    def fetch_one(self, plate: str) -> dict[str, Any] | None:
        """The raw permit record of one plate, or None when the registry does not know it (HTTP 404)."""
        body = self._get(f"{API_PATH}/{quote(plate, safe='')}", allow_404=True)
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
            body = self._get(API_PATH, {"page": page, "page_size": self.config.page_size})
            assert body is not None
            batch, total_pages = body.get("items"), body.get("pages")
            if (not isinstance(batch, list) or isinstance(total_pages, bool) or not isinstance(total_pages, int)
                    or not 0 <= total_pages <= MAX_PAGES):
                raise RegistryUnavailable("备案接口分页格式无效", f"registry page {page} lacks items/pages")
            items.extend(batch)
            pages = total_pages
            page += 1
        return items
