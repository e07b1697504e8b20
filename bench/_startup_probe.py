"""Child process for bench_startup: time from interpreter start to the first painted map, or bare imports.

Usage: python -m bench._startup_probe window DB_URL | imports | memory DB_URL SIM_HOURS SPEED
Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.perf_counter()


def bare_imports() -> None:
    import geopandas  # noqa: F401
    import numpy  # noqa: F401
    import pyqtgraph  # noqa: F401
    import shapely  # noqa: F401
    import sqlalchemy  # noqa: F401
    from PySide6 import QtWidgets  # noqa: F401

    print(json.dumps({"imports_s": time.perf_counter() - T0}))


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def window(db_url: str, sim_hours: float = 0.0, speed: float = 1.0) -> None:
    import tempfile
    from datetime import UTC, datetime

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    import maps  # noqa: F401  (guards before QApplication)
    from console.sim.simulator import SimClock
    from widgets.app import isolate_settings, make_app
    from widgets.fonts import install_cjk_font
    from widgets.loader import LoadOptions
    from widgets.main_window import MainWindow

    isolate_settings(tempfile.mkdtemp())
    app = make_app()
    install_cjk_font(app)
    win = MainWindow(theme="dark")
    win.resize(1600, 1000)
    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "window_painted_s" not in marks:
                marks["window_painted_s"] = time.perf_counter() - T0
            return False

    flt = FirstPaint()
    win.installEventFilter(flt)
    clock = SimClock(datetime.now(UTC))

    def loaded() -> None:
        QApplication.processEvents()
        win.repaint()
        QApplication.processEvents()
        marks["map_painted_s"] = time.perf_counter() - T0
        if sim_hours <= 0:
            print(json.dumps(marks))
            app.quit()
            return
        win.start_simulator(speed)
        started = time.perf_counter()
        marks["rss_loaded_mb"] = rss_mb()
        sim_start = clock.now_utc()

        def check() -> None:
            hours = (clock.now_utc() - sim_start).total_seconds() / 3600
            if hours >= sim_hours or time.perf_counter() - started > 900:
                marks["sim_hours"] = hours
                marks["rss_after_mb"] = rss_mb()
                marks["wall_s"] = time.perf_counter() - started
                print(json.dumps(marks))
                app.quit()
            else:
                QTimer.singleShot(500, check)

        QTimer.singleShot(500, check)

    win.loadFinished.connect(loaded)
    win.loadFailed.connect(lambda msg: (print(json.dumps({"error": msg})), app.quit()))
    win.show()
    win.start_loading(LoadOptions(db_url=db_url, seed_if_empty=False), clock)
    app.exec()
    win.shutdown()


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    mode = sys.argv[1]
    if mode == "imports":
        bare_imports()
    elif mode == "window":
        window(sys.argv[2])
    elif mode == "memory":
        window(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
