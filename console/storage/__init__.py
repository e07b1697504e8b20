"""storage layer of the urbanops core (no Qt)."""
