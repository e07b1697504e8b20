"""Permit validation and the muck-truck violation rules (pure functions, real rules file)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.errors import DataFileError
from console.evidence.permits import RecordError, normalise_plate, parse_hours, permit_from_json
from console.evidence.rules import Sighting, evaluate, is_uncovered, load_muck_rules, on_route

from .conftest import CAMERAS, permit

RULES = load_muck_rules()
T10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 local


def sight(cam: str, ts: datetime = T10, uncovered: bool = False) -> Sighting:
    lon, lat = CAMERAS[cam]
    return Sighting(cam, ts, lon, lat, uncovered)


def kinds(vs: list) -> list[str]:  # type: ignore[type-arg]
    return [v.kind for v in vs]


def test_plate_normalised_and_bad_plates_refused() -> None:
    assert normalise_plate(" 沪a·123 45 ") == "沪A12345"
    assert normalise_plate("沪AD12345") == "沪AD12345"
    for bad in ("", "ABC123", "沪12345", "沪A1234567890", 12345, None):
        with pytest.raises(RecordError):
            normalise_plate(bad)


def test_hours_wrap_midnight_and_refuse_nonsense() -> None:
    (w,) = parse_hours("22:00-05:00")
    assert w.contains(datetime(2026, 1, 1, 23, 0).time()) and w.contains(datetime(2026, 1, 1, 4, 59).time())
    assert not w.contains(datetime(2026, 1, 1, 12, 0).time())
    for bad in ("25:00-01:00", "10:00-10:00", "ten to six", ["10:00-11:00"] * 13):
        with pytest.raises(RecordError):
            parse_hours(bad)


def test_permit_round_trips_and_names_the_bad_field() -> None:
    p = permit_from_json(permit())
    assert permit_from_json(p.to_json()) == p
    assert p.route_restricted and p.corridor_buffer_m == 150
    wkt = permit_from_json(permit(corridor="LINESTRING (121.355 31.215, 121.371 31.215)"))
    assert wkt.corridor == p.corridor
    for field, value in (("permit_type", "通行证"), ("valid_to", "2025-01-01"), ("valid_from", "yesterday"),
                         ("corridor", {"type": "Point", "coordinates": [1, 2]}), ("corridor_buffer_m", -5),
                         ("company", None), ("corridor", "LINESTRING (oops)")):
        with pytest.raises(RecordError) as info:
            permit_from_json(permit(**{field: value}))
        assert info.value.field in (field, "valid_to")


def test_unregistered_expired_and_registration_only() -> None:
    assert kinds(evaluate(RULES, sight("CAM-LK01"), "not_registered", None, [])) == ["unregistered"]
    expired = permit_from_json(permit(valid_to="2026-06-30"))
    assert kinds(evaluate(RULES, sight("CAM-LK01"), "registered", expired, [])) == ["unregistered"]
    only_record = permit_from_json(permit(permit_type="备案"))
    assert kinds(evaluate(RULES, sight("CAM-LK01"), "registered", only_record, [])) == ["unregistered"]
    ok = permit_from_json(permit())
    assert evaluate(RULES, sight("CAM-LK01"), "registered", ok, []) == []


def test_unknown_registry_answer_accuses_nothing_registry_based() -> None:
    assert evaluate(RULES, sight("CAM-LK03"), "unknown", None, []) == []
    assert kinds(evaluate(RULES, sight("CAM-LK03", uncovered=True), "unknown", None, [])) == ["uncovered_load"]


def test_outside_permitted_hours_uses_local_time() -> None:
    night_only = permit_from_json(permit(allowed_hours=["22:00-05:00"]))
    assert kinds(evaluate(RULES, sight("CAM-LK01"), "registered", night_only, [])) == ["outside_hours"]
    at_23_local = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert evaluate(RULES, sight("CAM-LK01", at_23_local), "registered", night_only, []) == []


def test_off_corridor_needs_a_track_of_several_sightings() -> None:
    p = permit_from_json(permit())
    assert on_route(p, *CAMERAS["CAM-LK01"]) and on_route(p, *CAMERAS["CAM-LK02"])
    assert not on_route(p, *CAMERAS["CAM-LK03"])
    lone = sight("CAM-LK03")
    assert evaluate(RULES, lone, "registered", p, []) == []  # one sighting is not a track
    earlier = sight("CAM-LK02", T10 - timedelta(minutes=10))
    vs = evaluate(RULES, lone, "registered", p, [earlier])
    assert kinds(vs) == ["off_corridor"] and "CAM-LK03" in vs[0].reason_en
    too_old = sight("CAM-LK02", T10 - timedelta(hours=5))
    assert evaluate(RULES, lone, "registered", p, [too_old]) == []
    assert evaluate(RULES, sight("CAM-LK02"), "registered", p, [earlier]) == []  # on route now


def test_uncovered_from_label_sub_label_or_attribute() -> None:
    assert is_uncovered(RULES, "uncovered_load", None, None)
    assert is_uncovered(RULES, "muck_truck", "未密闭", None)
    assert is_uncovered(RULES, "muck_truck", None, {"uncovered": 0.8})
    assert is_uncovered(RULES, "muck_truck", None, [{"label": "tarp_missing", "score": 0.9}])
    assert not is_uncovered(RULES, "muck_truck", None, {"uncovered": 0.2})
    assert not is_uncovered(RULES, "muck_truck", None, "garbage")
    vs = evaluate(RULES, sight("CAM-LK01", uncovered=True), "not_registered", None, [])
    assert kinds(vs) == ["unregistered", "uncovered_load"]
    assert RULES.category_for(kinds(vs)) == "E0305"
    assert RULES.category_for(["uncovered_load"]) == "E0304"


def test_rules_file_errors_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text("violations: {unregistered: {category: E0305}}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="outside_hours"):
        load_muck_rules(bad)
    bad.write_text("truck_labels: [a]\nmin_score: 7\nviolations: {}\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        load_muck_rules(bad)
