"""Evidence inside replay files (回放文件中的证据): the period's evidence files travel with the exported day.

A replay file must stand alone in a classroom with no access to the bureau's evidence store, so ``urbanops replay
export`` copies every evidence file whose ``evidence`` event falls in the exported period into the file itself, as
rows of ``replay_evidence`` (address, SHA-256, size, bytes). Each file is re-hashed before it is embedded: a file
that is missing or no longer matches its recorded hash is not copied, and is listed in the file's meta instead.

``urbanops audit verify --db sqlite:///DAY.urbanops-replay`` then checks the embedded files against the hashes in the
file's (hash-chained) event log. Evidence recorded before the exported period is outside the file by design; the
check counts it as out of period rather than as broken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from console.evidence.integrity import EVIDENCE_ENTITY
from console.evidence.store import EvidenceStore, sha256_bytes
from console.storage.db import Database
from console.storage.models import EventRow

TABLE = "replay_evidence"


@dataclass
class EmbedResult:
    """What an export embedded and what it could not."""

    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def _period_evidence(db: Database, from_utc: datetime, to_utc: datetime) -> list[tuple[str, str, int | None]]:
    """Distinct (address, sha256, size) of the evidence events in [from_utc, to_utc], in log order."""
    ev: Any = EventRow.__table__
    stmt = (select(ev.c.payload).where(ev.c.entity_type == EVIDENCE_ENTITY, ev.c.ts_utc >= from_utc,
                                       ev.c.ts_utc <= to_utc).order_by(ev.c.seq))
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str, int | None]] = []
    with db.read_session() as s:
        for (payload,) in s.execute(stmt):
            p = payload or {}
            rel, digest, size = p.get("path"), p.get("sha256"), p.get("size")
            if isinstance(rel, str) and isinstance(digest, str) and (rel, digest) not in seen:
                seen.add((rel, digest))
                out.append((rel, digest, size if isinstance(size, int) else None))
    return out


def embed_period_evidence(source: Database, target: Database, from_utc: datetime, to_utc: datetime,
                          store: EvidenceStore) -> EmbedResult:
    """Copy the period's evidence files from ``store`` into ``target`` (a replay file being written)."""
    result = EmbedResult()
    with target.engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {TABLE} (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, "
                          "size INTEGER NOT NULL, data BLOB NOT NULL)"))
        for rel, digest, size in _period_evidence(source, from_utc, to_utc):
            problem = store.check(rel, digest, size)
            if problem is not None:
                result.problems.append(problem)
                continue
            data = store.path(rel).read_bytes()
            if sha256_bytes(data) != digest:  # changed between the check and the read
                result.problems.append(f"content changed while exporting: {rel}")
                continue
            conn.execute(text(f"INSERT OR IGNORE INTO {TABLE} (path, sha256, size, data) VALUES (:p, :h, :n, :d)"),
                         {"p": rel, "h": digest, "n": len(data), "d": data})
            result.files += 1
            result.bytes += len(data)
    return result


class EmbeddedEvidence:
    """The evidence inside a replay file, checked like the store (``check`` has the same contract)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.root = f"{TABLE} (embedded in the replay file)"

    @staticmethod
    def present(db: Database) -> bool:
        return db.has_table(TABLE)

    def check(self, relpath: str, sha256: str, size: int | None = None) -> str | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(text(f"SELECT data FROM {TABLE} WHERE path = :p"), {"p": relpath}).first()
        if row is None:
            return f"missing from the replay file: {relpath}"
        data = _as_bytes(row[0])
        digest = sha256_bytes(data)
        if digest != sha256:
            return f"content changed: {relpath} in the replay file (sha256 {digest[:12]}…, recorded {sha256[:12]}…)"
        if size is not None and len(data) != size:
            return f"size changed: {relpath} in the replay file ({len(data)} bytes, recorded {size})"
        return None


def _as_bytes(value: Any) -> bytes:
    """A BLOB as bytes; a value someone rewrote as TEXT (``data || x'00'`` does that in SQLite) as its UTF-8."""
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(value)
