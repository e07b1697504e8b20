"""The ``urbanops`` CLI as a user runs it: real processes, real databases, exit codes and messages."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("URBANOPS_DB", None)
    return subprocess.run([sys.executable, "-m", "console.cli.main", *args], capture_output=True, text=True,
                          cwd=ROOT, env=full_env, timeout=300)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    url = f"sqlite:///{path}"
    # 20:00 Shanghai: yesterday's history and most of today's (the history ends at --now, never in the future)
    result = cli("seed", "--demo", "--db", url, "--days", "2", "--scale", "0.3", "--seed", "5",
                 "--now", "2026-11-27T20:00")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["cases"] > 300 and report["workrooms"] == 188 and report["ai_cameras"] == 20
    return url


def test_seeded_history_never_reaches_past_its_now(seeded: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(seeded)
    with engine.connect() as conn:
        last_case = conn.execute(text("SELECT max(created_at) FROM cases")).scalar_one()
        last_event = conn.execute(text("SELECT max(ts_utc) FROM events")).scalar_one()
    engine.dispose()
    assert str(last_case) <= "2026-11-27 12:00:00.000000" >= str(last_event)  # 20:00 local in UTC
    assert str(last_case) >= "2026-11-27 10:00:00"  # and the day was busy until shortly before


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("urbanops ")


def test_cases_list_json_has_grid_codes_and_subdistricts(seeded: str) -> None:
    result = cli("cases", "list", "--db", seeded, "--format", "json")
    assert result.returncode == 0, result.stderr
    cases = json.loads(result.stdout)
    assert len(cases) > 300
    for case in cases:
        assert len(case["grid_code"]) == 15 and case["grid_code"].startswith("310105")
        assert case["subdistrict"] and case["community"] and case["category_minor_name"]
        assert case["grid_code"][:12] == case["community_code"]
    statuses = {c["status"] for c in cases}
    assert {"closed", "handling"} <= statuses or {"closed", "dispatched"} <= statuses


def test_new_case_then_illegal_action_is_refused_and_writes_nothing(seeded: str) -> None:
    made = cli("case", "new", "--db", seeded, "--category", "暴露垃圾", "--lon", "121.4166", "--lat", "31.2197",
               "--source", "hotline_12345", "--desc", "中山公园门口垃圾", "--as", "受理员:li")
    assert made.returncode == 0, made.stderr
    case = json.loads(made.stdout)
    assert case["status"] == "reported" and case["subdistrict"] and case["deadline"]
    before = json.loads(cli("events", "--db", seeded, "--case", case["id"], "--format", "json").stdout)
    refused = cli("case", "act", case["id"], "close", "--db", seeded, "--as", "值班长:zhang")
    assert refused.returncode == 2
    assert "不能执行“结案”" in refused.stderr and "cannot close" in refused.stderr
    wrong_role = cli("case", "act", case["id"], "accept", "--db", seeded, "--as", "派遣员:wang")
    assert wrong_role.returncode == 2 and "无权" in wrong_role.stderr
    after = json.loads(cli("events", "--db", seeded, "--case", case["id"], "--format", "json").stdout)
    assert after == before
    ok = cli("case", "act", case["id"], "accept", "--db", seeded, "--as", "受理员:li")
    assert ok.returncode == 0 and json.loads(ok.stdout)["status"] == "accepted"


@pytest.mark.parametrize(("args", "needle"), [
    (["--category", "E9999", "--lon", "121.41", "--lat", "31.21"], "未知"),
    (["--category", "暴露垃圾", "--lon", "121.60", "--lat", "31.21"], "不在长宁区"),
    (["--category", "暴露垃圾", "--lon", "nan", "--lat", "31.21"], "坐标无效"),
    (["--category", "暴露垃圾", "--lon", "inf", "--lat", "31.21"], "坐标无效"),
    (["--category", "暴露垃圾", "--lon", "abc", "--lat", "31.21"], "坐标无效"),
])
def test_bad_case_input_exits_2_with_message(seeded: str, args: list[str], needle: str) -> None:
    count = len(json.loads(cli("events", "--db", seeded, "--format", "json").stdout))
    result = cli("case", "new", "--db", seeded, *args, "--source", "inspector", "--as", "监督员:a")
    assert result.returncode == 2 and needle in result.stderr, result.stderr
    assert len(json.loads(cli("events", "--db", seeded, "--format", "json").stdout)) == count


def test_audit_verify_passes_then_fails_after_hand_edit(tmp_path: Path, seeded: str) -> None:
    src = Path(seeded.removeprefix("sqlite:///"))
    copy = tmp_path / "copy.db"
    with sqlite3.connect(src) as a, sqlite3.connect(copy) as b:
        a.backup(b)
    url = f"sqlite:///{copy}"
    ok = cli("audit", "verify", "--db", url)
    assert ok.returncode == 0 and "intact" in ok.stdout
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE events SET reason = 'edited' WHERE seq = 50")
    broken = cli("audit", "verify", "--db", url)
    assert broken.returncode != 0 and "event 50" in broken.stderr


def test_unreachable_and_newer_schema_databases(tmp_path: Path) -> None:
    unreachable = cli("cases", "list", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert unreachable.returncode == 2 and "无法连接数据库" in unreachable.stderr
    missing_dir = cli("cases", "list", "--db", f"sqlite:///{tmp_path}/no/such/dir/x.db")
    assert missing_dir.returncode == 2
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    assert cli("db", "upgrade", "--db", url).returncode == 0
    with sqlite3.connect(tmp_path / "newer.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    newer = cli("cases", "list", "--db", url)
    assert newer.returncode == 2 and "比本程序新" in newer.stderr
    empty = cli("cases", "list", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert empty.returncode == 2 and "db upgrade" in empty.stderr


def test_malformed_taxonomy_and_calendar_files_exit_2(tmp_path: Path, seeded: str) -> None:
    bad_tax = tmp_path / "tax"
    bad_tax.mkdir()
    (bad_tax / "categories.csv").write_text("kind,code\nevent,E01\n", encoding="utf-8")
    (bad_tax / "sla_rules.csv").write_text("code\n", encoding="utf-8")
    result = cli("taxonomy", env={"URBANOPS_TAXONOMY_DIR": str(bad_tax)})
    assert result.returncode == 2 and "categories.csv" in result.stderr
    bad_cal = tmp_path / "cal.yaml"
    bad_cal.write_text("timezone: Asia/Shanghai\nworking_windows: [[\"25:00\", \"12:00\"]]\n", encoding="utf-8")
    result = cli("case", "new", "--db", seeded, "--category", "暴露垃圾", "--lon", "121.4166", "--lat", "31.2197",
                 "--source", "inspector", "--as", "监督员:a", env={"URBANOPS_CALENDAR_FILE": str(bad_cal)})
    assert result.returncode == 2 and "cal.yaml" in result.stderr


def test_workflow_and_taxonomy_json() -> None:
    wf = json.loads(cli("workflow", "--format", "json").stdout)
    assert any(a["action"] == "return" and a["reason_required"] for a in wf["actions"])
    tax = cli("taxonomy", "--format", "json")
    assert tax.returncode == 0
    data = json.loads(tax.stdout)
    assert data


def test_rebuild_projections_gives_same_state(tmp_path: Path, seeded: str) -> None:
    src = Path(seeded.removeprefix("sqlite:///"))
    copy = tmp_path / "rb.db"
    with sqlite3.connect(src) as a, sqlite3.connect(copy) as b:
        a.backup(b)
    url = f"sqlite:///{copy}"
    before = json.loads(cli("cases", "list", "--db", url, "--format", "json").stdout)
    assert cli("db", "rebuild-projections", "--db", url).returncode == 0
    after = json.loads(cli("cases", "list", "--db", url, "--format", "json").stdout)
    strip = lambda cs: [{k: v for k, v in c.items() if k != "sla_light"} for c in cs]  # noqa: E731
    assert strip(before) == strip(after)
