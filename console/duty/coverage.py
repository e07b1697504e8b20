"""Patrol coverage (巡查覆盖率): the share of each duty grid (责任网格) an officer's track actually covered in a shift.

Method: every duty grid is rasterised once into cells of ``cell_m`` (cell centres on a district-wide lattice in
EPSG:4549 metres); an officer's fixes of the shift are joined into a line where consecutive fixes are at most
``max_gap_s`` apart; a cell is covered when its centre lies within ``buffer_m`` of that line. Share = covered cells ÷
cells of the grid. Vectorised: a numpy lattice pre-selection, then an exact prepared ``shapely.dwithin`` on the few
candidate cells (bench/bench_duty.py compares it with ``dwithin`` over every cell).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
import yaml
from sqlalchemy import select

from console.duty.patterns import LOCAL_TZ
from console.duty.roster import RosterEntry, RosterService
from console.errors import DataFileError
from console.geo.projection import lonlat_wgs84_to_xy_m
from console.resources import resource_path
from console.services.context import ServiceContext
from console.storage.models import PositionRow

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CoverageConfig:
    cell_m: float = 25.0
    buffer_m: float = 30.0
    max_gap_s: float = 300.0
    unvisited_alert_min: float = 120.0


def load_config(path: Path | None = None) -> CoverageConfig:
    env = os.environ.get("URBANOPS_DUTY_DIR")
    path = path or (Path(env) / "coverage.yaml" if env else resource_path("duty", "coverage.yaml"))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        cfg = CoverageConfig(float(raw.get("cell_m", 25)), float(raw.get("buffer_m", 30)),
                             float(raw.get("max_gap_s", 300)), float(raw.get("unvisited_alert_min", 120)))
    except (OSError, yaml.YAMLError, TypeError, ValueError, AttributeError) as exc:
        raise DataFileError(f"无法读取覆盖率配置 {path}：{exc}", f"cannot read coverage config {path}: {exc}") from exc
    if not (1 <= cfg.cell_m <= 500 and 0 < cfg.buffer_m <= 1000 and cfg.max_gap_s > 0 and cfg.unvisited_alert_min > 0):
        raise DataFileError(f"{path}：cell_m 须在 1–500 米，buffer_m 须为正", f"{path}: cell_m must be 1–500 m, buffer_m positive")
    return cfg


@lru_cache(maxsize=1)
def default_config() -> CoverageConfig:
    return load_config()


def to_xy_m(geom: Any) -> Any:
    """A WGS-84 shapely geometry (or array of them) in EPSG:4549 metres."""
    def fwd(coords: FloatArray) -> FloatArray:
        x, y = lonlat_wgs84_to_xy_m(coords[:, 0], coords[:, 1])
        return np.column_stack((x, y))
    return shapely.transform(geom, fwd)


@dataclass
class GridCells:
    """All duty grids as cells: ``grid`` holds each cell's index into ``codes``; ``counts`` cells per grid."""

    codes: list[str]
    names: list[str]
    subdistricts: list[str | None]
    geoms_m: npt.NDArray[np.object_]
    cx: FloatArray
    cy: FloatArray
    grid: npt.NDArray[np.int_]
    counts: npt.NDArray[np.int_]
    cell_m: float
    index: dict[str, int] = field(default_factory=dict)
    sorted_keys: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sorted_order: npt.NDArray[np.int_] = field(default_factory=lambda: np.zeros(0, dtype=np.int_))
    off_lattice: npt.NDArray[np.int_] = field(default_factory=lambda: np.zeros(0, dtype=np.int_))

    def __post_init__(self) -> None:
        """Lattice keys of the cells (centres at (i + ½, j + ½) × cell_m), sorted for lookup."""
        fi, fj = self.cx / self.cell_m - 0.5, self.cy / self.cell_m - 0.5
        i, j = np.round(fi).astype(np.int64), np.round(fj).astype(np.int64)
        on = (np.abs(fi - i) < 1e-6) & (np.abs(fj - j) < 1e-6)
        keys = _lattice_key(i, j)
        on_idx = np.flatnonzero(on)
        order = np.argsort(keys[on_idx], kind="stable")
        self.sorted_keys = keys[on_idx][order]
        self.sorted_order = on_idx[order]
        self.off_lattice = np.flatnonzero(~on)

    @staticmethod
    def build(codes: list[str], names: list[str], subdistricts: list[str | None], geoms_m: Any,
              cell_m: float) -> GridCells:
        """Rasterise polygons (metres); a grid too small for any cell centre gets one cell at its representative point."""
        xs: list[FloatArray] = []
        ys: list[FloatArray] = []
        gi: list[npt.NDArray[np.int_]] = []
        geoms = np.asarray(geoms_m, dtype=object)
        for k, poly in enumerate(geoms):
            minx, miny, maxx, maxy = poly.bounds
            gx = np.arange(np.floor(minx / cell_m) * cell_m + cell_m / 2, maxx, cell_m)
            gy = np.arange(np.floor(miny / cell_m) * cell_m + cell_m / 2, maxy, cell_m)
            mesh_x, mesh_y = np.meshgrid(gx, gy)
            mx, my = mesh_x.ravel(), mesh_y.ravel()
            inside = shapely.contains_xy(poly, mx, my) if mx.size else np.zeros(0, dtype=bool)
            px, py = mx[inside], my[inside]
            if px.size == 0:
                rp = poly.representative_point()
                px, py = np.array([rp.x]), np.array([rp.y])
            xs.append(px)
            ys.append(py)
            gi.append(np.full(px.size, k, dtype=np.int_))
        grid = np.concatenate(gi) if gi else np.zeros(0, dtype=np.int_)
        return GridCells(list(codes), list(names), list(subdistricts), geoms,
                         np.concatenate(xs) if xs else np.zeros(0), np.concatenate(ys) if ys else np.zeros(0),
                         grid, np.bincount(grid, minlength=len(codes)).astype(np.int_), cell_m,
                         {c: i for i, c in enumerate(codes)})

    @staticmethod
    def from_geography(ctx: ServiceContext, cell_m: float) -> GridCells:
        frame = ctx.geo.geography.duty_grids
        return GridCells.build([str(c) for c in frame["code"]], [str(n) for n in frame["name"]],
                               [None if s is None else str(s) for s in frame["subdistrict_code"]],
                               to_xy_m(np.asarray(frame.geometry.values, dtype=object)), cell_m)


