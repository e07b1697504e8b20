"""An SLA-timer round that escalates many cases is one ticker line; other events keep their own lines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.services.dispatch import escalate_overdue
from console.storage import eventstore
from widgets.event_ticker import EventTicker, is_timer_escalation

pytestmark = pytest.mark.gui


def test_one_round_of_escalations_is_one_line(qtbot, loaded):  # type: ignore[no-untyped-def]
    db = loaded.ctx.db
    with db.read_session() as s:
        head = eventstore.last_seq(s)
    ids = escalate_overdue(loaded.ctx, now=loaded.world.now_utc + timedelta(days=2))  # one round, many steps
    assert len(ids) >= 3, "the pinned seeded world has overdue steps"
    with db.read_session() as s:
        events = [ev for ev in eventstore.read(s, head) if is_timer_escalation(ev)]
    assert [ev.case_id for ev in events] == ids
    ticker = EventTicker(lambda: {})
    qtbot.addWidget(ticker)
    ticker.add_events(events)
    assert ticker.list.count() == 1
    line = ticker.list.item(0)
    assert str(len(ids)) in line.text() and line.toolTip().splitlines()[0] == ids[0]
    with qtbot.waitSignal(ticker.caseSelected) as sig:
        ticker.list.itemClicked.emit(line)
    assert sig.args == [ids[0]]
