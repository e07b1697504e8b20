"""Training records: courses, sessions, attendance and drill scores per officer, every change an event; the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from console.cli.main import main
from console.domain.enums import Role
from console.errors import NotFoundError, PermissionDeniedError, ValidationError
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage import eventstore, projection
from console.storage.db import Database, make_engine
from console.storage.models import EventRow
from console.storage.models_training import AttendanceRow, CourseRow
from tests.training.conftest import T0, Recording, local

TRAINER = Actor(Role.TRAINER, "peixun")


def test_records_are_events_and_rebuild(recording: Recording) -> None:
    from console.training.records import TrainingRecords

    ctx = ServiceContext(recording.db, clock=ManualClock(local(14, 0)))
    rec = TrainingRecords(ctx)
    rec.add_course("C-DISPATCH", "派遣实务", TRAINER, hours=4)
    rec.add_course("C-LAW", "执法程序", TRAINER, hours=2.5)
    rec.add_session("S1", "C-DISPATCH", local(14, 0), TRAINER, location="区城运中心", trainer="peixun")
    rec.add_session("S2", "C-LAW", local(16, 0), TRAINER)
    rec.attend("S1", "OF1", TRAINER)
    rec.attend("S2", "OF1", TRAINER, "late")
    rec.attend("S1", "OF3", TRAINER, "absent")
    rec.attend("S1", "OF3", TRAINER, "excused")  # a correction is one more event
    with pytest.raises(PermissionDeniedError):
        rec.add_course("C-X", "x", Actor(Role.DISPATCHER, "d"))
    with pytest.raises(NotFoundError):
        rec.attend("S1", "NOBODY", TRAINER)
    with pytest.raises(NotFoundError):
        rec.add_session("S3", "C-NONE", local(14, 0), TRAINER)
    with pytest.raises(ValidationError):
        rec.attend("S1", "OF1", TRAINER, "asleep")
    with pytest.raises(ValidationError):
        rec.add_course("bad id", "x", TRAINER)
    one = rec.record("OF1")
    assert [s["course_id"] for s in one["sessions"]] == ["C-DISPATCH", "C-LAW"]
    assert one["hours_attended"] == 4 + 2.5 and one["name"] == "王伟"
    three = rec.record("OF3")
    assert [s["status"] for s in three["sessions"]] == ["excused"] and three["hours_attended"] == 0
    with recording.db.read_session() as s:
        evs = s.scalars(select(EventRow).where(EventRow.entity_type == "training_attendance")
                        .order_by(EventRow.seq)).all()
        assert [(e.actor, e.role) for e in evs] == [("peixun", "trainer")] * 4
        assert evs[-1].before == {"status": "absent"} and evs[-1].after == {"status": "excused"}
        before = {r.id: r.status for r in s.scalars(select(AttendanceRow))}
    with recording.db.session() as s:
        eventstore.lock_chain(s)
        projection.rebuild(s)
    with recording.db.read_session() as s:
        assert {r.id: r.status for r in s.scalars(select(AttendanceRow))} == before
        assert {r.id for r in s.scalars(select(CourseRow))} == {"C-DISPATCH", "C-LAW"}
        assert eventstore.verify(s).ok


def test_cli_drill_end_to_end(recording: Recording, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sandbox = tmp_path / "sb.db"
    assert main(["drill", "start", "--from-db", recording.url, "--at", "09:00", "--date", "2026-11-23",
                 "--duration-min", "60", "--sandbox", str(sandbox)]) == 0
    assert json.loads(capsys.readouterr().out)["injections"] == 2
    assert main(["drill", "run", str(sandbox), "--no-field", "--until", "09:06"]) == 0
    assert json.loads(capsys.readouterr().out)["pending_injections"] == 1
    db = Database(make_engine(f"sqlite:///{sandbox}"))
    clock = ManualClock(local(9, 7))
    ctx = ServiceContext(db, clock=clock)
    with db.read_session() as s:
        [b] = [e.entity_id for e in eventstore.read(s, 0) if e.action == "create" and e.entity_type == "case"
               and e.ts_utc > T0]
    with db.session() as s:  # trainee OF3 (a personnel id) works the case
        w = CaseWriter(s, ctx)
        w.act(b, "accept", Actor(Role.CALL_TAKER, "OF3"))
        w.act(b, "file", Actor(Role.SHIFT_LEADER, "OF3"))
        w.act(b, "assign", Actor(Role.DISPATCHER, "OF3"), target="OF4")
        w.flush()
    db.dispose()
    out = tmp_path / "report.json"
    assert main(["drill", "score", str(sandbox), "--out", str(out), "--record-to", recording.url]) == 0
    capsys.readouterr()
    data = json.loads(out.read_text(encoding="utf-8"))
    [t] = data["trainees"]
    assert t["trainee"] == "OF3" and t["cases"] == 1 and t["case_scores"][0]["response_s"] == 2 * 60
    assert data["missed"] == [] and len(data["not_injected"]) == 1  # the run stopped at 09:06, before C
    html_out = tmp_path / "report.html"
    assert main(["drill", "score", str(sandbox), "--out", str(html_out), "--trainee", "OF3"]) == 0
    assert "OF3" in html_out.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["training", "record", "OF3", "--db", recording.url, "--format", "json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert [d["score"] for d in rec["drills"]] == [t["score"]]
    assert main(["training", "course", "add", "C1", "--title", "派遣实务", "--hours", "3", "--db", recording.url]) == 0
    assert main(["training", "session", "add", "S1", "--course", "C1", "--at", "2026-11-24T14:00",
                 "--db", recording.url]) == 0
    assert main(["training", "session", "attend", "S1", "OF3", "--db", recording.url]) == 0
    capsys.readouterr()
    assert main(["training", "record", "OF3", "--db", recording.url]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["hours_attended"] == 3 and rec["sessions"][0]["starts_utc"].startswith("2026-11-24T06:00")
    assert main(["drill", "check", str(tmp_path / "nope.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err
