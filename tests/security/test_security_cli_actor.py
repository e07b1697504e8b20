"""Every CLI command that acts on the database checks ``--as`` the same way (``console.cli.acting.acting_as``): on a
database with accounts an unknown user, a deactivated user, a role the user does not hold, or a role without the
operation's permission is refused with a zh + en message and exit 2, before anything is read or written."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from console.cli.main import main as cli_main
from console.security.accounts import AccountService
from console.services.context import ServiceContext
from tests.security.conftest import ADMIN, FAST_POLICY, ZHONGSHAN_PARK, event_count, make_ctx

ROOT = Path(__file__).resolve().parents[2]


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO("long-enough-pw\nlong-enough-pw\n")
    try:
        with redirect_stderr(err), redirect_stdout(out):
            code = cli_main(list(argv))
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def accounts_db(sqlite_url: str, tmp_path: Path) -> tuple[ServiceContext, str]:
    ctx = make_ctx(sqlite_url)
    accounts = AccountService(ctx, FAST_POLICY)
    accounts.create_user("root", "long-enough-pw", ["admin"], ADMIN)
    accounts.create_user("zhou", "long-enough-pw", ["shift_leader", "trainer"], ADMIN)
    accounts.create_user("li", "long-enough-pw", ["call_taker", "handler"], ADMIN)
    accounts.create_user("qian", "long-enough-pw", ["trainer", "admin", "dispatcher"], ADMIN)
    accounts.deactivate("qian", ADMIN, reason="调离")
    yield ctx, sqlite_url  # type: ignore[misc]
    ctx.db.dispose()


def _commands(tmp: Path) -> list[tuple[tuple[str, ...], str | None]]:
    """(argv without --db/--as, a role li holds that lacks the permission; None: the service's own table decides)."""
    table = tmp / "rows.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    return [
        (("training", "course", "add", "C1", "--title", "执法规范"), "call_taker"),
        (("training", "session", "add", "S1", "--course", "C1", "--at", "2026-11-23T09:00"), "call_taker"),
        (("training", "session", "attend", "S1", "OF1"), "handler"),
        (("roster", "generate", "--squad", "SQ001", "--from", "2026-11-23", "--pattern", "four_team"), "call_taker"),
        (("roster", "import", str(table)), "call_taker"),
        (("personnel", "import", str(table)), "call_taker"),
        (("personnel", "export", str(tmp / "people.csv")), "handler"),
        (("personnel", "deactivate", "OF1", "--reason", "调离"), "call_taker"),
        (("personnel", "list"), None),
        (("assign", "CN2026112300001", "--to", "OF1"), "call_taker"),
        (("case", "new", "--category", "暴露垃圾", "--lon", str(ZHONGSHAN_PARK[0]), "--lat", str(ZHONGSHAN_PARK[1]),
          "--source", "inspector"), "handler"),
        (("case", "act", "CN2026112300001", "assign", "--to", "OF1"), "call_taker"),
        (("user", "add", "newbie", "--role", "dispatcher", "--password-stdin"), "call_taker"),
        (("user", "deactivate", "zhou", "--reason", "x"), "call_taker"),
        (("audit", "case", "CN2026112300001"), "call_taker"),
        (("note", "CN2026112300001", "--text", "hi"), None),
        (("registry", "import", str(table)), "call_taker"),
        (("registry", "show", "沪A12345"), None),
        (("evidence", "export", "CN2026112300001", "--out", str(tmp / "pack")), "call_taker"),
    ]


def _ids() -> list[str]:
    return [" ".join(argv[:2]) for argv, _ in _commands(Path("/tmp"))]


@pytest.mark.parametrize("index", range(len(_ids())), ids=_ids())
def test_every_acting_command_refuses_bad_actors_before_doing_anything(
        accounts_db: tuple[ServiceContext, str], tmp_path: Path, index: int) -> None:
    ctx, url = accounts_db
    argv, denied_role = _commands(tmp_path)[index]
    before = event_count(ctx)
    refusals = [("trainer:nobody", ("用户 nobody 不存在", "unknown user nobody")),
                ("trainer:qian", ("已停用", "deactivated")),
                ("dispatcher:zhou", ("没有“派遣员”岗位", "does not hold role dispatcher"))]
    if denied_role is not None:
        refusals.append((f"{denied_role}:li", ("无权执行", "may not")))
    for actor, (zh, en) in refusals:
        code, _out, err = _cli(*argv, "--db", url, "--as", actor)
        assert code == 2, (argv, actor, err)
        assert zh in err and en in err and "错误：" in err, (argv, actor, err)
    assert event_count(ctx) == before  # nothing written, not even an audit event
    assert not (tmp_path / "people.csv").exists() and not (tmp_path / "pack").exists()


def test_permitted_actors_still_act(accounts_db: tuple[ServiceContext, str]) -> None:
    ctx, url = accounts_db
    before = event_count(ctx)
    assert _cli("training", "course", "add", "C1", "--title", "执法规范", "--db", url, "--as", "trainer:zhou")[0] == 0
    assert _cli("training", "session", "add", "S1", "--course", "C1", "--at", "2026-11-23T09:00", "--db", url,
                "--as", "shift_leader:zhou")[0] == 0
    assert _cli("personnel", "deactivate", "OF1", "--reason", "调离", "--db", url, "--as", "admin:root")[0] == 0
    assert event_count(ctx) >= before + 3


def test_a_real_process_exits_non_zero_with_the_message(accounts_db: tuple[ServiceContext, str]) -> None:
    _ctx, url = accounts_db
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for actor, expected in (("trainer:ghost", "unknown user ghost"), ("call_taker:li", "may not manage_training")):
        proc = subprocess.run([sys.executable, "-m", "console.cli.main", "training", "course", "add", "C9",
                               "--title", "x", "--db", url, "--as", actor],
                              capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
        assert proc.returncode == 2 and expected in proc.stderr and proc.stdout == "", proc.stderr
