"""Worker for the concurrency test: one process hammering assignments at a shared pool of cases (spawned)."""

from __future__ import annotations

import random
from typing import Any


def hammer(url: str, worker: int, attempts: int, case_ids: list[str], officer_ids: list[str]) -> dict[str, Any]:
    from console.domain.enums import Role
    from console.errors import ConflictError, DomainError
    from console.services.actor import Actor
    from console.services.context import ServiceContext
    from console.services.dispatch import DispatchService
    from console.storage.db import Database, make_engine

    db = Database(make_engine(url, pool_size=2))
    svc = DispatchService(ServiceContext(db))
    rng = random.Random(worker)
    actor = Actor(Role.DISPATCHER, f"pq_{worker}")
    won: list[tuple[str, str]] = []
    conflicts = 0
    other: list[str] = []
    for _ in range(attempts):
        case_id, officer_id = rng.choice(case_ids), rng.choice(officer_ids)
        try:
            svc.assign(case_id, officer_id, actor)
            won.append((case_id, officer_id))
        except ConflictError:
            conflicts += 1
        except DomainError as exc:  # anything else is a bug the test reports
            other.append(str(exc))
    db.dispose()
    return {"worker": worker, "won": won, "conflicts": conflicts, "other": other}
