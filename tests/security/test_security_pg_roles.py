"""Per-user PostgreSQL roles on the real server: a private database per test (``pg_url``) and role names with a
unique prefix (roles are cluster-wide), all dropped at the end."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from console.domain.enums import Role
from console.errors import ValidationError
from console.security.accounts import AccountService
from console.security.pg_roles import PgRoleNames, PgUserRoles, scram_sha256_verifier
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from tests.security.conftest import ADMIN, FAST_POLICY, ZHONGSHAN_PARK, make_ctx

PASSWORD = "long-enough-pw"


@pytest.fixture
def pg_roles_ctx(pg_url: str) -> Iterator[tuple[ServiceContext, AccountService, PgRoleNames, str]]:
    ctx = make_ctx(pg_url)
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    names = PgRoleNames(login_prefix=prefix + "uo_", group_prefix=prefix)
    accounts = AccountService(ctx, FAST_POLICY, db_roles=PgUserRoles(names))
    try:
        yield ctx, accounts, names, pg_url
    finally:
        ctx.db.dispose()
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            roles = [r[0] for r in conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
                                                {"p": prefix + "%"})]
            for name in roles:  # sessions first, then privileges in this database, then the role itself
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :n"),
                             {"n": name})
            for name in roles:
                conn.execute(text(f'DROP OWNED BY "{name}"'))
            for name in sorted(roles, key=lambda n: "_uo_" not in n):  # members before their groups
                conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
            left = conn.execute(text("SELECT count(*) FROM pg_roles WHERE rolname LIKE :p"),
                                {"p": prefix + "%"}).scalar()
        admin.dispose()
        assert left == 0


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role, password=PASSWORD).render_as_string(hide_password=False)


def _members(ctx: ServiceContext, login: str) -> set[str]:
    with ctx.db.read_session() as s:
        return set(s.scalars(text("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                                  "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :n"), {"n": login}))


def test_user_role_reads_appends_never_rewrites_and_is_disabled_with_the_account(pg_roles_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, accounts, names, url = pg_roles_ctx
    CaseService(ctx).create_case(category="暴露垃圾", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1],
                                 source="inspector", actor=Actor(Role.INSPECTOR, "zhao"))
    accounts.create_user("wang", PASSWORD, ["dispatcher"], ADMIN)
    login = names.login("wang")
    assert login.endswith("uo_wang")
    assert _members(ctx, login) == {names.group(Role.DISPATCHER)}
    with ctx.db.read_session() as s:
        verifier = s.scalar(text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": login})
        attrs = s.execute(text("SELECT rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = :n"),
                          {"n": login}).one()
    assert str(verifier).startswith("SCRAM-SHA-256$4096:") and PASSWORD not in str(verifier)
    assert tuple(attrs) == (True, False, False)

    engine = create_engine(_as(url, login), pool_pre_ping=False)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar() == login
            assert conn.execute(text("SELECT count(*) FROM events")).scalar() > 0
            assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 1
            assert conn.execute(text("SELECT username FROM users WHERE username = 'wang'")).scalar() == "wang"
        for sql in ("SELECT password_hash FROM users", "UPDATE events SET reason = 'edited'", "DELETE FROM events",
                    "TRUNCATE events", "INSERT INTO users (username) VALUES ('x')"):
            with pytest.raises(DBAPIError) as err, engine.begin() as conn:
                conn.execute(text(sql))
            assert "permission denied" in str(err.value) or "append-only" in str(err.value), sql
        with engine.connect() as conn:
            for priv in ("UPDATE", "DELETE", "TRUNCATE"):
                assert conn.execute(text(f"SELECT has_table_privilege('events', '{priv}')")).scalar() is False
            assert conn.execute(text("SELECT has_table_privilege('events', 'INSERT')")).scalar() is True
    finally:
        engine.dispose()

    accounts.set_roles("wang", ["call_taker", "shift_leader"], ADMIN)
    assert _members(ctx, login) == {names.group(Role.CALL_TAKER), names.group(Role.SHIFT_LEADER)}

    accounts.deactivate("wang", ADMIN, reason="调离")
    engine = create_engine(_as(url, login))
    try:
        with pytest.raises(OperationalError) as err, engine.connect():
            pass
        assert "not permitted to log in" in str(err.value)
    finally:
        engine.dispose()
    accounts.reactivate("wang", ADMIN)
    engine = create_engine(_as(url, login))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_admin_group_may_manage_users_and_others_may_not(pg_roles_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, accounts, names, _url = pg_roles_ctx
    accounts.create_user("root", PASSWORD, ["admin"], ADMIN)
    with ctx.db.read_session() as s:
        def priv(role: Role, what: str) -> bool:
            return bool(s.scalar(text("SELECT has_table_privilege(:r, 'users', :p)"),
                                 {"r": names.group(role), "p": what}))

        def column(role: Role, col: str) -> bool:
            return bool(s.scalar(text("SELECT has_column_privilege(:r, 'users', :c, 'SELECT')"),
                                 {"r": names.group(role), "c": col}))

        assert priv(Role.ADMIN, "UPDATE") and not priv(Role.DISPATCHER, "UPDATE")
        assert column(Role.ADMIN, "password_hash") and not column(Role.DISPATCHER, "password_hash")
        assert column(Role.DISPATCHER, "username")
        for role in (Role.ADMIN, Role.DISPATCHER, Role.TRAINER):
            assert not s.scalar(text("SELECT has_table_privilege(:r, 'events', 'UPDATE') "
                                     "OR has_table_privilege(:r, 'events', 'DELETE')"), {"r": names.group(role)})


def test_bad_names_and_hostile_identifiers_are_safe(pg_roles_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, accounts, names, _url = pg_roles_ctx
    with pytest.raises(ValidationError):  # would be silently truncated by PostgreSQL
        accounts.create_user("x" * 60, PASSWORD, ["dispatcher"], ADMIN)
    hostile = 'a";DROP-TABLE.events--'[:20]
    with pytest.raises(ValidationError):  # the account rules refuse quotes and semicolons before any SQL
        accounts.create_user(hostile, PASSWORD, ["dispatcher"], ADMIN)
    accounts.create_user("li.na-2", PASSWORD, ["inspector"], ADMIN)  # dots and dashes: quoted identifier
    with ctx.db.read_session() as s:
        assert s.scalar(text("SELECT count(*) FROM events")) > 0
        assert s.scalar(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"), {"n": names.login("li.na-2")})


def test_scram_verifier_matches_the_rfc_7677_example() -> None:
    """RFC 7677 §3 exchange (user/pencil, salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations): the stored and server keys
    of our verifier reproduce the RFC's server signature and accept its client proof."""
    import base64
    import hashlib
    import hmac

    v = scram_sha256_verifier("pencil", salt=base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ=="))
    assert v.startswith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$")
    stored, server = (base64.b64decode(x) for x in v.split("$", 2)[2].split(":"))
    nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    auth = f"n=user,r=rOprNGfwEbeRWgbNEkqO,r={nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r={nonce}".encode()
    assert base64.b64encode(hmac.new(server, auth, "sha256").digest()) == b"6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
    proof = base64.b64decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
    client_key = bytes(a ^ b for a, b in zip(hmac.new(stored, auth, "sha256").digest(), proof, strict=True))
    assert hashlib.sha256(client_key).digest() == stored


def test_sqlite_refuses_the_option(sqlite_url: str) -> None:
    ctx = make_ctx(sqlite_url)
    try:
        with pytest.raises(ValidationError):
            AccountService(ctx, FAST_POLICY, db_roles=PgUserRoles())
    finally:
        ctx.db.dispose()


def test_cli_pg_role_option_creates_and_disables_the_role(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.security.test_security_cli_actor import _cli

    prefix = f"t{uuid.uuid4().hex[:8]}_"
    monkeypatch.setenv("URBANOPS_PG_LOGIN_PREFIX", prefix + "uo_")
    monkeypatch.setenv("URBANOPS_PG_GROUP_PREFIX", prefix)
    ctx = make_ctx(pg_url)
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        assert _cli("user", "add", "root", "--role", "admin", "--as", "admin:root", "--db", pg_url,
                    "--password-stdin", "--pg-role")[0] == 0
        assert _cli("user", "add", "wang", "--role", "派遣员", "--as", "admin:root", "--db", pg_url,
                    "--password-stdin")[0] == 0  # without the option (and the environment): no database role
        with admin.connect() as conn:
            def can_login(name: str) -> bool | None:
                return conn.execute(text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"),
                                    {"n": prefix + "uo_" + name}).scalar()

            assert can_login("root") is True and can_login("wang") is None
            assert _cli("user", "roles", "wang", "--set", "dispatcher,值班长", "--as", "admin:root", "--db", pg_url,
                        "--pg-role")[0] == 0
            assert can_login("wang") is True
            assert _cli("user", "deactivate", "wang", "--as", "admin:root", "--db", pg_url, "--pg-role")[0] == 0
            assert can_login("wang") is False
    finally:
        ctx.db.dispose()
        with admin.connect() as conn:
            roles = list(conn.scalars(text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"), {"p": prefix + "%"}))
            for name in roles:
                conn.execute(text(f'DROP OWNED BY "{name}"'))
            for name in sorted(roles, key=lambda n: "_uo_" not in n):
                conn.execute(text(f'DROP ROLE "{name}"'))
        admin.dispose()
