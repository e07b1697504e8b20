"""Shift handover digest on a hand-built fixture: the expected lists are worked out by hand below."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from console.collab.config import default_config
from console.collab.handover import build_digest, next_shift, shift_at, shift_starting_at
from console.errors import ValidationError

SHIFTS = default_config().shifts  # 白班 08:00–20:00, 夜班 20:00–08:00 (Asia/Shanghai)
# 白班 of Monday 2026-11-23: 08:00–20:00 local = 00:00–12:00 UTC.
DAY = shift_starting_at(datetime(2026, 11, 23, 8, 0), SHIFTS)


def case(cid: str, status: str, deadline: str | None, **kw: Any) -> dict[str, Any]:
    return {"id": cid, "status": status, "category_code": "E0101", "subdistrict_name": "华阳路街道",
            "assignee": None, "step_deadline_utc": deadline, **kw}


FIXTURE = [
    case("A", "handling", "2026-11-23T03:00:00+00:00"),  # due 11:00 local, inside the shift → will breach
    case("B", "dispatched", "2026-11-22T23:00:00+00:00"),  # due 07:00 local, before the shift → overdue
    case("C", "filed", "2026-11-23T13:00:00+00:00"),  # due after the shift ends → open only
    case("D", "hung", None, supervised=True),  # hung and under a ticket issued last shift
    case("E", "closed", "2026-11-23T01:00:00+00:00"),  # closed: in no list
    case("F", "handling", "2026-11-23T05:00:00+00:00", overdue=True),  # flagged overdue: overdue, not "will breach"
    case("G", "accepted", None, supervised=True),  # no deadline; ticket older than the last shift
    case("H", "reported", "2026-11-23T12:00:00+00:00"),  # due exactly at the shift end: end is exclusive
    case("I", "voided", None, supervised=True),  # voided: in no list even under a ticket
]


def ids(items: list[Any]) -> list[str]:
    return [i.case_id for i in items]


def test_shift_windows_from_the_config() -> None:
    assert (DAY.shift_id, DAY.start_utc, DAY.end_utc) == (
        "day", datetime(2026, 11, 23, 0, 0, tzinfo=UTC), datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    night = shift_starting_at(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), SHIFTS)  # 20:00 local
    assert (night.shift_id, night.end_utc) == ("night", datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
    assert DAY.previous_start_utc == datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert shift_at(datetime(2026, 11, 23, 15, 30, tzinfo=UTC), SHIFTS).shift_id == "night"  # 23:30 local
    assert shift_at(datetime(2026, 11, 22, 20, 0, tzinfo=UTC), SHIFTS).start_utc == datetime(2026, 11, 22, 12, 0,
                                                                                          tzinfo=UTC)  # 04:00 local
    assert next_shift(datetime(2026, 11, 23, 11, 50, tzinfo=UTC), SHIFTS).start_utc == datetime(
        2026, 11, 23, 12, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as err:
        shift_starting_at(datetime(2026, 11, 23, 9, 0), SHIFTS)
    assert "08:00" in err.value.message_en and "20:00" in err.value.message_en


def test_digest_lists_match_the_hand_worked_expectation() -> None:
    d = build_digest(FIXTURE, DAY, generated_utc=DAY.start_utc, supervised_recently=frozenset({"D"}))
    assert ids(d.open_cases) == ["B", "A", "F", "H", "C", "G"]  # by deadline, no deadline last
    assert ids(d.overdue) == ["B", "F"]
    assert ids(d.breach_next_shift) == ["A"]
    assert [(i.case_id, i.flag) for i in d.escalated] == [("D", "new"), ("G", None)]
    assert ids(d.hung) == ["D"]
    j = d.to_json()
    assert j["counts"] == {"open": 6, "overdue": 2, "breach_next_shift": 1, "escalated": 2, "hung": 1,
                           "pending_handoffs": 0, "escalated_work_orders": 0}
    assert j["open_by_status"] == {"handling": 2, "accepted": 1, "dispatched": 1, "filed": 1, "reported": 1}


def test_the_night_shift_sees_the_day_cases_as_overdue() -> None:
    night = shift_starting_at(datetime(2026, 11, 23, 20, 0), SHIFTS)
    d = build_digest(FIXTURE, night, generated_utc=night.start_utc)
    assert ids(d.overdue) == ["B", "A", "F"]
    assert ids(d.breach_next_shift) == ["H", "C"]  # H is due exactly at 20:00: not yet overdue when the shift starts
    assert [(i.case_id, i.flag) for i in d.escalated] == [("D", None), ("G", None)]
