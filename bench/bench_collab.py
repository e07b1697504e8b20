"""Collaboration: the shift handover digest over many open cases, and @mention resolution.

Baselines measured in the same run on the same data: one plain pass over the case dicts that only reads status and
deadline (the floor any digest pays), and a bare dict lookup per mention token.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from console.collab.config import default_config
from console.collab.handover import build_digest, case_deadline, shift_starting_at
from console.collab.mentions import Directory, Target, resolve

STATUSES = ["reported", "accepted", "filed", "dispatched", "handling", "handled", "hung", "closed", "voided"]


def _timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _cases(n: int, start: datetime) -> list[dict[str, Any]]:
    rng = random.Random(5)
    return [{"id": f"CN{i:08d}", "status": rng.choice(STATUSES), "category_code": "E0101", "subdistrict_name": "华阳路街道",
             "assignee": None, "supervised": rng.random() < 0.05, "overdue": rng.random() < 0.1,
             "step_deadline_utc": (start + timedelta(minutes=rng.randint(-2000, 2000))).isoformat()}
            for i in range(n)]


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 20_000 if quick else 100_000
    window = shift_starting_at(datetime(2026, 11, 23, 8, 0), default_config().shifts)
    cases = _cases(n, window.start_utc)
    floor_s = _timed(lambda: [(c["status"], case_deadline(c)) for c in cases])
    took = _timed(lambda: build_digest(cases, window, generated_utc=datetime.now(UTC)))
    rows: list[dict[str, Any]] = [{
        "name": f"handover digest over {n:,} cases", "value": took, "unit": "s",
        "baseline_name": "one pass reading status + deadline", "baseline_value": floor_s, "ratio": took / floor_s,
        "target": "< 1 s per 100k", "verdict": "met" if took * 100_000 / n < 1.0 else "MISSED"}]
    targets = [Target("officer", f"OF{i:05d}", f"队员{i:05d}") for i in range(2_000)]
    targets += [Target("squad", f"SQ{i:03d}", f"第{i:03d}中队") for i in range(10)]
    directory = Directory(targets)
    texts = [f"@OF{i % 2000:05d} 请到场，@第{i % 10:03d}中队请处理" for i in range(n // 10)]
    keys = {t.id: t for t in targets}
    base_s = _timed(lambda: [(keys[f"OF{i % 2000:05d}"], keys[f"SQ{i % 10:03d}"]) for i in range(n // 10)])
    res_s = _timed(lambda: [resolve(t, directory) for t in texts])
    rows.append({"name": f"{n // 10:,} notes × resolve 2 mentions", "value": res_s, "unit": "s",
                 "baseline_name": "2 bare dict lookups per note", "baseline_value": base_s, "ratio": res_s / base_s,
                 "target": "interactive (< 1 ms per note)",
                 "verdict": "met" if res_s / (n // 10) < 0.001 else "MISSED"})
    return rows


if __name__ == "__main__":
    from bench.__main__ import print_row

    for r in run():
        print_row(r)
