"""Reliability tooling: soak runs (simulated days with the gateway and several seats)."""