def track_geometry(x_m: FloatArray, y_m: FloatArray, t_s: FloatArray, max_gap_s: float) -> Any:
    """Fixes (time-ordered) → a (multi)line; runs split where fixes are more than ``max_gap_s`` apart; lone fixes
    stay points. None without fixes."""
    if x_m.size == 0:
        return None
    breaks = np.flatnonzero(np.diff(t_s) > max_gap_s) + 1
    parts = []
    for seg in np.split(np.arange(x_m.size), breaks):
        if seg.size == 1:
            parts.append(shapely.points(x_m[seg[0]], y_m[seg[0]]))
        else:
            parts.append(shapely.linestrings(np.column_stack((x_m[seg], y_m[seg]))))
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def covered_cells(cells: GridCells, track_m: Any, buffer_m: float) -> npt.NDArray[np.bool_]:
    """Boolean mask over all cells: centre within ``buffer_m`` of the track (exact distance to the line).

    Lattice pre-selection: the track is sampled every half cell; only lattice cells whose centre is within
    ``buffer_m`` + a quarter cell of a sample can qualify (numpy, no geometry), and only those few are tested exactly
    with ``shapely.dwithin``. Off-lattice cells (one per grid too small for a lattice centre) are tested directly.
    """
    mask = np.zeros(cells.cx.size, dtype=bool)
    if track_m is None or cells.cx.size == 0:
        return mask
    c = cells.cell_m
    step = c / 2
    pts = shapely.get_coordinates(shapely.segmentize(track_m, step))
    if pts.size == 0:
        return mask
    px, py = pts[:, 0], pts[:, 1]
    i0, j0 = np.floor(px / c).astype(np.int64), np.floor(py / c).astype(np.int64)
    reach = buffer_m + step / 2
    r = int(np.ceil(reach / c + 0.5))
    found: list[npt.NDArray[np.int64]] = []
    for di in range(-r, r + 1):
        ci = i0 + di
        dx2 = ((ci + 0.5) * c - px) ** 2
        for dj in range(-r, r + 1):
            cj = j0 + dj
            near = dx2 + ((cj + 0.5) * c - py) ** 2 <= reach * reach
            if near.any():
                found.append(_lattice_key(ci[near], cj[near]))
    if found and cells.sorted_keys.size:
        keys = np.unique(np.concatenate(found))
        pos = np.clip(np.searchsorted(cells.sorted_keys, keys), 0, cells.sorted_keys.size - 1)
        cand = cells.sorted_order[pos[cells.sorted_keys[pos] == keys]]
        if cand.size:
            shapely.prepare(track_m)
            mask[cand] = shapely.dwithin(track_m, shapely.points(cells.cx[cand], cells.cy[cand]), buffer_m)
    if cells.off_lattice.size:
        off = cells.off_lattice
        mask[off] = shapely.dwithin(track_m, shapely.points(cells.cx[off], cells.cy[off]), buffer_m)
    return mask


