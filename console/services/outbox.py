"""Local outbox (离线发件箱): commands survive a lost database connection and are applied in order, exactly once.

Every command the console issues is first written to a small SQLite file in the user data directory (durable,
ordered by a local sequence, keyed by a random command id), then applied. When the database is unreachable the
command stays queued and the console keeps working on what it has; :meth:`ResilientCommands.replay` applies the
queue in order when the database returns. Exactly once: the command id is inserted into ``applied_commands`` in the
same transaction as the command's events, so a command whose acknowledgement was lost (crash, connection dropped
during commit) is recognised and not applied again. A command the database refuses on replay (the case moved on
meanwhile) is kept as ``refused`` with its zh + en message for the user to see — never silently dropped.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from console.domain.enums import Role
from console.errors import DomainError, StorageError, ValidationError
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.services.dispatch import BatchResult, write_assignment
from console.services.writer import CaseWriter, Reporter
from console.storage.eventstore import as_utc, iso_utc
from console.storage.models_outbox import AppliedCommandRow

OUTBOX_FILE = "outbox.sqlite3"
KINDS = ("create_case", "act", "assign")
QUEUED, APPLIED, REFUSED = "queued", "applied", "refused"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    local_seq INTEGER PRIMARY KEY AUTOINCREMENT,
    command_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    role TEXT NOT NULL,
    user TEXT NOT NULL,
    queued_at_utc TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    entity_id TEXT,
    error_zh TEXT,
    error_en TEXT,
    finished_at_utc TEXT,
    acknowledged INTEGER NOT NULL DEFAULT 0
)
"""


def default_outbox_path() -> Path:
    return Path(platformdirs.user_data_dir("urbanops", appauthor=False)) / OUTBOX_FILE


def _storage_error(path: Path, exc: BaseException) -> StorageError:
    """A clear zh + en message for an unwritable or full data directory."""
    text = str(exc).lower()
    if "full" in text or "no space" in text or "too large" in text or "disk i/o" in text:
        return StorageError(f"本地发件箱无法写入：磁盘已满（{path}）。请释放磁盘空间；已排队的命令未丢失。",
                            f"cannot write the local outbox: disk full ({path}). Free some space; queued commands "
                            "are kept.")
    return StorageError(f"本地发件箱无法写入：{path}（{exc}）。请检查数据目录是否存在且可写。",
                        f"cannot write the local outbox {path} ({exc}); check that the data directory exists and is "
                        "writable.")


@dataclass(frozen=True)
class QueuedCommand:
    """One command as queued: who, what, when (UTC), in local order."""

    local_seq: int
    command_id: str
    kind: str
    payload: dict[str, Any]
    role: str
    user: str
    queued_at_utc: datetime
    status: str = QUEUED
    entity_id: str | None = None
    error_zh: str | None = None
    error_en: str | None = None

    @property
    def actor(self) -> Actor:
        return Actor(Role(self.role), self.user)

    def describe(self) -> str:
        if self.kind == "act":
            return f"{self.payload.get('action')} {self.payload.get('case_id')}"
        if self.kind == "assign":
            verb = "reassign" if self.payload.get("reassign") else "assign"
            return f"{verb} {self.payload.get('case_id')} → {self.payload.get('target')}"
        return f"create_case {self.payload.get('category')}"


