"""Search across what a dispatcher types: case id, officer name/badge, grid code, subdistrict/community name,
metro station and landmark names. Pure Python over the World and the geography (no database round trip)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.world import World


@dataclass(frozen=True)
class SearchHit:
    kind: str  # case | officer | subdistrict | community | grid | station | landmark
    id: str
    label: str
    lon: float
    lat: float
    bounds: tuple[float, float, float, float] | None = None  # lon/lat bounds for areas

    @property
    def is_area(self) -> bool:
        return self.bounds is not None


KIND_ZH = {"case": "案件", "officer": "队员", "subdistrict": "街道", "community": "社区", "grid": "网格",
           "station": "地铁站", "landmark": "地标"}


def _frame_entries(frame: Any, kind: str, id_col: str, name_col: str | None, area: bool) -> list[SearchHit]:
    if frame is None or len(frame) == 0 or id_col not in frame.columns:
        return []
    out: list[SearchHit] = []
    bounds = frame.geometry.bounds.to_numpy() if area else None
    cent = frame.geometry.representative_point() if area else frame.geometry
    names = frame[name_col].astype(str).tolist() if name_col and name_col in frame.columns else None
    ids = frame[id_col].astype(str).tolist()
    for i, fid in enumerate(ids):
        pt = cent.iloc[i]
        if pt is None or pt.is_empty:
            continue
        label = names[i] if names else fid
        b = tuple(float(v) for v in bounds[i]) if bounds is not None else None
        out.append(SearchHit(kind, fid, label, float(pt.x), float(pt.y), b))  # type: ignore[arg-type]
    return out


class SearchIndex:
    """Rebuilt cheaply when the World reloads; case and officer lookups read the live World."""

    def __init__(self, world: World, geography: Any | None = None, landmarks: list[SearchHit] | None = None) -> None:
        self.world = world
        self.places: list[SearchHit] = []
        if geography is not None:
            self.places += _frame_entries(getattr(geography, "subdistricts", None), "subdistrict", "code", "name", True)
            self.places += _frame_entries(getattr(geography, "communities", None), "community", "code", "name", True)
            self.places += _frame_entries(getattr(geography, "metro_stations", None), "station",
                                          _first_col(getattr(geography, "metro_stations", None), ("id", "code", "name")),
                                          "name", False)
            self._grids = getattr(geography, "grids", None)
        else:
            self._grids = None
        self.places += landmarks or []

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        q = text.strip()
        if not q:
            return []
        ql = q.lower()
        out: list[SearchHit] = []
        case = self.world.cases.get(q) or self.world.cases.get(q.upper())
        if case is not None:
            out.append(self._case_hit(case))
        for o in self.world.officers.values():
            if (ql in str(o.get("name", "")).lower() or ql == str(o["id"]).lower() or \
                    (o.get("badge_no") and ql in str(o["badge_no"]))) and o.get("lon") is not None:
                out.append(SearchHit("officer", str(o["id"]), f"{o.get('name')} {o['id']}",
                                     float(o["lon"]), float(o["lat"])))
        for p in self.places:
            if ql in p.label.lower() or ql == p.id.lower():
                out.append(p)
        if q.isdigit() and len(q) >= 6:
            out += self._grid_hits(q, limit)
        if len(out) < limit and len(q) >= 4 and case is None:
            for cid, c in self.world.cases.items():
                if ql in cid.lower():
                    out.append(self._case_hit(c))
                    if len(out) >= limit:
                        break
        return out[:limit]

    def _case_hit(self, c: dict[str, Any]) -> SearchHit:
        return SearchHit("case", str(c["id"]), f"{c['id']} {c.get('address') or ''}", float(c["lon"]), float(c["lat"]))

    def _grid_hits(self, q: str, limit: int) -> list[SearchHit]:
        g = self._grids
        if g is None or len(g) == 0:
            return []
        col = "grid_code" if "grid_code" in g.columns else "code"
        match = g[g[col].astype(str).str.startswith(q)].head(limit)
        return _frame_entries(match, "grid", col, None, True)


def _first_col(frame: Any, candidates: tuple[str, ...]) -> str:
    if frame is None:
        return candidates[0]
    for c in candidates:
        if c in frame.columns:
            return c
    return candidates[-1]
