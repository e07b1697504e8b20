"""The geography in force: district, subdistricts, communities, unit and duty grids, transport and context layers.

All layers are GeoDataFrames in WGS-84 (EPSG:4326). The bundled district boundary is GCJ-02 and is converted on load.
Official subdistrict/community boundaries are not open data, so the demo builds an approximate partition (Voronoi of
the subdistrict seats clipped to the real district boundary, then communities inside each subdistrict) and flags it;
``build_geography_from_layers`` takes official layers instead and derives the rest (communities if missing, grids,
duty grids, codes) the same way. ``to_records``/``from_records`` give storage a flat, JSON-safe form.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from console.errors import DataFileError
from console.geo.gcj02 import coords_gcj02_to_wgs84
from console.geo.partition import allocate_counts, polygonal, reading_order, seeds_inside, voronoi_cells
from console.geo.projection import lonlat_wgs84_to_xy_m, xy_m_to_lonlat_wgs84
from console.geo.unit_grids import build_duty_grids, build_unit_grids
from console.resources import resource_path

GeomArray = npt.NDArray[np.object_]

DISTRICT_CODE: Final = "310105"
DISTRICT_NAME: Final = "长宁区"
DISTRICT_NAME_EN: Final = "Changning District"
COMMUNITY_TOTAL: Final = 185
FIXED_COMMUNITY_COUNTS: Final = {"001": 21}  # Huayang Road pilot: 21 neighbourhood committees
COMMUNITY_ROW_M: Final = 400.0
GEO_BUILD_VERSION: Final = "1"  # bump when derived layers change (part of cache keys)

DISTRICT_FILE: Final = "changning_district.gcj02.geojson"
CONTEXT_FILE: Final = "shanghai_districts.gcj02.geojson"
SUBDISTRICTS_FILE: Final = "changning_subdistricts.csv"
TRANSPORT_FILE: Final = "changning_transport.osm.wgs84.geojson"
LANDMARKS_FILE: Final = "changning_landmarks.csv"

ATTRIBUTION_TEXT: Final = (
    "Map data: metro and expressway layers and some subdistrict seat points © OpenStreetMap contributors, available "
    "under the Open Database License (ODbL-1.0), https://www.openstreetmap.org/copyright. District boundaries: AMap "
    "DataV GeoAtlas export via the public repository tnnevol/gmap (no licence stated). Subdistrict, community and grid "
    "boundaries shown are an approximate demo partition, not official boundaries."
)
ATTRIBUTION_TEXT_ZH: Final = (
    "地图数据：地铁与快速路图层及部分街道驻地点 © OpenStreetMap 贡献者，依 ODbL-1.0 许可；区界来自高德 DataV GeoAtlas 导出"
    "（公开仓库 tnnevol/gmap，未声明许可）。街道、社区及网格边界为示意划分，非官方边界。"
)

# Columns of each layer, geometry excluded, and which column is the record's code / name / parent code.
LAYER_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "district": ("code", "name", "name_en", "approximate"),
    "subdistricts": ("code", "street_code", "name", "name_en", "kind", "approximate"),
    "communities": ("code", "name", "subdistrict_code", "approximate"),
    "grids": ("grid_code", "community_code", "subdistrict_code", "area_m2", "approximate"),
    "duty_grids": ("code", "name", "community_code", "subdistrict_code", "grid_codes", "grid_count", "approximate"),
    "roads": ("code", "name", "road_class"),
    "metro_lines": ("code", "name", "route"),
    "metro_stations": ("code", "name"),
    "context_districts": ("code", "name"),
    "streets": ("code", "name", "road_class"),
}
_CODE_COLUMN: Final = {"grids": "grid_code"}
_NAME_COLUMN: Final = {"grids": "grid_code"}
_PARENT_COLUMN: Final = {"communities": "subdistrict_code", "grids": "community_code", "duty_grids": "community_code"}
_BOOL_COLUMNS: Final = frozenset({"approximate"})
_FLOAT_COLUMNS: Final = frozenset({"area_m2"})
_INT_COLUMNS: Final = frozenset({"grid_count"})
_LIST_COLUMNS: Final = frozenset({"grid_codes"})
META_LAYER: Final = "meta"


@dataclass(frozen=True)
class GeoRecord:
    """One feature in a flat, storable form: WKB geometry (WGS-84) plus JSON-safe properties."""

    layer: str
    code: str
    name: str
    parent_code: str | None
    props: dict[str, Any]
    wkb: bytes


@dataclass(frozen=True)
class Geography:
    """Every geographic layer the console uses, in WGS-84; ``is_approximate`` when any boundary layer is a demo guess."""

    district: gpd.GeoDataFrame
    subdistricts: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame
    duty_grids: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    metro_lines: gpd.GeoDataFrame
    metro_stations: gpd.GeoDataFrame
    context_districts: gpd.GeoDataFrame
    is_approximate: bool
    provenance_note: str
    streets: gpd.GeoDataFrame = dataclasses.field(default_factory=lambda: make_layer("streets", {}, []))

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """One layer by its record name (see ``LAYER_COLUMNS``)."""
        if name not in LAYER_COLUMNS:
            raise KeyError(name)
        frame: gpd.GeoDataFrame = getattr(self, name)
        return frame

    def to_records(self) -> list[GeoRecord]:
        """All features as records, plus one ``meta`` record carrying the flags and provenance note."""
        records = [GeoRecord(META_LAYER, "geography", "", None,
                             {"is_approximate": self.is_approximate, "provenance_note": self.provenance_note,
                              "build_version": GEO_BUILD_VERSION},
                             shapely.to_wkb(shapely.GeometryCollection()))]
        for layer in LAYER_COLUMNS:
            records.extend(_layer_records(layer, self.layer(layer)))
        return records

    @classmethod
    def from_records(cls, records: Iterable[GeoRecord]) -> Geography:
        """Rebuild a Geography from ``to_records`` output (e.g. read back from the database)."""
        by_layer: dict[str, list[GeoRecord]] = {}
        meta: GeoRecord | None = None
        for r in records:
            if r.layer == META_LAYER:
                meta = r
            elif r.layer in LAYER_COLUMNS:
                by_layer.setdefault(r.layer, []).append(r)
        frames = {layer: _layer_from_records(layer, by_layer.get(layer, [])) for layer in LAYER_COLUMNS}
        if meta is not None:
            approximate = bool(meta.props.get("is_approximate", True))
            note = str(meta.props.get("provenance_note", ""))
        else:
            approximate = any(bool(frames[k]["approximate"].any()) for k in ("district", "subdistricts", "communities"))
            note = provenance_note_for(frames["district"], frames["subdistricts"], frames["communities"])
        return cls(**frames, is_approximate=approximate, provenance_note=note)


# ---------------------------------------------------------------------------------------------- layer frames
def make_layer(layer: str, columns: Mapping[str, Sequence[Any] | npt.NDArray[Any]],
               geometry: Sequence[BaseGeometry] | GeomArray) -> gpd.GeoDataFrame:
    """A layer frame with the standard columns and dtypes (missing columns get defaults), in WGS-84."""
    n = len(geometry)
    data: dict[str, Any] = {}
    for col in LAYER_COLUMNS[layer]:
        values = columns.get(col)
        if col in _BOOL_COLUMNS:
            data[col] = np.asarray(values if values is not None else [False] * n, dtype=bool)
        elif col in _FLOAT_COLUMNS:
            data[col] = np.asarray(values if values is not None else [math.nan] * n, dtype=np.float64)
        elif col in _INT_COLUMNS:
            data[col] = np.asarray(values if values is not None else [0] * n, dtype=np.int64)
        elif col in _LIST_COLUMNS:
            seq = values if values is not None else [[] for _ in range(n)]
            data[col] = pd.Series([[str(v) for v in item] for item in seq], dtype=object)
        else:
            data[col] = pd.Series(["" if v is None else str(v) for v in (values if values is not None else [""] * n)],
                                  dtype="str")
    geoms = gpd.GeoSeries(np.asarray(list(geometry), dtype=object) if n else [], crs="EPSG:4326")
    return gpd.GeoDataFrame(data, geometry=geoms.values, crs="EPSG:4326")


def _json_safe(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _layer_records(layer: str, frame: gpd.GeoDataFrame) -> list[GeoRecord]:
    code_col = _CODE_COLUMN.get(layer, "code")
    name_col = _NAME_COLUMN.get(layer, "name")
    parent_col = _PARENT_COLUMN.get(layer)
    wkbs = shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object))
    prop_cols = [c for c in LAYER_COLUMNS[layer] if c not in (code_col, name_col)]
    columns = {c: frame[c].tolist() for c in LAYER_COLUMNS[layer]}
    out: list[GeoRecord] = []
    for i in range(len(frame)):
        if parent_col is not None:
            parent: str | None = str(columns[parent_col][i]) or None
        elif layer == "subdistricts":
            parent = DISTRICT_CODE
        else:
            parent = None
        out.append(GeoRecord(layer, str(columns[code_col][i]), str(columns[name_col][i]), parent,
                             {c: _json_safe(columns[c][i]) for c in prop_cols}, bytes(wkbs[i])))
    return out


def _layer_from_records(layer: str, records: list[GeoRecord]) -> gpd.GeoDataFrame:
    code_col = _CODE_COLUMN.get(layer, "code")
    name_col = _NAME_COLUMN.get(layer, "name")
    columns: dict[str, list[Any]] = {c: [] for c in LAYER_COLUMNS[layer]}
    for r in records:
        for c in LAYER_COLUMNS[layer]:
            if c == code_col:
                columns[c].append(r.code)
            elif c == name_col:
                columns[c].append(r.name)
            else:
                columns[c].append(r.props.get(c))
    for c in _FLOAT_COLUMNS & set(columns):
        columns[c] = [math.nan if v is None else v for v in columns[c]]
    geoms = shapely.from_wkb(np.array([r.wkb for r in records], dtype=object)) if records else []
    return make_layer(layer, columns, geoms)


# ---------------------------------------------------------------------------------------------- bundled inputs
def to_metric(geoms: Any) -> Any:
    """WGS-84 geometries (one or an array) → EPSG:4549 metres."""
    def fwd(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = lonlat_wgs84_to_xy_m(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])
    return shapely.transform(geoms, fwd)


def to_wgs84(geoms_m: Any) -> Any:
    """EPSG:4549 metre geometries (one or an array) → WGS-84."""
    def inv(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        lon, lat = xy_m_to_lonlat_wgs84(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])
    return shapely.transform(geoms_m, inv)


def _read_geojson(name: str) -> list[dict[str, Any]]:
    path = resource_path("geodata", name)
    try:
        features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["features"]
    except (OSError, ValueError, KeyError) as exc:
        raise DataFileError(f"无法读取地理数据文件 {path.name}：{exc}", f"cannot read geodata file {path.name}: {exc}") from exc
    return features


def _geoms(features: list[dict[str, Any]]) -> GeomArray:
    return np.asarray(shapely.from_geojson([json.dumps(f["geometry"]) for f in features]), dtype=object)


def _gcj_polygons(features: list[dict[str, Any]]) -> GeomArray:
    geoms = shapely.transform(_geoms(features), coords_gcj02_to_wgs84)
    return np.array([polygonal(g) for g in geoms], dtype=object)


def load_district_boundary() -> gpd.GeoDataFrame:
    """The bundled Changning boundary (GCJ-02 on disk) as a 1-row WGS-84 frame; flagged approximate (see PROVENANCE)."""
    features = _read_geojson(DISTRICT_FILE)
    if len(features) != 1:
        raise DataFileError("区界文件应只有一个要素", "the district boundary file must hold exactly one feature")
    return make_layer("district", {"code": [DISTRICT_CODE], "name": [DISTRICT_NAME], "name_en": [DISTRICT_NAME_EN],
                                   "approximate": [True]}, _gcj_polygons(features))


def load_context_districts() -> gpd.GeoDataFrame:
    """Shanghai's 16 districts (GCJ-02 on disk) in WGS-84, for context around Changning."""
    features = _read_geojson(CONTEXT_FILE)
    return make_layer("context_districts", {"code": [str(f["properties"]["adcode"]) for f in features],
                                            "name": [str(f["properties"]["name"]) for f in features]},
                      _gcj_polygons(features))


