"""geo layer of the urbanops core (no Qt)."""
