"""Hypothesis fuzz of every feed parser and of the processor: bad input → dead letter with reason, never an exception,
never a partial write. Examples per test: FEEDS_FUZZ_EXAMPLES (default 300)."""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from console.feeds.config import GatewayConfig, build_processor
from console.feeds.parsers import ParseError, parse_frigate, parse_osmand, parse_owntracks, parse_sensor
from console.feeds.positions import FixRejected, PositionFix, validate_fix
from console.services.clock import ManualClock
from console.services.context import ServiceContext
from console.storage.db import Database
from console.storage.models import CaseRow, DeadLetterRow, EventRow, PositionRow
from console.storage.models_feeds import CameraEventRow, SensorReadingRow
from tests.feeds.conftest import MONDAY_0900, seed_feed_entities

EXAMPLES = int(os.environ.get("FEEDS_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                      st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
json_value = st.recursive(json_leaf, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c,
                                                                                        max_size=4), max_leaves=12)
wild_number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**40), 10**40),
                        st.text(max_size=6), st.none(), st.booleans(), st.just(1e308))


def _mutate(valid: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """Valid messages with fields replaced by wild values, truncated, or raw garbage."""
    keys = sorted(valid)
    field_swap = st.builds(lambda k, v: {**valid, k: v}, st.sampled_from(keys), st.one_of(wild_number, json_value))
    as_bytes = field_swap.map(lambda d: json.dumps(d, allow_nan=True).encode())
    truncated = st.integers(0, len(json.dumps(valid)) - 1).map(lambda n: json.dumps(valid).encode()[:n])
    return st.one_of(as_bytes, truncated, st.binary(max_size=200), json_value.map(lambda v: json.dumps(v).encode()))


NOW_S = MONDAY_0900.timestamp()
OWNTRACKS_OK = {"_type": "location", "lat": 31.21, "lon": 121.40, "tst": int(NOW_S) - 10, "acc": 8, "vel": 4, "cog": 90}
FRIGATE_AFTER = {"id": "1700000000.1-abc", "camera": "cam_linkong_01", "label": "garbage", "score": 0.9,
                 "top_score": 0.9, "start_time": NOW_S - 30, "end_time": None, "current_zones": [], "entered_zones": [],
                 "has_clip": False, "has_snapshot": True}
SENSOR_OK = {"ts": NOW_S - 5, "value": 95.0, "kind": "bin_fill"}


def _only_parse_errors(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except ParseError as exc:
        assert exc.reason
        return None


@FUZZ
@given(_mutate(OWNTRACKS_OK), st.sampled_from(["owntracks/of00001/dev-of00001", "owntracks/x", "owntracks/a b/c"]))
def test_owntracks_parser_never_raises_anything_else(payload: bytes, topic: str) -> None:
    item = _only_parse_errors(parse_owntracks, topic, payload)
    fix = getattr(item, "fix", None)
    if fix is not None:
        assert math.isfinite(fix.lon) and math.isfinite(fix.lat) and fix.ts_utc.tzinfo is not None
        try:
            validate_fix(fix, MONDAY_0900)
        except FixRejected as exc:
            assert exc.reason


@FUZZ
@given(st.one_of(_mutate(FRIGATE_AFTER).map(lambda b: b'{"type":"new","after":' + b + b"}"),
                 _mutate({"type": "update", "after": FRIGATE_AFTER})))
def test_frigate_parser_never_raises_anything_else(payload: bytes) -> None:
    _only_parse_errors(parse_frigate, payload)


@FUZZ
@given(_mutate(SENSOR_OK), st.sampled_from(["urbanops/sensors/BIN001/reading", "urbanops/sensors//reading"]))
def test_sensor_parser_never_raises_anything_else(payload: bytes, topic: str) -> None:
    _only_parse_errors(parse_sensor, topic, payload)


@FUZZ
@given(st.dictionaries(st.sampled_from(["id", "lat", "lon", "timestamp", "speed", "bearing", "accuracy"]),
                       st.one_of(st.text(max_size=12), wild_number.map(str)), max_size=7))
def test_osmand_parser_never_raises_anything_else(params: dict[str, str]) -> None:
    fix = _only_parse_errors(parse_osmand, {"id": "dev-of00001", "lat": "31.2", "lon": "121.4",
                                            "timestamp": str(int(NOW_S)), **params})
    if fix is not None:
        assert math.isfinite(fix.lat) and (fix.speed_kmh is None or math.isfinite(fix.speed_kmh))


def test_fix_validation_rules() -> None:
    ok = PositionFix("dev-of00001", 121.40, 31.21, MONDAY_0900)
    assert validate_fix(ok, MONDAY_0900).lon == 121.40
    for bad in (PositionFix("d", 116.4, 39.9, MONDAY_0900),  # Beijing
                PositionFix("d", 121.4, 31.2, MONDAY_0900 + timedelta(minutes=6)),
                PositionFix("d", 121.4, 31.2, MONDAY_0900 - timedelta(hours=25)),
                PositionFix("d", math.nan, 31.2, MONDAY_0900),
                PositionFix("d", 121.4, 31.2, datetime(2026, 11, 23, 1, 0)),  # naive
                PositionFix("d", 121.4, 31.2, MONDAY_0900, speed_kmh=math.inf)):
        with pytest.raises(FixRejected):
            validate_fix(bad, MONDAY_0900)


def _counts(db: Database) -> dict[str, int]:
    with db.read_session() as s:
        return {m.__tablename__: int(s.execute(select(func.count()).select_from(m)).scalar_one())
                for m in (PositionRow, CameraEventRow, SensorReadingRow, CaseRow, EventRow, DeadLetterRow)}


@pytest.fixture
def fuzz_processor(sqlite_url: str):  # type: ignore[no-untyped-def]
    from console.storage.db import make_engine
    from console.storage.migrations_api import upgrade

    db = Database(make_engine(sqlite_url))
    upgrade(db)
    ctx = ServiceContext(db, clock=ManualClock(MONDAY_0900))
    seed_feed_entities(db, ctx)
    proc = build_processor(ctx, GatewayConfig(), batch_size=1)
    yield proc
    db.dispose()


@settings(max_examples=max(30, EXAMPLES // 5), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.tuples(st.just("owntracks/of00001/dev-of00001"), _mutate(OWNTRACKS_OK)),
    st.tuples(st.just("frigate/events"), _mutate({"type": "new", "after": {**FRIGATE_AFTER, "label": "nothing"}})),
    st.tuples(st.just("urbanops/sensors/BIN001/reading"), _mutate({**SENSOR_OK, "value": 10.0})),
    st.tuples(st.sampled_from(["urbanops/other", "owntracks/ghost/dev-ghost"]), st.binary(max_size=50))))
def test_processor_dead_letters_bad_messages_without_partial_writes(fuzz_processor: Any,
                                                                    message: tuple[str, bytes]) -> None:
    """Each message either leaves exactly its own rows (accepted) or exactly one dead letter and nothing else."""
    topic, payload = message
    db = fuzz_processor.db
    before = _counts(db)
    acks: list[int] = []
    outcome = fuzz_processor.handle(topic, payload, lambda: acks.append(1))
    fuzz_processor.positions.flush()
    after = _counts(db)
    delta = {k: after[k] - before[k] for k in after if after[k] != before[k]}
    assert acks == [1]
    if outcome == "dead_letters" or (outcome == "queued" and delta.get("dead_letters")):
        assert delta == {"dead_letters": 1}, delta
        with db.read_session() as s:
            reason = s.scalars(select(DeadLetterRow.reason).order_by(DeadLetterRow.id.desc())).first()
        assert reason
    else:
        assert "dead_letters" not in delta
        assert set(delta) <= {"positions", "camera_events", "sensor_readings", "events"}, delta


def test_processor_survives_a_flood_of_garbage(fuzz_processor: Any) -> None:
    for i in range(50):
        fuzz_processor.handle("frigate/events", bytes([i]) * i)
    fuzz_processor.handle("urbanops/sensors/NOPE/reading", json.dumps(SENSOR_OK).encode())
    fuzz_processor.handle("urbanops/sensors/SMK001/reading", json.dumps(SENSOR_OK).encode())  # wrong kind
    fuzz_processor.handle("urbanops/sensors/BIN001/reading", json.dumps({**SENSOR_OK, "value": 250}).encode())
    fuzz_processor.handle("frigate/events", json.dumps({"type": "new", "after": {**FRIGATE_AFTER,
                                                                                   "camera": "CAM-NOPE"}}).encode())
    assert _counts(fuzz_processor.db)["dead_letters"] == 54
    assert _counts(fuzz_processor.db)["cases"] == 0
    health = {f["name"]: f for f in fuzz_processor.health.snapshot()}
    assert health["camera"]["dead_letters"] == 51 and health["sensors"]["dead_letters"] == 3
    _ = UTC
