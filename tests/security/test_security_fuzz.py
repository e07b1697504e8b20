"""Hostile input: importers and case creation either succeed or raise DomainError — never another exception, never a
partial write. Examples per test: URBANOPS_FUZZ_EXAMPLES (default 300; the security run uses ≥ 10 000)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain.calendar import load_calendar
from console.domain.enums import Role
from console.domain.workflow import load_workflow
from console.errors import DomainError
from console.resources import resource_path
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from tests.security.conftest import event_count, make_ctx

EXAMPLES = int(os.environ.get("URBANOPS_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_value = st.recursive(json_scalar, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                               st.dictionaries(st.text(max_size=10), inner, max_size=5)),
                          max_leaves=20)


@st.composite
def mutated(draw: st.DrawFn, valid: str) -> str:
    """The valid text with a few random edits (delete, insert, replace, duplicate a line), or wholly random text."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=400))
    text = valid
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "dup_line", "truncate"]))
        i = draw(st.integers(0, max(0, len(text) - 1)))
        if kind == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 40)):]
        elif kind == "insert":
            text = text[:i] + draw(st.text(max_size=20)) + text[i:]
        elif kind == "replace":
            text = text[:i] + draw(st.sampled_from([",", ":", "-", "\n", "\"", "'", "{", "[", "0", "x", "*", " ", "\x00",
                                                    "９", "é"])) + text[i + 1:]
        elif kind == "dup_line":
            lines = text.splitlines(keepends=True)
            if lines:
                j = draw(st.integers(0, len(lines) - 1))
                lines.insert(j, lines[j])
                text = "".join(lines)
        else:
            text = text[:i]
    return text


def _read(*parts: str) -> str:
    return resource_path(*parts).read_text(encoding="utf-8")


CATEGORIES, RULES = _read("taxonomy", "categories.csv"), _read("taxonomy", "sla_rules.csv")
CALENDAR, WORKFLOW = _read("calendar", "working_calendar.yaml"), _read("workflow", "closed_loop.yaml")
GEOJSON = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "华阳路街道", "code": "310105001000"},
     "geometry": {"type": "Polygon", "coordinates": [[[121.41, 31.21], [121.43, 31.21], [121.43, 31.23],
                                                      [121.41, 31.21]]]}}]}, ensure_ascii=False)


def _only_domain_errors(call: Any) -> None:
    with contextlib.suppress(DomainError):
        call()


# Taxonomy CSV and GeoJSON import are fuzzed by test_security_fuzz_10k.py (300 examples in every run, 10 000 in
# `make fuzz`), which imports the seeds and strategies defined above.


def _yaml_case(data: st.DataObject, valid: str) -> str:
    import yaml

    if data.draw(st.booleans()):
        return data.draw(mutated(valid))
    return yaml.safe_dump(data.draw(json_value), allow_unicode=True)


# Found by this fuzzer at 10k examples: ``timezone: Asia`` made ZoneInfo raise IsADirectoryError (an OSError);
# load_calendar now turns it into DataFileError.


def test_calendar_timezone_that_is_a_zoneinfo_directory(tmp_path: Path) -> None:
    path = tmp_path / "cal.yaml"
    path.write_text("timezone: Asia\n", encoding="utf-8")
    with pytest.raises(DomainError):
        load_calendar(path)


@FUZZ
@given(st.data())
def test_fuzz_calendar_yaml(data: st.DataObject) -> None:
    text = _yaml_case(data, CALENDAR)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cal.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _only_domain_errors(lambda: load_calendar(path))


@FUZZ
@given(st.data())
def test_fuzz_workflow_yaml(data: st.DataObject) -> None:
    text = _yaml_case(data, WORKFLOW)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "wf.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _only_domain_errors(lambda: load_workflow(path))


_CTX: dict[str, ServiceContext] = {}


def _case_ctx() -> ServiceContext:
    """One SQLite database for the whole case-creation fuzz run (made once, removed at exit)."""
    if "ctx" not in _CTX:
        tmp = tempfile.mkdtemp(prefix="urbanops_fuzz_")
        import atexit

        atexit.register(shutil.rmtree, tmp, True)
        _CTX["ctx"] = make_ctx(f"sqlite:///{tmp}/fuzz.db")
    return _CTX["ctx"]


coord = st.one_of(st.floats(121.3, 121.5), st.floats(allow_nan=True, allow_infinity=True),
                  st.text(max_size=12), st.integers(-10**20, 10**20), st.none())
category = st.one_of(st.sampled_from(["暴露垃圾", "E0101", "5005", "1001", "", " ", "E01010"]), st.text(max_size=12))
source = st.one_of(st.sampled_from(["hotline_12345", "inspector", "camera_ai", "HOTLINE", ""]), st.text(max_size=12))


@FUZZ
@given(category=category, lon=coord, lat=coord, source=source,
       priority=st.one_of(st.none(), st.sampled_from(["urgent", "A", "B", "C", "D", ""])),
       role=st.sampled_from(list(Role)), text=st.one_of(st.none(), st.text(max_size=50)))
def test_fuzz_case_creation_inputs(category: str, lon: Any, lat: Any, source: str, priority: str | None, role: Role,
                                   text: str | None) -> None:
    ctx = _case_ctx()
    before = event_count(ctx)
    try:
        case = CaseService(ctx).create_case(category=category, lon=lon, lat=lat, source=source, priority=priority,
                                            actor=Actor(role, "fuzz"), description=text, address=text)
    except DomainError:
        assert event_count(ctx) == before  # nothing half-written
    else:
        assert event_count(ctx) == before + 1 and case["status"] == "reported"
