"""Replay files carry the period's evidence: embedded after re-hashing, and checked by ``audit verify`` on the file."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from console.cli.main import main as cli_main
from console.evidence.store import EvidenceStore
from console.replay import ReplaySource
from console.replay.export import export_period
from console.services.context import ServiceContext

from .conftest import MONDAY_1000_LOCAL, base_url
from .test_evidence_pack import violating_case


def _export(ctx_url: str, out: Path, store_root: Path, **kw: Any) -> Any:
    src = ReplaySource.open(None, db_url=ctx_url)
    try:
        return export_period(src, MONDAY_1000_LOCAL - timedelta(hours=1), MONDAY_1000_LOCAL + timedelta(hours=2), out,
                             evidence_store=EvidenceStore(store_root), **kw)
    finally:
        src.close()


def test_replay_export_embeds_the_periods_evidence_and_audit_verify_checks_it(
        sqlite_ctx: ServiceContext, sqlite_url: str, store_root: Path, camera_api: Any, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    violating_case(sqlite_ctx, store_root, base_url(camera_api))
    stored = sorted(p for p in store_root.rglob("*") if p.is_file())
    assert len(stored) >= 4, "the case should have captured its camera event, snapshot, record, track and clip"
    out = tmp_path / "day.urbanops-replay"
    result = _export(sqlite_url, out, store_root)
    assert result.evidence_files == len(stored)
    with sqlite3.connect(out) as conn:
        rows = dict(conn.execute("SELECT path, data FROM replay_evidence").fetchall())
        meta = dict(conn.execute("SELECT key, value FROM replay_meta").fetchall())
    assert {store_root / p for p in rows} == set(stored)
    assert all(rows[str(p.relative_to(store_root))] == p.read_bytes() for p in stored)
    assert meta["evidence_problems"] == "0" and meta["evidence"].startswith(f"{len(stored)} files embedded")

    # The file stands alone: no evidence store on this "classroom" machine, and the check still passes.
    monkeypatch.setenv("URBANOPS_EVIDENCE_DIR", str(tmp_path / "no-store-here"))
    capsys.readouterr()
    assert cli_main(["audit", "verify", "--db", f"sqlite:///{out}"]) == 0
    assert f"evidence intact: {len(stored)} files re-hashed in replay_evidence" in capsys.readouterr().out

    # One embedded byte changed: audit verify names the file and fails.
    victim = next(iter(rows))
    with sqlite3.connect(out) as conn:
        conn.execute("UPDATE replay_evidence SET data = data || x'00' WHERE path = ?", (victim,))
    assert cli_main(["audit", "verify", "--db", f"sqlite:///{out}"]) == 1
    err = capsys.readouterr().err
    assert "evidence BROKEN" in err and victim in err


def test_tampered_store_file_is_not_embedded_and_is_reported(sqlite_ctx: ServiceContext, sqlite_url: str,
                                                             store_root: Path, tmp_path: Path) -> None:
    violating_case(sqlite_ctx, store_root)
    victim = next(p for p in sorted(store_root.rglob("*")) if p.is_file())
    victim.write_bytes(victim.read_bytes() + b"tampered")
    said: list[str] = []
    result = _export(sqlite_url, tmp_path / "day.urbanops-replay", store_root, say=said.append)
    with sqlite3.connect(tmp_path / "day.urbanops-replay") as conn:
        paths = {p for (p,) in conn.execute("SELECT path FROM replay_evidence")}
        meta = dict(conn.execute("SELECT key, value FROM replay_meta").fetchall())
    assert str(victim.relative_to(store_root)) not in paths
    assert result.evidence_files == len(paths) and meta["evidence_problems"] == "1"
    assert any("evidence not embedded: content changed" in m for m in said)
