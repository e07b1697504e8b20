"""Database outage in the console: a health probe off the GUI thread shows the connection state in the status bar
at once, commands go through the local outbox (``console.services.outbox``) and are replayed in order when the
database returns; refusals on replay are shown to the user."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from sqlalchemy import text

from console.services.outbox import ReplayReport, ResilientCommands


class _Probe(QThread):
    """One probe: ``SELECT 1`` and, when it answers and commands are queued, a replay (both off the GUI thread)."""

    done = Signal(bool, str, object)  # online, error text, ReplayReport | None

    def __init__(self, commands: ResilientCommands, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.commands = commands

    def run(self) -> None:
        try:
            with self.commands.ctx.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to reach the database is "offline", never a crash
            first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            self.commands.online = False
            self.done.emit(False, first[0] if first else type(exc).__name__, None)
            return
        report: ReplayReport | None = None
        try:
            if self.commands.outbox.pending_count():
                report = self.commands.replay()
            else:
                self.commands.online = True
        except Exception as exc:
            self.done.emit(False, str(exc).splitlines()[0] if str(exc) else type(exc).__name__, None)
            return
        self.done.emit(bool(self.commands.online), self.commands.last_error or "", report)


class OutageMonitor(QObject):
    """Polls the database every ``interval_ms``; keeps ``window.db_online`` and the status-bar label current."""

    stateChanged = Signal(bool)
    replayed = Signal(object)  # ReplayReport

    def __init__(self, window: Any, commands: ResilientCommands, interval_ms: int = 3000) -> None:
        super().__init__(window)
        self.window = window
        self.commands = commands
        self.online = True
        self._probe: _Probe | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        if self._probe is not None and self._probe.isRunning():
            return
        self._probe = _Probe(self.commands, self)
        self._probe.done.connect(self._on_probe)
        self._probe.start()

    def _on_probe(self, online: bool, error: str, report: ReplayReport | None) -> None:
        changed = online != self.online
        self.online = online
        self.window.db_online = online
        pending = self.commands.outbox.pending_count()
        label = self.window.db_label
        if online:
            label.setStyleSheet("")
            label.setText(self.window._db_text(ok=True) + (self.tr("（待提交 %1）").replace("%1", str(pending))
                                                            if pending else ""))
        else:
            label.setStyleSheet("color: #ff6b6b; font-weight: bold;")
            label.setText(self.tr("数据库：连接中断，本地排队 %1 条").replace("%1", str(pending)))
            label.setToolTip(error)
        if report is not None and (report.applied or report.refused or report.duplicates):
            self.show_report(report)
            self.replayed.emit(report)
        if changed:
            self.stateChanged.emit(online)

    def show_report(self, report: ReplayReport) -> None:
        from widgets.i18n import current_language

        sb = self.window.statusBar()
        if report.refused:
            en = current_language() == "en"
            lines = [f"{c.describe()}: {(c.error_en if en else c.error_zh) or ''}" for c in report.refused]
            text = self.tr("恢复连接后有 %1 条命令被拒绝：%2").replace("%1", str(len(report.refused))) \
                .replace("%2", "；".join(lines))
            sb.showMessage(text, 30_000)
            self.window.details.case_view.show_message(text)
            for c in report.refused:
                self.commands.outbox.acknowledge(c.command_id)
        else:
            sb.showMessage(self.tr("数据库已恢复：%1 条排队命令已按顺序提交").replace("%1", str(len(report.applied))),
                           8000)
        loaded = getattr(self.window, "loaded", None)
        if loaded is not None:
            loaded.world.tail(loaded.db)

    def stop(self) -> None:
        self.timer.stop()
        if self._probe is not None:
            self._probe.wait(10_000)
