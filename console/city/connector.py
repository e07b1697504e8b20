"""The connector a gateway runs: configuration, then repeated cycles of pull → derive outbox → send.

Each cycle step is independent: the platform being down fails the pull and the sends (counted, retried next cycle) but
never stops outbox items from being derived from the log, so nothing the dispatchers do while it is down is lost.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from console.city.client import CityPlatformClient, ClientConfig, PlatformRejected, PlatformUnavailable
from console.city.inbound import InboundSync, SyncReport
from console.city.mapping import PlatformMapping, load_mapping
from console.city.outbound import OutboxSender, SendReport, derive_outbox
from console.errors import DataFileError
from console.services.context import ServiceContext


@dataclass
class ConnectorConfig:
    """One deployment's settings (YAML; see docs/city_platform.md)."""

    client: ClientConfig
    mapping_path: Path | None = None
    poll_interval_s: float = 30.0
    send_backoff_s: float = 5.0
    send_backoff_cap_s: float = 900.0


def load_connector_config(path: Path | None, base_url: str | None = None) -> ConnectorConfig:
    """Read the connector YAML; ``base_url`` (from the command line) overrides the file's."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise DataFileError(f"无法读取连接器配置 {path}：{exc}", f"cannot read connector config {path}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise DataFileError(f"{path}：应为 YAML 映射", f"{path}: must be a YAML mapping")
        data = loaded
    url = base_url or data.get("base_url")
    if not url or not str(url).startswith(("http://", "https://")):
        raise DataFileError("缺少城运平台地址 base_url（http:// 或 https://）",
                            "connector config needs base_url (http:// or https://)")
    api_key = data.get("api_key")
    key_env = data.get("api_key_env")
    if key_env:
        api_key = os.environ.get(str(key_env), api_key)
    try:
        client = ClientConfig(
            base_url=str(url), api_key=None if api_key is None else str(api_key),
            api_key_header=str(data.get("api_key_header", "X-Api-Key")),
            connect_timeout_s=float(data.get("connect_timeout_s", 3.0)),
            read_timeout_s=float(data.get("read_timeout_s", 10.0)),
            retries=int(data.get("retries", 3)), backoff_s=float(data.get("backoff_s", 0.5)),
            backoff_cap_s=float(data.get("backoff_cap_s", 30.0)), page_size=int(data.get("page_size", 100)))
        mapping = data.get("mapping")
        mapping_path = None
        if mapping:
            mapping_path = Path(str(mapping))
            if not mapping_path.is_absolute() and path is not None:
                mapping_path = path.parent / mapping_path
        return ConnectorConfig(client, mapping_path, float(data.get("poll_interval_s", 30.0)),
                               float(data.get("send_backoff_s", 5.0)), float(data.get("send_backoff_cap_s", 900.0)))
    except (TypeError, ValueError) as exc:
        raise DataFileError(f"连接器配置数值无效：{exc}", f"connector config has an invalid number: {exc}") from exc


@dataclass
class CycleReport:
    inbound: SyncReport | None = None
    inbound_error: str | None = None
    derived: int = 0
    send: SendReport = field(default_factory=SendReport)

    def to_json(self) -> dict[str, Any]:
        return {"inbound": None if self.inbound is None else self.inbound.to_json(),
                "inbound_error": self.inbound_error, "outbox_derived": self.derived, "send": self.send.to_json()}


class CityConnector:
    """Pull, derive, send; ``run`` repeats until ``stop`` is set."""

    def __init__(self, ctx: ServiceContext, config: ConnectorConfig, client: CityPlatformClient | None = None,
                 mapping: PlatformMapping | None = None) -> None:
        self.ctx = ctx
        self.config = config
        self.client = client or CityPlatformClient(config.client)
        self.mapping = mapping or load_mapping(config.mapping_path, ctx.taxonomy)
        self.inbound = InboundSync(ctx, self.client, self.mapping)
        self.sender = OutboxSender(ctx, self.client, config.send_backoff_s, config.send_backoff_cap_s)

    def cycle(self) -> CycleReport:
        report = CycleReport()
        try:
            report.inbound = self.inbound.run_once()
        except (PlatformUnavailable, PlatformRejected) as exc:
            report.inbound_error = exc.message_en
        report.derived = derive_outbox(self.ctx)
        report.send = self.sender.send_due()
        return report

    def run(self, stop: threading.Event, on_cycle: Any = None) -> None:
        while not stop.is_set():
            report = self.cycle()
            if on_cycle is not None:
                on_cycle(report)
            stop.wait(self.config.poll_interval_s)