def _lattice_key(i: npt.NDArray[np.int64], j: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    key: npt.NDArray[np.int64] = (i + (1 << 30)) * (1 << 31) + (j + (1 << 30))
    return key


def shares(cells: GridCells, mask: npt.NDArray[np.bool_]) -> FloatArray:
    """Covered share per grid (0..1)."""
    covered = np.bincount(cells.grid[mask], minlength=len(cells.codes))
    out: FloatArray = covered / np.maximum(cells.counts, 1)
    return out


@dataclass
class OfficerShift:
    officer_id: str
    shift_code: str | None
    start_utc: datetime
    end_utc: datetime
    assigned: tuple[str, ...]


def _day_window(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0, 0), LOCAL_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def coverage_report(ctx: ServiceContext, day: date, config: CoverageConfig | None = None,
                    cells: GridCells | None = None, squad_id: str | None = None) -> dict[str, Any]:
    """Coverage of local ``day``: per rostered shift (or, for officers without a roster entry, the whole day) each
    officer's share of each grid, and per duty grid the share covered by anyone and by each officer."""
    cfg = config or default_config()
    cells = cells or GridCells.from_geography(ctx, cfg.cell_m)
    entries: list[RosterEntry] = [e for e in RosterService(ctx).entries(day, 1, squad_id=squad_id)
                                  if e.start_utc is not None and e.end_utc is not None]
    day_start, day_end = _day_window(day)
    shifts: dict[str, OfficerShift] = {e.officer_id: OfficerShift(e.officer_id, e.shift_code, e.start_utc, e.end_utc,
                                                                  e.duty_grids)
                                       for e in entries if e.start_utc is not None and e.end_utc is not None}
    lo = min([day_start, *(s.start_utc for s in shifts.values())])
    hi = max([day_end, *(s.end_utc for s in shifts.values())])
    with ctx.db.read_session() as s:
        stmt = select(PositionRow.officer_id, PositionRow.ts_utc, PositionRow.lon, PositionRow.lat).where(
            PositionRow.ts_utc >= lo, PositionRow.ts_utc < hi)
        if squad_id is not None:
            stmt = stmt.where(PositionRow.officer_id.in_(list(shifts)))
        rows = s.execute(stmt.order_by(PositionRow.officer_id, PositionRow.ts_utc)).all()
    by_officer: dict[str, list[Any]] = {}
    for r in rows:
        by_officer.setdefault(str(r.officer_id), []).append(r)
    union = np.zeros(cells.cx.size, dtype=bool)
    per_grid_officers: dict[int, dict[str, float]] = {}
    officers_out = []
    for oid in sorted(set(by_officer) | set(shifts)):
        shift = shifts.get(oid) or OfficerShift(oid, None, day_start, day_end, ())
        fixes = [r for r in by_officer.get(oid, []) if shift.start_utc <= _aware(r.ts_utc) < shift.end_utc]
        if fixes:
            x, y = lonlat_wgs84_to_xy_m(np.array([r.lon for r in fixes]), np.array([r.lat for r in fixes]))
            t = np.array([_aware(r.ts_utc).timestamp() for r in fixes])
            mask = covered_cells(cells, track_geometry(x, y, t, cfg.max_gap_s), cfg.buffer_m)
        else:
            mask = np.zeros(cells.cx.size, dtype=bool)
        union |= mask
        share = shares(cells, mask)
        visited = {cells.codes[k]: round(float(share[k]), 4) for k in np.flatnonzero(share > 0)}
        for k in np.flatnonzero(share > 0):
            per_grid_officers.setdefault(int(k), {})[oid] = round(float(share[k]), 4)
        assigned_idx = [cells.index[g] for g in shift.assigned if g in cells.index]
        assigned_cells = np.isin(cells.grid, assigned_idx)
        assigned_share = float(mask[assigned_cells].sum() / assigned_cells.sum()) if assigned_cells.any() else None
        officers_out.append({
            "officer_id": oid, "shift_code": shift.shift_code, "start_utc": shift.start_utc.isoformat(),
            "end_utc": shift.end_utc.isoformat(), "fixes": len(fixes), "assigned_grids": list(shift.assigned),
            "assigned_share": None if assigned_share is None else round(assigned_share, 4),
            "grids": {**{g: visited.get(g, 0.0) for g in shift.assigned}, **visited}})
    total = shares(cells, union)
    assigned_to: dict[str, list[str]] = {}
    for sh in shifts.values():
        for g in sh.assigned:
            assigned_to.setdefault(g, []).append(sh.officer_id)
    grids_out = [{"code": c, "name": cells.names[k], "subdistrict_code": cells.subdistricts[k],
                  "cells": int(cells.counts[k]), "share": round(float(total[k]), 4),
                  "assigned_to": sorted(assigned_to.get(c, [])), "officers": per_grid_officers.get(k, {})}
                 for k, c in enumerate(cells.codes)]
    return {"date": day.isoformat(), "cell_m": cfg.cell_m, "buffer_m": cfg.buffer_m, "max_gap_s": cfg.max_gap_s,
            "grids": grids_out, "officers": officers_out}


def _aware(ts: datetime) -> datetime:
    from console.storage.eventstore import as_utc

    return as_utc(ts)
