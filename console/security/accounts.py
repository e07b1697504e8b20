"""Local accounts: create, sign in (with lockout), change or reset passwords, roles, deactivation — all audited.

Every change writes the ``users`` row and appends a ``user`` event in the same transaction. The event says THAT the
password changed, never the hash. Failed sign-ins are events too, so a guessing attack is visible in the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.domain.enums import Role
from console.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from console.security.audit import record_audit_events
from console.security.passwords import HashParams, PasswordHashing
from console.security.permissions import check
from console.security.pg_roles import PgUserRoles, enabled_by_env
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.storage.eventstore import EventDraft, as_utc, iso_utc
from console.storage.models_security import UserRow

USER_ENTITY = "user"
USERNAME_RE = re.compile(r"^[\w.\-]{1,64}$")
ASSIGNABLE_ROLES = tuple(r for r in Role if r is not Role.SYSTEM)  # "system" is for feeds and timers, not people


class AuthenticationError(PermissionDeniedError):
    """Wrong user name or password, locked or deactivated account (one message for all: no user enumeration)."""

    code = "auth_failed"


@dataclass(frozen=True)
class AccountPolicy:
    """Sign-in rules; every number is configuration."""

    max_failed_attempts: int = 5
    lockout_s: float = 900.0
    min_password_length: int = 8
    max_password_length: int = 256
    hash_params: HashParams | None = None


@dataclass(frozen=True)
class UserAccount:
    """An account as the UI and CLI see it (no hash)."""

    username: str
    display_name: str
    roles: tuple[Role, ...]
    active: bool
    created_at: datetime
    failed_attempts: int
    locked_until: datetime | None

    def actor(self, role: Role | str | None = None) -> Actor:
        """The Actor this user acts as: ``role`` must be one of theirs (default: the first)."""
        chosen = self.roles[0] if role is None else (role if isinstance(role, Role) else Role.parse(role))
        if chosen not in self.roles:
            raise PermissionDeniedError(f"用户 {self.username} 没有“{chosen.label_zh}”岗位",
                                        f"user {self.username} does not hold role {chosen.value}")
        return Actor(chosen, self.username)

    def to_json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "roles": [r.value for r in self.roles],
            "roles_zh": [r.label_zh for r in self.roles],
            "active": self.active,
            "created_at": iso_utc(self.created_at),
            "failed_attempts": self.failed_attempts,
            "locked_until": iso_utc(self.locked_until) if self.locked_until else None,
        }


def _account(row: UserRow) -> UserAccount:
    return UserAccount(
        username=row.username, display_name=row.display_name, roles=tuple(Role(r) for r in row.roles),
        active=bool(row.active), created_at=as_utc(row.created_at), failed_attempts=int(row.failed_attempts or 0),
        locked_until=as_utc(row.locked_until) if row.locked_until else None,
    )


def parse_roles(roles: Iterable[Role | str]) -> tuple[Role, ...]:
    """Role ids or Chinese post names → distinct Roles in the given order; at least one, never ``system``."""
    parsed: list[Role] = []
    for r in roles:
        role = r if isinstance(r, Role) else Role.parse(str(r))
        if role is Role.SYSTEM:
            raise ValidationError("“系统”角色不能分配给用户", "the system role cannot be given to a user")
        if role not in parsed:
            parsed.append(role)
    if not parsed:
        raise ValidationError("用户至少需要一个岗位", "a user needs at least one role")
    return tuple(parsed)


class AccountService:
    """Account commands; admin operations require ``manage_users``."""

    def __init__(self, ctx: ServiceContext, policy: AccountPolicy | None = None, *,
                 db_roles: PgUserRoles | None = None) -> None:
        """``db_roles``: keep a PostgreSQL LOGIN role per account (console.security.pg_roles); by default on when
        ``URBANOPS_PG_USER_ROLES=1`` and the database is PostgreSQL."""
        self.ctx = ctx
        self.policy = policy or AccountPolicy()
        self.hashing = PasswordHashing(self.policy.hash_params)
        self._dummy: str | None = None
        if db_roles is not None and not ctx.db.is_postgres:
            raise ValidationError("每用户数据库角色只适用于 PostgreSQL", "per-user database roles need PostgreSQL")
        if db_roles is None and ctx.db.is_postgres and enabled_by_env():
            db_roles = PgUserRoles()
        self.db_roles = db_roles

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hashing.hash("not-a-real-password")
        return self._dummy

    # ------------------------------------------------------------------ helpers
    def _check_password(self, password: str) -> None:
        if not isinstance(password, str) or "\x00" in password:
            raise ValidationError("密码含非法字符", "the password contains invalid characters")
        if len(password) < self.policy.min_password_length:
            raise ValidationError(f"密码至少 {self.policy.min_password_length} 个字符",
                                  f"the password must have at least {self.policy.min_password_length} characters")
        if len(password) > self.policy.max_password_length:
            raise ValidationError(f"密码最多 {self.policy.max_password_length} 个字符",
                                  f"the password must have at most {self.policy.max_password_length} characters")

    @staticmethod
    def _check_username(username: str) -> str:
        name = username.strip() if isinstance(username, str) else ""
        if not USERNAME_RE.match(name):
            raise ValidationError(f"用户名“{username}”无效（1–64 个字母、数字、下划线、点或横线）",
                                  f"invalid user name {username!r} (1–64 letters, digits, _ . -)")
        return name

    @staticmethod
    def _row(s: Session, username: str, *, for_update: bool = False) -> UserRow:
        stmt = select(UserRow).where(UserRow.username == username)
        if for_update:
            stmt = stmt.with_for_update()
        row = s.scalars(stmt).one_or_none()
        if row is None:
            raise NotFoundError(f"用户 {username} 不存在", f"user {username} does not exist")
        return row

    def _sync_db_role(self, s: Session, row: UserRow, password: str | None = None) -> None:
        """Same transaction as the row: the database role and the account change together or not at all."""
        if self.db_roles is not None:
            self.db_roles.sync_user(s, row.username, row.roles, active=bool(row.active), password=password)

    def _event(self, s: Session, actor: Actor, action: str, username: str, now: datetime,
               after: dict[str, Any] | None = None, before: dict[str, Any] | None = None,
               reason: str | None = None) -> None:
        record_audit_events(s, [EventDraft(actor=actor.user, role=actor.role.value, action=action,
                                           entity_type=USER_ENTITY, entity_id=username, ts_utc=now,
                                           before=before, after=after, reason=reason)])

    # ------------------------------------------------------------------ admin commands
    def create_user(self, username: str, password: str, roles: Iterable[Role | str], actor: Actor, *,
                    display_name: str | None = None) -> UserAccount:
        check(actor, "manage_users")
        name = self._check_username(username)
        role_list = parse_roles(roles)
        self._check_password(password)
        display = (display_name or name).strip()[:128] or name
        password_hash = self.hashing.hash(password)
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            self._event(s, actor, "create", name, now,
                        after={"display_name": display, "roles": [r.value for r in role_list], "active": True,
                               "password_set": True})  # chain lock first: serialises concurrent creates
            if s.scalars(select(UserRow.id).where(UserRow.username == name)).first() is not None:
                raise ConflictError(f"用户名 {name} 已存在", f"user name {name} is taken")
            row = UserRow(username=name, display_name=display, password_hash=password_hash,
                          roles=[r.value for r in role_list], active=True, created_at=now, failed_attempts=0,
                          locked_until=None, password_changed_at=now)
            s.add(row)
            s.flush()
            self._sync_db_role(s, row, password)
            return _account(row)

    def list_users(self, actor: Actor) -> list[UserAccount]:
        check(actor, "manage_users")
        with self.ctx.db.read_session() as s:
            return [_account(r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]

    def get_user(self, username: str, actor: Actor) -> UserAccount:
        if actor.user != username:
            check(actor, "manage_users")
        with self.ctx.db.read_session() as s:
            return _account(self._row(s, username))

    def set_roles(self, username: str, roles: Iterable[Role | str], actor: Actor) -> UserAccount:
        check(actor, "manage_users")
        role_list = [r.value for r in parse_roles(roles)]
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            row = self._row(s, username, for_update=True)
            if list(row.roles) == role_list:
                return _account(row)
            self._event(s, actor, "set_roles", username, now, before={"roles": list(row.roles)},
                        after={"roles": role_list})
            row.roles = role_list
            s.flush()
            self._sync_db_role(s, row)
            return _account(row)

    def reset_password(self, username: str, new_password: str, actor: Actor, *, reason: str | None = None) -> None:
        """An admin sets a new password; clears the failed-attempt count and any lockout."""
        check(actor, "manage_users")
        self._check_password(new_password)
        password_hash = self.hashing.hash(new_password)
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            row = self._row(s, username, for_update=True)
            self._event(s, actor, "reset_password", username, now, after={"password_changed": True, "unlocked": True},
                        reason=reason)
            row.password_hash, row.password_changed_at = password_hash, now
            row.failed_attempts, row.locked_until = 0, None
            self._sync_db_role(s, row, new_password)

    def unlock(self, username: str, actor: Actor) -> None:
        check(actor, "manage_users")
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            row = self._row(s, username, for_update=True)
            self._event(s, actor, "unlock", username, now, after={"unlocked": True})
            row.failed_attempts, row.locked_until = 0, None

    def deactivate(self, username: str, actor: Actor, *, reason: str | None = None) -> None:
        check(actor, "manage_users")
        if actor.user == username:
            raise ValidationError("不能停用自己的账号", "you cannot deactivate your own account")
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            row = self._row(s, username, for_update=True)
            if not row.active:
                return
            self._event(s, actor, "deactivate", username, now, before={"active": True}, after={"active": False},
                        reason=reason)
            row.active = False
            self._sync_db_role(s, row)  # NOLOGIN: the database refuses the account's role from now on

    def reactivate(self, username: str, actor: Actor) -> None:
        check(actor, "manage_users")
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            row = self._row(s, username, for_update=True)
            if row.active:
                return
            self._event(s, actor, "reactivate", username, now, before={"active": False}, after={"active": True})
            row.active = True
            self._sync_db_role(s, row)

    # ------------------------------------------------------------------ self-service
    def authenticate(self, username: str, password: str) -> UserAccount:
        """Sign in. Wrong passwords count towards a lockout; every outcome is an event."""
        now = self.ctx.clock.now_utc()
        failure: str | None = None
        account: UserAccount | None = None
        name = username.strip() if isinstance(username, str) else ""
        if not isinstance(password, str) or "\x00" in password:
            password = ""
        with self.ctx.db.session() as s:
            row = None
            if USERNAME_RE.match(name):
                row = s.scalars(select(UserRow).where(UserRow.username == name).with_for_update()).one_or_none()
            if row is None:
                self.hashing.verify(self._dummy_hash(), password or "")  # same cost as a real check: no enumeration
                failure = "unknown_user"
                who = Actor(Role.SYSTEM, "signin")
                shown = name if USERNAME_RE.match(name) else "?"
                self._event(s, who, "sign_in_failed", shown, now, after={"why": failure})
            else:
                me = Actor(Role(row.roles[0]), row.username)
                locked_until = as_utc(row.locked_until) if row.locked_until else None
                if not row.active:
                    failure = "deactivated"
                elif locked_until is not None and now < locked_until:
                    failure = "locked"
                elif not self.hashing.verify(row.password_hash, password or ""):
                    failure = "wrong_password"
                    row.failed_attempts = int(row.failed_attempts or 0) + 1
                    if row.failed_attempts >= self.policy.max_failed_attempts:
                        row.locked_until = now + timedelta(seconds=self.policy.lockout_s)
                        self._event(s, me, "sign_in_failed", row.username, now,
                                    after={"why": failure, "failed_attempts": row.failed_attempts})
                        self._event(s, me, "locked", row.username, now,
                                    after={"locked_until": iso_utc(row.locked_until)})
                        failure = "now_locked"
                if failure is None:
                    row.failed_attempts, row.locked_until = 0, None
                    if self.hashing.needs_rehash(row.password_hash):
                        row.password_hash = self.hashing.hash(password)
                    self._event(s, me, "sign_in", row.username, now)
                    account = _account(row)
                elif failure != "now_locked":
                    self._event(s, me, "sign_in_failed", row.username, now,
                                after={"why": failure, "failed_attempts": int(row.failed_attempts or 0)})
        if account is None:
            if failure in ("locked", "now_locked"):
                raise AuthenticationError("账号因多次密码错误已被锁定，请稍后再试或联系管理员",
                                          "the account is locked after repeated failed sign-ins; "
                                          "try later or ask an administrator")
            raise AuthenticationError("用户名或密码错误，或账号已停用", "wrong user name or password, or the account is inactive")
        return account

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """The user changes their own password (old one required)."""
        self.authenticate(username, old_password)
        self._check_password(new_password)
        if new_password == old_password:
            raise ValidationError("新密码不能与旧密码相同", "the new password must differ from the old one")
        password_hash = self.hashing.hash(new_password)
        now = self.ctx.clock.now_utc()
        with self.ctx.db.session() as s:
            row = self._row(s, username, for_update=True)
            self._event(s, Actor(Role(row.roles[0]), username), "change_password", username, now,
                        after={"password_changed": True})
            row.password_hash, row.password_changed_at = password_hash, now
            self._sync_db_role(s, row, new_password)

