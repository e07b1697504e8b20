"""Collaboration UI (协同办公): notes thread, handoff buttons, notice bar, handover digest, workrooms, workstations."""
