"""Gateway configuration: which rule, device and merge files to use (``urbanops gateway --config FILE``).

The YAML may hold ``devices``, ``rules``, ``intake`` and ``evidence`` (paths, relative to the config file) and
``client_id``; anything missing falls back to the bundled files under resources/feeds/ (and resources/evidence/).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from console.errors import DataFileError
from console.feeds.health import FeedHealth
from console.feeds.positions import DeviceMapping, PositionIngest
from console.feeds.processor import FeedProcessor
from console.feeds.rules import load_rules
from console.services.context import ServiceContext
from console.services.intake import IntakeService


@dataclass(frozen=True)
class GatewayConfig:
    devices: Path | None = None
    rules: Path | None = None
    intake: Path | None = None
    client_id: str = "urbanops-gateway"
    evidence: Path | None = None

    @staticmethod
    def load(path: Path | None) -> GatewayConfig:
        if path is None:
            return GatewayConfig()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise DataFileError(f"无法读取网关配置 {path}：{exc}", f"cannot read gateway config {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise DataFileError(f"{path}：应为映射", f"{path}: must be a mapping")

        def rel(key: str) -> Path | None:
            value = data.get(key)
            return None if not value else (path.parent / str(value))

        return GatewayConfig(rel("devices"), rel("rules"), rel("intake"), str(data.get("client_id", "urbanops-gateway")),
                             rel("evidence"))


def build_processor(ctx: ServiceContext, config: GatewayConfig, health: FeedHealth | None = None,
                    batch_size: int = 16) -> FeedProcessor:
    """Wire the processor: position ingest (device mapping), intake (merge config), rules, health, and the
    muck-truck evidence pipeline (console/evidence) as the camera hook."""
    from console.duty.personnel import officer_devices
    from console.evidence.settings import build_pipeline, load_settings

    mapping = DeviceMapping.from_yaml(config.devices)
    # The personnel records' device ids are the source of truth (人员管理); the YAML keeps devices nobody carries yet.
    mapping.devices = {**mapping.devices, **officer_devices(ctx)}
    positions = PositionIngest(ctx.db, mapping, clock=ctx.clock.now_utc,
                               batch_size=batch_size)
    return FeedProcessor(ctx, positions, IntakeService.from_config(ctx, config.intake), load_rules(config.rules),
                         health or FeedHealth(), camera_hook=build_pipeline(ctx, load_settings(config.evidence)))
