"""The event log is append-only on PostgreSQL (trigger + privileges); migration 0007 up/down; audit CLI; redaction."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from console.cli.main import main as cli_main
from console.domain.enums import Role
from console.security.privacy import mask_plate, redact
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.writer import Reporter
from console.storage import eventstore
from console.storage.db import Database, make_engine
from console.storage.migrations_api import alembic_config, upgrade
from tests.security.conftest import ZHONGSHAN_PARK, event_count, make_ctx


def _some_events(ctx: ServiceContext) -> str:
    svc = CaseService(ctx)
    case = svc.create_case(category="暴露垃圾", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1], source="hotline_12345",
                           actor=Actor(Role.CALL_TAKER, "ct"), reporter=Reporter("张三丰", "13812345678"))
    svc.act(case["id"], "accept", Actor(Role.CALL_TAKER, "ct"))
    return str(case["id"])


def test_plain_update_delete_truncate_are_refused_on_postgresql(pg_url: str) -> None:
    ctx = make_ctx(pg_url)
    try:
        _some_events(ctx)
        n = event_count(ctx)
        for sql in ("UPDATE events SET reason = 'edited' WHERE seq = 2", "DELETE FROM events WHERE seq = 2",
                    "DELETE FROM events", "TRUNCATE events"):
            with pytest.raises(DBAPIError) as err, ctx.db.session() as s:
                s.execute(text(sql))
            assert "append-only" in str(err.value), sql
        # the application role has no UPDATE/DELETE privilege either (when the migration could create it)
        with ctx.db.session() as s:
            has_role = s.execute(text("SELECT 1 FROM pg_roles WHERE rolname = 'urbanops_app'")).scalar()
            if has_role:
                privs = {p: s.execute(text(f"SELECT has_table_privilege('urbanops_app', 'events', '{p}')")).scalar()
                         for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")}
                assert privs == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False, "TRUNCATE": False}
        with ctx.db.read_session() as s:
            assert eventstore.last_seq(s) == n and eventstore.verify(s).ok
        _some_events(ctx)  # appending still works
        assert event_count(ctx) > n
    finally:
        ctx.db.dispose()


def test_0007_up_and_down(db_url: str) -> None:
    from alembic import command

    db = Database(make_engine(db_url))
    try:
        upgrade(db, "0006")
        assert "users" not in inspect(db.engine).get_table_names()
        upgrade(db, "0007")
        columns = {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert {"id", "username", "display_name", "password_hash", "roles", "active", "created_at"} <= columns
        cfg = alembic_config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
        assert "users" not in inspect(db.engine).get_table_names()
        if db.is_postgres:
            with db.engine.begin() as conn:  # trigger gone: the old schema allows what it allowed before
                assert conn.execute(text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'events_%'")).scalar() == 0
    finally:
        db.dispose()


def _cli(*argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out):
            code = cli_main(list(argv))
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue()


def test_cli_users_and_audit_views(sqlite_url: str) -> None:
    ctx = make_ctx(sqlite_url)
    case_id = _some_events(ctx)
    CaseService(ctx).get_case(case_id, unmask=True, actor=Actor(Role.SUPERVISOR, "du"))
    code, _ = _cli("user", "add", "root", "--role", "admin", "--as", "admin:root", "--password-stdin",
                   "--db", sqlite_url, stdin="pw-long-enough\n")  # the first account: --as is not checked yet
    assert code == 0
    code, _ = _cli("user", "add", "wang", "--role", "派遣员,shift_leader", "--name", "王伟", "--as", "admin:root",
                   "--password-stdin", "--db", sqlite_url, stdin="pw-long-enough\n")
    assert code == 0
    assert _cli("user", "add", "li", "--role", "dispatcher", "--as", "dispatcher:x", "--password-stdin",
                "--db", sqlite_url, stdin="pw-long-enough\n")[0] == 2  # not an admin
    code, out = _cli("user", "list", "--as", "admin:root", "--format", "json", "--db", sqlite_url)
    assert code == 0 and '"roles": [\n      "dispatcher",\n      "shift_leader"' in out
    assert _cli("user", "passwd", "wang", "--password-stdin", "--db", sqlite_url,
                stdin="pw-long-enough\nnew-pw-long-enough\n")[0] == 0
    assert _cli("user", "roles", "wang", "--set", "dispatcher", "--as", "admin:root", "--db", sqlite_url)[0] == 0
    assert _cli("user", "deactivate", "wang", "--as", "admin:root", "--reason", "调离", "--db", sqlite_url)[0] == 0
    code, out = _cli("user", "roles", "--format", "json")
    assert code == 0 and '"read_pii"' in out
    assert _cli("audit", "case", case_id, "--db", sqlite_url)[0] == 2  # default admin:cli is no account here
    code, out = _cli("audit", "case", case_id, "--as", "admin:root", "--db", sqlite_url)
    assert code == 0 and "accept" in out and "pii_read" in out and "supervisor:du" in out
    code, out = _cli("audit", "pii", "--since", "2000-01-01", "--format", "json", "--as", "admin:root",
                     "--db", sqlite_url)
    assert code == 0 and '"actor": "du"' in out and "13812345678" not in out
    assert _cli("audit", "pii", "--since", "yesterday", "--as", "admin:root", "--db", sqlite_url)[0] == 2
    assert _cli("audit", "case", case_id, "--as", "dispatcher:d", "--db", sqlite_url)[0] == 2
    ctx.db.dispose()


def test_redaction_by_role() -> None:
    assert mask_plate("沪A12323") == "沪A·***23" and mask_plate("沪A·D12345") == "沪A·***45" and mask_plate("") == ""
    case = {"id": "CN1", "reporter": {"name": "张三丰", "phone": "13812345678", "masked": False},
            "extra": {"plate": "沪A12323", "nested": [{"recognized_license_plate": "苏E88888"}]}}
    for_dispatcher = redact(case, Actor(Role.DISPATCHER, "d"))
    assert for_dispatcher["reporter"] == {"name": "张**", "phone": "138****5678", "masked": True}
    assert for_dispatcher["extra"] == {"plate": "沪A·***23", "nested": [{"recognized_license_plate": "苏E·***88"}]}
    for_legal = redact(case, Actor(Role.LEGAL_REVIEWER, "l"))
    assert for_legal["extra"]["plate"] == "沪A12323" and for_legal["reporter"]["masked"]
    assert redact(case, Actor(Role.CALL_TAKER, "c"))["reporter"]["phone"] == "13812345678"
    assert case["reporter"]["phone"] == "13812345678"  # the input is not modified
