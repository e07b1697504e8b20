"""Case lists and KPI tables to CSV/XLSX; map layers (grids, subdistricts, communities, cases) to GeoJSON/GeoPackage.

CSV is written as UTF-8 with a BOM so Excel on a Chinese Windows desktop opens it without mojibake.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
from sqlalchemy import select

from console.analytics.engine import KpiRow
from console.domain.enums import STATUS_LABELS_ZH, CaseStatus, SourceChannel
from console.domain.taxonomy import default_taxonomy
from console.errors import ValidationError
from console.storage.db import Database
from console.storage.models import CaseRow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
CASE_EXPORT_COLUMNS = {
    "id": "案件编号", "status_zh": "状态", "category_code": "类别编码", "category": "类别", "source_zh": "来源",
    "priority": "紧急程度", "subdistrict_name": "街道", "community_name": "社区", "grid_code": "单元网格",
    "assignee": "处置人员/单位", "created_local": "上报时间", "disposal_deadline_local": "处置时限",
    "closed_local": "结案时间", "overdue": "超期", "stats_exempt": "申诉免责", "rework_count": "返工次数",
    "address": "地址", "lon": "经度(WGS-84)", "lat": "纬度(WGS-84)",
}
LAYERS = ("grids", "subdistricts", "communities", "cases")


def _local(values: pd.Series) -> pd.Series:
    """UTC instants (datetimes or ISO text, None/NaT allowed) → local "YYYY-MM-DD HH:MM" text ("" when missing)."""
    ts = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    return ts.dt.tz_convert(LOCAL_TZ).dt.strftime("%Y-%m-%d %H:%M").fillna("")


def load_case_table(db: Database, *, open_only: bool = False, now_utc: datetime | None = None) -> pd.DataFrame:
    """One row per case with Chinese labels; ``overdue`` includes open cases past their disposal deadline."""
    t = CaseRow.__table__
    cols = ["id", "status", "category_code", "source", "priority", "subdistrict_code", "subdistrict_name",
            "community_name", "grid_code", "assignee", "created_at", "disposal_deadline_utc", "closed_at", "overdue",
            "stats_exempt", "rework_count", "address", "lon", "lat", "supervised"]
    stmt = select(*[t.c[c] for c in cols]).order_by(t.c.created_at)
    if open_only:
        stmt = stmt.where(t.c.status.notin_(("closed", "voided")))
    with db.read_session() as s:
        rows = [tuple(r) for r in s.execute(stmt)]
    df = pd.DataFrame(rows, columns=cols)
    now = now_utc or datetime.now(UTC)
    tax = default_taxonomy()
    df["category"] = df["category_code"].map(lambda c: tax.categories[c].minor_name if c in tax.categories else c)
    df["status_zh"] = df["status"].map(lambda s: STATUS_LABELS_ZH.get(CaseStatus(s), s) if s else "")
    df["source_zh"] = df["source"].map(lambda s: SourceChannel(s).label_zh if s in SourceChannel._value2member_map_
                                       else s)
    deadline = pd.to_datetime(df["disposal_deadline_utc"], utc=True)
    is_open = ~df["status"].isin(["closed", "voided", "hung"])
    df["overdue"] = df["overdue"].fillna(False).astype(bool) | (is_open & deadline.notna() & (deadline < now))
    df["created_local"] = _local(df["created_at"])
    df["disposal_deadline_local"] = _local(df["disposal_deadline_utc"])
    df["closed_local"] = _local(df["closed_at"])
    return df


def _write_table(frame: pd.DataFrame, path: Path, fmt: str, sheet: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        frame.to_excel(path, index=False, sheet_name=sheet, engine="openpyxl")
    else:
        raise ValidationError(f"不支持的格式 {fmt}（csv、xlsx）", f"unsupported format {fmt} (csv, xlsx)")
    return path


def export_cases(db: Database, path: Path, fmt: str, *, open_only: bool = False) -> int:
    """Write the case list; returns the number of rows."""
    df = load_case_table(db, open_only=open_only)
    out = df[list(CASE_EXPORT_COLUMNS)].rename(columns=CASE_EXPORT_COLUMNS)
    out["超期"] = out["超期"].map({True: "是", False: "否"})
    out["申诉免责"] = out["申诉免责"].map(lambda v: "是" if v else "否")
    _write_table(out, path, fmt, "案件清单")
    return len(out)


def kpi_frame(rows: Sequence[KpiRow]) -> pd.DataFrame:
    records = [r.to_json() for r in rows]
    columns = {"indicator": "指标编号", "name_zh": "指标", "group_label": "分组", "numerator_label": "分子",
               "numerator": "分子值", "denominator_label": "分母", "denominator": "分母值", "value_text": "值",
               "previous_value": "上期值", "change": "变化"}
    return pd.DataFrame(records, columns=list(columns)).rename(columns=columns)


def export_kpi_table(rows: Sequence[KpiRow], path: Path, fmt: str) -> Path:
    return _write_table(kpi_frame(rows), path, fmt, "指标")


def layer_frame(db: Database, layer: str) -> gpd.GeoDataFrame:
    """A map layer as a GeoDataFrame in WGS-84 (EPSG:4326)."""
    if layer not in LAYERS:
        raise ValidationError(f"未知图层 {layer}（可用：{', '.join(LAYERS)}）", f"unknown layer {layer}; use {LAYERS}")
    if layer == "cases":
        df = load_case_table(db)
        keep = ["id", "status", "status_zh", "category_code", "category", "source", "subdistrict_name",
                "community_name", "grid_code", "assignee", "created_local", "closed_local", "overdue"]
        return gpd.GeoDataFrame(df[keep].copy(), geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs="EPSG:4326")
    from console.services.geo_context import load_geo_context

    frame: gpd.GeoDataFrame = load_geo_context(db).geography.layer(layer).copy()
    for col in frame.columns:
        if col != "geometry" and frame[col].dtype == object:
            frame[col] = frame[col].astype(str)
    return frame.to_crs("EPSG:4326") if frame.crs is not None else frame.set_crs("EPSG:4326")


def export_layer(db: Database, layer: str, path: Path, fmt: str) -> int:
    """Write one layer to GeoJSON or a GeoPackage (layer name = ``layer``); returns the feature count."""
    frame = layer_frame(db, layer)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "geojson":
        frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    elif fmt == "gpkg":
        frame.to_file(path, driver="GPKG", layer=layer, engine="pyogrio")
    else:
        raise ValidationError(f"不支持的格式 {fmt}（geojson、gpkg）", f"unsupported format {fmt} (geojson, gpkg)")
    return len(frame)
