"""Attachments of notes (附件): size and type checked, SHA-256 hashed, stored content-addressed on disk.

Files go to ``<root>/<first two hex digits>/<sha256>`` (root: ``URBANOPS_ATTACHMENTS_DIR`` or the user data directory's
``attachments``). Writing is idempotent — the same bytes are one file — and goes through a temporary file and an
atomic rename, so a crash never leaves half a file under a valid name. Only the reference (hash, name, size, type)
enters the event log. This store is deliberately separate from the evidence store (console/evidence/): attachments
are working material, not evidence with a chain of custody.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from console.collab.config import AttachmentRules
from console.errors import NotFoundError, ValidationError

ENV_DIR = "URBANOPS_ATTACHMENTS_DIR"
_HEX = frozenset("0123456789abcdef")


def default_root() -> Path:
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("urbanops", appauthor=False)) / "attachments"


@dataclass(frozen=True)
class AttachmentRef:
    """What a note records about an attachment."""

    sha256: str
    name: str
    size_bytes: int
    mime: str

    def to_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "name": self.name, "size_bytes": self.size_bytes, "mime": self.mime}


def sniff_matches(mime: str, data: bytes) -> bool:
    """Does the content look like ``mime``? (first bytes; text must be UTF-8 without NUL)."""
    if mime == "image/jpeg":
        return data[:3] == b"\xff\xd8\xff"
    if mime == "image/png":
        return data[:8] == b"\x89PNG\r\n\x1a\n"
    if mime == "application/pdf":
        return data[:5] == b"%PDF-"
    if mime == "video/mp4":
        return data[4:8] == b"ftyp"
    if mime.startswith("text/"):
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


def check_attachment(name: str, data: bytes, rules: AttachmentRules) -> str:
    """Return the MIME type, or raise ValidationError (zh + en) for an empty, too large or wrong-typed file."""
    clean = Path(name or "").name
    if not clean:
        raise ValidationError("附件缺少文件名", "attachment has no file name")
    if not data:
        raise ValidationError(f"附件“{clean}”为空文件", f"attachment {clean!r} is empty")
    if len(data) > rules.max_bytes:
        raise ValidationError(f"附件“{clean}”大小 {len(data) / 1048576:.1f} MB 超过上限 {rules.max_bytes / 1048576:.1f} MB",
                              f"attachment {clean!r} is {len(data)} bytes, over the limit of {rules.max_bytes}")
    ext = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    mime = rules.types.get(ext)
    if mime is None:
        allowed = ", ".join(sorted(rules.types))
        raise ValidationError(f"附件“{clean}”类型不允许（允许：{allowed}）",
                              f"attachment {clean!r}: type not allowed (allowed: {allowed})")
    if not sniff_matches(mime, data):
        raise ValidationError(f"附件“{clean}”内容与扩展名 .{ext} 不符", f"attachment {clean!r}: content is not {mime}")
    return mime


class AttachmentStore:
    """Content-addressed files under ``root``."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_root()

    def path_of(self, sha256: str) -> Path:
        if len(sha256) != 64 or not set(sha256) <= _HEX:
            raise ValidationError(f"附件编号无效：{sha256[:80]}", f"invalid attachment hash: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256

    def put(self, name: str, data: bytes, rules: AttachmentRules) -> AttachmentRef:
        """Check, hash and store; returns the reference (storing the same bytes twice is one file)."""
        mime = check_attachment(name, data, rules)
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return AttachmentRef(digest, Path(name).name, len(data), mime)

    def get(self, sha256: str) -> bytes:
        """The stored bytes, verified against their hash (a damaged file is an error, not silently served)."""
        path = self.path_of(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotFoundError(f"附件 {sha256[:12]}… 不存在", f"attachment {sha256} not found") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValidationError(f"附件 {sha256[:12]}… 已损坏（哈希不符）", f"attachment {sha256} is damaged (hash mismatch)")
        return data
