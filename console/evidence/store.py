"""Content-addressed evidence store (证据库): every file is kept under its SHA-256, hashed when captured.

A file's address is ``sha256/<first two hex>/<hash><ext>`` under the store root, so the same bytes are stored once,
a path names its content, and re-hashing a file proves it untouched. Writes go to a temporary file first and are
renamed into place, so a crash never leaves a half-written file under a hash. Files written for a transaction that
then failed stay as harmless orphans (nothing in the event log points at them).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from console.errors import StorageError, ValidationError

_HEX64 = re.compile(r"[0-9a-f]{64}")
_EXT = re.compile(r"\.[a-z0-9]{1,8}")
CHUNK = 1 << 20
EXT_FOR_MEDIA = {"image/jpeg": ".jpg", "video/mp4": ".mp4", "application/json": ".json", "image/png": ".png"}


@dataclass(frozen=True)
class StoredFile:
    """One stored evidence file: its hash, size in bytes and path relative to the store root."""

    sha256: str
    size: int
    relpath: str
    media_type: str


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> tuple[str, int]:
    """(hex digest, size) of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def relpath_for(sha256: str, ext: str) -> str:
    """The content address of a hash (with the file's extension)."""
    if not _HEX64.fullmatch(sha256) or (ext and not _EXT.fullmatch(ext)):
        raise ValidationError(f"无效的证据地址 {sha256!r}{ext!r}", f"invalid evidence address {sha256!r}{ext!r}")
    return f"sha256/{sha256[:2]}/{sha256}{ext}"


class EvidenceStore:
    """The store under one root directory (``console.config.evidence_dir()`` by default)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def put(self, data: bytes, media_type: str) -> StoredFile:
        """Store bytes under their hash (idempotent); returns the address."""
        digest = sha256_bytes(data)
        rel = relpath_for(digest, EXT_FOR_MEDIA.get(media_type, ".bin"))
        target = self.root / rel
        if target.exists():
            existing, _ = sha256_file(target)
            if existing == digest:
                return StoredFile(digest, len(data), rel, media_type)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(tmp, 0o644)  # a shared store: other seats read it
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageError(f"无法写入证据文件 {target}：{exc}", f"cannot write evidence file {target}: {exc}") from exc
        return StoredFile(digest, len(data), rel, media_type)

    def path(self, relpath: str) -> Path:
        """Absolute path of a stored file (the relative path must be a content address)."""
        parts = relpath.split("/")
        if len(parts) != 3 or parts[0] != "sha256" or ".." in relpath:
            raise ValidationError(f"无效的证据路径 {relpath!r}", f"invalid evidence path {relpath!r}")
        return self.root / relpath

    def check(self, relpath: str, sha256: str, size: int | None = None) -> str | None:
        """None if the file is there with this hash (and size); else what is wrong, in English."""
        try:
            path = self.path(relpath)
        except ValidationError as exc:
            return exc.message_en
        if not path.is_file():
            return f"missing: {path}"
        digest, actual = sha256_file(path)
        if digest != sha256:
            return f"content changed: {path} (sha256 {digest[:12]}…, recorded {sha256[:12]}…)"
        if size is not None and actual != size:
            return f"size changed: {path} ({actual} bytes, recorded {size})"
        return None
