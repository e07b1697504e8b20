"""Evidence integrity (证据完整性): re-hash every file the event log says was captured.

The log (hash-chained) records each evidence file's SHA-256 and size; ``verify_evidence`` re-hashes the files under
the store root and reports the first one that is missing or differs. ``urbanops audit verify`` runs it after the
chain check, so one command proves both the log and the evidence untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.storage.eventstore import as_utc
from console.storage.models import EventRow

EVIDENCE_ENTITY = "evidence"


class EvidenceFiles(Protocol):
    """Where the files are: the store on disk, or the copies embedded in a replay file."""

    @property
    def root(self) -> object: ...  # what to name in messages: a directory, or the replay file's table

    def check(self, relpath: str, sha256: str, size: int | None = None) -> str | None: ...


@dataclass(frozen=True)
class EvidenceVerifyResult:
    ok: bool
    checked: int
    seq: int | None = None
    case_id: str | None = None
    problem: str | None = None
    out_of_period: int = 0  # recorded before ``since_utc`` (a replay file holds only its period's files)


def verify_evidence(session: Session, store: EvidenceFiles, since_utc: datetime | None = None) -> EvidenceVerifyResult:
    """Every distinct (address, sha256) recorded in ``evidence`` events, in log order; stops at the first problem."""
    table = EventRow.__table__
    stmt = select(table.c.seq, table.c.case_id, table.c.payload, table.c.ts_utc).where(
        table.c.entity_type == EVIDENCE_ENTITY).order_by(table.c.seq)
    seen: set[tuple[str, str]] = set()
    checked = skipped = 0
    for seq, case_id, payload, ts in session.execute(stmt).yield_per(2_000):
        if since_utc is not None and as_utc(ts) < since_utc:
            skipped += 1
            continue
        p = payload or {}
        rel, digest, size = p.get("path"), p.get("sha256"), p.get("size")
        if not isinstance(rel, str) or not isinstance(digest, str):
            return EvidenceVerifyResult(False, checked, seq, case_id, "evidence event without path/sha256")
        if (rel, digest) in seen:
            continue
        problem = store.check(rel, digest, size if isinstance(size, int) else None)
        if problem is not None:
            return EvidenceVerifyResult(False, checked, seq, case_id, problem, skipped)
        seen.add((rel, digest))
        checked += 1
    return EvidenceVerifyResult(True, checked, out_of_period=skipped)
