"""Import official boundary layers (GeoJSON, GeoPackage, Shapefile) that replace the approximate demo partition.

``read_layer`` reads a file, works out its coordinate system, converts it to WGS-84 and renames the code/name columns
to ours; ``apply_import`` puts the layer into a Geography and rebuilds everything derived from it.

Coordinate systems: the ``crs`` argument wins over the file ("wgs84", "cgcs2000", "gcj02", or anything pyproj accepts,
e.g. "EPSG:4549" or "4549"); without it the file's own CRS is used, except that a file whose name contains "gcj02" is
taken as GCJ-02 (a GeoJSON file always claims WGS-84, even when it holds AMap coordinates). "cgcs2000" means geographic
CGCS2000 (EPSG:4490) for degree coordinates and CGCS2000 / 3-degree GK CM 120°E (EPSG:4549) for metre coordinates.

Column mapping (case-insensitive; first match wins) — see ``COLUMN_ALIASES``:
  subdistricts: code ← code, adcode, XZQDM, JDDM, DM, QHDM, 行政区划代码, 区划代码, 街道代码, 代码;
                name ← name, XZQMC, JDMC, MC, QHMC, 行政区划名称, 街道名称, 名称
  communities:  code ← code, adcode, XZQDM, SQDM, JWDM, DM, QHDM, 行政区划代码, 社区代码, 居委代码, 代码;
                name ← name, XZQMC, SQMC, JWMC, MC, 社区名称, 居委名称, 名称;
                subdistrict_code (optional) ← subdistrict_code, parent_code, JDDM, 街道代码
  grids:        grid_code ← grid_code, code, WGBM, WGDM, BGID, 网格编码, 网格代码, 单元网格编码, 代码
  streets:      code (optional) ← code, id, osm_id, DM; name (optional) ← name, LM, MC, 路名, 道路名称, 名称
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Final, Literal, get_args

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from console.errors import DataFileError
from console.geo.gcj02 import coords_gcj02_to_wgs84
from console.geo.geodata import Geography, build_geography_from_layers, make_layer
from console.geo.partition import polygonal

ImportLayer = Literal["subdistricts", "communities", "grids", "streets"]
IMPORT_LAYERS: Final[tuple[str, ...]] = get_args(ImportLayer)
POLYGON_LAYERS: Final = frozenset({"subdistricts", "communities", "grids"})
READABLE_SUFFIXES: Final = frozenset({".geojson", ".json", ".gpkg", ".shp", ".zip"})

COLUMN_ALIASES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "subdistricts": {
        "code": ("code", "adcode", "xzqdm", "jddm", "dm", "qhdm", "行政区划代码", "区划代码", "街道代码", "代码"),
        "name": ("name", "xzqmc", "jdmc", "mc", "qhmc", "行政区划名称", "街道名称", "名称"),
    },
    "communities": {
        "code": ("code", "adcode", "xzqdm", "sqdm", "jwdm", "dm", "qhdm", "行政区划代码", "社区代码", "居委代码", "代码"),
        "name": ("name", "xzqmc", "sqmc", "jwmc", "mc", "社区名称", "居委名称", "名称"),
        "subdistrict_code": ("subdistrict_code", "parent_code", "jddm", "街道代码"),
    },
    "grids": {
        "grid_code": ("grid_code", "code", "wgbm", "wgdm", "bgid", "网格编码", "网格代码", "单元网格编码", "代码"),
    },
    "streets": {
        "code": ("code", "id", "osm_id", "dm"),
        "name": ("name", "lm", "mc", "路名", "道路名称", "名称"),
    },
}
REQUIRED_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "subdistricts": ("code", "name"), "communities": ("code", "name"), "grids": ("grid_code",), "streets": (),
}
_LAYER_ZH: Final = {"subdistricts": "街道", "communities": "社区", "grids": "单元网格", "streets": "道路"}


def _fail(zh: str, en: str) -> DataFileError:
    return DataFileError(zh, en)


def resolve_crs(crs: str | int, *, projected_coordinates: bool = False) -> CRS | Literal["gcj02"]:
    """Turn the user's CRS word or code into a pyproj CRS, or the marker "gcj02"."""
    word = str(crs).strip().lower().replace("-", "").replace("_", "")
    if word in ("gcj02", "gcj", "amap", "mars"):
        return "gcj02"
    if word in ("wgs84", "wgs", "4326", "epsg:4326"):
        return CRS.from_epsg(4326)
    if word in ("cgcs2000", "cgcs"):
        return CRS.from_epsg(4549 if projected_coordinates else 4490)
    try:
        return CRS.from_user_input(int(word) if word.isdigit() else str(crs))
    except CRSError as exc:
        raise _fail(f"无法识别坐标系“{crs}”（可用 wgs84、cgcs2000、gcj02 或 EPSG 代码）",
                    f"unknown coordinate system {crs!r} (use wgs84, cgcs2000, gcj02 or an EPSG code)") from exc


