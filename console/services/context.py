"""Everything a command needs: database, rules (workflow, taxonomy, SLA), geography and a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from console.domain.sla import SlaPolicy, default_sla_policy
from console.domain.taxonomy import Taxonomy, default_taxonomy
from console.domain.workflow import Workflow, default_workflow
from console.services.clock import Clock, SystemClock
from console.services.geo_context import GeoContext, load_geo_context
from console.storage.db import Database


@dataclass
class ServiceContext:
    """Shared, mostly immutable dependencies of the services; geography loads lazily on first use."""

    db: Database
    clock: Clock = field(default_factory=SystemClock)
    workflow: Workflow = field(default_factory=default_workflow)
    taxonomy: Taxonomy = field(default_factory=default_taxonomy)
    sla: SlaPolicy = field(default_factory=default_sla_policy)
    _geo: GeoContext | None = None

    @cached_property
    def geo(self) -> GeoContext:
        return self._geo if self._geo is not None else load_geo_context(self.db)
