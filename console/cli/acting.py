"""``--as ROLE:USER`` for every CLI command that acts on the database: one helper, so no command skips a check.

:func:`acting_as` first resolves the actor against the accounts (``console.security.signin.resolve_actor``: once the
database has accounts, an active user holding the role), then checks the operation in the permission registry
(``console.security.permissions.check``) before any work is done (no file read, no event written). The services
check again when they act; the early check gives the same zh + en refusal (exit 2 in ``console.cli.main``).
"""

from __future__ import annotations

from console.security.permissions import check
from console.security.signin import resolve_actor
from console.services.actor import Actor
from console.storage.db import Database


def acting_as(db: Database, text: str, *operations: str) -> Actor:
    """The checked actor of ``--as``: an account that exists, is active, holds the role and may do ``operations``
    (registry names; none for commands whose service keeps its own configurable table, e.g. collaboration)."""
    actor = resolve_actor(db, text)
    for operation in operations:
        check(actor, operation)
    return actor
