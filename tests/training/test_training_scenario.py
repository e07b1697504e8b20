"""Scenario files: the shipped examples load, bad files are rejected naming field and line in zh + en, and the
parser never raises anything else (hypothesis, TRAINING_FUZZ_EXAMPLES, default 10 000)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.resources import resource_path
from console.training.scenario import FORMAT_ID, ScenarioError, load_scenario, parse_scenario

EXAMPLES = int(os.environ.get("TRAINING_FUZZ_EXAMPLES", "10000"))
GOOD = f"""format: {FORMAT_ID}
name: 测试
start: "09:00"
duration_min: 30
incidents:
  - at: "00:02:00"
    category: E0304
    source: camera_ai
    camera: CAM-LK01
  - at: 90
    category: 道路积水
    lon: 121.4166
    lat: 31.2197
    expect: {{respond_within_min: 5, officer: OF1}}
"""


def test_shipped_scenarios_load() -> None:
    folder = resource_path("training", "scenarios")
    files = sorted(folder.iterdir())
    assert {f.suffix for f in files} == {".yaml", ".json"}
    for f in files:
        sc = load_scenario(f)
        assert sc.incidents and all(0 <= i.offset_s <= sc.duration_min * 60 for i in sc.incidents)
        assert [i.offset_s for i in sc.incidents] == sorted(i.offset_s for i in sc.incidents)


def test_good_scenario_parses() -> None:
    sc = parse_scenario(GOOD)
    assert [i.offset_s for i in sc.incidents] == [90, 120]  # sorted by time
    assert sc.incidents[0].category == "E0109" and sc.incidents[0].expect is not None
    assert sc.incidents[0].expect.respond_within_min == 5.0
    assert sc.incidents[1].camera == "CAM-LK01" and sc.start_local is not None and sc.start_local.hour == 9


@pytest.mark.parametrize(("text", "path", "line", "zh", "en"), [
    (GOOD.replace("E0304", "X9999"), "incidents[0].category", 7, "未知案件类别", "unknown category"),
    (GOOD.replace('at: "00:02:00"', 'at: "00:99:00"'), "incidents[0].at", 6, "无效", "invalid time"),
    (GOOD.replace("lon: 121.4166", "lon: 999"), "incidents[1].lon", 12, "lon 应为", "lon must be"),
    (GOOD.replace("source: camera_ai", "source: pigeon"), "incidents[0].source", 8, "来源无效", "invalid source"),
    (GOOD.replace("duration_min: 30", "duration_min: 1"), "incidents[0].at", 6, "超出演练时长", "after the drill"),
    (GOOD.replace("name: 测试\n", ""), "name", 1, "缺少 name", "name is required"),
    (GOOD.replace("    camera: CAM-LK01\n", ""), "incidents[0]", 6, "须给出位置", "a place is required"),
    (GOOD + "colour: red\n", "colour", 15, "未知字段", "unknown field"),
    (GOOD.replace(FORMAT_ID, "drill/0"), "format", 1, "format 应为", "format must be"),
])
def test_bad_scenarios_name_field_and_line(text: str, path: str, line: int | None, zh: str, en: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, source="bad.yaml")
    issue = next(i for i in err.value.issues if i.path == path)
    assert issue.line == line and zh in issue.zh and en in issue.en
    assert "bad.yaml" in err.value.message_zh and path in err.value.message_en


def test_syntax_errors_give_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text(f"format: {FORMAT_ID}\nname: x\nincidents: [\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="YAML") as err:
        load_scenario(bad)
    assert err.value.issues[0].line is not None
    js = tmp_path / "s.json"
    js.write_text('{"format": "urbanops-drill/1",\n "name": }', encoding="utf-8")
    with pytest.raises(ScenarioError, match="JSON") as err2:
        load_scenario(js)
    assert err2.value.issues[0].line == 2
    with pytest.raises(ScenarioError, match="UTF-8"):
        (tmp_path / "b.yaml").write_bytes(b"\xff\xfe\x00bad")
        load_scenario(tmp_path / "b.yaml")
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")


leaf = st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=True),
                 st.text(max_size=12), st.sampled_from(["E0304", "道路积水", "camera_ai", "00:05:00", "CAM-LK01",
                                                        "09:00", "2026-11-23", FORMAT_ID]))
value = st.recursive(leaf, lambda c: st.lists(c, max_size=4) | st.dictionaries(
    st.sampled_from(["at", "category", "source", "lon", "lat", "camera", "expect", "officer", "name", "format",
                     "incidents", "duration_min", "start", "date", "respond_within_min", "x"]) | st.text(max_size=5),
    c, max_size=5), max_leaves=8)
good_doc = yaml.safe_load(GOOD)


def _mutated() -> st.SearchStrategy[str]:
    """Valid documents with a field swapped for anything, raw text, or generated structures, as YAML or JSON."""
    swap_top = st.builds(lambda k, v: {**good_doc, k: v}, st.sampled_from(sorted(good_doc)), value)
    swap_inc = st.builds(lambda i, k, v: {**good_doc, "incidents": [
        {**inc, k: v} if n == i else inc for n, inc in enumerate(good_doc["incidents"])]},
        st.integers(0, 1), st.sampled_from(["at", "category", "source", "lon", "lat", "camera", "expect", "priority"]),
        value)
    docs = st.one_of(swap_top, swap_inc, value)
    as_text = docs.map(lambda d: json.dumps(d, ensure_ascii=False, allow_nan=True, default=str))
    truncated = st.integers(0, len(GOOD)).map(lambda n: GOOD[:n])
    return st.one_of(as_text, truncated, st.text(max_size=120))


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_mutated(), as_json=st.booleans())
def test_parser_fuzz_only_raises_scenario_errors(text: str, as_json: bool) -> None:
    try:
        sc = parse_scenario(text, as_json=as_json)
    except ScenarioError as exc:
        assert exc.issues and exc.message_zh and exc.message_en
        return
    assert sc.name and all(0 <= i.offset_s <= sc.duration_min * 60 for i in sc.incidents)
