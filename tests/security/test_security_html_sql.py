"""Hostile input at the HTTP edge and in the code: script payloads in every field of the QR form come back escaped,
uploads are size- and type-checked (nothing stored when refused), and SQL is only ever built with bound parameters
(an AST check over console/)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from console.feeds.http_gateway import GatewayHTTPServer, serve
from console.feeds.open311 import Open311Config
from console.feeds.qr import png_bytes, qr_matrix
from console.feeds.qr_form import MAX_PHOTO_BYTES
from console.services.clock import SystemClock
from console.services.context import ServiceContext
from console.storage.db import Database, make_engine
from console.storage.migrations_api import upgrade
from tests.open311.conftest import seed

PAYLOADS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "'><svg/onload=alert(1)>",
            "</textarea><script>alert(1)</script>", "javascript:alert(1)//<b>"]
PNG = png_bytes(qr_matrix("photo"), scale=2)


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    d = tmp_path_factory.mktemp("gw_html")
    db = Database(make_engine(f"sqlite:///{d / 'gw.db'}"))
    upgrade(db)
    ctx = ServiceContext(db, clock=SystemClock())
    seed(db, ctx)
    media = d / "media"
    server: GatewayHTTPServer = serve(ctx, "127.0.0.1", 0, config=Open311Config(anonymous_limit=10**6),
                                      media_dir=media)
    host, port = server.server_address[:2]
    yield f"http://{host!s}:{port}", media
    server.shutdown()
    db.dispose()


def _stored(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_payloads_in_every_form_field_come_back_escaped(gw: tuple[str, Path], payload: str) -> None:
    base, _ = gw
    # An error re-shows the form with the values the resident typed: every one of them must be inert text.
    r = requests.post(f"{base}/qr/WR001", data={"service_code": payload, "description": payload,
                                                "location": "phone", "lat": payload, "lon": payload}, timeout=10)
    assert r.status_code == 400 and r.headers["Content-Type"].startswith("text/html")
    assert payload not in r.text
    assert any(escaped in r.text for escaped in ("&lt;", "&quot;&gt;", "&#x27;&gt;"))  # shown back, as text
    assert "<script" not in r.text.lower() and "<img" not in r.text.lower() and "<svg" not in r.text.lower()
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    # A valid submission with a hostile description: the done page and the status page escape it too.
    ok = requests.post(f"{base}/qr/WR001", data={"service_code": "E0104", "description": payload}, timeout=10)
    assert ok.status_code == 200 and payload not in ok.text and "<script" not in ok.text.lower()
    status = requests.get(f"{base}/qr/status", params={"id": payload}, timeout=10)
    assert payload not in status.text and "<script" not in status.text.lower()
    wrong_room = requests.get(f"{base}/qr/{requests.utils.quote(payload, safe='')}", timeout=10)
    assert wrong_room.status_code in (400, 404) and payload not in wrong_room.text


def test_uploads_are_size_and_type_checked(gw: tuple[str, Path]) -> None:
    base, media = gw
    before = _stored(media)
    fields = {"service_code": "E0104", "description": "照片测试"}
    for name, data, ctype in (("x.png", b"<html><script>alert(1)</script></html>", "image/png"),  # HTML as "png"
                              ("x.gif", b"GIF89a" + b"\x00" * 64, "image/gif"),  # not an accepted type
                              ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/svg+xml"),
                              ("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_PHOTO_BYTES + 10), "image/png")):
        r = requests.post(f"{base}/qr/WR001", data=fields, files={"photo": (name, data, ctype)}, timeout=30)
        assert r.status_code == 400, (name, r.status_code)
        assert "<script" not in r.text.lower()
    assert _stored(media) == before  # nothing refused was written
    ok = requests.post(f"{base}/qr/WR001", data=fields, files={"photo": ("p.png", PNG, "image/png")}, timeout=10)
    assert ok.status_code == 200 and len(_stored(media)) == len(before) + 1
    huge = requests.post(f"{base}/open311/v2/requests.json", data=b"x" * (MAX_PHOTO_BYTES * 3),
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert huge.status_code == 400


# ------------------------------------------------------------------------------------------------ SQL
ROOT = Path(__file__).resolve().parents[2] / "console"
SQL_WORDS = ("select ", "insert ", "update ", "delete ", " where ", "create ", "drop ", "alter ", "grant ",
             "revoke ", "truncate ")
EXECUTORS = {"text", "execute", "exec_driver_sql", "executemany", "executescript"}


def _is_sqlish(node: ast.AST) -> bool:
    """A string built at run time (f-string with values, %, .format, +) whose literal parts read like SQL."""
    parts: list[str] = []
    values = [v.value for v in getattr(node, "values", []) if isinstance(v, ast.FormattedValue)]
    if isinstance(node, ast.JoinedStr) and values and all(isinstance(v, ast.Name) and v.id.isupper() for v in values):
        return False  # only MODULE_CONSTANTS interpolated (table names): no run-time value reaches the SQL
    if isinstance(node, ast.JoinedStr) and values:
        parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        parts = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
          and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
        parts = [node.func.value.value]
    text = " ".join(parts).lower()
    return any(w in text for w in SQL_WORDS)


def _sql_sinks() -> list[tuple[str, int, str]]:
    """Calls of text()/execute()/exec_driver_sql()/... whose SQL argument is built from run-time values."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in EXECUTORS and _is_sqlish(node.args[0]):
                found.append((str(path.relative_to(ROOT.parent)), node.lineno, ast.unparse(node.args[0])[:100]))
    return found


# Reviewed exceptions: identifiers that cannot be bound as parameters, all from code constants or validated names,
# never from user input. A new entry needs a reason here.
ALLOWED = {
    "console/storage/migrations/versions/0007_security.py",  # role and table names are module constants
    "console/services/outbox.py",  # the WHERE clause is one of three literals chosen in code; values are bound
}


def test_sql_is_only_built_with_bound_parameters() -> None:
    offenders = [f for f in _sql_sinks() if f[0] not in ALLOWED and not f[0].startswith("console/storage/migrations/")]
    assert not offenders, "SQL built from run-time strings (bind parameters instead):\n" + "\n".join(
        f"{p}:{n}: {src}" for p, n, src in offenders)


def test_the_sql_check_catches_string_formatted_sql(tmp_path: Path) -> None:
    bad = ast.parse('conn.execute(text(f"SELECT * FROM cases WHERE id = \'{case_id}\'"))\n'
                    'cur.execute("DELETE FROM users WHERE name = %s" % name)\n'
                    'cur.execute("UPDATE t SET a = {}".format(v))\n'
                    'conn.execute(text("SELECT 1 WHERE id = :id"), {"id": case_id})\n')
    calls = [n for n in ast.walk(bad) if isinstance(n, ast.Call) and n.args
             and (getattr(n.func, "attr", None) or getattr(n.func, "id", "")) in EXECUTORS]
    flagged = [ast.unparse(c.args[0])[:20] for c in calls if _is_sqlish(c.args[0])]
    assert len(flagged) == 3  # the three formatted ones; the bound-parameter one passes
