"""Accounts on SQLite and PostgreSQL: argon2 hashes, sign-in, lockout, reset, deactivation, roles; all audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from console.domain.enums import Role
from console.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from console.security.accounts import AccountService, AuthenticationError
from console.security.audit import AuditService
from console.security.session import SessionPolicy
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.storage import eventstore
from console.storage.models_security import UserRow
from tests.security.conftest import ADMIN, FAST_POLICY, event_count


def _user_events(ctx: ServiceContext, username: str) -> list[eventstore.StoredEvent]:
    with ctx.db.read_session() as s:
        return [e for e in eventstore.read(s) if e.entity_type == "user" and e.entity_id == username]


def test_create_and_sign_in_with_a_salted_slow_hash(ctx: ServiceContext, accounts: AccountService) -> None:
    account = accounts.create_user("wang", "correct horse", ["派遣员", "shift_leader"], ADMIN, display_name="王伟")
    assert account.roles == (Role.DISPATCHER, Role.SHIFT_LEADER) and account.active
    accounts.create_user("li", "correct horse", ["dispatcher"], ADMIN)
    with ctx.db.read_session() as s:
        hashes = {u: h for u, h in s.execute(select(UserRow.username, UserRow.password_hash))}
    assert hashes["wang"].startswith("$argon2id$") and hashes["wang"] != hashes["li"]  # salted
    signed_in = accounts.authenticate("wang", "correct horse")
    assert signed_in.actor("值班长") == Actor(Role.SHIFT_LEADER, "wang")
    with pytest.raises(PermissionDeniedError):
        signed_in.actor(Role.ADMIN)
    log = str([e.to_json() for e in _user_events(ctx, "wang")])
    assert "argon2" not in log and "correct horse" not in log
    assert [e.action for e in _user_events(ctx, "wang")] == ["create", "sign_in"]


def test_lockout_after_failed_attempts_then_admin_reset(sqlite_ctx: ServiceContext) -> None:
    ctx, accounts = sqlite_ctx, AccountService(sqlite_ctx, FAST_POLICY)
    accounts.create_user("zhao", "first-password", ["call_taker"], ADMIN)
    for _ in range(3):  # FAST_POLICY: 3 attempts
        with pytest.raises(AuthenticationError):
            accounts.authenticate("zhao", "guess")
    with pytest.raises(AuthenticationError) as locked:
        accounts.authenticate("zhao", "first-password")  # right password, but locked
    assert "锁定" in locked.value.message_zh
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(seconds=601))
    assert accounts.authenticate("zhao", "first-password").username == "zhao"  # lock expired
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            accounts.authenticate("zhao", "guess")
    accounts.reset_password("zhao", "second-password", ADMIN, reason="忘记密码")
    assert accounts.authenticate("zhao", "second-password").username == "zhao"
    with pytest.raises(AuthenticationError):
        accounts.authenticate("zhao", "first-password")
    actions = [e.action for e in _user_events(ctx, "zhao")]
    assert actions.count("locked") == 2 and "reset_password" in actions and actions.count("sign_in_failed") >= 6
    reset = next(e for e in _user_events(ctx, "zhao") if e.action == "reset_password")
    assert reset.actor == "root" and reset.reason == "忘记密码" and reset.after == {"password_changed": True,
                                                                                   "unlocked": True}


def test_change_password_deactivate_and_roles(sqlite_ctx: ServiceContext) -> None:
    ctx, accounts = sqlite_ctx, AccountService(sqlite_ctx, FAST_POLICY)
    accounts.create_user("sun", "password-one", ["inspector"], ADMIN)
    with pytest.raises(AuthenticationError):
        accounts.change_password("sun", "wrong-old", "password-two")
    accounts.change_password("sun", "password-one", "password-two")
    assert accounts.authenticate("sun", "password-two").roles == (Role.INSPECTOR,)
    assert accounts.set_roles("sun", ["inspector", "call_taker"], ADMIN).roles == (Role.INSPECTOR, Role.CALL_TAKER)
    accounts.deactivate("sun", ADMIN, reason="调离")
    with pytest.raises(AuthenticationError):
        accounts.authenticate("sun", "password-two")
    assert [u.active for u in accounts.list_users(ADMIN) if u.username == "sun"] == [False]
    history = AuditService(ctx).user_history("sun", ADMIN)
    assert [h["action"] for h in history] == ["create", "sign_in_failed", "sign_in", "change_password", "sign_in",
                                              "set_roles", "deactivate", "sign_in_failed"]


def test_refusals_write_nothing(sqlite_ctx: ServiceContext) -> None:
    ctx, accounts = sqlite_ctx, AccountService(sqlite_ctx, FAST_POLICY)
    accounts.create_user("zhou", "password-one", ["dispatcher"], ADMIN)
    before = event_count(ctx)
    bad: list[tuple[type[Exception], object]] = [
        (ConflictError, lambda: accounts.create_user("zhou", "password-two", ["dispatcher"], ADMIN)),
        (ValidationError, lambda: accounts.create_user("x y", "password-two", ["dispatcher"], ADMIN)),
        (ValidationError, lambda: accounts.create_user("new", "short", ["dispatcher"], ADMIN)),
        (ValidationError, lambda: accounts.create_user("new", "password-two", [], ADMIN)),
        (ValidationError, lambda: accounts.create_user("new", "password-two", ["system"], ADMIN)),
        (ValidationError, lambda: accounts.create_user("new", "password-two", ["pope"], ADMIN)),
        (PermissionDeniedError, lambda: accounts.create_user("new", "password-two", ["dispatcher"],
                                                             Actor(Role.SHIFT_LEADER, "boss"))),
        (NotFoundError, lambda: accounts.reset_password("nobody", "password-two", ADMIN)),
        (ValidationError, lambda: accounts.deactivate("root", ADMIN)),
    ]
    for kind, call in bad:
        with pytest.raises(kind):
            call()  # type: ignore[operator]
    assert event_count(ctx) == before


def test_unknown_user_and_hostile_names_fail_like_a_wrong_password(ctx: ServiceContext,
                                                                   accounts: AccountService) -> None:
    """Both backends: a NUL byte must not reach PostgreSQL (it cannot store it) and must not crash."""
    for name, password in (("ghost", "whatever-1"), ("a\x00b", "x\x00y"), ("'; DROP TABLE users; --", "p")):
        with pytest.raises(AuthenticationError) as err:
            accounts.authenticate(name, password)
        assert "用户名或密码错误" in err.value.message_zh
    with ctx.db.read_session() as s:
        assert eventstore.verify(s).ok


def test_pii_read_is_an_audited_event(ctx: ServiceContext) -> None:
    from console.services.writer import Reporter
    from tests.security.conftest import ZHONGSHAN_PARK

    svc = CaseService(ctx)
    case = svc.create_case(category="暴露垃圾", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1], source="hotline_12345",
                           actor=Actor(Role.CALL_TAKER, "ct"), reporter=Reporter("张三丰", "13812345678"))
    before = event_count(ctx)
    assert svc.get_case(case["id"])["reporter"]["masked"] and event_count(ctx) == before  # masked read: no event
    full = svc.get_case(case["id"], unmask=True, actor=Actor(Role.SHIFT_LEADER, "boss"))
    assert full["reporter"]["phone"] == "13812345678" and event_count(ctx) == before + 1
    with pytest.raises(PermissionDeniedError):
        svc.get_case(case["id"], unmask=True, actor=Actor(Role.DISPATCHER, "d"))
    reads = AuditService(ctx).pii_reads(Actor(Role.SUPERVISOR, "du"))
    assert [(r["actor"], r["role"], r["entity_id"], r["fields"]) for r in reads] == [
        ("boss", "shift_leader", case["id"], ["reporter.name", "reporter.phone"])]
    history = AuditService(ctx).case_history(case["id"], Actor(Role.ADMIN, "a"))
    assert [h["action"] for h in history] == ["create", "pii_read"]
    assert "13812345678" not in str(history)
    with ctx.db.read_session() as s:
        assert eventstore.verify(s).ok


def test_session_policy_locks_when_idle() -> None:
    policy = SessionPolicy(idle_timeout_s=300, last_activity_s=1000.0)
    assert not policy.is_locked(1299.0) and policy.remaining_s(1200.0) == 100.0
    policy.touch(1299.0)
    assert not policy.is_locked(1500.0)
    assert policy.is_locked(1599.0)
    policy.touch(1600.0)  # input while locked does not unlock
    assert policy.is_locked(1601.0) and policy.remaining_s(1601.0) == 0.0
    policy.unlock(1700.0)
    assert not policy.is_locked(1800.0)
    demo = SessionPolicy(idle_timeout_s=0, last_activity_s=0.0)
    assert not demo.is_locked(1e9) and demo.remaining_s(1e9) == float("inf")