def load_transport() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(roads, metro_lines, metro_stations) from the bundled OpenStreetMap extract (WGS-84, ODbL)."""
    features = _read_geojson(TRANSPORT_FILE)
    geoms = _geoms(features)
    kinds = np.array([f["properties"].get("kind", "") for f in features])
    props = [f["properties"] for f in features]

    def pick(kind: str, extra: str | None) -> gpd.GeoDataFrame:
        idx = np.flatnonzero(kinds == kind)
        layer = {"expressway": "roads", "metro_line": "metro_lines", "metro_station": "metro_stations"}[kind]
        cols: dict[str, list[Any]] = {"code": [props[i]["osm_derived_id"] for i in idx],
                                      "name": [props[i].get("name") or "" for i in idx]}
        if extra is not None:
            cols[extra] = [props[i].get(extra) or "" for i in idx]
        return make_layer(layer, cols, geoms[idx])

    return pick("expressway", "road_class"), pick("metro_line", "route"), pick("metro_station", None)


@dataclass(frozen=True)
class SubdistrictSeat:
    """One row of the bundled subdistrict table."""

    code: str
    name: str
    name_en: str
    kind: str
    seat_lon_wgs84: float
    seat_lat_wgs84: float
    seat_point_source: str


@lru_cache(maxsize=1)
def subdistrict_seats() -> tuple[SubdistrictSeat, ...]:
    """The 10 subdistricts/towns with official 12-digit codes and seat points (WGS-84)."""
    path = resource_path("geodata", SUBDISTRICTS_FILE)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(SubdistrictSeat(r["code"], r["name"], r["name_en"], r["kind"], float(r["seat_lon_wgs84"]),
                                 float(r["seat_lat_wgs84"]), r["seat_point_source"]) for r in rows)


# ---------------------------------------------------------------------------------------------- building
def provenance_note_for(district: gpd.GeoDataFrame, subdistricts: gpd.GeoDataFrame,
                        communities: gpd.GeoDataFrame) -> str:
    """Human-readable provenance of a geography: which layers are approximate, plus the attribution text."""
    parts: list[str] = []
    if bool(district["approximate"].any()):
        parts.append("District boundary: AMap DataV export (GCJ-02 converted to WGS-84; ≈37.3 km² vs official ≈38.3 km²; "
                     "no licence stated by its source).")
    else:
        parts.append("District boundary: imported official layer.")
    parts.append("Subdistricts: APPROXIMATE demo partition (Voronoi of seat points clipped to the district)."
                 if bool(subdistricts["approximate"].any()) else "Subdistricts: imported official layer.")
    parts.append("Communities, unit grids, duty grids: APPROXIMATE demo partition, not official."
                 if bool(communities["approximate"].any())
                 else "Communities: imported official layer; unit and duty grids derived from it.")
    return " ".join([*parts, ATTRIBUTION_TEXT])


def _normalise_code(value: Any, digits: int, what: str) -> str:
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if digits == 12 and len(text) == 9 and text.isdigit():
        text += "000"
    if len(text) != digits or not text.isdigit():
        raise DataFileError(f"{what}代码“{text}”不是 {digits} 位数字", f"{what} code {text!r} is not {digits} digits")
    return text


def _bool_column(frame: gpd.GeoDataFrame, default: bool) -> list[bool]:
    if "approximate" in frame.columns:
        return [bool(v) for v in frame["approximate"].tolist()]
    return [default] * len(frame)


def _derive_communities(subdistricts: gpd.GeoDataFrame, subs_m: GeomArray, seed: int,
                        total: int = COMMUNITY_TOTAL) -> tuple[gpd.GeoDataFrame, GeomArray]:
    areas = shapely.area(subs_m)
    street = subdistricts["street_code"].tolist()
    fixed = {i: FIXED_COMMUNITY_COUNTS[s] for i, s in enumerate(street) if s in FIXED_COMMUNITY_COUNTS}
    counts = allocate_counts(areas, total, fixed)
    codes: list[str] = []
    names: list[str] = []
    parents: list[str] = []
    approx: list[bool] = []
    geoms_m: list[BaseGeometry] = []
    for i, (sub_code, sub_name) in enumerate(zip(subdistricts["code"], subdistricts["name"], strict=True)):
        rng = np.random.default_rng([seed, int(sub_code)])
        seeds = seeds_inside(subs_m[i], counts[i], rng)
        cells = voronoi_cells(subs_m[i], seeds)
        for j, k in enumerate(reading_order(seeds, COMMUNITY_ROW_M), start=1):
            codes.append(f"{sub_code[:9]}{j:03d}")
            names.append(f"{sub_name}第{j:02d}社区（示意）")
            parents.append(str(sub_code))
            approx.append(True)
            geoms_m.append(cells[k])
    arr_m = np.array(geoms_m, dtype=object)
    frame = make_layer("communities", {"code": codes, "name": names, "subdistrict_code": parents, "approximate": approx},
                       to_wgs84(arr_m))
    return frame, arr_m


def _normalise_subdistricts(subdistricts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if len(subdistricts) == 0:
        raise DataFileError("街道图层为空", "the subdistrict layer is empty")
    codes = [_normalise_code(c, 12, "街道") for c in subdistricts["code"]]
    if len(set(codes)) != len(codes):
        raise DataFileError("街道代码重复", "duplicate subdistrict codes")
    known = {s.code: s for s in subdistrict_seats()}
    names = [str(n) if str(n).strip() else (known[c].name if c in known else c)
             for c, n in zip(codes, subdistricts["name"], strict=True)]
    name_en = (subdistricts["name_en"].astype(str).tolist() if "name_en" in subdistricts.columns
               else [known[c].name_en if c in known else "" for c in codes])
    kind = (subdistricts["kind"].astype(str).tolist() if "kind" in subdistricts.columns
            else [known[c].kind if c in known else ("town" if c[6] == "1" else "street") for c in codes])
    geoms = np.array([polygonal(g) for g in subdistricts.to_crs(4326).geometry.values], dtype=object)
    return make_layer("subdistricts", {"code": codes, "street_code": [c[6:9] for c in codes], "name": names,
                                       "name_en": name_en, "kind": kind,
                                       "approximate": _bool_column(subdistricts, False)}, geoms)


def _normalise_communities(communities: gpd.GeoDataFrame, subdistricts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if len(communities) == 0:
        raise DataFileError("社区图层为空", "the community layer is empty")
    codes = [_normalise_code(c, 12, "社区") for c in communities["code"]]
    if len(set(codes)) != len(codes):
        raise DataFileError("社区代码重复", "duplicate community codes")
    geoms = np.array([polygonal(g) for g in communities.to_crs(4326).geometry.values], dtype=object)
    sub_codes = subdistricts["code"].tolist()
    if "subdistrict_code" in communities.columns:
        parents = [_normalise_code(c, 12, "街道") for c in communities["subdistrict_code"]]
    else:
        by_prefix = {c[:9]: c for c in sub_codes}
        parents = [by_prefix.get(c[:9], "") for c in codes]
        missing = [i for i, p in enumerate(parents) if not p]
        if missing:  # codes do not tell: take the subdistrict holding the community's inside point
            tree = shapely.STRtree(np.asarray(subdistricts.geometry.values, dtype=object))
            pts = shapely.point_on_surface(geoms[missing])
            p_i, s_i = tree.query(pts, predicate="within")
            for pi, si in zip(p_i.tolist(), s_i.tolist(), strict=True):
                parents[missing[pi]] = sub_codes[si]
    unknown = sorted({p for p in parents if p not in set(sub_codes)})
    if unknown:
        raise DataFileError(f"社区所属街道不存在：{', '.join(unknown) or '（空）'}",
                            f"communities refer to unknown subdistricts: {', '.join(unknown) or '(blank)'}")
    return make_layer("communities", {"code": codes, "name": [str(n) for n in communities["name"]],
                                      "subdistrict_code": parents,
                                      "approximate": _bool_column(communities, False)}, geoms)


def build_geography_from_layers(district: gpd.GeoDataFrame, subdistricts: gpd.GeoDataFrame,
                                communities: gpd.GeoDataFrame | None = None, *, grids: gpd.GeoDataFrame | None = None,
                                seed: int = 0, base: Geography | None = None) -> Geography:
    """A geography from boundary layers (WGS-84 frames with ``code``/``name``); derives whatever is not given.

    ``district``: 1 row. ``subdistricts``: 12-digit (or 9-digit) codes. ``communities``: optional; when missing, an
    approximate partition of each subdistrict is derived. ``grids``: optional official unit grids (``grid_code``
    15 digits, whose first 12 digits must be a community code); when missing, 100 m grids are cut from the
    communities. An ``approximate`` column on any input is honoured, else the input counts as official. Transport,
    context and streets layers come from ``base`` (or the bundled data).
    """
    if len(district) != 1:
        raise DataFileError("区界图层必须只有一个要素", "the district layer must hold exactly one feature")
    district = make_layer("district", {
        "code": [str(district["code"].iloc[0]) if "code" in district.columns else DISTRICT_CODE],
        "name": [str(district["name"].iloc[0]) if "name" in district.columns else DISTRICT_NAME],
        "name_en": [str(district["name_en"].iloc[0]) if "name_en" in district.columns else DISTRICT_NAME_EN],
        "approximate": _bool_column(district, False)}, [polygonal(district.to_crs(4326).geometry.iloc[0])])
    subs = _normalise_subdistricts(subdistricts)
    subs_m = np.asarray(to_metric(np.asarray(subs.geometry.values, dtype=object)), dtype=object)
    if communities is None:
        comms, comms_m = _derive_communities(subs, subs_m, seed)
    else:
        comms = _normalise_communities(communities, subs)
        comms_m = np.asarray(to_metric(np.asarray(comms.geometry.values, dtype=object)), dtype=object)
    comm_codes = comms["code"].tolist()
    comm_parent = np.asarray(comms["subdistrict_code"].tolist(), dtype=object)
    comm_approx = np.asarray(comms["approximate"].to_numpy(), dtype=bool)

    if grids is None:
        unit = build_unit_grids(comms_m, comm_codes)
        grid_m, grid_codes, grid_comm, grid_area = unit.geometry_m, unit.grid_code.tolist(), unit.community_index, \
            unit.area_m2
        grid_wgs = to_wgs84(grid_m)
        grid_approx = comm_approx[grid_comm]
    else:
        grid_codes = [_normalise_code(c, 15, "单元网格") for c in grids["grid_code"]]
        if len(set(grid_codes)) != len(grid_codes):
            raise DataFileError("单元网格代码重复", "duplicate unit grid codes")
        index = {c: i for i, c in enumerate(comm_codes)}
        bad = sorted({c[:12] for c in grid_codes if c[:12] not in index})
        if bad:
            raise DataFileError(f"单元网格所属社区不存在：{', '.join(bad[:5])}",
                                f"unit grids refer to unknown communities: {', '.join(bad[:5])}")
        grid_comm = np.array([index[c[:12]] for c in grid_codes], dtype=np.intp)
        grid_wgs = np.array([polygonal(g) for g in grids.to_crs(4326).geometry.values], dtype=object)
        grid_m = np.asarray(to_metric(grid_wgs), dtype=object)
        grid_area = shapely.area(grid_m)
        grid_approx = np.asarray(_bool_column(grids, False), dtype=bool)
    grids_frame = make_layer("grids", {"grid_code": grid_codes, "community_code": [comm_codes[i] for i in grid_comm],
                                       "subdistrict_code": comm_parent[grid_comm].tolist(), "area_m2": grid_area,
                                       "approximate": grid_approx}, grid_wgs)

    duty = build_duty_grids(grid_m, grid_comm)
    comm_names = comms["name"].tolist()
    grid_codes_arr = np.asarray(grid_codes, dtype=object)
    duty_frame = make_layer("duty_grids", {
        "code": [f"{comm_codes[c]}-{s:02d}" for c, s in zip(duty.community_index, duty.serial, strict=True)],
        "name": [f"{comm_names[c].replace('（示意）', '')}责任网格{s:02d}" + ("（示意）" if comm_approx[c] else "")
                 for c, s in zip(duty.community_index, duty.serial, strict=True)],
        "community_code": [comm_codes[c] for c in duty.community_index],
        "subdistrict_code": comm_parent[duty.community_index].tolist(),
        "grid_codes": [grid_codes_arr[m].tolist() for m in duty.members],
        "grid_count": [len(m) for m in duty.members],
        "approximate": [bool(grid_approx[m].any()) for m in duty.members],
    }, to_wgs84(duty.geometry_m))

    if base is not None:
        roads, lines, stations = base.roads, base.metro_lines, base.metro_stations
        context, streets = base.context_districts, base.streets
    else:
        roads, lines, stations = load_transport()
        context, streets = load_context_districts(), make_layer("streets", {}, [])
    approximate = bool(district["approximate"].any() or subs["approximate"].any() or comms["approximate"].any())
    return Geography(district=district, subdistricts=subs, communities=comms, grids=grids_frame, duty_grids=duty_frame,
                     roads=roads, metro_lines=lines, metro_stations=stations, context_districts=context,
                     is_approximate=approximate, provenance_note=provenance_note_for(district, subs, comms),
                     streets=streets)


def demo_subdistricts(district: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The approximate subdistrict partition: Voronoi cells of the 10 seat points clipped to the district."""
    seats = subdistrict_seats()
    district_m = to_metric(district.geometry.iloc[0])
    x, y = lonlat_wgs84_to_xy_m([s.seat_lon_wgs84 for s in seats], [s.seat_lat_wgs84 for s in seats])
    outside = [s.name for s, inside in zip(seats, shapely.contains_xy(district_m, x, y), strict=True) if not inside]
    if outside:
        raise DataFileError(f"街道驻地点不在区界内：{'、'.join(outside)}",
                            f"subdistrict seat points outside the district: {', '.join(outside)}")
    cells_m = voronoi_cells(district_m, np.column_stack([x, y]))
    return make_layer("subdistricts", {
        "code": [s.code for s in seats], "street_code": [s.code[6:9] for s in seats], "name": [s.name for s in seats],
        "name_en": [s.name_en for s in seats], "kind": [s.kind for s in seats], "approximate": [True] * len(seats),
    }, to_wgs84(cells_m))


def build_demo_geography(seed: int = 0) -> Geography:
    """The demo geography: real district boundary, approximate subdistricts/communities, derived grids."""
    district = load_district_boundary()
    subs = demo_subdistricts(district)
    return build_geography_from_layers(district, subs, None, seed=seed)


@lru_cache(maxsize=1)
def load_demo_geography() -> Geography:
    """The demo geography for seed 0, built once per process (≈ 0.5–0.8 s, so no on-disk cache is needed)."""
    return build_demo_geography(0)
