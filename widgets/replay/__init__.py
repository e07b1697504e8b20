"""Replay mode of the console (回放模式): the main window driven by a replay clock, read-only, visibly different."""
