"""``urbanops replay``: the console in replay mode, and its headless screenshot (``--at T --screenshot PNG``); start-up
and the run loop are ``widgets.app``'s (``start_app``, ``WindowRun``), shared with ``urbanops demo``."""

from __future__ import annotations

import argparse
import sys

from widgets.app import WindowRun, start_app
from widgets.main_window import MainWindow
from widgets.replay.controller import ReplayController
from widgets.replay.loader import ReplayLoaded, ReplayLoadWorker, ReplayRequest

LOAD_CAP_S = 600.0


def request_from_args(args: argparse.Namespace) -> ReplayRequest:
    from console.replay.session import parse_time

    t1 = parse_time(args.from_time) if getattr(args, "from_time", None) else None
    t2 = parse_time(args.to_time) if getattr(args, "to_time", None) else None
    return ReplayRequest(target=getattr(args, "target", None), db_url=getattr(args, "db", None), from_utc=t1, to_utc=t2,
                         at_text=getattr(args, "at", None))


def open_replay_window(req: ReplayRequest, theme: str = "dark") -> tuple[MainWindow, ReplayController,
                                                                           ReplayLoadWorker]:
    """A main window in replay mode with its loader started (tests and the CLI)."""
    window = MainWindow(theme=theme)
    controller = ReplayController(window)
    worker = ReplayLoadWorker(req, window)
    worker.progress.connect(window._on_progress)
    worker.failed.connect(window._on_load_failed)
    worker.loaded.connect(controller.bind)
    worker.tracksLoaded.connect(controller.set_tracks)
    worker.start()
    window.replay_controller = controller
    return window, controller, worker


def run_replay(args: argparse.Namespace) -> int:
    from console.replay.session import parse_time

    req = request_from_args(args)
    app, theme = start_app(args, "urbanops-replay-shot-")
    window, controller, worker = open_replay_window(req, theme)
    run = WindowRun(app, window, args, load_cap_s=LOAD_CAP_S)
    window.show()

    def on_loaded(rl: ReplayLoaded) -> None:
        at = getattr(args, "at", None)
        if at:
            try:
                controller.seek(parse_time(at, rl.session.from_utc).timestamp())
            except Exception as exc:  # bad --at: say so, keep the replay open at its start
                print(str(exc), file=sys.stderr)
                run.code = 2
        rl.clock.set_speed(float(getattr(args, "speed", 60.0) or 60.0))
        if controller.timeline is not None:
            controller.timeline.set_speed(rl.clock.speed)
        follow = getattr(args, "follow", None)
        if follow:
            if follow in rl.clock.world.officers:
                window.select_officer(follow, source="api")
            else:
                window.select_case(follow, source="api")
            controller.set_follow(True)
        elif run.screenshot:
            window.select_first_in_queue(fly=False)
        if getattr(args, "play", False):
            controller.set_playing(True)
        run.loaded()

    worker.loaded.connect(on_loaded)
    worker.failed.connect(run.failed)
    code = run.exec()
    controller.set_playing(False) if controller.rl is not None else None
    worker.cancel()
    window.shutdown()
    if worker.isRunning():
        worker.wait(120_000)
    return code
