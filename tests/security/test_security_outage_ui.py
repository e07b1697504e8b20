"""The console during a database outage (real window, real SQLite file whose directory goes away and comes back):
the status bar says so at once, actions and assignments (map drop, recommendation panel) are queued in the local
outbox, and they are applied exactly once when the database returns; a command refused on replay is shown to the
user."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings

from console.domain.enums import Role
from console.security.signin import SignedIn
from console.services.actor import Actor
from console.services.cases import CaseService
from console.storage import eventstore
from tests.security.conftest import ZHONGSHAN_PARK, make_ctx


def _drop_on_officer(window, case_id: str, officer_id: str) -> None:  # type: ignore[no-untyped-def]
    """A drag of a queue row dropped on the officer's map symbol, handed to the map's drop filter the way Qt does
    (Qt does not deliver synthetic drag events sent with sendEvent)."""
    from PySide6.QtCore import QMimeData, QPointF, Qt
    from PySide6.QtGui import QDropEvent

    from console.geo.projection import lonlat_wgs84_to_xy_m
    from widgets.case_model import CASE_IDS_MIME

    o = window.loaded.world.officers[officer_id]
    x, y = lonlat_wgs84_to_xy_m(o["lon"], o["lat"])
    canvas = window.map.canvas
    canvas.set_view(float(x), float(y), 0.3)
    pos = canvas.m_to_view_pos(float(x), float(y))
    assert window.map.officer_at_view_pos(pos) == officer_id
    mime = QMimeData()
    mime.setData(CASE_IDS_MIME, case_id.encode())
    ev = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction | Qt.DropAction.MoveAction, mime,
                    Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    assert window.map.eventFilter(canvas.viewport_widget(), ev)


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path) -> Iterator[None]:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


def test_outage_is_shown_actions_queue_and_replay_in_order(qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    from widgets.loader import LoadOptions, load_everything
    from widgets.main_window import MainWindow
    from widgets.security.hook import install_security

    db_dir = tmp_path_factory.mktemp("db")
    url = f"sqlite:///{db_dir / 'console.db'}"
    ctx = make_ctx(url)
    svc = CaseService(ctx)
    case_ids = [str(svc.create_case(category="暴露垃圾", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1],
                                    source="inspector", actor=Actor(Role.INSPECTOR, "zhao"))["id"]) for _ in range(4)]
    filed = case_ids[2:]  # assigned while the database is away: one by a drop on the map, one from the panel
    for cid in filed:
        svc.act(cid, "accept", Actor(Role.CALL_TAKER, "li"))
        svc.act(cid, "file", Actor(Role.SHIFT_LEADER, "zhou"))
    ctx.db.dispose()
    loaded = load_everything(LoadOptions(db_url=url, seed_if_empty=False))
    w = MainWindow(theme="dark")
    qtbot.addWidget(w)
    session = SignedIn("li", "李娜", (Role.CALL_TAKER, Role.DISPATCHER), False)
    ui = install_security(w, session, None, outbox_path=tmp_path / "outbox.sqlite3", monitor_ms=50)
    w.show()
    w.attach(loaded)
    assert ui.commands is not None and w.actions_ctl is not None and w.actions_ctl.commands is ui.commands

    queued: list[tuple[str, str]] = []
    w.actions_ctl.queued.connect(lambda cid, action: queued.append((cid, action)))
    loaded.db.dispose()
    away = db_dir.with_name(db_dir.name + "_away")
    db_dir.rename(away)
    try:
        qtbot.waitUntil(lambda: not w.db_online and "连接中断" in w.db_label.text(), timeout=10_000)
        w.set_role(Role.CALL_TAKER)
        w.actions_ctl.run(case_ids[0], "accept")
        w.actions_ctl.run(case_ids[1], "accept")
        w.actions_ctl.run(case_ids[1], "accept")  # refused on replay: the case has moved on by then
        assert queued == [(case_ids[0], "accept"), (case_ids[1], "accept"), (case_ids[1], "accept")]
        assert "本地发件箱" in w.statusBar().currentMessage()
        w.set_role(Role.DISPATCHER)
        _drop_on_officer(w, filed[0], "OF1")  # drag-to-assign → batch assign → outbox
        assert "本地发件箱" in w.statusBar().currentMessage()
        assert w.dispatch_ui is not None
        w.dispatch_ui.panel.assignRequested.emit(filed[1], "OF1")  # the recommendation panel's button
        assert queued[-1] == (filed[1], "assign")
        qtbot.waitUntil(lambda: "排队 5 条" in w.db_label.text(), timeout=10_000)
        assert all(loaded.world.cases[c]["status"] == "filed" for c in filed)
        assert loaded.world.cases[case_ids[0]]["status"] == "reported"  # the window keeps what it has
    finally:
        away.rename(db_dir)
    qtbot.waitUntil(lambda: w.db_online and ui.commands is not None and ui.commands.outbox.pending_count() == 0,
                    timeout=20_000)
    qtbot.waitUntil(lambda: loaded.world.cases[case_ids[1]]["status"] != "reported", timeout=10_000)
    assert loaded.world.cases[case_ids[0]]["status"] != "reported"
    assert "被拒绝" in w.details.case_view.message.text() and case_ids[1] in w.details.case_view.message.text()
    assert "连接中断" not in w.db_label.text()
    qtbot.waitUntil(lambda: all(loaded.world.cases[c]["status"] == "dispatched" for c in filed), timeout=10_000)
    with loaded.db.read_session() as s:  # each assignment applied exactly once
        for cid in filed:
            assert [e.action for e in eventstore.read(s, case_id=cid)].count("assign") == 1
            assert loaded.world.cases[cid]["assignee"] == "OF1"
    ui.stop()
    loaded.db.dispose()
