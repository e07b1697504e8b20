"""The decision a legal reviewer (法制审核员) records when approving a case (处罚/处理决定).

Non-site enforcement cases (muck trucks and the like) end in an administrative decision: its document number
(决定书文号), the decision itself (处理决定), the legal basis (法律依据) and, for a fine, the amount in yuan
(罚款金额). ``legal_approve`` carries it in its event payload as ``{"decision": {...}}``; this module is the one
place that says what a well-formed decision is, for the service, the CLI and the dialog alike.
"""

from __future__ import annotations

import math
from typing import Any

from console.errors import ValidationError

MAX_TEXT = 500
MAX_FINE_CNY = 10_000_000  # far above any fine an urban-management bureau can impose; catches typos like extra zeros


def _text(data: dict[str, Any], key: str, label_zh: str, *, required: bool) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(f"处理决定缺少{label_zh}", f"the decision needs its {key}")
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{label_zh}应为文字", f"decision {key} must be text")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{label_zh}过长（最多 {MAX_TEXT} 字）", f"decision {key} is too long (max {MAX_TEXT})")
    return value


def normalise_decision(data: Any) -> dict[str, Any]:
    """A clean copy of a decision, or ValidationError naming what is wrong (unknown keys are refused, not dropped)."""
    if not isinstance(data, dict):
        raise ValidationError("处理决定应为键值对象", "the decision must be an object")
    unknown = sorted(set(data) - {"decision_no", "decision", "legal_basis", "fine_cny"})
    if unknown:
        raise ValidationError(f"处理决定含未知字段：{', '.join(unknown)}", f"unknown decision fields: {', '.join(unknown)}")
    out: dict[str, Any] = {
        "decision_no": _text(data, "decision_no", "决定书文号", required=True),
        "decision": _text(data, "decision", "处理决定", required=True),
    }
    basis = _text(data, "legal_basis", "法律依据", required=False)
    if basis is not None:
        out["legal_basis"] = basis
    fine = data.get("fine_cny")
    if fine is not None:
        if isinstance(fine, bool) or not isinstance(fine, int | float) or not math.isfinite(fine):
            raise ValidationError("罚款金额应为数字（元）", "fine_cny must be a number of yuan")
        if not 0 <= fine <= MAX_FINE_CNY or round(fine, 2) != fine:
            raise ValidationError(f"罚款金额应在 0–{MAX_FINE_CNY} 元之间，最多两位小数",
                                  f"fine_cny must be within 0–{MAX_FINE_CNY} yuan with at most 2 decimals")
        out["fine_cny"] = fine
    return out


def decision_payload(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """``legal_approve``'s payload with its decision (if any) validated and normalised."""
    if not payload or "decision" not in payload:
        return payload
    return {**payload, "decision": normalise_decision(payload["decision"])}
