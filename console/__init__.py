"""urbanops core: domain, geography, workflow, storage, services, feeds, simulator and CLI.

Nothing in this package imports Qt: the console's UI (``maps/``, ``widgets/``) observes it.
"""

__version__ = "0.1.0"
