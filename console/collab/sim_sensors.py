"""The simulator's workstation tick: Huayang sensors now and then cross their threshold and later recover, through the
real feed path (console/feeds/processor.py), and the workstation check (``WorkstationService.sync``) runs. So the demo
shows sensors raising and closing work orders, and local orders escalating when they stay open too long."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from console.collab.workstation import SyncResult, WorkstationService
from console.services.context import ServiceContext
from console.storage.models import AssetRow

ALARM_EVERY_S = 900.0  # on average one new sensor alarm per 15 simulated minutes across the pilot
RECOVER_AFTER_S = (20 * 60.0, 100 * 60.0)  # an alarm lasts 20–100 simulated minutes
CHECK_EVERY_S = 30.0


class WorkstationSim:
    """Drives sensor readings and the scheduled escalation check from the simulator's clock."""

    def __init__(self, ctx: ServiceContext, seed: int = 11) -> None:
        from console.feeds.config import GatewayConfig, build_processor

        self.ctx = ctx
        self.rng = random.Random(seed)
        self.processor = build_processor(ctx, GatewayConfig(), batch_size=1)
        self.service = WorkstationService(ctx)
        self.recover_at: dict[str, datetime] = {}
        self._since_check = CHECK_EVERY_S
        self._last_ts = 0.0

    def _sensors(self) -> list[Any]:
        with self.ctx.db.read_session() as s:
            return list(s.execute(select(AssetRow).where(AssetRow.kind == "sensor", AssetRow.parent_id.is_not(None))
                                  .order_by(AssetRow.id)).scalars())

    def _send(self, sensor_id: str, kind: str, value: float, now: datetime) -> str:
        ts = max(now.timestamp(), self._last_ts + 0.001)  # readings of one sensor need distinct timestamps
        self._last_ts = ts
        return self.processor.handle(f"urbanops/sensors/{sensor_id}/reading",
                                     json.dumps({"ts": ts, "kind": kind, "value": value}))

    def tick(self, dt_s: float, now: datetime) -> SyncResult | None:
        """Advance by ``dt_s`` simulated seconds; returns the check's result when it ran."""
        sensors = self._sensors()
        if not sensors:
            return None
        rules = self.processor.rules.sensors
        if self.rng.random() < min(1.0, dt_s / ALARM_EVERY_S):
            normal = [s for s in sensors if s.status != "alarm" and (s.extra or {}).get("sensor_kind") in rules]
            if normal:
                s = self.rng.choice(normal)
                kind = str((s.extra or {})["sensor_kind"])
                rule = rules[kind]
                threshold = float((s.extra or {}).get("threshold", rule.threshold))
                value = min(rule.max_value, max(threshold, threshold * self.rng.uniform(1.05, 1.4)))
                self._send(s.id, kind, round(value, 1), now)
                self.recover_at[s.id] = now + timedelta(seconds=self.rng.uniform(*RECOVER_AFTER_S))
        for s in sensors:
            due = self.recover_at.get(s.id)
            if s.status == "alarm" and due is not None and now >= due:
                kind = str((s.extra or {}).get("sensor_kind"))
                rule = rules[kind]
                threshold = float((s.extra or {}).get("threshold", rule.threshold))
                self._send(s.id, kind, max(rule.min_value, round(threshold - rule.hysteresis - 1, 1)), now)
                del self.recover_at[s.id]
        self._since_check += dt_s
        if self._since_check < CHECK_EVERY_S:
            return None
        self._since_check = 0.0
        return self.service.sync(now)
