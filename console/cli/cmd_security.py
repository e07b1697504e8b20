"""``urbanops user add|list|passwd|deactivate|roles`` and ``urbanops audit case|pii``: accounts and audit views.

Passwords never go on the command line: they are read with ``getpass`` or, for scripts, from stdin
(``--password-stdin``: one line per password asked).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from console.cli.output import print_json, print_table
from console.errors import ValidationError

DEFAULT_AUDITOR = "admin:cli"  # whoever holds the database URL administers it; named in no event (views only read)


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database URL (default: $URBANOPS_DB, else the user data SQLite file)")


def _add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["table", "json"], default="table")


def _add_pw(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true", help="read password(s) from stdin, one per line")


def register(sub: Any) -> None:
    user = sub.add_parser("user", help="local accounts: add, list, passwords, deactivation, roles (admin)")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION")

    p = actions.add_parser("add", help="create an account")
    _add_db(p)
    p.add_argument("username")
    p.add_argument("--role", dest="roles", action="append", required=True,
                   help="role id or Chinese post name (repeat or comma-separate for several)")
    p.add_argument("--name", dest="display_name", help="display name (e.g. 王伟)")
    p.add_argument("--as", dest="actor", required=True, metavar="admin:USER")
    _add_pw(p)
    _add_pg_role(p)
    p.set_defaults(handler=user_add)

    p = actions.add_parser("list", help="list accounts")
    _add_db(p)
    p.add_argument("--as", dest="actor", required=True, metavar="admin:USER")
    _add_format(p)
    p.set_defaults(handler=user_list)

    p = actions.add_parser("passwd", help="change your password, or (with --as admin:USER) reset someone's")
    _add_db(p)
    p.add_argument("username")
    p.add_argument("--as", dest="actor", metavar="admin:USER", help="reset as an administrator (clears lockout)")
    p.add_argument("--reason")
    _add_pw(p)
    _add_pg_role(p)
    p.set_defaults(handler=user_passwd)

    p = actions.add_parser("deactivate", help="deactivate an account (kept for the audit trail)")
    _add_db(p)
    p.add_argument("username")
    p.add_argument("--as", dest="actor", required=True, metavar="admin:USER")
    p.add_argument("--reason")
    _add_pg_role(p)
    p.set_defaults(handler=user_deactivate)

    p = actions.add_parser("roles", help="set a user's roles (--set), or print the permission matrix")
    _add_db(p)
    p.add_argument("username", nargs="?")
    p.add_argument("--set", dest="roles", help="comma-separated roles, e.g. dispatcher,值班长")
    p.add_argument("--as", dest="actor", metavar="admin:USER")
    _add_format(p)
    _add_pg_role(p)
    p.set_defaults(handler=user_roles)

    audit = _audit_actions(sub)
    p = audit.add_parser("case", help="who did what to a case and when (incl. who read its personal data)")
    _add_db(p)
    p.add_argument("case_id")
    p.add_argument("--as", dest="actor", default=DEFAULT_AUDITOR, metavar="ROLE:USER")
    _add_format(p)
    p.set_defaults(handler=audit_case)
    p = audit.add_parser("pii", help="who looked at or exported personal data")
    _add_db(p)
    p.add_argument("--since", help="ISO date/time (UTC unless it has an offset) or Nd / Nh (e.g. 7d)")
    p.add_argument("--case", dest="case_id")
    p.add_argument("--user")
    p.add_argument("--as", dest="actor", default=DEFAULT_AUDITOR, metavar="ROLE:USER")
    _add_format(p)
    p.set_defaults(handler=audit_pii)


def _audit_actions(sub: Any) -> Any:
    """The ``audit`` group already exists (``audit verify`` in main.py): add to it."""
    parser = sub.choices.get("audit")
    if parser is None:
        parser = sub.add_parser("audit", help="audit trail")
        return parser.add_subparsers(dest="audit_command", metavar="ACTION")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="audit_command", metavar="ACTION")


# ---------------------------------------------------------------------- helpers
def _add_pg_role(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pg-role", action="store_true",
                   help="PostgreSQL: also create/alter/disable the user's database LOGIN role uo_USER "
                        "(default: $URBANOPS_PG_USER_ROLES=1)")


def _accounts(ctx: Any, args: argparse.Namespace) -> Any:
    """The account service, keeping per-user database roles when ``--pg-role`` (or the environment) asks."""
    from console.security.accounts import AccountService
    from console.security.pg_roles import PgUserRoles

    return AccountService(ctx, db_roles=PgUserRoles() if getattr(args, "pg_role", False) else None)


def _context(db_url: str | None) -> Any:
    from console.services.context import ServiceContext
    from console.storage.db import open_database

    return ServiceContext(open_database(db_url))


def _actor(text: str, ctx: Any, *operations: str) -> Any:
    """``--as ROLE:USER``, checked against the accounts once the database has any (console.cli.acting)."""
    from console.cli.acting import acting_as

    return acting_as(ctx.db, text, *operations)


def _read_password(args: argparse.Namespace, prompt: str, *, confirm: bool = False) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise ValidationError("标准输入中没有密码", "no password on stdin")
        return line.rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("再次输入 / again: ") != first:
        raise ValidationError("两次输入的密码不一致", "the passwords do not match")
    return first


def _roles(values: list[str]) -> list[str]:
    return [r.strip() for v in values for r in v.replace("，", ",").split(",") if r.strip()]


def parse_since(text: str | None, now_utc: datetime | None = None) -> datetime | None:
    """``7d``, ``12h`` or an ISO date/time (naive = UTC)."""
    if not text:
        return None
    now = now_utc or datetime.now(UTC)
    t = text.strip()
    try:
        if t[-1:] in ("d", "h") and t[:-1].isdigit():
            n = int(t[:-1])
            return now - (timedelta(days=n) if t.endswith("d") else timedelta(hours=n))
        ts = datetime.fromisoformat(t.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise ValidationError(f"时间“{text}”无效（如 2026-11-28、2026-11-28T08:00+08:00、7d）",
                              f"invalid time {text!r} (e.g. 2026-11-28, 2026-11-28T08:00+08:00, 7d)") from None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


# ---------------------------------------------------------------------- handlers
def user_add(args: argparse.Namespace) -> int:

    ctx = _context(args.db)
    actor = _actor(args.actor, ctx, "manage_users")
    password = _read_password(args, "密码 / password: ", confirm=True)
    account = _accounts(ctx, args).create_user(args.username, password, _roles(args.roles), actor,
                                                            display_name=args.display_name)
    print(f"已创建用户 / created user {account.username} ({', '.join(r.value for r in account.roles)})")
    return 0


def user_list(args: argparse.Namespace) -> int:

    ctx = _context(args.db)
    users = _accounts(ctx, args).list_users(_actor(args.actor, ctx, "manage_users"))
    if args.format == "json":
        print_json([u.to_json() for u in users])
        return 0
    rows = [(u.username, u.display_name, "、".join(r.label_zh for r in u.roles), "是" if u.active else "否",
             u.failed_attempts, u.to_json()["locked_until"] or "") for u in users]
    print_table(rows, ["用户名", "姓名", "岗位", "启用", "失败次数", "锁定至"])
    return 0


def user_passwd(args: argparse.Namespace) -> int:

    ctx = _context(args.db)
    svc = _accounts(ctx, args)
    if args.actor:
        actor = _actor(args.actor, ctx, "manage_users")
        new = _read_password(args, f"{args.username} 的新密码 / new password: ", confirm=True)
        svc.reset_password(args.username, new, actor, reason=args.reason)
        print(f"已重置 / password reset for {args.username}")
        return 0
    old = _read_password(args, "原密码 / current password: ")
    new = _read_password(args, "新密码 / new password: ", confirm=True)
    svc.change_password(args.username, old, new)
    print(f"已修改 / password changed for {args.username}")
    return 0


def user_deactivate(args: argparse.Namespace) -> int:

    ctx = _context(args.db)
    _accounts(ctx, args).deactivate(args.username, _actor(args.actor, ctx, "manage_users"), reason=args.reason)
    print(f"已停用 / deactivated {args.username}")
    return 0


def user_roles(args: argparse.Namespace) -> int:
    from console.domain.enums import Role
    from console.security.permissions import default_registry

    if args.username:
        if not args.roles or not args.actor:
            raise ValidationError("设置岗位须同时给出 --set 和 --as", "setting roles needs --set and --as")
        ctx = _context(args.db)
        actor = _actor(args.actor, ctx, "manage_users")
        account = _accounts(ctx, args).set_roles(args.username, _roles([args.roles]), actor)
        print(f"{account.username}: {', '.join(r.value for r in account.roles)}")
        return 0
    matrix = default_registry().matrix()
    if args.format == "json":
        print_json(matrix)
        return 0
    roles = list(Role)
    print_table([[op, *("✓" if row[r.value] else "" for r in roles)] for op, row in matrix.items()],
                ["operation", *(r.label_zh for r in roles)])
    return 0


def audit_case(args: argparse.Namespace) -> int:
    from console.security.audit import AuditService

    ctx = _context(args.db)
    rows = AuditService(ctx).case_history(args.case_id, _actor(args.actor, ctx, "view_audit"))
    if not rows:
        raise ValidationError(f"案件 {args.case_id} 没有记录", f"no events for case {args.case_id}")
    return _print_audit(rows, args.format)


def audit_pii(args: argparse.Namespace) -> int:
    from console.security.audit import AuditService

    ctx = _context(args.db)
    rows = AuditService(ctx).pii_reads(_actor(args.actor, ctx, "view_audit"), since_utc=parse_since(args.since),
                                       case_id=args.case_id, user=args.user)
    return _print_audit(rows, args.format)


def _print_audit(rows: list[dict[str, Any]], fmt: str) -> int:
    if fmt == "json":
        print_json(rows)
        return 0
    print_table([(r["seq"], r["ts_local"], f"{r['role']}:{r['actor']}", r["action"], r["entity_id"],
                  ",".join(r["fields"] or r["changed"]), r["reason"] or "") for r in rows],
                ["seq", "时间(上海)", "操作人", "操作", "对象", "字段", "原因"])
    return 0
