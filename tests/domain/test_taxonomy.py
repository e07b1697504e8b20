"""Taxonomy: the bundled classes and rules, lookups, rule specificity, JSON shape, and file validation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from console.domain.calendar import Duration, TimeUnit
from console.domain.taxonomy import CATEGORY_COLUMNS, RULE_COLUMNS, default_taxonomy, load_taxonomy
from console.errors import DataFileError, ValidationError

TAX = default_taxonomy()


def wh(hours: float) -> Duration:
    return Duration(hours, TimeUnit.WORKING_HOURS)


# --- bundled data ----------------------------------------------------------------------------------------------
def test_bundled_classes_follow_the_brief() -> None:
    assert 40 <= len(TAX.categories) <= 60
    assert all(re.fullmatch(r"[EP]\d{4}", c) for c in TAX.categories)
    majors = {(k, m): n for k, m, n in TAX.majors()}
    assert majors[("part", "01")] == "公用设施" and majors[("part", "06")] == "其他设施"
    assert majors[("event", "01")] == "市容环境" and majors[("event", "04")] == "突发事件"
    assert majors[("event", "05")] == "街面秩序"
    names = {c.minor_name for c in TAX.categories.values()}
    for name in ("暴露垃圾", "积存渣土", "道路不洁", "私搭乱建", "非法小广告", "乱涂写", "乱张贴", "乱刻画", "违规户外广告",
                 "施工扰民", "施工占道", "工地扬尘", "占道经营", "机动车乱停放", "非机动车乱停放", "垃圾桶满溢",
                 "渣土车未密闭", "垃圾分类不规范", "上水井盖", "污水井盖", "井盖缺失", "道路积水"):
        assert name in names, name
    assert TAX.get("E0101").kind == "event" and TAX.get("P0101").kind_zh == "部件"


def test_flags_are_typed_and_meaningful() -> None:
    muck = [c for c in TAX.categories.values() if c.domain == "muck_truck"]
    assert muck and all(c.enforcement and c.legal_review_required and not c.resident_facing for c in muck)
    assert TAX.find("私搭乱建").legal_review_required is True
    assert TAX.find("暴露垃圾").enforcement is False
    resident = TAX.resident_facing()
    assert 0 < len(resident) < len(TAX.categories) and all(c.resident_facing for c in resident)


def test_every_category_has_a_default_rule() -> None:
    for code in TAX.categories:
        rule = TAX.rule_for(code, "*")
        assert rule.priority == "*" and rule.region_class == "*"


def test_brief_examples_and_stages() -> None:
    assert TAX.rule_for("E0101", "B").disposal == wh(4)  # 暴露垃圾 4 工作时
    assert TAX.rule_for("E0103", "B").disposal == wh(2)  # 道路不洁 2 工作时
    stages = TAX.rule_for("E0507", "B").stages  # 私搭乱建 staged
    assert [(s.name, s.limit) for s in stages] == [
        ("stop_work", wh(4)), ("penalty", Duration(7, TimeUnit.WORKING_DAYS)),
        ("demolish", Duration(20, TimeUnit.WORKING_DAYS))]


# --- lookups ---------------------------------------------------------------------------------------------------
def test_find_by_code_name_and_label() -> None:
    assert TAX.find("E0101").minor_name == "暴露垃圾"
    assert TAX.find(" e0101 ").code == "E0101"
    assert TAX.find("暴露垃圾").code == "E0101"
    assert TAX.find("市容环境/暴露垃圾").code == "E0101"


def test_unknown_category_is_a_validation_error_with_a_hint() -> None:
    with pytest.raises(ValidationError) as err:
        TAX.find("暴露拉圾")
    assert "暴露垃圾" in err.value.message_zh and "暴露垃圾" in err.value.message_en
    with pytest.raises(ValidationError) as err:
        TAX.get("E9999")
    assert "E9999" in err.value.message_en
    with pytest.raises(ValidationError):
        TAX.rule_for("X1", "B")
    with pytest.raises(ValidationError) as err:
        TAX.get("zzzzzzzz")
    assert "urbanops taxonomy" in err.value.message_en  # no close match: says where to look


def test_rule_specificity() -> None:
    # Rows for E0101: (*,*) 4 wh, (urgent,*) 2 urgent h, (A,*) 3 wh, (*,core) 2 wh.
    assert TAX.rule_for("E0101", "B").disposal == wh(4)
    assert TAX.rule_for("E0101", "C", "elsewhere").disposal == wh(4)
    assert TAX.rule_for("E0101", "A").disposal == wh(3)
    assert TAX.rule_for("E0101", "B", "core").disposal == wh(2)
    assert TAX.rule_for("E0101", "A", "core").disposal == wh(3)  # exact priority outranks exact region
    assert TAX.rule_for("E0101", "urgent", "core").disposal == Duration(2, TimeUnit.URGENT_HOURS)
    assert [r.priority for r in TAX.rules_for_code("E0101")] == ["*", "urgent", "A", "*"]
    with pytest.raises(ValidationError):
        TAX.rule_for("E0101", "Z")


def test_rule_specificity_in_a_custom_table(tmp_path: Path) -> None:
    write_taxonomy(tmp_path, [ROW], [
        "E0101,*,*,f,8,working_hours,,c,u,s",
        "E0101,*,core,f,6,working_hours,,c,u,s",
        "E0101,B,*,f,4,working_hours,,c,u,s",
        "E0101,B,core,f,1,working_hours,,c,u,s",
    ])
    tax = load_taxonomy(tmp_path)
    assert tax.rule_for("E0101", "B", "core").disposal == wh(1)
    assert tax.rule_for("E0101", "B").disposal == wh(4)
    assert tax.rule_for("E0101", "C", "core").disposal == wh(6)
    assert tax.rule_for("E0101", "C").disposal == wh(8)


def test_to_json_is_stable_and_serialisable() -> None:
    data = TAX.to_json()
    assert list(data) == ["format", "majors", "categories", "rules"]
    assert data["format"] == "urbanops.taxonomy/1"
    cat = data["categories"][0]
    assert set(CATEGORY_COLUMNS) <= set(cat) and cat["label_zh"] == "市容环境/暴露垃圾"
    assert cat["resident_facing"] is True
    rule = next(r for r in data["rules"] if r["code"] == "E0507" and r["priority"] == "*")
    assert rule["disposal"] == {"amount": 20.0, "unit": "working_days", "label_zh": "20工作日"}
    assert rule["stages"][0] == {"name": "stop_work", "amount": 4.0, "unit": "working_hours", "label_zh": "4工作时"}
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert len(data["categories"]) == len(TAX.categories) and len(data["rules"]) == len(TAX.rules)
    assert TAX.to_json() == data


# --- malformed files -------------------------------------------------------------------------------------------
HEADER = ",".join(CATEGORY_COLUMNS)
RHEADER = ",".join(RULE_COLUMNS)
ROW = "event,事件,01,市容环境,01,暴露垃圾,E0101,1,0,0,other,B,trash"
ROW2 = "event,事件,01,市容环境,02,积存渣土,E0102,1,0,0,other,B,truck"
RULE = "E0101,*,*,f,4,working_hours,,c,u,s"
RULE2 = "E0102,*,*,f,1,working_days,,c,u,s"


def write_taxonomy(directory: Path, cats: list[str], rules: list[str], *, header: str = HEADER,
                   rheader: str = RHEADER) -> None:
    (directory / "categories.csv").write_text("\n".join([header, *cats]) + "\n", encoding="utf-8")
    (directory / "sla_rules.csv").write_text("\n".join([rheader, *rules]) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("cats", "rules", "where", "needle"), [
    (["event,E0101"], [RULE], "categories.csv:1", "missing columns"),  # header only has two columns (see below)
    ([ROW.replace("E0101", "E01X1")], [RULE], "categories.csv:2", "code"),
    ([ROW.replace(",E0101,", ",E0102,")], [RULE], "categories.csv:2", "code"),
    ([ROW.replace(",01,暴露", ",1,暴露").replace("E0101", "E011")], [RULE], "categories.csv:2", "2 digits"),
    ([ROW, ROW2, ROW], [RULE, RULE2], "categories.csv:4", "duplicate code"),
    ([ROW.replace("event,事件", "thing,事件")], [RULE], "categories.csv:2", "kind"),
    ([ROW.replace("事件", "部件")], [RULE], "categories.csv:2", "kind_zh"),
    ([ROW.replace(",1,0,0,", ",yes,0,0,")], [RULE], "categories.csv:2", "resident_facing"),
    ([ROW.replace(",other,", ",parks,")], [RULE], "categories.csv:2", "domain"),
    ([ROW.replace(",B,trash", ",D,trash")], [RULE], "categories.csv:2", "default_priority"),
    ([ROW, ROW2.replace("市容环境", "环境卫生")], [RULE, RULE2], "categories.csv:3", "major 01"),
    ([ROW + ",extra"], [RULE], "categories.csv:2", "more fields"),
    ([ROW], [RULE, "E0999,*,*,x,4,working_hours,,y,z,w"], "sla_rules.csv:3", "unknown code"),
    ([ROW], ["E0101,*,*,x,4,fortnights,,y,z,w"], "sla_rules.csv:2", "unknown unit"),
    ([ROW], ["E0101,*,*,x,-4,working_hours,,y,z,w"], "sla_rules.csv:2", "positive"),
    ([ROW], ["E0101,*,*,x,four,working_hours,,y,z,w"], "sla_rules.csv:2", "not a number"),
    ([ROW], ["E0101,*,*,x,4,working_hours,stop:4,y,z,w"], "sla_rules.csv:2", "name:amount:unit"),
    ([ROW], ["E0101,*,*,x,4,working_hours,stop:4:eons,y,z,w"], "sla_rules.csv:2", "unknown unit"),
    ([ROW], [RULE, "E0101,Q,*,x,4,working_hours,,y,z,w"], "sla_rules.csv:3", "invalid priority"),
    ([ROW], [RULE, RULE], "sla_rules.csv:3", "duplicate rule"),
    ([ROW], ["E0101,B,*,x,4,working_hours,,y,z,w"], "sla_rules.csv", "no '*' rule"),
    ([ROW, ROW2], [RULE], "sla_rules.csv", "E0102"),
    ([], [], "categories.csv", "no categories"),
])
def test_malformed_taxonomy(tmp_path: Path, cats: list[str], rules: list[str], where: str, needle: str) -> None:
    header = "kind,code" if cats == ["event,E0101"] else HEADER
    write_taxonomy(tmp_path, cats, rules, header=header)
    with pytest.raises(DataFileError) as err:
        load_taxonomy(tmp_path)
    assert where in err.value.message_en and needle in err.value.message_en
    assert where in err.value.message_zh


def test_rules_file_missing_column_and_missing_files(tmp_path: Path) -> None:
    write_taxonomy(tmp_path, [ROW], ["E0101,*,*,f,4"], rheader="code,priority,region_class,filing_condition,"
                   "disposal_amount")
    with pytest.raises(DataFileError) as err:
        load_taxonomy(tmp_path)
    assert "sla_rules.csv:1" in err.value.message_en and "disposal_unit" in err.value.message_en
    with pytest.raises(DataFileError):
        load_taxonomy(tmp_path / "nowhere")
    (tmp_path / "categories.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DataFileError) as err:
        load_taxonomy(tmp_path)
    assert "UTF-8" in err.value.message_en


def test_minimal_valid_taxonomy_with_bom_and_blank_region(tmp_path: Path) -> None:
    write_taxonomy(tmp_path, [ROW], ["E0101,*,,f,4,working_hours, stop:1:urgent_hours ,c,u,s"])
    path = tmp_path / "categories.csv"
    path.write_bytes("\ufeff".encode() + path.read_bytes())
    tax = load_taxonomy(tmp_path)
    rule = tax.rule_for("E0101", "B")
    assert rule.region_class == "*" and rule.stages[0].limit == Duration(1, TimeUnit.URGENT_HOURS)
    assert tax.get("E0101").resident_facing is True and tax.get("E0101").enforcement is False
