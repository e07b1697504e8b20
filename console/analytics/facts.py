"""The KPI fact table: one row per case, columns of instants, flags and dimensions, derived from the event log.

Every count of the registry is a boolean expression over these columns, so the definitions live here once:

- ``created`` (上报): the create event; ``rejected``: 不予受理 (reject); ``valid_report`` = not rejected.
- ``filed`` (立案): a file event; ``file_on_time``: the first file event at or before the step deadline in force just
  before it (the verify/file step's deadline).  ``voided_after_file``: voided after being filed (作废数).
- ``due_dispatch`` (应派遣): filed and not voided before a dispatch; ``dispatched``: an assign event;
  ``dispatch_on_time``: the first assign at or before the dispatch step's deadline; ``misdispatched``: returned (回退)
  by the handling unit while dispatched/handling (派遣返工, the dispatch was wrong).
- ``due_disposal`` (应处置): dispatched and not hung; ``disposed``: reported back (处理反馈);
  ``disposed_on_time``: the first report-back at or before the disposal deadline in force (extensions included).
- ``overdue``: the overdue fact (超期): any report-back after its deadline, or still open past the final disposal
  deadline at ``as_of`` (hung cases excepted).  Kept for exempt cases too; the registry decides who is exempt.
- ``due_close`` (应结案): dispatched, not voided and not hung-and-open; placed in time by ``close_anchor`` =
  the earlier of closing and the final disposal deadline, so a case counts once: when closed early, else when due.
- ``closed``: a close event; ``closed_on_time``: closed and not overdue.
- ``exempt``: an approved overdue appeal (stats_exempt). ``reworked``, ``extended``, ``supervised``, ``proactive``.
- ``disposal_working_hours``: dispatch → first report-back in working hours on the working calendar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from console.analytics.workcal import working_clock_for
from console.domain.calendar import WorkingCalendar, default_calendar
from console.domain.enums import SourceChannel

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.int32]

DIMENSIONS = ("district", "subdistrict", "community", "grid", "squad", "officer", "category", "source",
              "filed_by", "dispatched_by")
TIME_COLUMNS = ("created_at", "filed_at", "file_deadline", "dispatched_at", "dispatch_deadline", "handled_at",
                "handle_deadline", "closed_at", "disposal_deadline", "close_anchor", "voided_at")
FLAG_COLUMNS = ("reported", "rejected", "valid_report", "filed", "file_on_time", "voided", "voided_after_file",
                "due_dispatch", "dispatched", "dispatch_on_time", "misdispatched", "due_disposal", "disposed",
                "disposed_on_time", "overdue", "due_close", "closed", "closed_on_time", "exempt", "reworked",
                "extended", "supervised", "proactive", "hung", "open")
VALUE_COLUMNS = ("disposal_working_hours", "merge_count")
EVENT_ACTIONS = ("reject", "file", "void", "assign", "return", "report_back", "rework", "extend_approve",
                 "hang_approve", "close", "supervise", "appeal_approve", "merge_report", "split_report")
COUNTED_EVENTS = ("merge_report", "split_report")  # event-count indicators (one fact per event)
DISTRICT_LABEL = "长宁区"


@dataclass
class Dimension:
    """Integer codes per case into a label table (index 0 is used for "unknown" when needed)."""

    codes: CodeArray
    keys: list[str]
    labels: list[str]

    @staticmethod
    def from_values(keys: Sequence[Any], labels: Mapping[str, str] | None = None) -> Dimension:
        """Codes in sorted-key order (hash factorisation, then a small sort of the distinct keys)."""
        series = pd.Series(keys, dtype=object)
        series = series.where(series.notna(), "").astype(str)
        codes, uniq = pd.factorize(series, sort=True)
        names = labels or {}
        key_list = [str(u) for u in uniq]
        return Dimension(codes.astype(np.int32), key_list, [names.get(k, k) or "（未知）" for k in key_list])


@dataclass
class EventFacts:
    """Instances of one action (e.g. merge_report) as (case row, instant) pairs, for event-count indicators."""

    case_index: npt.NDArray[np.int64]
    ts_s: FloatArray


@dataclass
class CaseFacts:
    """Columns per case (numpy), dimensions and the instant the facts describe."""

    case_id: npt.NDArray[np.object_]
    columns: dict[str, npt.NDArray[Any]]
    dims: dict[str, Dimension]
    as_of_s: float
    events: dict[str, EventFacts] = field(default_factory=dict)
    last_seq: int = 0

    @property
    def n(self) -> int:
        return len(self.case_id)

    def column(self, name: str) -> npt.NDArray[Any]:
        return self.columns[name]

    @staticmethod
    def from_columns(case_id: Sequence[str], columns: Mapping[str, Any], *, dims: Mapping[str, Sequence[Any]] | None
                     = None, as_of_s: float | None = None, events: Mapping[str, EventFacts] | None = None) -> CaseFacts:
        """Build facts directly (tests, benchmarks): missing flags are False, instants NaN, dimensions empty."""
        n = len(case_id)
        cols: dict[str, npt.NDArray[Any]] = {}
        for name in TIME_COLUMNS + VALUE_COLUMNS:
            cols[name] = np.asarray(columns[name], dtype=np.float64) if name in columns else np.full(n, np.nan)
        for name in FLAG_COLUMNS:
            cols[name] = np.asarray(columns[name], dtype=bool) if name in columns else np.zeros(n, dtype=bool)
        for name, value in columns.items():
            if name not in cols:
                cols[name] = np.asarray(value)
        dim_values = dict(dims or {})
        dim_values.setdefault("district", [DISTRICT_LABEL] * n)
        built = {d: Dimension.from_values(dim_values.get(d, [""] * n)) for d in DIMENSIONS}
        as_of = float(as_of_s) if as_of_s is not None else datetime.now(UTC).timestamp()
        return CaseFacts(np.asarray(list(case_id), dtype=object), cols, built, as_of, dict(events or {}))


def _epoch_s(values: Any) -> FloatArray:
    """Aware/naive-UTC datetimes or ISO strings → epoch seconds (NaN for missing)."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601")
    elif getattr(series.dt, "tz", None) is None:
        series = series.dt.tz_localize("UTC")
    raw = series.dt.tz_convert(None).dt.as_unit("ns").to_numpy(dtype="datetime64[ns]").view(np.int64)
    out: FloatArray = raw.astype(np.float64) / 1e9
    out[series.isna().to_numpy()] = np.nan
    return out


