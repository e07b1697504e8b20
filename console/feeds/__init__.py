"""feeds layer of the urbanops core (no Qt)."""
