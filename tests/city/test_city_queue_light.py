"""The console queue's light uses the earlier of the platform deadline and the bureau's SLA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from widgets.case_model import is_overdue, sla_seconds_left


def test_queue_countdown_follows_the_platform_deadline_when_it_is_earlier() -> None:
    now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    case = {"status": "handling", "step_deadline_utc": (now + timedelta(hours=4)).isoformat()}
    assert sla_seconds_left(case, now) == 4 * 3600 and not is_overdue(case, now)
    city = {**case, "platform_deadline_utc": (now - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")}
    assert sla_seconds_left(city, now) == -60 and is_overdue(city, now)
    later = {**case, "platform_deadline_utc": (now + timedelta(days=2)).isoformat()}
    assert sla_seconds_left(later, now) == 4 * 3600
    assert sla_seconds_left({**city, "status": "closed"}, now) is None
