"""The mapping file as data, time parsing, coordinates, and the deadline that drives the red light."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.city.deadlines import deadline_summary, effective_deadline, effective_light
from console.city.mapping import load_mapping, map_ticket, parse_platform_time
from console.domain.sla import default_sla_policy
from console.domain.taxonomy import default_taxonomy
from console.errors import DataFileError, ValidationError
from console.geo.gcj02 import wgs84_to_gcj02
from console.resources import resource_path

TAX = default_taxonomy()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_mapping_maps_every_category_to_the_taxonomy() -> None:
    mapping = load_mapping(taxonomy=TAX)
    assert mapping.categories and all(code in TAX.categories for code in mapping.categories.values())
    assert mapping.channels["12345"] == "hotline_12345"


@pytest.mark.parametrize(("edit", "needle"), [
    ("channels:\n  X: fax_machine\n", "channel"),
    ("categories:\n  '1': E9999\n", "E9999"),
    ("satisfaction:\n  好: happy\n", "satisfaction"),
    ("timezone: Mars/Olympus\n", "timezone"),
    ("coordinates: bd09\n", "coordinates"),
])
def test_bad_mapping_files_name_the_problem(tmp_path: Path, edit: str, needle: str) -> None:
    base = "fields:\n  ticket_id: id\n  updated_at: t\n"
    with pytest.raises(DataFileError, match=needle):
        load_mapping(_write(tmp_path, base + edit), TAX)


def test_mapping_needs_the_required_fields_and_known_targets(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="updated_at"):
        load_mapping(_write(tmp_path, "fields:\n  ticket_id: id\n"), TAX)
    with pytest.raises(DataFileError, match="unknown fields"):
        load_mapping(_write(tmp_path, "fields:\n  ticket_id: id\n  updated_at: t\n  shoe_size: s\n"), TAX)
    with pytest.raises(DataFileError):
        load_mapping(_write(tmp_path, "- just\n- a list\n"), TAX)


def test_a_bureau_maps_its_own_field_names_and_gcj02_coordinates(tmp_path: Path) -> None:
    path = _write(tmp_path, """
fields: {ticket_id: gdbh, updated_at: gxsj, category: lbdm, lon: jd, lat: wd, description: sqnr, deadline: blsx}
coordinates: gcj02
categories: {"A7": E0505}
channels: {}
default_channel: hotline_12345
""")
    mapping = load_mapping(path, TAX)
    gcj_lon, gcj_lat = wgs84_to_gcj02(121.4166, 31.2197)
    ticket = map_ticket({"gdbh": "X1", "gxsj": 1_700_000_000_000, "lbdm": "A7", "jd": gcj_lon, "wd": gcj_lat,
                         "sqnr": "单车堆积", "blsx": "2026-11-24T17:00:00+08:00"}, mapping, TAX)
    assert ticket.ticket_id == "X1" and ticket.category_code == "E0505" and ticket.channel == "hotline_12345"
    assert ticket.lon_wgs84 == pytest.approx(121.4166, abs=1e-5) and ticket.lat_wgs84 == pytest.approx(31.2197, abs=1e-5)
    assert ticket.deadline_utc == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert ticket.updated_utc == datetime.fromtimestamp(1_700_000_000, UTC)


def test_platform_times() -> None:
    tz = load_mapping(resource_path("city", "mapping.yaml")).timezone
    assert parse_platform_time("2026-11-23 09:00:00", tz, "t") == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert parse_platform_time("2026-11-23T01:00:00Z", tz, "t") == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert parse_platform_time(None, tz, "t") is None
    for bad in ("soon", True, float("nan")):
        with pytest.raises(ValidationError):
            parse_platform_time(bad, tz, "t")


def test_effective_deadline_is_the_earlier_one_and_drives_the_light() -> None:
    sla = default_sla_policy()
    now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    own, platform = now + timedelta(hours=6), now - timedelta(minutes=5)
    state = {"status": "dispatched", "step_deadline_utc": own.isoformat(), "platform_deadline_utc": platform.isoformat()}
    assert effective_deadline(state) == platform
    assert effective_light(state, sla, now) == "red"  # the bureau's own SLA alone would be green
    assert sla.light(own, now) == "green"
    summary = deadline_summary(state, sla, now)
    assert summary["governed_by"] == "platform" and summary["light"] == "red"
    assert effective_deadline({**state, "platform_deadline_utc": None}) == own
    assert effective_deadline({"status": "reported"}) is None
    assert effective_deadline({**state, "status": "closed"}) is None
