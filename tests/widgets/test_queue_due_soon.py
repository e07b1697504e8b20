"""The queue's "due within the hour" view agrees with the dispatch service; the demo's SLA timer escalates once."""

from __future__ import annotations

import pytest

from console.services.cases import CaseService
from console.services.dispatch import due_soon

pytestmark = pytest.mark.gui


def test_due_within_the_hour_view_matches_the_service(window, qtbot):  # type: ignore[no-untyped-def]
    world = window.loaded.world
    q = window.queue
    q.set_filters(status="", due_soon=True)
    shown = set(q.visible_case_ids())
    expected = {c["id"] for c in due_soon(window.loaded.ctx, 3600.0, now=world.now_utc)}
    assert shown == expected and shown, "the pinned world has cases falling due within the hour"
    q.set_filters(due_soon=False)
    assert len(q.visible_case_ids()) == len(world.cases)
    q.set_filters(due_soon=True)
    window.save_state()
    from widgets.main_window import MainWindow

    w2 = MainWindow()
    qtbot.addWidget(w2)  # closed and deleted with the test, not left ticking on the shared World
    w2.attach(window.loaded)
    assert w2.queue.due_soon_check.isChecked() and set(w2.queue.visible_case_ids()) == shown
    w2.shutdown()


def test_the_demo_sla_timer_escalates_each_overdue_step_once(qtbot, loaded):  # type: ignore[no-untyped-def]
    from widgets.sim_runner import SimulatorRunner

    runner = SimulatorRunner(loaded.ctx, speed=1.0)
    with qtbot.waitSignal(runner.escalated, timeout=30_000) as sig:
        first = runner.escalate_now()
    assert first and sig.args[0] == first
    svc = CaseService(loaded.ctx)
    for cid in first[:20]:
        last = svc.events(case_id=cid)[-1]
        assert last.action == "supervise" and last.role == "system"
    assert runner.escalate_now() == []  # once per step: a second round finds nothing new
