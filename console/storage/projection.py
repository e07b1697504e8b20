"""Current-state tables as projections of the event log.

An event's ``after`` holds the fields it changed. The state of an entity is the fold of its events' ``after``
dicts in sequence order (``fold``): that one rule serves live projection, ``rebuild-projections`` and replay.
Known fields go to typed columns; anything else is kept in the row's ``extra`` JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, delete, insert, select
from sqlalchemy.orm import DeclarativeBase, Session

from console.storage.eventstore import StoredEvent, as_utc, iterate
from console.storage.models import AssetRow, CaseRow, OfficerRow
from console.storage.models_collab import HandoffRow, MentionRow, NoteRow, NoticeRow, WorkOrderRow
from console.storage.models_duty import RosterRow

EntityKey = tuple[str, str]  # (entity_type, entity_id)


@dataclass(frozen=True)
class ProjectionSpec:
    """Where one entity type's state lives."""

    entity_type: str
    model: type[DeclarativeBase]
    asset_kind: bool = False  # True for rows of the shared ``assets`` table (key includes kind)


CASE = ProjectionSpec("case", CaseRow)
OFFICER = ProjectionSpec("officer", OfficerRow)
ASSET_TYPES = ("squad", "unit", "camera", "workroom", "sensor", "workstation", "duty_grid")  # duty_grid: patrol alerts
SPECS: dict[str, ProjectionSpec] = {"case": CASE, "officer": OFFICER}
SPECS.update({kind: ProjectionSpec(kind, AssetRow, asset_kind=True) for kind in ASSET_TYPES})
SPECS["roster"] = ProjectionSpec("roster", RosterRow)  # 排班: one row per officer-day (console/duty)
# Collaboration (协同办公) and workstation (城运工作站) entities: their own tables (console/storage/models_collab.py).
COLLAB_TYPES: dict[str, type[DeclarativeBase]] = {"note": NoteRow, "mention": MentionRow, "handoff": HandoffRow,
                                                  "notice": NoticeRow, "work_order": WorkOrderRow}
SPECS.update({kind: ProjectionSpec(kind, model) for kind, model in COLLAB_TYPES.items()})


def _columns(model: type[DeclarativeBase]) -> dict[str, Any]:
    return {c.name: c for c in model.__table__.columns}  # type: ignore[attr-defined]


_COLUMNS = {spec.model: _columns(spec.model) for spec in SPECS.values()}
_META_FIELDS = ("version", "last_seq", "extra")


def register(spec: ProjectionSpec) -> None:
    """Add a feature's projected entity type (its model needs ``id``, ``version``, ``last_seq`` and ``extra``)."""
    SPECS[spec.entity_type] = spec
    _COLUMNS[spec.model] = _columns(spec.model)


def fold(state: dict[str, Any] | None, ev: StoredEvent) -> dict[str, Any]:
    """Apply one event to an entity's state dict (a new dict is returned; plain JSON values)."""
    new = dict(state or {})
    if ev.after:
        new.update(ev.after)
    new["id"] = ev.entity_id
    new["version"] = int(new.get("version", 0)) + 1
    new["last_seq"] = ev.seq
    if ev.entity_type == "case":
        stamp = ev.ts_utc.isoformat()
        if "created_at" not in new:
            new["created_at"] = stamp
        new["updated_at"] = stamp
    return new


def _to_row_values(spec: ProjectionSpec, state: Mapping[str, Any]) -> dict[str, Any]:
    cols = _COLUMNS[spec.model]
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in state.items():
        if key == "extra":
            continue
        col = cols.get(key)
        if col is None:
            extra[key] = value
        elif isinstance(col.type, DateTime) and isinstance(value, str):
            values[key] = as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        else:
            values[key] = value
    values["extra"] = extra
    if spec.asset_kind:
        values["kind"] = spec.entity_type
    return values


def row_to_state(spec: ProjectionSpec, row: Any) -> dict[str, Any]:
    """Turn a projection row back into a state dict (inverse of ``_to_row_values``)."""
    state: dict[str, Any] = {}
    for name in _COLUMNS[spec.model]:
        if name in ("extra", "kind", "geom"):
            continue
        value = getattr(row, name)
        state[name] = as_utc(value).isoformat() if isinstance(value, datetime) else value
    state.update(row.extra or {})
    return state


