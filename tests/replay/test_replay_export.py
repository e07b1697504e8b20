"""Export a period to a replay file, open the file, get the same state at every instant as from the live database."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from console.cli.main import main
from console.errors import ValidationError
from console.replay import ReplaySource, load_session
from console.replay.export import export_period
from console.storage import eventstore
from console.storage.models import CaseReporterRow

from .conftest import SEED_NOW

T1, T2 = SEED_NOW - timedelta(hours=8), SEED_NOW


def test_export_then_open_gives_the_same_state_and_tracks(replay_db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "day.urbanops-replay"
    live = ReplaySource.open(db_url=replay_db_url)
    result = export_period(live, T1, T2, out)
    assert out.is_file() and not Path(str(out) + "-wal").exists()
    assert result.period_events > 100 and result.positions > 0
    live_session = load_session(live, T1, T2, checkpoint_every=64)
    file_session = load_session(ReplaySource.open(str(out)), checkpoint_every=64)
    assert (file_session.from_utc, file_session.to_utc) == (T1, T2)
    assert [e.seq for e in file_session.index.events] == [e.seq for e in live_session.index.events]
    for t in np.linspace(T1.timestamp(), T2.timestamp(), 9):
        a, b = live_session.state_at(float(t)), file_session.state_at(float(t))
        assert a.cases == b.cases and a.officers == b.officers and a.assets == b.assets
        pa, pb = live_session.positions(float(t)), file_session.positions(float(t))
        assert np.allclose(pa.lon, pb.lon) and np.allclose(pa.lat, pb.lat)
    with file_session.source.db.read_session() as s:
        assert eventstore.verify(s).ok, "the file's log is an exact prefix of the hash chain"
        assert s.scalar(select(func.count()).select_from(CaseReporterRow)) == 0, "no personal data in a training file"
    live_session.close()
    file_session.close()


def test_export_refuses_bad_requests_and_keeps_existing_files(replay_db_url: str, tmp_path: Path) -> None:
    src = ReplaySource.open(db_url=replay_db_url)
    out = tmp_path / "x.urbanops-replay"
    out.write_bytes(b"keep me")
    with pytest.raises(ValidationError) as exists:
        export_period(src, T1, T2, out)
    assert "file exists" in exists.value.message_en and out.read_bytes() == b"keep me"
    with pytest.raises(ValidationError) as backwards:
        export_period(src, T2, T1, tmp_path / "y.urbanops-replay")
    assert "not before" in backwards.value.message_en
    with pytest.raises(ValidationError) as empty:
        export_period(src, T1 - timedelta(days=30), T1 - timedelta(days=29), tmp_path / "z.urbanops-replay")
    assert "nothing to export" in empty.value.message_en
    assert not (tmp_path / "z.urbanops-replay").exists() and not (tmp_path / "z.urbanops-replay.part").exists()
    src.close()


def test_cli_export_and_info(replay_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.urbanops-replay"
    rc = main(["replay", "export", "--db", replay_db_url, "--from", "2026-11-28T12:00", "--to", "2026-11-28T20:00",
               "--out", str(out)])
    assert rc == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["path"] == str(out) and exported["period_events"] > 0
    rc = main(["replay", str(out), "--info", "--at", "15:00"])
    assert rc == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["from_utc"] == T1.isoformat() and summary["to_utc"] == T2.isoformat()  # local 12:00–20:00
    assert summary["at_utc"] == (T1 + timedelta(hours=3)).isoformat()
    assert summary["officers_placed_at"] > 0 and summary["events_in_period"] == exported["period_events"]
    rc = main(["replay", "export", "--db", replay_db_url, "--from", "yesterday", "--to", "x", "--out", str(out)])
    assert rc == 2 and "unrecognised time" in capsys.readouterr().err
    rc = main(["replay", "export", "--db", replay_db_url, "--from", "2026-11-28T12:00"])
    assert rc == 2 and "needs --from, --to and --out" in capsys.readouterr().err