def build_facts(cases: pd.DataFrame, events: pd.DataFrame, *, officers: pd.DataFrame | None = None,
                squad_names: Mapping[str, str] | None = None, category_names: Mapping[str, str] | None = None,
                calendar: WorkingCalendar | None = None, as_of_s: float | None = None) -> CaseFacts:
    """Derive the fact table from the case projection and the case events (see the module docstring).

    ``cases`` columns: id, status, category_code, source, grid_code, community_code, community_name,
    subdistrict_code, subdistrict_name, assignee, created_at, closed_at, disposal_deadline_utc, stats_exempt.
    ``events`` columns: seq, case_id, action, ts_utc, actor, before (dict or None), in log order.
    """
    cal = calendar or default_calendar()
    as_of = float(as_of_s) if as_of_s is not None else datetime.now(UTC).timestamp()
    cases = cases.reset_index(drop=True)
    n = len(cases)
    ids = cases["id"].astype(str).to_numpy(dtype=object)
    index = pd.Index(ids)
    ev = events[events["action"].isin(EVENT_ACTIONS) & events["case_id"].notna()].copy()
    ev["row"] = index.get_indexer(ev["case_id"].astype(str))
    ev = ev[ev["row"] >= 0]
    ev["ts_s"] = _epoch_s(ev["ts_utc"])
    # Only the file / assign / report-back deadlines and the status before a return are read from ``before``.
    ev["deadline_before_s"] = np.nan
    ev["status_before"] = None
    needs_deadline = ev["action"].isin(["file", "assign", "report_back"]).to_numpy()
    if needs_deadline.any():
        texts = [b.get("step_deadline_utc") if isinstance(b, dict) else None for b in ev["before"].to_numpy()[needs_deadline]]
        ev.loc[needs_deadline, "deadline_before_s"] = _epoch_s(texts)
    is_return = (ev["action"] == "return").to_numpy()
    if is_return.any():
        ev.loc[is_return, "status_before"] = [b.get("status") if isinstance(b, dict) else None
                                              for b in ev["before"].to_numpy()[is_return]]
    ev = ev.sort_values("seq", kind="stable")

    def first(action: str, col: str = "ts_s") -> FloatArray:
        sub = ev[ev["action"] == action].drop_duplicates("row", keep="first")
        out = np.full(n, np.nan)
        out[sub["row"].to_numpy()] = sub[col].to_numpy(dtype=np.float64)
        return out

    def last(action: str) -> FloatArray:
        sub = ev[ev["action"] == action].drop_duplicates("row", keep="last")
        out = np.full(n, np.nan)
        out[sub["row"].to_numpy()] = sub["ts_s"].to_numpy(dtype=np.float64)
        return out

    def any_of(mask: pd.Series) -> BoolArray:
        out = np.zeros(n, dtype=bool)
        out[ev.loc[mask, "row"].to_numpy()] = True
        return out

    created = _epoch_s(cases["created_at"])
    filed_at, file_deadline = first("file"), first("file", "deadline_before_s")
    dispatched_at, dispatch_deadline = first("assign"), first("assign", "deadline_before_s")
    handled_at, handle_deadline = first("report_back"), first("report_back", "deadline_before_s")
    closed_at = last("close")
    voided_at = first("void")
    disposal_deadline = _epoch_s(cases["disposal_deadline_utc"])
    status = cases["status"].astype(str).to_numpy()
    is_rb = ev["action"] == "report_back"
    late_rb = any_of(is_rb & (ev["ts_s"] > ev["deadline_before_s"]))
    hung = status == "hung"
    open_ = ~np.isin(status, ["closed", "voided"])
    closed = np.isfinite(closed_at) & (status == "closed")
    dispatched = np.isfinite(dispatched_at)
    filed = np.isfinite(filed_at)
    voided = status == "voided"
    open_late = open_ & ~hung & dispatched & np.isfinite(disposal_deadline) & (disposal_deadline < as_of)
    overdue = late_rb | open_late
    due_close = dispatched & ~voided & (~hung | closed)
    close_anchor = np.where(due_close, np.fmin(np.where(closed, closed_at, np.nan), disposal_deadline), np.nan)
    clock = working_clock_for(cal, dispatched_at, handled_at)
    disposal_wh = clock.hours_between(dispatched_at, handled_at) if clock is not None else np.full(n, np.nan)
    sources = cases["source"].astype(str).to_numpy()
    proactive_values = [s.value for s in SourceChannel if s.is_proactive]
    merge_rows = ev.loc[ev["action"] == "merge_report", "row"].to_numpy()
    merge_count = np.bincount(merge_rows, minlength=n).astype(np.float64)

    cols: dict[str, npt.NDArray[Any]] = {
        "created_at": created, "filed_at": filed_at, "file_deadline": file_deadline, "dispatched_at": dispatched_at,
        "dispatch_deadline": dispatch_deadline, "handled_at": handled_at, "handle_deadline": handle_deadline,
        "closed_at": np.where(closed, closed_at, np.nan), "disposal_deadline": disposal_deadline,
        "close_anchor": close_anchor, "voided_at": voided_at,
        "reported": np.ones(n, dtype=bool),
        "rejected": any_of(ev["action"] == "reject"),
        "filed": filed,
        "file_on_time": filed & (filed_at <= np.where(np.isfinite(file_deadline), file_deadline, np.inf)),
        "voided": voided,
        "voided_after_file": filed & np.isfinite(voided_at) & (voided_at >= filed_at),
        "due_dispatch": filed & ~(np.isfinite(voided_at) & ~dispatched),
        "dispatched": dispatched,
        "dispatch_on_time": dispatched & (dispatched_at <= np.where(np.isfinite(dispatch_deadline),
                                                                     dispatch_deadline, np.inf)),
        "misdispatched": any_of((ev["action"] == "return") & ev["status_before"].isin(["dispatched", "handling"])),
        "due_disposal": dispatched & ~(hung & ~np.isfinite(handled_at)),
        "disposed": np.isfinite(handled_at),
        "disposed_on_time": np.isfinite(handled_at) & (handled_at <= np.where(np.isfinite(handle_deadline),
                                                                             handle_deadline, np.inf)),
        "overdue": overdue,
        "due_close": due_close,
        "closed": closed,
        "closed_on_time": closed & ~overdue,
        "exempt": cases["stats_exempt"].fillna(False).astype(bool).to_numpy(),
        "reworked": any_of(ev["action"] == "rework"),
        "extended": any_of(ev["action"] == "extend_approve"),
        "supervised": any_of(ev["action"] == "supervise"),
        "proactive": np.isin(sources, proactive_values),
        "hung": hung,
        "open": open_,
        "disposal_working_hours": disposal_wh,
        "merge_count": merge_count,
    }
    cols["valid_report"] = ~cols["rejected"]

    assignee = cases["assignee"].astype(object).where(cases["assignee"].notna(), "").astype(str).to_numpy()
    officer_names: dict[str, str] = {}
    squad_of: dict[str, str] = {}
    if officers is not None and len(officers):
        for oid, name, squad in zip(officers["id"], officers["name"], officers["squad_id"], strict=True):
            officer_names[str(oid)] = f"{name}（{oid}）"
            squad_of[str(oid)] = "" if squad is None else str(squad)
    squads = dict(squad_names or {})
    squad_key = np.array([squad_of.get(a, a if a in squads else "") for a in assignee], dtype=object)
    filer = ev[ev["action"] == "file"].drop_duplicates("row", keep="first")
    dispatcher = ev[ev["action"] == "assign"].drop_duplicates("row", keep="first")
    filed_by = np.full(n, "", dtype=object)
    filed_by[filer["row"].to_numpy()] = filer["actor"].astype(str).to_numpy()
    dispatched_by = np.full(n, "", dtype=object)
    dispatched_by[dispatcher["row"].to_numpy()] = dispatcher["actor"].astype(str).to_numpy()
    sub_names = dict(zip(cases["subdistrict_code"].astype(str), cases["subdistrict_name"].astype(str), strict=True))
    comm_names = dict(zip(cases["community_code"].astype(str), cases["community_name"].astype(str), strict=True))
    source_names = {s.value: s.label_zh for s in SourceChannel}
    dims = {
        "district": Dimension.from_values([DISTRICT_LABEL] * n),
        "subdistrict": Dimension.from_values(cases["subdistrict_code"].tolist(), sub_names),
        "community": Dimension.from_values(cases["community_code"].tolist(), comm_names),
        "grid": Dimension.from_values(cases["grid_code"].tolist()),
        "squad": Dimension.from_values(squad_key.tolist(), squads),
        "officer": Dimension.from_values(assignee.tolist(), officer_names),
        "category": Dimension.from_values(cases["category_code"].tolist(), dict(category_names or {})),
        "source": Dimension.from_values(sources.tolist(), source_names),
        "filed_by": Dimension.from_values(filed_by.tolist()),
        "dispatched_by": Dimension.from_values(dispatched_by.tolist()),
    }
    event_facts = {}
    for action in COUNTED_EVENTS:
        sub = ev[ev["action"] == action]
        event_facts[action] = EventFacts(sub["row"].to_numpy(dtype=np.int64), sub["ts_s"].to_numpy(dtype=np.float64))
    last_seq = int(events["seq"].max()) if len(events) else 0
    return CaseFacts(ids, cols, dims, as_of, event_facts, last_seq)
