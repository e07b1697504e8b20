"""Unit grids (万米单元网格) and duty grids (责任网格) derived from community polygons, in metres (EPSG:4549).

Unit grids are the 100 m × 100 m squares of a lattice aligned to whole hectares, cut along community boundaries so they
nest in communities and subdistricts and tile them seamlessly. Pieces smaller than ``merge_below_m2`` (slivers along a
boundary) are merged into the neighbouring piece of the same community that shares the longest edge, so no area is ever
dropped. Each grid gets the 15-digit code county (6) + street (3) + community (3) + serial (3), serials in map reading
order. Duty grids aggregate 6–12 edge-adjacent unit grids of one community into one inspector's beat.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from console.errors import DataFileError
from console.geo.partition import polygonal

GeomArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.intp]

CELL_M = 100.0
MERGE_BELOW_M2 = 2000.0
MAX_SERIAL = 999
DUTY_MAX_GRIDS = 12
DUTY_MIN_GRIDS = 6


@dataclass(frozen=True)
class UnitGrids:
    """Unit grids as parallel arrays; ``community_index`` points into the community arrays given to the builder."""

    geometry_m: GeomArray
    grid_code: npt.NDArray[np.str_]
    community_index: IntArray
    area_m2: npt.NDArray[np.float64]


@dataclass(frozen=True)
class DutyGrids:
    """Duty grids as parallel arrays; ``members`` lists indices into the unit grids, ``serial`` counts within a community."""

    geometry_m: GeomArray
    community_index: IntArray
    serial: IntArray
    members: list[list[int]]


def build_unit_grids(communities_m: GeomArray, community_codes: list[str], *, cell_m: float = CELL_M,
                     merge_below_m2: float = MERGE_BELOW_M2) -> UnitGrids:
    """Cut the ``cell_m`` lattice along the communities; merge small pieces; number the grids per community."""
    minx, miny, maxx, maxy = shapely.total_bounds(communities_m)
    x0, y0 = math.floor(minx / cell_m) * cell_m, math.floor(miny / cell_m) * cell_m
    nx, ny = math.ceil((maxx - x0) / cell_m), math.ceil((maxy - y0) / cell_m)
    ix, iy = (a.ravel() for a in np.meshgrid(np.arange(nx), np.arange(ny)))
    boxes = shapely.box(x0 + ix * cell_m, y0 + iy * cell_m, x0 + (ix + 1) * cell_m, y0 + (iy + 1) * cell_m)

    tree = shapely.STRtree(communities_m)
    box_i, comm_i = tree.query(boxes, predicate="intersects")
    whole = shapely.within(boxes[box_i], communities_m[comm_i])
    pieces = boxes[box_i].copy()
    cut = ~whole
    pieces[cut] = shapely.intersection(boxes[box_i[cut]], communities_m[comm_i[cut]])
    odd = cut & ~np.isin(shapely.get_type_id(pieces), (3, 6))
    for k in np.flatnonzero(odd):
        pieces[k] = polygonal(pieces[k])
    areas = shapely.area(pieces)
    keep = areas > 0.0
    pieces, areas, comm_i, row, col = pieces[keep], areas[keep], comm_i[keep], iy[box_i[keep]], ix[box_i[keep]]

    pieces, areas, comm_i, row, col = _merge_small(pieces, areas, comm_i, row, col, merge_below_m2)

    order = np.lexsort((col, -row, comm_i))
    pieces, areas, comm_i = pieces[order], areas[order], comm_i[order]
    starts = np.r_[0, np.flatnonzero(np.diff(comm_i)) + 1]
    serial = np.arange(len(comm_i)) - np.repeat(starts, np.diff(np.r_[starts, len(comm_i)])) + 1
    if len(serial) and int(serial.max()) > MAX_SERIAL:
        worst = community_codes[int(comm_i[int(np.argmax(serial))])]
        raise DataFileError(f"社区 {worst} 的单元网格超过 {MAX_SERIAL} 个，无法编码（社区过大）",
                            f"community {worst} would need more than {MAX_SERIAL} unit grids; it is too large to code")
    codes_arr = np.asarray(community_codes, dtype=str)
    grid_code = np.char.add(codes_arr[comm_i], np.char.zfill(serial.astype(str), 3))
    return UnitGrids(geometry_m=pieces, grid_code=np.asarray(grid_code, dtype=str), community_index=comm_i,
                     area_m2=areas)


def _merge_small(pieces: GeomArray, areas: npt.NDArray[np.float64], comm_i: IntArray, row: IntArray, col: IntArray,
                 merge_below_m2: float) -> tuple[GeomArray, npt.NDArray[np.float64], IntArray, IntArray, IntArray]:
    """Merge each piece below the threshold into the large same-community neighbour sharing the longest edge."""
    small = np.flatnonzero(areas < merge_below_m2)
    if len(small) == 0:
        return pieces, areas, comm_i, row, col
    tree = shapely.STRtree(pieces)
    s_i, t_i = tree.query(pieces[small], predicate="intersects")
    s_i = small[s_i]
    ok = (comm_i[s_i] == comm_i[t_i]) & (areas[t_i] >= merge_below_m2)
    s_i, t_i = s_i[ok], t_i[ok]
    shared = shapely.length(shapely.intersection(pieces[s_i], pieces[t_i]))
    ok = shared > 0.0
    s_i, t_i, shared = s_i[ok], t_i[ok], shared[ok]
    best = np.lexsort((-shared, s_i))
    s_i, t_i = s_i[best], t_i[best]
    first = np.r_[True, s_i[1:] != s_i[:-1]]
    s_i, t_i = s_i[first], t_i[first]
    if len(s_i) == 0:
        return pieces, areas, comm_i, row, col
    pieces = pieces.copy()
    for target in np.unique(t_i):
        group = np.r_[target, s_i[t_i == target]]
        pieces[target] = polygonal(shapely.union_all(pieces[group]))
    alive = np.ones(len(pieces), dtype=bool)
    alive[s_i] = False
    pieces = pieces[alive]
    return pieces, shapely.area(pieces), comm_i[alive], row[alive], col[alive]


def grid_adjacency(grids_m: GeomArray, community_index: IntArray) -> list[list[int]]:
    """Neighbours of each grid: same community and sharing an edge of positive length (corners do not count)."""
    tree = shapely.STRtree(grids_m)
    a, b = tree.query(grids_m)  # bounding boxes only; the exact test follows on the few same-community pairs
    ok = (a < b) & (community_index[a] == community_index[b])
    a, b = a[ok], b[ok]
    ok = shapely.relate_pattern(grids_m[a], grids_m[b], "****1****")  # boundaries share a line
    neighbours: list[list[int]] = [[] for _ in range(len(grids_m))]
    for i, j in zip(a[ok].tolist(), b[ok].tolist(), strict=True):
        neighbours[i].append(j)
        neighbours[j].append(i)
    return neighbours


def build_duty_grids(grids_m: GeomArray, community_index: IntArray, *, max_grids: int = DUTY_MAX_GRIDS,
                     min_grids: int = DUTY_MIN_GRIDS) -> DutyGrids:
    """Group the unit grids of each community into contiguous duty grids of about ``min_grids``–``max_grids``.

    Grids are taken in the order given (reading order). Each group grows breadth-first from its first free grid toward
    the nearest free neighbours until it reaches the community's even share; leftover groups below ``min_grids`` join
    their smallest adjacent group, so every duty grid stays edge-connected.
    """
    neighbours = grid_adjacency(grids_m, community_index)
    centre = [(float(x), float(y)) for x, y in shapely.get_coordinates(shapely.centroid(grids_m))]
    geoms: list[object] = []
    comms: list[int] = []
    serials: list[int] = []
    members: list[list[int]] = []
    for comm in np.unique(community_index).tolist():
        idx = np.flatnonzero(community_index == comm).tolist()
        k = 1 if len(idx) <= max_grids else math.ceil(len(idx) / max_grids)
        target = math.ceil(len(idx) / k)
        groups = _grow_groups(idx, neighbours, centre, target)
        groups = _absorb_small(groups, neighbours, min_grids)
        for serial, group in enumerate(groups, start=1):
            geoms.append(polygonal(shapely.union_all(grids_m[group])))
            comms.append(comm)
            serials.append(serial)
            members.append(sorted(group))
    return DutyGrids(geometry_m=np.array(geoms, dtype=object), community_index=np.array(comms, dtype=np.intp),
                     serial=np.array(serials, dtype=np.intp), members=members)


def _grow_groups(idx: list[int], neighbours: list[list[int]], centre: list[tuple[float, float]],
                 target: int) -> list[list[int]]:
    free = set(idx)
    groups: list[list[int]] = []
    for start in idx:
        if start not in free:
            continue
        free.discard(start)
        group = [start]
        frontier = {n for n in neighbours[start] if n in free}
        sx, sy = centre[start]
        while len(group) < target and frontier:
            nxt = min(frontier, key=lambda n: ((centre[n][0] - sx) ** 2 + (centre[n][1] - sy) ** 2, n))
            frontier.discard(nxt)
            free.discard(nxt)
            group.append(nxt)
            frontier.update(n for n in neighbours[nxt] if n in free)
        groups.append(group)
    return groups


def _absorb_small(groups: list[list[int]], neighbours: list[list[int]], min_grids: int) -> list[list[int]]:
    owner = {g: gi for gi, group in enumerate(groups) for g in group}
    alive = [True] * len(groups)
    queue = deque(sorted((gi for gi, grp in enumerate(groups) if len(grp) < min_grids), key=lambda gi: len(groups[gi])))
    while queue:
        gi = queue.popleft()
        if not alive[gi] or len(groups[gi]) >= min_grids:
            continue
        adjacent = {owner[n] for g in groups[gi] for n in neighbours[g]} - {gi}
        adjacent = {a for a in adjacent if alive[a]}
        if not adjacent:
            continue
        into = min(adjacent, key=lambda a: (len(groups[a]), a))
        for g in groups[gi]:
            owner[g] = into
        groups[into].extend(groups[gi])
        groups[gi] = []
        alive[gi] = False
        if len(groups[into]) < min_grids:
            queue.append(into)
    return [sorted(grp) for a, grp in zip(alive, groups, strict=True) if a]
