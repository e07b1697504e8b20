"""domain layer of the urbanops core (no Qt)."""
