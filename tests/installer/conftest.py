"""The installer tests need a built bundle (``make installer``); ``make test`` never builds one."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "installer: needs the PyInstaller bundle from 'make installer' (else skipped)")
