"""``urbanops demo``: the Qt application around the main window — font, language, theme, loading, simulator and
the headless screenshot mode (``--screenshot PATH --quit-after S``, works with QT_QPA_PLATFORM=offscreen)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from console.resources import resource_path
from widgets.fonts import install_cjk_font
from widgets.i18n import install_language
from widgets.main_window import APPLICATION, ORGANISATION, MainWindow, app_settings
from widgets.theme import apply_theme

SCREENSHOT_LOAD_CAP_S = 600.0  # the screenshot is taken even if loading never finishes
DEFAULT_SEED_DAYS = 3


def isolate_settings(directory: str) -> None:
    """Keep UI settings in ``directory`` (INI files) instead of the user's real settings."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, directory)


def make_app() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(application_icon())
    return app


def application_icon() -> QIcon:
    """The shield-and-pin icon in the sizes the window manager picks from (``resources/icons``)."""
    icon = QIcon()
    for path in sorted(resource_path("icons").glob("urbanops-*.png")):
        icon.addFile(str(path))
    return icon


def choose(setting: str, given: str | None, default: str, allowed: tuple[str, ...]) -> str:
    """CLI value wins and is remembered; else the remembered one; else the default."""
    s = app_settings()
    if given:
        s.setValue(setting, given)
        return given
    value = s.value(setting)
    return str(value) if value in allowed else default


SCREENSHOT_SIZE = (1600, 1000)


def save_screenshot(window: MainWindow, path: str, size: tuple[int, int] = SCREENSHOT_SIZE) -> bool:
    """Grab the whole window to PNG at the reference desk size (offscreen screens are small by default)."""
    out = Path(path).expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    if (window.width(), window.height()) != size:
        window.resize(*size)
    for _ in range(3):
        QApplication.processEvents()
    pixmap = window.grab()
    return bool(pixmap.save(str(out), "PNG"))


def start_app(args: argparse.Namespace, shot_prefix: str) -> tuple[QApplication, str]:
    """The application with settings, CJK font, language and theme in place; returns it and the theme applied.

    A screenshot run keeps its settings in a throwaway folder: a headless picture must not depend on, or change, the
    person's remembered layout, theme and language."""
    settings_dir = os.environ.get("URBANOPS_SETTINGS_DIR")
    if getattr(args, "screenshot", None) and not settings_dir:
        settings_dir = tempfile.mkdtemp(prefix=shot_prefix)
    if settings_dir:
        isolate_settings(settings_dir)
    app = make_app()
    install_cjk_font(app)
    install_language(app, choose("ui/lang", getattr(args, "lang", None), "zh", ("zh", "en")))
    theme = apply_theme(app, choose("ui/theme", getattr(args, "theme", None), "dark", ("dark", "light")))
    return app, theme


class WindowRun:
    """The run loop of a console window (``urbanops demo``, ``urbanops replay``): with ``--screenshot`` or
    ``--quit-after`` it saves the picture and quits a while after loading (or after a failure, or at the load cap)."""

    def __init__(self, app: QApplication, window: MainWindow, args: argparse.Namespace,
                 load_cap_s: float = SCREENSHOT_LOAD_CAP_S) -> None:
        self.app, self.window = app, window
        self.screenshot: str | None = getattr(args, "screenshot", None)
        self.quit_after: float | None = getattr(args, "quit_after", None)
        self.size: tuple[int, int] = getattr(args, "screenshot_size", None) or SCREENSHOT_SIZE
        self.load_cap_s = load_cap_s
        self.code = 0
        self.take_picture = True  # False when the run failed in a way a picture would misrepresent
        if self.screenshot:
            window.resize(*self.size)

    @property
    def timed(self) -> bool:
        return self.quit_after is not None or bool(self.screenshot)

    def finish(self) -> None:
        if self.screenshot and self.take_picture and not save_screenshot(self.window, self.screenshot, self.size):
            print(f"cannot write screenshot {self.screenshot}", file=sys.stderr)
            self.code = 1
        self.window.close()
        self.app.quit()

    def loaded(self) -> None:
        """Loading is done: quit ``--quit-after`` seconds later (3 s for a bare screenshot)."""
        if self.timed:
            QTimer.singleShot(int(1000 * float(self.quit_after if self.quit_after is not None else 3.0)), self.finish)

    def failed(self, message: str) -> None:
        print(message, file=sys.stderr)
        self.code = 1
        if self.timed:
            QTimer.singleShot(500, self.finish)

    def abort(self, message: str, code: int = 2) -> None:
        """Bad input noticed after loading: say so, exit with ``code``, no picture."""
        print(message, file=sys.stderr)
        self.code, self.take_picture = code, False
        QTimer.singleShot(0, self.finish)

    def exec(self) -> int:
        """Run the event loop until the window quits; returns the exit code so far."""
        if self.timed:
            QTimer.singleShot(int(1000 * (self.load_cap_s + float(self.quit_after or 0))), self.finish)
        self.app.exec()
        return self.code


