"""Settings of the non-site enforcement pipeline (resources/evidence/evidence.yaml or the bureau's copy) and the
factory that wires registry, camera client, evidence store and rules into a ``MuckTruckPipeline``."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from console.config import evidence_dir
from console.errors import DataFileError
from console.evidence.camera_client import CameraClient
from console.evidence.registry import PermitRegistry
from console.evidence.registry_client import RegistryClient, RegistryClientConfig
from console.evidence.rules import MuckRules, load_muck_rules
from console.evidence.store import EvidenceStore
from console.resources import resource_path
from console.services.context import ServiceContext


@dataclass
class EvidenceSettings:
    registry: RegistryClientConfig | None = None
    cache_ttl_s: float = 6 * 3600
    negative_ttl_s: float = 600
    memory_ttl_s: float = 60
    camera_base_url: str | None = None
    camera_timeout_s: float = 5.0
    camera_retries: int = 1
    rules_path: Path | None = None
    store_root: Path = field(default_factory=evidence_dir)

    def rules(self) -> MuckRules:
        return load_muck_rules(self.rules_path)


def _num(section: dict[str, Any], key: str, default: float, lo: float = 0.0, hi: float = 1e6) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not lo <= value <= hi:
        raise DataFileError(f"证据配置 {key} 应为 {lo:g}–{hi:g} 的数", f"evidence settings: {key} must be in [{lo:g}, {hi:g}]")
    return float(value)


def load_settings(path: Path | None = None, *, registry_url: str | None = None,
                  camera_url: str | None = None) -> EvidenceSettings:
    """Read the settings file, then environment variables, then explicit arguments (CLI flags)."""
    path = path or resource_path("evidence", "evidence.yaml")
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"无法读取证据配置 {path}：{exc}", f"cannot read evidence settings {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"{path}：应为映射", f"{path}: must be a mapping")
    reg = data.get("registry") or {}
    cam = data.get("camera_api") or {}
    if not isinstance(reg, dict) or not isinstance(cam, dict):
        raise DataFileError(f"{path}：registry/camera_api 应为映射", f"{path}: registry/camera_api must be mappings")
    base = registry_url or os.environ.get("URBANOPS_REGISTRY_URL") or reg.get("base_url")
    key_env = str(reg.get("api_key_env") or "URBANOPS_REGISTRY_API_KEY")
    client = None
    if base:
        client = RegistryClientConfig(
            base_url=str(base), api_key=os.environ.get(key_env) or None,
            connect_timeout_s=_num(reg, "connect_timeout_s", 3, 0.01, 120), read_timeout_s=_num(reg, "read_timeout_s", 5, 0.01, 600),
            retries=int(_num(reg, "retries", 2, 0, 20)), backoff_s=_num(reg, "backoff_s", 0.5, 0, 60),
            backoff_cap_s=_num(reg, "backoff_cap_s", 10, 0, 600), page_size=int(_num(reg, "page_size", 100, 1, 5000)))
    rules = data.get("rules")
    return EvidenceSettings(
        registry=client, cache_ttl_s=_num(reg, "cache_ttl_s", 21600), negative_ttl_s=_num(reg, "negative_ttl_s", 600),
        memory_ttl_s=_num(reg, "memory_ttl_s", 60),
        camera_base_url=camera_url or os.environ.get("URBANOPS_CAMERA_API_URL") or cam.get("base_url") or None,
        camera_timeout_s=_num(cam, "timeout_s", 5, 0.01, 600), camera_retries=int(_num(cam, "retries", 1, 0, 20)),
        rules_path=(Path(path).parent / str(rules)) if rules else None)


def build_registry(ctx: ServiceContext, settings: EvidenceSettings) -> PermitRegistry:
    client = RegistryClient(settings.registry) if settings.registry is not None else None
    return PermitRegistry(ctx, client, cache_ttl_s=settings.cache_ttl_s, negative_ttl_s=settings.negative_ttl_s,
                          memory_ttl_s=settings.memory_ttl_s)


def build_pipeline(ctx: ServiceContext, settings: EvidenceSettings | None = None) -> Any:
    """The muck-truck pipeline for the gateway (typed Any to keep console.feeds free of this package's types)."""
    from console.evidence.pipeline import MuckTruckPipeline

    settings = settings or load_settings()
    camera = (CameraClient(settings.camera_base_url, timeout_s=settings.camera_timeout_s, retries=settings.camera_retries)
              if settings.camera_base_url else None)
    return MuckTruckPipeline(ctx, build_registry(ctx, settings), EvidenceStore(settings.store_root), settings.rules(),
                             camera)