def read_layer(path: str | Path, crs: str | None = None, layer: ImportLayer | None = None) -> gpd.GeoDataFrame:
    """Read a boundary/street file into WGS-84 with our column names; with ``layer``, also validate it for that layer."""
    file = Path(path)
    if not file.exists():
        raise _fail(f"文件不存在：{file}", f"file not found: {file}")
    if file.suffix.lower() not in READABLE_SUFFIXES:
        raise _fail(f"不支持的文件类型：{file.suffix}（支持 GeoJSON、GeoPackage、Shapefile）",
                    f"unsupported file type {file.suffix!r} (GeoJSON, GeoPackage or Shapefile)")
    try:
        gdf = gpd.read_file(file)
    except Exception as exc:  # pyogrio/GDAL raise many kinds; all mean "not a readable layer"
        raise _fail(f"无法读取图层文件 {file.name}：{exc}", f"cannot read layer file {file.name}: {exc}") from exc
    if len(gdf) == 0:
        raise _fail(f"图层文件 {file.name} 没有要素", f"layer file {file.name} holds no features")
    if crs is None and "gcj02" in file.name.lower().replace("-", "").replace("_", ""):
        crs = "gcj02"
    gdf = to_wgs84_frame(gdf, crs, file.name)
    if layer is not None:
        gdf = validate_layer(gdf, layer)
    return gdf


def to_wgs84_frame(gdf: gpd.GeoDataFrame, crs: str | None, label: str = "layer") -> gpd.GeoDataFrame:
    """Reproject (or GCJ-02-convert) a frame to EPSG:4326 and check the result looks like lon/lat."""
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if gdf.geometry.isna().any() or shapely.is_empty(geoms).any():
        raise _fail(f"{label} 含有空几何", f"{label} has features without geometry")
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    projected = max(abs(minx), abs(maxx), abs(miny), abs(maxy)) > 360.0
    if crs is not None:
        target = resolve_crs(crs, projected_coordinates=projected)
        if target == "gcj02":
            out = gdf.set_geometry(shapely.transform(geoms, coords_gcj02_to_wgs84), crs=None)
            out = out.set_crs(4326, allow_override=True)
        else:
            _check_units(target, projected, label)
            out = gdf.set_crs(target, allow_override=True).to_crs(4326)
    elif gdf.crs is None:
        raise _fail(f"{label} 未声明坐标系，请指定（wgs84、cgcs2000、gcj02 或 EPSG 代码）",
                    f"{label} declares no coordinate system; pass one (wgs84, cgcs2000, gcj02 or an EPSG code)")
    else:
        _check_units(CRS.from_user_input(gdf.crs), projected, label)
        out = gdf.to_crs(4326)
    lon0, lat0, lon1, lat1 = shapely.total_bounds(np.asarray(out.geometry.values, dtype=object))
    if not (np.isfinite([lon0, lat0, lon1, lat1]).all() and -180 <= lon0 <= lon1 <= 180 and -90 <= lat0 <= lat1 <= 90):
        raise _fail(f"{label} 坐标超出经纬度范围：坐标系设置有误", f"{label} coordinates are not lon/lat after conversion: "
                    "wrong coordinate system")
    return out


