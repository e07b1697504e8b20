"""Loading a replay off the GUI thread: open the source read-only, load the period, place the clock at the start."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from console.domain.enums import CaseStatus, Role
from console.errors import DomainError
from console.replay import ReplayClock, ReplaySession, ReplaySource, load_session
from console.services.context import ServiceContext
from console.services.geo_context import load_geo_context
from widgets.loader import Loaded


class ReplayWorkflow:
    """The workflow table with no actions offered to anyone: every button and menu built from it stays empty."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def available_actions(self, status: CaseStatus, role: Role) -> list[str]:
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@dataclass
class ReplayLoaded:
    loaded: Loaded  # what the main window binds (read-only database, context at the replay clock)
    session: ReplaySession
    clock: ReplayClock


@dataclass
class ReplayRequest:
    target: str | None  # replay file
    db_url: str | None
    from_utc: datetime | None = None
    to_utc: datetime | None = None
    at_utc: datetime | None = None
    at_text: str | None = None  # a typed --at (HH:MM needs the period's first day, known once the source is open)


def load_replay(req: ReplayRequest, say: Any = None) -> ReplayLoaded:
    report = say or (lambda _p, _t: None)
    report(2, "只读打开回放来源…")
    source = ReplaySource.open(req.target, db_url=req.db_url)
    from console.replay.session import resolve_period

    start, _end = resolve_period(source, req.from_utc, req.to_utc)
    if req.at_utc is None and req.at_text:
        from console.replay.session import parse_time

        try:
            req.at_utc = parse_time(req.at_text, start)
        except DomainError:
            req.at_utc = None  # the window reports the bad --at itself
    session = load_session(source, req.from_utc, req.to_utc, progress=lambda f, t: report(5 + int(80 * f), t),
                           tracks_around=req.at_utc or start)
    report(88, "加载地理底图…")
    geo = load_geo_context(source.db)
    clock = ReplayClock(session, start=req.at_utc)
    base = ServiceContext(source.db, clock=clock.service_clock(), _geo=geo)
    ctx = ServiceContext(source.db, clock=clock.service_clock(), workflow=ReplayWorkflow(base.workflow),  # type: ignore[arg-type]
                         taxonomy=base.taxonomy, sla=base.sla, _geo=geo)
    report(100, "加载完成")
    return ReplayLoaded(Loaded(db=source.db, ctx=ctx, geo=geo, world=clock.world), session, clock)


class _Cancelled(Exception):
    pass


class ReplayLoadWorker(QThread):
    """Loads the replay with the fixes around the first frame, hands it over, then loads every fix of the period."""

    progress = Signal(int, str)
    loaded = Signal(object)  # ReplayLoaded (first frame)
    tracksLoaded = Signal(object)  # TrackIndex of the whole period
    failed = Signal(str)

    def __init__(self, req: ReplayRequest, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.req = req
        self._cancelled = False

    def cancel(self) -> None:
        """Stop after the current chunk of fixes (the window is closing)."""
        self._cancelled = True

    def _tracks_progress(self, fraction: float, _text: str) -> None:
        if self._cancelled:
            raise _Cancelled
        self.progress.emit(int(100 * fraction), "读取全部轨迹…")

    def run(self) -> None:
        try:
            result = load_replay(self.req, lambda p, t: self.progress.emit(int(p), str(t)))
        except DomainError as exc:
            self.failed.emit(f"{exc.message_zh}\n{exc.message_en}")
            return
        except Exception as exc:  # the window must say why, not hang on the progress bar
            self.failed.emit(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")
            return
        self.loaded.emit(result)
        session = result.session
        try:
            from console.replay.session import load_tracks

            tracks = load_tracks(session.source, session.from_utc, session.to_utc, self._tracks_progress)
        except _Cancelled:
            return
        except Exception as exc:  # the replay stays usable with the first window of fixes
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.tracksLoaded.emit(tracks)
