"""CLI: kpi / evaluate / report / export on a seeded SQLite world (direct calls of main, one real process)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from console.cli.main import main
from console.storage.db import open_database
from console.storage.models import CaseRow

ROOT = Path(__file__).resolve().parents[2]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _case_count(url: str) -> int:
    db = open_database(url)
    with db.read_session() as s:
        n = s.query(CaseRow).count()
    db.dispose()
    return n


def test_kpi_json_figures_are_consistent(seeded_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "kpi", "--db", seeded_url, "--from", "2025-01-01", "--to", "2030-12-31",
                        "--format", "json")
    assert code == 0
    data = json.loads(out)
    rows = {r["indicator"]: r for r in data["rows"]}
    assert rows["reports"]["numerator"] == _case_count(seeded_url)
    for r in data["rows"]:
        if r["kind"] == "ratio" and r["denominator"]:
            assert r["value"] == pytest.approx(r["numerator"] / r["denominator"], abs=1e-6)
            assert r["denominator_label"]
    code, out, _ = _run(capsys, "kpi", "--db", seeded_url, "--from", "2025-01-01", "--to", "2030-12-31",
                        "--by", "subdistrict", "--indicator", "reports", "--indicator", "结案率", "--format", "json")
    by_sub = json.loads(out)["rows"]
    assert sum(r["numerator"] for r in by_sub if r["indicator"] == "reports") == rows["reports"]["numerator"]
    assert sum(r["denominator"] for r in by_sub if r["indicator"] == "closure_rate") == \
        rows["closure_rate"]["denominator"]
    assert all(r["group_label"].endswith(("街道", "镇")) for r in by_sub)


def test_kpi_csv_table_drill_and_xlsx(seeded_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "kpi", "--db", seeded_url, "--from", "2025-01-01", "--to", "2030-12-31",
                        "--by", "source", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"numerator", "denominator", "value"} <= set(rows[0])
    code, out, _ = _run(capsys, "kpi", "--db", seeded_url, "--from", "2025-01-01", "--to", "2030-12-31")
    assert code == 0 and "按期结案率" in out and "应结案数" in out
    code, out, _ = _run(capsys, "kpi", "--db", seeded_url, "--from", "2025-01-01", "--to", "2030-12-31",
                        "--drill", "overdue_count", "--format", "json")
    drilled = json.loads(out)
    assert drilled["count"] == len(drilled["case_ids"]) and all(c.startswith("CN") for c in drilled["case_ids"])
    xlsx = tmp_path / "kpi.xlsx"
    code, _, _ = _run(capsys, "kpi", "--db", seeded_url, "--from", "2025-01-01", "--to", "2030-12-31",
                      "--format", "xlsx", "--out", str(xlsx))
    assert code == 0
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None and sheet.cell(1, 2).value == "指标" and sheet.max_row > 15


def test_kpi_bad_input_is_a_clear_error(seeded_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "kpi", "--db", seeded_url, "--from", "2026-13-01")
    assert code == 2 and "错误" in err and "error:" in err
    code, _, err = _run(capsys, "kpi", "--db", seeded_url, "--drill", "no_such_indicator")
    assert code == 2 and "no_such_indicator" in err
    code, _, err = _run(capsys, "report", "daily", "--db", seeded_url, "--out", "x.txt")
    assert code == 2 and ".pdf" in err


def test_evaluate_shows_how_scores_are_computed(seeded_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "evaluate", "--db", seeded_url, "--scheme", "squad", "--from", "2025-01-01",
                        "--to", "2030-12-31", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert len(data["scores"]) >= 10  # one per subdistrict squad (+ handling units assigned directly)
    for s in data["scores"]:
        assert s["grade"] in "ABCDE"
        assert sum(t["points"] for t in s["breakdown"]) == pytest.approx(s["score"], abs=0.01)
        assert "合计" in s["explain_zh"]


def test_daily_report_pdf_in_chinese(seeded_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "daily.pdf"
    code, _, _ = _run(capsys, "report", "daily", "--db", seeded_url, "--out", str(out))
    assert code == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
    assert b"WenQuanYi" in data  # the bundled CJK font is embedded
    weekly = tmp_path / "weekly.pdf"
    assert _run(capsys, "report", "weekly", "--db", seeded_url, "--out", str(weekly))[0] == 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        for phrase in ("长宁区城市管理日报", "结案率", "应结案" if "应结案" in text else "按期结案率", "中队综合评价"):
            assert phrase in text


def test_export_cases_csv_xlsx(seeded_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    n = _case_count(seeded_url)
    out = tmp_path / "cases.csv"
    assert _run(capsys, "export", "cases", "--db", seeded_url, "--format", "csv", "--out", str(out))[0] == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == n and rows[0]["案件编号"].startswith("CN") and rows[0]["超期"] in ("是", "否")
    xlsx = tmp_path / "cases.xlsx"
    assert _run(capsys, "export", "cases", "--db", seeded_url, "--format", "xlsx", "--out", str(xlsx))[0] == 0
    import openpyxl

    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None and sheet.max_row == n + 1


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_export_layers(seeded_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    for layer in ("grids", "subdistricts", "cases"):
        out = tmp_path / f"{layer}.{fmt}"
        assert _run(capsys, "export", "layer", "--db", seeded_url, "--layer", layer, "--format", fmt,
                    "--out", str(out))[0] == 0
        frame = gpd.read_file(out)
        assert len(frame) > 0 and frame.crs is not None and frame.crs.to_epsg() == 4326
        if layer == "subdistricts":
            assert len(frame) == 10 and "华阳路街道" in set(frame["name"])
        if layer == "cases":
            assert len(frame) == _case_count(seeded_url)


def test_html_map_opens_offline_in_a_real_process(seeded_url: str, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    env = {**os.environ, "URBANOPS_TILE_URL": ""}
    proc = subprocess.run([sys.executable, "-m", "console.cli.main", "export", "html-map", "--db", seeded_url,
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert not re.search(r'<script[^>]+src="https?:', page) and not re.search(r'<link[^>]+href="https?:', page)
    assert "Leaflet 1.9.4" in page and "L.map(" in page and "data:image/png;base64" in page
    assert "tileLayer" not in page.split("Leaflet 1.9.4", 1)[1].split("</script>", 1)[1]  # no tiles configured
    assert "长宁区城管案件分布" in page and ("华阳路街道" in page or "\\u534e\\u9633\\u8def" in page)