def _check_units(crs: CRS, projected_coordinates: bool, label: str) -> None:
    if crs.is_projected and not projected_coordinates:
        raise _fail(f"{label} 的坐标像经纬度，但坐标系 {crs.to_string()} 是投影坐标系：坐标系设置有误",
                    f"{label} coordinates look like degrees but {crs.to_string()} is projected: wrong coordinate system")


def _find_column(columns: list[str], aliases: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): str(c) for c in columns}
    for alias in aliases:
        if alias.lower() in lowered:
            return lowered[alias.lower()]
    return None


def validate_layer(gdf: gpd.GeoDataFrame, layer: str) -> gpd.GeoDataFrame:
    """Rename code/name columns to ours, check required columns, geometry kinds and blanks; repair invalid polygons."""
    if layer not in IMPORT_LAYERS:
        raise _fail(f"未知图层：{layer}", f"unknown layer {layer!r} (one of {', '.join(IMPORT_LAYERS)})")
    zh = _LAYER_ZH[layer]
    if len(gdf) == 0:
        raise _fail(f"{zh}图层为空", f"the {layer} layer is empty")
    if gdf.crs is None or CRS.from_user_input(gdf.crs).to_epsg() != 4326:
        raise _fail(f"{zh}图层必须先转换为 WGS-84", f"the {layer} layer must be in WGS-84 (read it with read_layer)")
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    renames: dict[str, str] = {}
    for ours, aliases in COLUMN_ALIASES[layer].items():
        found = _find_column(columns, aliases)
        if found is not None and found not in renames:
            renames[found] = ours
    out = gdf.rename(columns=renames)
    missing = [c for c in REQUIRED_COLUMNS[layer] if c not in out.columns]
    if missing:
        wanted = "; ".join(f"{c}: {', '.join(COLUMN_ALIASES[layer][c])}" for c in missing)
        raise _fail(f"{zh}图层缺少必需字段 {', '.join(missing)}（可用字段名：{wanted}）",
                    f"the {layer} layer lacks required column(s) {', '.join(missing)} (accepted names: {wanted})")
    for col in REQUIRED_COLUMNS[layer]:
        values = out[col]
        blank = values.isna() | (values.astype(str).str.strip() == "")
        if bool(blank.any()):
            raise _fail(f"{zh}图层字段 {col} 有 {int(blank.sum())} 个空值", f"the {layer} layer has {int(blank.sum())} "
                        f"blank value(s) in {col}")
    kinds = set(out.geometry.geom_type.tolist())
    allowed = {"Polygon", "MultiPolygon"} if layer in POLYGON_LAYERS else {"LineString", "MultiLineString"}
    if not kinds <= allowed:
        raise _fail(f"{zh}图层的几何类型应为{'面' if layer in POLYGON_LAYERS else '线'}，实际为 {', '.join(sorted(kinds))}",
                    f"the {layer} layer must hold {'polygons' if layer in POLYGON_LAYERS else 'lines'}, "
                    f"found {', '.join(sorted(kinds))}")
    if layer in POLYGON_LAYERS:
        geoms = [polygonal(g) for g in out.geometry.values]
        empty = sum(1 for g in geoms if g.is_empty)
        if empty:
            raise _fail(f"{zh}图层有 {empty} 个无法修复的无效多边形", f"the {layer} layer has {empty} invalid polygon(s) "
                        "that cannot be repaired")
        out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=4326))
    return out


