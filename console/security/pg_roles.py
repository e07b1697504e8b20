"""Per-user PostgreSQL roles (数据库账号): one LOGIN role ``uo_<username>`` per console account, a member of one group
role per post it holds (``urbanops_dispatcher`` …), so the database itself knows who connects and an account
deactivated in the console can no longer log in to the database.

Optional (``URBANOPS_PG_USER_ROLES=1`` or ``urbanops user … --pg-role``) and PostgreSQL only; the connection the
console uses needs CREATEROLE. :class:`PgUserRoles` runs inside the caller's transaction (PostgreSQL role DDL is
transactional), so a user row and its database role change together or not at all. Identifiers are always composed
with ``psycopg.sql.Identifier``; passwords are sent as SCRAM-SHA-256 verifiers computed here, never in clear text.

Privileges of the group roles (granted again on every change, so tables added by later migrations are covered):
every group may connect, read every table except the password hashes in ``users`` (column privileges), append to
the event log (reading personal data, exports and every command write audit or domain events) and write the
projections it folds (the chain-lock row included); ``manage_users`` groups may also write ``users``. Nobody gets
UPDATE, DELETE or TRUNCATE on ``events`` (explicitly revoked; the migration 0007 trigger refuses them anyway).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from console.domain.enums import Role
from console.errors import StorageError, ValidationError
from console.security.permissions import allowed

ENV_FLAG = "URBANOPS_PG_USER_ROLES"
PG_NAME_MAX_BYTES = 63  # NAMEDATALEN - 1: longer identifiers are silently truncated by PostgreSQL, so refuse them
PERSON_ROLES = tuple(r for r in Role if r is not Role.SYSTEM)
EVENTS, USERS = "events", "users"
USERS_PUBLIC_COLUMNS = ("id", "username", "display_name", "roles", "active", "created_at")
NOT_PROJECTIONS = {EVENTS, USERS, "alembic_version", "spatial_ref_sys"}
SCRAM_ITERATIONS = 4096


def enabled_by_env() -> bool:
    return os.environ.get(ENV_FLAG, "").strip().lower() in ("1", "true", "yes", "on")


def scram_sha256_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """The verifier PostgreSQL stores for ``password`` (RFC 5802/7677), so the clear text never reaches the server
    or its statement log. The password is NFKC-normalised (SASLprep's normalisation step, as libpq does)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", unicodedata.normalize("NFKC", password).encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


@dataclass(frozen=True)
class PgRoleNames:
    """How console names map to database role names (prefixes configurable: role names are cluster-wide)."""

    login_prefix: str = "uo_"
    group_prefix: str = "urbanops_"

    @staticmethod
    def from_env() -> PgRoleNames:
        """``URBANOPS_PG_LOGIN_PREFIX`` / ``URBANOPS_PG_GROUP_PREFIX`` (role names are cluster-wide: two urbanops
        databases on one server whose users differ need different prefixes)."""
        return PgRoleNames(os.environ.get("URBANOPS_PG_LOGIN_PREFIX", "uo_"),
                           os.environ.get("URBANOPS_PG_GROUP_PREFIX", "urbanops_"))

    def login(self, username: str) -> str:
        return self._checked(self.login_prefix + username)

    def group(self, role: Role) -> str:
        return self._checked(self.group_prefix + role.value)

    @staticmethod
    def _checked(name: str) -> str:
        if len(name.encode("utf-8")) > PG_NAME_MAX_BYTES:
            raise ValidationError(f"数据库角色名“{name}”超过 {PG_NAME_MAX_BYTES} 字节，请使用更短的用户名",
                                  f"database role name {name!r} is longer than {PG_NAME_MAX_BYTES} bytes; use a "
                                  "shorter user name")
        return name


def _insufficient(exc: BaseException) -> StorageError:
    return StorageError("数据库账号无权管理数据库角色（需要 CREATEROLE），用户未更改",
                        f"the database login may not manage roles (CREATEROLE needed); the user was not changed "
                        f"({str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__})")


class PgUserRoles:
    """Creates, alters and disables the LOGIN role of a console account and its group memberships."""

    def __init__(self, names: PgRoleNames | None = None) -> None:
        self.names = names or PgRoleNames.from_env()

    # ------------------------------------------------------------------ entry points (caller's transaction)
    def sync_user(self, session: Any, username: str, roles: Iterable[Role | str], *, active: bool,
                  password: str | None = None) -> str:
        """Make ``uo_<username>`` match the account: LOGIN when active, NOLOGIN when not, member of exactly the
        groups of its posts, the password's SCRAM verifier when one is given. Returns the login role name."""
        import psycopg

        held = {Role(r) for r in roles}
        login = self.names.login(username)
        conn = _driver_connection(session)
        try:
            with conn.cursor() as cur:
                self._ensure_groups(cur)
                self._apply_user(cur, login, held, active, password)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise _insufficient(exc) from exc
        return login

    # ------------------------------------------------------------------ internals
    def _ensure_groups(self, cur: Any) -> None:
        from psycopg import sql

        cur.execute("SELECT current_database()")
        database = str(cur.fetchone()[0])
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [str(r[0]) for r in cur.fetchall()]
        readable = [t for t in tables if t not in (USERS, "spatial_ref_sys")]
        projections = [t for t in tables if t not in NOT_PROJECTIONS]

        def ids(names: list[str]) -> sql.Composable:
            return sql.SQL(", ").join(sql.Identifier(n) for n in names)

        for role in PERSON_ROLES:
            group = sql.Identifier(self.names.group(role))
            self._create_role_once(cur, self.names.group(role))
            cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), group))
            cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(group))
            if readable:
                cur.execute(sql.SQL("GRANT SELECT ON TABLE {} TO {}").format(ids(readable), group))
            if USERS in tables:
                cur.execute(sql.SQL("GRANT SELECT ({}) ON TABLE {} TO {}").format(
                    ids(list(USERS_PUBLIC_COLUMNS)), sql.Identifier(USERS), group))
            if EVENTS in tables:  # every post writes events (commands, pii_read and export audit events)
                cur.execute(sql.SQL("GRANT INSERT ON TABLE {} TO {}").format(sql.Identifier(EVENTS), group))
                cur.execute(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON TABLE {} FROM {}").format(
                    sql.Identifier(EVENTS), group))
            if projections:
                cur.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE ON TABLE {} TO {}").format(ids(projections), group))
            cur.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(group))
            if USERS in tables and allowed(role, "manage_users"):
                cur.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE ON TABLE {} TO {}").format(
                    sql.Identifier(USERS), group))

    @staticmethod
    def _create_role_once(cur: Any, name: str) -> None:
        """CREATE ROLE … NOLOGIN unless it exists; two seats doing it at once both succeed (savepoint)."""
        import psycopg
        from psycopg import sql

        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        if cur.fetchone() is not None:
            return
        cur.execute("SAVEPOINT urbanops_group_role")
        try:
            cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
        except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            cur.execute("ROLLBACK TO SAVEPOINT urbanops_group_role")
        else:
            cur.execute("RELEASE SAVEPOINT urbanops_group_role")

    def _apply_user(self, cur: Any, login: str, held: set[Role], active: bool, password: str | None) -> None:
        from psycopg import sql

        cur.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls "
                    "FROM pg_roles WHERE rolname = %s", (login,))
        row = cur.fetchone()
        if row is not None and any(row):
            raise ValidationError(f"数据库角色 {login} 已存在且具有管理权限，不能用作用户角色",
                                  f"database role {login} exists with administrative attributes; refusing to use it "
                                  "as a console user's role")
        name = sql.Identifier(login)
        options = sql.SQL("{} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT").format(
            sql.SQL("LOGIN" if active else "NOLOGIN"))
        if row is None:
            cur.execute(sql.SQL("CREATE ROLE {} WITH {}").format(name, options))
        else:
            cur.execute(sql.SQL("ALTER ROLE {} WITH {}").format(name, options))
        if password is not None:
            cur.execute(sql.SQL("ALTER ROLE {} WITH PASSWORD {}").format(
                name, sql.Literal(scram_sha256_verifier(password))))
        cur.execute("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                    "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s", (login,))
        member_of = {str(r[0]) for r in cur.fetchall()}
        for role in PERSON_ROLES:
            group = self.names.group(role)
            if role in held and group not in member_of:
                cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), name))
            elif role not in held and group in member_of:
                cur.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), name))


def _driver_connection(session: Any) -> Any:
    """The psycopg connection under a SQLAlchemy session, in the session's transaction."""
    return session.connection().connection.driver_connection
