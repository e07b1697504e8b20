"""sim layer of the urbanops core (no Qt)."""
