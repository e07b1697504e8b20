"""services layer of the urbanops core (no Qt)."""
