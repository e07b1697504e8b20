"""Shipped app resources: the English translation covers every UI string; the window icon is set."""

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


def test_the_application_carries_its_window_icon(qapp) -> None:  # type: ignore[no-untyped-def]
    from widgets.app import make_app

    app = make_app()
    sizes = {s.width() for s in app.windowIcon().availableSizes()}
    assert {32, 256} <= sizes


def test_no_tr_call_hides_inside_an_f_string() -> None:
    """lupdate does not see ``tr()`` inside an f-string's braces: such a label silently stays Chinese in English."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    hidden: list[str] = []
    for path in [*root.joinpath("widgets").rglob("*.py"), *root.joinpath("maps").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for value in node.values:
                    if isinstance(value, ast.FormattedValue):
                        for call in ast.walk(value.value):
                            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                                    and call.func.attr in ("tr", "translate")):
                                hidden.append(f"{path.relative_to(root)}:{call.lineno}")
    assert hidden == [], hidden