def _key_filter(spec: ProjectionSpec, entity_id: str) -> list[Any]:
    model: Any = spec.model
    conds = [model.id == entity_id]
    if spec.asset_kind:
        conds.append(model.kind == spec.entity_type)
    return conds


def load_state(session: Session, entity_type: str, entity_id: str) -> dict[str, Any] | None:
    """The current projected state of one entity, or None."""
    spec = SPECS[entity_type]
    row = session.execute(select(spec.model).where(*_key_filter(spec, entity_id))).scalar_one_or_none()
    return None if row is None else row_to_state(spec, row)


def apply(session: Session, events: Iterable[StoredEvent], known: Mapping[EntityKey, dict[str, Any] | None] | None = None
          ) -> dict[EntityKey, dict[str, Any]]:
    """Project events into the current-state tables within the caller's transaction.

    ``known`` may hold states the caller already loaded (``None`` = known not to exist yet), saving a read.
    Returns the new state of each touched entity.
    """
    states: dict[EntityKey, dict[str, Any] | None] = dict(known or {})
    existed: dict[EntityKey, bool] = {}
    for ev in events:
        spec = SPECS.get(ev.entity_type)
        if spec is None:
            continue
        key = (ev.entity_type, ev.entity_id)
        if key not in states:
            states[key] = load_state(session, ev.entity_type, ev.entity_id)
        if key not in existed:
            existed[key] = states[key] is not None
        states[key] = fold(states[key], ev)
    result: dict[EntityKey, dict[str, Any]] = {}
    replaced: dict[ProjectionSpec, list[str]] = {}
    rows: dict[type[DeclarativeBase], list[dict[str, Any]]] = {}
    for key, was_there in existed.items():
        state = states[key]
        assert state is not None
        spec = SPECS[key[0]]
        if was_there:
            replaced.setdefault(spec, []).append(key[1])
        rows.setdefault(spec.model, []).append(_complete_row(spec, _to_row_values(spec, state)))
        result[key] = state
    # Replace touched rows wholesale: one DELETE … IN and one executemany INSERT per table, instead of one
    # UPDATE statement per entity (statement compilation dominated the cost of bulk work).
    for spec, ids in replaced.items():
        model: Any = spec.model
        for i in range(0, len(ids), 500):
            stmt = delete(model).where(model.id.in_(ids[i:i + 500]))
            if spec.asset_kind:
                stmt = stmt.where(model.kind == spec.entity_type)
            session.execute(stmt)
    for model, batch in rows.items():
        session.execute(insert(model), batch)
    return result


def _complete_row(spec: ProjectionSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Every column present (executemany needs uniform keys); absent ones take the column default or None."""
    row: dict[str, Any] = {}
    for name, col in _COLUMNS[spec.model].items():
        if name == "geom":
            continue
        if name in values:
            row[name] = values[name]
        elif col.default is not None and not callable(col.default.arg):
            row[name] = col.default.arg
        elif col.default is not None:
            row[name] = col.default.arg(None)
        else:
            row[name] = None
    return row


def rebuild(session: Session, batch: int = 20_000) -> int:
    """Drop and rebuild every projection table from the full log; returns the number of events folded."""
    states: dict[EntityKey, dict[str, Any]] = {}
    count = 0
    for ev in iterate(session, batch):
        count += 1
        if ev.entity_type in SPECS:
            key = (ev.entity_type, ev.entity_id)
            states[key] = fold(states.get(key), ev)
    models = {spec.model for spec in SPECS.values()}
    for model in models:
        session.execute(delete(model))
    by_model: dict[type[DeclarativeBase], list[dict[str, Any]]] = {}
    for (etype, _), state in states.items():
        spec = SPECS[etype]
        by_model.setdefault(spec.model, []).append(_to_row_values(spec, state))
    for model, rows in by_model.items():
        for i in range(0, len(rows), 5_000):
            session.execute(insert(model), rows[i:i + 5_000])
    return count


# Feature models modules that register projection specs; imported here so every user of SPECS (writer, rebuild,
# seats) sees them. A module missing from this build is skipped.
EXTENSION_MODELS = ("console.storage.models_training",)


def _load_extensions() -> None:
    import importlib

    for name in EXTENSION_MODELS:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


_load_extensions()
