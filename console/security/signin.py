"""Who is signed in (登录): the rules the sign-in dialog and the command line share, Qt-free.

- A database with at least one account requires a real sign-in; ``--as ROLE:USER`` on the command line must then
  name an active account that holds ROLE (:func:`verify_actor`).
- A database without accounts (the demo world, a fresh install) runs as the built-in demo user, so the demo stays
  one command; ``urbanops demo --sign-in`` creates the documented demo account (:data:`DEMO_ACCOUNT`) when none
  exists and then asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from console.domain.enums import Role
from console.errors import PermissionDeniedError
from console.security.accounts import AccountPolicy, AccountService, UserAccount
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.storage.db import Database
from console.storage.models_security import UserRow

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "changning-demo"  # documented in docs/security.md; only created by ``demo --sign-in`` on an empty table
DEMO_DISPLAY_NAME = "演示用户"
# The demo user may try every seat of the operations centre, plus the admin tools.
DEMO_ROLES: tuple[Role, ...] = (Role.DISPATCHER, Role.SHIFT_LEADER, Role.CALL_TAKER, Role.INSPECTOR, Role.HANDLER,
                                Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.TRAINER, Role.ADMIN)


@dataclass(frozen=True)
class SignedIn:
    """The person at the desk: user name, display name, the roles they hold and whether a password protects it."""

    username: str
    display_name: str
    roles: tuple[Role, ...]
    authenticated: bool  # False: the demo user of a database without accounts (no password, no idle lock)

    def actor(self, role: Role) -> Actor:
        if role not in self.roles:
            raise PermissionDeniedError(f"用户 {self.username} 没有“{role.label_zh}”岗位",
                                        f"user {self.username} does not hold role {role.value}")
        return Actor(role, self.username)

    @staticmethod
    def from_account(account: UserAccount) -> SignedIn:
        return SignedIn(account.username, account.display_name, account.roles, True)


DEMO_SESSION = SignedIn(DEMO_USERNAME, DEMO_DISPLAY_NAME, DEMO_ROLES, False)


def accounts_exist(db: Database) -> bool:
    """True when the ``users`` table holds at least one account (sign-in is then required).

    An unreachable database raises (never "no accounts": an outage must not open the door to the demo user).
    """
    if not db.has_table(UserRow.__tablename__):
        return False
    with db.read_session() as s:
        return s.scalars(select(UserRow.id).limit(1)).first() is not None


def verify_actor(db: Database, actor: Actor) -> Actor:
    """When accounts exist, ``actor`` must be an active account holding ``actor.role``; else it passes as given.

    Raises PermissionDeniedError with a message that says which of the three is wrong (the caller already holds
    the database URL, so naming the reason leaks nothing an attacker could not read from the table itself).
    """
    if not accounts_exist(db):
        return actor
    with db.read_session() as s:
        row = s.scalars(select(UserRow).where(UserRow.username == actor.user)).one_or_none()
    if row is None:
        raise PermissionDeniedError(f"用户 {actor.user} 不存在（本数据库已启用账号，--as 须为已有用户）",
                                    f"unknown user {actor.user} (this database has accounts: --as must name one)")
    if not row.active:
        raise PermissionDeniedError(f"用户 {actor.user} 已停用", f"user {actor.user} is deactivated")
    if actor.role.value not in list(row.roles):
        held = "、".join(Role(r).label_zh for r in row.roles)
        raise PermissionDeniedError(f"用户 {actor.user} 没有“{actor.role.label_zh}”岗位（现有：{held}）",
                                    f"user {actor.user} does not hold role {actor.role.value} "
                                    f"(holds: {', '.join(row.roles)})")
    return actor


def resolve_actor(db: Database, text: str) -> Actor:
    """``--as ROLE:USER`` parsed and checked against the accounts (see :func:`verify_actor`)."""
    return verify_actor(db, Actor.parse(text))


def ensure_demo_account(ctx: ServiceContext, policy: AccountPolicy | None = None) -> bool:
    """Create the documented demo account when the users table is empty; True when it was created.

    The bootstrap is an audited ``create`` event by ``admin:demo-bootstrap``.
    """
    if accounts_exist(ctx.db):
        return False
    svc = AccountService(ctx, policy)
    bootstrap = Actor(Role.ADMIN, "demo-bootstrap")
    svc.create_user(DEMO_USERNAME, DEMO_PASSWORD, DEMO_ROLES, bootstrap, display_name=DEMO_DISPLAY_NAME)
    return True
