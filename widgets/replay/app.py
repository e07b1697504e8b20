"""``urbanops replay``: the console in replay mode, and its headless screenshot (``--at T --screenshot PNG``)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from PySide6.QtCore import QTimer

from widgets.app import choose, isolate_settings, make_app, save_screenshot
from widgets.fonts import install_cjk_font
from widgets.i18n import install_language
from widgets.main_window import MainWindow
from widgets.replay.controller import ReplayController
from widgets.replay.loader import ReplayLoaded, ReplayLoadWorker, ReplayRequest
from widgets.theme import apply_theme

SCREENSHOT_SIZE = (1600, 1000)
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
    settings_dir = os.environ.get("URBANOPS_SETTINGS_DIR")
    screenshot = getattr(args, "screenshot", None)
    if screenshot and not settings_dir:
        settings_dir = tempfile.mkdtemp(prefix="urbanops-replay-shot-")
    if settings_dir:
        isolate_settings(settings_dir)
    app = make_app()
    install_cjk_font(app)
    install_language(app, choose("ui/lang", getattr(args, "lang", None), "zh", ("zh", "en")))
    theme = apply_theme(app, choose("ui/theme", getattr(args, "theme", None), "dark", ("dark", "light")))
    window, controller, worker = open_replay_window(req, theme)
    if screenshot:
        window.resize(*SCREENSHOT_SIZE)
    window.show()
    status = {"code": 0}
    quit_after = getattr(args, "quit_after", None)

    def finish() -> None:
        if screenshot and not save_screenshot(window, screenshot):
            print(f"cannot write screenshot {screenshot}", file=sys.stderr)
            status["code"] = 1
        window.close()
        app.quit()

    def on_loaded(rl: ReplayLoaded) -> None:
        at = getattr(args, "at", None)
        if at:
            try:
                controller.seek(parse_time(at, rl.session.from_utc).timestamp())
            except Exception as exc:  # bad --at: say so, keep the replay open at its start
                print(str(exc), file=sys.stderr)
                status["code"] = 2
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
        elif screenshot:
            window.select_first_in_queue(fly=False)
        if getattr(args, "play", False):
            controller.set_playing(True)
        if quit_after is not None or screenshot:
            QTimer.singleShot(int(1000 * float(quit_after if quit_after is not None else 3.0)), finish)

    def on_failed(message: str) -> None:
        print(message, file=sys.stderr)
        status["code"] = 1
        if quit_after is not None or screenshot:
            QTimer.singleShot(500, finish)

    worker.loaded.connect(on_loaded)
    worker.failed.connect(on_failed)
    if quit_after is not None or screenshot:
        QTimer.singleShot(int(1000 * (LOAD_CAP_S + float(quit_after or 0))), finish)
    app.exec()
    controller.set_playing(False) if controller.rl is not None else None
    worker.cancel()
    window.shutdown()
    if worker.isRunning():
        worker.wait(120_000)
    return status["code"]
