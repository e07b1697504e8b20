"""Bundled data: geodata, taxonomy, calendar, fonts, translations (see PROVENANCE.md files)."""
