"""Drill mode in the console: detection of a sandbox, the banner text, and the trainer's results dialog."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.services.writer import CaseWriter
from console.storage.db import Database, make_engine
from console.training.drill import Injector, drill_of, prepare_drill
from tests.training.conftest import T0, Recording, local

pytestmark = pytest.mark.gui


def test_drill_mode_and_results_dialog(recording: Recording, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from widgets.drill_mode import DrillResultsDialog, detect

    assert detect(recording.url) is None  # an ordinary database opens the normal console
    url = f"sqlite:///{tmp_path / 'sb.db'}"
    prepare_drill(recording.url, T0, url, speed=30, duration=timedelta(hours=1))
    mode = detect(url)
    assert mode is not None and mode.clock.now_utc() == T0
    assert str(mode.drill["id"]) in mode.banner_text() and "×30" in mode.banner_text()
    db = Database(make_engine(url))
    ctx = ServiceContext(db, clock=ManualClock(local(9, 8)))
    drill = drill_of(db)
    assert drill is not None
    [b] = Injector(ctx, str(drill["id"])).inject_due(local(9, 6))
    with db.session() as s:
        w = CaseWriter(s, ctx)
        w.act(b, "accept", Actor(Role.CALL_TAKER, "zhao"))
        w.act(b, "file", Actor(Role.SHIFT_LEADER, "zhao"))
        w.act(b, "assign", Actor(Role.DISPATCHER, "zhao"), target="OF4")
        w.flush()
    dlg = DrillResultsDialog(db)
    qtbot.addWidget(dlg)
    assert [r["trainee"] for r in dlg.rows] == ["zhao"]
    assert dlg.table.rowCount() == 1 and dlg.table.item(0, 0).text() == "zhao"
    assert dlg.table.item(0, 4).text() == "3.0"  # created 09:05, dispatched 09:08
    assert "1" in dlg.summary.text()  # one case (C) not yet arrived
    db.dispose()
