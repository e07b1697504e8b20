"""The shipped English translation covers every UI string lupdate found (no Chinese left in English mode)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from widgets.i18n import translations_dir


def test_every_source_string_in_the_shipped_ts_has_an_english_translation() -> None:
    tree = ET.parse(translations_dir() / "urbanops_en.ts")
    untranslated = []
    for msg in tree.iter("message"):
        tr = msg.find("translation")
        if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished") or not (tr.text or "").strip():
            untranslated.append(f"{msg.findtext('source')!r}")
    assert not untranslated, ("add English for these in widgets/i18n_en*.py and run python -m widgets.i18n_build: "
                              + ", ".join(untranslated[:20]))
