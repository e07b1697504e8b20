"""Client of the camera system's HTTP API, with Frigate's endpoints as the reference shape.

``/api/events/<id>/snapshot.jpg`` (event snapshot), ``/api/events/<id>/clip.mp4`` (event clip) and
``/api/<camera>/latest.jpg`` (the camera's current frame). Answers are size-capped and checked to be what they claim
(JPEG magic bytes, an MP4 ``ftyp`` box); a failure after the retries returns ``None`` with the reason in
``last_error`` — a missing snapshot never stops a case from being recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import requests

MAX_SNAPSHOT_BYTES = 10 * 1024 * 1024
MAX_CLIP_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Media:
    data: bytes
    media_type: str
    url: str


def looks_like(data: bytes, media_type: str) -> bool:
    if media_type == "image/jpeg":
        return data[:3] == b"\xff\xd8\xff"
    if media_type == "video/mp4":
        return len(data) >= 12 and data[4:8] == b"ftyp"
    return True


@dataclass
class CameraClient:
    """Fetches event media from one camera system (a Frigate instance or anything with its endpoints)."""

    base_url: str
    timeout_s: float = 5.0
    retries: int = 1
    backoff_s: float = 0.3
    api_key: str | None = None
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep
    last_error: str | None = None

    def event_snapshot(self, event_id: str) -> Media | None:
        return self._fetch(f"/api/events/{quote(event_id, safe='')}/snapshot.jpg", "image/jpeg", MAX_SNAPSHOT_BYTES)

    def event_clip(self, event_id: str) -> Media | None:
        return self._fetch(f"/api/events/{quote(event_id, safe='')}/clip.mp4", "video/mp4", MAX_CLIP_BYTES)

    def latest(self, camera: str) -> Media | None:
        return self._fetch(f"/api/{quote(camera, safe='')}/latest.jpg", "image/jpeg", MAX_SNAPSHOT_BYTES)

    def _fetch(self, path: str, media_type: str, cap: int) -> Media | None:
        url = self.base_url.rstrip("/") + path
        headers = {"X-Api-Key": self.api_key} if self.api_key else {}
        self.last_error = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                with self.session.get(url, headers=headers, timeout=self.timeout_s, stream=True) as resp:
                    if resp.status_code == 404:
                        self.last_error = "HTTP 404"
                        return None
                    if resp.status_code >= 400:
                        self.last_error = f"HTTP {resp.status_code}"
                        continue
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_content(64 * 1024):
                        size += len(chunk)
                        if size > cap:
                            self.last_error = f"larger than {cap} bytes"
                            return None
                        chunks.append(chunk)
                    data = b"".join(chunks)
            except requests.RequestException as exc:
                self.last_error = f"{type(exc).__name__}"
                continue
            if not data or not looks_like(data, media_type):
                self.last_error = f"not a {media_type} body ({len(data)} bytes)"
                continue
            return Media(data, media_type, url)
        return None
