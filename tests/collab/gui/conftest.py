"""The window fixtures of tests/widgets (seeded SQLite world, isolated settings, the main window) for the collab UI."""

from tests.widgets.conftest import (  # noqa: F401
    FIXED_NOW_UTC,
    db_url,
    isolated_settings,
    loaded,
    seeded_db_file,
    window,
)
