"""Masking personal data by role: reporter names and phones, vehicle plates; exports redact by role.

A case JSON (``CaseService.case_json``) is masked unless the reader's role may read personal data (``read_pii``)
or plates (``read_plate``). Exporting is a permission of its own and is audited.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from console.security.audit import AUDIT_ENTITY, EXPORT, pii_read_draft, record_audit_events
from console.security.permissions import allowed, check
from console.services.actor import Actor
from console.services.cases import mask_name, mask_phone
from console.services.context import ServiceContext
from console.storage.eventstore import EventDraft

PLATE_KEYS = frozenset({"plate", "plate_number", "license_plate", "recognized_license_plate", "vehicle_plate"})


def mask_plate(plate: str | None) -> str | None:
    """沪A12323 → 沪A·***23: keeps the province and the issuing-office letter and the last two characters."""
    if not plate:
        return plate
    text = str(plate).strip().replace("·", "").replace(" ", "")
    if len(text) <= 4:
        return "*" * len(text)
    return f"{text[:2]}·***{text[-2:]}"


def _mask_plates(value: Any) -> tuple[Any, bool]:
    """Mask plate fields anywhere in nested dicts/lists; returns (value, whether anything was masked)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        changed = False
        for k, v in value.items():
            if k in PLATE_KEYS and isinstance(v, str):
                out[k] = mask_plate(v)
                changed = changed or out[k] != v
            else:
                out[k], sub = _mask_plates(v)
                changed = changed or sub
        return out, changed
    if isinstance(value, list):
        items = [_mask_plates(v) for v in value]
        return [v for v, _ in items], any(c for _, c in items)
    return value, False


def has_plate(value: Any) -> bool:
    if isinstance(value, dict):
        return any((k in PLATE_KEYS and isinstance(v, str) and v) or has_plate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_plate(v) for v in value)
    return False


def redact(case_json: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """A copy of the case JSON with what the actor's role may not see masked (reporter, plates)."""
    out = copy.deepcopy(case_json)
    reporter = out.get("reporter")
    if isinstance(reporter, dict) and not reporter.get("masked", False) and not allowed(actor.role, "read_pii"):
        out["reporter"] = {**reporter, "name": mask_name(reporter.get("name")), "phone": mask_phone(reporter.get("phone")),
                           "masked": True}
    if not allowed(actor.role, "read_plate"):
        out, _ = _mask_plates(out)
    return out


def unmasked_fields(case_json: dict[str, Any]) -> list[str]:
    """Which personal fields a (redacted) case JSON shows in full: what a pii_read event must record."""
    fields: list[str] = []
    reporter = case_json.get("reporter")
    if isinstance(reporter, dict) and not reporter.get("masked", True):
        fields += [f"reporter.{k}" for k in ("name", "phone") if reporter.get(k)]
    if has_plate(case_json) and _mask_plates(case_json)[1]:
        fields.append("plate")
    return fields


def export_cases(ctx: ServiceContext, cases: Iterable[dict[str, Any]], actor: Actor, *,
                 purpose: str | None = None) -> list[dict[str, Any]]:
    """Redact cases for an export by the actor's role and audit it: one ``export`` event, plus a ``pii_read`` event per
    case whose personal data leaves in full. Raises PermissionDeniedError without ``export``."""
    check(actor, "export")
    redacted = [redact(c, actor) for c in cases]
    now = ctx.clock.now_utc()
    drafts = [EventDraft(actor=actor.user, role=actor.role.value, action=EXPORT, entity_type=AUDIT_ENTITY,
                         entity_id=EXPORT, ts_utc=now, reason=purpose,
                         payload={"count": len(redacted), "case_ids": [str(c.get("id")) for c in redacted[:1000]]})]
    for c in redacted:
        fields = unmasked_fields(c)
        if fields:
            drafts.append(pii_read_draft(actor, str(c.get("id")), fields, now, purpose or "export"))
    with ctx.db.session() as s:
        record_audit_events(s, drafts)
    return redacted