def _drill_mode(db_url: str) -> Any:
    try:
        from widgets.drill_mode import detect
    except ImportError:  # training feature not in this build
        return None
    return detect(db_url)


def run_demo(args: argparse.Namespace) -> int:
    """Open the console on the demo world; returns the process exit code."""
    from console.storage.db import resolve_db_url
    from widgets.loader import LoadOptions

    app, theme = start_app(args, "urbanops-shot-")
    from widgets.video.video_ui import enable_demo_cameras

    enable_demo_cameras()  # the demo's cameras stream from a synthetic loopback server (docs/video.md)
    from widgets.security.startup import sign_in_at_start

    signed = sign_in_at_start(resolve_db_url(getattr(args, "db", None)), bool(getattr(args, "sign_in", False)))
    if signed is None:
        return 1
    window = MainWindow(theme=theme)
    mqtt_url = getattr(args, "mqtt", None)
    if mqtt_url:
        from console.feeds.mqtt_gateway import parse_mqtt_url

        parse_mqtt_url(mqtt_url)  # a bad URL fails now with a clear message, not after loading
        window.live_mqtt_url = mqtt_url  # the console takes positions over MQTT
    run = WindowRun(app, window, args)
    from console.security.session import configured_idle_timeout_s
    from widgets.security.hook import install_security

    install_security(window, signed.session, signed.accounts, configured_idle_timeout_s(getattr(args, "idle_lock", None)))
    window.show()

    clock = None
    try:
        from console.sim.simulator import SimClock

        clock = SimClock(datetime.now(UTC).replace(microsecond=0))
    except ImportError:  # simulator not available: wall clock
        clock = None
    db_url = resolve_db_url(getattr(args, "db", None))
    drill = _drill_mode(db_url)  # a drill sandbox runs on the drill's clock (widgets/drill_mode.py)
    if drill is not None:
        clock = drill.clock
    window.start_loading(LoadOptions(db_url=db_url, seed_days=DEFAULT_SEED_DAYS), clock)
    speed = float(getattr(args, "speed", 1.0) or 1.0)
    select_case = getattr(args, "select_case", None)

    def on_loaded() -> None:
        if drill is not None:
            drill.start(window, speed if getattr(args, "speed", None) not in (None, 1.0) else None)
        elif clock is not None:
            window.start_simulator(speed)
            if mqtt_url and window.sim_runner is not None:
                window.sim_runner.publish_to(mqtt_url)  # same simulator, through the real broker
        if select_case:
            if not window.select_case(select_case, source="nofly" if run.screenshot else "api"):
                run.abort(f"错误：案件 {select_case} 不存在\nerror: case {select_case} does not exist")
                return
        elif run.screenshot:
            window.select_first_in_queue(fly=False)  # a demo picture shows the details panel at work
        run.loaded()

    window.loadFinished.connect(on_loaded)
    window.loadFailed.connect(run.failed)
    code = run.exec()
    window.shutdown()
    return code
