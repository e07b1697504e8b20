"""Sign-in rules shared by the console and the CLI: ``--as`` checked against the accounts, reference-data
permission in the one write path, the idle-lock configuration."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr

import pytest

from console.cli.main import main as cli_main
from console.domain.enums import Role
from console.errors import PermissionDeniedError
from console.security.accounts import AccountService
from console.security.session import configured_idle_timeout_s
from console.security.signin import (
    DEMO_PASSWORD,
    DEMO_USERNAME,
    accounts_exist,
    ensure_demo_account,
    resolve_actor,
)
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from tests.security.conftest import ADMIN, FAST_POLICY, ZHONGSHAN_PARK, event_count, make_ctx


def _cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        with redirect_stderr(err):
            code = cli_main(list(argv))
    finally:
        sys.stdin = old_stdin
    return code, err.getvalue()


def test_cli_as_is_free_without_accounts_and_checked_once_they_exist(sqlite_url: str) -> None:
    ctx = make_ctx(sqlite_url)
    new_case = ("case", "new", "--db", sqlite_url, "--category", "暴露垃圾", "--lon", str(ZHONGSHAN_PARK[0]),
                "--lat", str(ZHONGSHAN_PARK[1]), "--source", "inspector", "--format", "json")
    assert not accounts_exist(ctx.db)
    assert _cli(*new_case, "--as", "监督员:anyone")[0] == 0  # no accounts: the demo/bootstrap behaviour
    accounts = AccountService(ctx, FAST_POLICY)
    accounts.create_user("zhao", "long-enough-pw", ["inspector", "call_taker"], ADMIN)
    accounts.create_user("qian", "long-enough-pw", ["inspector"], ADMIN)
    accounts.deactivate("qian", ADMIN, reason="调离")
    assert accounts_exist(ctx.db)
    before = event_count(ctx)
    code, err = _cli(*new_case, "--as", "监督员:nobody")
    assert code == 2 and "nobody" in err and "不存在" in err and "unknown user" in err
    code, err = _cli(*new_case, "--as", "监督员:qian")
    assert code == 2 and "已停用" in err and "deactivated" in err
    code, err = _cli(*new_case, "--as", "值班长:zhao")
    assert code == 2 and "没有“值班长”岗位" in err and "does not hold role shift_leader" in err
    assert event_count(ctx) == before  # refusals write nothing
    assert _cli(*new_case, "--as", "监督员:zhao")[0] == 0
    assert _cli(*new_case, "--as", "受理员:zhao")[0] == 0
    assert event_count(ctx) == before + 2
    ctx.db.dispose()


def test_resolve_actor_checks_role_user_and_activity(ctx: ServiceContext) -> None:
    assert resolve_actor(ctx.db, "dispatcher:ghost") == Actor(Role.DISPATCHER, "ghost")  # no accounts yet
    accounts = AccountService(ctx, FAST_POLICY)
    accounts.create_user("wang", "long-enough-pw", ["派遣员"], ADMIN)
    assert resolve_actor(ctx.db, "派遣员:wang") == Actor(Role.DISPATCHER, "wang")
    for text in ("dispatcher:ghost", "值班长:wang", "admin:root"):
        with pytest.raises(PermissionDeniedError):
            resolve_actor(ctx.db, text)


def test_demo_account_is_created_only_on_an_empty_users_table(ctx: ServiceContext) -> None:
    assert ensure_demo_account(ctx, FAST_POLICY) is True
    account = AccountService(ctx, FAST_POLICY).authenticate(DEMO_USERNAME, DEMO_PASSWORD)
    assert Role.ADMIN in account.roles and Role.DISPATCHER in account.roles and Role.SYSTEM not in account.roles
    assert ensure_demo_account(ctx, FAST_POLICY) is False


def test_reference_data_needs_manage_reference_but_operational_updates_do_not(ctx: ServiceContext) -> None:
    def upsert(entity: str, eid: str, fields: dict[str, object], actor: Actor, action: str | None = None) -> None:
        with ctx.db.session() as s:
            w = CaseWriter(s, ctx)
            w.upsert_entity(entity, eid, fields, actor, action=action)
            w.flush()

    before = event_count(ctx)
    with pytest.raises(PermissionDeniedError):
        upsert("squad", "SQ001", {"name": "改名中队"}, Actor(Role.DISPATCHER, "wang"))
    with pytest.raises(PermissionDeniedError):  # an officer may not edit their own record
        upsert("officer", "OF1", {"name": "假名"}, Actor(Role.HANDLER, "OF1"))
    with pytest.raises(PermissionDeniedError):
        upsert("camera", "CAM9", {"name": "新摄像头"}, Actor(Role.SHIFT_LEADER, "zb"), action="create")
    assert event_count(ctx) == before
    upsert("officer", "OF1", {"status": "off_duty"}, Actor(Role.HANDLER, "OF1"), action="status")
    upsert("squad", "SQ001", {"name": "改名中队"}, ADMIN)
    assert event_count(ctx) == before + 2


def test_idle_timeout_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("URBANOPS_IDLE_LOCK_S", raising=False)
    assert configured_idle_timeout_s() == 600.0
    monkeypatch.setenv("URBANOPS_IDLE_LOCK_S", "30")
    assert configured_idle_timeout_s() == 30.0
    assert configured_idle_timeout_s(5) == 5.0
    monkeypatch.setenv("URBANOPS_IDLE_LOCK_S", "soon")
    assert configured_idle_timeout_s() == 600.0