def _overlaps_district(geography: Geography, gdf: gpd.GeoDataFrame, layer: str) -> None:
    district = geography.district.geometry.iloc[0]
    if not bool(shapely.intersects(np.asarray(gdf.geometry.values, dtype=object), district).any()):
        raise _fail(f"{_LAYER_ZH[layer]}图层与区界不相交：坐标系可能有误", f"the {layer} layer does not overlap the district: "
                    "check its coordinate system")


def _communities_from_grids(geography: Geography, grids: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Communities implied by official grid codes (first 12 digits), dissolved from the grids."""
    codes = grids["grid_code"].astype(str).str.strip().str.removesuffix(".0")
    community = codes.str[:12]
    dissolved = grids.assign(_c=community.to_numpy()).dissolve(by="_c")
    old_names = dict(zip(geography.communities["code"], geography.communities["name"], strict=True))
    sub_names = dict(zip(geography.subdistricts["code"], geography.subdistricts["name"], strict=True))
    names = [old_names.get(c) or f"{sub_names.get(c[:9] + '000', c[:9])}社区{c[9:]}" for c in dissolved.index]
    return gpd.GeoDataFrame({"code": list(dissolved.index), "name": names, "approximate": False},
                            geometry=list(dissolved.geometry.values), crs=4326)


def apply_import(geography: Geography, layer: ImportLayer, gdf: gpd.GeoDataFrame) -> Geography:
    """A new Geography with ``gdf`` as the official ``layer`` (approximate False) and derived layers rebuilt.

    subdistricts: communities are re-derived unless the current ones are official; communities: grids and duty grids
    follow; grids: communities the grid codes name are taken (or dissolved from the grids), duty grids follow;
    streets: the street network layer is replaced.
    """
    gdf = validate_layer(gdf, layer)
    if layer == "streets":
        n = len(gdf)
        codes = gdf["code"].astype(str).tolist() if "code" in gdf.columns else [f"S{i + 1:06d}" for i in range(n)]
        if len(set(codes)) != n:
            codes = [f"{c}-{i + 1}" for i, c in enumerate(codes)]
        names = gdf["name"].fillna("").astype(str).tolist() if "name" in gdf.columns else [""] * n
        road_class = gdf["road_class"].fillna("").astype(str).tolist() if "road_class" in gdf.columns else [""] * n
        streets = make_layer("streets", {"code": codes, "name": names, "road_class": road_class}, gdf.geometry.values)
        return dataclasses.replace(geography, streets=streets)
    _overlaps_district(geography, gdf, layer)
    official = gdf.assign(approximate=False)
    if layer == "subdistricts":
        keep: gpd.GeoDataFrame | None = None
        comms = geography.communities
        if len(comms) and not bool(comms["approximate"].any()):
            new_codes = {_code_text(c) for c in official["code"]}
            if set(comms["subdistrict_code"].astype(str)) <= {c + "000" if len(c) == 9 else c for c in new_codes}:
                keep = comms
        return build_geography_from_layers(geography.district, official, keep, base=geography)
    if layer == "communities":
        return build_geography_from_layers(geography.district, geography.subdistricts, official, base=geography)
    official = official.assign(grid_code=[_code_text(c) for c in official["grid_code"]])
    known = set(geography.communities["code"].astype(str))
    if {c[:12] for c in official["grid_code"]} <= known:
        communities = geography.communities
    else:
        communities = _communities_from_grids(geography, official)
    return build_geography_from_layers(geography.district, geography.subdistricts, communities, grids=official,
                                       base=geography)


def _code_text(value: Any) -> str:
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def describe_layer(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """A short summary for import previews: features, geometry kinds, bounds (WGS-84), columns."""
    return {"features": len(gdf), "geometry_types": sorted(set(gdf.geometry.geom_type.tolist())),
            "bounds_wgs84": [float(v) for v in gdf.total_bounds], "columns": [str(c) for c in gdf.columns
                                                                           if c != gdf.geometry.name],
            "crs": str(gdf.crs)}
