"""Notes with mentions and attachments, the inbox, handoffs with acceptance, notices: all as events."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from console.collab.service import CollabService
from console.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from console.services.context import ServiceContext
from console.services.dispatch import DispatchService
from console.storage import eventstore
from console.storage.models import EventRow
from tests.collab.conftest import DISPATCHER, HANDLER, LEADER
from tests.dispatch.conftest import file_case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _events(ctx: ServiceContext) -> int:
    with ctx.db.read_session() as s:
        return int(s.execute(select(func.count()).select_from(EventRow)).scalar() or 0)


def test_note_with_mentions_and_attachment_is_on_the_case_timeline(ctx: ServiceContext, collab: CollabService) -> None:
    cid = file_case(ctx)
    note = collab.add_note(cid, "现场照片已上传，@周家桥中队 请安排，@刘洋 知悉", DISPATCHER,
                           attachments=[("现场.png", PNG)])
    assert {(m["kind"], m["id"]) for m in note["mentions"]} == {("squad", "SQ005"), ("officer", "OF4")}
    ref = note["attachments"][0]
    assert ref["sha256"] == hashlib.sha256(PNG).hexdigest() and ref["mime"] == "image/png"
    assert collab.store.get(ref["sha256"]) == PNG
    reply = collab.add_note(cid, "收到", HANDLER, parent_id=note["id"])
    with ctx.db.read_session() as s:
        actions = [e.action for e in eventstore.read(s, 0, case_id=cid)]
        assert eventstore.verify(s).ok
    assert actions[-4:] == ["note_add", "mention", "mention", "comment_add"]
    assert [n["id"] for n in collab.notes_for_case(cid)] == [note["id"], reply["id"]]
    # OF4 sees both its own mention and its squad's (SQ005) in the inbox; reading one is an event too.
    inbox = collab.inbox("OF4")
    assert {m["target_id"] for m in inbox} == {"OF4", "SQ005"}
    collab.mark_read(inbox[0]["id"], HANDLER)
    assert len(collab.inbox("OF4", unread_only=True)) == 1


def test_unknown_mention_writes_nothing(ctx: ServiceContext, collab: CollabService) -> None:
    cid = file_case(ctx)
    before = _events(ctx)
    with pytest.raises(ValidationError) as err:
        collab.add_note(cid, "@无此人 请处理", DISPATCHER)
    assert "@无此人" in err.value.message_zh
    assert _events(ctx) == before


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (11 * 1024 * 1024), "over the limit"),
    ("tool.exe", b"MZ\x90\x00", "type not allowed"),
    ("fake.png", b"GIF89a not a png", "content is not image/png"),
    ("empty.pdf", b"", "empty"),
])
def test_bad_attachment_is_refused_and_nothing_is_written(ctx: ServiceContext, collab: CollabService, name: str,
                                                          data: bytes, needle: str) -> None:
    cid = file_case(ctx)
    before = _events(ctx)
    with pytest.raises(ValidationError) as err:
        collab.add_note(cid, "附件", DISPATCHER, attachments=[(name, data)])
    assert needle in err.value.message_en and err.value.message_zh
    assert _events(ctx) == before
    assert not any(p.is_file() for p in collab.store.root.rglob("*")) if collab.store.root.exists() else True


def test_handoff_accept_reassigns_and_decline_needs_a_reason(ctx: ServiceContext, collab: CollabService) -> None:
    cid = file_case(ctx)
    DispatchService(ctx).assign(cid, "OF4", DISPATCHER)  # SQ005 holds it
    h = collab.request_handoff(cid, "SQ001", DISPATCHER, reason="位于华阳路街道辖区交界，由华阳路中队处置")
    assert (h["from_id"], h["to_id"], h["status"]) == ("SQ005", "SQ001", "requested")
    with pytest.raises(ConflictError):
        collab.request_handoff(cid, "U-GREEN", DISPATCHER, reason="重复")
    with pytest.raises(ValidationError):
        collab.decide_handoff(h["id"], False, DISPATCHER)
    done = collab.decide_handoff(h["id"], True, DISPATCHER)
    assert done["status"] == "accepted" and done["reassigned"] is True
    with ctx.db.read_session() as s:
        evs = eventstore.read(s, 0, case_id=cid)
    assert [e.action for e in evs][-3:] == ["handoff_request", "reassign", "handoff_accept"]
    assert evs[-2].after is not None and evs[-2].after["assignee"] == "SQ001"
    with pytest.raises(ConflictError):
        collab.decide_handoff(h["id"], False, DISPATCHER, reason="迟了")
    # A second handoff to a department is declined with a reason: the case stays where it is.
    h2 = collab.request_handoff(cid, "U-GREEN", LEADER, reason="绿化问题")
    declined = collab.decide_handoff(h2["id"], False, LEADER, reason="不属于绿化市容职责")
    assert declined["status"] == "declined" and declined["decision_reason"] == "不属于绿化市容职责"
    assert [x["id"] for x in collab.handoffs(case_id=cid)] == [h2["id"], h["id"]]


def test_handoff_refusals(ctx: ServiceContext, collab: CollabService) -> None:
    cid = file_case(ctx)
    with pytest.raises(NotFoundError):
        collab.request_handoff(cid, "SQ999", DISPATCHER, reason="x")
    with pytest.raises(ValidationError):
        collab.request_handoff(cid, "SQ001", DISPATCHER, reason=" ")
    from console.domain.enums import Role
    from console.services.actor import Actor

    with pytest.raises(PermissionDeniedError):
        collab.request_handoff(cid, "SQ001", Actor(Role.CALL_TAKER, "c"), reason="x")


def test_notices_expire_and_can_be_withdrawn(ctx: ServiceContext, collab: CollabService) -> None:
    from datetime import timedelta

    now = ctx.clock.now_utc()
    a = collab.post_notice("今晚 20:00 起中山公园周边专项整治", LEADER, level="warning")
    b = collab.post_notice("系统维护", LEADER, expires_at_utc=now + timedelta(hours=1))
    assert [n["id"] for n in collab.active_notices(now)] == [b["id"], a["id"]]  # newest first
    assert [n["id"] for n in collab.active_notices(now + timedelta(hours=2))] == [a["id"]]
    collab.withdraw_notice(a["id"], LEADER)
    assert [n["id"] for n in collab.active_notices(now)] == [b["id"]]
    with pytest.raises(ValidationError):
        collab.post_notice("x", LEADER, level="shout")
    with pytest.raises(PermissionDeniedError):
        collab.post_notice("x", HANDLER)
