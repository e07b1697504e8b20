"""Store and load the geography in force (``geo_features``) as records from console.geo."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from console.geo.geodata import GeoRecord
from console.storage.db import Database
from console.storage.models import GeoFeatureRow


def load_records(db: Database) -> list[GeoRecord]:
    with db.read_session() as s:
        t = GeoFeatureRow.__table__
        rows = s.execute(select(t.c.layer, t.c.code, t.c.name, t.c.parent_code, t.c.props, t.c.wkb).order_by(t.c.id)).all()
        return [GeoRecord(layer=r.layer, code=r.code, name=r.name, parent_code=r.parent_code, props=dict(r.props or {}),
                          wkb=bytes(r.wkb)) for r in rows]


def replace_records(db: Database, records: list[GeoRecord], layers: set[str] | None = None) -> int:
    """Replace the stored geography (all layers, or only ``layers``) in one transaction."""
    with db.session() as s:
        stmt = delete(GeoFeatureRow)
        if layers is not None:
            stmt = stmt.where(GeoFeatureRow.layer.in_(sorted(layers)))
        s.execute(stmt)
        rows = [{"layer": r.layer, "code": r.code, "name": r.name, "parent_code": r.parent_code, "props": r.props,
                 "wkb": r.wkb} for r in records if layers is None or r.layer in layers]
        for i in range(0, len(rows), 2_000):
            s.execute(insert(GeoFeatureRow), rows[i:i + 2_000])
        return len(rows)
