"""Frozen-bundle entry point: the same ``console.cli.main:main`` that the ``urbanops`` console script runs."""

from __future__ import annotations

import multiprocessing
import sys

from console.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
