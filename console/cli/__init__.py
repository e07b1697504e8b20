"""cli layer of the urbanops core (no Qt)."""
