"""CLI: ``urbanops handover`` (JSON and PDF), notes, notices and the workstation check on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli.main import main
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from tests.collab.conftest import DISPATCHER
from tests.dispatch.conftest import file_case


@pytest.fixture
def cli_ctx(sqlite_url: str) -> ServiceContext:
    from console.services.clock import SystemClock
    from console.storage.db import Database, make_engine
    from console.storage.migrations_api import upgrade
    from tests.dispatch.conftest import build_world

    db = Database(make_engine(sqlite_url))
    upgrade(db)
    ctx = ServiceContext(db, clock=SystemClock())
    build_world(ctx)
    return ctx


def test_handover_json_and_pdf(cli_ctx: ServiceContext, sqlite_url: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    from console.domain.enums import Role
    from console.services.actor import Actor

    cid = file_case(cli_ctx)
    with cli_ctx.db.session() as s:
        w = CaseWriter(s, cli_ctx)
        w.act(cid, "supervise", Actor(Role.SUPERVISOR, "dc"), reason="群众反复投诉")
        w.flush()
    assert main(["handover", "--db", sqlite_url, "--format", "json"]) == 0
    digest = json.loads(capsys.readouterr().out)
    assert cid in [i["case_id"] for i in digest["open_cases"]]
    assert [i["case_id"] for i in digest["escalated"]] == [cid]
    out = tmp_path / "handover.pdf"
    start = digest["shift"]["start_utc"]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime.fromisoformat(start).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
    assert main(["handover", "--db", sqlite_url, "--shift", local, "--out", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-" and out.stat().st_size > 5_000
    assert main(["handover", "--db", sqlite_url, "--shift", "2026-11-23T09:17"]) == 2
    assert "not a shift start" in capsys.readouterr().err


def test_note_notice_and_workstation_cli(cli_ctx: ServiceContext, sqlite_url: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("URBANOPS_ATTACHMENTS_DIR", str(tmp_path / "att"))
    cid = file_case(cli_ctx)
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    assert main(["note", "--db", sqlite_url, cid, "--text", "@华阳路中队 请协助", "--attach", str(photo),
                 "--as", str(DISPATCHER)]) == 0
    note = json.loads(capsys.readouterr().out)
    assert note["attachments"][0]["mime"] == "image/jpeg"
    assert main(["note", "--db", sqlite_url, cid, "--text", "@谁也不是", "--as", str(DISPATCHER)]) == 2
    assert "unknown mention" in capsys.readouterr().err
    assert main(["inbox", "--db", sqlite_url, "SQ001", "--format", "json"]) == 0
    assert [m["note_id"] for m in json.loads(capsys.readouterr().out)] == [note["id"]]
    assert main(["notice", "post", "--db", sqlite_url, "防汛预警", "--level", "urgent", "--as", "值班长:zb"]) == 0
    capsys.readouterr()
    assert main(["notice", "list", "--db", sqlite_url, "--format", "json"]) == 0
    assert [n["title"] for n in json.loads(capsys.readouterr().out)] == ["防汛预警"]
    assert main(["workstation", "escalate", "--db", sqlite_url]) == 0
    assert json.loads(capsys.readouterr().out) == {"opened": [], "closed": [], "annotated": [], "escalated": []}
