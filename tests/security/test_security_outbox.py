"""Outbox (离线发件箱) on real databases: order, exactly-once, refusals kept for the user, unwritable/full data dir,
and a real PostgreSQL outage of 60 s on a private server (the shared server on 5432 is never touched)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from console.domain.enums import Role
from console.errors import StorageError
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.outbox import APPLIED, QUEUED, REFUSED, LocalOutbox, ResilientCommands
from console.storage import eventstore
from console.storage.models_outbox import AppliedCommandRow
from tests.conftest import skip_or_fail
from tests.security.conftest import ZHONGSHAN_PARK, make_ctx

OUTAGE_S = float(os.environ.get("URBANOPS_OUTAGE_S", "60"))
CALL_TAKER = Actor(Role.CALL_TAKER, "li")
DISPATCHER = Actor(Role.DISPATCHER, "wang")


def _new_case(ctx: ServiceContext) -> str:
    return str(CaseService(ctx).create_case(category="暴露垃圾", lon=ZHONGSHAN_PARK[0], lat=ZHONGSHAN_PARK[1],
                                            source="inspector", actor=Actor(Role.INSPECTOR, "zhao"))["id"])


def _applied_rows(ctx: ServiceContext) -> list[AppliedCommandRow]:
    with ctx.db.read_session() as s:
        return list(s.scalars(select(AppliedCommandRow).order_by(AppliedCommandRow.first_seq)))


def _note_count(ctx: ServiceContext, case_id: str) -> int:
    with ctx.db.read_session() as s:
        return sum(1 for e in eventstore.read(s, case_id=case_id) if e.action == "note")


def test_commands_apply_in_order_exactly_once_and_refusals_are_kept(sqlite_ctx: ServiceContext,
                                                                    tmp_path: Path) -> None:
    ctx = sqlite_ctx
    case_id = _new_case(ctx)
    cmds = ResilientCommands(ctx, LocalOutbox(tmp_path / "outbox.sqlite3"))
    ok = cmds.act(case_id, "accept", CALL_TAKER)
    assert ok.status == APPLIED and ok.entity_id == case_id
    seq = _event_seq(ctx)
    again = cmds.act(case_id, "accept", CALL_TAKER)  # the case moved on: refused with the service's message
    assert again.status == REFUSED and again.error is not None and again.error.message_zh and again.error.message_en
    assert _event_seq(ctx) == seq
    assert cmds.outbox.refused() == []  # refused at once: shown to the caller immediately, so acknowledged
    created = cmds.create_case(Actor(Role.INSPECTOR, "zhao"), category="暴露垃圾", lon=ZHONGSHAN_PARK[0],
                               lat=ZHONGSHAN_PARK[1], source="inspector", description="离线登记")
    assert created.status == APPLIED and created.entity_id and created.entity_id.startswith("CN")
    # A lost acknowledgement (crash after the database commit, before the outbox was updated): the same command id
    # is replayed and recognised, not applied twice.
    cmds.outbox.mark(ok.command.command_id, QUEUED)
    before = _event_seq(ctx)
    report = cmds.replay()
    assert [c.command_id for c in report.duplicates] == [ok.command.command_id] and not report.applied
    assert _event_seq(ctx) == before
    rows = _applied_rows(ctx)
    assert [r.command_id for r in rows] == [ok.command.command_id, created.command.command_id]
    statuses = {c.command_id: c.status for c in cmds.outbox.all()}
    assert statuses[again.command.command_id] == REFUSED


def _event_seq(ctx: ServiceContext) -> int:
    with ctx.db.read_session() as s:
        return eventstore.last_seq(s)


def test_offline_commands_queue_and_replay_in_order(sqlite_url: str,
                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    """SQLite stand-in for the outage: the database file's directory disappears and comes back."""
    ctx = make_ctx(sqlite_url)
    case_id = _new_case(ctx)
    db_file = Path(sqlite_url.removeprefix("sqlite:///"))
    cmds = ResilientCommands(ctx, LocalOutbox(tmp_path_factory.mktemp("box") / "outbox.sqlite3"))
    assert cmds.act(case_id, "note", DISPATCHER, reason="在线").status == APPLIED
    ctx.db.dispose()
    hidden = db_file.parent.with_name(db_file.parent.name + "_away")
    db_file.parent.rename(hidden)
    try:
        results = [cmds.act(case_id, "note", DISPATCHER, reason=f"离线 {i}") for i in range(5)]
        assert [r.status for r in results] == [QUEUED] * 5 and not cmds.online
        assert cmds.outbox.pending_count() == 5
    finally:
        hidden.rename(db_file.parent)
    report = cmds.replay()
    assert report.online and len(report.applied) == 5 and report.remaining == 0
    with ctx.db.read_session() as s:
        notes = [e.reason for e in eventstore.read(s, case_id=case_id) if e.action == "note"]
    assert notes == ["在线", *[f"离线 {i}" for i in range(5)]]
    ctx.db.dispose()


