"""Who sits at the console when it starts: the demo user (no accounts, no ``--sign-in``) or a signed-in account."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from PySide6.QtWidgets import QDialog

from console.errors import DomainError
from console.security.accounts import AccountService
from console.security.signin import (
    DEMO_PASSWORD,
    DEMO_SESSION,
    DEMO_USERNAME,
    SignedIn,
    accounts_exist,
    ensure_demo_account,
)
from console.services.context import ServiceContext
from console.storage.db import Database, check_reachable, make_engine
from widgets.security.signin_dialog import SignInDialog


@dataclass
class StartSession:
    session: SignedIn
    accounts: AccountService | None


def sign_in_at_start(db_url: str, force_sign_in: bool) -> StartSession | None:
    """Ask for a sign-in when the database has accounts or ``--sign-in`` was given; None when the person cancels
    or the database cannot be reached (the message is printed: nothing opens without knowing who is at the desk)."""
    from console.storage.migrations_api import upgrade

    try:
        db = Database(make_engine(db_url))
        check_reachable(db.engine)
        if not force_sign_in and not accounts_exist(db):
            db.dispose()
            return StartSession(DEMO_SESSION, None)
        upgrade(db)
        ctx = ServiceContext(db)
        created = ensure_demo_account(ctx) if force_sign_in else False
    except DomainError as exc:
        print(f"错误：{exc.message_zh}\nerror: {exc.message_en}", file=sys.stderr)
        return None
    accounts = AccountService(ctx)
    hint = ""
    if created:
        hint = f"已创建演示账号 / demo account created: {DEMO_USERNAME} / {DEMO_PASSWORD}"
    dialog = SignInDialog(accounts, username=DEMO_USERNAME if created else "", hint=hint)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.signed_in is None:
        return None
    return StartSession(dialog.signed_in, accounts)
