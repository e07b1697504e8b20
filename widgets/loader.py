"""Start-up work off the GUI thread: schema upgrade, demo seeding when empty, geography and World loading.

The window shows at once; this worker reports progress and hands the loaded objects back by signal.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal
from sqlalchemy import func, select

from console.errors import DomainError
from console.services.clock import Clock, SystemClock
from console.services.context import ServiceContext
from console.services.geo_context import GeoContext, load_geo_context
from console.storage.db import Database
from console.world import World


@dataclass
class LoadOptions:
    db_url: str
    seed_if_empty: bool = True
    seed_days: int = 3
    seed_scale: float = 1.0
    muck_trucks: bool = True  # first-run seeding includes the muck-truck evidence demo


@dataclass
class Loaded:
    """Everything the window needs once loading is done."""

    db: Database
    ctx: ServiceContext
    geo: GeoContext
    world: World
    seeded: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def case_count(db: Database) -> int:
    from console.storage.models import CaseRow

    with db.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(CaseRow)) or 0)


def load_everything(options: LoadOptions, say: Any = None, clock: Clock | None = None) -> Loaded:
    """The whole start-up sequence (blocking); ``say(percent, text)`` reports progress."""
    from console.storage.db import make_engine, resolve_db_url
    from console.storage.migrations_api import upgrade

    report = say or (lambda _p, _t: None)
    report(5, "连接数据库…")
    engine = make_engine(resolve_db_url(options.db_url))
    db = Database(engine)
    report(10, "升级数据库结构…")
    upgrade(db)
    seeded = None
    if options.seed_if_empty and case_count(db) == 0:
        from console.sim.seed import SeedOptions, seed_demo

        report(15, "首次运行：生成长宁区演示数据…")
        # the console's first run is the demo: the Linkong AI cameras' muck-truck traffic (with snapshots and a clip
        # from a loopback camera server) is part of it, as with `urbanops seed --demo`
        seeded = seed_demo(db, SeedOptions(days=options.seed_days, scale=options.seed_scale,
                                           muck_trucks=options.muck_trucks, muck_media=options.muck_trucks),
                           progress=lambda msg: report(40, "演示数据：" + msg))
    report(60, "加载地理底图…")
    geo = load_geo_context(db)
    report(80, "加载案件与队员…")
    world = World()
    world.load(db)
    ctx = ServiceContext(db, clock=clock or SystemClock(), _geo=geo)
    report(100, "加载完成")
    return Loaded(db=db, ctx=ctx, geo=geo, world=world, seeded=seeded)


class LoadWorker(QThread):
    """Runs :func:`load_everything` in its own thread."""

    progress = Signal(int, str)
    loaded = Signal(object)  # Loaded
    failed = Signal(str)

    def __init__(self, options: LoadOptions, clock: Clock | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.options = options
        self.clock = clock

    def run(self) -> None:
        try:
            result = load_everything(self.options, lambda p, t: self.progress.emit(int(p), str(t)), self.clock)
        except DomainError as exc:
            self.failed.emit(f"{exc.message_zh}\n{exc.message_en}")
            return
        except Exception as exc:  # the window must show why, not hang on the progress bar
            self.failed.emit(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")
            return
        self.loaded.emit(result)