class LocalOutbox:
    """The outbox file (stdlib sqlite3, WAL, synchronous=FULL: a queued command survives a power cut)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_outbox_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as conn:
                conn.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise _storage_error(self.path, exc) from exc

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite may already have rolled back (disk full, I/O error)
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> int:
        try:
            with self._connect() as conn:
                return int(conn.execute(sql, params).lastrowid or 0)
        except (OSError, sqlite3.Error) as exc:
            raise _storage_error(self.path, exc) from exc

    def enqueue(self, kind: str, payload: dict[str, Any], actor: Actor, *, command_id: str | None = None,
                now_utc: datetime | None = None) -> QueuedCommand:
        """Queue a command durably; returns it with its local order number and id."""
        if kind not in KINDS:
            raise ValidationError(f"未知命令类型 {kind}", f"unknown command kind {kind!r}")
        cid = command_id or uuid.uuid4().hex
        now = as_utc(now_utc or datetime.now(UTC))
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        seq = self._write("INSERT INTO outbox (command_id, kind, payload, role, user, queued_at_utc) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (cid, kind, body, actor.role.value, actor.user, iso_utc(now)))
        return QueuedCommand(seq, cid, kind, payload, actor.role.value, actor.user, now)

    def _rows(self, where: str, params: tuple[Any, ...] = ()) -> list[QueuedCommand]:
        try:
            with self._connect() as conn:
                rows = conn.execute(
                    "SELECT local_seq, command_id, kind, payload, role, user, queued_at_utc, status, entity_id, "
                    f"error_zh, error_en FROM outbox WHERE {where} ORDER BY local_seq", params).fetchall()
        except (OSError, sqlite3.Error) as exc:
            raise _storage_error(self.path, exc) from exc
        return [QueuedCommand(int(r[0]), r[1], r[2], json.loads(r[3]), r[4], r[5],
                              as_utc(datetime.fromisoformat(r[6])), r[7], r[8], r[9], r[10]) for r in rows]

    def pending(self) -> list[QueuedCommand]:
        """Queued commands in the order they were issued."""
        return self._rows("status = ?", (QUEUED,))

    def all(self) -> list[QueuedCommand]:
        return self._rows("1 = 1")

    def refused(self, *, unacknowledged_only: bool = True) -> list[QueuedCommand]:
        """Commands the database refused on replay (shown to the user until acknowledged)."""
        return self._rows("status = ? AND acknowledged = 0" if unacknowledged_only else "status = ?", (REFUSED,))

    def acknowledge(self, command_id: str) -> None:
        self._write("UPDATE outbox SET acknowledged = 1 WHERE command_id = ?", (command_id,))

    def mark(self, command_id: str, status: str, *, entity_id: str | None = None, error: DomainError | None = None,
             now_utc: datetime | None = None) -> None:
        self._write("UPDATE outbox SET status = ?, entity_id = ?, error_zh = ?, error_en = ?, finished_at_utc = ? "
                    "WHERE command_id = ?",
                    (status, entity_id, error.message_zh if error else None, error.message_en if error else None,
                     iso_utc(as_utc(now_utc or datetime.now(UTC))), command_id))

    def pending_count(self) -> int:
        return len(self.pending())


def is_connection_error(exc: BaseException) -> bool:
    """True when ``exc`` means "the database is not reachable now" (retry later), not "the command is wrong"."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError)):
        return True
    if isinstance(exc, sa_exc.TimeoutError):  # pool exhausted while the server is away
        return True
    if isinstance(exc, StorageError):
        return True
    return isinstance(exc, (ConnectionError, TimeoutError))


def apply_command(ctx: ServiceContext, cmd: QueuedCommand, now_utc: datetime | None = None) -> tuple[str | None, bool]:
    """Apply one command in one transaction with its idempotency key; returns (entity id, was already applied)."""
    with ctx.db.session() as s:
        w = CaseWriter(s, ctx)  # takes the chain lock first: the duplicate check below cannot race
        done = s.scalars(select(AppliedCommandRow).where(AppliedCommandRow.command_id == cmd.command_id)).first()
        if done is not None:
            return done.entity_id, True
        p = cmd.payload
        if cmd.kind == "create_case":
            reporter = p.get("reporter")
            state = w.create_case(category=p["category"], lon=p["lon"], lat=p["lat"], source=p["source"],
                                  actor=cmd.actor, description=p.get("description"), address=p.get("address"),
                                  priority=p.get("priority"),
                                  reporter=Reporter(**reporter) if isinstance(reporter, dict) else None)
            entity_id: str | None = str(state["id"])
        elif cmd.kind == "act":
            entity_id = str(p["case_id"])
            w.act(entity_id, str(p["action"]), cmd.actor, reason=p.get("reason"), target=p.get("target"),
                  payload=p.get("payload"))
        elif cmd.kind == "assign":
            entity_id = str(p["case_id"])
            write_assignment(w, entity_id, str(p["target"]), cmd.actor, override_reason=p.get("override_reason"),
                             reassign=bool(p.get("reassign")))
        else:
            raise ValidationError(f"未知命令类型 {cmd.kind}", f"unknown command kind {cmd.kind!r}")
        stored = w.flush()
        s.add(AppliedCommandRow(command_id=cmd.command_id, kind=cmd.kind, actor=cmd.user, role=cmd.role,
                                queued_at_utc=cmd.queued_at_utc, applied_at_utc=as_utc(now_utc or ctx.clock.now_utc()),
                                first_seq=stored[0].seq if stored else None, last_seq=stored[-1].seq if stored else None,
                                entity_id=entity_id))
    return entity_id, False


@dataclass
class SubmitResult:
    """What happened to one submitted command: ``applied``, ``queued`` (database away) or ``refused``."""

    status: str
    command: QueuedCommand
    entity_id: str | None = None
    error: DomainError | None = None


@dataclass
class ReplayReport:
    applied: list[QueuedCommand] = field(default_factory=list)
    duplicates: list[QueuedCommand] = field(default_factory=list)
    refused: list[QueuedCommand] = field(default_factory=list)
    remaining: int = 0
    online: bool = True
    error: str | None = None