def _filed_case(ctx: ServiceContext) -> str:
    svc = CaseService(ctx)
    case_id = _new_case(ctx)
    svc.act(case_id, "accept", CALL_TAKER)
    svc.act(case_id, "file", Actor(Role.SHIFT_LEADER, "zhou"))
    return case_id


def _assign_events(ctx: ServiceContext, case_id: str) -> list[str | None]:
    with ctx.db.read_session() as s:
        return [(e.after or {}).get("assignee") for e in eventstore.read(s, case_id=case_id)
                if e.action in ("assign", "reassign")]


def test_assignments_queue_offline_and_land_exactly_once(sqlite_url: str,
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    """Dispatch-panel, batch and drag-to-assign assignments take the outbox path like case actions: queued while the
    database is away, applied in order exactly once when it returns; a stale one is refused and kept, not dropped."""
    ctx = make_ctx(sqlite_url)
    online, first, second = (_filed_case(ctx) for _ in range(3))
    db_file = Path(sqlite_url.removeprefix("sqlite:///"))
    cmds = ResilientCommands(ctx, LocalOutbox(tmp_path_factory.mktemp("box") / "outbox.sqlite3"))
    done = cmds.assign(online, "OF1", DISPATCHER, override_reason="  ")
    assert done.status == APPLIED and done.entity_id == online
    ctx.db.dispose()
    hidden = db_file.parent.with_name(db_file.parent.name + "_away")
    db_file.parent.rename(hidden)
    try:
        batch = cmds.assign_many([first, second, first], "OF1", DISPATCHER)  # the repeated id is dropped
        assert batch.queued == [first, second] and not batch.assigned and not batch.refused and not cmds.online
        assert batch.to_json()["queued"] == [first, second]
        stale = cmds.assign(first, "OF1", DISPATCHER)  # the seat still shows it filed: refused on replay
        assert stale.status == QUEUED
        assert [c.describe() for c in cmds.outbox.pending()] == [f"assign {c} → OF1" for c in (first, second, first)]
    finally:
        hidden.rename(db_file.parent)
    cmds.outbox.mark(done.command.command_id, QUEUED)  # its acknowledgement was lost: replayed, recognised
    report = cmds.replay()
    assert report.online and report.remaining == 0
    assert [c.command_id for c in report.duplicates] == [done.command.command_id]
    assert [c.entity_id for c in report.applied] == [first, second]
    assert [c.command_id for c in report.refused] == [stale.command.command_id] and report.refused[0].error_zh
    for case_id in (online, first, second):
        assert _assign_events(ctx, case_id) == ["OF1"]
        assert CaseService(ctx).get_case(case_id)["status"] == "dispatched"
    rows = _applied_rows(ctx)
    assert [(r.kind, r.entity_id) for r in rows] == [("assign", online), ("assign", first), ("assign", second)]
    assert not cmds.replay().applied
    ctx.db.dispose()


def test_unwritable_data_dir_gives_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x")
    with pytest.raises(StorageError) as info:
        LocalOutbox(blocker / "outbox.sqlite3")
    assert "本地发件箱无法写入" in info.value.message_zh and "writable" in info.value.message_en


_FULL_DISK_CHILD = r"""
import resource, signal, sys
from console.domain.enums import Role
from console.errors import StorageError
from console.services.actor import Actor
from console.services.outbox import LocalOutbox
box = LocalOutbox(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing the process
resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
try:
    for i in range(100000):
        box.enqueue("act", {"case_id": "CN1", "action": "note", "reason": "x" * 4000}, Actor(Role.DISPATCHER, "w"))
except StorageError as exc:
    print("ZH:" + exc.message_zh)
    print("EN:" + exc.message_en)
    print("QUEUED:%d" % box.pending_count())
    sys.exit(0)
sys.exit(3)
"""


def test_disk_full_gives_a_clear_message_and_keeps_what_was_queued(tmp_path: Path) -> None:
    """Disk full, simulated with a file size limit (RLIMIT_FSIZE) in a child process: no crash, a zh + en message,
    and everything queued before the disk filled is still there."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-c", _FULL_DISK_CHILD, str(tmp_path / "outbox.sqlite3")],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = dict(line.split(":", 1) for line in proc.stdout.splitlines() if ":" in line)
    assert "磁盘已满" in lines["ZH"] and "disk full" in lines["EN"]
    queued = int(lines["QUEUED"])
    assert queued > 10
    assert LocalOutbox(tmp_path / "outbox.sqlite3").pending_count() == queued


@pytest.fixture
def private_pg():  # type: ignore[no-untyped-def]
    from tests.security.private_pg import PrivatePostgres

    try:
        server = PrivatePostgres()
        server.start()
    except (FileNotFoundError, subprocess.CalledProcessError, KeyError) as exc:
        skip_or_fail(f"cannot start a private PostgreSQL server: {exc}")
    yield server
    server.destroy()


def test_postgres_outage_of_60_s_loses_nothing_and_applies_nothing_twice(private_pg, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Work, stop PostgreSQL (pg_ctl stop) for 60 s while commands keep coming, start it, replay: every command is
    applied exactly once, in the order it was issued; the one the new state refuses is reported, not dropped."""
    url = private_pg.create_database("urbanops_outage")
    ctx = make_ctx(url)
    cases = [_new_case(ctx) for _ in range(3)]
    filed = _filed_case(ctx)
    states: list[str] = []
    cmds = ResilientCommands(ctx, LocalOutbox(tmp_path / "outbox.sqlite3"),
                             on_state=lambda online, n: states.append("up" if online else "down"))
    issued: list[tuple[str, str]] = []  # (command id, expected outcome)

    for i in range(5):
        r = cmds.act(cases[i % 3], "note", DISPATCHER, reason=f"before {i}")
        assert r.status == APPLIED
        issued.append((r.command.command_id, APPLIED))

    private_pg.stop()
    t_end = time.monotonic() + OUTAGE_S
    i = 0
    r = cmds.act(cases[0], "accept", CALL_TAKER)  # applied on replay
    issued.append((r.command.command_id, QUEUED))
    r = cmds.act(cases[0], "accept", CALL_TAKER)  # refused on replay: the first one moved the case on
    issued.append((r.command.command_id, "refused_later"))
    r = cmds.assign(filed, "OF1", DISPATCHER)  # a dispatch-panel assignment while the database is down
    assert r.status == QUEUED
    issued.append((r.command.command_id, QUEUED))
    while time.monotonic() < t_end:
        r = cmds.act(cases[i % 3], "note", DISPATCHER, reason=f"during {i}")
        assert r.status == QUEUED, (r.status, r.error)
        issued.append((r.command.command_id, QUEUED))
        i += 1
        time.sleep(0.5)
    assert not cmds.online and states[-1] == "down"
    assert cmds.outbox.pending_count() == len(issued) - 5
    private_pg.start()

    report = cmds.replay()
    assert report.online and report.remaining == 0 and states[-1] == "up"
    assert [c.command_id for c in report.refused] == [issued[6][0]]
    assert report.refused[0].error_zh  # shown to the user with the reason
    assert len(report.applied) == len(issued) - 5 - 1
    # Every applied command exactly once, in issue order (event seq follows the outbox order).
    applied_ids = [cid for cid, outcome in issued if outcome != "refused_later"]
    rows = _applied_rows(ctx)
    assert [r.command_id for r in rows] == applied_ids
    assert len({r.command_id for r in rows}) == len(rows)
    assert all(a.last_seq is not None and b.first_seq is not None and a.last_seq < b.first_seq
               for a, b in itertools.pairwise(rows))
    assert sum(_note_count(ctx, c) for c in cases) == 5 + i
    assert _assign_events(ctx, filed) == ["OF1"]  # the assignment landed once, after the database returned
    assert next(r for r in rows if r.command_id == issued[7][0]).kind == "assign"
    # A second replay finds nothing to do, and the hash chain is intact.
    assert not cmds.replay().applied
    with ctx.db.read_session() as s:
        assert eventstore.verify(s).ok
        assert s.scalar(select(func.count()).select_from(AppliedCommandRow)) == len(applied_ids)
    ctx.db.dispose()
