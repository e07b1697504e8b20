"""Windows, docks, panels and dialogs of the urbanops console."""