class ResilientCommands:
    """The console's command path: queue first, then apply in order; offline → keep queued, replay later."""

    def __init__(self, ctx: ServiceContext, outbox: LocalOutbox,
                 on_state: Callable[[bool, int], None] | None = None) -> None:
        self.ctx = ctx
        self.outbox = outbox
        self.online = True
        self.last_error: str | None = None
        self.on_state = on_state  # (online, pending) after every submit/replay, for a status bar

    def submit(self, kind: str, payload: dict[str, Any], actor: Actor) -> SubmitResult:
        """Queue the command and try to apply the queue up to it (earlier queued commands go first)."""
        cmd = self.outbox.enqueue(kind, payload, actor, now_utc=self.ctx.clock.now_utc())
        if not self.online:  # known offline: do not stall the caller on a connect timeout; the monitor replays
            return SubmitResult(QUEUED, cmd)
        report = self.replay()
        for item in report.applied + report.duplicates:
            if item.command_id == cmd.command_id:
                return SubmitResult(APPLIED, item, item.entity_id)
        for item in report.refused:
            if item.command_id == cmd.command_id:
                self.outbox.acknowledge(cmd.command_id)  # refused at once: the caller shows it now
                return SubmitResult(REFUSED, item, error=DomainError(item.error_zh or "", item.error_en or ""))
        return SubmitResult(QUEUED, cmd)

    def create_case(self, actor: Actor, **payload: Any) -> SubmitResult:
        return self.submit("create_case", payload, actor)

    def act(self, case_id: str, action: str, actor: Actor, *, reason: str | None = None, target: str | None = None,
            payload: dict[str, Any] | None = None) -> SubmitResult:
        body: dict[str, Any] = {"case_id": case_id, "action": action}
        for key, value in (("reason", reason), ("target", target), ("payload", payload)):
            if value is not None:
                body[key] = value
        return self.submit("act", body, actor)

    def assign(self, case_id: str, target: str, actor: Actor, *, override_reason: str | None = None,
               reassign: bool = False) -> SubmitResult:
        """A dispatch-panel assignment (recommendation, drag-to-assign): same rules as ``DispatchService.assign``,
        queued like a case action while the database is away."""
        body: dict[str, Any] = {"case_id": case_id, "target": target}
        if override_reason and override_reason.strip():
            body["override_reason"] = override_reason.strip()
        if reassign:
            body["reassign"] = True
        return self.submit("assign", body, actor)

    def assign_many(self, case_ids: Sequence[str], target: str, actor: Actor, *,
                    override_reason: str | None = None) -> BatchResult:
        """Several cases to one target, one command each (in the given order): applied, refused or queued per case,
        like ``DispatchService.assign_many``; once the database is found away the rest are queued without a wait."""
        result = BatchResult()
        for case_id in dict.fromkeys(case_ids):
            r = self.assign(case_id, target, actor, override_reason=override_reason)
            if r.status == APPLIED:
                result.assigned.append(case_id)
            elif r.status == QUEUED:
                result.queued.append(case_id)
            else:
                result.refused[case_id] = str(r.error)
        return result

    def replay(self) -> ReplayReport:
        """Apply queued commands in order until the queue is empty or the database is unreachable."""
        report = ReplayReport()
        queue = self.outbox.pending()
        for i, cmd in enumerate(queue):
            try:
                entity_id, duplicate = apply_command(self.ctx, cmd)
            except DomainError as exc:
                if isinstance(exc, StorageError):
                    self._offline(report, exc, len(queue) - i)
                    break
                self.outbox.mark(cmd.command_id, REFUSED, error=exc)
                report.refused.append(_with(cmd, REFUSED, error=exc))
                continue
            except Exception as exc:
                if is_connection_error(exc):
                    self._offline(report, exc, len(queue) - i)
                    break
                raise
            self.outbox.mark(cmd.command_id, APPLIED, entity_id=entity_id)
            (report.duplicates if duplicate else report.applied).append(_with(cmd, APPLIED, entity_id=entity_id))
        else:
            self.online = True
            self.last_error = None
        if self.on_state is not None:
            self.on_state(self.online, report.remaining)
        return report

    def _offline(self, report: ReplayReport, exc: BaseException, remaining: int) -> None:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        self.online = False
        self.last_error = first[0] if first else type(exc).__name__
        report.online, report.remaining, report.error = False, remaining, self.last_error


def _with(cmd: QueuedCommand, status: str, *, entity_id: str | None = None,
          error: DomainError | None = None) -> QueuedCommand:
    return QueuedCommand(cmd.local_seq, cmd.command_id, cmd.kind, cmd.payload, cmd.role, cmd.user, cmd.queued_at_utc,
                         status, entity_id, error.message_zh if error else None, error.message_en if error else None)
